"""Weight files: which names are weights, and the metadata in the headers of those that have one.

Public API:
* ``weight_format(name)`` -> "safetensors" | "gguf" | "onnx" (headers we read) or "pickle" | "keras" |
  "tensorflow" | "flax" | "numpy" | "other" (recognised as weights, never opened) or None.
  It looks at the suffix only. Some suffixes are also used for things that are not weights
  (``AMBIGUOUS_SUFFIXES``: ``.bin`` firmware and vocabularies, ``.pb`` protobuf data, ``.h5``/``.npy``
  data sets, ``.pkl`` any pickle, ...): for those, ``weight_format`` still answers, and the caller
  decides with what it knows (a sibling config.json, the folder, ``certain_weights(name)``).
* ``read_weight_header(path, size, fmt)`` opens the file safely (no symlinks, no FIFOs, regular
  files only; an OSError is a problem, not an exception) and runs the reader for ``fmt``.
* ``read_safetensors`` / ``read_gguf`` / ``read_onnx`` ``(f, size)``: pure readers over any
  seekable binary file. Each never raises, reads at most its cap (``READ_CAPS``), validates every
  length against the bytes left in the file before reading, and costs the same for a sparse 100 GB
  file as for a 1 MB one. ``HeaderResult.complete`` is False exactly when ``problems`` is not empty.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from typing import BinaryIO

from license_check.collect.reading import open_binary

from . import gguf, onnx, safetensors
from ._binary import INTERNAL_ERROR, HeaderResult, MetaValue
from .gguf import read_gguf
from .onnx import read_onnx
from .safetensors import read_safetensors

__all__ = ["AMBIGUOUS_SUFFIXES", "HEADER_FORMATS", "INTERNAL_ERROR", "READ_CAPS", "WEIGHT_SUFFIXES", "HeaderResult",
           "MetaValue", "certain_weights", "read_gguf", "read_onnx", "read_safetensors", "read_weight_header",
           "weight_format"]

WEIGHT_SUFFIXES: Mapping[str, str] = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".onnx": "onnx",
    # pickle-based (PyTorch, Lightning, joblib): loading one runs code; we never open them
    ".pt": "pickle", ".pth": "pickle", ".ckpt": "pickle", ".bin": "pickle", ".pkl": "pickle", ".pickle": "pickle",
    ".h5": "keras", ".hdf5": "keras", ".keras": "keras",
    ".pb": "tensorflow", ".tflite": "tensorflow",
    ".msgpack": "flax",
    ".npz": "numpy", ".npy": "numpy",
    # CoreML, TensorRT, MXNet, Caffe, PaddlePaddle
    ".mlmodel": "other", ".engine": "other", ".params": "other", ".caffemodel": "other", ".pdparams": "other",
}
AMBIGUOUS_SUFFIXES = frozenset({".bin", ".pb", ".h5", ".hdf5", ".npy", ".npz", ".pkl", ".pickle", ".engine", ".params",
                                ".msgpack"})
HEADER_FORMATS: Mapping[str, Callable[[BinaryIO, int], HeaderResult]] = {
    "safetensors": read_safetensors, "gguf": read_gguf, "onnx": read_onnx,
}
READ_CAPS: Mapping[str, int] = {"safetensors": safetensors.BUDGET, "gguf": gguf.READ_CAP, "onnx": onnx.READ_CAP}

# Names that are weights whatever their suffix (Hugging Face, TensorFlow and Flax conventions).
_CERTAIN = re.compile(
    r"(?:pytorch_model|diffusion_pytorch_model|adapter_model|model|consolidated|tf_model|flax_model|saved_model"
    r"|keras_model|model_weights|weights)(?:[-.]\d+(?:-of-\d+)?)*\.(?:bin|pt|pth|h5|pb|msgpack|npz|pkl|params)",
    re.IGNORECASE)


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def weight_format(name: str) -> str | None:
    """The weight format a file name's suffix says, or None. Case-insensitive; see AMBIGUOUS_SUFFIXES."""
    return WEIGHT_SUFFIXES.get(_suffix(name))


def certain_weights(name: str) -> bool:
    """True when the name alone says "weights": an unambiguous suffix, or a conventional weights name
    (``pytorch_model-00001-of-00002.bin``, ``tf_model.h5``, ``saved_model.pb``, ``flax_model.msgpack``)."""
    suffix = _suffix(name)
    if suffix not in WEIGHT_SUFFIXES:
        return False
    return suffix not in AMBIGUOUS_SUFFIXES or bool(_CERTAIN.fullmatch(name.rsplit("/", 1)[-1]))


def read_weight_header(path_for_open: str, size: int, fmt: str) -> HeaderResult:
    """Open ``path_for_open`` safely and read its header as ``fmt``. Never raises.

    ``size`` is the size discovery saw; if the file has changed since, the smaller size is used.
    Formats without a header we read are not opened: the result says so in ``problems``.
    """
    reader = HEADER_FORMATS.get(fmt)
    if reader is None:
        return HeaderResult(fmt, {}, (f"{fmt} files have no metadata header this tool reads (not opened)",),
                            False, 0)
    f, actual, error = open_binary(path_for_open)
    if f is None:
        return HeaderResult(fmt, {}, (f"cannot open the file: {error}",), False, 0)
    try:
        return reader(f, min(max(size, 0), actual))
    finally:
        with contextlib.suppress(OSError):
            f.close()
