"""Which waivers and clarifications still apply: expiry dates and sha256 pins.

A waiver is ``active``, ``expired`` (today is after its ``expires`` day), ``changed`` (its pinned
file's sha256 differs), ``missing`` (the pinned file is gone, unreadable, not a regular file, or a
symlink) or ``too-large`` (over collect.digests.HASH_CAP, not hashed). A clarification is ``active``,
``changed``, ``missing`` or ``too-large``. The collect stage hashes the pinned files (collect/digests.py,
inside the scanned root only); this module compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from license_check.policy.model import Policy

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


def pinned_paths(policy: Policy) -> tuple[str, ...]:
    """The files whose sha256 the waivers and clarifications of ``policy`` pin (for collect.digests)."""
    paths = [w.file for w in policy.waivers if w.sha256 is not None and w.file is not None]
    return tuple(sorted({*paths, *(c.path for c in policy.clarifications)}))


def check_pins(policy: Policy, digests: Mapping[str, tuple[str | None, str]], today: date) -> Pins:
    """The status of every waiver and clarification of ``policy``, given the ``digests`` the collect stage
    made of ``pinned_paths(policy)`` (path -> (hex digest, "") or (None, "missing" | "too-large"))."""
    found: dict[tuple[str, int], str] = {}

    def pin(kind: str, index: int, rel: str, expected: str) -> str:
        digest, problem = digests.get(rel, (None, "missing"))
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
