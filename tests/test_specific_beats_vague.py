"""A specific claim beats a vague one, and an ambiguous card license never falls back to a more
permissive one (issue 11 A.8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.pipeline import scan
from tests.collect.test_gate import MIT, REFS

APACHE_NOTICE = (
    '# Licensed under the Apache License, Version 2.0 (the "License");\n'
    "# you may not use this file except in compliance with the License.\n"
    "# You may obtain a copy of the License at\n#\n#     http://www.apache.org/licenses/LICENSE-2.0\n#\n"
    "# Unless required by applicable law or agreed to in writing, software\n"
    '# distributed under the License is distributed on an "AS IS" BASIS,\n'
    "# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n"
    "# See the License for the specific language governing permissions and\n# limitations under the License.\n")


def _repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _rules(report: object) -> list[str]:
    return [f.rule for f in report.findings]  # type: ignore[attr-defined]


def test_a_vague_classifier_does_not_null_a_license_text(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"LICENSE": REFS["licenses/cc-by-nc-4.0.LICENSE"], "setup.py": (
        'from setuptools import setup\nsetup(name="x", classifiers=["License :: Other/Proprietary License"])\n')})
    report = scan(str(root))
    assert (report.project_license, report.commercial_use.value) == ("CC-BY-NC-4.0", "prohibited")
    assert "vague-declaration" in _rules(report) and "conflicting-declarations" not in _rules(report)


def test_an_unknown_license_ref_label_before_a_recognised_notice(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"LICENSE": MIT, "a.py": "# SPDX-License-Identifier: LicenseRef-Apache2\n#\n"
                            + APACHE_NOTICE + "print(1)\n"})
    report = scan(str(root))
    assert report.components[0].license == "MIT AND Apache-2.0"
    assert report.commercial_use.value == "allowed" and "vague-declaration" in _rules(report)


@pytest.mark.parametrize("card", [
    "license: other\nbase_model: mistralai/Mistral-7B-v0.1",
    "license: openrail\nbase_model: mistralai/Mistral-7B-v0.1",
    "license: cc\nbase_model: mistralai/Mistral-7B-v0.1",
])
def test_an_ambiguous_card_license_with_a_known_base_is_not_the_base_alone(tmp_path: Path, card: str) -> None:
    root = _repo(tmp_path, {"README.md": f"---\n{card}\n---\n# A fine-tune\n"})
    report = scan(str(root))
    model = report.components[0]
    assert model.commercial_use.value == "unknown" and report.commercial_use.value != "allowed"
    assert model.license is not None and "LicenseRef-license-check-unknown" in model.license


def test_a_license_name_nobody_knows_is_reported_as_unknown_not_as_the_name(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"README.md": "---\nlicense: other\nlicense_name: nimbus-model-license-1.0\n---\n"})
    model = scan(str(root)).components[0]
    assert model.license in (None, "LicenseRef-license-check-unknown")
    assert model.declared_licenses == ("LicenseRef-license-check-unknown",)
    assert all(e.expression != "nimbus-model-license-1.0" for e in model.evidence)
