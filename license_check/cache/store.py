"""The on-disk side of license_check.cache.session: where the cache lives, how entries are encoded, the store.

One SQLite database (``results-v<SCHEMA>.sqlite``) in $LICENSE_CHECK_CACHE_DIR, else
$XDG_CACHE_HOME/license-check, else ~/.cache/license-check. Entries are pickles of license-check's own
dataclasses, sealed with a MAC over the row's key (storage.seal: a per-user secret kept outside the cache
folder), checked before anything is unpickled, and loaded by an unpickler that refuses every other class; a
damaged, edited or copied entry is a miss. The database and its journals must be regular files (0600).
The total size is bounded ($LICENSE_CHECK_CACHE_MAX_MB, default 256): the least recently used entries go first.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from license_check import model
from license_check.collect.detectors import base, license_files
from license_check.storage import CACHE_DIR_ENV as CACHE_DIR_ENV
from license_check.storage import cache_dir as cache_dir
from license_check.storage import private_dir, seal, secret, unseal

SCHEMA = "1"  # bump when what is cached changes shape
MAX_MB_ENV = "LICENSE_CHECK_CACHE_MAX_MB"
DEFAULT_MAX_MB = 256.0
_DB_NAME = f"results-v{SCHEMA}.sqlite"
_TOUCH_AFTER = 3600  # seconds: a hit older than this is marked used again (for least-recently-used eviction)


def max_bytes() -> int:
    try:
        megabytes = float(os.environ.get(MAX_MB_ENV, DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(max(megabytes, 0.0) * 2**20)


_BUILTINS = frozenset({"tuple", "list", "dict", "set", "frozenset", "str", "bytes", "int", "float", "bool"})
_ALLOWED: dict[tuple[str, str], Any] = {}


class _Unpickler(pickle.Unpickler):
    """Only license-check's own dataclasses and enums, and plain builtins: a cache entry is data, never code
    (no function of license-check either: loading an entry can only build values)."""

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is not None:
            return found
        if module.startswith("license_check.") or (module == "builtins" and name in _BUILTINS):
            found = super().find_class(module, name)
            if module == "builtins" or (isinstance(found, type) and (
                    dataclasses.is_dataclass(found) or issubclass(found, enum.Enum))):
                _ALLOWED[(module, name)] = found
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def _by_constructor(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # derived fields are computed again
    return lambda obj: (cls, tuple(getattr(obj, n) for n in names))


# Dataclasses are pickled as Class(*fields): loading calls the constructor, twice as fast as pickle's
# default for slotted dataclasses (which sets each field through a Python-level __setstate__).
_REDUCERS: dict[type, Any] = {
    cls: _by_constructor(cls) for module in (model, base, license_files) for cls in vars(module).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
}


def encode(value: object) -> bytes:
    """A checksummed pickle (also what a worker sends back; the store seals it with a MAC on top)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = {**copyreg.dispatch_table, **_REDUCERS}
    pickler.dump(value)
    payload = buffer.getvalue()
    return hashlib.blake2b(payload, digest_size=16).digest() + payload


def canonical(value: object) -> bytes:
    """The value's pickle without the memo (each shared object written out again): equal values give equal bytes
    however they were built (a value loaded from the cache shares objects a computed one does not), so that a
    digest of it says whether the value changed. Not for storing: larger and slower to load."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = {**copyreg.dispatch_table, **_REDUCERS}
    pickler.fast = True  # no memo: the evidence is a tree of values, never self-referential
    pickler.dump(value)
    return buffer.getvalue()


def decode(blob: bytes) -> Any:
    """The value, or None for a damaged entry (bad checksum, foreign class, truncated pickle, ...)."""
    if len(blob) < 16 or hashlib.blake2b(blob[16:], digest_size=16).digest() != blob[:16]:
        return None
    try:
        return _Unpickler(io.BytesIO(blob[16:])).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry, it is only a miss
        return None


def _regular_files(path: Path) -> bool:
    """The database and its journals are regular files or absent (a FIFO, device or symlink planted in their
    place is removed); the database is created 0600 (SQLite gives its journals the database's mode)."""
    for suffix in ("-wal", "-shm", "-journal", ""):
        name = f"{path}{suffix}"
        try:
            if not stat.S_ISREG(os.lstat(name).st_mode):
                os.unlink(name)
        except FileNotFoundError:
            pass
        except OSError:
            return False
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.fchmod(fd, 0o600)
        return stat.S_ISREG(st.st_mode)
    except OSError:
        return False
    finally:
        os.close(fd)


class ResultStore:
    """Cached results in one SQLite database: transactions make every write atomic and concurrent runs
    safe (a locked database only skips writing); damage costs a miss, never a crash."""

    def __init__(self, connection: sqlite3.Connection, log: Callable[[str], None], path: Path | None = None) -> None:
        self._db = connection
        self._log = log
        self._path = path

    @classmethod
    def open(cls, log: Callable[[str], None]) -> ResultStore | None:
        path = cache_dir() / _DB_NAME
        if secret() is None:
            log("cache unavailable (no private key to authenticate entries); scanning without it")
            return None
        for attempt in (1, 2):
            if not private_dir(path.parent) or not _regular_files(path):
                log(f"cache unavailable ({path.parent} is not a private folder of regular files); scanning without it")
                return None
            try:
                db = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
                try:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA synchronous=NORMAL")
                    db.execute("CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL, "
                               "size INTEGER NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID")
                except BaseException:
                    db.close()
                    raise
                return cls(db, log, path)
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and "not a database" in str(exc):  # a damaged file: start a new one
                    with contextlib.suppress(OSError):
                        path.unlink()
                    continue
                log(f"cache unavailable ({exc}); scanning without it")
            except OSError as exc:
                log(f"cache unavailable ({exc.strerror or exc}); scanning without it")
        return None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def get_many(self, keys: list[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        stale: list[bytes] = []
        now = int(time.time())
        mac_key = secret()  # once: thousands of rows per scan
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, value, used FROM entries WHERE key IN ({marks})", chunk)
                for key, value, used in rows:
                    payload = unseal(bytes(key), bytes(value), mac_key)
                    if payload is None:  # edited, copied from another key, or sealed with another secret
                        continue
                    found[bytes(key)] = payload
                    if now - int(used) > _TOUCH_AFTER:
                        stale.append(bytes(key))
            if stale:
                self._write(lambda: self._db.executemany("UPDATE entries SET used = ? WHERE key = ?",
                                                         [(now, k) for k in stale]))
        except sqlite3.Error as exc:
            self._log(f"cache read failed ({exc}); analysing those files again")
        return found

    def put_many(self, items: dict[bytes, bytes]) -> None:
        now = int(time.time())
        mac_key = secret()
        sealed = {k: seal(k, v, mac_key) for k, v in items.items()}
        rows = [(k, v, len(k) + len(v), now) for k, v in sealed.items() if v is not None]
        self._write(lambda: self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows))
        limit = max_bytes()
        if not self._fits(limit):
            self.evict(limit)

    def _fits(self, limit: int) -> bool:
        """Whether the entries surely take at most ``limit``: the database and its journal hold every byte of
        them, so files this small need no sum over every row (a table scan on each write, 0.1 s at 50k rows)."""
        if self._path is None:
            return False
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.stat(f"{self._path}{suffix}").st_size
            except FileNotFoundError:
                continue
            except OSError:
                return False
        return total <= limit

    def evict(self, limit: int) -> None:
        """Least recently used entries go until the entries take at most 80 % of ``limit``."""
        def run() -> None:
            total = int(self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0])
            if total <= limit:
                return
            doomed: list[bytes] = []
            for key, size in self._db.execute("SELECT key, size FROM entries ORDER BY used, key"):
                if total <= limit * 0.8:
                    break
                doomed.append(key)
                total -= int(size)
            self._db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in doomed])
        self._write(run)

    def _write(self, step: Callable[[], object]) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                step()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:  # locked by another run for too long, disk full, read-only, ...
            self._log(f"cache write skipped ({exc})")
