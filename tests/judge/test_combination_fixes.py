"""Two combination errors: LGPL-2.0-or-later taken as its successor LGPL-2.1 (or later), and test-only code
aggregated beside the distributed work instead of combined into it (rules/compatibility.toml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from license_check.knowledge.compat import Compat, CompatBook, load_compat
from license_check.knowledge.data import rules_dir
from license_check.knowledge.rulebook import RulesError
from license_check.model import Report, Use
from license_check.pipeline import scan
from tests.conftest import SAMPLES

APACHE = (SAMPLES / "apache-notice" / "LICENSE").read_text(encoding="utf-8")
GPL2_HEADER = "# SPDX-License-Identifier: GPL-2.0-only\n\ndef test_x() -> None:\n    assert True\n"


@pytest.fixture(scope="module")
def book() -> CompatBook:
    return load_compat()


def _repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _rules(report: Report, rule: str) -> list[str]:
    return [f.message for f in report.findings if f.rule == rule]


def _apache_with(root: Path, extra: dict[str, str]) -> Report:
    return scan(str(_repo(root, {"LICENSE": APACHE, "src/app.py": "print('hi')\n", **extra})))


# --- test-only code is aggregated, not combined -----------------------------------------------------

def test_gpl_test_file_beside_apache_code_is_not_combined(tmp_path: Path) -> None:
    report = _apache_with(tmp_path, {"tests/test_x.py": GPL2_HEADER})
    assert not _rules(report, "incompatible-licenses")
    assert report.commercial_use is not Use.PROHIBITED
    [root] = [c for c in report.components if c.component.id == "."]
    assert root.license is not None and "GPL-2.0-only" in root.license  # it keeps its own license and judgement
    assert _rules(report, "file-license-differs")


def test_gpl_file_in_the_shipped_code_is_still_combined(tmp_path: Path) -> None:
    report = _apache_with(tmp_path, {"src/gpl.py": GPL2_HEADER.replace("def test_x", "def run")})
    [message] = _rules(report, "incompatible-licenses")
    assert "Apache-2.0" in message and "GPL-2.0-only" in message
    assert report.commercial_use is Use.PROHIBITED  # distribute mode, as before


def test_a_license_shipped_code_also_brings_stays_combined(tmp_path: Path) -> None:
    report = _apache_with(tmp_path, {"tests/test_x.py": GPL2_HEADER, "src/gpl.py": GPL2_HEADER})
    assert _rules(report, "incompatible-licenses") and report.commercial_use is Use.PROHIBITED


@pytest.mark.parametrize("path", ["test/helpers.py", "pkg/tests/data_x.py", "pkg/test_io.py", "pkg/io_test.py",
                                  "conftest.py"])
def test_every_test_path_convention_is_aggregated(tmp_path: Path, path: str) -> None:
    report = _apache_with(tmp_path, {path: GPL2_HEADER})
    assert not _rules(report, "incompatible-licenses"), path


def test_a_test_folder_with_its_own_license_file_is_not_combined(tmp_path: Path) -> None:
    report = _apache_with(tmp_path, {"tests/fixtures/package.json": '{"name": "f", "license": "GPL-2.0-only"}',
                                     "tests/fixtures/x.js": "module.exports = 1;\n"})
    assert any(c.component.id == "tests/fixtures" for c in report.components)
    assert not _rules(report, "incompatible-licenses")


def test_test_code_conventions_are_data(book: CompatBook) -> None:
    for path in ("tests/a.py", "src/test/java/A.java", "pkg/Tests/a.c", "test_a.py", "a_test.py", "a/conftest.py",
                 "cmd/x_test.go"):
        assert book.is_test_code(path), path
    for path in ("src/a.py", "latest.py", "attest/a.py", "contest.py", "testing_utils.py", "src/tests.py"):
        assert not book.is_test_code(path), path
    assert book.is_test_code("pkg/tests", is_dir=True) and not book.is_test_code(".", is_dir=True)


def test_bad_test_code_data_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    path = broken / "compatibility.toml"
    text = path.read_text(encoding="utf-8").replace('folders = ["test", "tests"]', 'folders = "tests"')
    path.write_text(text.replace('files = ["test_*.py"', 'colour = 1\nfiles = ["a/b", "test_*.py"'), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_compat(broken)
    problems = "\n".join(str(p) for p in caught.value.problems)
    for fragment in ("test_code.folders: must be a list", "test_code.files: must be a list", "test_code.colour"):
        assert fragment in problems, problems


# --- LGPL-2.1 is the successor of LGPL-2.0 ----------------------------------------------------------

def test_lgpl20_or_later_goes_out_under_its_successor(book: CompatBook) -> None:
    result = book.combined(["LGPL-2.0-or-later", "LGPL-2.1-or-later"])
    assert result.conflicts == () and result.unknown == () and result.outbound == "LGPL-2.1-or-later"
    value, source = book.pair("LGPL-2.0-or-later", "LGPL-2.1-or-later")
    assert value is Compat.YES and "successor of the GNU Library Public License" in source and "§13" in source
    assert book.combined(["LGPL-2.0-or-later", "LGPL-2.1-only"]).outbound == "LGPL-2.1-only"
    assert book.combined(["LGPL-2.0-or-later", "LGPL-3.0-only"]).outbound == "LGPL-3.0-only"  # through 2.1+
    value, source = book.pair("LGPL-2.0-or-later", "LGPL-3.0-or-later")
    assert value is Compat.YES and "then LGPL-2.1-or-later §13" in source


def test_the_successor_option_goes_forward_only(book: CompatBook) -> None:
    assert book.pair("LGPL-2.1-or-later", "LGPL-2.0-or-later")[0] is not Compat.YES
    # LGPL-2.0-only has no later-version option: copied code needs every part converted to the GPL (§3),
    # linking is fine (§6): it depends on how they are combined, never a plain yes or no.
    result = book.combined(["LGPL-2.0-only", "LGPL-2.1-or-later"])
    assert result.outbound is None and result.conflicts == ()
    assert result.unknown == (("LGPL-2.0-only", "LGPL-2.1-or-later"),)
    assert book.pair("LGPL-2.0-only", "LGPL-2.1-or-later")[0] is Compat.CHECK
    assert book.pair("LGPL-2.1-only", "LGPL-2.0-only")[0] is Compat.CHECK


def _lgpl_repo(root: Path, old: str) -> Report:
    return scan(str(_repo(root, {
        "pyproject.toml": '[project]\nname = "lib"\nversion = "1"\nlicense = "LGPL-2.1-or-later"\n',
        "lib/core.c": "int core(void) { return 0; }\n",
        "vendor/old/old.c": f"// SPDX-License-Identifier: {old}\nint old(void) {{ return 1; }}\n"})))


def test_vendored_lgpl20_or_later_with_lgpl21_or_later_is_combinable(tmp_path: Path) -> None:
    report = _lgpl_repo(tmp_path, "LGPL-2.0-or-later")
    assert {c.component.id: c.license for c in report.components} == {
        ".": "LGPL-2.1-or-later", "vendor/old": "LGPL-2.0-or-later"}
    assert not _rules(report, "incompatible-licenses") and not _rules(report, "compatibility-unknown")
    assert report.commercial_use is not Use.PROHIBITED


def test_vendored_lgpl20_only_with_lgpl21_or_later_needs_a_check(tmp_path: Path) -> None:
    report = _lgpl_repo(tmp_path, "LGPL-2.0-only")
    assert not _rules(report, "incompatible-licenses")
    [message] = _rules(report, "compatibility-unknown")
    assert "LGPL-2.0-only" in message and "LGPL-2.1-or-later" in message
