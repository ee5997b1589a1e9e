"""The SPDX template matcher's collapsed text (collect/textid/templates/match.py): the slices it compares are the
strings the straightforward definition gives."""

from __future__ import annotations

import random

from license_check.collect.textid.templates import match
from license_check.collect.textid.templates.text import read_text

_ALPHABET = ["a", "b", "Z", " ", "\n", "\t", "\u2028", "\x1c", "\u00a0", ",", "\u3000", "  ", "(c)", "-"]


def test_every_stretch_is_the_split_and_join_of_its_raw_text() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        raw = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40)))
        collapsed = match._Collapsed(raw)
        for _ in range(20):
            start, end = rng.randint(0, len(raw)), rng.randint(0, len(raw))
            assert collapsed.stretch(start, end) == " ".join(raw[start:end].split()), (raw, start, end)


def test_token_boundaries_give_between_and_around() -> None:
    text = read_text("Copyright (c) 2020  ACME,\n  Inc.\u2028 All rights\treserved.\n\n1. Permission is granted")
    whole = match._collapsed(text)
    n = len(text.tokens)
    for pos in range(n + 1):
        inner = whole.since(text.starts[pos]) if pos < n else None
        outer = whole.since(text.ends[pos - 1] if pos > 0 else 0)
        for end in range(pos + 1, n + 1):
            assert inner is not None
            assert whole.text[inner:whole.after_token[end - 1]] == text.between(pos, end)
            assert whole.text[outer:whole.before_token[end]] == text.around(pos, end)
