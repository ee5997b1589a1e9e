"""Concluding a component's license from its claims."""

from __future__ import annotations

from license_check.assemble.resolve import UNIDENTIFIED, resolve
from license_check.knowledge.normalize import normalizer
from license_check.model import Claim, ClaimRole, ClaimScope, Component, Evidence, Kind, RawForm


def grant(raw: str | None, source: str, path: str, *, target: str = ".", form: RawForm = RawForm.SPDX,
          scope: ClaimScope = ClaimScope.DIRECTORY, ambiguous: bool = False, line: int | None = None) -> Claim:
    return Claim(target=target, scope=scope, raw=raw, form=form,
                 evidence=(Evidence(path=path, source=source, expression=raw, line=line),), version_ambiguous=ambiguous)


def header(raw: str, path: str, source: str = "spdx-header") -> Claim:
    return grant(raw, source, path, target=path, scope=ClaimScope.FILE, line=1)


def run(*claims: Claim, files: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    comp = Component(id=".", path=".", kind=Kind.CODE, claims=claims, files=len(files))
    res = resolve(comp, files, (), normalizer())
    return res, [f.rule for f in res.findings]


def test_license_file_concludes_and_agreeing_manifest_is_fine() -> None:
    res, rules = run(grant("MIT", "license-file", "LICENSE"),
                     grant("MIT License", "setup-py", "setup.py", form=RawForm.NAME),
                     grant("License :: OSI Approved :: MIT License", "setup-py", "setup.py", form=RawForm.CLASSIFIER))
    assert res.license == "MIT" and rules == [] and res.problems == ()
    assert res.declared == ("MIT",)


def test_family_classifier_is_consistent_with_a_specific_license() -> None:
    res, rules = run(grant("BSD-3-Clause", "license-file", "LICENSE"),
                     grant("License :: OSI Approved :: BSD License", "pyproject", "pyproject.toml",
                           form=RawForm.CLASSIFIER))
    assert res.license == "BSD-3-Clause" and rules == []


def test_license_file_and_manifest_in_conflict_make_it_unknown() -> None:
    res, rules = run(grant("Apache-2.0", "license-file", "LICENSE"), grant("MIT", "package-json", "package.json"))
    assert res.license is None
    assert rules == ["conflicting-declarations"] and res.problems == ("conflicting-declarations",)


def test_manifest_naming_part_of_the_license_files_is_not_a_conflict() -> None:
    res, rules = run(grant("MIT OR Apache-2.0", "license-file", "LICENSE-MIT"), grant("MIT", "cargo", "Cargo.toml"))
    assert res.license == "MIT OR Apache-2.0" and rules == []


def test_manifest_alone_concludes_preferring_spdx_fields() -> None:
    res, rules = run(grant("Apache-2.0", "pyproject", "pyproject.toml"),
                     grant("License :: OSI Approved :: Apache Software License", "pyproject", "pyproject.toml",
                           form=RawForm.CLASSIFIER))
    assert res.license == "Apache-2.0" and rules == []


def test_family_only_manifest_is_unknown() -> None:
    res, rules = run(grant("License :: OSI Approved :: BSD License", "setup-py", "setup.py", form=RawForm.CLASSIFIER))
    assert res.license is None and rules == ["unknown-license-id"]


def test_unidentified_license_text_stays_in_the_expression() -> None:
    res, _ = run(grant(None, "license-file", "LICENSE"))
    assert res.license == UNIDENTIFIED


def test_no_evidence_is_no_license() -> None:
    res, rules = run(files=("a.py",))
    assert res.license is None and rules == ["no-license"] and res.problems == ("no-license",)


def test_readme_only_is_weak_but_used() -> None:
    res, rules = run(grant("MIT", "readme-prose", "README.md", form=RawForm.NAME))
    assert res.license == "MIT" and rules == ["license-from-readme-only"]


def test_readme_disagreeing_with_license_file_is_reported() -> None:
    res, rules = run(grant("MIT", "license-file", "LICENSE"),
                     grant("Apache License 2.0", "readme-prose", "README.md", form=RawForm.NAME))
    assert res.license == "MIT" and rules == ["readme-license-mismatch"]


def test_bare_gpl_text_is_settled_by_an_or_later_header() -> None:
    res, rules = run(grant("GPL-3.0-only", "license-file", "COPYING", ambiguous=True),
                     header("GPL-3.0-or-later", "src/a.py", source="license-header"))
    assert res.license == "GPL-3.0-or-later" and rules == []


def test_bare_gpl_text_without_other_evidence_is_ambiguous_and_narrow() -> None:
    res, rules = run(grant("GPL-2.0-only", "license-file", "COPYING", ambiguous=True))
    assert res.license == "GPL-2.0-only" and rules == ["ambiguous-license-version"]


def test_gplv2_classifier_does_not_settle_the_version_but_spdx_field_does() -> None:
    _, rules = run(grant("GPL-2.0-only", "license-file", "COPYING", ambiguous=True),
                   grant("License :: OSI Approved :: GNU General Public License v2 (GPLv2)", "setup-py", "setup.py",
                         form=RawForm.CLASSIFIER))
    assert rules == ["ambiguous-license-version"]
    res, rules = run(grant("GPL-2.0-only", "license-file", "COPYING", ambiguous=True),
                     grant("GPL-2.0-only", "pyproject", "pyproject.toml"))
    assert res.license == "GPL-2.0-only" and rules == []


def test_file_headers_that_differ_are_folded_in_with_and() -> None:
    res, rules = run(grant("MIT", "license-file", "LICENSE"), header("MIT", "a.py"),
                     header("GPL-2.0-only", "b.py"), header("GPL-2.0-only", "c.py"))
    assert res.license == "MIT AND GPL-2.0-only"
    assert rules == ["file-license-differs"]
    differs = res.findings[0]
    assert [loc.path for loc in differs.locations] == ["b.py", "c.py"]


def test_a_header_choosing_one_branch_constrains_the_choice() -> None:
    res, rules = run(grant("MIT OR Apache-2.0", "license-file", "LICENSE-MIT"), header("Apache-2.0", "x.rs"))
    assert res.license == "(MIT OR Apache-2.0) AND Apache-2.0" and rules == ["file-license-differs"]


def test_headers_alone_conclude_when_every_source_file_has_one() -> None:
    res, rules = run(header("Apache-2.0", "a.py"), header("MIT", "b.py"), files=("a.py", "b.py", "README.md"))
    assert res.license == "Apache-2.0 AND MIT" and rules == []


def test_headers_alone_with_bare_source_files_is_unknown() -> None:
    res, rules = run(header("MIT", "a.py"), files=("a.py", "b.py"))
    assert res.license is None and rules == ["unlicensed-files"]
    assert [loc.path for loc in res.findings[0].locations] == ["b.py"]


def test_invalid_and_unknown_ids_are_reported() -> None:
    res, rules = run(grant("MIT AND (", "package-json", "package.json"))
    assert rules == ["invalid-license-expression"] and res.license == UNIDENTIFIED
    res, rules = run(grant("Frobnicate-9.0", "package-json", "package.json"))
    # The id stays in the finding and the evidence's raw text; the license string is a LicenseRef (contract).
    assert rules == ["unknown-license-id"] and res.license == UNIDENTIFIED


def test_notice_is_kept_apart_from_grants() -> None:
    notice = Claim(target=".", scope=ClaimScope.DIRECTORY, raw=None, form=RawForm.SPDX,
                   evidence=(Evidence(path="NOTICE", source="license-file", expression=None),), role=ClaimRole.NOTICE)
    res, rules = run(grant("Apache-2.0", "license-file", "LICENSE"), notice)
    assert res.license == "Apache-2.0" and rules == []
    assert [e.path for e in res.notices] == ["NOTICE"]
    assert [e.path for e in res.evidence] == ["LICENSE", "NOTICE"]


def test_an_unreadable_manifest_license_makes_the_component_unknown() -> None:
    res, _ = run(grant("MIT", "license-file", "LICENSE"), grant(None, "pyproject", "pyproject.toml"))
    assert res.license == "MIT AND " + UNIDENTIFIED
    res, _ = run(grant("MIT", "package-json", "package.json"), grant(None, "pyproject", "pyproject.toml"))
    assert res.license == "MIT AND " + UNIDENTIFIED


def test_agreeing_per_file_evidence_is_counted_past_a_cap() -> None:
    from license_check.assemble.resolve import FILE_EVIDENCE_PER_LICENSE as cap

    headers = [header("MIT", f"src/f{i:03d}.py") for i in range(cap + 7)]
    res, _ = run(grant("MIT", "license-file", "LICENSE"), *headers, header("CC-BY-NC-4.0", "src/zz.py"))
    per_file = [e for e in res.evidence if e.source == "spdx-header"]
    assert len([e for e in per_file if e.expression == "MIT"]) == cap and res.evidence_omitted == 7
    assert [e.path for e in per_file if e.expression == "CC-BY-NC-4.0"] == ["src/zz.py"]
    assert res.license == "MIT AND CC-BY-NC-4.0"
