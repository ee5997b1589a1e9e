"""Which files the per-file session handles, and what says each is unchanged: its plan, stat key and digest.

A plan is a file that a file-local detector (collect.detectors.FILE_LOCAL) or the license-file detector
reads, with the largest cap they read it to and the SHA-256 of those bytes. A source or large file whose
stat (device, inode, size, mtime and ctime in ns, as git's index) is what it was at the last scan keeps the
digest it had then, from the tree's snapshot (snapshot.py) or the store's stat memo, and is not read now;
license-bearing files (storage.always_hashed) are always read and hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from license_check.cache import snapshot
from license_check.cache.store import ResultStore
from license_check.collect.detectors import FILE_LOCAL, license_files
from license_check.collect.reading import LICENSE_TEXT_CAP, preloaded, read_bytes
from license_check.model import FileEntry
from license_check.storage import always_hashed

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage "" = finished


@dataclass(frozen=True, slots=True)
class Plan:
    """A file the session handles: which detectors read it, and what its bytes were when it was read."""

    entry: FileEntry
    detectors: tuple[str, ...]  # FILE_LOCAL detectors that read it
    license_text: bool  # license_files identifies it
    cap: int  # the most bytes any of them reads
    truncated: bool
    digest: bytes | None  # of the first ``cap`` bytes: with path and size, what the result depends on (None:
    # no store, so no key: the file is read once, by the detectors' shared read, and never hashed)
    stat: Stat | None = None  # what says it is unchanged without reading it (None: always read and hashed)


@dataclass(frozen=True, slots=True)
class Plans:
    plans: list[Plan]
    unread: int  # files a file-local detector wants that could not be read now (it reads them and says why)


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()  # SHA-256: hardware-accelerated on most CPUs, faster than BLAKE2 here


def content_key(prefix: bytes, kind: str, plan: Plan) -> bytes:
    """The per-file cache's key of a result: what it depends on (the tool and rules in ``prefix``, which
    detectors, the path, size and bytes)."""
    found = hashlib.blake2b(prefix, digest_size=20)
    for part in (kind, plan.entry.path, str(plan.entry.size), str(plan.truncated)):
        found.update(part.encode("utf-8", "surrogateescape") + b"\0")
    found.update(plan.digest or b"")
    return found.digest()


Stat = tuple[int, int, int, int, int, int]  # device, inode, size, mtime ns, ctime ns, and the cap it is read to


def file_stat(entry: FileEntry, seen: Mapping[str, tuple[int, int, int, int, int]], cap: int) -> Stat | None:
    """What says a file is unchanged without reading it (as git's index does): device, inode, size, and the
    modification and change times in ns (the kernel sets ctime on every write; nobody can set it back); the
    walk's own stat (``seen``: Discovery.stats) when it made one, else a stat now. None: not a regular file."""
    known = seen.get(entry.path)
    if known is not None:
        return (*known, cap)
    try:
        st = os.stat(entry.abspath, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, cap


def stat_key(prefix: bytes, entry: FileEntry, seen: Stat) -> bytes:
    """The store's key of the digest a file had with this stat (for a file the tree's snapshot does not know)."""
    text = f"stat\0{entry.path}\0{entry.abspath}\0" + "\0".join(map(str, seen))
    return hashlib.blake2b(prefix + b"\0" + text.encode("utf-8", "surrogateescape"), digest_size=20).digest()


@contextlib.contextmanager
def reread(plan: Plan) -> Iterator[bool | None]:
    """Read the file (again, when it was hashed: only the digest was kept) for the detectors and share that one
    read with all of them; yields whether it still holds the bytes the key was made from (if not, the result
    is not cached), or None when it cannot be read."""
    data, truncated, _error = read_bytes(plan.entry.abspath, plan.cap)
    if data is None:  # gone or unreadable: the detectors find out themselves and report it
        yield None
        return
    with preloaded({plan.entry.abspath: (data, truncated)}):
        yield plan.digest is None or (truncated == plan.truncated and digest(data) == plan.digest)


def read_plans(files: Sequence[FileEntry], report: Progress, store: ResultStore | None = None,
               prefix: bytes = b"", last: snapshot.Snapshot | None = None,
               seen: Mapping[str, tuple[int, int, int, int, int]] | None = None) -> Plans:
    """Read and hash every file a file-local detector or license_files reads, but a source or large file whose
    stat is what it was when it was last hashed (found in the tree's snapshot ``last``, else in ``store``)."""
    licenses = {e.path for e in license_files.text_candidates(files)}
    records = last or {}
    seen = seen or {}
    wanted: list[tuple[FileEntry, tuple[str, ...], bool, int, Stat | None]] = []
    for entry in files:
        is_license = entry.path in licenses
        if entry.size == 0 and not is_license:
            continue  # an empty file states nothing: nothing to read, hash or analyse (100,000 of them cost 26 s)
        record = records.get(entry.path)
        if record is not None and record.size == entry.size:  # ``wants`` answers by path and size (base.py)
            names = record.detectors
        else:
            names = tuple(name for name, d in FILE_LOCAL.items() if d.wants is not None and d.wants(entry))
        if names or is_license:
            cap = max([FILE_LOCAL[name].cap for name in names] + ([LICENSE_TEXT_CAP] if is_license else []))
            by_stat = store is not None and not is_license and not always_hashed(entry.path, entry.size)
            wanted.append((entry, names, is_license, cap, file_stat(entry, seen, cap) if by_stat else None))
    memo_keys = {w[0].path: stat_key(prefix, w[0], w[4]) for w in wanted
                 if w[4] is not None and getattr(records.get(w[0].path), "stat", None) != w[4]}
    known = store.get_many(list(memo_keys.values())) if store and memo_keys else {}
    plans: list[Plan] = []
    hashed: dict[bytes, bytes] = {}
    unread = 0
    for n, (entry, names, is_license, cap, now) in enumerate(wanted, 1):
        if n % 500 == 0:
            report("reading files", n, len(wanted))
        record = records.get(entry.path)
        if now is not None and record is not None and record.stat == now:
            plans.append(Plan(entry, names, is_license, cap, record.truncated, record.digest, now))
            continue
        key = memo_keys.get(entry.path)
        memo = known.get(key) if key is not None else None
        if memo is not None and len(memo) == 33 and memo[0] in (0, 1):
            plans.append(Plan(entry, names, is_license, cap, memo[0] == 1, memo[1:], now))
            continue
        if store is None and not is_license:  # nothing to key: the detectors' shared read is the only one
            plans.append(Plan(entry, names, is_license, cap, False, None))
            continue
        data, truncated, _error = read_bytes(entry.abspath, cap)
        if data is None:  # the detectors read it themselves and report why they cannot
            unread += bool(names)
            continue
        found = digest(data)
        plans.append(Plan(entry, names, is_license, cap, truncated, found, now))
        if key is not None:
            hashed[key] = bytes([int(truncated)]) + found
    if store and hashed:
        store.put_many(hashed)
    return Plans(plans, unread)
