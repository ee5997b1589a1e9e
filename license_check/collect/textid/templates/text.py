"""A text as SPDX matching sees it: normalized words (B.3-B.10), bullets, copyright lines."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from license_check.collect.textid.templates.data import scalar

_WORD = re.compile(r"[^\W_]+|[&©]")
# a bullet or number at a line's start: "1.", "1.2", "(a)", "iv)" (B.8)
_BULLET = re.compile(
    r"^[ \t>*#-]*(?:\d{1,3}(?:\.\d{1,3})+\.?|[\(\[]?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[\.\)\]:])(?=\s)")
_COPYRIGHT_LINE = re.compile(
    r"^\W*(?:(?:portions\s+)?copyright\b|\(c\)|\[c\]|©|all\s+rights\s+reserved\b)", re.IGNORECASE)
_YEARS_LINE = re.compile(r"^\W*(?:19|20)\d\d\b")
# U+02BC (a letter to regular expressions) written for an apostrophe: "RSVʼs" is "RSV's" (same length)
_APOSTROPHE = str.maketrans({"\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class Text:
    """A text as SPDX matching sees it: its words (normalized) and where each is in the original."""

    raw: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    line_starts: frozenset[int]  # token indexes that begin a line
    skippable: frozenset[int]  # token indexes of bullets and numbering at a line's start
    copyright_lines: dict[int, int]  # token index beginning a copyright line -> index after the line

    def between(self, start: int, end: int) -> str:
        """The original text of tokens start..end-1 (white space collapsed)."""
        if start >= end:
            return ""
        return " ".join(self.raw[self.starts[start]:self.ends[end - 1]].split())

    def around(self, start: int, end: int) -> str:
        """The original text from the end of token start-1 to the start of token end (punctuation kept)."""
        left = self.ends[start - 1] if start > 0 else 0
        right = self.starts[end] if end < len(self.tokens) else len(self.raw)
        return " ".join(self.raw[left:right].split())

    def outside(self, spans: Sequence[tuple[int, int]]) -> str:
        """The original text outside the token spans (each span's own characters removed)."""
        pieces: list[str] = []
        cursor = 0
        for start, end in sorted(spans):
            if start < len(self.tokens):
                pieces.append(self.raw[cursor:self.starts[start]] if start < end else "")
            cursor = self.ends[end - 1] if end > start else cursor
        pieces.append(self.raw[cursor:])
        return "\n".join(p for p in pieces if p.strip())


Tables = tuple[dict[str, str], dict[tuple[str, ...], tuple[str, ...]]]  # one-word and phrase equivalents


def tables(groups: Sequence[Sequence[str]]) -> Tables:
    """SPDX's equivalent spellings (equivalentwords.txt lines), as lookup tables; the first form is kept."""
    # B.6 "&" is "and"; B.10 "©" is "(c)"; B.13 "http://" and "https://" are the same address.
    single: dict[str, str] = {"&": "and", "©": "c", "https": "http"}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in groups:
        forms = [tuple(map(fold, _WORD.findall(w))) for w in group]
        canonical = forms[0]
        for form in forms[1:]:
            if len(form) == 1 and len(canonical) == 1:
                single.setdefault(form[0], canonical[0])
            elif form != canonical:
                phrases.setdefault(form, canonical)
    return single, phrases


@functools.cache
def _equivalent_tables() -> Tables:
    return tables(scalar("equivalent_words", []))


def fold(text: str) -> str:
    """NFKC, then case folding (an ASCII word: its lower case, which is both: NFKC leaves ASCII as it is, and
    case folding differs from lower case only beyond ASCII)."""
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def words(text: str, equivalents: Tables | None = None) -> list[str]:
    """The normalized words of a template's literal text."""
    single, phrases = equivalents or _equivalent_tables()
    # as read_text: word by word
    raw = [single.get(w, w) for w in map(fold, _WORD.findall(text.translate(_APOSTROPHE)))]
    return _phrase_fold(raw, phrases)


def _phrase_fold(tokens: list[str], phrases: dict[tuple[str, ...], tuple[str, ...]]) -> list[str]:
    heads = {form[0] for form in phrases}
    if not heads.intersection(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in heads:
            for form, canonical in phrases.items():
                if tuple(tokens[i:i + len(form)]) == form:
                    out.extend(canonical)
                    i += len(form)
                    break
            else:
                out.append(tokens[i])
                i += 1
            continue
        out.append(tokens[i])
        i += 1
    return out


@functools.lru_cache(maxsize=8)
def read_text(raw: str) -> Text:
    """Tokenize a text to match. Bullets and numbering at a line's start may be skipped (B.8). Memoized: one
    license file is read for identify and again for each license's missing_clause (a Text is never changed)."""
    single, phrases = _equivalent_tables()
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    line_starts: set[int] = set()
    skippable: set[int] = set()
    copyright_lines: dict[int, int] = {}
    offset = 0
    previous = -1  # the first token of the last line that had words
    for line in raw.translate(_APOSTROPHE).splitlines(keepends=True):
        bullet = _BULLET.match(line)
        bullet_end = bullet.end() if bullet else -1
        first = len(tokens)
        for m in _WORD.finditer(line):
            word = fold(m.group())
            if m.end() <= bullet_end:
                skippable.add(len(tokens))
            tokens.append(single.get(word, word))
            starts.append(offset + m.start())
            ends.append(offset + m.end())
        if len(tokens) > first:
            line_starts.add(first)
            # a notice's years may run on to the next line ("Inc. 1992,\n1993, 1994 All Rights Reserved")
            if _COPYRIGHT_LINE.match(line) or (previous in copyright_lines and _YEARS_LINE.match(line)):
                copyright_lines[first] = len(tokens)
            previous = first
        offset += len(line)
    heads = {form[0] for form in phrases}
    if heads.intersection(tokens) and any(tuple(tokens[i:i + len(f)]) == f for f in phrases
                                          for i in _starts_of(tokens, f[0])):
        return _refold(raw, tokens, starts, ends, line_starts, skippable, copyright_lines, phrases)
    return Text(raw, tuple(tokens), tuple(starts), tuple(ends), frozenset(line_starts), frozenset(skippable),
                copyright_lines)


def _starts_of(tokens: list[str], word: str) -> Iterator[int]:
    return (i for i, t in enumerate(tokens) if t == word)


def _refold(raw: str, tokens: list[str], starts: list[int], ends: list[int], line_starts: set[int],
            skippable: set[int], copyright_lines: dict[int, int],
            phrases: dict[tuple[str, ...], tuple[str, ...]]) -> Text:
    """Fold SPDX's equivalent phrases ("per cent" -> "percent"), keeping every token's offsets."""
    mapping: dict[int, int] = {}  # old index -> new index
    out_t: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    i = 0
    while i < len(tokens):
        mapping[i] = len(out_t)
        for form, canonical in phrases.items():
            if tuple(tokens[i:i + len(form)]) == form:
                for word in canonical:
                    out_t.append(word)
                    out_s.append(starts[i])
                    out_e.append(ends[i + len(form) - 1])
                i += len(form)
                break
        else:
            out_t.append(tokens[i])
            out_s.append(starts[i])
            out_e.append(ends[i])
            i += 1
    mapping[len(tokens)] = len(out_t)

    def moved(index: int) -> int:
        while index not in mapping:
            index += 1
        return mapping[index]

    return Text(raw, tuple(out_t), tuple(out_s), tuple(out_e), frozenset(moved(i) for i in line_starts),
                frozenset(moved(i) for i in skippable),
                {moved(a): moved(b) for a, b in copyright_lines.items()})
