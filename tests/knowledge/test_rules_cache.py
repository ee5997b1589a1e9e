"""The parsed-rules cache (ruledata.read_toml): JSON of each rules TOML file, keyed by its sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from license_check.knowledge import data as ruledata


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    ruledata.use_parse_cache(True)
    return tmp_path / "cache" / "rules-parsed"


def test_parsed_once_then_read_from_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    toml = tmp_path / "x.toml"
    toml.write_text('[licenses."MIT"]\nname = "MIT License"\n')
    first = ruledata.read_toml(toml)
    entry = cache_dir / f"{hashlib.sha256(toml.read_bytes()).hexdigest()}.json"
    assert entry.is_file() and ruledata.read_toml(toml) == first == {"licenses": {"MIT": {"name": "MIT License"}}}
    toml.write_text('[licenses."MIT"]\nname = "changed"\n')  # another digest: parsed again
    assert ruledata.read_toml(toml)["licenses"]["MIT"]["name"] == "changed"


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path, cache_dir: Path) -> None:
    toml = tmp_path / "x.toml"
    toml.write_text('a = 1\n')
    cache_dir.mkdir(parents=True)
    (cache_dir / f"{hashlib.sha256(toml.read_bytes()).hexdigest()}.json").write_text("{not json")
    assert ruledata.read_toml(toml) == {"a": 1}


def test_dates_are_not_cached_and_invalid_toml_is_an_error(tmp_path: Path, cache_dir: Path) -> None:
    toml = tmp_path / "d.toml"
    toml.write_text("when = 2026-11-28\n")
    assert str(ruledata.read_toml(toml)["when"]) == "2026-11-28"
    assert not list(cache_dir.glob("*.json"))
    toml.write_text("a = [\n")
    with pytest.raises(ruledata.DataError):
        ruledata.read_toml(toml)


def test_no_cache_reads_and_writes_nothing(tmp_path: Path, cache_dir: Path) -> None:
    toml = tmp_path / "x.toml"
    toml.write_text("a = 1\n")
    ruledata.use_parse_cache(False)
    try:
        assert ruledata.read_toml(toml) == {"a": 1}
        assert not cache_dir.exists()
    finally:
        ruledata.use_parse_cache(True)
