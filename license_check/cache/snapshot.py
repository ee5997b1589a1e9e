"""A tree's files as its last scan left them, in one cache entry: what a rescan needs to see what changed.

The per-file cache (session.py) keys a file's results by its bytes and finds those through its stat: two
look-ups, two unseals and an unpickle per file, 0.2 s for 5,000 unchanged files. The snapshot holds, per
path, the stat and digest the file had, which file-local detectors read it, and the digest of its
encoded results (the per-file entry). A rescan loads it once: a file whose stat is the record's (or, for
a license-bearing file, always read again, whose digest is) has the record's digest and the same results,
which stay in the per-file cache until something needs them (session.py loads them on first use); and the
digests of all results together say whether the file-local evidence as a whole is what a stored report was
made from (pipeline.collect, cache/report.py), without loading any of it.

The snapshot's key holds what every per-file key holds (the cache schema, the tool's code and the rules), the
tree's absolute path and the ScanCode setting; each record holds the rest of a per-file key (size, truncation,
digest, detectors). It is sealed and checked like every entry (store.py); a record that does not match a file
in every part is ignored, never trusted in part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from license_check.cache.store import ResultStore, decode, encode


@dataclass(frozen=True, slots=True)
class Record:
    """What the last scan knew of one file (a plain tuple when stored: tuples load fastest)."""

    stat: tuple[int, ...] | None  # plans.Stat (None: always read and hashed again, a license-bearing file)
    size: int
    truncated: bool
    digest: bytes
    detectors: tuple[str, ...]
    results: bytes  # the digest of the file-local detectors' encoded results (its per-file cache entry)

    def matches(self, size: int, truncated: bool, digest: bytes | None, detectors: tuple[str, ...]) -> bool:
        return (self.size, self.truncated, self.digest, self.detectors) == (size, truncated, digest, detectors)


Snapshot = dict[str, Record]  # relative path -> record


def key(prefix: bytes, tree: str, use_scancode: bool) -> bytes:
    """``tree``: the scanned folder's absolute path, a name only (nothing here reads the tree)."""
    text = f"snapshot\0{tree}\0scancode={use_scancode}"
    return hashlib.blake2b(prefix + b"\0" + text.encode("utf-8", "surrogateescape"), digest_size=20).digest()


def results_digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=20).digest()


def load(store: ResultStore, snapshot_key: bytes) -> Snapshot:
    """The tree's snapshot, or an empty one (none yet, damaged, or not of this shape)."""
    blob = store.get_many([snapshot_key]).get(snapshot_key)
    rows = decode(blob) if blob is not None else None
    if not isinstance(rows, dict):
        return {}
    return {path: Record(*row) for path, row in rows.items()
            if isinstance(path, str) and isinstance(row, tuple) and len(row) == 6}


def save(store: ResultStore, snapshot_key: bytes, snapshot: Snapshot) -> None:
    rows = {path: (r.stat, r.size, r.truncated, r.digest, r.detectors, r.results)
            for path, r in sorted(snapshot.items())}
    store.put_many({snapshot_key: encode(rows)})
