"""Detectors for AI artifacts: model and dataset cards, dataset manifests, weight headers, references, prose."""

from __future__ import annotations

from license_check.collect.detectors import datasets, model_cards, readme_prose, references, weights
from license_check.collect.detectors.base import ScanContext
from license_check.model import FileEntry, Kind, RawForm
from tests import builders
from tests.conftest import WriteFiles

CTX = ScanContext(use_scancode=False)

CARD = """---
license: apache-2.0
base_model:
- meta-llama/Llama-2-7b-hf
datasets:
- tatsu-lab/alpaca
pipeline_tag: text-generation
---
# A model
"""


def test_model_card_license_lineage_and_lines(write_files: WriteFiles) -> None:
    result = model_cards.detect(write_files({"m/README.md": CARD}), CTX)
    [claim] = result.claims
    assert (claim.target, claim.raw, claim.form, claim.source) == ("m", "apache-2.0", RawForm.HUB, "model-card")
    assert claim.evidence[0].line == 2 and claim.evidence[0].key == "license"
    [artifact] = result.artifacts
    assert artifact.kind is Kind.MODEL and artifact.path == "m" and artifact.has_license
    assert [(e.relation, e.ref) for e in artifact.lineage] == [
        ("finetune", "meta-llama/Llama-2-7b-hf"), ("trained-on", "tatsu-lab/alpaca")]


def test_merge_when_several_bases_and_relation_as_stated(write_files: WriteFiles) -> None:
    card = "---\nlicense: mit\nbase_model: [a/x, b/y]\n---\n"
    [artifact] = model_cards.detect(write_files({"README.md": card}), CTX).artifacts
    assert {e.relation for e in artifact.lineage} == {"merge"}
    card = "---\nlicense: mit\nbase_model: a/x\nbase_model_relation: quantized\n---\n"
    [artifact] = model_cards.detect(write_files({"README.md": card}), CTX).artifacts
    assert [e.relation for e in artifact.lineage] == ["quantized"]


def test_dataset_card_is_a_dataset(write_files: WriteFiles) -> None:
    card = "---\nlicense: [cc-by-sa-4.0, mit]\ntask_categories: [question-answering]\nsize_categories: [n<1K]\n---\n"
    result = model_cards.detect(write_files({"d/README.md": card}), CTX)
    assert [a.kind for a in result.artifacts] == [Kind.DATASET]
    assert [(c.raw, c.source) for c in result.claims] == [("cc-by-sa-4.0", "dataset-card"), ("mit", "dataset-card")]


def test_license_other_resolves_through_name_link_or_file(write_files: WriteFiles) -> None:
    named = "---\nlicense: other\nlicense_name: llama3\nlicense_link: LICENSE\n---\n"
    [claim] = model_cards.detect(write_files({"README.md": named}), CTX).claims
    assert (claim.raw, claim.form, claim.evidence[0].key) == ("llama3", RawForm.HUB, "license_name")
    linked = "---\nlicense: other\nlicense_link: https://mistral.ai/licenses/MNPL-0.1.md\n---\n"
    [claim] = model_cards.detect(write_files({"README.md": linked}), CTX).claims
    assert claim.form is RawForm.URL
    pointed = "---\nlicense: other\nlicense_link: TERMS.txt\n---\n"
    result = model_cards.detect(write_files({"README.md": pointed, "TERMS.txt": "terms"}), CTX)
    assert not result.claims and result.extra["license_file_owners"] == {"TERMS.txt": "."}
    bare = "---\nlicense: other\n---\n"
    result = model_cards.detect(write_files({"x/README.md": bare}), CTX)
    assert [c.raw for c in result.claims] == [None]
    assert [f.rule for f in result.findings] == ["unknown-license-id"]


def test_license_unknown_means_no_license(write_files: WriteFiles) -> None:
    result = model_cards.detect(write_files({"README.md": "---\nlicense: unknown\nlibrary_name: x\n---\n"}), CTX)
    assert not result.claims and [a.has_license for a in result.artifacts] == [False]


def test_malformed_card_fails_safe(write_files: WriteFiles) -> None:
    bad = "---\nlicense: [apache-2.0\nbase_model: x\n---\n"
    result = model_cards.detect(write_files({"README.md": bad}), CTX)
    assert [c.raw for c in result.claims] == [None]
    assert [f.rule for f in result.findings] == ["malformed-metadata"]
    python_tag = "---\nlicense: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n"
    result = model_cards.detect(write_files({"README.md": python_tag}), CTX)
    assert [c.raw for c in result.claims] == [None] and result.findings


def test_plain_readme_front_matter_is_not_a_card(write_files: WriteFiles) -> None:
    result = model_cards.detect(write_files({"README.md": "---\ntitle: Home\nlayout: page\n---\n"}), CTX)
    assert not result.artifacts and not result.claims


def test_weight_headers_give_claims_and_lineage(write_files: WriteFiles) -> None:
    files = write_files({
        "w/a.gguf": builders.gguf_bytes({"general.license": "llama3.1", "general.base_model.count": 1,
                                         "general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Llama-3.1-8B"}),
        "w/b.safetensors": builders.safetensors_bytes({"modelspec.license": "CC-BY-4.0"}),
        "w/c.onnx": builders.onnx_bytes({"model_license": "https://www.apache.org/licenses/LICENSE-2.0"}),
        "w/d.pt": b"\x80\x04not unpickled",
        "w/vocab.bin": b"not weights",
    })
    result = weights.detect(files, CTX)
    assert sorted((c.target, c.raw, c.form, c.source) for c in result.claims) == [
        ("w/a.gguf", "llama3.1", RawForm.HUB, "gguf"),
        ("w/b.safetensors", "CC-BY-4.0", RawForm.NAME, "safetensors"),
        ("w/c.onnx", "https://www.apache.org/licenses/LICENSE-2.0", RawForm.URL, "onnx"),
    ]
    arts = {a.path: a for a in result.artifacts}
    assert sorted(arts) == ["w/a.gguf", "w/b.safetensors", "w/c.onnx", "w/d.pt"]
    assert [(e.relation, e.ref) for e in arts["w/a.gguf"].lineage] == [("finetune", "meta-llama/Llama-3.1-8B")]
    assert not arts["w/d.pt"].has_license


def test_lying_weight_header_is_malformed_and_unidentified(write_files: WriteFiles) -> None:
    files = write_files({"m.safetensors": (10**12).to_bytes(8, "little") + b"{}"})
    result = weights.detect(files, CTX)
    assert [f.rule for f in result.findings] == ["malformed-metadata"]
    assert [c.raw for c in result.claims] == [None]


def test_dataset_manifests(write_files: WriteFiles) -> None:
    files = write_files({
        "d/datapackage.json": '{"licenses": [{"name": "ODC-BY-1.0"}]}',
        "c/croissant.json": '{"@context": {"cr": "http://mlcommons.org/croissant/"}, '
                            '"license": "https://creativecommons.org/licenses/by/4.0/"}',
        "CITATION.cff": "cff-version: 1.2.0\ntitle: x\nlicense: [MIT, Apache-2.0]\n",
        "data/train.csv": "a,b\n",
        "bad/datapackage.json": "{not json",
    })
    result = datasets.detect(files, CTX)
    got = sorted((c.target, c.raw, c.source) for c in result.claims)
    assert got == [(".", "(MIT) OR (Apache-2.0)", "citation-cff"), ("bad", None, "datapackage"),
                   ("c", "https://creativecommons.org/licenses/by/4.0/", "croissant"),
                   ("d", "ODC-BY-1.0", "datapackage")]
    assert sorted((a.path, a.kind) for a in result.artifacts) == [
        ("bad", Kind.DATASET), ("c", Kind.DATASET), ("d", Kind.DATASET), ("data", Kind.DATA)]
    assert [f.rule for f in result.findings] == ["malformed-metadata"]


def test_references_in_code_scripts_and_readmes() -> None:
    code = 'm = AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")\nd = load_dataset("tatsu-lab/alpaca")\n' \
           'x = from_pretrained("./local/path")\ntok = AutoTokenizer.from_pretrained("gpt2")\n'
    assert references.find_references(code, False) == [
        ("meta-llama/Llama-2-7b-hf", Kind.MODEL, 1), ("datasets/tatsu-lab/alpaca", Kind.DATASET, 2),
        ("gpt2", Kind.MODEL, 4)]
    script = 'wget https://storage.googleapis.com/alphafold/alphafold_params_2022-12-06.tar\n' \
             'curl -O https://example.org/data/uniref90.fasta.gz\nwget "${URL}/params.tar"\n'
    assert references.find_references(script, True) == [
        ("https://storage.googleapis.com/alphafold/alphafold_params_2022-12-06.tar", Kind.MODEL, 1),
        ("https://example.org/data/uniref90.fasta.gz", Kind.DATASET, 2)]
    readme = "See https://huggingface.co/docs/x and https://huggingface.co/datasets/allenai/c4/tree/main\n"
    assert references.find_references(readme, False) == [("datasets/allenai/c4", Kind.DATASET, 1)]


def test_what_is_not_a_reference() -> None:
    # Issue 11 B.2: builtin loaders, the repository's own methods, comments, citations, a host named
    # "download", runtime libraries; and the kind follows the artifact.
    code = ('d = load_dataset("json", data_files="x.json")\nt = task.load_dataset("train")\n'
            '# m = AutoModel.from_pretrained("org/commented")\nok = datasets.load_dataset("org/real")\n')
    assert references.find_references(code, False) == [("datasets/org/real", Kind.DATASET, 4)]
    script = ("# wget https://example.org/old/model_ckpt.tar\n"
              "wget https://developer.download.nvidia.com/compute/redist/libcudart.tar.gz\n"
              "wget https://example.org/checkpoints/v1.zip\nwget https://example.org/weights/model.pt\n")
    assert references.find_references(script, True) == [
        ("https://example.org/checkpoints/v1.zip", Kind.MODEL, 3),
        ("https://example.org/weights/model.pt", Kind.WEIGHTS, 4)]
    catalogue = '{\n  "vgg16_caffe": "https://download.openmmlab.com/pretrain/third_party/vgg16_caffe-292e1171.pth"\n}\n'
    assert references.find_references(catalogue, False) == []
    readme = "```bibtex\n@misc{x,\n  url = {https://example.org/data/corpus.tar.gz}\n}\n```\n"
    assert references.find_references(readme, False, True) == []
    # CI configuration and vendored trees (a model zoo's catalogue) are not read for references.
    for path in (".github/workflows/links.yml", "annotator/mmcv/model_zoo/open_mmlab.json", "third_party/x/dl.sh"):
        assert not references._eligible(FileEntry(path, "/nowhere/" + path, 1)), path
    assert references._eligible(FileEntry("scripts/download.sh", "/nowhere/dl.sh", 1))


def test_a_readme_link_table_lists_references() -> None:
    # Issue 11 B.3: a URL in a README table is a reference as it is on a wget line, so that the README's
    # statement of the hosted model's terms has something to apply to.
    readme = "| model | checkpoint |\n|---|---|\n| X | [ckpt](https://example.org/models/x-large.ckpt) |\n"
    assert references.find_references(readme, False, True) == [
        ("https://example.org/models/x-large.ckpt", Kind.WEIGHTS, 3)]
    assert references.find_references(readme, False, False) == []  # not a README: a table is no download


def test_prose_about_weights_targets_weights(write_files: WriteFiles) -> None:
    text = ("# X\n\n## License\n\nThe code is released under the MIT license.\n\n"
            "## Model parameters\n\nThe model parameters are made available for non-commercial use only, under "
            "the terms of the CC BY-NC 4.0 license.\n")
    result = readme_prose.detect(write_files({"README.md": text}), CTX)
    got = sorted((c.raw, c.applies_to) for c in result.claims)
    assert ("MIT license", None) in got
    assert ("CC BY-NC 4.0 license", Kind.WEIGHTS) in got
    assert (readme_prose.NONCOMMERCIAL, Kind.WEIGHTS) in got
    assert all(kind is Kind.WEIGHTS for raw, kind in got if raw != "MIT license")


def test_readme_sections_about_other_work_are_not_references() -> None:
    readme = ("# X\n\n## Pretrained models\n\nDownload https://huggingface.co/org/ours\n\n"
              "## Adoption and Publications\n\n### Models\n\n- [Theirs](https://huggingface.co/other/theirs)\n\n"
              "## Usage\n\n```python\nfrom_pretrained('org/second')\n```\n")
    assert [r for r, _, _ in references.find_references(readme, False, is_readme=True)] == ["org/ours", "org/second"]


def test_installers_are_not_artifacts() -> None:
    script = "curl https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip -o a.zip\n" \
             "wget https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh\n"
    assert references.find_references(script, True) == []


def test_pipeline_task_names_and_placeholders_are_not_references() -> None:
    code = ('p = pipeline("sentiment-analysis")\nq = pipeline("text-generation", model="gpt2")\n'
            'r = Model.from_pretrained("my-user/my-model")\nt = Model.from_pretrained("hf-internal-testing/tiny")\n')
    assert references.find_references(code, False) == [("gpt2", Kind.MODEL, 2)]


def test_templated_hub_urls_are_not_references() -> None:
    text = 'url = f"https://huggingface.co/EleutherAI/pythia-{size}"\nsee https://huggingface.co/org/real-model.\n'
    assert references.find_references(text, False) == [("org/real-model", Kind.MODEL, 2)]
