"""Project-wide promises: lint, types, documented rule codes, module size, lazy ScanCode."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from license_check.findings import RULES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "license_check"
sys.path.insert(0, str(ROOT / "scripts"))


def test_ruff_is_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "license_check", "tests", "scripts", "bench"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_diagnostics_doc_is_in_sync_with_the_registry() -> None:
    from gen_diagnostics_doc import DOC, render

    assert DOC.read_text(encoding="utf-8") == render(), "run scripts/gen_diagnostics_doc.py"


def test_every_emitted_rule_code_is_registered() -> None:
    emitted: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        emitted |= set(re.findall(r"make_finding\(\s*\"([a-z0-9-]+)\"", text))
    assert emitted, "no make_finding calls found"
    assert emitted <= set(RULES), f"unregistered codes: {sorted(emitted - set(RULES))}"


def test_rule_codes_are_kebab_case_and_documented() -> None:
    for code, rule in RULES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code)
        assert rule.summary and rule.why and rule.fix


def test_modules_stay_small() -> None:
    big = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not big, f"modules over ~400 lines: {big}"


def test_version_and_help_do_not_import_scancode() -> None:
    code = ("import sys\nfrom click.testing import CliRunner\nfrom license_check.cli import cli\n"
            "for args in (['--version'], ['--help']):\n"
            "    r = CliRunner().invoke(cli, args)\n    assert r.exit_code == 0, r.output\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('licensedcode', 'scancode')]\n"
            "assert not bad, bad\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def _quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _quickstart()
    assert len(commands) == 2
    assert "license-check samples/" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    sample = commands[0].split("license-check ", 1)[1].split()[0]
    assert (ROOT / sample).is_dir()


def test_readme_table_example_is_the_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (ROOT / "tests" / "golden" / "gpl-app-vendored.txt").read_text(encoding="utf-8")
    assert golden.rstrip("\n") in readme, "refresh the README example from tests/golden/gpl-app-vendored.txt"
