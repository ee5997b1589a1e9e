"""Weight-header readers (safetensors, GGUF, ONNX): right on valid files, bounded and exception-free
on lying, truncated, hostile and random ones, and as cheap for a sparse 100 GB file as for 1 KB."""

from __future__ import annotations

import importlib.util
import io
import os
import resource
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from license_check.collect.parsers import gguf, onnx, safetensors
from license_check.collect.parsers.weights import (
    HEADER_FORMATS,
    INTERNAL_ERROR,
    READ_CAPS,
    HeaderResult,
    certain_weights,
    read_gguf,
    read_onnx,
    read_safetensors,
    read_weight_header,
    weight_format,
)
from tests.builders import (
    GGUF_ARRAY,
    GGUF_BOOL,
    GGUF_FLOAT32,
    GGUF_FLOAT64,
    GGUF_INT8,
    GGUF_INT16,
    GGUF_INT32,
    GGUF_INT64,
    GGUF_STRING,
    GGUF_UINT8,
    GGUF_UINT16,
    GGUF_UINT32,
    GGUF_UINT64,
    gguf_bytes,
    gguf_kv,
    gguf_string,
    onnx_bytes,
    onnx_props,
    pb_field,
    pb_varint,
    safetensors_bytes,
    safetensors_raw,
    write_sparse,
)

ROOT = Path(__file__).resolve().parents[2]
GB100 = 100 * 1024**3


def read(fmt: str, data: bytes) -> HeaderResult:
    """Run a reader on bytes and check the promises every result keeps."""
    result = HEADER_FORMATS[fmt](io.BytesIO(data), len(data))
    assert result.format == fmt
    assert not [p for p in result.problems if p.startswith(INTERNAL_ERROR)], result.problems
    assert result.bytes_read <= min(READ_CAPS[fmt], len(data))
    assert result.complete == (not result.problems)
    return result


def gguf_header(kv_count: int, version: int = 3, tensor_count: int = 0) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensor_count, kv_count)


def short(value: object) -> str | None:
    """Test ids: hostile inputs are long."""
    return f"{len(value)}-bytes" if isinstance(value, bytes) else None


def sparse(tmp_path: Path, name: str, header: bytes, tail: bytes = b"") -> Path:
    path = write_sparse(tmp_path / name, header, GB100, tail)
    if path.stat().st_blocks * 512 > 64 * 1024 * 1024:
        pytest.skip("this file system does not make sparse files")
    return path


def test_readers_take_any_binary_file() -> None:
    assert dict(HEADER_FORMATS) == {"safetensors": read_safetensors, "gguf": read_gguf, "onnx": read_onnx}
    data = gguf_bytes({"general.license": "mit"})
    assert read_gguf(io.BytesIO(data), len(data)).metadata == {"general.license": "mit"}


# --- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt"), [
    ("model.safetensors", "safetensors"), ("x/Model-00001-of-00002.SAFETENSORS", "safetensors"),
    ("llama-3-8b.Q4_K_M.gguf", "gguf"), ("model.onnx", "onnx"), ("pytorch_model.bin", "pickle"),
    ("model.pt", "pickle"), ("last.ckpt", "pickle"), ("tf_model.h5", "keras"), ("saved_model.pb", "tensorflow"),
    ("model.tflite", "tensorflow"), ("flax_model.msgpack", "flax"), ("w.npz", "numpy"), ("net.caffemodel", "other"),
    ("model.safetensors.index.json", None), ("README.md", None), ("safetensors", None), (".gguf", None),
])
def test_weight_format_by_suffix(name: str, fmt: str | None) -> None:
    assert weight_format(name) == fmt


@pytest.mark.parametrize(("name", "certain"), [
    ("model.safetensors", True), ("pytorch_model.bin", True), ("pytorch_model-00001-of-00003.bin", True),
    ("adapter_model.bin", True), ("tf_model.h5", True), ("saved_model.pb", True), ("flax_model.msgpack", True),
    ("vocab.bin", False), ("firmware.bin", False), ("graph.pb", False), ("train.h5", False), ("data.npy", False),
    ("README.md", False),
])
def test_certain_weights_for_ambiguous_suffixes(name: str, certain: bool) -> None:
    assert certain_weights(name) is certain


# --- safetensors ---------------------------------------------------------------------------------

def test_safetensors_metadata_and_tensor_count() -> None:
    data = safetensors_bytes({"format": "pt", "modelspec.license": "CC-BY-SA-4.0"},
                             {"a": ("F16", [4, 4]), "b": ("BF16", [8])})
    result = read("safetensors", data)
    assert result.metadata == {"format": "pt", "modelspec.license": "CC-BY-SA-4.0"}
    assert result.complete and result.tensors == 2
    assert result.bytes_read == 8 + struct.unpack("<Q", data[:8])[0]  # the header, not one byte of tensor data


def test_safetensors_without_metadata() -> None:
    result = read("safetensors", safetensors_bytes(None))
    assert result.metadata == {} and result.complete and result.tensors == 1


@pytest.mark.parametrize(("data", "expected"), [
    (struct.pack("<Q", 1 << 40) + b"{}" + bytes(110), "header length 1099511627776 exceeds the file size (120 bytes)"),
    (struct.pack("<Q", (1 << 64) - 1) + b"{}", "exceeds the file size"),
    (b"\x02\x00\x00", "too short for the 8-byte header length"),
    (b"", "too short"),
    (safetensors_raw(b'{"__metadata__": {"license": "mit"'), "not valid JSON"),
    (safetensors_raw(b"{'a': 1}"), "not valid JSON"),
    (safetensors_raw(b""), "not valid JSON"),
    (safetensors_raw(b"[1, 2]"), "a JSON array, not an object"),
    (safetensors_raw(b'"text"'), "a JSON string, not an object"),
    (safetensors_raw(b"null"), "a JSON null, not an object"),
    (safetensors_raw(b'{"a": NaN}'), "not valid JSON"),
    (safetensors_raw(b'{"__metadata__": {"license": "\xff\xfe"}}'), "not valid UTF-8"),
    (safetensors_raw(b"[" * 100_000 + b"]" * 100_000), "nested deeper than 64"),
    (safetensors_raw(b'{"a":' * 100_000), "nested deeper than 64"),
    (safetensors_raw(b'{"a":' * 65 + b"1" + b"}" * 65), "nested deeper than 64"),
], ids=short)
def test_safetensors_lies_and_garbage_are_problems(data: bytes, expected: str) -> None:
    result = read("safetensors", data)
    assert not result.complete and result.metadata == {}
    assert any(expected in p for p in result.problems), result.problems


def test_safetensors_nesting_of_64_is_accepted() -> None:
    result = read("safetensors", safetensors_raw(b'{"a":' * 63 + b"1" + b"}" * 63))
    assert result.complete, result.problems


@pytest.mark.parametrize(("meta", "kept", "expected"), [
    (b'"mit"', {}, "a JSON string, not an object"),
    (b'["mit"]', {}, "a JSON array, not an object"),
    (b"null", {}, "a JSON null, not an object"),
    (b'{"license": "mit", "steps": 1000, "cfg": {"a": 1}, "ok": true}', {"license": "mit"}, "a JSON number"),
    (b'{"license": "\\ud800x"}', {"license": "?x"}, "unpaired surrogate"),
], ids=short)
def test_safetensors_metadata_of_the_wrong_type(meta: bytes, kept: dict[str, str], expected: str) -> None:
    result = read("safetensors", safetensors_raw(b'{"__metadata__": ' + meta + b"}"))
    assert result.metadata == kept
    assert any(expected in p for p in result.problems), result.problems


def test_safetensors_duplicate_keys_are_reported() -> None:
    data = safetensors_raw(b'{"__metadata__": {"license": "mit", "license": "other"}}')
    result = read("safetensors", data)
    assert result.metadata == {"license": "other"}
    assert any("repeats the key 'license'" in p for p in result.problems)


def test_safetensors_header_over_the_read_cap_is_not_read(tmp_path: Path) -> None:
    path = sparse(tmp_path, "big.safetensors", struct.pack("<Q", safetensors.READ_CAP + 8))
    result = read_weight_header(str(path), GB100, "safetensors")
    assert not result.complete and result.bytes_read == 8
    assert any("larger than the read cap" in p for p in result.problems)
    path = sparse(tmp_path, "huge.safetensors", struct.pack("<Q", safetensors.SPEC_CAP + 1))
    assert any("format's limit" in p for p in read_weight_header(str(path), GB100, "safetensors").problems)


def test_safetensors_object_count_is_capped_before_parsing() -> None:
    result = read("safetensors", safetensors_raw(b"[" + b"[]," * safetensors.MAX_CONTAINERS + b"[]]"))
    assert any("more than the cap" in p for p in result.problems)


# --- GGUF ----------------------------------------------------------------------------------------

ALL_TYPES = [("u8", GGUF_UINT8, 255), ("i8", GGUF_INT8, -128), ("u16", GGUF_UINT16, 65535), ("i16", GGUF_INT16, -1),
             ("u32", GGUF_UINT32, 2**32 - 1), ("i32", GGUF_INT32, -(2**31)), ("f32", GGUF_FLOAT32, 0.5),
             ("b", GGUF_BOOL, True), ("s", GGUF_STRING, "héllo"), ("u64", GGUF_UINT64, 2**64 - 1),
             ("i64", GGUF_INT64, -(2**63)), ("f64", GGUF_FLOAT64, 1e300),
             ("arr", GGUF_ARRAY, (GGUF_INT32, [1, -2, 3])),
             ("nested", GGUF_ARRAY, (GGUF_ARRAY, [(GGUF_STRING, ["a"]), (GGUF_UINT8, [1, 2])]))]
ALL_VALUES = {"u8": 255, "i8": -128, "u16": 65535, "i16": -1, "u32": 2**32 - 1, "i32": -(2**31), "f32": 0.5, "b": True,
              "s": "héllo", "u64": 2**64 - 1, "i64": -(2**63), "f64": 1e300, "arr": [1, -2, 3],
              "nested": [["a"], [1, 2]]}


@pytest.mark.parametrize(("version", "endian"), [(3, "<"), (2, "<"), (1, "<"), (3, ">")])
def test_gguf_every_type_and_version(version: int, endian: str) -> None:
    data = gguf_bytes(ALL_TYPES, version=version, tensor_count=2, endian=endian)
    result = read("gguf", data)
    assert result.problems == ()
    assert result.metadata == ALL_VALUES
    assert result.tensors == 2


def test_gguf_provenance_keys_and_a_large_vocabulary() -> None:
    tokens = [f"tok{i}" for i in range(150_000)]
    data = gguf_bytes([("general.license", GGUF_STRING, "llama3.1"),
                       ("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, tokens)),
                       ("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_FLOAT32, [0.0] * 150_000)),
                       ("general.base_model.count", GGUF_UINT32, 1),
                       ("general.base_model.0.repo_url", GGUF_STRING, "https://huggingface.co/meta-llama/x")])
    start = time.perf_counter()
    result = read("gguf", data)
    assert time.perf_counter() - start < 2
    assert result.complete
    assert result.metadata["general.license"] == "llama3.1"
    assert result.metadata["general.base_model.0.repo_url"] == "https://huggingface.co/meta-llama/x"
    assert result.metadata["tokenizer.ggml.tokens"] == tokens[:gguf.ARRAY_KEEP]
    assert result.metadata["tokenizer.ggml.scores"] == [0.0] * gguf.ARRAY_KEEP
    assert result.bytes_read < len(data) - 500_000  # the scores were seeked over


@pytest.mark.parametrize(("data", "expected"), [
    (b"GGML" + bytes(20), "not a GGUF file"),
    (b"GGU", "too short"),
    (gguf_header(0, version=0), "unsupported GGUF version 0"),
    (gguf_header(0, version=99), "unsupported GGUF version 99"),
    (gguf_header(2**63), "kv_count 9223372036854775808 exceeds the cap"),
    (gguf_header(1000) + gguf_kv("a", GGUF_UINT8, 1), "kv_count 1000 cannot fit"),
    (gguf_header(1) + struct.pack("<Q", 2**62) + b"general.license", "a key of 4611686018427387904 bytes"),
    (gguf_header(1) + gguf_string("general.license") + struct.pack("<IQ", GGUF_STRING, 2**60) + b"mit",
     "needs 1152921504606846976 bytes"),
    (gguf_header(2) + gguf_kv("general.name", GGUF_STRING, "n") + gguf_string("x") + struct.pack("<I", 13) + bytes(8),
     "unknown value type 13 for 'x'"),
    (gguf_header(1) + gguf_string("x") + struct.pack("<IIQ", GGUF_ARRAY, 77, 1), "unknown element type 77"),
    (gguf_header(1) + gguf_string("x") + struct.pack("<IIQ", GGUF_ARRAY, GGUF_UINT64, 2**40), "needs 8796093022208"),
    (gguf_header(1) + gguf_string("x") + struct.pack("<IIQ", GGUF_ARRAY, GGUF_STRING, 2**61), "needs"),
    (gguf_header(1) + gguf_string("x") + struct.pack("<IIQIIQ", GGUF_ARRAY, GGUF_ARRAY, 1, GGUF_ARRAY, GGUF_UINT8, 0),
     "more than 2 levels"),
    (gguf_header(1) + gguf_kv("general.license", GGUF_ARRAY, (GGUF_STRING, ["mit"])),
     "'general.license' should be a string but is a array of string"),
    (gguf_header(1) + gguf_kv("general.license.link", GGUF_UINT32, 7), "should be a string but is a uint32"),
    (gguf_header(1) + gguf_kv("general.tags", GGUF_STRING, "a"), "should be a array of strings"),
    (gguf_header(1) + gguf_kv("general.file_type", GGUF_STRING, "q4"), "should be a integer"),
    (gguf_header(1) + gguf_kv("x", GGUF_BOOL, True)[:-1] + b"\x07", "bool stored as 7"),
    (gguf_header(2) + gguf_kv("general.name", GGUF_STRING, "a") * 2, "appears more than once"),
    (gguf_header(1, tensor_count=2**40) + gguf_kv("a", GGUF_UINT8, 1), "tensor_count 1099511627776 cannot fit"),
    (gguf_header(1) + gguf_kv("general.name", GGUF_STRING, b"\xff\xfe"), "not valid UTF-8"),
], ids=short)
def test_gguf_lies_and_garbage_are_problems(data: bytes, expected: str) -> None:
    result = read("gguf", data)
    assert not result.complete
    assert any(expected in p for p in result.problems), result.problems
    assert "general.license" not in result.metadata


def test_gguf_keeps_what_it_read_before_a_fatal_problem() -> None:
    data = gguf_header(3) + gguf_kv("general.license", GGUF_STRING, "mit") + gguf_string("x") + struct.pack("<I", 99)
    result = read("gguf", data)
    assert result.metadata == {"general.license": "mit"} and not result.complete


def test_gguf_problems_are_capped() -> None:
    result = read("gguf", gguf_header(500) + (gguf_string("x") + struct.pack("<IB", GGUF_BOOL, 9)) * 500)
    assert len(result.problems) == 20 and result.problems[-1].startswith("... and 481 more")


def test_gguf_string_over_the_cap_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    big = gguf.MAX_STRING + 1
    data = (gguf_header(2) + gguf_string("tokenizer.chat_template") + struct.pack("<IQ", GGUF_STRING, big)
            + bytes(big) + gguf_kv("general.license", GGUF_STRING, "mit"))
    result = read("gguf", data)
    assert result.metadata == {"general.license": "mit"}
    assert any("over the 1048576-byte cap" in p for p in result.problems)
    assert result.bytes_read < 200_000


def test_gguf_string_walk_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf, "MAX_WALKED", 1000)
    data = gguf_bytes([("a", GGUF_ARRAY, (GGUF_STRING, ["t"] * 2000)), ("general.license", GGUF_STRING, "mit")])
    result = read("gguf", data)
    assert any("more than 1000 strings" in p for p in result.problems)


def test_gguf_truncated_at_every_offset() -> None:
    kvs = ALL_TYPES + [("general.license", GGUF_STRING, "mit")]
    data = gguf_bytes(kvs, tensor_count=1)
    kv_end = len(gguf_header(0)) + sum(len(gguf_kv(*kv)) for kv in kvs)
    full = read("gguf", data).metadata
    for cut in range(len(data)):
        result = read("gguf", data[:cut])
        assert set(result.metadata) <= set(full), cut
        assert cut >= kv_end or not result.complete, cut


# --- ONNX ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("after", [True, False])
def test_onnx_fields_and_metadata_props(after: bool) -> None:
    data = onnx_bytes({"model_license": "MIT", "model_author": "A, B"}, graph_bytes=5_000_000, props_after_graph=after,
                      producer_name="pytorch", producer_version="2.3", domain="ai.x", model_version=-3,
                      doc_string="d" * 10_000)
    result = read("onnx", data)
    assert result.problems == ()
    assert {k: v for k, v in result.metadata.items() if k != "doc_string"} == {
        "ir_version": 8, "producer_name": "pytorch", "producer_version": "2.3", "domain": "ai.x", "model_version": -3,
        "model_license": "MIT", "model_author": "A, B"}
    assert result.metadata["doc_string"] == "d" * onnx.DOC_KEEP
    assert result.bytes_read < 64 * 1024  # the 5 MB graph was seeked over


def test_onnx_doc_string_cut_does_not_split_a_character() -> None:
    result = read("onnx", onnx_bytes({}, doc_string="x" + "é" * 3000))
    assert result.problems == () and result.metadata["doc_string"] == "x" + "é" * ((onnx.DOC_KEEP - 1) // 2)


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "the file is empty"),
    (b"\x00" * 64, "field number 0"),
    (b"\xff" * 64, "longer than 10 bytes"),
    (b"\x08\xff\xff", "the file (3 bytes) has only 0 left"),
    (b"\x08" + b"\xff" * 9 + b"\x7f", "does not fit in 64 bits"),
    (b"\x3a" + pb_varint(2**40) + b"graph", "field 7 (offset 0) needs 1099511627776 bytes"),
    (b"\x0b\x0c", "wire type 3"),
    (b"\x0c", "wire type 4"),
    (b"\x0e", "wire type 6"),
    (b"\x0f", "wire type 7"),
    (b"PK\x03\x04" + bytes(60), "is not valid protobuf"),
    (pb_field(2, "pytorch"), "no ir_version"),
    (pb_field(1, 8) + pb_field(1, "eight"), "ir_version (field 1) at offset 2 is a length-delimited"),
    (pb_field(1, 8) + pb_field(14, pb_field(2, "v")), "has no key"),
    (pb_field(1, 8) + pb_field(14, b"\x0a\x09ab"), "is malformed: a length of 9 runs past its end"),
    (pb_field(1, 8) + pb_field(14, b"\x0b"), "malformed: wire type 3"),
    (pb_field(1, 8) + onnx_props({"model_license": "MIT"}) + onnx_props({"model_license": "other"}),
     "more than once (the first value is kept)"),
    (pb_field(1, 8) + onnx_props({"ir_version": "99"}), "is the name of a ModelProto field"),
    (pb_field(1, 8) + pb_field(2, "x" * (onnx.MAX_TEXT + 1)), "over the 65536-byte cap"),
    (pb_field(1, 8) + pb_field(14, pb_field(1, "model_license") + pb_field(2, b"\xff")), "not valid UTF-8"),
    (pb_field(1, 8) + onnx_props({"model_license": "MIT"}), "no graph field"),
], ids=short)
def test_onnx_garbage_and_lies_are_problems(data: bytes, expected: str) -> None:
    result = read("onnx", data)
    assert not result.complete
    assert any(expected in p for p in result.problems), result.problems


def test_onnx_props_collision_keeps_the_field_and_first_duplicate() -> None:
    data = pb_field(1, 8) + pb_field(7, b"") + onnx_props({"ir_version": "99"}) + onnx_props({"model_license": "MIT"})
    data += onnx_props({"model_license": "GPL"})
    assert read("onnx", data).metadata == {"ir_version": 8, "model_license": "MIT"}


def test_onnx_metadata_props_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx, "MAX_PROPS", 3)
    data = pb_field(1, 8) + pb_field(7, b"") + onnx_props({f"k{i}": "v" for i in range(10)})
    result = read("onnx", data)
    assert set(result.metadata) == {"ir_version", "k0", "k1", "k2"}
    assert [p for p in result.problems if "more than 3" in p] and len(result.problems) == 1


def test_onnx_truncated_at_every_offset() -> None:
    data = onnx_bytes({"model_license": "MIT"}, graph_bytes=100, producer_name="p", doc_string="d")
    props = onnx_props({"model_license": "MIT"})
    full = read("onnx", data).metadata
    for cut in range(1, len(data)):
        result = read("onnx", data[:cut])
        assert set(result.metadata) <= set(full), cut
        # protobuf has no end marker: a cut between the graph and the metadata_props reads as a whole model
        assert not result.complete or cut == len(data) - len(props), cut


# --- opening files -------------------------------------------------------------------------------

def test_sparse_100_gb_files_cost_milliseconds(tmp_path: Path) -> None:
    onnx_tail = onnx_props({"model_license": "MIT"})  # after a 100 GB graph (field 7), skipped by one seek
    onnx_head = pb_field(1, 8) + b"\x3a"  # field 7, length-delimited
    graph = GB100 - len(onnx_tail) - len(onnx_head) - len(pb_varint(GB100))
    cases = {
        "safetensors": sparse(tmp_path, "m.safetensors", safetensors_bytes({"license": "mit"})),
        "gguf": sparse(tmp_path, "m.gguf", gguf_bytes({"general.license": "mit"}, tensor_count=3)),
        "onnx": sparse(tmp_path, "m.onnx", onnx_head + pb_varint(graph), tail=onnx_tail),
    }
    for fmt, path in cases.items():
        start = time.perf_counter()
        result = read_weight_header(str(path), path.stat().st_size, fmt)
        assert time.perf_counter() - start < 0.5, fmt
        assert result.bytes_read < 70_000, (fmt, result.bytes_read)
        license_key = {"safetensors": "license", "gguf": "general.license", "onnx": "model_license"}[fmt]
        assert result.metadata[license_key] in ("mit", "MIT"), (fmt, result)
        assert fmt == "gguf" or result.complete, result.problems  # gguf: its tensor infos point past the zeros


def test_read_weight_header_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    real = tmp_path / "real.gguf"
    real.write_bytes(gguf_bytes({"general.license": "mit"}))
    link = tmp_path / "link.gguf"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.gguf"
    os.mkfifo(fifo)
    folder = tmp_path / "dir.gguf"
    folder.mkdir()
    assert read_weight_header(str(real), real.stat().st_size, "gguf").metadata == {"general.license": "mit"}
    for path, why in ((link, "symbolic link"), (fifo, "not a regular file"), (folder, "not a regular file"),
                      (tmp_path / "missing.gguf", "No such file")):
        result = read_weight_header(str(path), 100, "gguf")
        assert not result.complete and result.bytes_read == 0
        assert any(why in p for p in result.problems), result.problems


def test_read_weight_header_never_opens_metadata_less_formats(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    path.write_bytes(b"\x80\x04not really a pickle")
    result = read_weight_header(str(path), 20, "pickle")
    assert result.bytes_read == 0 and result.metadata == {} and "not opened" in result.problems[0]


def test_read_weight_header_uses_the_smaller_size(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    path.write_bytes(safetensors_bytes({"license": "mit"}))
    assert read_weight_header(str(path), 10**12, "safetensors").metadata == {"license": "mit"}
    assert not read_weight_header(str(path), 12, "safetensors").complete


# --- properties ----------------------------------------------------------------------------------

FORMATS = sorted(HEADER_FORMATS)
PREFIXES = {"safetensors": b"", "gguf": b"GGUF\x03\x00\x00\x00", "onnx": b"\x08\x08"}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMATS), st.binary(max_size=512), st.booleans())
def test_random_bytes_never_raise(fmt: str, data: bytes, prefixed: bool) -> None:
    read(fmt, (PREFIXES[fmt] if prefixed else b"") + data)


def _valid(fmt: str) -> bytes:
    if fmt == "safetensors":
        return safetensors_bytes({"license": "mit", "modelspec.title": "t"}, {"w": ("F32", [2])})
    if fmt == "gguf":
        return gguf_bytes(ALL_TYPES + [("general.license", GGUF_STRING, "mit")], tensor_count=1)
    return onnx_bytes({"model_license": "MIT"}, graph_bytes=50, producer_name="p")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FORMATS), st.data())
def test_mutated_valid_files_never_raise(fmt: str, data: st.DataObject) -> None:
    blob = bytearray(_valid(fmt))
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(blob) - 1))
        action = data.draw(st.sampled_from(["set", "insert", "delete", "max"]))
        if action == "set":
            blob[pos] = data.draw(st.integers(0, 255))
        elif action == "insert":
            blob[pos:pos] = data.draw(st.binary(min_size=1, max_size=16))
        elif action == "delete" and len(blob) > 1:
            del blob[pos]
        else:  # a length or count at its most absurd
            blob[pos:pos + 8] = b"\xff" * 8
    read(fmt, bytes(blob[:data.draw(st.integers(0, len(blob)))]))


TEXT = st.text(max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXT, TEXT, max_size=8))
def test_safetensors_round_trip(meta: dict[str, str]) -> None:
    result = read("safetensors", safetensors_bytes(meta))
    assert result.metadata == meta and result.complete


GGUF_VALUES = st.one_of(TEXT, st.booleans(), st.integers(-(2**63), 2**64 - 1),
                        st.floats(allow_nan=False, allow_infinity=False), st.lists(TEXT, min_size=1, max_size=70),
                        st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=70))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"test\.[a-z_]{1,12}", fullmatch=True), GGUF_VALUES, max_size=8),
       st.sampled_from([1, 2, 3]))
def test_gguf_round_trip(kvs: dict[str, object], version: int) -> None:
    result = read("gguf", gguf_bytes(kvs, version=version))

    def expect(value: object) -> object:  # v1 strings may end in a NUL terminator, which is dropped
        if isinstance(value, list):
            return [expect(item) for item in value[:gguf.ARRAY_KEEP]]
        return value[:-1] if version == 1 and isinstance(value, str) and value.endswith("\x00") else value

    expected = {k: expect(v) for k, v in kvs.items()}
    assert result.metadata == expected and result.complete


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXT.filter(lambda k: k not in onnx._VARINTS.values() and k not in onnx._STRINGS.values()),
                       TEXT, max_size=8), st.booleans(), st.integers(0, 2000))
def test_onnx_round_trip(props: dict[str, str], after: bool, graph: int) -> None:
    result = read("onnx", onnx_bytes(props, graph_bytes=graph, props_after_graph=after, producer_name="p"))
    assert result.metadata == {"ir_version": 8, "producer_name": "p", **props} and result.complete


# --- fuzzing -------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_atheris_smoke(fmt: str, tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (it has no wheel for this Python)")
    # libFuzzer's memory limit is on the process's peak RSS, which Linux carries over from the process that forked
    # it (this test run, ScanCode's index loaded by earlier tests): the limit is 2 GB above that peak.
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz_weights.py"), fmt, "-max_total_time=2",
                          f"-rss_limit_mb={inherited + 2048}", f"-artifact_prefix={tmp_path}/"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Done" in run.stderr
