"""Bundled license files: several standard license texts in one file, read block by block.

Many repositories ship ONE license file that bundles their own license with those of code they took
from elsewhere: an Apache-2.0 text, a sentence saying where the other code comes from, then
``---- LICENSE FOR NVIDIA code ----`` and a BSD-3-Clause text, and so on. The whole text is no single
license, so the fast path (fastpath) rejects it. ``match_bundle`` reads it as a sequence of blocks:

* the text is cut into pieces at strong boundaries: separator lines (3+ repeated ``-=*_#~``,
  possibly with a title inside: ``---- LICENSE FOR X ----``; the title opens the next piece), and a
  license heading ("MIT License", "Apache License" + "Version 2.0", "BSD 3-Clause License", ...) at
  the start of a line that follows a blank line;
* a license block is one piece, or up to ``MAX_JOIN`` consecutive pieces (a license whose own text
  has separator lines, like CC-BY-4.0's ``====``), identified by the fast path with all its strict
  limits, after peeling off (or not) short prose paragraphs at its start and end;
* every other piece must be connective prose (``prose_ok``): at most ``MAX_PROSE_WORDS`` words, every
  sentence recognised boilerplate by the gate (gate.py: copyright lines, titles, URLs, the connectives of
  rules/boilerplate.toml), no name of a license other than the identified ones. A connective that grants
  a license to part of the work ("waived via CC0") adds that license to the expression.

Anything else (an unknown or edited text, a restrictive sentence, a long note) makes the whole file
fall through: to ScanCode, then unknown. One license text alone is a bundle only with gated prose around
it (BSD-3-Clause, then "Please also refer to the file CONTRIBUTING.md, which clarifies licensing of
external contributions"); without prose it is the whole-text fast path's business.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from license_check.collect.textid import fastpath, gate, reftokens
from license_check.knowledge.book import Knowledge
from license_check.knowledge.textrules import Boilerplate

MAX_PROSE_WORDS = 80  # per prose block (normalized words: copyright lines do not count)
MAX_TOTAL_PROSE_WORDS = 200  # all prose blocks of the file together
MAX_JOIN = 4  # consecutive pieces one license text may span
MAX_PEEL = 2  # prose paragraphs that may be peeled off each end of a license block
COMPOSITE_FACTOR = 0.95  # confidence = lowest block score x this: a composite is a little less sure

_SEPARATOR = re.compile(r"(?:(?://|#|/?\*+)[ \t]+)?([-=*_#~])\1{2,}(?:[ \t]*(.*?)[ \t]*\1{3,})?")
_MAX_SEPARATOR_LEN = 200  # longer lines are not tested (and the pattern stays linear)
_LIC = r"licen[cs]e"
_HEADING = re.compile(
    rf"(?:the[ \t]+)?mit[ \t]+{_LIC}(?:[ \t]*\(mit\))?"
    rf"|bsd[ \t]+[0-4]-clause(?:[ \t]+\"?(?:new|revised|simplified|modified)\"?)?[ \t]+{_LIC}"
    rf"|isc[ \t]+{_LIC}|zlib[ \t]+{_LIC}|creative[ \t]+commons[ \t]+legal[ \t]+code"
    rf"|apache[ \t]+{_LIC},?[ \t]+(?:version[ \t]+)?2\.0|mozilla[ \t]+public[ \t]+{_LIC},?[ \t]+(?:version[ \t]+)?2\.0"
    rf"|boost[ \t]+software[ \t]+{_LIC}[ \t-]*version[ \t]+1\.0",
    re.IGNORECASE,
)
# Headings whose next non-blank line must give the version ("GNU GENERAL PUBLIC LICENSE" also heads the
# terms inside GPL-2.0, followed by "TERMS AND CONDITIONS": no cut there).
_HEADING_WITH_VERSION = re.compile(rf"apache[ \t]+{_LIC}|gnu[ \t]+(?:lesser[ \t]+|affero[ \t]+)?general[ \t]+public"
                                   rf"[ \t]+{_LIC}", re.IGNORECASE)
_VERSION_LINE = re.compile(r"[ \t]*version[ \t]+\d", re.IGNORECASE)
_HEADING_MARKUP = " \t#*>_"
_SEPARATOR_CANDIDATE = re.compile(r"^[ \t]*(?:(?://|#|/?\*+)[ \t]+)?([-=*_#~])\1\1", re.MULTILINE)
_HEADING_CANDIDATE = re.compile(r"^[ \t#*>_]*(?:the[ \t]+)?(?:mit|bsd|isc|zlib|creative|apache|mozilla|boost|gnu)[ \t]",
                                re.MULTILINE | re.IGNORECASE)
# Letters and digits of any script: a line of Chinese is a line of words, not a blank line.
_PARAGRAPH_BREAK = re.compile(r"\n(?:(?:[^\w\n]|_)*\n)+")
_WORDY = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class BundleMatch:
    """A license file identified as several standard license texts joined by connective prose."""

    expression: str  # AND of the distinct licenses, in order of first appearance
    score: float
    version_ambiguous: bool
    parts: tuple[fastpath.TextMatch, ...]  # one per license block, in file order
    prose_words: int  # words of connective prose that were accepted


# ---------------------------------------------------------------- cutting


def _separator_title(line: str) -> str | None:
    """The title of a separator line ("" when it has none), or None when the line is no separator."""
    stripped = line.strip()
    if not 3 <= len(stripped) <= _MAX_SEPARATOR_LEN:
        return None
    found = _SEPARATOR.fullmatch(stripped)
    return None if found is None else (found.group(2) or "")


def _is_heading(text: str, start: int, end: int) -> bool:
    """Whether the line text[start:end] is a license heading that follows a blank line."""
    before = text.rfind("\n", 0, max(start - 1, 0))
    if start > 0 and _WORDY.search(text, before + 1, start - 1):
        return False  # the line before has words: a heading starts after a blank line
    line = text[start:end].strip(_HEADING_MARKUP)
    if len(line) > 60:
        return False
    if _HEADING.fullmatch(line):
        return True
    if not _HEADING_WITH_VERSION.fullmatch(line):
        return False
    following = next((x for x in text[end + 1: end + 500].split("\n")[:3] if _WORDY.search(x)), "")
    return bool(_VERSION_LINE.match(following))


def _is_underline(text: str, start: int) -> bool:
    """Whether the line at ``start`` underlines a heading: a short line of words after a blank line, just above."""
    if start == 0:
        return False
    above_start = text.rfind("\n", 0, start - 1) + 1
    above = text[above_start: start - 1]
    if not _WORDY.search(above) or len(above.strip()) > 80:
        return False
    before = text.rfind("\n", 0, max(above_start - 1, 0)) + 1
    return above_start == 0 or not _WORDY.search(text, before, above_start - 1)


def _separators(text: str) -> Iterator[tuple[int, int, str | None]]:
    for found in _SEPARATOR_CANDIDATE.finditer(text):
        start = found.start()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        title = _separator_title(text[start:end])
        if title is not None and (title or not _is_underline(text, start)):
            yield start, end, title


def _headings(text: str) -> Iterator[tuple[int, int, str | None]]:
    for found in _HEADING_CANDIDATE.finditer(text):
        start = found.start()
        end = text.find("\n", start)
        if _is_heading(text, start, len(text) if end < 0 else end):
            yield start, start, None


def iter_pieces(text: str) -> Iterator[list[str]]:
    """The pieces of ``text`` between strong boundaries, each as its paragraphs (raw text), lazily.

    A line without letters or digits ("", "#", " *", "--") ends a paragraph; pieces with no words are left
    out. A separator's title opens the next piece, as a paragraph of its own; a heading stays in its piece.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    opening: list[str] = []
    position = 0
    end_of_text = [(len(text), len(text), None)]
    for start, end, title in itertools.chain(heapq.merge(_separators(text), _headings(text)), end_of_text):
        if start < position:
            continue
        paragraphs = opening + [p for p in _PARAGRAPH_BREAK.split(text[position:start]) if _WORDY.search(p)]
        if paragraphs:
            yield paragraphs
        opening = [title] if title and _WORDY.search(title) else []
        position = end if title is None else end + 1  # past a separator line and its newline


# ---------------------------------------------------------------- prose


@dataclass(frozen=True, slots=True)
class _Paragraph:
    raw: str
    tokens: list[str]
    foreign: bool  # letters outside ASCII (not on a copyright line): words the fast path cannot see


_COPYRIGHT_START = re.compile(r"[^A-Za-z0-9©]*(?:copyright|©|\(c\))", re.IGNORECASE)


def _has_foreign_letters(text: str) -> bool:
    return not text.isascii() and any(unicodedata.category(c).startswith("L") for c in text if ord(c) > 127)


def _paragraph(raw: str) -> _Paragraph:
    foreign = _has_foreign_letters(raw) and any(
        _has_foreign_letters(line) and not _COPYRIGHT_START.match(line) for line in raw.split("\n"))
    return _Paragraph(raw, fastpath.normalize_tokens(raw), foreign)


@functools.lru_cache(maxsize=1024)
def _prose_verdict(raw: str, bp: Boilerplate) -> tuple[bool, frozenset[str], tuple[str, ...]]:
    """Whether a paragraph is connective prose (the gate: every sentence recognised boilerplate), the
    license names it mentions, and the licenses its connectives grant ("waived via CC0")."""
    verdict = gate.harmless(bp, raw)
    if not verdict.ok:
        return False, frozenset(), ()
    words = fastpath.normalize_tokens(raw)
    return True, frozenset(fastpath.LICENSE_NAME_WORDS.intersection(words)), verdict.grants


def prose_ok(raw: str, knowledge: Knowledge) -> bool:
    """Whether ``raw`` could be accepted as connective prose (length and license names aside)."""
    return _prose_verdict(raw, knowledge.boilerplate)[0]


@functools.cache
def _reference_words(directory: Path) -> dict[str, frozenset[str]]:
    """For each reference, the words that name its license: its SPDX id's and its text's ("apache", "gnu")."""
    return {spec.source: frozenset(re.findall(r"[a-z0-9]+", spec.spdx.lower())).union(words)
        for spec, _, words in reftokens.reference_tokens(directory)}


# ---------------------------------------------------------------- matching


@dataclass
class _State:
    bp: Boilerplate
    licenses: list[fastpath.TextMatch]
    prose_words: int = 0
    names: frozenset[str] = frozenset()
    grants: tuple[str, ...] = ()

    def add_prose(self, paragraphs: list[_Paragraph]) -> bool:
        words = sum(len(p.tokens) for p in paragraphs)
        if words > MAX_PROSE_WORDS or self.prose_words + words > MAX_TOTAL_PROSE_WORDS:
            return False
        for paragraph in paragraphs:
            ok, names, grants = _prose_verdict(paragraph.raw, self.bp)
            if not ok:
                return False
            self.names |= names
            self.grants += grants
        self.prose_words += words
        return True


def _is_prose(paragraphs: list[_Paragraph], bp: Boilerplate) -> bool:
    return (sum(len(p.tokens) for p in paragraphs) <= MAX_PROSE_WORDS
            and all(_prose_verdict(p.raw, bp)[0] for p in paragraphs))


def _peel_options(paragraphs: list[_Paragraph], bp: Boilerplate) -> Iterator[int]:
    """How many paragraphs may be peeled off the front of ``paragraphs`` as prose: 0, 1, ..."""
    yield 0
    words = 0
    for count, paragraph in enumerate(paragraphs, start=1):
        words += len(paragraph.tokens)
        if count > MAX_PEEL or words > MAX_PROSE_WORDS or not _prose_verdict(paragraph.raw, bp)[0]:
            return
        yield count


def _match_block(paragraphs: list[_Paragraph], knowledge: Knowledge) -> tuple[fastpath.TextMatch, int, int] | None:
    """A license text made of ``paragraphs`` minus a few prose ones at each end: (match, lead, trail)."""
    if any(p.foreign for p in paragraphs):  # e.g. a note in Chinese: no words to check, so no match
        return None
    total = sum(len(p.tokens) for p in paragraphs)
    leads = list(_peel_options(paragraphs, knowledge.boilerplate))
    trails = list(_peel_options(paragraphs[::-1], knowledge.boilerplate))
    lead_words = [sum(len(p.tokens) for p in paragraphs[:a]) for a in leads]
    trail_words = [sum(len(p.tokens) for p in paragraphs[len(paragraphs) - b:]) for b in trails]
    options = sorted(((a, b) for a in leads for b in trails if a + b < len(paragraphs)), key=sum)
    for a, b in options:
        if not fastpath.length_fits(total - lead_words[a] - trail_words[b], knowledge):
            continue
        core = [t for p in paragraphs[a: len(paragraphs) - b] for t in p.tokens]
        found = fastpath.match_license_tokens(core, knowledge)
        if found is not None:
            return found, a, b
    return None


def match_bundle(text: str, knowledge: Knowledge) -> BundleMatch | None:
    """Identify ``text`` as several standard license texts and connective prose, or None (with the
    reference texts and boilerplate of ``knowledge``, the scan's)."""
    pending = iter_pieces(text)
    raw_pieces: list[list[str]] = []
    tokenized: dict[int, list[_Paragraph]] = {}

    def available(count: int) -> int:
        """Cut pieces until ``count`` are there (or the text ends); how many there are."""
        while len(raw_pieces) < count:
            raw = next(pending, None)
            if raw is None:
                break
            raw_pieces.append(raw)
        return len(raw_pieces)

    def piece(index: int) -> list[_Paragraph]:
        if index not in tokenized:
            tokenized[index] = [_paragraph(p) for p in raw_pieces[index]]
        return tokenized[index]

    if not fastpath.copyright_lines_harmless(text, knowledge) or available(1) < 1:
        return None
    state = _State(knowledge.boilerplate, [])
    i = 0
    while i < available(i + 1):
        if _is_prose(piece(i), knowledge.boilerplate):  # no license text is this short and free of operative words
            if not state.add_prose(piece(i)):
                return None
            i += 1
            continue
        for k in range(1, min(MAX_JOIN, available(i + MAX_JOIN) - i) + 1):
            paragraphs = [p for j in range(i, i + k) for p in piece(j) if p.tokens or p.foreign]
            block = _match_block(paragraphs, knowledge) if paragraphs else None
            if block is not None:
                found, lead, trail = block
                if not (state.add_prose(paragraphs[:lead])
                        and state.add_prose(paragraphs[len(paragraphs) - trail:])):
                    return None
                state.licenses.append(found)
                i += k
                break
        else:
            return None
    if len(state.licenses) + len(state.grants) < 2 and not (state.licenses and state.prose_words):
        return None  # one text alone is the whole-text fast path's; with gated prose around it, ours
    # Prose may name the licenses it introduces ("---- Apache License 2.0 ----"), never another one.
    named = frozenset(re.findall(r"[a-z0-9]+", " ".join(state.grants).lower())).union(
        *(_reference_words(knowledge.directory)[m.reference] for m in state.licenses))
    if state.names and not state.names <= named:
        return None
    granted = [*(m.expression for m in state.licenses), *state.grants]
    expression = " AND ".join(dict.fromkeys(granted))
    score = round(min(m.score for m in state.licenses) * COMPOSITE_FACTOR, 4)
    return BundleMatch(expression, score, any(m.version_ambiguous for m in state.licenses),
                       tuple(state.licenses), state.prose_words)
