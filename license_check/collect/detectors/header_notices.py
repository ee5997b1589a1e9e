"""License names stated in words in a file's header comments (pure text functions, no I/O).

Two shapes, both only in comment lines (a comment leader such as ``#``, ``//``, `` *`` must start the
line, so code and prose documents are not read):

- a sentence: "This file is licensed under the Creative Commons Attribution-NonCommercial 4.0
  International Public License (CC-BY-NC-4.0)", "Licensed under the Apache License, Version 2.0
  (the "License")", "Released under the MIT License";
- a title line on its own: "MIT License", "Apache License, Version 2.0", "BSD 3-Clause License",
  "Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)", or after a copyright on its line
  ("Copyright (c) 2022 Pablo Pernías MIT License": MIT, ISC, Apache 2.0 and BSD names only).

The name is returned as found (``Name (ABBR)`` when an abbreviation follows); the normalizer resolves
it. A name must look like a license name (it ends in License/Licence, or is a Creative Commons
name), so ordinary comments are never mistaken for one. GNU notices are left to find_gpl_notices,
which also tells -only from -or-later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from license_check.collect.detectors._util import LEADER_STARTS, LEADER_STRIP_RE, strip_closers
from license_check.knowledge.textrules import PROHIBITING, Clause

if TYPE_CHECKING:
    from license_check.collect.textid.operative import Term

MAX_LINES = 60  # a header, not the whole file

_WORD = r"[A-Z0-9][\w.+\-]*"
_VERSION = r"(?:,?\s+(?:[Vv]ersion\s+|[Vv])?\d+(?:\.\d+)*)?"
_LICENSE_NAME = rf"(?:{_WORD}[ ,]+){{0,8}}?Licen[sc]e{_VERSION}"
_CC_NAME = (
    r"(?:Creative\s+Commons\s+)?Attribution(?:[-\s](?:NonCommercial|NoDerivatives|NoDerivs|ShareAlike))*"
    r"\s+\d\.\d(?:\s+(?:International|Unported|Generic))?(?:\s+Public)?(?:\s+Licen[sc]e)?"
)
_CC_ABBR = r"CC[\s-]BY(?:[\s-](?:NC|ND|SA)){0,2}[\s-]\d\.\d"
_ABBR = r"(?:\s*\((?P<abbr>[^()\"]{2,40})\))?"
_NAME = rf"(?P<name>{_CC_NAME}|{_CC_ABBR}|{_LICENSE_NAME})"

_SENTENCE = re.compile(
    r"(?:\b(?:is|are|be|was|been)\s+|,\s*|^\s*|[.;:][\"'#]?\s+)"  # 'reserved."' / 'reserved.#' end a copyright line
    r"(?i:licensed|released|distributed|published|made\s+available|available)\s+under"
    rf"\s+(?:the\s+terms\s+of\s+)?(?:the\s+)?{_NAME}{_ABBR}",
    re.MULTILINE,
)
_TITLE = re.compile(rf"^(?:The\s+)?{_NAME}{_ABBR}\.?$")
# "Copyright (c) 2022 Pablo Pernías MIT License": a title after the copyright, on its line; only names that
# cannot be part of the holder's name, so "Copyright 2020 Foo License Inc." gives nothing.
_COPYRIGHT_TITLE = re.compile(
    r"^(?:Copyright\b|\(c\)|©).*?\s(?P<name>(?:MIT|ISC|Apache(?:\s+2\.0)?|BSD(?:[- ][0-4][- ]Clause)?)\s+Licen[sc]e)"
    r"\.?\s*$", re.IGNORECASE)
_GNU = re.compile(r"\bGNU\b|General\s+Public|Lesser\s+General|Affero", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NamedNotice:
    line: int  # 1-based
    name: str  # as found, e.g. "Creative Commons Attribution-NonCommercial 4.0 ... (CC-BY-NC-4.0)"


# Memos of pure functions of a line or of a header's comments: the files of a repository repeat their header
# lines word for word (the license notice, the copyright line), and these run on the first lines of every file.
# Bounded: cleared when full. Lines longer than _MEMO_LINE are computed every time (they rarely repeat).
_MEMO_MAX = 1 << 15
_MEMO_LINE = 240
_COMMENT_MEMO: dict[str, str | None] = {}
_NOTICES_MEMO: dict[tuple[tuple[int, str], ...], list[NamedNotice]] = {}


def _comment_text(line: str) -> str | None:
    """The text of a comment line without its leader and closer; None for a line that is not a comment."""
    if line.lstrip()[:1] not in LEADER_STARTS:  # a line of code or prose: no leader can match (most lines)
        return None
    if len(line) > _MEMO_LINE:
        return _comment_text_of(line)
    try:
        return _COMMENT_MEMO[line]
    except KeyError:
        pass
    if len(_COMMENT_MEMO) >= _MEMO_MAX:
        _COMMENT_MEMO.clear()
    text = _COMMENT_MEMO[line] = _comment_text_of(line)
    return text


def _comment_text_of(line: str) -> str | None:
    leader = LEADER_STRIP_RE.match(line)
    if leader is None or not leader.group().strip():
        return None
    return strip_closers(line[leader.end():])


def _found(match: re.Match[str]) -> str | None:
    name = " ".join(match.group("name").split()).rstrip(",")
    if _GNU.search(name) or name.lower() in {"license", "licence", "the license"}:
        return None
    abbr = match.group("abbr")
    if abbr and not re.search(r"\bthe\b|license", abbr, re.IGNORECASE):
        return f"{name} ({' '.join(abbr.split())})"
    return name


def _lines_with(lines: Sequence[str], joined: str, words: tuple[str, ...]) -> list[int]:
    """The indexes of the ``lines`` that hold one of ``words``, in order (``joined``: them, joined by newlines)."""
    if joined.count("\n") != len(lines) - 1:  # a line with a newline of its own: ask each line
        return [index for index, line in enumerate(lines) if any(word in line for word in words)]
    found: set[int] = set()
    for word in words:  # str.find and str.count run in C: a Python loop over the lines costs ten times more
        pos = joined.find(word)
        while pos != -1:
            found.add(joined.count("\n", 0, pos))
            end = joined.find("\n", pos)
            pos = joined.find(word, end) if end != -1 else -1
    return sorted(found)


def find_named_notices(lines: Sequence[str], text: str | None = None) -> list[NamedNotice]:
    """License names stated in the header comments of ``lines`` (first MAX_LINES), deduplicated. ``text``: the
    lines joined by newlines, when the caller has it (a short file's head is all of it: no join then)."""
    head = lines[:MAX_LINES]
    joined = text if text is not None and len(lines) <= MAX_LINES else "\n".join(head)
    if "icen" not in joined and "Attribution" not in joined and "CC" not in joined:
        return []  # a comment's text is part of its line: the pre-check below cannot pass
    texts: list[tuple[int, str]] = []
    # A sentence needs "under", a title one of the name words, each within one comment's text (a part of its
    # line): without "under" anywhere, only the lines that hold a name word can give anything.
    numbers = range(len(head)) if "under" in joined else _lines_with(head, joined, ("icen", "Attribution", "CC"))
    for index in numbers:
        text = _comment_text(head[index])
        if text is not None:
            texts.append((index + 1, text))
    if not any("icen" in t or "Attribution" in t or "CC" in t for _, t in texts):
        return []  # cheap pre-check
    key = tuple(texts)
    known = _NOTICES_MEMO.get(key)
    if known is None:
        if len(_NOTICES_MEMO) >= _MEMO_MAX // 8:
            _NOTICES_MEMO.clear()
        known = _NOTICES_MEMO[key] = _notices(texts)
    return list(known)


def _notices(texts: list[tuple[int, str]]) -> list[NamedNotice]:
    """find_named_notices on the comment texts of a header (line number, text), found and not empty."""
    out: list[NamedNotice] = []
    seen: set[str] = set()

    def add(number: int, name: str | None) -> None:
        if name and name not in seen:
            seen.add(name)
            out.append(NamedNotice(number, name))

    for number, text in texts:
        # _TITLE's name holds "Licen", "Attribution" or "CC" in these casings: most comment lines hold none of them
        title = _TITLE.match(text) if "Licen" in text or "Attribution" in text or "CC" in text else None
        if title:
            add(number, _found(title))
        elif "opyright" in text or "(c)" in text or "©" in text:
            after = _COPYRIGHT_TITLE.match(text)
            if after:
                add(number, " ".join(after.group("name").split()))
    # Sentences may wrap over comment lines: search the joined comment text.
    joined, starts = "", []
    for number, text in texts:
        starts.append((len(joined), number))
        joined += text + "\n"
    flat = re.sub(r"(?<!\n)\n(?!\n)", " ", joined)  # same offsets: one character for one character
    for match in _SENTENCE.finditer(flat):
        at = match.start() + len(match.group()) - len(match.group().lstrip())
        number = max((n for offset, n in starts if offset <= at), default=1)
        add(number, _found(match))
    return sorted(out, key=lambda n: (n.line, n.name))


MAX_HEADER_LINES = 400  # a license notice in full (the NVIDIA Source Code License is ~90 comment lines)


@dataclass(frozen=True, slots=True)
class HeaderTerms:
    line: int  # 1-based line of the clause
    category: str
    quote: str


def leading_comment(lines: Sequence[str]) -> tuple[str, list[int]]:
    """The file's leading comment block (comment and blank lines before the first line of code), as text,
    with the 1-based line number of each of its lines."""
    texts: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(lines[:MAX_HEADER_LINES], start=1):
        if not line.strip():
            texts.append("")
            numbers.append(number)
            continue
        text = _comment_text(line)
        if text is None:
            if number == 1 and line.startswith("#!"):
                continue
            break
        texts.append(text)
        numbers.append(number)
    return "\n".join(texts), numbers


def find_restrictive_terms(lines: Sequence[str], clauses: tuple[Clause, ...], low: str | None = None,
                           ) -> HeaderTerms | None:
    """A clause of the leading comment that restricts commercial use (rules/use-terms.toml): a vendored file
    under the NVIDIA Source Code License says it "may be used or intended for use non-commercially".
    ``low``: the lines joined by newlines and lower-cased, when the caller has it: a pre-check on it spares
    most files the reading of their leading comment."""
    prohibiting, words = _prohibiting(clauses)
    if low is not None and words is not None and low.isascii() and not any(map(low.__contains__, words)):
        return None  # the comment's text is made of parts of these lines: read_terms' own pre-check would fail
    text, numbers = leading_comment(lines)
    if not text.strip():
        return None
    term = _restricting_term(text, prohibiting)
    if term is None:
        return None
    line = numbers[min(max(term.line - 1, 0), len(numbers) - 1)]
    return HeaderTerms(line, term.category, term.quote)


# The clauses of ``Knowledge.use_terms`` whose categories prohibit: the only ones that decide the answer (the first
# prohibiting term in category order is the same whether the other categories were searched or not), and fewer
# words for read_terms' pre-check (a GPL header says "modify", which only "no-derivatives" wants); with the words
# one of which any of their matches holds (textid/literals.py), or None. By identity.
_PROHIBITING: list[tuple[tuple[Clause, ...], tuple[tuple[Clause, ...], frozenset[str] | None]]] = []


def _prohibiting(clauses: tuple[Clause, ...]) -> tuple[tuple[Clause, ...], frozenset[str] | None]:
    for known, found in _PROHIBITING:
        if known is clauses:
            return found
    from license_check.collect.textid import literals

    chosen = tuple(c for c in clauses if c.category in PROHIBITING)
    found = chosen, literals.required_any([c.pattern for c in chosen]) if chosen else frozenset()
    _PROHIBITING[:] = [*_PROHIBITING[-3:], (clauses, found)]
    return found


# (id of the clauses, header text) -> (those clauses, the answer). Keyed by identity: hashing the clauses'
# compiled patterns on every file costs more than the answer; the value keeps the clauses alive, so the id
# cannot be reused while the entry exists.
_TERMS_MEMO: dict[tuple[int, str], tuple[tuple[Clause, ...], Term | None]] = {}
_TERMS_MEMO_MAX = 1024


def _restricting_term(text: str, clauses: tuple[Clause, ...]) -> Term | None:
    """Memoized: the files of one repository mostly carry the same header, word for word."""
    from license_check.collect.textid import operative

    key = (id(clauses), text)
    known = _TERMS_MEMO.get(key)
    if known is not None and known[0] is clauses:
        return known[1]
    term = operative.restricts_commercial_use(operative.read_terms(text, clauses))
    if len(_TERMS_MEMO) >= _TERMS_MEMO_MAX:
        _TERMS_MEMO.clear()
    _TERMS_MEMO[key] = (clauses, term)
    return term
