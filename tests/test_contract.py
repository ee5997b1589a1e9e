"""The contract checker (tests/contract.py) itself: it accepts a valid report and catches broken ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract import license_problems, problems

CHECKER = Path(__file__).with_name("contract.py")


def _component(**changes: Any) -> dict[str, Any]:
    comp: dict[str, Any] = {
        "id": ".", "path": ".", "kind": "code", "license": "MIT", "declared_licenses": ["MIT"],
        "elected_license": None, "commercial_use": "allowed",
        "evidence": [{"path": "LICENSE", "line": None, "key": None, "source": "license-file",
                      "expression": "MIT", "confidence": 1.0}],
        "lineage": [],
        "obligations": [{"code": "keep-notice", "text": "Keep the copyright notice.", "source": "MIT"}],
        "restrictions": [],
        "reasons": [{"code": "permissive", "license": "MIT", "text": "MIT allows commercial use."}],
    }
    comp.update(changes)
    return comp


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "tool": {"name": "license-check", "version": "0.1.0", "licensedb_version": "32.5.0"},
        "root": "repo",
        "policy": {"name": "default", "source": "built-in", "use_mode": "distribute", "scope": "repository",
                   "fail_on": None, "waivers": []},
        "project_license": "MIT",
        "commercial_use": "allowed",
        "verdict": "pass",
        "components": [_component()],
        "findings": [{"severity": "info", "rule": "notice-duty", "message": "Keep the MIT notice.",
                      "locations": [{"path": "LICENSE", "line": 1}], "components": ["."],
                      "fingerprint": "0123456789abcdef", "suppressed": False}],
        "coverage": {"code": "analysed", "dependencies": "not-analysed"},
    }
    doc.update(changes)
    return doc


def test_a_valid_minimal_report_has_no_problems() -> None:
    assert problems(_doc()) == []
    assert problems(_doc(), 0) == []


def test_a_valid_report_with_extensions_has_no_problems() -> None:
    ref = _component(id="ref:org/model", path="train.py", kind="model", license=None, declared_licenses=[],
                     commercial_use="unknown", ref="org/model", files=0)
    doc = _doc(adoption={"commercial_use": "unknown", "components": [ref], "causes": []},
               scan={"files": 2, "ignored": []}, project_license="Apache-2.0 OR MIT")
    doc["components"][0]["license"] = "GPL-2.0-or-later WITH Classpath-exception-2.0 AND LicenseRef-scancode-x-1.0"
    doc["components"][0]["lineage"] = [{"relation": "finetune", "ref": "org/base",
                                        "license": "LicenseRef-license-check-unknown"}]
    assert problems(doc) == []


def test_a_model_card_license_name_as_the_license_string_is_a_problem() -> None:
    doc = _doc()
    doc["components"][0]["license"] = "nimbus-model-license-1.0"
    found = problems(doc)
    assert len(found) == 1
    assert "components[0].license" in found[0] and "nimbus-model-license-1.0" in found[0]


@pytest.mark.parametrize("field", ["project_license", "declared", "elected", "evidence"])
def test_every_license_field_is_checked(field: str) -> None:
    doc = _doc()
    comp = doc["components"][0]
    if field == "project_license":
        doc["project_license"] = "nimbus-model-license-1.0"
    elif field == "declared":
        comp["declared_licenses"] = ["MIT", "nimbus-model-license-1.0"]
    elif field == "elected":
        comp["elected_license"] = "nimbus-model-license-1.0"
    else:
        comp["evidence"][0]["expression"] = "nimbus-model-license-1.0"
    assert [p for p in problems(doc) if "nimbus-model-license-1.0" in p] != []


@pytest.mark.parametrize(("expression", "ok"), [
    ("MIT", True),
    ("MIT OR Apache-2.0", True),
    ("(MIT OR Apache-2.0) AND BSD-3-Clause", True),
    ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
    ("GPL-2.0-only WITH LicenseRef-my-exception", True),
    ("LicenseRef-scancode-llama-2-license-2023", True),
    ("LicenseRef-license-check-unknown", True),
    ("nimbus-model-license-1.0", False),
    ("Nimbus Model License", False),
    ("Classpath-exception-2.0", False),  # an exception without WITH
    ("MIT WITH Apache-2.0", False),  # a license after WITH
    ("LicenseRef-", False),
    ("MIT and Apache-2.0", False),  # SPDX operators are upper-case
    ("MIT OR", False),
    ("(MIT", False),
    ("", False),
])
def test_license_strings(expression: str, ok: bool) -> None:
    assert (license_problems(expression) == []) is ok, license_problems(expression)


def test_a_fail_verdict_with_exit_0_is_a_problem() -> None:
    doc = _doc(commercial_use="unknown", verdict="fail")
    assert problems(doc, 1) == []
    assert any("exit code 0" in p for p in problems(doc, 0))
    assert any("exit code 1" in p for p in problems(_doc(), 1))


@pytest.mark.parametrize("where", ["component", "evidence", "location"])
@pytest.mark.parametrize("path", ["/etc/passwd", "../outside/LICENSE", "a/../../b", ""])
def test_a_path_outside_the_root_is_a_problem(where: str, path: str) -> None:
    doc = _doc()
    if where == "component":
        doc["components"][0]["path"] = path
    elif where == "evidence":
        doc["components"][0]["evidence"][0]["path"] = path
    else:
        doc["findings"][0]["locations"][0]["path"] = path
    found = problems(doc)
    assert len(found) == 1 and "path" in found[0], found


def test_the_default_policy_maps_commercial_use_to_the_verdict() -> None:
    assert problems(_doc(commercial_use="conditional", verdict="warn")) == []
    assert any("default policy" in p for p in problems(_doc(commercial_use="conditional", verdict="pass")))
    assert any("default policy" in p for p in problems(_doc(commercial_use="prohibited", verdict="warn")))
    strict = _doc(commercial_use="allowed", verdict="fail")
    assert any("default policy" in p for p in problems(strict))
    strict["policy"]["fail_on"] = "warning"  # --fail-on may only make the verdict stricter
    assert problems(strict) == []


def test_under_scope_adoption_the_adoption_answer_decides_the_verdict() -> None:
    doc = _doc(adoption={"commercial_use": "unknown", "components": [], "causes": []}, verdict="fail")
    doc["policy"]["scope"] = "adoption"
    assert problems(doc) == []
    doc["verdict"] = "pass"
    assert any("adoption.commercial_use" in p for p in problems(doc))


def test_adoption_is_checked_when_present() -> None:
    assert any("adoption.commercial_use" in p
               for p in problems(_doc(adoption={"commercial_use": "maybe", "components": []})))
    assert any("adoption.components" in p for p in problems(_doc(adoption={"commercial_use": "unknown"})))
    bad = _component(license="nimbus-model-license-1.0", kind="checkpoint")
    found = problems(_doc(adoption={"commercial_use": "unknown", "components": [bad]}))
    assert any("adoption.components[0].license" in p for p in found)
    assert any("adoption.components[0].kind" in p for p in found)


@pytest.mark.parametrize(("change", "needle"), [
    ({"schema_version": 2}, "schema_version"),
    ({"schema_version": True}, "schema_version"),
    ({"tool": {"name": "other", "version": "1"}}, "tool"),
    ({"commercial_use": "maybe"}, "commercial_use"),
    ({"verdict": "ok"}, "verdict"),
    ({"components": {}}, "components"),
    ({"coverage": {"code": "done"}}, "coverage"),
])
def test_top_level_fields_are_checked(change: dict[str, Any], needle: str) -> None:
    assert any(needle in p for p in problems(_doc(**change)))


def test_component_and_finding_fields_are_checked() -> None:
    doc = _doc()
    doc["components"][0]["kind"] = "library"
    doc["components"][0]["reasons"] = [{"code": "Not Kebab", "license": "MIT", "text": "x"}]
    doc["findings"][0]["severity"] = "fatal"
    doc["findings"][0]["suppressed"] = "no"
    del doc["components"][0]["license"]
    found = " | ".join(problems(doc))
    for needle in ("components[0].kind", "components[0].reasons[0].code", "components[0].license",
                   "findings[0].severity", "findings[0].suppressed"):
        assert needle in found
    assert problems([]) == ["output is not a JSON object, got []"]


def test_the_command_line_checks_stdin() -> None:
    good = subprocess.run([sys.executable, str(CHECKER), "--stdin"], input=json.dumps(_doc()),
                          capture_output=True, text=True, check=False)
    assert (good.returncode, good.stdout.strip()) == (0, "stdin: ok")
    doc = _doc()
    doc["components"][0]["license"] = "nimbus-model-license-1.0"
    bad = subprocess.run([sys.executable, str(CHECKER), "--stdin"], input=json.dumps(doc),
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "nimbus-model-license-1.0" in bad.stdout


def test_the_command_line_runs_a_command_per_repository(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text(json.dumps(_doc()), encoding="utf-8")
    cmd = f"{sys.executable} -c \"import sys; print(open(sys.argv[1]).read())\" {{path}}"
    run = subprocess.run([sys.executable, str(CHECKER), "--cmd", cmd, str(report)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == f"{report}: ok (allowed, pass, 1 components)"
