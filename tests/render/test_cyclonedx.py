"""The CycloneDX 1.6 renderer: every sample's BOM passes the library's strict 1.6 validator, models carry
their lineage, dependencies their purls, and two runs give the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from license_check.model import Component, JudgedComponent, Kind, Report, Use, Verdict
from license_check.pipeline import ScanOptions, scan
from license_check.render.cyclonedx import license_choice, render_cyclonedx, repository_name
from tests.conftest import SAMPLES

NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
_REPORTS: dict[str, Report] = {}


@pytest.fixture(autouse=True)
def _in_export(exported_samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(exported_samples)  # the samples with their generated weight files (conftest)


def _report(name: str) -> Report:
    if name not in _REPORTS:  # one scan per sample for the whole module
        _REPORTS[name] = scan(f"samples/{name}", ScanOptions(cache=False))
    return _REPORTS[name]


def _bom(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_cyclonedx(_report(name)))
    return doc


def _by_ref(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in doc["components"]}


def _props(c: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in c.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def test_there_are_samples() -> None:
    assert len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_validates_as_cyclonedx_1_6(name: str) -> None:
    text = render_cyclonedx(_report(name))
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    assert errors is None, [str(e) for e in errors]
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    assert "timestamp" not in doc["metadata"]
    report = _report(name)
    ids = {c.component.id for c in report.components}
    if report.adoption is not None:
        ids |= {c.component.id for c in report.adoption.components}
    assert set(_by_ref(doc)) == ids  # one component per report and adoption component, bom-ref = id


@pytest.mark.parametrize("name", ["llama-finetune", "deps-uv", "gpl-app-vendored", "embedded-metadata"])
def test_output_is_byte_identical_across_runs(name: str) -> None:
    first = render_cyclonedx(scan(f"samples/{name}", ScanOptions(cache=False)))
    assert render_cyclonedx(scan(f"samples/{name}", ScanOptions(cache=False))) == first
    assert render_cyclonedx(_report(name)) == first


def test_serial_number_follows_the_content() -> None:
    a, b = _bom("mit-package"), _bom("apache-notice")
    assert a["serialNumber"].startswith("urn:uuid:") and a["serialNumber"] != b["serialNumber"]


def test_metadata_names_the_repository_tool_verdict_and_policy() -> None:
    doc = _bom("gpl-app-vendored")
    meta = doc["metadata"]
    assert meta["component"]["type"] == "application"
    assert meta["component"]["name"] == "gpl-app-vendored"
    assert meta["component"]["licenses"] == [{"expression": "GPL-3.0-or-later", "acknowledgement": "declared"}]
    assert meta["tools"]["components"] == [{"type": "application", "name": "license-check", "version": "0.1.0"}]
    props = _props(meta)
    assert props["license-check:verdict"] == ["warn"]
    assert props["license-check:commercial_use"] == ["conditional"]
    assert props["license-check:policy"] == ["default"]
    assert props["license-check:use_mode"] == ["distribute"]
    comps = _by_ref(doc)
    assert comps["."]["type"] == "application"
    assert comps["third_party/tinyjson"]["type"] == "library"
    assert comps["third_party/tinyjson"]["licenses"][0]["expression"] == "MIT"
    assert _props(comps["third_party/tinyjson"])["license-check:commercial_use"] == ["allowed"]


def test_a_finetune_is_a_model_with_its_lineage() -> None:
    model = _by_ref(_bom("llama-finetune"))["."]
    assert model["type"] == "machine-learning-model"
    assert model["licenses"][0]["expression"] == "Apache-2.0 AND LicenseRef-scancode-llama-2-license-2023"
    ancestors = {a["name"]: a for a in model["pedigree"]["ancestors"]}
    base = ancestors["meta-llama/Llama-2-7b-hf"]
    assert base["type"] == "machine-learning-model"
    assert _props(base)["license-check:relation"] == ["finetune"]
    assert base["licenses"][0]["expression"] == "LicenseRef-scancode-llama-2-license-2023"
    data = ancestors["tatsu-lab/alpaca"]
    assert data["type"] == "data" and _props(data)["license-check:relation"] == ["trained-on"]
    assert data["licenses"][0]["expression"] == "CC-BY-NC-4.0"


def test_a_rail_model_is_a_model() -> None:
    model = _by_ref(_bom("rail-model"))["."]
    assert model["type"] == "machine-learning-model"
    assert model["licenses"][0]["expression"] == "LicenseRef-scancode-stable-diffusion-2022-08-22"
    assert _props(model)["license-check:kind"] == ["model"]


def test_embedded_weights_keep_their_base_model() -> None:
    comps = _by_ref(_bom("embedded-metadata"))
    gguf = comps["weights/llama-3.1-8b-instruct-Q4_K_M.gguf"]
    assert gguf["type"] == "machine-learning-model"
    assert [a["name"] for a in gguf["pedigree"]["ancestors"]] == ["meta-llama/Llama-3.1-8B-Instruct"]


def test_dependencies_are_libraries_with_purls() -> None:
    comps = _by_ref(_bom("deps-uv"))
    deps = {ref: c for ref, c in comps.items() if ref.startswith("ref:pkg:")}
    assert len(deps) == 7
    fastmath = deps["ref:pkg:pypi/fastmath"]
    assert fastmath["type"] == "library"
    assert (fastmath["name"], fastmath["version"], fastmath["purl"]) == ("fastmath", "1.2.3", "pkg:pypi/fastmath@1.2.3")
    assert all(c["type"] == "library" and c["purl"].startswith("pkg:pypi/") for c in deps.values())
    props = _props(deps["ref:pkg:pypi/checkerlib"])
    assert props["license-check:group"] == ["dev"]
    assert props["license-check:kind"] == ["dependency"]
    assert props["license-check:commercial_use"] == ["unknown"]
    assert "pyproject.toml:18 (pyproject)" in props["license-check:evidence"]
    assert "licenses" not in fastmath  # no license read: none stated


def test_datasets_and_referenced_artifacts() -> None:
    assert _by_ref(_bom("cc-by-sa-dataset"))["."]["type"] == "data"
    comps = _by_ref(_bom("downloads-models"))
    llama = comps["ref:meta-llama/Llama-2-7b-hf"]
    assert llama["type"] == "machine-learning-model" and llama["name"] == "meta-llama/Llama-2-7b-hf"
    assert comps["ref:datasets/example-org/web-corpus"]["type"] == "data"


def test_a_downloaded_artifact_links_to_its_url() -> None:
    url = "https://storage.googleapis.com/alphafold/alphafold_params_2021-07-14.tar"
    params = _by_ref(_bom("alphafold-2021-like"))[f"ref:{url}"]
    assert params["type"] == "machine-learning-model"
    assert params["externalReferences"] == [{"type": "distribution", "url": url}]
    assert params["licenses"][0]["expression"] == "CC-BY-NC-4.0"


def test_unlisted_license_refs_stay_expressions() -> None:
    comps = _by_ref(_bom("restrictive-texts"))
    assert comps["vendor_pose"]["licenses"] == [
        {"expression": "LicenseRef-license-check-noncommercial", "acknowledgement": "concluded"}]
    assert comps["."]["licenses"][0]["expression"] == "MIT AND LicenseRef-license-check-noncommercial"


def test_license_choice() -> None:
    assert license_choice(None) == []
    assert [type(x).__name__ for x in license_choice("MIT OR GPL-2.0-only")] == ["LicenseExpression"]
    assert [type(x).__name__ for x in license_choice("LicenseRef-foo AND MIT")] == ["LicenseExpression"]
    named = license_choice("Some Custom Terms (see LICENSE)")
    assert [(type(x).__name__, getattr(x, "name", None)) for x in named] == [
        ("DisjunctiveLicense", "Some Custom Terms (see LICENSE)")]


def test_repository_name() -> None:
    assert repository_name("samples/mit-package") == "mit-package"
    assert repository_name("/abs/repo/") == "repo"
    assert repository_name(".") == "."


def test_a_named_license_and_an_other_component_validate() -> None:
    judged = JudgedComponent(
        component=Component(id="blob.bin", path="blob.bin", kind=Kind.OTHER, is_dir=False),
        license="Custom terms", declared_licenses=("Custom terms",), elected_license=None,
        commercial_use=Use.UNKNOWN, evidence=())
    report = Report(root=".", tool_version="0.1.0", licensedb_version="x", policy={}, project_license=None,
                    commercial_use=Use.UNKNOWN, verdict=Verdict.FAIL, components=(judged,), findings=())
    text = render_cyclonedx(report)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    comp = json.loads(text)["components"][0]
    assert comp["type"] == "file"
    assert comp["licenses"] == [{"license": {"name": "Custom terms", "acknowledgement": "concluded"}}]
