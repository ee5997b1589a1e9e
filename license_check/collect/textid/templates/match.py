"""Matching a compiled template against a text: where, word by word, it can begin and end."""

from __future__ import annotations

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


def _var_ends(var: Var, text: Text, pos: int) -> Iterator[int]:
    if var.empty or var.loose.fullmatch(text.around(pos, pos)):  # no words: "." for ": wiki.example.org"
        yield pos
    limit = min(len(text.tokens), pos + MAX_VAR_TOKENS)
    default = set(var.default)
    for end in range(pos + 1, limit + 1):
        if var.wildcard and any(w in RESTRICTING and w not in default for w in text.tokens[end - 1:end]):
            return  # a wildcard holds a name: past a restricting word, no longer span can match
        if var.strict.fullmatch(text.between(pos, end)) or var.loose.fullmatch(text.around(pos, end)):
            yield end


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
    starts: States = {p: p for p in range(n) if first is None or text.tokens[p] in first or p in text.copyright_lines
                      or p in text.skippable}
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
