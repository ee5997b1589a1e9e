"""safetensors: an 8-byte little-endian header length, then that many bytes of JSON.

Only ``__metadata__`` (a string -> string map; ModelSpec's ``modelspec.license`` lives there) is
returned; tensor entries are counted, never interpreted. The JSON is parsed only after cheap C-level
counts bound how many Python objects it can make, and nesting deeper than 64 is rejected.
"""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

from ._binary import Cursor, HeaderResult, MetaValue, Stop, clean_str, label, run

SPEC_CAP = 100_000_000  # the format's own limit on the header length (safetensors' MAX_HEADER_SIZE)
READ_CAP = 16 * 1024 * 1024  # what we read; a longer (legal) header is reported, not read
MAX_DEPTH = 64
MAX_CONTAINERS = 1 << 19  # '{' + '[' bytes: a real header has ~3 per tensor
MAX_QUOTES = 1 << 22  # '"' bytes: ~10 per tensor
BUDGET = 8 + READ_CAP

_LEN = struct.Struct("<Q")


def read_safetensors(f: BinaryIO, size: int) -> HeaderResult:
    return run("safetensors", f, size, BUDGET, _parse, readahead=0)  # two exact reads


def _parse(cur: Cursor, metadata: dict[str, MetaValue], problems: list[str]) -> int | None:
    if cur.size < 8:
        raise Stop(f"the file is {cur.size} bytes, too short for the 8-byte header length")
    length = int(cur.unpack(_LEN, "the header length")[0])
    if length > cur.size - 8:
        raise Stop(f"header length {length} exceeds the file size ({cur.size} bytes)")
    if length > SPEC_CAP:
        raise Stop(f"header length {length} exceeds the format's limit of {SPEC_CAP} bytes")
    if length > READ_CAP:
        raise Stop(f"header of {length} bytes is larger than the read cap ({READ_CAP} bytes); not read")
    raw = cur.read(length, "the JSON header")
    header = _load(raw, problems)
    if not isinstance(header, dict):
        raise Stop(f"the header is a JSON {_kind(header)}, not an object")
    _check_depth(header)
    if "__metadata__" in header:
        meta = header["__metadata__"]
        if not isinstance(meta, dict):
            problems.append(f"__metadata__ is a JSON {_kind(meta)}, not an object of strings")
        else:
            for key, value in meta.items():
                name = clean_str(key, "a __metadata__ key", problems)
                if isinstance(value, str):
                    metadata[name] = clean_str(value, f"__metadata__[{label(name)}]", problems)
                else:
                    problems.append(f"__metadata__[{label(name)}] is a JSON {_kind(value)}, not a string (ignored)")
    return sum(1 for key in header if key != "__metadata__")


def _load(raw: bytes, problems: list[str]) -> Any:
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > MAX_CONTAINERS:
        raise Stop(f"the header has {containers} JSON objects or arrays, more than the cap of {MAX_CONTAINERS}")
    if raw.count(b'"') > MAX_QUOTES:
        raise Stop(f"the header has more than {MAX_QUOTES // 2} JSON strings")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Stop(f"the header is not valid UTF-8 (byte {exc.start})") from None
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out and len(duplicates) < 5:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constant)
    except RecursionError:
        raise Stop(f"the JSON header is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError, and NaN/Infinity (rejected by _no_constant)
        raise Stop(f"the header is not valid JSON: {exc}") from None
    problems.extend(f"the header repeats the key {label(clean_str(key, 'a key', []))} (the last one is used)"
                    for key in duplicates)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_depth(root: dict[str, Any]) -> None:
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Stop(f"the JSON header is nested deeper than {MAX_DEPTH} levels")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "array", str: "string", type(None): "null"}.get(type(value), type(value).__name__)
