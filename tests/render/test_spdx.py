"""The SPDX renderers on every sample: the 2.3 document validates with spdx-tools (parsed back from the
written JSON), every LicenseRef- is declared, and the text is byte-identical across runs; the 3.0.1 JSON-LD
validates against the vendored SPDX 3.0.1 JSON Schema (tests/data/spdx-3.0.1-schema.toml says where from)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from spdx_tools.spdx.parser.json.json_parser import parse_from_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from license_check.model import Component, JudgedComponent, Kind, Report, Use, Verdict
from license_check.pipeline import ScanOptions, scan
from license_check.render.spdx import build_document, render_spdx
from license_check.render.spdx3 import render_spdx3
from tests.conftest import REPO_ROOT, SAMPLES

SPDX3_SCHEMA = REPO_ROOT / "tests" / "data" / "spdx-3.0.1-schema.json"
NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
_EXPORT: list[Path] = []


@pytest.fixture(autouse=True)
def _export(exported_samples: Path) -> None:
    _EXPORT[:] = [exported_samples]


@cache
def _report(name: str) -> Report:
    return scan(str(_EXPORT[0] / "samples" / name), ScanOptions(cache=False))


def _refs(text: str) -> set[str]:
    return set(re.findall(r"LicenseRef-[A-Za-z0-9.-]+", text))


@pytest.mark.parametrize("name", NAMES)
def test_spdx_23_validates_and_declares_every_license_ref(name: str, tmp_path: Path) -> None:
    report = _report(name)
    text = render_spdx(report)
    target = tmp_path / f"{name}.spdx.json"
    target.write_text(text, encoding="utf-8")
    document = parse_from_file(str(target))
    assert [m.validation_message for m in validate_full_spdx_document(document)] == []

    doc = json.loads(text)
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["creationInfo"]["creators"] == [f"Tool: license-check-{report.tool_version}"]
    declared = {x["licenseId"] for x in doc.get("hasExtractedLicensingInfos", [])}
    used: set[str] = set()
    for package in doc["packages"]:
        used |= _refs(package["licenseConcluded"]) | _refs(package["licenseDeclared"])
    assert used <= declared
    for info in doc.get("hasExtractedLicensingInfos", []):
        assert info["extractedText"] and info["name"]

    root = next(p for p in doc["packages"] if p["SPDXID"] == "SPDXRef-Package-root")
    top = next((c.license for c in report.components if c.component.id == "."), report.project_license)
    assert root["licenseConcluded"] == (top or "NOASSERTION")

    components = list(report.components)
    if report.adoption is not None:
        seen = {c.component.id for c in components}
        components += [c for c in report.adoption.components if c.component.id not in seen]
    assert len(doc["packages"]) == len({c.component.id for c in components} | {"."})
    ids = {p["SPDXID"] for p in doc["packages"]}
    assert all(re.fullmatch(r"SPDXRef-[A-Za-z0-9.-]+", i) for i in ids)
    relations = {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc["relationships"]}
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Package-root") in relations
    for c in components:
        if c.component.id == ".":
            continue
        kind = "CONTAINS" if c.component.ref is None else "DEPENDS_ON"
        assert any(r[0] == "SPDXRef-Package-root" and r[1] == kind for r in relations), c.component.id


@pytest.mark.parametrize("name", NAMES)
def test_spdx_23_is_byte_identical_across_runs(name: str) -> None:
    first = render_spdx(_report(name))
    again = scan(str(_EXPORT[0] / "samples" / name), ScanOptions(cache=False))
    assert render_spdx(again) == first
    assert '"created": "1970-01-01T00:00:00Z"' in first


def test_spdx_23_dependencies_carry_a_purl_with_their_version() -> None:
    doc = json.loads(render_spdx(_report("deps-uv")))
    packages = {p["name"]: p for p in doc["packages"]}
    lib = packages["checkerlib"]
    assert lib["primaryPackagePurpose"] == "LIBRARY" and lib["versionInfo"] == "1.0.0"
    assert lib["externalRefs"] == [{"referenceCategory": "PACKAGE_MANAGER", "referenceLocator":
                                    "pkg:pypi/checkerlib@1.0.0", "referenceType": "purl"}]
    assert "commercial_use: unknown" in lib["comment"]


def test_spdx_23_namespace_follows_the_content() -> None:
    one, two = (json.loads(render_spdx(_report(n)))["documentNamespace"] for n in ("mit-package", "apache-notice"))
    assert one != two and one.startswith("https://license-check.invalid/spdx/")


def _judged(cid: str, license: str | None, kind: Kind = Kind.CODE, ref: str | None = None) -> JudgedComponent:
    return JudgedComponent(component=Component(id=cid, path=cid, kind=kind, ref=ref), license=license,
                           declared_licenses=(license,) if license else (), elected_license=None,
                           commercial_use=Use.UNKNOWN, evidence=())


def test_spdx_23_keeps_odd_input_valid() -> None:
    """Ids that sanitize alike, a symbol off the SPDX list, a LicenseRef with '_', no root component, and
    an expression that does not parse: still one valid document."""
    report = Report(root="odd", tool_version="0.0", licensedb_version="x", policy={}, project_license="MIT",
                    commercial_use=Use.UNKNOWN, verdict=Verdict.FAIL, findings=(),
                    components=(_judged("a_b", "Not-A-License-1.0"), _judged("a-b", "LicenseRef-x_y OR MIT"),
                                _judged("c", "MIT AND (")))
    document = build_document(report)
    assert validate_full_spdx_document(document) == []
    ids = [p.spdx_id for p in document.packages]
    assert len(set(ids)) == 4 and ids[0] == "SPDXRef-Package-root"
    assert render_spdx(report) == render_spdx(report)
    declared = {x.license_id for x in document.extracted_licensing_info}
    assert declared == {"LicenseRef-license-check-Not-A-License-1.0", "LicenseRef-license-check-LicenseRef-x-y"}
    concluded = [str(p.license_concluded) for p in document.packages]
    assert concluded[1:] == ["LicenseRef-license-check-Not-A-License-1.0",
                             "LicenseRef-license-check-LicenseRef-x-y OR MIT", "NOASSERTION"]
    assert "is not an SPDX expression" in (document.packages[3].license_comment or "")
    assert [e.message for e in _spdx3_validator().iter_errors(json.loads(render_spdx3(report)))] == []


@cache
def _spdx3_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SPDX3_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


@pytest.mark.parametrize("name", NAMES)
def test_spdx_3_validates_against_the_vendored_schema(name: str) -> None:
    report = _report(name)
    text = render_spdx3(report)
    doc = json.loads(text)
    assert [e.message for e in _spdx3_validator().iter_errors(doc)] == []
    assert render_spdx3(report) == text
    graph = doc["@graph"]
    ids = {e["spdxId"] for e in graph if "spdxId" in e}
    assert all(r in ids for e in graph if e["type"] == "Relationship" for r in (e["from"], *e["to"]))
    texts = {e["spdxId"] for e in graph if e["type"] == "simplelicensing_SimpleLicensingText"}
    for e in graph:
        if e["type"] == "simplelicensing_LicenseExpression":
            mapped = {x["key"]: x["value"] for x in e.get("simplelicensing_customIdToUri", [])}
            assert set(mapped) == _refs(e["simplelicensing_licenseExpression"])
            assert set(mapped.values()) <= texts
    kinds = {c.component.kind for c in report.components}
    types = {e["type"] for e in graph}
    if kinds & {Kind.MODEL, Kind.WEIGHTS}:
        assert "ai_AIPackage" in types
    if kinds & {Kind.DATASET, Kind.DATA}:
        assert "dataset_DatasetPackage" in types


def test_spdx_3_a_model_sample_gives_an_ai_package() -> None:
    graph = json.loads(render_spdx3(_report("rail-model")))["@graph"]
    root = next(e for e in graph if e.get("spdxId", "").endswith("/package/root"))
    assert root["type"] == "ai_AIPackage" and root["software_primaryPurpose"] == "model"
    dataset = json.loads(render_spdx3(_report("cc-by-sa-dataset")))["@graph"]
    assert any(e["type"] == "dataset_DatasetPackage" for e in dataset)


def test_spdx_3_the_schema_rejects_what_is_not_spdx() -> None:
    doc = json.loads(render_spdx3(_report("rail-model")))
    next(e for e in doc["@graph"] if e["type"] == "ai_AIPackage")["software_primaryPurpose"] = "weights"
    assert list(_spdx3_validator().iter_errors(doc))
