"""The pipeline wiring: detectors together, second-phase pointers, detector failures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from license_check.collect.detectors.base import DetectorResult
from license_check.pipeline import ScanOptions, scan
from license_check.pipeline import detect as scan_module
from tests.conftest import SAMPLES


def test_manifest_pointing_at_an_oddly_named_license_file(tmp_path: Path) -> None:
    mit = (SAMPLES / "mit-package" / "LICENSE").read_text()
    (tmp_path / "EULA.md").write_text(mit)
    (tmp_path / "package.json").write_text('{"name": "x", "license": "SEE LICENSE IN EULA.md"}')
    report = scan(str(tmp_path), ScanOptions(use_scancode=False))
    root = report.components[0]
    assert (root.license, report.commercial_use.value) == ("MIT", "allowed")
    assert [(e.path, e.source) for e in root.evidence] == [("EULA.md", "license-file")]


def test_pointer_to_a_restrictive_custom_text_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "TERMS.txt").write_text("You may run this software for evaluation only. No other rights.\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\nlicense = {file = "TERMS.txt"}\n')
    report = scan(str(tmp_path), ScanOptions(use_scancode=False))
    assert report.commercial_use.value == "unknown"
    assert "unknown-license-text" in {f.rule for f in report.findings}


def test_a_failing_detector_is_a_finding_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(files: object, ctx: object) -> DetectorResult:
        raise ValueError("boom")

    (tmp_path / "LICENSE").write_text((SAMPLES / "mit-package" / "LICENSE").read_text())
    detectors = tuple(replace(d, detect=broken) if d.name == "spdx-headers" else d for d in scan_module.DETECTORS)
    monkeypatch.setattr(scan_module, "DETECTORS", detectors)
    report = scan(str(tmp_path), ScanOptions(use_scancode=False))
    errors = [f for f in report.findings if f.rule == "detector-error"]
    assert len(errors) == 1 and "spdx-headers" in errors[0].message and "boom" in errors[0].message
    assert report.components[0].license == "MIT"
    assert (report.commercial_use.value, report.verdict.value) == ("unknown", "fail")  # evidence is missing
    assert report.coverage["code"] == "partial"
