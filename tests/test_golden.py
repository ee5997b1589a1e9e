"""Golden tests on samples/: the intended verdict of each sample, the full JSON and table output,
schema validation, the output contract (docs/contract.md, checked by tests/contract.py), and determinism.

Refresh the golden files after a reviewed change with: UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from license_check.pipeline import ScanOptions, scan
from license_check.render.json import render_json
from license_check.render.table import render_table
from tests.conftest import REPO_ROOT, SAMPLES
from tests.contract import problems

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = REPO_ROOT / "license_check" / "schema" / "report-v1.schema.json"

# The verdict each sample exists to show (issue: "a permissive repo passes, a no-license repo fails
# as unknown, a GPL app warns as conditional, and MIT OR GPL-2.0-only is allowed").
EXPECTED = {
    "apache-notice": ("allowed", "pass", "Apache-2.0"),
    "custom-license": ("unknown", "fail", "LicenseRef-license-check-unknown"),
    "dual-mit-apache": ("allowed", "pass", "MIT OR Apache-2.0"),
    "gpl-app-vendored": ("conditional", "warn", "GPL-3.0-or-later"),
    "mit-or-gpl": ("allowed", "pass", "MIT OR GPL-2.0-only"),
    "mit-package": ("allowed", "pass", "MIT"),
    "no-license": ("unknown", "fail", None),
    # AI artifacts (issue: OpenFold-like allowed, AlphaFold-2021-like prohibited, a Llama fine-tune,
    # a RAIL model, a CC-BY-SA dataset, weights with embedded GGUF/safetensors/ONNX metadata).
    "openfold-like": ("allowed", "pass", "Apache-2.0"),
    "alphafold-2021-like": ("prohibited", "fail", "Apache-2.0"),
    "llama-finetune": ("conditional", "warn", "Apache-2.0"),
    "rail-model": ("conditional", "warn", "LicenseRef-scancode-stable-diffusion-2022-08-22"),
    "cc-by-sa-dataset": ("conditional", "warn", "CC-BY-SA-4.0"),
    "embedded-metadata": ("conditional", "warn", "MIT"),
    # Compatibility (issue 4): GPL-2.0-only code vendoring Apache-2.0 code is incompatible when distributed;
    # the dual-licensed vendored library is elected jointly (its GPL branch, not Apache-2.0).
    "gpl2-vendors-apache": ("prohibited", "fail", "GPL-2.0-only"),
    # Issue 11 B: MIT code that downloads an unlicensed checkpoint and loads a corpus and Llama 2: the
    # repository answer passes; the adoption answer (JSON "adoption") is unknown.
    "downloads-models": ("allowed", "pass", "MIT"),
    # Issue 11 A: license files and model cards by other names (DATA_LICENSE, MODEL_CARD.md "Non-commercial
    # bespoke license", model_cards/*.md); bundled texts with connective prose and the real variants
    # (Megatron-like bundle, RequireJS MIT + CC0, GPLv2 with the old FSF address); specific beats vague
    # (an Other/Proprietary classifier, a LicenseRef-Apache2 label) and GPL test code is not combined;
    # custom texts read for their clauses (an academic licence, an NC source-header notice, a rider that
    # keeps MIT from being MIT); GPL-2.0 WITH the Classpath exception (LICENSE, pom.xml, headers);
    # an ambiguous card license on a fine-tune is not the base's license.
    "named-licenses": ("prohibited", "fail", "Apache-2.0"),
    "bundled-licenses": ("prohibited", "fail", "BSD-3-Clause AND Apache-2.0"),  # + vendored GPL-2.0-only lib
    "vague-and-specific": ("conditional", "warn", "MIT"),
    "restrictive-texts": ("prohibited", "fail", "MIT"),
    "gpl-classpath": ("conditional", "warn", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
    "finetune-other-license": ("unknown", "fail", "LicenseRef-license-check-unknown"),
    # Issue 15: declared dependencies (pyproject.toml, uv.lock) with no --deps-env: listed, their terms
    # unknown in the adoption answer only (tests/test_dependencies.py scans it with a built environment).
    "deps-uv": ("allowed", "pass", "Apache-2.0"),
}


def test_every_sample_has_an_expectation() -> None:
    assert sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.fixture(autouse=True)
def _in_export(exported_samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(exported_samples)  # the samples as a user receives them (conftest.exported_samples)


def _scan(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    return scan(f"samples/{name}", ScanOptions(use_scancode=True))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_verdict(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _scan(name, monkeypatch)
    use, verdict, project = EXPECTED[name]
    assert (report.commercial_use.value, report.verdict.value, report.project_license) == (use, verdict, project)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_golden_output(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _scan(name, monkeypatch)
    outputs = {f"{name}.json": render_json(report), f"{name}.txt": render_table(report)}
    for filename, text in outputs.items():
        target = GOLDEN / filename
        if os.environ.get("UPDATE_GOLDEN"):
            GOLDEN.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
        assert target.exists(), f"missing {target}; run with UPDATE_GOLDEN=1 after reviewing the output"
        assert text == target.read_text(encoding="utf-8"), f"{filename} differs from the golden file"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_json_matches_schema_and_contract(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = render_json(_scan(name, monkeypatch))
    doc = json.loads(text)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert problems(doc) == []


def test_cli_keeps_the_contract_on_every_sample(exported_samples: Path) -> None:
    """The installed command line (not just the API) keeps the contract, exit code included."""
    broken: dict[str, list[str]] = {}
    for name in sorted(EXPECTED):
        run = subprocess.run([sys.executable, "-m", "license_check", str(exported_samples / "samples" / name),
                              "--format", "json"],
                             capture_output=True, text=True, cwd=REPO_ROOT, check=False)
        try:
            doc = json.loads(run.stdout)
        except ValueError:
            broken[name] = [f"stdout is not one JSON object (exit {run.returncode}): {run.stderr[-400:]}"]
            continue
        found = problems(doc, run.returncode)
        if found:
            broken[name] = found
    assert broken == {}


def test_output_is_byte_identical_across_runs_and_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_json(_scan("gpl-app-vendored", monkeypatch))
    assert render_json(_scan("gpl-app-vendored", monkeypatch)) == first
    copy = tmp_path / "elsewhere" / "gpl-app-vendored"
    shutil.copytree(SAMPLES / "gpl-app-vendored", copy)
    monkeypatch.chdir(copy.parent)
    moved = render_json(scan("gpl-app-vendored"))
    assert moved.replace('"root": "gpl-app-vendored"', '"root": "samples/gpl-app-vendored"') == first
