"""Every SPDX license list id is valid (rules/generated/spdx-ids.json), and what SPDX-License-Identifier
headers make of ids that are not quite SPDX: GPLv2, BSD, MIT/Apache-2.0, Apache-2.0+."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from license_check.collect.detectors import spdx_headers
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.judge.analyze import judge_expression
from license_check.knowledge import normalize as nz
from license_check.knowledge.data import load_licensedb, load_spdx_ids, rules_dir
from license_check.knowledge.rulebook import RulesError, load_rules
from license_check.model import FileEntry, RawForm, Report, Use
from license_check.pipeline import ScanOptions, scan
from tests.contract import license_problems

SPDX = RawForm.SPDX
WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
LIST = json.loads((rules_dir() / "generated" / "spdx-ids.json").read_text(encoding="utf-8"))["licenses"]
CURRENT = [e for e in LIST if e["deprecated"] is None]
# Every deprecated id and what it normalizes to: SPDX's documented replacement (the first, -only one where
# SPDX lists -only and -or-later, with the version ambiguity flagged), else ScanCode's reading.
DEPRECATED = {
    "AGPL-1.0": "AGPL-1.0-only", "AGPL-3.0": "AGPL-3.0-only",
    "BSD-2-Clause-FreeBSD": "BSD-2-Clause-Views",  # no replacement listed; ScanCode's reading
    "BSD-2-Clause-NetBSD": "BSD-2-Clause",
    "bzip2-1.0.5": "bzip2-1.0.6",  # no replacement listed; ScanCode's reading
    "eCos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
    "GFDL-1.1": "GFDL-1.1-only", "GFDL-1.2": "GFDL-1.2-only", "GFDL-1.3": "GFDL-1.3-only",
    "GPL-1.0": "GPL-1.0-only", "GPL-1.0+": "GPL-1.0-or-later",
    "GPL-2.0": "GPL-2.0-only", "GPL-2.0+": "GPL-2.0-or-later",
    "GPL-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "GPL-2.0-with-bison-exception": "GPL-2.0-only WITH Bison-exception-2.2",
    "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "GPL-2.0-with-GCC-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "GPL-3.0": "GPL-3.0-only", "GPL-3.0+": "GPL-3.0-or-later",
    "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
    "LGPL-2.0": "LGPL-2.0-only", "LGPL-2.0+": "LGPL-2.0-or-later",
    "LGPL-2.1": "LGPL-2.1-only", "LGPL-2.1+": "LGPL-2.1-or-later",
    "LGPL-3.0": "LGPL-3.0-only", "LGPL-3.0+": "LGPL-3.0-or-later",
    "Net-SNMP": "LicenseRef-scancode-net-snmp",  # no replacement listed; ScanCode's reading
    "Nunit": "zlib-acknowledgement",
    "StandardML-NJ": "SMLNJ",
    "wxWindows": "GPL-2.0-or-later WITH WxWindows-exception-3.1",
    "Nokia-Qt-exception-1.1": "Qt-LGPL-exception-1.1",  # an exception
}


def _clean(raw: str) -> nz.Normalized:
    found = nz.normalize(raw, SPDX)
    assert found.error is None and found.unknown_ids == (), found
    return found


def test_the_list_and_its_version_are_loaded() -> None:
    spdx = load_spdx_ids(rules_dir())
    assert spdx.version.startswith("3.28") and spdx.commit.startswith("e4c1f276")
    assert len(spdx.entries) == len(LIST) > 800
    assert nz.spdx_list_version() == spdx.version


@pytest.mark.parametrize("content", ['{"licenses": [{"id": "MIT"}]}', "not json", None])
def test_a_broken_list_is_a_rules_error_naming_the_file(tmp_path: Path, content: str | None) -> None:
    shutil.copytree(rules_dir(), tmp_path / "rules")
    target = tmp_path / "rules" / "generated" / "spdx-ids.json"
    if content is None:
        target.unlink()
    else:
        target.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match="spdx-ids.json"):
        load_rules(tmp_path / "rules")


def test_every_current_id_normalizes_to_itself() -> None:
    wrong = []
    for entry in CURRENT:
        ident = entry["id"]
        raw = f"GPL-2.0-or-later WITH {ident}" if entry["exception"] else ident
        for spelling in (raw, raw.lower(), raw.upper()):
            found = nz.normalize(spelling, SPDX)
            if (found.expression, found.unknown_ids, found.error) != (raw, (), None):
                wrong.append((spelling, found.expression, found.unknown_ids, found.error))
    assert not wrong, wrong[:10]
    assert len(CURRENT) > 780


def test_every_deprecated_id_normalizes_to_its_replacement() -> None:
    assert {e["id"] for e in LIST if e["deprecated"] is not None} == set(DEPRECATED)
    for entry in LIST:
        if entry["deprecated"] is None:
            continue
        ident, expected = entry["id"], DEPRECATED[entry["id"]]
        if entry["exception"]:
            ident, expected = f"LGPL-2.1-only WITH {ident}", f"LGPL-2.1-only WITH {expected}"
        found = _clean(ident)
        assert found.expression == expected, ident
        # SPDX lists an -only and an -or-later replacement: the id does not say which is meant.
        assert found.version_ambiguous is (len(entry["obsoleted_by"]) == 2), ident


def test_the_or_later_spellings_spdx_names_are_or_later() -> None:
    spellings = [(r["expression"], r["id"]) for e in LIST for r in e["obsoleted_by"] if r.get("expression")]
    assert ("GPL-2.0-with-classpath-exception+", "GPL-2.0-or-later WITH Classpath-exception-2.0") in spellings
    for spelling, target in spellings:
        found = _clean(spelling)
        assert found.expression == target.replace("-or-later+", "-or-later"), spelling  # sic in SPDX's font entry
        assert not found.version_ambiguous


def test_the_classpath_exception_id_is_the_pair_not_an_error() -> None:
    found = _clean("GPL-2.0-with-classpath-exception OR MIT")
    assert found.expression == "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT"
    assert found.version_ambiguous
    assert _clean("gpl-2.0-with-classpath-exception+").expression == "GPL-2.0-or-later WITH Classpath-exception-2.0"


@pytest.mark.parametrize("ident", ["CAPEC-tou", "UnRAR", "WordNet", "OpenMDW-1.0", "TekHVC", "Vixie-Cron", "MVT-1.1"])
def test_spdx_ids_win_over_scancode_keys_of_the_same_spelling(ident: str) -> None:
    for spelling in (ident, ident.lower(), f"LicenseRef-scancode-{ident.lower()}"):
        assert _clean(spelling).expression == ident, spelling


def test_a_scancode_key_naming_another_license_keeps_its_licenseref() -> None:
    # ScanCode's bsl-1.0 is the Business Source License 1.0; SPDX BSL-1.0 (Boost) is its boost-1.0.
    assert _clean("LicenseRef-scancode-bsl-1.0").expression == "LicenseRef-scancode-bsl-1.0"
    assert _clean("bsl-1.0").expression == "BSL-1.0"
    assert _clean("LicenseRef-scancode-intel").expression == "LicenseRef-scancode-intel"


def test_ids_newer_than_the_licensedb_are_known_and_unclassified() -> None:
    db = load_licensedb(rules_dir())
    scancode = {k.lower() for e in db.entries for k in (e.spdx, *e.other_spdx)}
    newer = [e for e in CURRENT if e["id"].lower() not in scancode]
    assert {"BOLA-1.1", "CAPEC-tou", "UnRAR", "WordNet", "Informatica"} <= {e["id"] for e in newer}
    rules = load_rules()
    for entry in newer:
        ident = entry["id"]
        if entry["exception"]:
            facts = rules.exception(ident)
            assert facts is not None and not facts.reviewed, ident
            continue
        lic = rules.facts(ident)
        assert lic is not None and lic.id == ident, ident
        if not lic.reviewed and lic.commercial_use is Use.UNKNOWN:
            verdict = judge_expression(ident, rules)
            assert verdict.use is Use.UNKNOWN and [r.code for r in verdict.reasons] == ["unclassified-license"]
    bola = judge_expression("BOLA-1.1", rules)
    assert "SPDX license list 3.28" in bola.reasons[0].text


def test_scancode_seeds_follow_the_spdx_id() -> None:
    facts = load_rules().facts("WordNet")  # ScanCode 32.5.0: LicenseRef-scancode-wordnet, category Permissive
    assert facts is not None and facts.id == "WordNet" and facts.category == "Permissive"
    assert facts.commercial_use is Use.ALLOWED and not facts.reviewed


# --- the SPDX '+' operator --------------------------------------------------------------------------

def test_plus_on_an_id_without_an_or_later_form_is_kept() -> None:
    assert _clean("Apache-2.0+").expression == "Apache-2.0+"
    assert _clean("apache-2.0+ OR mit").expression == "Apache-2.0+ OR MIT"
    assert _clean("GPL-2.0-only+").expression == "GPL-2.0-or-later"  # has an -or-later form
    assert nz.normalize("MIT WITH Apache-2.0+", SPDX).error  # a license, not an exception
    assert nz.normalize("LicenseRef-foo+", SPDX).unknown_ids == ("LicenseRef-foo+",)  # SPDX: no '+' on LicenseRef
    rules = load_rules()
    facts = rules.facts("Apache-2.0+")
    assert facts is not None and facts.id == "Apache-2.0"  # "2.0 or any later version": 2.0's facts apply
    assert judge_expression("Apache-2.0+", rules).use is Use.ALLOWED


# --- SPDX-License-Identifier headers ----------------------------------------------------------------

def _tag(write_files: WriteFiles, value: str) -> DetectorResult:
    return spdx_headers.detect(write_files({"a.py": f"# SPDX-License-Identifier: {value}\nx = 1\n"}), ScanContext())


@pytest.mark.parametrize(("value", "ambiguous"), [
    ("GPLv2", True), ("GPL v2", True), ("GPLv3", True), ("LGPLv2.1", True), ("AGPLv3", True), ("GPL-2.0", True),
    ("GPL-2.0-with-classpath-exception", True), ("MIT OR GPL-3.0", True),
    ("GPL-2.0-only", False), ("GPLv2+", False), ("GPL-3.0-or-later", False), ("MIT", False),
])
def test_header_gnu_names_flag_the_version_ambiguity(write_files: WriteFiles, value: str, ambiguous: bool) -> None:
    result = _tag(write_files, value)
    [claim] = result.claims
    assert claim.raw == value and claim.version_ambiguous is ambiguous
    assert result.findings == ()


def test_header_bsd_alone_is_a_finding_that_lists_the_candidates(write_files: WriteFiles) -> None:
    result = _tag(write_files, "BSD")
    [finding] = result.findings
    assert finding.rule == "unknown-license-id" and finding.locations[0].line == 1
    for candidate in ("BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause"):
        assert candidate in finding.message


def test_header_slash_is_read_as_or_with_a_warning(write_files: WriteFiles) -> None:
    result = _tag(write_files, "MIT/Apache-2.0")
    [finding] = result.findings
    assert finding.rule == "ambiguous-license-expression" and finding.severity.value == "warning"
    assert "'MIT OR Apache-2.0'" in finding.message
    assert _tag(write_files, "MIT OR Apache-2.0").findings == ()


def test_contract_rules_know_every_current_id_and_plus() -> None:
    for entry in CURRENT:
        raw = f"GPL-2.0-or-later WITH {entry['id']}" if entry["exception"] else entry["id"]
        assert license_problems(raw) == [], raw
    assert license_problems("Apache-2.0+ OR CAPEC-tou") == []
    assert license_problems("Foo-1.0+") and license_problems("MIT WITH BOLA-1.1")


# --- end to end -------------------------------------------------------------------------------------

def _scan(root: Path, value: str) -> Report:
    (root / "a.py").write_text(f"# SPDX-License-Identifier: {value}\nx = 1\n", encoding="utf-8")
    return scan(str(root), ScanOptions(use_scancode=False, cache=False))


def _rules_of(report: Report) -> list[str]:
    return sorted(f.rule for f in report.findings)


def test_scan_gplv2_header_is_only_with_the_ambiguity_warning(tmp_path: Path) -> None:
    report = _scan(tmp_path, "GPLv2")
    assert report.project_license == "GPL-2.0-only"
    assert "ambiguous-license-version" in _rules_of(report)


def test_scan_classpath_id_is_the_pair_with_the_ambiguity_warning(tmp_path: Path) -> None:
    report = _scan(tmp_path, "GPL-2.0-with-classpath-exception")
    assert report.project_license == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert "ambiguous-license-version" in _rules_of(report)
    assert "invalid-license-expression" not in _rules_of(report)


def test_scan_bsd_header_is_unknown_with_a_finding(tmp_path: Path) -> None:
    report = _scan(tmp_path, "BSD")
    assert report.commercial_use is Use.UNKNOWN
    [finding] = [f for f in report.findings if f.rule == "unknown-license-id"]
    assert "BSD-3-Clause" in finding.message and finding.components == (".",)


def test_scan_slash_header_is_or_with_a_warning(tmp_path: Path) -> None:
    report = _scan(tmp_path, "MIT/Apache-2.0")
    assert report.project_license == "MIT OR Apache-2.0"
    assert _rules_of(report) == ["ambiguous-license-expression"]


@pytest.mark.parametrize(("name", "text"), [
    ("Cargo.toml", '[package]\nname = "x"\nversion = "0.1.0"\nlicense = "MIT/Apache-2.0"\n'),
    ("package.json", '{"name": "x", "license": "MIT/Apache-2.0"}'),
])
def test_scan_slash_manifest_license_is_or_with_a_warning(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    report = scan(str(tmp_path), ScanOptions(use_scancode=False, cache=False))
    assert report.project_license == "MIT OR Apache-2.0"
    [finding] = [f for f in report.findings if f.rule == "ambiguous-license-expression"]
    assert name in finding.message and finding.components == (".",)


def test_scan_plus_and_new_ids_are_not_unknown_ids(tmp_path: Path) -> None:
    report = _scan(tmp_path, "Apache-2.0+")
    assert report.project_license == "Apache-2.0+" and report.commercial_use is Use.ALLOWED
    assert "unknown-license-id" not in _rules_of(report)
    report = _scan(tmp_path, "LicenseRef-scancode-capec-tou")
    assert report.project_license == "CAPEC-tou" and "unknown-license-id" not in _rules_of(report)


@pytest.mark.parametrize(("name", "text"), [
    ("pyproject.toml", '[project]\nname = "x"\nversion = "1"\nlicense = "GPLv2"\n'),
    ("pyproject.toml", '[project]\nname = "x"\nversion = "1"\nlicense = "GPL-2.0"\n'),
    ("package.json", '{"name": "x", "license": "LGPLv2.1"}'),
])
def test_scan_unversioned_gnu_manifest_license_warns(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    report = scan(str(tmp_path), ScanOptions(use_scancode=False, cache=False))
    assert report.project_license in {"GPL-2.0-only", "LGPL-2.1-only"}
    assert "ambiguous-license-version" in _rules_of(report)


def test_scan_an_explicit_id_settles_the_version(tmp_path: Path) -> None:
    (tmp_path / "b.py").write_text("# SPDX-License-Identifier: GPL-2.0-only\n", encoding="utf-8")
    report = _scan(tmp_path, "GPLv2")
    assert report.project_license == "GPL-2.0-only"
    assert "ambiguous-license-version" not in _rules_of(report)
