"""The stored normalized words of the reference texts (collect/textid/reftokens.py): never other words than a
fresh normalization gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.collect.textid import reftokens
from license_check.collect.textid.tokens import normalize_tokens
from license_check.knowledge.data import rules_dir


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(reftokens.SCANCODE_INDEX_ENV, str(tmp_path / "index"))
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))  # where the sealing secret lives
    reftokens.reference_tokens.cache_clear()
    yield tmp_path / "index" / "license-check-reftokens"
    reftokens.reference_tokens.cache_clear()


def _fresh() -> list[tuple[str, ...]]:
    texts = reftokens.reference_texts(rules_dir())
    return [tuple(normalize_tokens(reftokens.strip_front_matter(raw))) for _, raw in texts]


def test_stored_words_are_the_fresh_ones(store: Path) -> None:
    first = reftokens.reference_tokens(rules_dir())
    assert first and [w for _, _, w in first] == _fresh()
    entries = list(store.iterdir())
    assert len(entries) == 1
    reftokens.reference_tokens.cache_clear()
    again = reftokens.reference_tokens(rules_dir())  # from the stored entry
    assert again == first


def test_a_tampered_entry_is_ignored(store: Path) -> None:
    reftokens.reference_tokens(rules_dir())
    entry = next(store.iterdir())
    blob = bytearray(entry.read_bytes())
    at = blob.index(b"permission")
    blob[at:at + 10] = b"prohibited"  # same length, other words: the MAC no longer holds
    entry.write_bytes(bytes(blob))
    reftokens.reference_tokens.cache_clear()
    assert [w for _, _, w in reftokens.reference_tokens(rules_dir())] == _fresh()


def test_the_name_follows_the_texts_and_the_tokenizer(store: Path) -> None:
    texts = reftokens.reference_texts(rules_dir())
    spec, raw = texts[0]
    assert reftokens._name(texts) == reftokens._name(list(texts))
    assert reftokens._name([(spec, raw + " not for commercial use"), *texts[1:]]) != reftokens._name(texts)


def test_switched_off_it_is_kept_in_memory_only(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LICENSE_CHECK_CACHE", "0")
    assert [w for _, _, w in reftokens.reference_tokens(rules_dir())] == _fresh()
    assert not store.exists()
