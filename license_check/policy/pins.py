"""Which waivers and clarifications still apply: expiry dates and sha256 pins.

A waiver is ``active``, ``expired`` (today is after its ``expires`` day), ``changed`` (its pinned
file's sha256 differs), ``missing`` (the pinned file is gone, unreadable, not a regular file, or a
symlink) or ``too-large`` (over HASH_CAP, not hashed). A clarification is ``active``, ``changed``,
``missing`` or ``too-large``. Files are opened inside the scanned root only: the real path must stay
inside the root and the file itself is opened with O_NOFOLLOW|O_NONBLOCK.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from license_check.policy.model import Policy

HASH_CAP = 256 * 1024 * 1024  # bytes: a larger pinned file is not hashed ("too-large")
STATUSES = ("active", "expired", "changed", "missing", "too-large")


@dataclass(frozen=True, slots=True)
class Pins:
    """Status per waiver index and per clarification index (every index is present)."""

    waivers: Mapping[int, str]
    clarifications: Mapping[int, str]
    # (kind, index) -> the sha256 found now ("" when the file could not be hashed), for messages
    found: Mapping[tuple[str, int], str]

    def lapsed(self) -> list[tuple[str, int, str]]:
        """(``waiver`` | ``clarification``, index, status) for everything not active, in order."""
        return [("waiver", i, s) for i, s in sorted(self.waivers.items()) if s != "active"] + [
            ("clarification", i, s) for i, s in sorted(self.clarifications.items()) if s != "active"]


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


def check_pins(policy: Policy, root: str, today: date) -> Pins:
    """The status of every waiver and clarification of ``policy`` for the scan of ``root``."""
    found: dict[tuple[str, int], str] = {}
    cache: dict[str, tuple[str | None, str]] = {}

    def pin(kind: str, index: int, rel: str, expected: str) -> str:
        if rel not in cache:
            cache[rel] = file_sha256(root, rel)
        digest, problem = cache[rel]
        found[(kind, index)] = digest or ""
        if digest is None:
            return problem
        return "active" if digest == expected.lower() else "changed"

    waivers: dict[int, str] = {}
    for w in policy.waivers:
        if w.expires is not None and today > w.expires:
            waivers[w.index] = "expired"
        elif w.sha256 is not None and w.file is not None:
            waivers[w.index] = pin("waiver", w.index, w.file, w.sha256)
        else:
            waivers[w.index] = "active"
    clarifications = {c.index: pin("clarification", c.index, c.path, c.sha256) for c in policy.clarifications}
    return Pins(waivers, clarifications, found)


def utc_today() -> date:
    """Today in UTC: a waiver's ``expires`` day ends at midnight UTC wherever the check runs (one stated
    time zone, so a waiver that expires today does not pass in UTC and fail in UTC+14)."""
    return datetime.now(UTC).date()
