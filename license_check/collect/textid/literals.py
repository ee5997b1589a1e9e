"""The words a regular expression cannot match without: a pre-check in C before a slow case-insensitive search.

Python's ``re`` has no literal-prefix scan for a case-insensitive alternation that starts with ``\\b``: it tries
every branch at every position (the use-terms clauses of rules/use-terms.toml take 30 to 200 us on a 1 KiB
header, and every file's header is read). ``required(pattern)`` works out, from the pattern's parse tree, a set
of lower-case words such that every match contains at least one of them; ``may_match`` then answers "no match"
with a few ``in`` tests on the lowered text, and only a text that holds one of the words is searched.

Sound by construction, and conservative where it is not sure: a run of literal characters is cut at anything
that is not a plain literal (a class, a repeat, an anchor, whitespace, ``*`` or ``_``, which flattening turns into
a space); an optional part requires nothing; an alternation requires one word of each branch; anything the walk
does not know requires nothing (no pre-check at all). A text with characters beyond ASCII is always searched:
case-insensitive matching folds some of them onto ASCII letters (U+017F to "s", U+212A to "k") that
``str.lower`` leaves alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

MIN_WORD = 3  # a pre-check on shorter words rejects too little to pay for itself


def _walk(items: Any) -> frozenset[str] | None:
    """The best requirement of a sequence of parse items: a set of words one of which every match holds."""
    from re import _constants as c  # type: ignore[attr-defined]

    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and all(len(w) >= MIN_WORD for w in found) and (
                best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    def close_run() -> None:
        if run:
            consider(frozenset({"".join(run).lower()}))
            run.clear()

    for op, av in items:
        if op is c.LITERAL and not chr(av).isspace() and chr(av) not in "*_":
            run.append(chr(av))
            continue
        close_run()
        if op is c.SUBPATTERN:
            consider(_walk(av[3]))
        elif op is c.ATOMIC_GROUP:
            consider(_walk(av))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                consider(_walk(av[2]))
        elif op is c.BRANCH:
            words: set[str] = set()
            for branch in av[1]:
                found = _walk(branch)
                if not found:
                    words.clear()
                    break
                words |= found
            if words:
                consider(frozenset(words))
    close_run()
    return best


@functools.lru_cache(maxsize=512)
def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case words one of which every match of ``pattern`` contains, or None (no such set is known)."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _walk(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a private parser that changed, an odd pattern: no pre-check, never a wrong one
        return None


def required_any(patterns: list[re.Pattern[str]]) -> frozenset[str] | None:
    """Words one of which every match of any of ``patterns`` contains, or None."""
    words: set[str] = set()
    for pattern in patterns:
        found = required(pattern)
        if not found:
            return None
        words |= found
    # A word that holds another one is implied by it: "commercially" by "commercial".
    return frozenset(w for w in words if not any(v != w and v in w for v in words)) if words else None


def may_match(text: str, words: frozenset[str] | None) -> bool:
    """False only when no match is possible: ``text`` is ASCII and holds none of ``words``."""
    if words is None or not text.isascii():
        return True
    low = text.lower()
    return any(w in low for w in words)


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, without the search when ``text`` cannot hold a match."""
    return pattern.finditer(text) if may_match(text, required(pattern)) else iter(())
