"""A replaceable part's width bound (templates/program.max_width, match._var_ends): the same candidate ends as
trying every one, only sooner."""

from __future__ import annotations

import dataclasses
import re

from license_check.collect.textid.templates import match
from license_check.collect.textid.templates.program import Opt, Var, _var, max_width, reference_text, template
from license_check.collect.textid.templates.text import read_text


def test_max_width_is_the_parsers_bound() -> None:
    assert max_width("The MIT-Zero License|MIT No Attribution|", re.IGNORECASE) == 20
    assert max_width("Software|Materials", 0) == 9
    assert max_width(".+", re.DOTALL) is None  # no bound
    assert max_width("(a)\\1", 0) == 2
    assert max_width("(", 0) is None  # not a pattern: no bound


def _vars(elems: tuple[object, ...]) -> list[Var]:
    out: list[Var] = []
    for elem in elems:
        if isinstance(elem, Var):
            out.append(elem)
        elif isinstance(elem, Opt):
            out.extend(_vars(elem.body))
    return out


def _texts() -> list[str]:
    mit = reference_text("MIT")
    return [reference_text("MIT-0"), mit, reference_text("BSD-3-Clause"), "MIT No Attribution\n\n" + mit,
            "The MIT-Zero License & more, Copyright (c) 2024 Acme\u00e9 Inc.\n" + mit,
            "© Materials, Software; Materials & Software_MIT No Attribution.\n" + reference_text("ISC")]


def test_bounded_parts_give_the_same_ends_as_unbounded_ones() -> None:
    parts = [v for spdx_id in ("MIT-0", "MIT", "BSD-3-Clause", "ISC") for v in _vars(template(spdx_id).elems)]  # type: ignore[union-attr]
    parts += [_var("Software|Materials", "Software"), _var("a|b c", "a"), _var("&", "&")]
    assert any(p.width is not None for p in parts)
    for raw in _texts():
        text = read_text(raw)
        for part in parts:
            unbounded = dataclasses.replace(part, width=None)
            for pos in range(len(text.tokens) + 1):
                assert list(match._var_ends(part, text, pos)) == list(match._var_ends(unbounded, text, pos))
