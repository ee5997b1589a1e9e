"""--format markdown: a pull-request comment (issue 16): the verdict first, what blocks, what to do, and the
details collapsed; nothing from the repository can inject markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.pipeline import ScanOptions, scan
from license_check.render.markdown import md, render_markdown
from tests.conftest import SAMPLES

ALL = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", ALL)
def test_every_sample_gives_a_comment_that_fits_in_a_screen(name: str) -> None:
    report = scan(str(SAMPLES / name), ScanOptions(cache=False))
    text = render_markdown(report)
    head = text.split("<details>", 1)[0]
    assert text.startswith("### ") and report.verdict.value.upper() in text.splitlines()[0]
    assert len(head.splitlines()) <= 30  # the verdict, what blocks it and what to do, before the details
    assert text.count("<details>") == text.count("</details>")
    assert render_markdown(report) == text  # deterministic


def test_a_blocked_repository_says_what_blocks_it_and_what_to_do() -> None:
    text = render_markdown(scan(str(SAMPLES / "alphafold-2021-like"), ScanOptions(cache=False)))
    assert "FAIL — commercial use prohibited" in text.splitlines()[0]
    assert "**What blocks it**" in text and "CC-BY-NC-4.0 | prohibited" in text
    assert "**What to do**" in text and "Obtain a commercial license" in text


def test_repository_text_cannot_inject_markup(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    (repo / "models" / "x").mkdir(parents=True)
    (repo / "LICENSE").write_text((SAMPLES / "mit-package" / "LICENSE").read_text())
    (repo / "models" / "x" / "README.md").write_text(
        "---\nlicense: other\nlicense_name: '| PASS | </details><script>alert(1)</script> `x`'\n---\n# m\n")
    text = render_markdown(scan(str(repo), ScanOptions(cache=False)))
    assert "<script>" not in text and "</details><" not in text.replace("</details>\n", "")
    assert md("a|b <i>`c`</i> & \x1b[31m") == "a\\|b \\<i\\>\\`c\\`\\</i\\> &amp; \\\\x1b\\[31m"
