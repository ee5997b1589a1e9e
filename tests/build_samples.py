"""Write the binary weight files of the AI samples (never committed: .gitignore lists them).

    python3 tests/build_samples.py            # into samples/ next to this checkout's tests/
    python3 tests/build_samples.py DEST       # into DEST/<sample>/... (a copy of samples/)

The golden tests call ``build()`` before scanning. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import builders  # type: ignore[import-not-found,no-redef]
else:
    from tests import builders

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

_TOKENS = [f"tok{i}" for i in range(2000)]  # a tokenizer vocabulary, as real GGUF files carry

FILES: dict[str, bytes] = {
    # A Llama 2 fine-tune whose card says apache-2.0: the weights carry no license metadata.
    "llama-finetune/model.safetensors": builders.safetensors_bytes(
        {"format": "pt"}, {"model.embed_tokens.weight": ("F16", [4, 8])}),
    # A RAIL model's UNet inside the model folder.
    "rail-model/unet/diffusion_pytorch_model.safetensors": builders.safetensors_bytes(
        {"format": "pt"}, {"conv_in.weight": ("F32", [4, 4])}),
    # Weights that carry their own license metadata.
    "embedded-metadata/weights/llama-3.1-8b-instruct-Q4_K_M.gguf": builders.gguf_bytes({
        "general.architecture": "llama",
        "general.type": "model",
        "general.name": "Llama 3.1 8B Instruct",
        "general.license": "llama3.1",
        "general.base_model.count": 1,
        "general.base_model.0.name": "Llama 3.1 8B Instruct",
        "general.base_model.0.organization": "Meta Llama",
        "general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
        "tokenizer.ggml.tokens": _TOKENS,
    }, tensor_count=2),
    "embedded-metadata/weights/intent-classifier.onnx": builders.onnx_bytes(
        {"model_author": "Sample Authors", "model_license": "Apache-2.0"}, graph_bytes=4096,
        producer_name="pytorch"),
    "embedded-metadata/weights/style-lora.safetensors": builders.safetensors_bytes(
        {"modelspec.sai_model_spec": "1.0.0", "modelspec.title": "style LoRA",
         "modelspec.license": "CC-BY-4.0"}, {"lora_up.weight": ("F16", [4, 4])}),
}


def build(root: Path = SAMPLES) -> list[Path]:
    """Write every sample binary under ``root`` (only when missing or different)."""
    written = []
    for rel, data in sorted(FILES.items()):
        target = root / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


if __name__ == "__main__":
    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES
    for path in build(dest):
        print(path)
