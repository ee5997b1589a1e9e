"""Custom texts read for what they restrict: the operative clauses of rules/use-terms.toml.

A license text that no matcher identifies may still say plainly what it forbids: "for noncommercial
research purposes", "may not be sold, nor ... used in a commercial product". ``read_terms`` finds the
first such clause of each category, with its line and the sentence it stands in, so that the finding
can quote it. Non-commercial and research-only clauses make the text non-commercial
(``LicenseRef-license-check-noncommercial``: prohibited); the others leave it unknown, quoted.

Patterns run on the text with whitespace collapsed (a clause may wrap), bounded to the first
``MAX_CHARS`` characters; every pattern is a plain alternation without nested quantifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from license_check.collect.textid import literals
from license_check.knowledge.textrules import CATEGORIES, PROHIBITING, Clause

NONCOMMERCIAL = "LicenseRef-license-check-noncommercial"
MAX_CHARS = 400_000
_QUOTE = 200  # characters of the sentence quoted around a clause


@dataclass(frozen=True, slots=True)
class Term:
    """One operative clause found in a text."""

    category: str
    quote: str  # the sentence (or its part) that holds the clause, whitespace collapsed
    line: int  # 1-based line of the clause in the original text
    source: str


def patterns(categories: tuple[str, ...], clauses: tuple[Clause, ...]) -> tuple[re.Pattern[str], ...]:
    """The compiled patterns of ``categories`` (for README prose, which reads sentences itself)."""
    return tuple(c.pattern for c in clauses if c.category in categories)


def read_terms(text: str, clauses: tuple[Clause, ...]) -> tuple[Term, ...]:
    """The first clause of each category in ``text``, in category order. ``clauses``: the scan's
    Knowledge.use_terms (rules/use-terms.toml)."""
    text = text[:MAX_CHARS]
    either, words = _any_clause(clauses)
    if not literals.may_match(text, words):
        return ()  # a few substring tests in C: no clause can match a text without one of its words
    flat = _flat(text)
    if either is not None and either.search(flat) is None:
        return ()  # one pass for all the clauses: most texts hold none
    found: dict[str, Term] = {}
    for clause in clauses:
        if clause.category in found:
            continue
        hit = clause.pattern.search(flat)
        if hit is None:
            continue
        start = max(flat.rfind(". ", 0, hit.start()) + 2, 0)
        if start < hit.start() - _QUOTE:  # a long sentence: start at a word, at most _QUOTE before the clause
            start = flat.find(" ", hit.start() - _QUOTE) + 1
        end = flat.find(". ", hit.end())
        end = min(end + 1 if end >= 0 else len(flat), hit.end() + _QUOTE)
        line = text.count("\n", 0, _offset(text, hit.start())) + 1
        found[clause.category] = Term(clause.category, flat[start:end].strip(), line, clause.source)
    return tuple(found[c] for c in CATEGORIES if c in found)


def restricts_commercial_use(terms: tuple[Term, ...]) -> Term | None:
    return next((t for t in terms if t.category in PROHIBITING), None)


# By identity: hashing the clauses costs more.
_JOINED: list[tuple[tuple[Clause, ...], re.Pattern[str] | None, frozenset[str] | None]] = []


def _any_clause(clauses: tuple[Clause, ...]) -> tuple[re.Pattern[str] | None, frozenset[str] | None]:
    """One pattern that matches a text exactly when one of ``clauses`` does (an alternation searches every
    branch at each position), or None when the clauses cannot be joined: a group (a backreference would
    count it differently) or flags of their own; and the words one of which any match holds (literals)."""
    for known, joined, words in _JOINED:
        if known is clauses:
            return joined, words
    words = literals.required_any([c.pattern for c in clauses])
    joined = None
    if clauses and not any(c.pattern.groups or c.pattern.flags != clauses[0].pattern.flags for c in clauses):
        try:
            joined = re.compile("|".join(f"(?:{c.pattern.pattern})" for c in clauses), clauses[0].pattern.flags)
        except re.error:  # e.g. a global inline flag that may only start a pattern
            joined = None
    _JOINED[:] = [*_JOINED[-7:], (clauses, joined, words)]
    return joined, words


_GAP_RE = re.compile(r"[\s*_]+")  # \s is str.isspace (tests/collect check every code point)


def _flat(text: str) -> str:
    """``_collapse(text)[0]``, in C: each gap one space, none at the start."""
    flat = _GAP_RE.sub(" ", text)
    return flat[1:] if text[:1].isspace() or text[:1] in ("*", "_") else flat


def _offset(text: str, index: int) -> int:
    """``_collapse(text)[1][index]``, gap by gap (a pass per gap, not per character): where character ``index``
    of the collapsed text is in ``text``."""
    flat = last = 0  # where the run of non-gap characters from text[last] starts in the collapsed text
    for gap in _GAP_RE.finditer(text):
        run = gap.start() - last
        if index < flat + run:
            return last + index - flat
        flat += run
        if gap.start() > 0:  # a gap is one space, except at the start
            if index == flat:
                return gap.start()
            flat += 1
        last = gap.end()
    return last + index - flat


def _collapse(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of whitespace (and markup ``*``/``_``/``<br>``) as one space, and for each
    character of the result its offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "*_":
            if not space and out:
                out.append(" ")
                offsets.append(i)
            space = True
            continue
        space = False
        out.append(ch)
        offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets
