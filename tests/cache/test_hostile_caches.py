"""Caches that cannot lie: tampered, planted or stale cache entries are misses, never the answer.

Each hostile fixture is built by its test (tmp_path): an edited stored report, a FIFO or a symlink to
/dev/zero in place of an entry or of the database, a real entry copied under another key, an edited
parsed-rules file, a change that no stat field shows (a write through a shared mmap), a cache under CI=true.
None may give exit 3, a hang or a stall over 5 s, or an answer a --no-cache scan would not give.
"""

from __future__ import annotations

import dataclasses
import hashlib
import mmap
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check import run as run_module
from license_check import storage as cachedir
from license_check.cache import plans
from license_check.cache import report as report_cache
from license_check.cache import session as cache
from license_check.cache.store import ResultStore
from license_check.cli import cli
from license_check.collect.discover import Discovery
from license_check.knowledge import data as ruledata

NC_CARD = "---\nlicense: cc-by-nc-4.0\n---\n# A model\n"
MIT_CARD = "---\nlicense: mit\n---\n# A model\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text(NC_CARD, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str, bool]:
    """Exit code, stdout, whether the stored report was used; and never slower than 5 s."""
    start = time.monotonic()
    result = CliRunner().invoke(cli, [*args, "-v"])
    assert time.monotonic() - start < 5, "a stall"
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    return result.exit_code, result.stdout, "report reused from the cache" in result.stderr


def _entries(home: Path) -> list[Path]:
    return sorted((home / report_cache.FOLDER).glob("*.json"))


def _forge(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes().replace(b'\\"verdict\\": \\"fail\\"', b'\\"verdict\\": \\"pass\\"')
                      .replace(b'"exit_code": 1', b'"exit_code": 0'))


def test_an_edited_stored_report_is_a_miss(home: Path, repo: Path) -> None:
    first = run(str(repo), "--format", "json")
    assert first[0] == 1 and '"verdict": "fail"' in first[1]
    entries = _entries(home)
    assert len(entries) == 2  # under the tree's stat and under its evidence (pipeline.collect)
    for entry in entries:
        _forge(entry)
    again = run(str(repo), "--format", "json")
    assert again == (1, first[1], False)


def test_either_key_of_a_report_is_checked_on_its_own(home: Path, repo: Path) -> None:
    first = run(str(repo), "--format", "json")
    entries = _entries(home)
    genuine = {entry: entry.read_bytes() for entry in entries}
    for forged in entries:  # one forged, the other genuine: the genuine one answers, or a scan does
        for entry, blob in genuine.items():
            entry.write_bytes(blob)
        _forge(forged)
        assert run(str(repo), "--format", "json")[:2] == first[:2]


def test_a_report_sealed_with_another_secret_is_a_miss(home: Path, repo: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache restored from another machine or branch (CI) was sealed with another user's secret."""
    first = run(str(repo))
    assert run(str(repo))[2]
    monkeypatch.setenv(cachedir.KEY_FILE_ENV, str(tmp_path / "other-user" / "cache.key"))
    again = run(str(repo))
    assert again[:2] == first[:2] and not again[2]


@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "symlink-to-real", "directory"])
def test_a_special_file_in_place_of_a_stored_report_is_a_miss(home: Path, repo: Path, tmp_path: Path,
                                                               plant: str) -> None:
    first = run(str(repo), "--format", "json")
    for n, entry in enumerate(_entries(home)):  # both keys of the report
        real = tmp_path / f"real-{n}.json"
        real.write_bytes(entry.read_bytes())
        entry.unlink()
        if plant == "fifo":
            os.mkfifo(entry)
        elif plant == "dev-zero":
            entry.symlink_to("/dev/zero")
        elif plant == "symlink-to-real":  # even a genuine entry is not followed through a link
            entry.symlink_to(real)
        else:
            entry.mkdir()
    again = run(str(repo), "--format", "json")
    assert again[:2] == first[:2] and not again[2]


@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "garbage"])
def test_a_special_file_in_place_of_the_database_is_no_hang(home: Path, repo: Path, plant: str) -> None:
    expected = run(str(repo), "--format", "json", "--no-cache")
    home.mkdir(parents=True)
    db = home / f"results-v{cache.SCHEMA}.sqlite"
    for suffix in ("", "-wal"):
        target = Path(f"{db}{suffix}")
        if plant == "fifo":
            os.mkfifo(target)
        elif plant == "dev-zero":
            target.symlink_to("/dev/zero")
        else:
            target.write_bytes(b"\xff" * 4096)
    assert run(str(repo), "--format", "json")[:2] == expected[:2]
    assert stat.S_ISREG(os.lstat(db).st_mode)


def test_a_real_report_copied_under_another_key_is_a_miss(home: Path, tmp_path: Path) -> None:
    allowed, prohibited = tmp_path / "a", tmp_path / "b"
    for root, card in ((allowed, MIT_CARD), (prohibited, NC_CARD)):
        root.mkdir()
        (root / "README.md").write_text(card, encoding="utf-8")
    good = run(str(allowed), "--format", "json")
    good_entries = _entries(home)
    bad = run(str(prohibited), "--format", "json")
    bad_entries = [e for e in _entries(home) if e not in good_entries]
    assert len(good_entries) == len(bad_entries) == 2
    for bad_entry, good_entry in zip(bad_entries, good_entries, strict=True):
        bad_entry.write_bytes(good_entry.read_bytes())  # the pass of a, under b's keys
    assert good[0] == 0 and run(str(prohibited), "--format", "json") == (1, bad[1], False)


def test_a_per_file_entry_copied_under_another_key_or_edited_is_a_miss(home: Path) -> None:
    store = ResultStore.open(lambda m: None)
    assert store is not None
    k1, k2 = b"k" * 20, b"j" * 20
    store.put_many({k1: cache.encode("one"), k2: cache.encode("two")})
    assert cache.decode(store.get_many([k1])[k1]) == "one"
    with sqlite3.connect(home / f"results-v{cache.SCHEMA}.sqlite") as db:
        value = db.execute("SELECT value FROM entries WHERE key = ?", (k1,)).fetchone()[0]
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (value, k2))
        forged = bytes(value).replace(b"one", b"eno")
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (forged, k1))
    assert store.get_many([k1, k2]) == {}
    store.close()


def test_an_edited_parsed_rules_entry_is_ignored(home: Path, tmp_path: Path) -> None:
    """Its name is predictable (the sha256 of the rules file): editing it must not change the rules."""
    ruledata.use_parse_cache(True)
    toml = tmp_path / "rules.toml"
    toml.write_text('[licenses."CC-BY-NC-4.0"]\ncommercial_use = "prohibited"\n', encoding="utf-8")
    truth = ruledata.read_toml(toml)
    entry = home / "rules-parsed" / f"{hashlib.sha256(toml.read_bytes()).hexdigest()}.json"
    assert entry.is_file() and ruledata.read_toml(toml) == truth
    entry.write_bytes(entry.read_bytes().replace(b"prohibited", b"allowed\\u0020"))
    assert ruledata.read_toml(toml) == truth
    entry.write_text('{"licenses": {"CC-BY-NC-4.0": {"commercial_use": "allowed"}}}', encoding="utf-8")
    assert ruledata.read_toml(toml) == truth
    entry.unlink()
    os.mkfifo(entry)
    assert ruledata.read_toml(toml) == truth


def _mmap_write(path: Path, old: bytes, new: bytes) -> None:
    with open(path, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as view:
        at = view.find(old)
        view[at:at + len(new)] = new
        view.flush()


def test_a_change_no_stat_field_shows_is_still_seen(home: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write through a shared mmap can leave every stat field as it was: license-bearing files are hashed."""
    card = repo / "README.md"
    card.write_text(MIT_CARD.replace("mit", "mit            "), encoding="utf-8")
    assert run(str(repo), "--format", "json")[0] == 0
    before = os.stat(card)
    frozen = {"dev": before.st_dev, "ino": before.st_ino}
    walk = run_module.discover  # what the kernel may leave: every stat field as it was

    def frozen_walk(root: str, exclude: tuple[str, ...] = (), *, keep_stats: bool = True) -> Discovery:
        found = walk(root, exclude=exclude, keep_stats=keep_stats)
        return dataclasses.replace(found, stats=dict.fromkeys(found.stats, (frozen["dev"], frozen["ino"], 1, 2, 3)))

    monkeypatch.setattr(run_module, "discover", frozen_walk)
    monkeypatch.setattr(report_cache, "stat_line", lambda path: f"f {frozen}")
    monkeypatch.setattr(plans, "file_stat", lambda entry, seen, cap: (frozen["dev"], frozen["ino"], 1, 2, 3, cap))
    run(str(repo), "--format", "json")  # stored under the frozen stat
    _mmap_write(card, b"mit            ", b"cc-by-nc-4.0   ")
    code, out, reused = run(str(repo), "--format", "json")
    assert (code, reused) == (1, False) and out == run(str(repo), "--format", "json", "--no-cache")[1]


def test_license_bearing_files_are_always_hashed() -> None:
    for name in ("LICENSE", "README.md", "pyproject.toml", "package.json", "CITATION.cff", "models/x/config.json",
                 "src/LICENSE.py", "a/b/NOTICE.txt", "weights.safetensors"):
        assert cachedir.always_hashed(name, 10_000), name
    assert not cachedir.always_hashed("src/module.py", 10_000)
    assert not cachedir.always_hashed("README.md", cachedir.ALWAYS_HASH_MAX + 1)


def test_under_ci_the_caches_are_off_unless_asked_for(home: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cachedir.ENABLE_ENV)
    monkeypatch.setenv("CI", "true")
    result = CliRunner().invoke(cli, [str(repo), "-v"])
    assert result.exit_code == 1 and "caches off: CI=true" in result.stderr
    assert not home.exists()
    monkeypatch.setenv(cachedir.ENABLE_ENV, "1")
    run(str(repo))
    assert run(str(repo))[2]
    monkeypatch.delenv("CI")
    monkeypatch.setenv(cachedir.ENABLE_ENV, "0")
    assert cachedir.caches_enabled()[0] is False


def test_the_cache_folder_is_private(home: Path, repo: Path) -> None:
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    run(str(repo))
    for folder in (home, home / report_cache.FOLDER, *home.glob("rules-parsed")):
        assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700, folder
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), files
    secret = cachedir.key_file()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and not secret.is_relative_to(home)


def test_a_secret_inside_the_cache_folder_or_readable_by_others_is_refused(home: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cachedir.KEY_FILE_ENV, str(home / "cache.key"))
    assert cachedir.secret() is None and cachedir.seal(b"k", b"v") is None
    assert ResultStore.open(lambda m: None) is None
    loose = tmp_path / "loose" / "cache.key"
    loose.parent.mkdir()
    loose.write_bytes(os.urandom(32))
    os.chmod(loose, 0o644)
    monkeypatch.setenv(cachedir.KEY_FILE_ENV, str(loose))
    assert cachedir.secret() is None


def test_read_regular_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to("/dev/zero")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    assert cachedir.read_regular(fifo, 100) is None and cachedir.read_regular(link, 100) is None
    assert cachedir.read_regular(big, 100) is None and cachedir.read_regular(big, 101) == b"x" * 101
    assert cachedir.read_regular("/dev/zero", 100) is None
