"""The stored form of SPDX's templates file (collect/textid/templates/store.py): never other data than parsing
the file gives, and only for exactly the bytes it was made from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from license_check.collect.textid.templates import store
from license_check.knowledge.data import DataError, parse_spdx_templates

TEMPLATES: dict[str, Any] = {
    "source": "https://example.org/templates", "commit": "0" * 40, "license_list_version": "9.9",
    "equivalent_words": [["licence", "license"]],
    "required": {"Alpha": [4, "alpha grant permission use"], "Beta-only": [3, "beta grant use"],
                 "Beta-or-later": [3, "beta grant use"]},
    "templates": {"Alpha": [["t", ["Alpha License"]], "Permission to use, grant ", ["v", "Alpha|A", "Alpha"]],
                  "Beta-only": ["Use beta grant", ["o", ["optional words"]], ["p"], ["b", "1."]],
                  "Beta-or-later": ["Use beta grant"]},
}


def _raw(data: dict[str, Any] = TEMPLATES) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))  # where the sealing secret lives
    return tmp_path / "index" / "license-check-templates"


def _parse_counting(raw: bytes, calls: list[int]) -> Any:
    def parse() -> dict[str, Any]:
        calls.append(1)
        return parse_spdx_templates(Path("spdx-templates.json"), raw)
    return parse


def test_the_stored_form_holds_what_parsing_gives(where: Path) -> None:
    calls: list[int] = []
    raw = _raw()
    first = store.load(raw, where, _parse_counting(raw, calls))
    assert first == TEMPLATES and calls == [1]  # parsed, then stored
    again = store.load(raw, where, _parse_counting(raw, calls))
    assert isinstance(again, store.Stored) and calls == [1]  # from the store, not parsed
    assert again.scalars == {k: v for k, v in TEMPLATES.items() if k not in ("required", "templates")}
    assert [e.id for e in again.entries] == list(TEMPLATES["templates"])  # the file's order
    for entry in again.entries:
        assert again.nodes(entry) == TEMPLATES["templates"][entry.id]
        assert [entry.size, again.distinct(entry)] == TEMPLATES["required"][entry.id]
        assert set(entry.probe) <= set(TEMPLATES["required"][entry.id][1].split()) and len(entry.probe) == store.PROBES


def test_a_part_that_does_not_check_is_not_used(where: Path) -> None:
    raw = _raw()
    store.load(raw, where, _parse_counting(raw, []))
    stored = store.load(raw, where, _parse_counting(raw, []))
    assert isinstance(stored, store.Stored)
    entry = next(iter(where.iterdir()))
    blob = bytearray(entry.read_bytes())
    at = blob.index(b"beta grant use")
    blob[at:at + 4] = b"not "  # the body is not sealed, but each part is checked against the sealed header
    entry.write_bytes(bytes(blob))
    beta = stored.entries[1]
    assert stored.distinct(beta) is None and stored.nodes(stored.entries[0]) == TEMPLATES["templates"]["Alpha"]
    entry.write_bytes(bytes(blob[:-10]))  # truncated: the last part cannot be read whole
    assert stored.nodes(stored.entries[-1]) is None


def test_probes_are_the_rarest_required_words() -> None:
    chosen = store.probes(TEMPLATES["required"])
    assert chosen["Alpha"] == ("alpha", "permission", "grant")  # in one template each, then "grant" (in three)
    assert chosen["Beta-only"] == ("beta", "grant", "use")  # in two, then three templates: by count, then word


def test_other_bytes_are_another_entry(where: Path) -> None:
    calls: list[int] = []
    raw = _raw()
    store.load(raw, where, _parse_counting(raw, calls))
    edited = dict(TEMPLATES, templates=dict(TEMPLATES["templates"], Alpha=["Use alpha, not commercially"]))
    other = _raw(edited)
    assert store.load(other, where, _parse_counting(other, calls)) == edited and calls == [1, 1]
    assert len(list(where.iterdir())) == 2


def test_a_tampered_entry_is_ignored(where: Path) -> None:
    calls: list[int] = []
    raw = _raw()
    store.load(raw, where, _parse_counting(raw, calls))
    entry = next(where.iterdir())
    blob = bytearray(entry.read_bytes())
    at = blob.index(b"example.org")  # in the sealed header
    blob[at:at + 11] = b"exbmple.org"  # same length, other words: the MAC no longer holds
    entry.write_bytes(bytes(blob))
    assert store.load(raw, where, _parse_counting(raw, calls)) == TEMPLATES and calls == [1, 1]


def test_a_file_of_the_wrong_shape_raises_and_is_not_stored(where: Path) -> None:
    broken = _raw({k: v for k, v in TEMPLATES.items() if k != "required"})
    with pytest.raises(DataError, match="required: missing"):
        store.load(broken, where, _parse_counting(broken, []))
    assert not where.exists()


def test_no_folder_parses_every_time() -> None:
    calls: list[int] = []
    raw = _raw()
    assert store.load(raw, None, _parse_counting(raw, calls)) == TEMPLATES
    assert store.load(raw, None, _parse_counting(raw, calls)) == TEMPLATES and calls == [1, 1]


def test_decode_refuses_what_encode_did_not_write() -> None:
    header, _ = store.encode(TEMPLATES)
    assert store.decode(header, Path("x"), 0) is not None
    assert store.decode(header[:-1], Path("x"), 0) is None  # truncated
    assert store.decode(b"junk", Path("x"), 0) is None
