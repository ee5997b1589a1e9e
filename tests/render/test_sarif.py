"""The SARIF renderer: every sample's log validates against the vendored SARIF 2.1.0 schema, lines and
fingerprints carry over, rule ids resolve, output is deterministic, and waived findings are suppressed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from license_check.findings import RULES, fingerprint, make_finding
from license_check.model import Finding, Location, Report, Severity
from license_check.pipeline import ScanOptions, scan
from license_check.policy.load import policy_file
from license_check.render.sarif import FINGERPRINT_KEY, path_uri, render_sarif
from tests.conftest import REPO_ROOT, SAMPLES

SCHEMA_PATH = REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # the file names draft-04
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def reports(exported_samples: Path) -> dict[str, Report]:
    """Each sample scanned as a user receives it (outside the git checkout: generated weights count)."""
    return {name: scan(str(exported_samples / "samples" / name), ScanOptions(cache=False)) for name in NAMES}


def _run(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run: dict[str, Any] = doc["runs"][0]
    return run


def _check(report: Report, validator: jsonschema.protocols.Validator) -> dict[str, Any]:
    """Validate the log of ``report`` and check it against the report's findings; returns the run."""
    text = render_sarif(report)
    assert text.endswith("}\n")
    errors = sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
    run = _run(text)
    driver = run["tool"]["driver"]
    assert driver["name"] == "license-check" and driver["version"] == report.tool_version
    rules = [r["id"] for r in driver["rules"]]
    assert rules == sorted({f.rule for f in report.findings})
    results = run["results"]
    assert len(results) == len(report.findings)
    for finding, result in zip(report.findings, results, strict=True):
        assert result["ruleId"] in rules and rules[result["ruleIndex"]] == result["ruleId"] == finding.rule
        assert result["partialFingerprints"] == {FINGERPRINT_KEY: fingerprint(finding)}
        assert result["message"]["text"] == finding.message
        assert result["properties"]["components"] == list(finding.components)
        physical = [loc["physicalLocation"] for loc in result["locations"] if "physicalLocation" in loc]
        assert physical, "a viewer needs a physical location to show the result"
        for loc in finding.locations:
            if loc.path.startswith("env:"):
                continue
            matching = [p for p in physical if p["artifactLocation"]["uri"] == path_uri(loc.path)
                        and p.get("region", {}).get("startLine") == loc.line]
            assert matching, (loc, physical)
            assert all(p["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for p in matching)
        assert ("suppressions" in result) == finding.suppressed
    return run


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_validates_and_keeps_the_findings(name: str, reports: dict[str, Report],
                                                       validator: jsonschema.protocols.Validator) -> None:
    report = reports[name]
    run = _check(report, validator)
    props = run["properties"]
    assert (props["verdict"], props["commercial_use"], props["project_license"]) == (
        report.verdict.value, report.commercial_use.value, report.project_license)
    assert (props["policy"], props["use_mode"]) == (report.policy["name"], report.policy["use_mode"])
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_samples_have_lines_to_check(reports: dict[str, Report]) -> None:
    """The region check above is not vacuous: some sample findings have lines."""
    assert any(loc.line for r in reports.values() for f in r.findings for loc in f.locations)


@pytest.mark.parametrize("name", NAMES)
def test_output_and_fingerprints_are_stable_across_runs(name: str, exported_samples: Path,
                                                        reports: dict[str, Report]) -> None:
    again = scan(str(exported_samples / "samples" / name), ScanOptions(cache=False))
    first, second = render_sarif(reports[name]), render_sarif(again)
    assert first == second
    assert first.encode("utf-8") == second.encode("utf-8")
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _run(first)["results"]]
    assert prints == [r["partialFingerprints"][FINGERPRINT_KEY] for r in _run(second)["results"]]
    assert all(len(p) == 16 for p in prints)


def _extra(report: Report) -> Report:
    """``report`` with a waived finding, a locationless one, dependency metadata and an awkward path."""
    waived = replace(make_finding("notice-file", "A NOTICE file.", [Location("NOTICE", 3)], ["."]), suppressed=True)
    findings: tuple[Finding, ...] = (
        *report.findings,
        waived,
        make_finding("scancode-unavailable", "ScanCode could not be loaded."),
        make_finding("malformed-metadata", "Bad metadata.", [Location("env:foo-1.0.dist-info/METADATA", 4)],
                     ["ref:pkg:pypi/foo"]),
        make_finding("unreadable-file", "Cannot read.", [Location("dir with space/a:b#c%FF\u00e9.txt", 1)], ["."]),
        make_finding("unused-waiver", "Unused.", severity=Severity.INFO),
    )
    return replace(report, findings=findings)


def test_suppressed_locationless_and_external_findings(reports: dict[str, Report],
                                                      validator: jsonschema.protocols.Validator) -> None:
    report = _extra(reports["restrictive-texts"])
    run = _check(report, validator)
    by_rule = {r["ruleId"]: r for r in run["results"]}
    waived = by_rule["notice-file"]
    assert waived["suppressions"] == [{"kind": "external", "justification": waived["suppressions"][0]["justification"]}]
    assert "default" in waived["suppressions"][0]["justification"]
    assert waived["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert waived["level"] == "note"
    assert by_rule["unused-waiver"]["level"] == "note"  # the finding's own severity, not the rule's
    rule = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rule["unused-waiver"]["defaultConfiguration"]["level"] == "warning"
    assert rule["notice-file"]["defaultConfiguration"]["level"] == "note"
    assert rule["scancode-unavailable"]["help"]["text"] == RULES["scancode-unavailable"].fix

    nowhere = by_rule["scancode-unavailable"]["locations"]
    assert nowhere == [{"physicalLocation": {"artifactLocation": {"uri": ".", "uriBaseId": "%SRCROOT%"}}}]

    external = by_rule["malformed-metadata"]["locations"]
    assert external[0] == nowhere[0]  # the root first, for viewers that need a file
    metadata = {"name": "METADATA", "fullyQualifiedName": "env:foo-1.0.dist-info/METADATA", "kind": "resource"}
    assert external[1] == {"logicalLocations": [metadata], "properties": {"line": 4}}
    assert all("env:" not in json.dumps(loc.get("physicalLocation", {})) for loc in external)

    odd = by_rule["unreadable-file"]["locations"][0]["physicalLocation"]
    assert odd["artifactLocation"]["uri"] == "dir%20with%20space/a%3Ab%23c%FF%C3%A9.txt"
    assert odd["region"] == {"startLine": 1}


def test_no_findings_is_an_empty_run(reports: dict[str, Report], validator: jsonschema.protocols.Validator) -> None:
    run = _check(replace(reports["mit-package"], findings=()), validator)
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_region_is_omitted_without_a_usable_line(reports: dict[str, Report],
                                                 validator: jsonschema.protocols.Validator) -> None:
    report = replace(reports["mit-package"], findings=(
        make_finding("notice-file", "A NOTICE file.", [Location("NOTICE")]),))
    run = _check(report, validator)
    assert run["results"][0]["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "NOTICE", "uriBaseId": "%SRCROOT%"}}}]


def test_an_absolute_root_is_a_file_uri(reports: dict[str, Report], validator: jsonschema.protocols.Validator) -> None:
    run = _check(replace(reports["mit-package"], root="/srv/my repo"), validator)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///srv/my%20repo/"
    relative = _check(replace(reports["mit-package"], root="samples/mit-package"), validator)
    assert "uri" not in relative["originalUriBaseIds"]["%SRCROOT%"]  # the output does not depend on the cwd


def test_a_policy_waiver_suppresses(tmp_path: Path, validator: jsonschema.protocols.Validator) -> None:
    """A real waiver (a --policy file): the finding stays in the log, suppressed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text("print('hi')\n", encoding="utf-8")
    policy = tmp_path / "acme.toml"
    policy.write_text('name = "acme"\n\n[[waivers]]\ncomponent = "."\nreason = "Internal tool, reviewed."\n',
                      encoding="utf-8")
    report = scan(str(repo), ScanOptions(cache=False, policy=policy_file(str(policy))))
    assert any(f.suppressed for f in report.findings)
    run = _check(report, validator)
    for finding, result in zip(report.findings, run["results"], strict=True):
        if finding.suppressed:
            assert result["suppressions"][0]["kind"] == "external"
            assert "'acme'" in result["suppressions"][0]["justification"]
