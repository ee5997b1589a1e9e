"""Matching a compiled template against a text: where, word by word, it can begin and end."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

from license_check.collect.textid.templates.program import Bullet, Copyright, Elem, Lit, Opt, Template, Var, template
from license_check.collect.textid.templates.text import Text

MAX_VAR_TOKENS = 40  # words one replaceable part may hold (a holder's name, a product, a short phrase)
# Words a wildcard part may not add to its default text: they restrict, never name.
RESTRICTING = frozenset({
    "not", "no", "non", "nor", "never", "neither", "none", "cannot", "except", "excluding", "exclude", "unless",
    "only", "solely", "noncommercial", "commercial", "commercially", "prohibited", "prohibit", "forbidden",
    "forbid", "restrict", "restricted", "restriction", "must", "shall", "revoke", "revocable", "terminate", "fee",
    "fees", "payment", "pay", "royalty", "royalties", "military", "research", "personal", "academic", "evaluation",
    "educational", "internal",
})
_BULLET_TOKEN = re.compile(r"^(?:\d{1,3}|[a-z]|[ivx]{1,5})$")

States = dict[int, int]  # text position reached -> the earliest position the match began at


def _close(states: States, text: Text) -> States:
    """Skip bullets and numbering at a line's start wherever the match stands on one (B.8)."""
    pending = [p for p in states if p in text.skippable]
    while pending:
        p = pending.pop()
        start = states[p]
        if states.get(p + 1, start + 1) > start:
            states[p + 1] = start
            if p + 1 in text.skippable:
                pending.append(p + 1)
    return states


def _add(states: States, pos: int, start: int) -> None:
    if states.get(pos, start + 1) > start:
        states[pos] = start


def _lit(words_: tuple[str, ...], text: Text, pos: int) -> int | None:
    size = len(words_)
    if text.tokens[pos:pos + size] == words_:
        return pos + size
    i = pos
    for word in words_:  # slow path: skip line-start numbering the template does not have
        while i < len(text.tokens) and text.tokens[i] != word and i in text.skippable:
            i += 1
        if i >= len(text.tokens) or text.tokens[i] != word:
            return None
        i += 1
    return i


_NON_SPACE = re.compile(r"\S+")  # \s is str.isspace: the pieces str.split() keeps


class _Collapsed:
    """The text with each run of white space one space (``" ".join(raw.split())``), made once per text, and where
    each raw offset lands in it: the collapse of any stretch raw[o:e] is one slice of it (text.between and
    text.around, for every candidate end of a part, without splitting and joining the stretch each time)."""

    def __init__(self, raw: str, token_starts: Sequence[int] = (), token_ends: Sequence[int] = ()) -> None:
        found = list(_NON_SPACE.finditer(raw))
        self.starts: list[int] = [m.start() for m in found]
        self.ends: list[int] = [m.end() for m in found]
        self.at: list[int] = [0]  # where each piece starts in ``text``
        for start, end in zip(self.starts, self.ends, strict=True):
            self.at.append(self.at[-1] + end - start + 1)
        del self.at[-1]
        self.text = " ".join(m.group() for m in found)
        # upto() of each token's end and of each token's start (and of the end of the text), once
        self.after_token = self._uptos(token_ends)
        self.before_token = self._uptos([*token_starts, len(raw)])

    def _uptos(self, offsets: Sequence[int]) -> list[int]:
        """``[self.upto(o) for o in offsets]`` (without a call for each)."""
        starts, ends, at, find = self.starts, self.ends, self.at, bisect.bisect_left
        out = []
        for offset in offsets:
            k = find(starts, offset) - 1
            out.append(0 if k < 0 else at[k] + min(offset, ends[k]) - starts[k])
        return out

    def upto(self, offset: int) -> int:
        """Where the collapse of raw[:offset] ends."""
        k = bisect.bisect_left(self.starts, offset) - 1
        return 0 if k < 0 else self.at[k] + min(offset, self.ends[k]) - self.starts[k]

    def since(self, offset: int) -> int:
        """Where the collapse of raw[offset:] begins (its first piece, or the part of it from ``offset``)."""
        k = bisect.bisect_right(self.ends, offset)
        if k >= len(self.starts):
            return len(self.text)
        return self.at[k] + max(0, offset - self.starts[k])

    def stretch(self, start: int, end: int) -> str:
        """" ".join(raw[start:end].split())."""
        return self.text[self.since(start):self.upto(end)] if end > start else ""


_COLLAPSED: dict[str, _Collapsed] = {}  # by the raw text: a Text's offsets follow from it (text.read_text)


def _collapsed(text: Text) -> _Collapsed:
    found = _COLLAPSED.get(text.raw)
    if found is None:
        if len(_COLLAPSED) >= 8:
            _COLLAPSED.clear()
        found = _COLLAPSED[text.raw] = _Collapsed(text.raw, text.starts, text.ends)
    return found


_POSITIONS: dict[str, dict[str, list[int]]] = {}  # by the raw text, as _COLLAPSED


def _positions(text: Text) -> dict[str, list[int]]:
    """Where each word of the text is (made once per text: every candidate template looks its first words up)."""
    found = _POSITIONS.get(text.raw)
    if found is None:
        if len(_POSITIONS) >= 8:
            _POSITIONS.clear()
        found = _POSITIONS[text.raw] = {}
        for p, word in enumerate(text.tokens):
            found.setdefault(word, []).append(p)
    return found


def _var_ends(var: Var, text: Text, pos: int) -> Iterator[int]:
    if var.empty or var.loose.fullmatch(text.around(pos, pos)):  # no words: "." for ": wiki.example.org"
        yield pos
    n = len(text.tokens)
    limit = min(n, pos + MAX_VAR_TOKENS)
    if limit <= pos:
        return
    default = set(var.default)
    whole = _collapsed(text)  # text.between(pos, end) and text.around(pos, end) are slices of it
    collapsed, after, before = whole.text, whole.after_token, whole.before_token
    inner = whole.since(text.starts[pos])
    outer = whole.since(text.ends[pos - 1] if pos > 0 else 0)
    strict, loose = var.strict.fullmatch, var.loose.fullmatch
    tokens = text.tokens
    # A part whose pattern matches at most ``width`` characters: both patterns must match the span's words from
    # its first letter or digit to its last with that pattern (around them: white space, or [\W_]), so a span
    # that begins and ends with one and is longer than ``width`` cannot match, nor can any longer span.
    width = var.width if var.width is not None and _letter(collapsed[inner:inner + 1]) else None
    for end in range(pos + 1, limit + 1):
        if var.wildcard and tokens[end - 1] in RESTRICTING and tokens[end - 1] not in default:
            return  # a wildcard holds a name: past a restricting word, no longer span can match
        last = after[end - 1]
        if width is not None and last - inner > width and _letter(collapsed[last - 1:last]):
            return
        if strict(collapsed[inner:last]) or loose(collapsed[outer:before[end]]):
            yield end


def _letter(char: str) -> bool:
    """An ASCII letter or digit: never white space, nor [\\W_] (``str.isalnum`` is ``re``'s [^\\W_])."""
    return char.isascii() and char.isalnum()


def _step(elem: Elem, text: Text, states: States) -> States:
    out: States = {}
    n = len(text.tokens)
    if isinstance(elem, Lit):
        for pos, start in states.items():
            end = _lit(elem.words, text, pos) if pos < n else None
            if end is not None:
                _add(out, end, start)
    elif isinstance(elem, Opt):
        out = dict(states)
        for pos, start in run(elem.body, text, dict(states)).items():
            _add(out, pos, start)
    elif isinstance(elem, Copyright):
        out = dict(states)
        if elem.body:
            for pos, start in run(elem.body, text, dict(states)).items():
                _add(out, pos, start)
        for pos, start in states.items():
            while pos in text.copyright_lines:
                pos = text.copyright_lines[pos]
                _add(out, pos, start)
    elif isinstance(elem, Bullet):
        out = dict(states)
        for pos, start in states.items():
            if pos < n and _BULLET_TOKEN.match(text.tokens[pos]):
                _add(out, pos + 1, start)
            own = _lit(elem.words, text, pos) if elem.words and pos < n else None
            if own is not None:
                _add(out, own, start)
    else:
        for pos, start in states.items():
            for end in _var_ends(elem, text, pos):
                _add(out, end, start)
    return _close(out, text)


def run(elems: Sequence[Elem], text: Text, states: States) -> States:
    """Where the elements can end, from each state (an empty result: no match)."""
    states = _close(states, text)
    for elem in elems:
        if not states:
            break
        states = _step(elem, text, states)
    return states


def find(tpl: Template, text: Text) -> tuple[int, int] | None:
    """The longest span of the text that is the template (start, end in tokens), or None."""
    n = len(text.tokens)
    first = _first_words(tpl.id)
    if first is None:
        starts: States = {p: p for p in range(n)}
    else:  # the positions of its first words, of copyright lines and of bullets, in order
        where = _positions(text)
        chosen = set(text.copyright_lines).union(text.skippable, *(where.get(w, ()) for w in first))
        starts = {p: p for p in sorted(chosen) if p < n}
    ends = run(tpl.elems, text, starts)
    titles = [e for e in tpl.elems[1:] if isinstance(e, Opt) and e.title]
    if titles:  # the title above an optional preamble the template puts first
        moved = (titles[0], *(e for e in tpl.elems if e is not titles[0]))
        for pos, start in run(moved, text, dict(starts)).items():
            _add(ends, pos, start)
    best = max(((pos - start, -start, pos) for pos, start in ends.items() if pos > start), default=None)
    if best is None:
        return None
    return -best[1], best[2]


@functools.cache
def _first_words(spdx_id: str) -> frozenset[str] | None:
    """The words a match of the template can begin with, once per template (templates are not hashable)."""
    tpl = template(spdx_id)
    return None if tpl is None else _first(tpl.elems)


def _first(elems: Sequence[Elem]) -> frozenset[str] | None:
    """The words a match can begin with (None: any word, a replaceable part may come first)."""
    out: set[str] = set()
    for elem in elems:
        if isinstance(elem, Lit):
            out.add(elem.words[0])
            return frozenset(out)
        if isinstance(elem, Opt):
            inner = _first(elem.body)
            if inner is None:
                return None
            out |= inner
            continue
        if isinstance(elem, Copyright) and elem.body:
            inner = _first(elem.body)
            if inner is None:
                return None
            out |= inner
        if isinstance(elem, (Copyright, Bullet)):
            continue
        return None
    return frozenset(out)
