"""Edits of the rules files that once crashed a loader (found by fuzzing the rules folder): each must be
a problem naming its file, key and line (TOML), and a scan with such rules must exit 2, not 3.

One test per crash class; the edits are fixed (no random fuzzing here). Each copies rules/ and edits one
file: TOML files as text (so the line numbers asserted are the edited file's), JSON files as data.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from license_check.errors import Problem
from license_check.knowledge import data as ruledata
from license_check.knowledge.check import check_rules
from tests.conftest import REPO_ROOT

RULES = REPO_ROOT / "rules"
SAMPLE = REPO_ROOT / "samples" / "mit-package"


def _copy(tmp_path: Path, rel: str, edit: Callable[[str], str]) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / rel
    text = target.read_text(encoding="utf-8")
    new = edit(text)
    assert new != text, "the edit changed nothing"
    target.write_text(new, encoding="utf-8")
    return folder


def _json(edit: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        doc = json.loads(text)
        edit(doc)
        return json.dumps(doc, indent=1)
    return apply


def _problems(tmp_path: Path, rel: str, edit: Callable[[str], str]) -> tuple[Problem, ...]:
    return check_rules(_copy(tmp_path, rel, edit))


TOML_CASES = [  # (rules file, edit, the problem's line, key and message)
    pytest.param("compatibility.toml", lambda s: s.replace('value = "no"', "value = []", 1),
                 32, "rules[0].value", "[] is not one of yes, no, unknown, check", id="compat-value-list"),
    pytest.param("compatibility.toml", lambda s: s.replace('relations = ["combined"]', "relations = [{}]", 1),
                 33, "rules[0].relations", "must be a non-empty list of combined, derived, merged",
                 id="compat-relations-table"),
    pytest.param("compatibility.toml", lambda s: s.replace("[groups]", "groups = [[]]\n[groupsx]", 1),
                 11, "groups", "must be a table", id="compat-groups-array"),
    pytest.param("compatibility.toml", lambda s: s.replace("[[rules]]", "[[rulesx]]").replace(
                 "[groups]", "rules = 0\n[groups]", 1), 11, "rules", "must be an array of tables",
                 id="compat-rules-integer"),
    pytest.param("exceptions.toml", lambda s: s.replace('[exceptions."', '[exceptionsx."').replace(
                 '[exceptionsx."Classpath', 'exceptions = 1.5\n[exceptionsx."Classpath', 1),
                 9, "exceptions", "must be a table", id="exceptions-float"),
    pytest.param("licenses/seed-overrides.toml", lambda s: s.replace('[licenses."', '[licensesx."').replace(
                 '[licensesx."', 'licenses = [[]]\n[licensesx."', 1),
                 5, "licenses", "must be a table", id="licenses-array"),
    pytest.param("boilerplate.toml", lambda s: s.replace("[[connectives]]", "[[connectivesx]]").replace(
                 "[[connectivesx]]", "connectives = 0\n[[connectivesx]]", 1),
                 49, "connectives", "must be an array of [[connectives]] tables", id="boilerplate-connectives"),
    pytest.param("urls.toml", lambda s: s.replace("match = 'creativecommons", "match = [[]]\nx = 'creativecommons", 1),
                 29, "patterns[0].match", "must be a string (a regular expression)", id="urls-match-array"),
    pytest.param("aliases.toml", lambda s: s.replace("[names]\n", '[names]\n"Foo v2" = "ISC"\n"Foo: v2" = "MIT"\n', 1),
                 33, "names.'Foo: v2'", "collides with another entry (same key 'foo 2') that maps to 'ISC', not 'MIT'",
                 id="aliases-clash-quoted-key"),
]


@pytest.mark.parametrize(("rel", "edit", "line", "key", "message"), TOML_CASES)
def test_a_toml_edit_is_a_problem_at_its_key_and_line(tmp_path: Path, rel: str, edit: Callable[[str], str],
                                                      line: int, key: str, message: str) -> None:
    problems = _problems(tmp_path, rel, edit)
    assert Problem(rel, line, key, message) in problems, problems


def test_a_renamed_table_header_is_placed_on_its_line(tmp_path: Path) -> None:
    """``[exceptionsx."X"]`` defines ``exceptionsx`` on its header's line (it used to be line 1)."""
    problems = _problems(tmp_path, "exceptions.toml",
                         lambda s: s.replace('[exceptions."Classpath', '[exceptionsx."Classpath'))
    assert Problem("exceptions.toml", 9, "exceptionsx", 'unknown section (expected [exceptions."<id>"])') in problems


OSADL = "generated/osadl-matrix.json"
LICENSEDB = "generated/scancode-licensedb.json"
SPDX_IDS = "generated/spdx-ids.json"

JSON_CASES = [  # (generated file, edit, the problem's key and message); JSON problems have no line
    pytest.param(OSADL, lambda d: d.__setitem__("source", "x"), "source", "an object is required", id="osadl-source"),
    pytest.param(OSADL, lambda d: d["source"].__setitem__("license", 0), "source.license", "must be a string",
                 id="osadl-source-field"),
    pytest.param(OSADL, lambda d: d["source"].pop("attribution"), "source.attribution", "missing",
                 id="osadl-source-missing"),
    pytest.param(OSADL, lambda d: d["matrix"]["MIT"].__setitem__("Apache-2.0", []), "matrix.MIT.Apache-2.0",
                 "bad value []", id="osadl-cell-list"),
    pytest.param(LICENSEDB, lambda d: d["licenses"][3].__setitem__("is_exception", "no"), "licenses[3].is_exception",
                 "must be true or false", id="licensedb-field-type"),
    pytest.param(LICENSEDB, lambda d: d["licenses"][4].__setitem__("other_spdx_license_keys", [[]]),
                 "licenses[4].other_spdx_license_keys", "must be a list of strings", id="licensedb-field-list"),
    pytest.param(LICENSEDB, lambda d: d["licenses"].__setitem__(5, "MIT"), "licenses[5]", "must be an object",
                 id="licensedb-entry-string"),
    pytest.param(LICENSEDB, lambda d: d["licenses"][6].pop("category"), "licenses[6].category", "missing",
                 id="licensedb-field-missing"),
    pytest.param(LICENSEDB, lambda d: d["licenses"][7].__setitem__("spdx_license_key", "a(b"),
                 "licenses[7].spdx_license_key", "must be a license id (letters, digits, '.', '-')",
                 id="licensedb-id-grammar"),
    pytest.param(SPDX_IDS, lambda d: d["licenses"][2].__setitem__("id", {}), "licenses[2].id",
                 "must be a license id (letters, digits, '.', '-')", id="spdx-id-table"),
    pytest.param(SPDX_IDS, lambda d: d["licenses"][2].__setitem__("id", "\n"), "licenses[2].id",
                 "must be a license id (letters, digits, '.', '-')", id="spdx-id-blank"),
    pytest.param(SPDX_IDS, lambda d: d["licenses"][2].__setitem__("obsoleted_by", [[]]), "licenses[2].obsoleted_by",
                 "must be a list of objects with a string 'id' (and 'expression')", id="spdx-obsoleted-by"),
    pytest.param(SPDX_IDS, lambda d: d["licenses"][3].__setitem__("deprecated", 0), "licenses[3].deprecated",
                 "must be a string or null", id="spdx-deprecated"),
    pytest.param(SPDX_IDS, lambda d: d["licenses"].__setitem__(4, []), "licenses[4]", "must be an object",
                 id="spdx-entry-list"),
]


@pytest.mark.parametrize(("rel", "edit", "key", "message"), JSON_CASES)
def test_a_generated_file_edit_is_a_problem_at_its_key(tmp_path: Path, rel: str, edit: Callable[[dict[str, Any]], None],
                                                       key: str, message: str) -> None:
    problems = _problems(tmp_path, rel, _json(edit))
    assert Problem(rel, None, key, message) in problems, problems


def test_problem_keys_may_hold_colons_inside_quotes(tmp_path: Path) -> None:
    (tmp_path / "aliases.toml").write_text('[names]\n"a" = "MIT"\n"GPL: v2" = "GPL-2.0-only"\n', encoding="utf-8")
    problem = Problem.from_text("aliases.toml: names.'GPL: v2': collides with x: y", tmp_path)
    assert problem == Problem("aliases.toml", 3, "names.'GPL: v2'", "collides with x: y")


@pytest.fixture
def patched_rules_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Point every module's ``rules_dir`` (imported by name) at a folder of the test's choosing."""
    original = ruledata.rules_dir

    def point(folder: Path) -> None:
        for name, module in list(sys.modules.items()):
            if name.startswith("license_check") and getattr(module, "rules_dir", None) is original:
                monkeypatch.setattr(module, "rules_dir", lambda: folder)
    yield point


def test_a_scan_in_process_with_broken_rules_exits_2(tmp_path: Path,
                                                     patched_rules_dir: Callable[[Path], None]) -> None:
    folder = _copy(tmp_path, "compatibility.toml",
                   lambda s: s.replace('relations = ["combined"]', "relations = [{}]", 1))
    patched_rules_dir(folder)
    result = CliRunner().invoke(cli, ["--no-cache", "--no-scancode", str(SAMPLE)])
    assert result.exit_code == 2, result.output
    assert "configuration error" in result.stderr and "internal error" not in result.stderr
    assert "compatibility.toml:33: rules[0].relations: must be a non-empty list" in result.stderr
