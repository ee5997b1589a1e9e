"""The loaded rules kept between runs: one sealed pickle of a Knowledge per state of its rules and of the tool's code.

Loading and validating the rules (Knowledge.load) takes 0.2 s on every run; a rescan after editing one file
spends a fifth of its time there. The loaded Knowledge depends on nothing but the files of its rules folder,
license-check's own code and the versions of Python and the libraries that shape results, so it is stored in the
user cache (storage.cache_dir) under a name that is the SHA-256 of all of them (storage.tree_digest: each file's
stat, as git's index keeps it, a recently written one by its bytes). Rules or code that changed give another
name: a stored Knowledge is always the one a fresh load gives. Only a load that validated is stored (a broken
rules folder raises before), and the entry is sealed with the per-user secret (storage.seal), so only what this
user's license-check wrote is ever unpickled. ``--no-cache``, ``CI=true`` and ``$LICENSE_CHECK_CACHE=0`` leave it
alone, as they do the parsed-rules cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import pickle
import sys
from pathlib import Path
from typing import Any

from license_check import __version__, storage

FORMAT = "knowledge-2"  # 2: dataclasses written as Class(*fields) (_Pickler)
FOLDER = "knowledge"
_CAP = 64 << 20
_KEEP = 8  # entries kept (one per rules folder and code version): the oldest go


def _name(folder: Path) -> str:
    package = Path(__file__).resolve().parents[1]  # the license_check package
    digest = hashlib.sha256("\0".join((
        FORMAT, sys.version, __version__, storage.dependency_versions(), str(folder),
        storage.tree_digest(package, (".py",)), storage.tree_digest(folder, (".toml", ".json", ".txt")),
    )).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:40]


def _path(folder: Path) -> Path | None:
    enabled, _ = storage.caches_enabled()
    if not enabled:
        return None
    try:
        return storage.cache_dir() / FOLDER / f"{_name(folder)}.pickle"
    except (OSError, RuntimeError):  # no usable cache folder, or a rules file that vanished while stat-ed
        return None


def load(folder: Path) -> object | None:
    """What was stored for ``folder`` as it is now (a Knowledge: book.py checks), or None."""
    path = _path(folder)
    blob = storage.read_regular(path, _CAP) if path is not None else None
    payload = None if blob is None or path is None else storage.unseal(path.name.encode(), blob)
    if payload is None:
        return None
    try:
        return pickle.loads(payload)  # type: ignore[no-any-return]  # noqa: S301 - sealed: only our own writes
    except Exception:  # noqa: BLE001 - an entry of another version of the classes: load the rules again
        return None


class _Pickler(pickle.Pickler):
    """A dataclass whose every field is an __init__ argument and that has no __post_init__ is written as
    ``Class(*fields)``: loading calls its __init__ once instead of pickle's default for a frozen slotted
    dataclass (a Python-level __setstate__ that looks up the fields and sets each): 6,400 of them, 0.01 s of
    every load. Any other object is pickled as usual."""

    def reducer_override(self, obj: object) -> Any:
        cls = type(obj)
        if not dataclasses.is_dataclass(cls) or isinstance(obj, type) or hasattr(cls, "__post_init__"):
            return NotImplemented
        fields = dataclasses.fields(cls)
        if not all(f.init for f in fields):
            return NotImplemented
        return cls, tuple(getattr(obj, f.name) for f in fields)


def _dumps(knowledge: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(knowledge)
    return buffer.getvalue()


def store(folder: Path, knowledge: object) -> None:
    """Keep ``knowledge`` (just loaded and validated from ``folder``) for the next run."""
    path = _path(folder)
    if path is None:
        return
    with contextlib.suppress(Exception):  # a cache that cannot be written costs the next run 0.2 s, nothing else
        sealed = storage.seal(path.name.encode(), _dumps(knowledge))
        if sealed is not None and len(sealed) <= _CAP:
            storage.write_private(path, sealed)
            entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
            for old in entries[:-_KEEP]:
                old.unlink(missing_ok=True)
