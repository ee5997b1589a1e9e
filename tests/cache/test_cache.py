"""The per-file result cache: it never changes a report, survives damage and concurrent runs, stays bounded."""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from license_check.cache import plans
from license_check.cache import session as cache
from license_check.pipeline import ScanOptions, scan
from license_check.render import RENDERERS, Format
from tests.conftest import REPO_ROOT, SAMPLES

sys.path.insert(0, str(REPO_ROOT / "bench"))
from gen_repo import generate  # noqa: E402

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, private cache folder for one test."""
    home = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(home))
    return home


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    generate(root, 600, weights_gb=1.0)
    return root


def _json(root: Path, log: list[str] | None = None, **options: object) -> str:
    opts = ScanOptions(log=log.append if log is not None else ScanOptions().log, **options)  # type: ignore[arg-type]
    return RENDERERS[Format.JSON](scan(str(root), opts))


def _db(home: Path) -> Path:
    return home / f"results-v{cache.SCHEMA}.sqlite"


def test_tests_never_touch_the_real_user_cache() -> None:
    assert str(cache.cache_dir()).startswith(os.environ[cache.CACHE_DIR_ENV])
    assert not str(cache.cache_dir()).startswith(str(Path.home() / ".cache"))


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "license-check"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec: relative values are ignored
    assert cache.cache_dir() == Path.home() / ".cache" / "license-check"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "license-check"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_cold_warm_and_uncached_reports_are_identical(cache_home: Path, name: str) -> None:
    uncached = _json(SAMPLES / name, cache=False)
    assert not cache_home.exists()  # --no-cache neither reads nor writes
    cold = _json(SAMPLES / name)
    log: list[str] = []
    warm = _json(SAMPLES / name, log)
    assert uncached == cold == warm
    assert any("files to analyse" in line and " 0 files" in line for line in log), log


def test_warm_rescan_reuses_everything_and_matches(cache_home: Path, synthetic: Path) -> None:
    uncached = _json(synthetic, cache=False, jobs=1)
    cold_log: list[str] = []
    cold = _json(synthetic, cold_log, jobs=1)
    warm_log: list[str] = []
    warm = _json(synthetic, warm_log, jobs=1)
    assert uncached == cold == warm
    assert any("cache: 0 results reused" in line for line in cold_log), cold_log
    assert any("results reused, 0 files to analyse" in line for line in warm_log), warm_log


def test_a_changed_file_is_analysed_again(cache_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    source = root / "src" / "a.py"
    source.write_text("# SPDX-License-Identifier: MIT\nprint(1)\n")
    first = _json(root)
    assert '"MIT"' in first
    source.write_text("# SPDX-License-Identifier: GPL-3.0-only\nprint(1)\n")
    second = _json(root)
    assert second == _json(root, cache=False)
    assert "GPL-3.0-only" in second and '"MIT"' not in second


def test_the_key_covers_rules_and_code(cache_home: Path, synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _json(synthetic)
    log: list[str] = []
    monkeypatch.setattr(cache, "_CODE_DIGEST", ["another version of the code"])
    _json(synthetic, log)
    assert any("cache: 0 results reused" in line for line in log), log


def test_damaged_entries_are_misses(cache_home: Path, synthetic: Path) -> None:
    expected = _json(synthetic, cache=False)
    _json(synthetic)
    with sqlite3.connect(_db(cache_home)) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM entries")]
        evil = pickle.dumps(os.system)  # a foreign class: never loaded, even with a valid checksum
        for n, key in enumerate(keys):
            value = [b"", b"garbage", b"\x00" * 40, cache.encode("not a result"),
                     cache.encode(None)[:16] + evil, cache.encode({"x": 1})[:-3]][n % 6]
            db.execute("UPDATE entries SET value = ? WHERE key = ?", (value, key))
    log: list[str] = []
    assert _json(synthetic, log) == expected
    assert any("cache: " in line and "files to analyse" in line for line in log)
    assert _json(synthetic) == expected  # the damaged entries were replaced


def test_decode_refuses_code() -> None:
    payload = pickle.dumps(os.system)
    import hashlib

    blob = hashlib.blake2b(payload, digest_size=16).digest() + payload
    assert cache.decode(blob) is None
    assert cache.decode(b"short") is None


def test_a_damaged_database_file_is_replaced(cache_home: Path, synthetic: Path) -> None:
    expected = _json(synthetic, cache=False)
    cache_home.mkdir()
    _db(cache_home).write_bytes(b"this is not a database" * 100)
    assert _json(synthetic) == expected
    assert _json(synthetic) == expected
    with sqlite3.connect(_db(cache_home)) as db:
        assert db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] > 0


def test_an_unusable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               synthetic: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    log: list[str] = []
    assert _json(synthetic, log) == _json(synthetic, cache=False)
    assert any("cache unavailable" in line for line in log), log


def test_size_bound_evicts_least_recently_used(cache_home: Path, synthetic: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _json(synthetic, cache=False)
    monkeypatch.setenv(cache.MAX_MB_ENV, "0.02")  # 20 KiB: far less than the synthetic repo's results
    assert _json(synthetic) == expected
    with sqlite3.connect(_db(cache_home)) as db:
        total, count = db.execute("SELECT SUM(size), COUNT(*) FROM entries").fetchone()
    assert count > 0 and total <= 0.02 * 2**20
    assert _json(synthetic) == expected
    monkeypatch.setenv(cache.MAX_MB_ENV, "not a number")
    assert cache.max_bytes() == int(cache.DEFAULT_MAX_MB * 2**20)


def test_concurrent_runs_agree_and_never_crash(cache_home: Path, synthetic: Path) -> None:
    expected = _json(synthetic, cache=False)
    env = {**os.environ, cache.CACHE_DIR_ENV: str(cache_home), "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "license_check", "--format", "json", "-j", "1", str(synthetic)]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode in (0, 1), err.decode()[-2000:]
        assert out.decode() == expected
        assert b"Traceback" not in err and b"internal error" not in err
    assert _json(synthetic) == expected


def test_a_file_that_changes_during_the_scan_is_not_cached(cache_home: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.py").write_text("# SPDX-License-Identifier: MIT\nprint(1)\n")
    reads: dict[str, int] = {}
    real = plans.read_bytes

    def changing(abspath: str, limit: int) -> tuple[bytes | None, bool, str | None]:
        reads[abspath] = reads.get(abspath, 0) + 1
        data, truncated, error = real(abspath, limit)
        if abspath.endswith("a.py") and reads[abspath] > 1 and data is not None:  # edited after hashing
            data = data.replace(b"MIT", b"BSD-2-Clause")
        return data, truncated, error

    monkeypatch.setattr(plans, "read_bytes", changing)
    assert "BSD-2-Clause" in _json(root)  # analysed as it is now ...
    monkeypatch.setattr(plans, "read_bytes", real)
    log: list[str] = []
    assert '"MIT"' in _json(root, log)  # ... but not cached under the key of what was hashed
    assert any("0 results reused" in line for line in log), log


def test_decode_builds_values_only() -> None:
    """Even license-check's own functions are refused: an entry can only build dataclasses, enums, builtins."""
    import hashlib

    from license_check.cli import output

    class _Call:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (output.write, ("/nonexistent/x", "y"))

    payload = pickle.dumps(_Call())
    assert cache.decode(hashlib.blake2b(payload, digest_size=16).digest() + payload) is None
    from license_check.model import Location

    value = (Location("a", 3), {"k": frozenset({1})})
    assert cache.decode(cache.encode(value)) == value


@pytest.mark.slow  # the cold run loads ScanCode's index in a CLI process
def test_a_warm_run_reuses_scancode_answers_without_loading_it(cache_home: Path, tmp_path: Path) -> None:
    from license_check.collect.textid import fastpath

    data = fastpath.scancode_data_dir()
    assert data is not None
    root = tmp_path / "repo"
    (root / "vendor").mkdir(parents=True)
    (root / "LICENSE").write_text(fastpath.strip_front_matter(
        (data / "licenses" / "mit.LICENSE").read_text(encoding="utf-8")), encoding="utf-8")
    (root / "vendor" / "LICENSE").write_text(fastpath.strip_front_matter(
        (data / "licenses" / "sleepycat.LICENSE").read_text(encoding="utf-8")), encoding="utf-8")
    env = {**os.environ, cache.CACHE_DIR_ENV: str(cache_home), "PYTHONPATH": str(REPO_ROOT),
           "LICENSE_CHECK_COMPACT_INDEX": "0"}  # the full index: the compact one knows Sleepycat's text
    cmd = [sys.executable, "-m", "license_check", "-v", "--format", "json", str(root)]
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert "loading ScanCode's license index" in cold.stderr and "vendor/LICENSE" in cold.stderr
    assert "ScanCode" not in warm.stderr, warm.stderr
    assert warm.stdout == cold.stdout and '"Sleepycat"' in warm.stdout


def test_an_unchanged_file_is_not_read_again_but_a_rewritten_one_is(cache_home: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest of a file whose stat (device, inode, size, mtime, ctime) is unchanged is reused; a file
    rewritten with the same size and its old mtime still changes ctime, so it is read and hashed again."""
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    source = root / "src" / "a.py"
    source.write_text("# SPDX-License-Identifier: MIT\nprint(1)\n")
    assert '"MIT"' in _json(root)
    reads: list[str] = []
    real = plans.read_bytes

    def counting(path: str, cap: int) -> tuple[bytes | None, bool, str | None]:
        reads.append(path)
        return real(path, cap)

    monkeypatch.setattr(plans, "read_bytes", counting)
    assert '"MIT"' in _json(root) and not reads  # warm: nothing read for the session
    before = source.stat()
    source.write_text("# SPDX-License-Identifier: ISC\nprint(1)\n")  # the same size as before
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime: only ctime tells
    assert source.stat().st_size == before.st_size and source.stat().st_mtime_ns == before.st_mtime_ns
    warm = _json(root)
    assert reads and '"ISC"' in warm and warm == _json(root, cache=False)
