"""The normalizer's id table: every spelling of a license or exception id, and the canonical id (for a
few deprecated SPDX ids: the expression) it stands for. normalize.py builds its ``Licensing`` from it.

Sources: the SPDX license list (rules/generated/spdx-ids.json), the ScanCode LicenseDB snapshot
(rules/generated/scancode-licensedb.json) and the project's own LicenseRef ids (their tables in
rules/licenses/). Spellings are matched case-insensitively; when two collide, the first tier wins:

1. SPDX list ids. A current id is itself. A deprecated id is its documented replacement (SPDX
   ``obsoletedBy``): GPL-2.0+ -> GPL-2.0-or-later, Nunit -> zlib-acknowledgement, wxWindows -> GPL-2.0-or-later
   WITH WxWindows-exception-3.1, GPL-2.0-with-classpath-exception -> GPL-2.0-only WITH Classpath-exception-2.0.
   Where SPDX lists two replacements (GPL-2.0: -only and -or-later) the first, narrower one is taken; the
   spelling states no version scope, which normalize.py reports (``Normalized.version_ambiguous``).
   Deprecated ids without a replacement fall to tier 3 (ScanCode's reading), else stay themselves.
2. The project's LicenseRef ids and ScanCode's own LicenseRef-scancode-<key> ids.
3. The other SPDX keys ScanCode lists for an entry (deprecated ids, "GPL 2.0").
4. ScanCode keys, bare and as LicenseRef-scancode-<key>, mapped to the entry's id.

A ScanCode entry's id is ``LicenseRef-scancode-<key>`` when ScanCode has no SPDX id for it. Where <key> is,
case-insensitively, a current SPDX id that no ScanCode entry maps to (ScanCode 32.5.0 predates it:
capec-tou, unrar, wordnet, openmdw-1.0), the entry is that SPDX id. Where another ScanCode entry has the
SPDX id, the key names another license (bsl-1.0 is the Business Source License 1.0, not the Boost
BSL-1.0): it keeps its LicenseRef, and only its bare key yields to the SPDX id (tier 1).

SPDX's ``+`` operator ("<id> or any later version") on an id without an -or-later form is kept as a
symbol of its own (``plus``: "Apache-2.0+"); normalize.py maps "GPL-2.0-only+" to GPL-2.0-or-later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from license_check.knowledge.data import DBEntry, LicenseDB, SpdxId, SpdxList

_OPERATORS = {"and": "AND", "or": "OR", "with": "WITH"}
_GNU_ONLY = re.compile(r"^(?:A?GPL|LGPL|GFDL)-\d\.\d-only$")


@dataclass(frozen=True, slots=True)
class Symbol:
    key: str
    is_exception: bool
    is_deprecated: bool


@dataclass(frozen=True, slots=True)
class IdTable:
    tokens: dict[str, str]  # lower-cased spelling -> canonical id
    expansions: dict[str, str]  # lower-cased deprecated spelling -> canonical expression ("... WITH ...")
    symbols: tuple[Symbol, ...]  # every canonical id
    plus: frozenset[str]  # "<id>+" symbols: SPDX license ids that have no -or-later form
    exceptions: frozenset[str]

    @property
    def canonical(self) -> set[str]:
        return {s.key for s in self.symbols}


def or_later(base: str, canonical: set[str] | frozenset[str]) -> str | None:
    """The -or-later id that ``<base>+`` means, where there is one (GPL-2.0-only -> GPL-2.0-or-later)."""
    if base.endswith("-or-later"):
        return base
    later = base[: -len("-only")] + "-or-later" if base.endswith("-only") else base + "-or-later"
    return later if later in canonical else None


def version_unstated(spelling: str, expression: str) -> bool:
    """``spelling`` names a GNU license -only without saying "only" ("GPL-2.0", "GPLv2", "GNU GPL v2")."""
    return "only" not in spelling.lower() and any(_GNU_ONLY.match(s) for s in re.split(r"[\s()]+", expression))


def scancode_id(entry: DBEntry, current: dict[str, SpdxId], claimed: set[str]) -> str:
    """The canonical id of a LicenseDB entry: its SPDX id, or the SPDX id ScanCode predates (see above)."""
    listed = current.get(entry.key.lower())
    if (listed is not None and entry.spdx.lower() == f"licenseref-scancode-{entry.key}".lower()
            and entry.key.lower() not in claimed and listed.is_exception == entry.is_exception):
        return listed.id
    return entry.spdx


class _Builder:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.expansions: dict[str, str] = {}
        self.symbols: dict[str, Symbol] = {}

    def symbol(self, key: str, is_exception: bool, is_deprecated: bool) -> None:
        old = self.symbols.get(key)
        if old is None or (old.is_deprecated and not is_deprecated):
            self.symbols[key] = Symbol(key, is_exception, is_deprecated)

    def add(self, spelling: str, target: str) -> None:
        low = " ".join(spelling.lower().split())
        if low not in self.tokens and low not in self.expansions:
            (self.expansions if " " in target else self.tokens)[low] = target

    def rewrite(self, text: str) -> str | None:
        """A replacement as SPDX writes it, in canonical ids ("GPL-2.0 WITH X" -> "GPL-2.0-only WITH X")."""
        out = []
        for word in text.split():
            low = word.lower()
            if low in _OPERATORS:
                out.append(_OPERATORS[low])
                continue
            found = self.tokens.get(low)
            if found is None and low.endswith("+"):  # "GPL-2.0-or-later+" (sic, GPL-2.0-with-font-exception)
                base = self.tokens.get(low.rstrip("+"))
                found = or_later(base, set(self.symbols)) if base else None
            if found is None:
                return None
            out.append(found)
        return " ".join(out) or None


def build(spdx: SpdxList, db: LicenseDB, project_ids: Iterable[str]) -> IdTable:
    b = _Builder()
    current = {e.id.lower(): e for e in spdx.entries if e.deprecated is None}
    deprecated = [e for e in spdx.entries if e.deprecated is not None]
    claimed = {k.lower() for e in db.entries for k in (e.spdx, *e.other_spdx)}
    ordered = sorted(db.entries, key=lambda e: (e.is_deprecated, e.key))
    ids = {e.key: scancode_id(e, current, claimed) for e in ordered}

    for listed in current.values():  # tier 1: current SPDX ids
        b.symbol(listed.id, listed.is_exception, False)
        b.tokens[listed.id.lower()] = listed.id
    for pid in project_ids:
        b.symbol(pid, False, False)
    for entry in ordered:
        b.symbol(ids[entry.key], entry.is_exception, entry.is_deprecated)
    # Deprecated ids with one plain replacement first: other replacements name them ("GPL-2.0 WITH ...").
    for old in sorted(deprecated, key=lambda d: " " in d.obsoleted_by[0].target if d.obsoleted_by else True):
        if not old.obsoleted_by:
            continue
        first = b.rewrite(old.obsoleted_by[0].target)
        if first is not None:
            b.add(old.id, first)
        for other in old.obsoleted_by[1:]:  # "GPL-2.0+" = GPL-2.0-or-later, as SPDX spells the second one
            target = b.rewrite(other.target)
            if other.spelling and target is not None:
                b.add(other.spelling, target)
    for pid in project_ids:  # tier 2
        b.add(pid, pid)
    for entry in ordered:
        b.add(ids[entry.key], ids[entry.key])
    for entry in ordered:  # tier 3
        for spelling in entry.other_spdx:
            b.add(spelling, ids[entry.key])
    for old in deprecated:  # no replacement, and ScanCode has no reading either: the id itself
        if old.id.lower() not in b.tokens and old.id.lower() not in b.expansions:
            b.symbol(old.id, old.is_exception, True)
            b.add(old.id, old.id)
    for entry in ordered:  # tier 4
        b.add(entry.key, ids[entry.key])
        b.add(f"LicenseRef-scancode-{entry.key}", ids[entry.key])

    canonical = set(b.symbols)
    exceptions = frozenset(s.key for s in b.symbols.values() if s.is_exception)
    plus = frozenset(f"{c.id}+" for c in current.values()
                     if not c.is_exception and or_later(c.id, canonical) is None and not c.id.endswith("-only"))
    return IdTable(b.tokens, b.expansions, tuple(b.symbols.values()), plus, exceptions)
