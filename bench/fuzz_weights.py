"""atheris fuzz targets for the weight-header readers (license_check/parsers).

    python bench/fuzz_weights.py gguf -atheris_runs=100000
    python bench/fuzz_weights.py onnx -max_total_time=60 [corpus_dir ...]

Each input is read twice: as a whole file, and spliced after a prefix of a valid file of the same
format (so the fuzzer reaches deep states without a seed corpus). A crash is any exception, an
"internal error" problem (a bug the reader caught), more bytes read than the reader's cap, or
``complete`` disagreeing with ``problems``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from license_check.collect.parsers.weights import HEADER_FORMATS, INTERNAL_ERROR, READ_CAPS, HeaderResult

from tests.builders import GGUF_ARRAY, GGUF_STRING, GGUF_UINT32, gguf_bytes, onnx_bytes, safetensors_bytes

SEEDS: dict[str, bytes] = {
    "safetensors": safetensors_bytes({"license": "apache-2.0", "modelspec.license": "CC-BY-4.0"}),
    "gguf": gguf_bytes([("general.license", GGUF_STRING, "mit"), ("general.file_type", GGUF_UINT32, 1),
                        ("general.tags", GGUF_ARRAY, (GGUF_STRING, ["a", "b"])),
                        ("x.nested", GGUF_ARRAY, (GGUF_ARRAY, [(GGUF_UINT32, [1, 2])]))], tensor_count=1),
    "onnx": onnx_bytes({"model_license": "MIT", "model_author": "someone"}, graph_bytes=40, producer_name="pytorch"),
}


def check(fmt: str, data: bytes) -> HeaderResult:
    result = HEADER_FORMATS[fmt](io.BytesIO(data), len(data))
    internal = [p for p in result.problems if p.startswith(INTERNAL_ERROR)]
    if internal:
        raise AssertionError(internal[0])
    if result.bytes_read > READ_CAPS[fmt] or result.bytes_read > len(data):
        raise AssertionError(f"read {result.bytes_read} bytes of {len(data)}")
    if result.complete == bool(result.problems):
        raise AssertionError("complete disagrees with problems")
    return result


def target(fmt: str) -> Callable[[bytes], None]:
    seed = SEEDS[fmt]

    def run(data: bytes) -> None:
        check(fmt, data)
        if data:
            check(fmt, seed[:data[0] * len(seed) // 256] + data[1:])

    return run


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in HEADER_FORMATS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(HEADER_FORMATS)}}} [libFuzzer options] [corpus dirs]")
    fmt = sys.argv.pop(1)
    atheris.Setup(sys.argv, target(fmt))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
