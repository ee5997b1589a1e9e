"""ONNX: a protobuf ModelProto, walked one top-level field at a time without an ONNX library.

Field numbers from onnx/onnx onnx.proto: 1 ir_version, 2 producer_name, 3 producer_version,
4 domain, 5 model_version, 6 doc_string, 7 graph, 8 opset_import, 14 metadata_props (repeated
StringStringEntryProto: 1 key, 2 value), 20 training_info, 25 functions. The graph and every other
large field are skipped by seeking past their length, so metadata_props written after a multi-GB
graph costs a few reads. Standard metadata keys (docs/IR.md): model_author, model_license.
"""

from __future__ import annotations

from typing import BinaryIO

from ._binary import Cursor, HeaderResult, MetaValue, Stop, clean_text, label, run

READ_CAP = 16 * 1024 * 1024
MAX_FIELDS = 20_000  # top-level fields walked (a real model has a few dozen, plus its metadata_props)
MAX_PROPS = 4096
MAX_PROP_BYTES = 1024 * 1024
MAX_TEXT = 64 * 1024  # producer_name, producer_version, domain
DOC_KEEP = 4096  # doc_string is kept truncated to this many bytes
MAX_FIELD_NUMBER = (1 << 29) - 1
READAHEAD = 4096  # tags are read a byte at a time: buffer them, but pull little of a graph we skip

_VARINTS = {1: "ir_version", 5: "model_version"}
_STRINGS = {2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string"}
_WIRE_NAMES = {0: "varint", 1: "fixed64", 2: "length-delimited", 5: "fixed32"}


def read_onnx(f: BinaryIO, size: int) -> HeaderResult:
    return run("onnx", f, size, READ_CAP, _parse, readahead=READAHEAD)


class _BadEntry(Exception):
    pass


def _parse(cur: Cursor, metadata: dict[str, MetaValue], problems: list[str]) -> int | None:
    if cur.size == 0:
        raise Stop("the file is empty")
    walk = _Walk(cur, metadata, problems)
    try:
        while cur.remaining:
            walk.fields += 1
            if walk.fields > MAX_FIELDS:
                raise Stop(f"more than {MAX_FIELDS} top-level fields; stopped reading")
            walk.field()
    finally:
        for key, value in walk.props.items():
            if key in metadata:
                problems.append(f"metadata_props key {label(key)} is the name of a ModelProto field (which is kept)")
            else:
                metadata[key] = value
    if "ir_version" not in metadata:
        problems.append("no ir_version field: not an ONNX model, or not a complete one")
    elif not walk.graph:
        problems.append("no graph field: not an ONNX model, or not a complete one")
    return None


class _Walk:
    def __init__(self, cur: Cursor, metadata: dict[str, MetaValue], problems: list[str]) -> None:
        self.cur = cur
        self.metadata = metadata
        self.problems = problems
        self.props: dict[str, MetaValue] = {}  # merged after the walk: ModelProto fields win
        self.fields = 0
        self.props_skipped = 0
        self.graph = False

    def field(self) -> None:
        cur, problems = self.cur, self.problems
        start = cur.pos
        tag = cur.varint("a field tag")
        number, wire = tag >> 3, tag & 7
        if number == 0 or number > MAX_FIELD_NUMBER:
            raise Stop(f"field number {number} at offset {start} is not valid protobuf (is this an ONNX file?)")
        if wire not in _WIRE_NAMES:
            raise Stop(f"field {number} at offset {start} has wire type {wire}, which this reader does not support")
        name = _VARINTS.get(number) or _STRINGS.get(number) or ("metadata_props" if number == 14 else None)
        expected = 0 if number in _VARINTS else 2
        if name and wire != expected:
            problems.append(f"{name} (field {number}) at offset {start} is a {_WIRE_NAMES[wire]}, "
                            f"not a {_WIRE_NAMES[expected]} (ignored)")
            name = None
        if wire == 0:
            value = cur.varint(f"the value of field {number}")
            if name:
                self.metadata[name] = value - (1 << 64) if value >= 1 << 63 else value  # int64
        elif wire in (1, 5):
            cur.skip(8 if wire == 1 else 4, f"field {number}")
        else:
            length = cur.varint(f"the length of field {number}")
            cur.need(length, f"field {number} (offset {start})")
            if name == "metadata_props":
                self.prop(length)
            elif name == "doc_string":
                keep = min(length, DOC_KEEP)
                data = cur.read(keep, name)
                cur.skip(length - keep, name)
                self.metadata[name] = clean_text(_trim_cut(data) if keep < length else data, name, problems)
            elif name and length > MAX_TEXT:
                problems.append(f"{name} is {length} bytes, over the {MAX_TEXT}-byte cap (skipped)")
                cur.skip(length, name)
            elif name:
                self.metadata[name] = clean_text(cur.read(length, name), name, problems)
            else:  # graph, opset_import, training_info, functions, unknown fields
                self.graph = self.graph or number == 7
                cur.skip(length, f"field {number}")

    def prop(self, length: int) -> None:
        cur, problems = self.cur, self.problems
        if length > MAX_PROP_BYTES:
            problems.append(f"a metadata_props entry of {length} bytes is over the {MAX_PROP_BYTES}-byte cap (skipped)")
            cur.skip(length, "metadata_props")
            return
        if len(self.props) >= MAX_PROPS:
            if not self.props_skipped:
                problems.append(f"more than {MAX_PROPS} metadata_props entries; the rest are skipped")
            self.props_skipped += 1
            cur.skip(length, "metadata_props")
            return
        offset = cur.pos
        data = cur.read(length, "metadata_props")
        try:
            raw_key, raw_value = _entry(data)
        except _BadEntry as exc:
            problems.append(f"the metadata_props entry at offset {offset} is malformed: {exc} (ignored)")
            return
        if raw_key is None:
            problems.append(f"the metadata_props entry at offset {offset} has no key (ignored)")
            return
        key = clean_text(raw_key, "a metadata_props key", problems)
        value = clean_text(raw_value, f"metadata_props[{label(key)}]", problems)
        if key in self.props:
            problems.append(f"metadata_props has the key {label(key)} more than once (the first value is kept)")
        else:
            self.props[key] = value


def _trim_cut(data: bytes) -> bytes:
    """Drop a UTF-8 sequence that the truncation cut in two."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return data[:exc.start]
    return data


def _entry(data: bytes) -> tuple[bytes | None, bytes]:
    """Parse a StringStringEntryProto held in memory."""
    key: bytes | None = None
    value = b""
    pos = 0
    while pos < len(data):
        tag, pos = _mem_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            _, pos = _mem_varint(data, pos)
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        elif wire == 2:
            n, pos = _mem_varint(data, pos)
            if n > len(data) - pos:
                raise _BadEntry(f"a length of {n} runs past its end")
            if number == 1:
                key = data[pos:pos + n]
            elif number == 2:
                value = data[pos:pos + n]
            pos += n
        else:
            raise _BadEntry(f"wire type {wire} is not supported")
        if pos > len(data):
            raise _BadEntry("a field runs past its end")
    return key, value


def _mem_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = 0
    for i in range(10):
        if pos >= len(data):
            raise _BadEntry("a varint runs past its end")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << (7 * i)
        if byte < 0x80:
            return result & ((1 << 64) - 1), pos
    raise _BadEntry("a varint is longer than 10 bytes")
