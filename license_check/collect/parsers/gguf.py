"""GGUF (llama.cpp): magic, version, tensor and key-value counts, then typed key-value pairs.

Layout from ggml-org/ggml docs/gguf.md. Version 1 wrote counts and string/array lengths as uint32,
versions 2 and 3 as uint64 (llama.cpp's GGUFv2 change); version 3 added big-endian files, which we
recognise by their byte-swapped version. Only the key-value section is read: tensor infos and data
never are. Arrays of numbers are skipped by seeking; string arrays (tokenizer vocabularies) are
walked within the byte budget. Arrays keep their first ``ARRAY_KEEP`` elements in the metadata.
"""

from __future__ import annotations

import re
import struct
from typing import BinaryIO

from ._binary import Cursor, HeaderResult, MetaValue, Stop, clean_text, finite, label, run

READ_CAP = 64 * 1024 * 1024
MAX_KV = 65536
MAX_KEY = 65535  # the spec's limit on key length
MAX_STRING = 1024 * 1024
ARRAY_KEEP = 64
MAX_NESTED = 65536  # elements of an array of arrays (real files have none)
MAX_WALKED = 1 << 21  # array strings walked in the whole header (Llama 3's vocabulary and merges: ~0.4M)

STRING, ARRAY = 8, 9
TYPE_NAMES = {0: "uint8", 1: "int8", 2: "uint16", 3: "int16", 4: "uint32", 5: "int32", 6: "float32", 7: "bool",
              8: "string", 9: "array", 10: "uint64", 11: "int64", 12: "float64"}
_CODES = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "B", 10: "Q", 11: "q", 12: "d"}
_INTEGERS = frozenset({0, 1, 2, 3, 4, 5, 10, 11})

# Keys whose type the spec fixes: a lying type is reported and the value dropped.
_STRING_KEY = re.compile(
    r"general\.(name|author|version|organization|basename|finetune|description|quantized_by|size_label|license"
    r"|license\.name|license\.link|url|doi|uuid|repo_url|architecture|source\.(url|doi|uuid|repo_url)"
    r"|(base_model|dataset)\.\d+\.(name|author|version|organization|description|url|doi|uuid|repo_url))"
    r"|adapter\.type")
_STRING_ARRAY_KEYS = frozenset({"general.tags", "general.languages", "general.datasets"})
_INTEGER_KEY = re.compile(r"general\.(alignment|file_type|quantization_version|base_model\.count|dataset\.count)")


def read_gguf(f: BinaryIO, size: int) -> HeaderResult:
    return run("gguf", f, size, READ_CAP, _parse)


def _parse(cur: Cursor, metadata: dict[str, MetaValue], problems: list[str]) -> int | None:
    if cur.size < 8:
        raise Stop(f"the file is {cur.size} bytes, too short for a GGUF header")
    magic = cur.read(4, "the magic")
    if magic != b"GGUF":
        raise Stop(f"not a GGUF file: it starts with {magic!r}, not b'GGUF'")
    raw = cur.read(4, "the version")
    version, endian = struct.unpack("<I", raw)[0], "<"
    if version not in (1, 2, 3) and struct.unpack(">I", raw)[0] in (2, 3):
        version, endian = struct.unpack(">I", raw)[0], ">"
    if version == 0 or version > 3:
        raise Stop(f"unsupported GGUF version {version} (known versions are 1, 2 and 3)")
    return _Reader(cur, endian, version, problems).header(metadata)


class _Reader:
    def __init__(self, cur: Cursor, endian: str, version: int, problems: list[str]) -> None:
        self.cur = cur
        self.version = version
        self.problems = problems
        self.length = struct.Struct(endian + ("Q" if version >= 2 else "I"))
        self.u32 = struct.Struct(endian + "I")
        self.scalars = {t: struct.Struct(endian + code) for t, code in _CODES.items()}
        self.walked = 0

    def header(self, metadata: dict[str, MetaValue]) -> int | None:
        cur, width = self.cur, self.length.size
        tensor_count = self._length("tensor_count")
        kv_count = self._length("kv_count")
        tensors: int | None = tensor_count
        if tensor_count * (width + 16) > cur.remaining:  # name length, n_dims, type, offset at least
            self.problems.append(f"tensor_count {tensor_count} cannot fit in the {cur.remaining} bytes left")
            tensors = None
        if kv_count > MAX_KV:
            self.problems.append(f"kv_count {kv_count} exceeds the cap of {MAX_KV}; only the first {MAX_KV} are read")
        elif kv_count * (width + 5) > cur.remaining:
            self.problems.append(f"kv_count {kv_count} cannot fit in the {cur.remaining} bytes left in the file")
        for _ in range(min(kv_count, MAX_KV)):
            key_len = self._length("a key length")
            if key_len > MAX_KEY:
                raise Stop(f"a key of {key_len} bytes at offset {cur.pos - width} exceeds GGUF's limit of {MAX_KEY}")
            key = clean_text(cur.read(key_len, "a key"), "a key", self.problems)
            name = label(key)  # for problem sentences
            vtype = int(cur.unpack(self.u32, f"the type of {name}")[0])
            value, elem_type = self._value(vtype, name, 1)
            if value is None or not self._expected(key, vtype, elem_type):
                continue
            if key in metadata:
                self.problems.append(f"the key {name} appears more than once (the first value is kept)")
                continue
            metadata[key] = value
        return tensors

    def _length(self, what: str) -> int:
        return int(self.cur.unpack(self.length, what)[0])

    def _value(self, vtype: int, name: str, depth: int) -> tuple[MetaValue | None, int | None]:
        """Read one value: (value or None when it is not kept, element type for arrays). ``name`` is for messages."""
        cur = self.cur
        if vtype in self.scalars:
            number = cur.unpack(self.scalars[vtype], f"the value of {name}")[0]
            if vtype == 7:
                if number not in (0, 1):
                    self.problems.append(f"{name} is a bool stored as {number}, not 0 or 1 (ignored)")
                    return None, None
                return bool(number), None
            return (finite(number) if vtype in (6, 12) else int(number)), None
        if vtype == STRING:
            return self._string(name), None
        if vtype == ARRAY:
            return self._array(name, depth)
        raise Stop(f"unknown value type {vtype} for {name} at offset {cur.pos - 4}; the rest cannot be parsed")

    def _string(self, name: str) -> str | None:
        n = self._length(f"the length of {name}")
        if n > MAX_STRING:
            self.cur.need(n, f"the string {name}")
            self.problems.append(f"{name} is a string of {n} bytes, over the {MAX_STRING}-byte cap (skipped)")
            self.cur.skip(n, f"the string {name}")
            return None
        text = clean_text(self.cur.read(n, f"the string {name}"), f"the value of {name}", self.problems)
        return text[:-1] if self.version == 1 and text.endswith("\x00") else text

    def _array(self, name: str, depth: int) -> tuple[MetaValue | None, int | None]:
        cur = self.cur
        elem = int(cur.unpack(self.u32, f"the element type of {name}")[0])
        count = self._length(f"the length of {name}")
        if elem == ARRAY and depth >= 2:
            raise Stop(f"{name} nests arrays more than 2 levels deep")
        if elem not in TYPE_NAMES:
            raise Stop(f"unknown element type {elem} in the array {name}; the rest cannot be parsed")
        if elem in self.scalars:
            fmt = self.scalars[elem]
            cur.need(count * fmt.size, f"the array {name} of {count} {TYPE_NAMES[elem]}")
            keep = min(count, ARRAY_KEEP)
            data = cur.read(keep * fmt.size, f"the array {name}")
            cur.skip((count - keep) * fmt.size, f"the array {name}")
            numbers = [fmt.unpack_from(data, i * fmt.size)[0] for i in range(keep)]
            if elem == 7:
                return [bool(x) for x in numbers], elem
            return [finite(x) if elem in (6, 12) else int(x) for x in numbers], elem
        smallest = self.length.size + (4 if elem == ARRAY else 0)
        cur.need(count * smallest, f"the array {name} of {count} {TYPE_NAMES[elem]}s")
        kept: list[MetaValue] = []
        if elem == STRING:
            for _ in range(min(count, ARRAY_KEEP)):
                text = self._string(f"{name}[]")
                if text is not None:
                    kept.append(text)
            rest = count - min(count, ARRAY_KEEP)
            self.walked += rest
            if self.walked > MAX_WALKED:
                raise Stop(f"the header's arrays hold more than {MAX_WALKED} strings (cap reached at {name})")
            cur.skip_strings(rest, self.length, MAX_STRING, f"the array {name}")
            return kept, elem
        if count > MAX_NESTED:
            raise Stop(f"the array of arrays {name} has {count} elements, over the cap of {MAX_NESTED}")
        for i in range(count):
            value, _ = self._array(f"{name}[{i}]", depth + 1)
            if value is not None and i < ARRAY_KEEP:
                kept.append(value)
        return kept, elem

    def _expected(self, key: str, vtype: int, elem: int | None) -> bool:
        if _STRING_KEY.fullmatch(key):
            expected, ok = "string", vtype == STRING
        elif key in _STRING_ARRAY_KEYS:
            expected, ok = "array of strings", vtype == ARRAY and elem == STRING
        elif _INTEGER_KEY.fullmatch(key):
            expected, ok = "integer", vtype in _INTEGERS
        else:
            return True
        if not ok:
            found = TYPE_NAMES.get(vtype, str(vtype)) + (f" of {TYPE_NAMES.get(elem or 0)}" if vtype == ARRAY else "")
            self.problems.append(f"{label(key)} should be a {expected} but is a {found} (ignored)")
        return ok
