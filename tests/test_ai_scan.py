"""End-to-end judgement of AI artifacts: lineage, drift, conflicts, inheritance, references, prose."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from license_check.model import Kind, Report, Use
from license_check.pipeline import ScanOptions, scan
from tests import builders
from tests.conftest import WriteFiles

MIT = (Path(__file__).parent.parent / "samples" / "mit-package" / "LICENSE").read_text(encoding="utf-8")


def _scan(root: Path) -> Report:
    return scan(str(root), ScanOptions(use_scancode=False))


def _comp(report: Report, cid: str):  # type: ignore[no-untyped-def]
    """A component of the repository answer, else a referenced artifact of the adoption answer."""
    adopted = report.adoption.components if report.adoption else ()
    return next(c for c in (*report.components, *adopted) if c.component.id == cid)


def _rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def card(**fields: str) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n# card\n"


def test_llama_finetune_labelled_apache_is_judged_by_llama_terms(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": card(license="apache-2.0", base_model="meta-llama/Llama-2-7b-hf")})
    report = _scan(tmp_path)
    root = _comp(report, ".")
    assert root.component.kind is Kind.MODEL
    assert root.license == "Apache-2.0 AND LicenseRef-scancode-llama-2-license-2023"
    assert root.commercial_use is Use.CONDITIONAL
    assert [(x.relation, x.ref, x.license) for x in root.lineage] == [
        ("finetune", "meta-llama/Llama-2-7b-hf", "LicenseRef-scancode-llama-2-license-2023")]
    assert "license-drift" in _rules(report)
    assert any(e.source == "lineage" for e in root.evidence)


def test_quantized_copy_must_keep_the_source_license(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": card(license="mit", base_model="meta-llama/Llama-3.1-8B",
                                   base_model_relation="quantized")})
    report = _scan(tmp_path)
    assert "license-drift" in _rules(report)
    assert _comp(report, ".").commercial_use is Use.CONDITIONAL


def test_a_merge_is_the_and_of_its_parents(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": "---\nlicense: other\nlicense_name: llama2\nbase_model:\n- meta-llama/Llama-2-7b-hf\n"
                              "- mistralai/Mistral-7B-v0.1\n---\n"})
    root = _comp(_scan(tmp_path), ".")
    assert {x.relation for x in root.lineage} == {"merge"}
    assert "LicenseRef-scancode-llama-2-license-2023" in (root.license or "")
    assert "Apache-2.0" in (root.license or "")


def test_unknown_base_model_is_a_warning_not_a_guess(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": card(license="mit", base_model="someone/private-model")})
    report = _scan(tmp_path)
    assert "unverified-lineage" in _rules(report)
    assert _comp(report, ".").license == "MIT"


def test_non_commercial_metadata_wins_a_conflict(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"m/README.md": card(license="apache-2.0"),
                 "m/model.gguf": builders.gguf_bytes({"general.license": "cc-by-nc-4.0"})})
    report = _scan(tmp_path)
    assert "conflicting-declarations" in _rules(report)
    assert _comp(report, "m").commercial_use is Use.PROHIBITED
    assert report.commercial_use is Use.PROHIBITED


def test_card_and_license_file_disagree_is_unknown(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": card(license="apache-2.0", pipeline_tag="text-generation"), "LICENSE": MIT})
    report = _scan(tmp_path)
    assert "conflicting-declarations" in _rules(report)
    assert _comp(report, ".").commercial_use is Use.UNKNOWN


def test_malformed_card_never_falls_back_to_a_permissive_license(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": "---\nlicense: [mit\nbase_model: x\n---\n", "LICENSE": MIT})
    report = _scan(tmp_path)
    assert "malformed-metadata" in _rules(report)
    assert _comp(report, ".").commercial_use is Use.UNKNOWN


def test_lying_header_inside_a_model_makes_it_unknown(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": card(license="mit", library_name="transformers"),
                 "model.safetensors": (2**40).to_bytes(8, "little") + b"{}"})
    report = _scan(tmp_path)
    assert "malformed-metadata" in _rules(report)
    assert _comp(report, ".").commercial_use is Use.UNKNOWN


def test_weights_without_metadata_inherit_the_code_license_with_a_warning(write_files: WriteFiles,
                                                                         tmp_path: Path) -> None:
    write_files({"LICENSE": MIT, "src/app.py": "print(1)\n", "checkpoints/model.pt": b"\x80\x04junk",
                 "checkpoints/ema.pt": b"\x80\x04junk"})
    report = _scan(tmp_path)
    weights = _comp(report, "checkpoints")
    assert weights.component.kind is Kind.WEIGHTS and weights.license == "MIT"
    assert "inherited-license" in _rules(report)


def test_weights_with_nothing_at_all_are_unknown(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"model.ckpt": b"junk"})
    report = _scan(tmp_path)
    assert _comp(report, "model.ckpt").commercial_use is Use.UNKNOWN
    assert report.commercial_use is Use.UNKNOWN


def test_prose_about_weights_overrides_the_inherited_code_license(write_files: WriteFiles, tmp_path: Path) -> None:
    readme = ("# X\n\nThe code is released under the MIT license.\n\n## Weights\n\n"
              "The model weights are licensed under CC BY-NC 4.0.\n")
    write_files({"LICENSE": MIT, "README.md": readme, "weights/model.pt": b"junk"})
    report = _scan(tmp_path)
    assert _comp(report, "weights/model.pt").commercial_use is Use.PROHIBITED
    assert _comp(report, ".").commercial_use is Use.ALLOWED
    assert "inherited-license" not in _rules(report) and "readme-license-mismatch" not in _rules(report)


def test_referenced_models_use_the_known_table_or_are_unknown(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"LICENSE": MIT,
                 "run.py": 'AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n'
                           'AutoModel.from_pretrained("someone/unlisted")\n'})
    report = _scan(tmp_path)
    known = _comp(report, "ref:mistralai/Mistral-7B-v0.1")
    assert (known.license, known.commercial_use, known.component.ref) == ("Apache-2.0", Use.ALLOWED,
                                                                        "mistralai/Mistral-7B-v0.1")
    unknown = _comp(report, "ref:someone/unlisted")
    assert unknown.commercial_use is Use.UNKNOWN and unknown.component.path == "run.py"
    # Neither states terms in the tree: both are the adoption answer's, and neither moves the repository's.
    assert {f.severity.value for f in report.findings if f.rule == "external-artifact"} == {"info"}
    assert report.commercial_use is Use.ALLOWED and report.adoption is not None
    assert report.adoption.commercial_use is Use.UNKNOWN
    assert {c.component.id for c in report.components} == {"."}


def test_hub_license_ids_exactly(write_files: WriteFiles, tmp_path: Path) -> None:
    cases = {"a": ("llama3", Use.CONDITIONAL), "b": ("cc-by-nc-4.0", Use.PROHIBITED),
             "c": ("openrail", Use.UNKNOWN), "d": ("creativeml-openrail-m", Use.CONDITIONAL)}
    write_files({f"{d}/README.md": card(license=lic, pipeline_tag="x") for d, (lic, _) in cases.items()})
    report = _scan(tmp_path)
    assert {d: _comp(report, d).commercial_use for d in cases} == {d: use for d, (_, use) in cases.items()}


def test_nc_training_data_is_a_finding(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": "---\nlicense: mit\ndatasets:\n- tatsu-lab/alpaca\n---\n"})
    report = _scan(tmp_path)
    assert "training-data-terms" in _rules(report)
    [edge] = _comp(report, ".").lineage
    assert (edge.relation, edge.license) == ("trained-on", "CC-BY-NC-4.0")


def test_a_100_gb_weights_file_costs_no_more_than_a_small_one(tmp_path: Path) -> None:
    header = builders.safetensors_bytes({"license": "apache-2.0"})
    (tmp_path / "big").mkdir()
    builders.write_sparse(tmp_path / "big" / "model.safetensors", header, 100 * 2**30)
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "model.safetensors").write_bytes(header)
    start = time.perf_counter()
    report = _scan(tmp_path)
    assert time.perf_counter() - start < 5
    assert _comp(report, "big/model.safetensors").license == _comp(report, "small/model.safetensors").license


def test_prose_about_databases_does_not_license_each_referenced_database(write_files: WriteFiles,
                                                                          tmp_path: Path) -> None:
    readme = ("# X\n\nThe code is released under the MIT license.\n\n## Mirrored Databases\n\n"
              "* BFD, by Steinegger M., available under a Creative Commons Attribution-ShareAlike 4.0 "
              "International License.\n")
    script = "wget https://example.org/pdb70_from_mmcif.tar.gz\n"
    write_files({"LICENSE": MIT, "README.md": readme, "scripts/download_pdb70.sh": script})
    report = _scan(tmp_path)
    assert _comp(report, "ref:https://example.org/pdb70_from_mmcif.tar.gz").license is None
    data = _comp(report, "ref:README.md#data")
    assert (data.component.kind, data.license) == (Kind.DATA, "CC-BY-SA-4.0")
    assert "readme-license-mismatch" not in _rules(report)


@pytest.mark.slow  # ScanCode identifies the Llama 2 agreement text
def test_a_license_file_with_the_base_models_terms_is_not_a_conflict(write_files: WriteFiles, tmp_path: Path) -> None:
    llama2 = Path(__import__("licensedcode").__file__).parent / "data" / "licenses" / "llama-2-license-2023.LICENSE"
    text = llama2.read_text(encoding="utf-8").split("---", 2)[-1]
    write_files({"README.md": card(license="apache-2.0", base_model="meta-llama/Llama-2-7b-hf"), "LICENSE": text})
    report = scan(str(tmp_path), ScanOptions(use_scancode=True))
    root = _comp(report, ".")
    assert "conflicting-declarations" not in _rules(report), [f.message for f in report.findings]
    assert root.commercial_use is Use.CONDITIONAL
    assert "license-drift" in _rules(report)


def test_a_cards_usage_snippet_is_not_an_external_artifact(write_files: WriteFiles, tmp_path: Path) -> None:
    readme = card(license="mit", pipeline_tag="text-generation") + (
        "\n```python\nmodel = AutoModel.from_pretrained(\"our-org/this-model\")\n```\n")
    write_files({"README.md": readme})
    report = _scan(tmp_path)
    assert [c.component.id for c in report.components] == ["."]
    assert report.commercial_use is Use.ALLOWED
