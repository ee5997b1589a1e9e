"""Numbers a copy of a license text may change: a date or version inside one of its copyright statements.

libpng's LICENSE is rewritten with every release: "libpng versions 1.2.6, August 15, 2004, through 1.6.17,
March 26, 2015, are Copyright (c) ..." where the 1.2.33 text says "through 1.2.33, October 31, 2008", and the
maintainer's signature at the end carries the release date. Those numbers say which releases a holder's
copyright covers, not what anyone may do. A number in the terms ("within 30 days", "version 2 of the
License", "Apache License, Version 2.0") is a term: the fast path never lets one change.

So a run of numbers the file has in place of the reference's passes only when both are dates or dotted
versions (digits, ordinals, month names) and the reference's words stand in a *statement paragraph*: a
paragraph of the reference that holds a copyright statement ("Copyright (c) 2004", "Copyright 1998"), or its
last paragraph when that is a short signature with no word of the grant.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from license_check.collect.textid.tokens import normalize_tokens

MAX_SIGNATURE_WORDS = 12
_STATEMENT = re.compile(r"copyright[ \t]*(?:\(c\)|©)|copyright[ \t]+\d{4}|©[ \t]*\d{4}", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_MONTHS = frozenset(str.split(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec"""))
_NUMBER = re.compile(r"\d{1,4}(?:st|nd|rd|th)?")


def date_or_version(words: Sequence[str]) -> bool:
    """Whether normalized ``words`` are only the parts of dates and dotted versions ("1 6 17 march 26 2015")."""
    return all(w in _MONTHS or _NUMBER.fullmatch(w) is not None for w in words)


def has_number(words: Sequence[str]) -> bool:
    return any(c.isdigit() for w in words for c in w)


@functools.lru_cache(maxsize=256)
def statement_positions(text: str, grant_words: frozenset[str]) -> frozenset[int]:
    """The indexes, in ``normalize_tokens(text)``, of the words of the reference's statement paragraphs.
    Empty (no number may change) when the paragraphs' words are not the whole text's, word for word."""
    positions: set[int] = set()
    offset = 0
    paragraphs = [p for p in _PARAGRAPHS.split(text.replace("\r\n", "\n")) if normalize_tokens(p)]
    for number, paragraph in enumerate(paragraphs):
        words = normalize_tokens(paragraph)
        signature = (number == len(paragraphs) - 1 and len(words) <= MAX_SIGNATURE_WORDS
                     and not grant_words.intersection(words))
        if signature or _STATEMENT.search(paragraph):
            positions.update(range(offset, offset + len(words)))
        offset += len(words)
    return frozenset(positions) if offset == len(normalize_tokens(text)) else frozenset()


def replacement_ok(words: Sequence[str], lacks: Sequence[str], hole: int | None, statements: frozenset[int]) -> bool:
    """Whether the file's ``words`` in place of the reference's ``lacks`` (at reference index ``hole``) are a
    date or version for a date or version, inside a statement paragraph (``statement_positions``)."""
    if hole is None or not date_or_version(words) or not date_or_version(lacks):
        return False
    where = range(hole, hole + len(lacks)) if lacks else range(hole - 1, hole)
    return all(i in statements for i in where)


def replaced(shingles: Sequence[int], size: int, ref_shingles: Sequence[int], ref_tokens: Sequence[str],
             start: int, end: int, width: int) -> tuple[int, tuple[str, ...]] | None:
    """Where the reference has the file's run of words [start, end) and what it has there: the reference's
    words between the nearest pair of the run's neighbouring ``width``-word shingles, ``(index, ())`` for an
    insertion, or None when the neighbours are not both found (``size``: the file's word count)."""
    if start < width:
        return None
    left = shingles[start - width]
    lefts = [i + width for i, sh in enumerate(ref_shingles) if sh == left]
    if end == size:
        return (lefts[-1], tuple(ref_tokens[lefts[-1]:])) if lefts else None
    if end >= len(shingles):
        return None
    right = shingles[end]
    rights = [j for j, sh in enumerate(ref_shingles) if sh == right]
    pairs = [(j - i, i, j) for i in lefts for j in rights if j >= i]
    if not pairs:
        return None
    _, i, j = min(pairs)
    return i, tuple(ref_tokens[i:j])
