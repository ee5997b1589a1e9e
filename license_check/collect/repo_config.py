"""The scanned repository's own configuration file, read like any other byte of the tree: at most a cap,
never through a symlink, never from a FIFO or device. policy/load.py parses it ([tool.license-check])."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class OwnConfig:
    """The bytes of ``<root>/pyproject.toml`` (at most ``cap + 1``: one more says it is larger)."""

    path: str  # as messages name it: the root joined with pyproject.toml
    data: bytes


def read_own_pyproject(root: str, cap: int) -> OwnConfig | None:
    """``<root>/pyproject.toml``, or None when it is absent, a symlink, unreadable or not a regular file
    (none of those is the owner's configuration)."""
    file = os.path.join(root, PYPROJECT)
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:  # absent, a symlink (ELOOP), unreadable
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return OwnConfig(file, handle.read(cap + 1))
        except OSError:
            return None
