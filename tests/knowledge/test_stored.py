"""The stored Knowledge (knowledge/stored.py): a rules load kept between runs, never other rules than a fresh load."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from license_check.knowledge import stored
from license_check.knowledge.book import Knowledge
from license_check.knowledge.data import rules_dir
from license_check.model import RawForm

SPELLINGS = ["Apache 2.0", "GPLv2+", "MIT/Apache-2.0", "cc-by-nc-4.0", "Llama 2 Community License", "BSD"]


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    return folder.resolve()


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / stored.FOLDER).glob("*.pickle"))


def _same(a: object, b: object, seen: set[int]) -> bool:
    """Equal in every field and attribute, all the way down (objects without an equality of their own too)."""
    if id(a) in seen:
        return True
    seen.add(id(a))
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return all(_same(getattr(a, f.name), getattr(b, f.name), seen) for f in dataclasses.fields(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k], seen) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, seen) for x, y in zip(a, b, strict=True))
    if callable(a) and not isinstance(a, type):  # a memo around a bound method: the same function will do
        return getattr(a, "__qualname__", None) == getattr(b, "__qualname__", None)
    if type(a).__eq__ is not object.__eq__:  # a value with an equality of its own (a path, a pattern, a set)
        return a == b
    slots = [n for c in type(a).__mro__ for n in getattr(c, "__slots__", ())]
    if hasattr(a, "__dict__") or slots:
        names = sorted({*getattr(a, "__dict__", {}), *slots})
        return all(_same(getattr(a, n, None), getattr(b, n, None), seen) for n in names)
    return a == b


def test_the_second_load_is_the_stored_one_and_reads_the_same(rules: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Knowledge.load(rules)
    assert len(_entries(tmp_path)) == 1
    calls: list[Path] = []
    monkeypatch.setattr("license_check.knowledge.book.load_rules", lambda folder: calls.append(folder))
    kept = Knowledge.load(rules)
    assert not calls  # nothing was loaded again
    assert kept is not fresh and kept.version == fresh.version
    assert kept.rules.all_ids() == fresh.rules.all_ids()
    assert all(kept.rules.facts(i) == fresh.rules.facts(i) for i in fresh.rules.all_ids())
    for raw in SPELLINGS:
        assert kept.normalizer.read(raw, RawForm.NAME) == fresh.normalizer.read(raw, RawForm.NAME)
    assert [c.pattern.pattern for c in kept.use_terms] == [c.pattern.pattern for c in fresh.use_terms]
    parts = ("rules", "duties", "compat", "known", "file_names", "boilerplate", "use_terms", "debian", "normalizer")
    for part in parts:
        assert _same(getattr(kept, part), getattr(fresh, part), set()), part
    from license_check.knowledge.normalize import normalizer

    assert normalizer(rules) is kept.normalizer  # what the detectors ask for is that same normalizer


def test_an_edited_rules_file_is_loaded_again(rules: Path, tmp_path: Path) -> None:
    Knowledge.load(rules)
    aliases = rules / "aliases.toml"
    aliases.write_text(aliases.read_text() + "\n# an edit\n")
    Knowledge.load(rules)
    assert len(_entries(tmp_path)) == 2  # another state of the folder, another entry


def test_a_tampered_entry_is_ignored(rules: Path, tmp_path: Path) -> None:
    Knowledge.load(rules)
    entry = _entries(tmp_path)[0]
    entry.write_bytes(entry.read_bytes()[:-1] + b"\0")
    assert stored.load(rules) is None
    assert Knowledge.load(rules).version == Knowledge.load(rules).version


def test_no_cache_neither_reads_nor_writes(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LICENSE_CHECK_CACHE", "0")
    Knowledge.load(rules)
    assert not _entries(tmp_path)
