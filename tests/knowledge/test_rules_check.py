"""`license-check rules check DIR` and a scan with broken rules: every rules file, two typos each.

Each rules file (found by walking rules/, so a new file is covered without editing this test) gets a
misspelled key and, separately, a value of the wrong type in an edited copy of the folder. The check must
exit 2 and name the file, the line (TOML) and the key of each problem; a scan whose package carries the
broken rules must exit 2 (a configuration error), never 3 (a bug).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from license_check.errors import Problem, RulesError
from license_check.knowledge.check import check_rules
from tests.conftest import REPO_ROOT

RULES = REPO_ROOT / "rules"
SAMPLE = REPO_ROOT / "samples" / "mit-package"
# Every file a loader reads: TOML tables and the generated JSON (README.md and texts/ are prose for people).
RULES_FILES = sorted(p.relative_to(RULES).as_posix() for p in RULES.rglob("*") if p.suffix in (".toml", ".json"))
_KEY_LINE = re.compile(r'(?m)^([A-Za-z_][A-Za-z0-9_-]*)(\s*=)')
_STRING_LINE = re.compile(r'(?m)^([A-Za-z_"\'][^=\n]*?)\s*=\s*("[^"\n]*")[ \t]*(#.*)?$')


def _misspell_key(text: str) -> str:
    hit = _KEY_LINE.search(text)
    assert hit, "no key = value line"
    return text[:hit.end(1)] + "x" + text[hit.end(1):]


def _wrong_type(text: str) -> str:
    """The first string value (one line, or a multi-line string) becomes the integer 12345."""
    hit = _STRING_LINE.search(text)
    multi = re.search(r'(?m)^[A-Za-z_"\'][^=\n]*?\s*=\s*(""")', text)
    if multi and (hit is None or multi.start() < hit.start()):
        end = text.index('"""', multi.end(1)) + 3
        return text[:multi.start(1)] + "12345" + text[end:]
    assert hit, "no key = \"string\" line"
    return text[:hit.start(2)] + "12345" + text[hit.end(2):]


def _json_typo(text: str, kind: str) -> str:
    doc = json.loads(text)
    required = [k for k in doc if k not in ("source", "commit", "spdx_license_list_commit")]
    key = required[0] if kind == "key" else required[-1]
    if kind == "key":
        doc[key + "x"] = doc.pop(key)
    else:
        doc[key] = 12345
    return json.dumps(doc)


def _broken_copy(tmp_path: Path, rel: str, kind: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / rel
    text = target.read_text(encoding="utf-8")
    if target.suffix == ".json":
        new = _json_typo(text, kind)
    else:
        new = _misspell_key(text) if kind == "key" else _wrong_type(text)
    assert new != text
    target.write_text(new, encoding="utf-8")
    return folder


def _shaped(line: str, rel: str) -> bool:
    """``file:line: key: message`` (TOML) or ``file: key: message`` (JSON, no line numbers)."""
    pattern = rf"{re.escape(rel)}:\d+: [^:\s][^:]*: \S" if rel.endswith(".toml") else rf"{re.escape(rel)}: [^:\s]+: \S"
    return re.match(pattern, line) is not None


def test_the_shipped_rules_pass() -> None:
    assert check_rules(RULES) == ()
    result = CliRunner().invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("rules OK: ")


@pytest.mark.parametrize("kind", ["key", "value"])
@pytest.mark.parametrize("rel", RULES_FILES)
def test_a_typo_in_any_rules_file_is_reported_with_file_line_and_key(tmp_path: Path, rel: str, kind: str) -> None:
    folder = _broken_copy(tmp_path, rel, kind)
    result = CliRunner().invoke(cli, ["rules", "check", str(folder)])
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert lines and any(_shaped(line, rel) for line in lines), lines
    assert "problem" in result.stderr


def _package_with(tmp_path: Path, rules: Path) -> Path:
    """A copy of the package whose rules are ``rules`` (rules_dir() falls back to <checkout>/rules)."""
    tree = tmp_path / "tree"
    shutil.copytree(REPO_ROOT / "license_check", tree / "license_check",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(rules, tree / "rules")
    return tree


@pytest.mark.slow
@pytest.mark.parametrize("rel", RULES_FILES)
def test_a_scan_with_a_broken_rules_file_exits_2_not_3(tmp_path: Path, rel: str) -> None:
    tree = _package_with(tmp_path, _broken_copy(tmp_path / "edit", rel, "value"))
    env = {**os.environ, "PYTHONPATH": str(tree)}
    run = subprocess.run([sys.executable, "-m", "license_check", "--no-cache", "--no-scancode", str(SAMPLE)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert run.returncode == 2, run.stderr
    assert run.stdout == "" and "configuration error" in run.stderr and "internal error" not in run.stderr
    assert Path(rel).name in run.stderr


def test_problems_read_back_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('[licenses."GPL-2.0-only"]\nname = "GPL"\ncommercial_use = "maybe"\n')
    problem = Problem.from_text("x.toml: licenses.GPL-2.0-only.commercial_use: 'maybe' is not allowed", tmp_path)
    assert problem == Problem("x.toml", 3, "licenses.GPL-2.0-only.commercial_use", "'maybe' is not allowed")
    assert str(problem) == "x.toml:3: licenses.GPL-2.0-only.commercial_use: 'maybe' is not allowed"
    error = RulesError(["x.toml: licenses.GPL-2.0-only.name: too short"], directory=tmp_path)
    assert error.problems[0].line == 2 and "x.toml:2: " in str(error)
    assert Problem.from_text("no file here").file == ""
