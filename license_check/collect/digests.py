"""The sha256 of the files a policy pins (waivers and clarifications with ``sha256``), read in the
collect stage like every other byte of the scanned tree; policy/pins.py compares them.

Files are opened inside the scanned root only: the real path of the folder must stay inside the root,
and the file itself is opened with O_NOFOLLOW|O_NONBLOCK (a symlink, FIFO or device is "missing").
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable

HASH_CAP = 256 * 1024 * 1024  # bytes: a larger pinned file is not hashed ("too-large")


def pinned_digests(root: str, paths: Iterable[str]) -> dict[str, tuple[str | None, str]]:
    """path -> (hex digest, "") or (None, "missing" | "too-large"), for each relative posix path."""
    return {rel: file_sha256(root, rel) for rel in paths}


def file_sha256(root: str, rel: str) -> tuple[str | None, str]:
    """(hex digest, "") or (None, "missing" | "too-large"). ``rel`` is a relative posix path."""
    real_root = os.path.realpath(root)
    target = os.path.join(real_root, *rel.split("/"))
    parent = os.path.realpath(os.path.dirname(target))
    if os.path.commonpath([real_root, parent]) != real_root:
        return None, "missing"  # a symlinked folder leads outside the root
    try:
        fd = os.open(os.path.join(parent, os.path.basename(target)),
                     os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None, "missing"
    with os.fdopen(fd, "rb", buffering=0) as handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, "missing"
            if info.st_size > HASH_CAP:
                return None, "too-large"
            digest = hashlib.sha256()
            read = 0
            while chunk := handle.read(1024 * 1024):
                read += len(chunk)
                if read > HASH_CAP:  # it grew while being read
                    return None, "too-large"
                digest.update(chunk)
        except OSError:
            return None, "missing"
    return digest.hexdigest(), ""


def pin_stats(root: str, paths: Iterable[str]) -> dict[str, str]:
    """path -> its stat line, for the report cache's key (a changed pinned file is a different report)."""
    return {rel: stat_line(os.path.join(root, rel)) for rel in set(paths)}


def stat_line(path: str) -> str:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError as exc:
        return f"unreadable {exc.errno}"
    fields = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return regular_stat_line(fields) if stat.S_ISREG(st.st_mode) else f"o {' '.join(map(str, fields))}"


def regular_stat_line(fields: tuple[int, int, int, int, int]) -> str:
    """stat_line of a regular file from its (device, inode, size, mtime ns, ctime ns): Discovery.stats."""
    return f"f {' '.join(map(str, fields))}"
