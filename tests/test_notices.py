"""`license-check notices PATH` (issue 16): the NOTICE bundle a release ships."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from license_check.cli import cli
from license_check.notices import COVERS, bundle
from license_check.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES
from tests.deps_env import build


def test_the_bundle_carries_license_and_notice_texts_and_copyright_lines() -> None:
    report = scan(str(SAMPLES / "apache-notice"), ScanOptions(cache=False))
    made = bundle(report, str(SAMPLES / "apache-notice"))
    text = made.text
    notice = (SAMPLES / "apache-notice" / "NOTICE").read_text().strip()
    assert made.components == (".",) and "### LICENSE" in text and "### NOTICE" in text
    assert notice.splitlines()[0] in text and "Apache License" in text
    assert "    Copyright 2023 The EmbedKit Authors" in text
    assert "[yyyy]" not in text.split("### LICENSE", 1)[0]  # a template's placeholder line is no holder
    assert set(made.covered) <= COVERS and "- [x] Ship the LICENSE text with every copy (.)" in text
    assert "- [ ] Mark modified files with prominent notices that you changed them (.): not covered" in text


def test_dependencies_are_credited_in_checklist_order(tmp_path: Path) -> None:
    env = tmp_path / "venv"
    build(env)
    result = CliRunner().invoke(cli, ["notices", str(SAMPLES / "deps-uv"), "--deps-env", str(env), "-o",
                                      str(tmp_path / "THIRD_PARTY_NOTICES.md")])
    assert result.exit_code == 0 and "component(s) credited" in result.stderr
    text = (tmp_path / "THIRD_PARTY_NOTICES.md").read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## ." and "## pkg:pypi/fastmath 1.2.3" in headings
    assert "### MIT (the SPDX license list's text)" in text and "take its copyright notice from there" in text


def test_a_license_file_linked_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Copyright 2020 Outside\nprivate\n")
    (repo / "LICENSE").write_text((SAMPLES / "mit-package" / "LICENSE").read_text())
    report = scan(str(repo), ScanOptions(cache=False))
    os.remove(repo / "LICENSE")
    os.symlink(secret, repo / "LICENSE")  # swapped after the scan: the bundle must not follow it
    assert "private" not in bundle(report, str(repo)).text
