"""Model cards by other names (issue 11 A.2): MODEL_CARD.md, model_card.md, *_Model_Card.md,
model_cards/*.md are read, front matter and prose; a card by another name is a component of its own,
and cards that disagree are a finding while the most restrictive one decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.collect.detectors.model_cards import is_named_card
from license_check.pipeline import scan
from tests.collect.test_gate import MIT


def _repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("path", "named"), [
    ("MODEL_CARD.md", True), ("model_card.md", True), ("docs/modelcard.md", True), ("model-card.md", True),
    ("Stable_Diffusion_v1_Model_Card.md", True), ("model_cards/MUSICGEN_MODEL_CARD.md", True),
    ("model_cards/notes.md", True), ("README.md", False), ("docs/card_game.md", False), ("MODEL_CARD.txt", False),
])
def test_card_names(path: str, named: bool) -> None:
    assert is_named_card(path) is named


def test_disagreeing_cards_are_a_finding_and_the_restrictive_one_decides(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"LICENSE": MIT, "README.md": "---\nlicense: mit\n---\n# Model\n",
                            "MODEL_CARD.md": "---\nlicense: cc-by-nc-4.0\n---\n# Model card\n"})
    report = scan(str(root))
    by_path = {c.component.path: c for c in report.components}
    assert by_path["MODEL_CARD.md"].license == "CC-BY-NC-4.0"
    assert report.commercial_use.value == "prohibited"
    assert any(f.rule == "conflicting-declarations" and "model cards" in f.message for f in report.findings)


def test_a_bespoke_non_commercial_license_in_card_prose(tmp_path: Path) -> None:
    # LLaMA 1's MODEL_CARD.md: "**License**" then "Non-commercial bespoke license".
    card_text = "# LLaMA\n\n**License**\nNon-commercial bespoke license\n"
    root = _repo(tmp_path, {"LICENSE": MIT, "MODEL_CARD.md": card_text})
    report = scan(str(root))
    card = next(c for c in report.components if c.component.path == "MODEL_CARD.md")
    assert card.commercial_use.value == "prohibited" and report.commercial_use.value == "prohibited"
    assert report.project_license == "MIT"


def test_cards_in_a_model_cards_folder(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "LICENSE": MIT,
        "model_cards/MUSICGEN_MODEL_CARD.md": "# MusicGen\n\n## License\n\nThe model weights are released under "
                                               "CC-BY-NC 4.0.\n"})
    report = scan(str(root))
    card = next(c for c in report.components if c.component.path == "model_cards/MUSICGEN_MODEL_CARD.md")
    assert card.license == "CC-BY-NC-4.0" and card.commercial_use.value == "prohibited"


def test_an_ambiguous_card_license_stays_unknown(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"LICENSE": MIT, "Stable_Diffusion_v1_Model_Card.md": "---\nlicense: openrail\n---\n"})
    card = next(c for c in scan(str(root)).components if c.component.path == "Stable_Diffusion_v1_Model_Card.md")
    assert card.commercial_use.value == "unknown"


def test_a_card_without_license_statements_is_no_component(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"LICENSE": MIT, "model_card.md": "# GPT-2\n\nIntended for research.\n"})
    assert [c.component.path for c in scan(str(root)).components] == ["."]


def test_a_card_that_links_its_license_to_the_license_file(tmp_path: Path) -> None:
    # CompVis Stable Diffusion: "- **License:** [Proprietary](LICENSE)": the LICENSE file decides.
    root = _repo(tmp_path, {"LICENSE": MIT, "Stable_Diffusion_v1_Model_Card.md": (
        "# Model Card\n\n## Model Details\n- **License:** [Proprietary](LICENSE)\n")})
    report = scan(str(root))
    assert [c.component.path for c in report.components] == ["."] and report.commercial_use.value == "allowed"
