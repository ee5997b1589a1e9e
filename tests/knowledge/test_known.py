"""known.lookup(): well-known models, datasets and weight URLs (rules/models.toml)."""

from __future__ import annotations

import random
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge import known
from license_check.knowledge.data import rules_dir
from license_check.knowledge.known import KnownArtifactsError, entries, known_artifacts, lookup
from license_check.knowledge.normalize import normalize
from license_check.model import RawForm
from tests.knowledge import worded

LLAMA2 = "LicenseRef-scancode-llama-2-license-2023"
LLAMA31 = "LicenseRef-scancode-llama-3.1-license-2024"


@pytest.mark.parametrize(("ref", "kind", "license", "family"), [
    # Hub ids
    ("meta-llama/Llama-2-7b-hf", "model", LLAMA2, "llama-2"),
    ("META-LLAMA/llama-2-70B-CHAT-HF", "model", LLAMA2, "llama-2"),
    ("meta-llama/CodeLlama-7b-Python-hf", "model", LLAMA2, "llama-2"),
    ("huggyllama/llama-7b", "model", "LicenseRef-scancode-llama-license-2023", "llama-1"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "model", "LicenseRef-license-check-llama-3", "llama-3"),
    ("meta-llama/Meta-Llama-3.1-405B", "model", LLAMA31, "llama-3.1"),
    ("meta-llama/Llama-3.1-8B-Instruct", "model", LLAMA31, "llama-3.1"),
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", "model", "LicenseRef-scancode-llama-3.2-license-2024", "llama-3.2"),
    ("meta-llama/Llama-3.3-70B-Instruct", "model", "LicenseRef-scancode-llama-3.3-license-2024", "llama-3.3"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "model", "LicenseRef-scancode-llama-4-cla-2025", "llama-4"),
    ("mistralai/Mistral-7B-v0.1", "model", "Apache-2.0", None),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", "model", "Apache-2.0", None),
    ("mistralai/Codestral-22B-v0.1", "model", "LicenseRef-license-check-mistral-mnpl-0.1", "mistral-mnpl"),
    ("mistralai/Mistral-Large-Instruct-2407", "model", "LicenseRef-license-check-mistral-mrl-0.1", "mistral-mrl"),
    ("google/gemma-7b", "model", "LicenseRef-scancode-gemma-tou-2024-04-01", "gemma"),
    ("google/gemma-2-27b-it", "model", "LicenseRef-scancode-gemma-tou-2024-04-01", "gemma"),
    ("google/gemma-3-4b-it", "model", "LicenseRef-scancode-gemma-tou-2024-04-01", "gemma"),
    ("google/gemma-4-31B-it", "model", "Apache-2.0", None),
    ("tiiuae/falcon-40b", "model", "Apache-2.0", None),
    ("tiiuae/falcon-180B-chat", "model", "LicenseRef-license-check-falcon-180b-1.0", "falcon-180b"),
    ("bigscience/bloom", "model", "LicenseRef-scancode-bigscience-rail-1.0", "rail"),
    ("bigscience/bloomz-7b1", "model", "LicenseRef-scancode-bigscience-rail-1.0", "rail"),
    ("CompVis/stable-diffusion-v1-4", "model", "LicenseRef-scancode-stable-diffusion-2022-08-22", "rail"),
    ("runwayml/stable-diffusion-v1-5", "model", "LicenseRef-scancode-stable-diffusion-2022-08-22", "rail"),
    ("stabilityai/stable-diffusion-2-1", "model", "LicenseRef-scancode-bigscience-open-rail-m2", "rail"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "model", "LicenseRef-scancode-bigscience-open-rail-m2", "rail"),
    ("stabilityai/stable-diffusion-3.5-large", "model", "LicenseRef-scancode-stability-ai-community-2024",
     "stability-community"),
    ("bigcode/starcoder2-15b", "model", "LicenseRef-scancode-bigcode-open-rail-m-v1", "rail"),
    ("Qwen/Qwen-7B-Chat", "model", "LicenseRef-scancode-tongyi-qianwen-2023", "tongyi-qianwen"),
    ("Qwen/Qwen2-7B-Instruct", "model", "Apache-2.0", None),
    ("Qwen/Qwen2-72B-Instruct", "model", "LicenseRef-scancode-tongyi-qianwen-2023", "tongyi-qianwen"),
    ("Qwen/Qwen2.5-7B-Instruct", "model", "Apache-2.0", None),
    ("Qwen/Qwen2.5-3B-Instruct", "model", "LicenseRef-license-check-qwen-research", "qwen-research"),
    ("Qwen/Qwen2.5-72B-Instruct", "model", "LicenseRef-scancode-qwen-2024", "qwen"),
    ("deepseek-ai/DeepSeek-V3", "model", "LicenseRef-scancode-deepseek-la-1.0", "deepseek"),
    ("deepseek-ai/DeepSeek-V2-Lite-Chat", "model", "LicenseRef-scancode-deepseek-la-1.0", "deepseek"),
    ("deepseek-ai/DeepSeek-R1", "model", "MIT", None),
    ("facebook/opt-1.3b", "model", "LicenseRef-license-check-opt-175b", "opt-175b"),
    ("EleutherAI/pythia-1.4b-deduped", "model", "Apache-2.0", None),
    ("EleutherAI/gpt-neox-20b", "model", "Apache-2.0", None),
    ("EleutherAI/gpt-j-6B", "model", "Apache-2.0", None),
    ("microsoft/phi-2", "model", "MIT", None),
    ("microsoft/Phi-3-mini-4k-instruct", "model", "MIT", None),
    ("openai/whisper-large-v3", "model", "Apache-2.0", None),
    ("openai/clip-vit-base-patch32", "model", "MIT", None),
    ("openai-community/gpt2", "model", "MIT", None),
    ("google-bert/bert-base-uncased", "model", "Apache-2.0", None),
    ("google-t5/t5-small", "model", "Apache-2.0", None),
    # bare legacy ids
    ("gpt2", "model", "MIT", None),
    ("gpt2-xl", "model", "MIT", None),
    ("bert-base-uncased", "model", "Apache-2.0", None),
    ("t5-base", "model", "Apache-2.0", None),
    ("c4", "dataset", "ODC-By-1.0", None),
    ("squad_v2", "dataset", "CC-BY-SA-4.0", None),
    ("imagenet-1k", "dataset", "LicenseRef-license-check-noncommercial", None),
    # datasets by Hub id
    ("allenai/c4", "dataset", "ODC-By-1.0", None),
    ("HuggingFaceFW/fineweb", "dataset", "ODC-By-1.0", None),
    ("wikimedia/wikipedia", "dataset", "CC-BY-SA-3.0", None),
    ("tatsu-lab/alpaca", "dataset", "CC-BY-NC-4.0", None),
    ("databricks/databricks-dolly-15k", "dataset", "CC-BY-SA-3.0", None),
    ("laion/laion2B-en", "dataset", "CC-BY-4.0", None),
    # Hub URLs
    ("https://huggingface.co/meta-llama/Llama-2-7b-hf", "model", LLAMA2, "llama-2"),
    ("https://huggingface.co/meta-llama/Meta-Llama-3.1-8B-Instruct/tree/main", "model", LLAMA31, "llama-3.1"),
    ("https://huggingface.co/meta-llama/Llama-2-7b-hf/resolve/main/model-00001-of-00002.safetensors", "model",
     LLAMA2, "llama-2"),
    ("https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json", "model", LLAMA2, "llama-2"),
    ("https://hf.co/mistralai/Mistral-7B-v0.1", "model", "Apache-2.0", None),
    ("https://huggingface.co/gpt2", "model", "MIT", None),
    ("https://huggingface.co/datasets/allenai/c4", "dataset", "ODC-By-1.0", None),
    ("https://huggingface.co/datasets/tatsu-lab/alpaca/tree/main/data", "dataset", "CC-BY-NC-4.0", None),
    ("hf://datasets/databricks/databricks-dolly-15k", "dataset", "CC-BY-SA-3.0", None),
    ("datasets/allenai/c4", "dataset", "ODC-By-1.0", None),
    ("meta-llama/Llama-2-7b-hf@main", "model", LLAMA2, "llama-2"),
    # names as GGUF general.name / general.base_model.N.name write them
    ("Llama 3.1 8B Instruct", "model", LLAMA31, "llama-3.1"),
    ("Meta Llama/Llama 3.1 8B Instruct", "model", LLAMA31, "llama-3.1"),
    ("Meta-Llama-3.1-8B-Instruct", "model", LLAMA31, "llama-3.1"),
    ("Meta Llama 3 8B Instruct", "model", "LicenseRef-license-check-llama-3", "llama-3"),
    ("Llama 2 7b Chat Hf", "model", LLAMA2, "llama-2"),
    ("Llama 3.2", "model", "LicenseRef-scancode-llama-3.2-license-2024", "llama-3.2"),
    ("Mistral 7B Instruct v0.3", "model", "Apache-2.0", None),
    ("Codestral 22B v0.1", "model", "LicenseRef-license-check-mistral-mnpl-0.1", "mistral-mnpl"),
    ("Qwen2.5 72B Instruct", "model", "LicenseRef-scancode-qwen-2024", "qwen"),
    ("gemma-2-9b-it", "model", "LicenseRef-scancode-gemma-tou-2024-04-01", "gemma"),
    # weight download URLs
    ("https://storage.googleapis.com/alphafold/alphafold_params_2022-01-19.tar", "model", "CC-BY-4.0", None),
    ("https://storage.googleapis.com/alphafold/alphafold_params_2022-12-06.tar", "model", "CC-BY-4.0", None),
    ("https://storage.googleapis.com/alphafold/alphafold_params_2021-07-14.tar", "model", "CC-BY-NC-4.0", None),
    ("s3://openfold/openfold_params/finetuning_ptm_2.pt", "model", "CC-BY-4.0", None),
    ("https://huggingface.co/nz/OpenFold", "model", "CC-BY-4.0", None),
    ("https://openaipublic.azureedge.net/main/whisper/models/65147644a518d12f04e32d6f3b26facc3f8dd46e5390956a9424a6"
     "50c0ce22b9/tiny.pt", "model", "MIT", None),
    ("https://openaipublic.azureedge.net/clip/models/afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b67"
     "62/RN50.pt", "model", "MIT", None),
    ("https://storage.googleapis.com/bert_models/2018_10_18/uncased_L-12_H-768_A-12.zip", "model", "Apache-2.0",
     None),
    ("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_h_4b8939.pth", "model", "Apache-2.0", None),
    ("https://dl.fbaipublicfiles.com/opt/v1_20230405/125m/reshard-model_part-0.pt", "model",
     "LicenseRef-license-check-opt-175b", "opt-175b"),
    ("https://models.mistralcdn.com/codestral-22b-v0-1/codestral-22B-v0.1.tar", "model",
     "LicenseRef-license-check-mistral-mnpl-0.1", "mistral-mnpl"),
])
def test_lookup(ref: str, kind: str, license: str, family: str | None) -> None:
    found = lookup(ref, kind)
    assert found is not None, ref
    assert (found.license, found.family, found.kind) == (license, family, kind), found
    assert found.source and found.pattern


FLUX_DEV = "LicenseRef-scancode-flux-1-nc"


@pytest.mark.parametrize(("ref", "kind", "license", "family"), [
    # widely used models referenced by from_pretrained() and model cards
    ("HuggingFaceH4/zephyr-7b-beta", "model", "MIT", None),
    ("Zephyr 7B Beta", "model", "MIT", None),
    ("google/flan-t5-base", "model", "Apache-2.0", None),
    ("google/flan-t5-xxl", "model", "Apache-2.0", None),
    ("microsoft/phi-1_5", "model", "MIT", None),
    ("microsoft/Phi-3.5-mini-instruct", "model", "MIT", None),
    ("microsoft/deberta-v3-base", "model", "MIT", None),
    ("roberta-base", "model", "MIT", None),
    ("FacebookAI/roberta-large", "model", "MIT", None),
    ("FacebookAI/xlm-roberta-base", "model", "MIT", None),
    ("facebook/bart-large-cnn", "model", "MIT", None),
    ("distilbert-base-uncased", "model", "Apache-2.0", None),
    ("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "model", "Apache-2.0", None),
    ("sentence-transformers/all-MiniLM-L6-v2", "model", "Apache-2.0", None),
    ("sentence-transformers/all-mpnet-base-v2", "model", "Apache-2.0", None),
    ("BAAI/bge-small-en-v1.5", "model", "MIT", None),
    ("intfloat/e5-base-v2", "model", "MIT", None),
    ("EleutherAI/gpt-neo-1.3B", "model", "MIT", None),
    ("bigscience/T0pp", "model", "Apache-2.0", None),
    ("black-forest-labs/FLUX.1-dev", "model", FLUX_DEV, "flux-1-nc"),
    ("https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/flux1-dev.safetensors", "model", FLUX_DEV,
     "flux-1-nc"),
    ("FLUX.1 dev", "model", FLUX_DEV, "flux-1-nc"),
    ("black-forest-labs/FLUX.1-schnell", "model", "Apache-2.0", None),
    ("Salesforce/blip-image-captioning-base", "model", "BSD-3-Clause", None),
    ("google/vit-base-patch16-224", "model", "Apache-2.0", None),
    ("microsoft/resnet-50", "model", "Apache-2.0", None),
    # datasets referenced by load_dataset() and model cards
    ("HuggingFaceH4/ultrafeedback_binarized", "dataset", "MIT", None),
    ("Anthropic/hh-rlhf", "dataset", "MIT", None),
    ("https://huggingface.co/datasets/OpenAssistant/oasst1", "dataset", "Apache-2.0", None),
    ("OpenAssistant/oasst2", "dataset", "Apache-2.0", None),
    ("openwebtext", "dataset", "CC0-1.0", None),
    ("Skylion007/openwebtext", "dataset", "CC0-1.0", None),
    ("cnn_dailymail", "dataset", "Apache-2.0", None),
    ("abisee/cnn_dailymail", "dataset", "Apache-2.0", None),
    ("gsm8k", "dataset", "MIT", None),
    ("openai/gsm8k", "dataset", "MIT", None),
    ("ylecun/mnist", "dataset", "MIT", None),
    ("HuggingFaceFW/fineweb-edu", "dataset", "ODC-By-1.0", None),
    ("Open-Orca/OpenOrca", "dataset", "MIT", None),
])
def test_lookup_widely_used_artifacts(ref: str, kind: str, license: str, family: str | None) -> None:
    found = lookup(ref, kind)
    assert found is not None, ref
    assert (found.license, found.family, found.kind) == (license, family, kind), found


@pytest.mark.parametrize(("ref", "kind"), [
    ("stabilityai/sdxl-turbo", "model"),  # LICENSE.TXT (NC 2023-11-28) replaced by LICENSE.md: text not read
    ("BAAI/bge-reranker-v2-gemma", "model"),  # Gemma terms: no BAAI/bge-* glob
    ("BAAI/bge-m3", "model"),  # only secondary sources read
    ("microsoft/mdeberta-v3-base", "model"),
    ("distilbert/distilgpt2", "model"),
    ("imdb", "dataset"),  # card 'license: other' without terms
    ("stanfordnlp/imdb", "dataset"),
    ("nyu-mll/glue", "dataset"),  # per-task licenses
    ("cifar10", "dataset"),  # card 'license: unknown'
    ("teknium/OpenHermes-2.5", "dataset"),  # card has no license key
    ("gsm8k", "model"),  # right id, wrong kind
])
def test_widely_used_but_unsourced_refs_stay_unknown(ref: str, kind: str) -> None:
    assert lookup(ref, kind) is None


def test_new_entries_do_not_shadow_neighbours() -> None:
    fineweb, edu = lookup("HuggingFaceFW/fineweb", "dataset"), lookup("HuggingFaceFW/fineweb-edu", "dataset")
    assert fineweb is not None and edu is not None and fineweb.pattern != edu.pattern
    phi3, phi35 = lookup("microsoft/Phi-3-mini-4k-instruct"), lookup("microsoft/Phi-3.5-MoE-instruct")
    assert phi3 is not None and phi35 is not None
    assert (phi3.pattern, phi35.pattern) == ("microsoft/phi-3-*", "microsoft/phi-3.5-moe-instruct")
    neox, neo = lookup("EleutherAI/gpt-neox-20b"), lookup("EleutherAI/gpt-neo-125m")
    assert neox is not None and neo is not None and (neox.license, neo.license) == ("Apache-2.0", "MIT")


@pytest.mark.parametrize(("ref", "kind"), [
    ("some-org/some-model", "model"),
    ("google/gemma-3n-E4B-it", "model"),  # Gemma 3n: not in the table (no source read)
    ("Qwen/Qwen2.5-Coder-7B-Instruct", "model"),  # Coder variants: other repositories
    ("mistralai/Mistral-Nemo-Instruct-2407", "model"),
    ("squad", "dataset"),  # v1: the card history disagrees (cc-by-4.0 vs cc-by-sa-4.0)
    ("gpt2", "dataset"),  # right id, wrong kind
    ("allenai/c4", "model"),
    ("https://huggingface.co/spaces/bigscience/license", "model"),
    ("https://example.com/weights.bin", "model"),
    ("https://storage.googleapis.com/alphafold/alphafold3_params.bin", "model"),
    ("Totally Unknown Model 7B", "model"),
    ("", "model"),
    ("   ", "dataset"),
    ("meta-llama/Llama-2-7b-hf", "weights"),  # not a kind
])
def test_unknown_refs_give_none(ref: str, kind: str) -> None:
    assert lookup(ref, kind) is None


def test_most_specific_pattern_wins() -> None:
    r1 = lookup("deepseek-ai/DeepSeek-R1")
    distill = lookup("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    distill_qwen = lookup("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B")
    assert r1 is not None and distill is not None and distill_qwen is not None
    assert r1.license == "MIT"
    assert distill.license == f"MIT AND {LLAMA31}" and distill.family == "llama-3.1"
    assert distill_qwen.license == "MIT AND Apache-2.0"
    # by name too: "deepseek r1 *" also matches the distill's name, the longer pattern wins
    by_name = lookup("DeepSeek R1 Distill Llama 70B")
    assert by_name is not None and by_name.license == "MIT AND LicenseRef-scancode-llama-3.3-license-2024"


def test_most_specific_pattern_wins_for_sizes() -> None:
    seven, seventy_two = lookup("Qwen/Qwen2.5-7B"), lookup("Qwen/Qwen2.5-72B")
    assert seven is not None and seventy_two is not None
    assert (seven.license, seventy_two.license) == ("Apache-2.0", "LicenseRef-scancode-qwen-2024")
    rank = [known._Rule(p, "ids", entries()[0]).rank for p in ("a/b-*", "a/b-c*", "a/b-cd")]
    assert sorted(rank) == [rank[2], rank[1], rank[0]]


def test_order_in_the_file_does_not_matter(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    text = (copy / "models.toml").read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[artifacts]]\n")
    random.Random(7).shuffle(blocks)
    (copy / "models.toml").write_text("\n[[artifacts]]\n".join([head, *blocks]), encoding="utf-8")
    shuffled = known_artifacts(copy)
    for ref in ["deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "Qwen/Qwen2.5-72B-Instruct", "google/gemma-2-9b",
                "DeepSeek R1 Distill Qwen 7B", "Llama 3.1 8B", "meta-llama/Meta-Llama-3-8B"]:
        assert shuffled.lookup(ref) == lookup(ref), ref


def test_every_entry_is_valid_and_sourced() -> None:
    data = tomllib.loads((rules_dir() / "models.toml").read_text(encoding="utf-8"))
    assert len(data["artifacts"]) >= 50
    for body in data["artifacts"]:
        result = normalize(body["license"], RawForm.SPDX)
        assert (result.expression, result.unknown_ids, result.error) == (body["license"], (), None), body
        assert body["kind"] in {"model", "dataset"} and len(body["source"]) > 20
        assert body.get("family") is None or re.fullmatch(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", body["family"])
    assert all(e.source and e.license for e in entries())


def test_the_table_is_cached() -> None:
    assert known_artifacts() is known_artifacts()
    assert known_artifacts(rules_dir()) is known_artifacts()


BROKEN = '''
[[artifacts]]
kind = "weights"
ids = ["org/model", "has space/x"]
license = "GPL-2.0"
family = "Not A Family"
source = ""
colour = "blue"

[[artifacts]]
kind = "model"
license = "MIT"
source = "no patterns"

[[artifacts]]
kind = "model"
ids = ["meta-llama/Llama-2-*"]
urls = ["https://huggingface.co/org/model"]
license = "Nope-1.0"
source = "duplicate pattern, unknown license"
'''


def test_validation_reports_every_problem_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    with (broken / "models.toml").open("a", encoding="utf-8") as handle:
        handle.write(BROKEN)
    with pytest.raises(KnownArtifactsError) as caught:
        known_artifacts(broken)
    text = "\n".join(worded(caught.value))
    for fragment in [
        "].kind: 'weights' is not one of model | dataset",
        "].colour: unknown key",
        "].source: must be a non-empty string",
        "].family: 'Not A Family' is not a short lower-case name",
        "].license: 'GPL-2.0': not canonical: write 'GPL-2.0-only'",
        "]: needs at least one of ids, names, urls",
        "].license: 'Nope-1.0': unknown ids Nope-1.0",
    ]:
        assert fragment in text, f"missing {fragment!r} in:\n{text}"
    assert text.startswith("models.toml: artifacts[")
    assert isinstance(caught.value, known.DataError)


def test_duplicate_and_misplaced_patterns_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    with (broken / "models.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[artifacts]]\nkind = "model"\nids = ["meta-llama/Llama-2-*", "a b"]\n'
                     'urls = ["https://huggingface.co/org/model"]\nlicense = "MIT"\nsource = "duplicates"\n')
    with pytest.raises(KnownArtifactsError) as caught:
        known_artifacts(broken)
    text = "\n".join(worded(caught.value))
    assert "'meta-llama/llama-2-*' is also listed at artifacts[1].ids[0]" in text
    assert "'a b' is not a Hub id" in text
    assert "list Hub repositories under ids, not urls" in text
