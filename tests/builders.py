"""Build small, valid weight files as bytes (for tests and samples). No ML library needed.

* ``safetensors_bytes(metadata, tensors)``: header JSON padded to 8 bytes, zeroed tensor data.
* ``gguf_bytes(kvs, version, tensor_count)``: ``kvs`` is a dict (types inferred: str -> STRING,
  bool -> BOOL, int -> INT64 or UINT64, float -> FLOAT64, list -> ARRAY of the first element's type)
  or a list of ``(key, type, value)`` with the ``GGUF_*`` type ids; an ARRAY value is
  ``(element_type, [values])`` (nested arrays: element_type GGUF_ARRAY, values of such pairs).
* ``onnx_bytes(metadata_props, graph_bytes, props_after_graph, **scalars)``: a ModelProto with an
  opset_import, a graph of about ``graph_bytes`` bytes, and the given scalar fields.
* ``write_sparse(path, header, total_size, tail=b"")``: a file of apparent size ``total_size``
  holding ``header`` at the start and ``tail`` at the end, with a hole between.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

# GGUF value types (ggml-org/ggml docs/gguf.md)
GGUF_UINT8, GGUF_INT8, GGUF_UINT16, GGUF_INT16, GGUF_UINT32, GGUF_INT32 = 0, 1, 2, 3, 4, 5
GGUF_FLOAT32, GGUF_BOOL, GGUF_STRING, GGUF_ARRAY = 6, 7, 8, 9
GGUF_UINT64, GGUF_INT64, GGUF_FLOAT64 = 10, 11, 12
_GGUF_CODES = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

_DTYPE_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}

GGUFKV = tuple[str, int, object]


# --- safetensors ---------------------------------------------------------------------------------

def safetensors_bytes(metadata: Mapping[str, str] | None,
                      tensors: Mapping[str, tuple[str, list[int]]] | None = None) -> bytes:
    if tensors is None:
        tensors = {"weight": ("F32", [2, 2])}
    header: dict[str, object] = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = _DTYPE_SIZES[dtype]
        for dim in shape:
            n *= dim
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    return safetensors_raw(json.dumps(header, separators=(",", ":")).encode("utf-8"), data=bytes(offset))


def safetensors_raw(header_json: bytes, data: bytes = b"", declared: int | None = None) -> bytes:
    """Any header bytes (for hostile tests), padded with spaces to 8 bytes; ``declared`` can lie."""
    padded = header_json + b" " * (-len(header_json) % 8)
    length = len(padded) if declared is None else declared
    return struct.pack("<Q", length) + padded + data


# --- GGUF ----------------------------------------------------------------------------------------

def gguf_string(text: str | bytes, version: int = 3, endian: str = "<") -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack(endian + ("Q" if version >= 2 else "I"), len(data)) + data


def gguf_value(vtype: int, value: object, version: int = 3, endian: str = "<") -> bytes:
    """The bytes of one value of type ``vtype`` (without the type id)."""
    if vtype == GGUF_STRING:
        assert isinstance(value, str | bytes)
        return gguf_string(value, version, endian)
    if vtype == GGUF_ARRAY:
        assert isinstance(value, tuple) and len(value) == 2
        elem, items = value
        assert isinstance(elem, int) and isinstance(items, Sequence)
        out = struct.pack(endian + "I", elem) + struct.pack(endian + ("Q" if version >= 2 else "I"), len(items))
        return out + b"".join(gguf_value(elem, item, version, endian) for item in items)
    return struct.pack(endian + _GGUF_CODES[vtype], value)


def gguf_kv(key: str, vtype: int, value: object, version: int = 3, endian: str = "<") -> bytes:
    head = gguf_string(key, version, endian) + struct.pack(endian + "I", vtype)
    return head + gguf_value(vtype, value, version, endian)


def gguf_infer(value: object) -> tuple[int, object]:
    """(type, value) for a plain Python value, as ``gguf_bytes`` types a dict."""
    if isinstance(value, bool):
        return GGUF_BOOL, value
    if isinstance(value, int):
        return (GGUF_INT64 if value < 1 << 63 else GGUF_UINT64), value
    if isinstance(value, float):
        return GGUF_FLOAT64, value
    if isinstance(value, str):
        return GGUF_STRING, value
    if isinstance(value, list | tuple):
        typed = [gguf_infer(item) for item in value]
        elem = typed[0][0] if typed else GGUF_STRING
        return GGUF_ARRAY, (elem, [v for _, v in typed])
    raise TypeError(f"no GGUF type for {type(value).__name__}")


def gguf_bytes(kvs: Sequence[GGUFKV] | Mapping[str, object], version: int = 3, tensor_count: int = 0,
               endian: str = "<") -> bytes:
    items: list[GGUFKV] = ([(k, *gguf_infer(v)) for k, v in kvs.items()] if isinstance(kvs, Mapping)
                           else list(kvs))
    count = "Q" if version >= 2 else "I"
    out = bytearray(b"GGUF" + struct.pack(endian + "I", version))
    out += struct.pack(endian + count + count, tensor_count, len(items))
    for key, vtype, value in items:
        out += gguf_kv(key, vtype, value, version, endian)
    for i in range(tensor_count):  # one float32 per tensor, 32-byte aligned
        out += gguf_string(f"t{i}", version, endian) + struct.pack(endian + "I", 1)
        out += struct.pack(endian + count, 1) + struct.pack(endian + "IQ", 0, 32 * i)
    out += bytes(-len(out) % 32)
    out += bytes(32 * tensor_count)
    return bytes(out)


# --- ONNX (protobuf) -----------------------------------------------------------------------------

def pb_varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_field(number: int, payload: int | bytes | str) -> bytes:
    """A varint field (int payload) or a length-delimited one (bytes or str)."""
    if isinstance(payload, int):
        return pb_varint(number << 3) + pb_varint(payload)
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    return pb_varint(number << 3 | 2) + pb_varint(len(data)) + data


def onnx_props(metadata_props: Mapping[str, str]) -> bytes:
    return b"".join(pb_field(14, pb_field(1, k) + pb_field(2, v)) for k, v in metadata_props.items())


def onnx_graph(graph_bytes: int = 64) -> bytes:
    """Field 7: a GraphProto holding a name and a doc_string padding it to about ``graph_bytes``."""
    body = pb_field(2, "main_graph")
    pad = max(0, graph_bytes - len(body) - 4)
    return pb_field(7, body + pb_field(10, b"g" * pad))


def onnx_bytes(metadata_props: Mapping[str, str], graph_bytes: int = 64, props_after_graph: bool = True,
               **scalars: int | str) -> bytes:
    """scalars: ir_version (default 8), producer_name, producer_version, domain, model_version, doc_string."""
    numbers = {"ir_version": 1, "producer_name": 2, "producer_version": 3, "domain": 4, "model_version": 5,
               "doc_string": 6}
    fields = {"ir_version": 8, **scalars}
    head = b"".join(pb_field(numbers[name], value) for name, value in fields.items())
    head += pb_field(8, pb_field(1, "") + pb_field(2, 17))  # opset_import { domain: "", version: 17 }
    props, graph = onnx_props(metadata_props), onnx_graph(graph_bytes)
    return head + (graph + props if props_after_graph else props + graph)


# --- files ---------------------------------------------------------------------------------------

def write_sparse(path: str | os.PathLike[str], header: bytes, total_size: int, tail: bytes = b"") -> Path:
    """Create a sparse file of apparent size ``total_size``: ``header``, a hole, then ``tail`` (or one NUL)."""
    end = tail or b"\x00"
    if total_size < len(header) + len(end):
        raise ValueError("total_size is smaller than header + tail")
    with open(path, "wb") as f:
        f.write(header)
        f.seek(total_size - len(end))
        f.write(end)
    return Path(path)
