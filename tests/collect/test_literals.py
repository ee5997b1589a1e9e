"""The literal pre-check of collect/textid/literals.py: it may only ever skip a search that would find nothing."""

from __future__ import annotations

import random
import re

import pytest

from license_check.collect.detectors import header_notices
from license_check.collect.textid import literals, operative
from license_check.knowledge.book import Knowledge


def test_required_words_of_simple_patterns() -> None:
    assert literals.required(re.compile(r"\bnon-?commercial\s+use\b", re.I)) == {"commercial"}
    # Both the branch's words and "only" are required; the longer shortest word is kept.
    assert literals.required(re.compile(r"(?:academic|research)\s+only", re.I)) == {"academic", "research"}
    assert literals.required(re.compile(r"\bfo(?:bar)?")) is None  # "fo" is too short to be worth a check
    assert literals.required(re.compile(r"(?:weapons|x)\s+ba")) is None  # a branch with no word of its own
    assert literals.required(re.compile(r"(?:military)?\s*rules?")) == {"rule"}  # the optional part requires nothing


def test_words_never_span_whitespace_or_markup() -> None:
    # A literal space may be a line break in the text (operative flattens whitespace, '*' and '_').
    words = literals.required(re.compile(r"not for sale", re.I))
    assert words is not None and all(" " not in w for w in words)
    assert literals.may_match("not\nfor   sale", words)
    assert literals.may_match("not for_sale", literals.required(re.compile(r"not for.sale", re.I)))


def test_non_ascii_text_is_always_searched() -> None:
    # Case-insensitive matching folds U+017F (long s) onto "s": str.lower does not.
    pattern = re.compile(r"\bsold\b", re.I)
    words = literals.required(pattern)
    assert words == {"sold"}
    assert pattern.search("may not be \u017fold") is not None
    assert literals.may_match("may not be \u017fold", words)


def _texts(rng: random.Random, vocabulary: list[str], count: int) -> list[str]:
    seps = [" ", "\n", "  ", "\n# ", " * ", "_", "-", ". "]
    return ["".join(rng.choice(vocabulary) + rng.choice(seps) for _ in range(rng.randint(1, 40)))
            for _ in range(count)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_use_terms_pre_check_is_sound(seed: int) -> None:
    """On texts made of the clauses' own words (so that many match), a text the pre-check rules out never
    matches, and read_terms gives what the plain search gives."""
    clauses = Knowledge.load().use_terms
    joined, words = operative._any_clause(clauses)
    assert words is not None  # the shipped clauses all have words: the pre-check is on
    vocabulary = sorted({w for c in clauses for w in re.findall(r"[A-Za-z]+", c.pattern.pattern)}
                        | {"Commercial", "NON", "use", "purposes", "only", "the", "be", "may", "not"})
    vocabulary += ["non-commercial use", "for research purposes only", "may not be sold", "commercial use is",
                   "for personal use only", "no derivatives", "may not be used for military", "NonCommercial license",
                   "academic use only", "may be used non-commercially", "Commer cial", "non_commercial purposes"] * 8
    rng = random.Random(seed)
    matched = 0
    for text in _texts(rng, vocabulary, 3000):
        flat = operative._flat(text)
        hit = any(c.pattern.search(flat) for c in clauses)
        matched += hit
        if not literals.may_match(text, words):
            assert not hit, text
    assert matched > 100  # the test texts do reach the clauses


def test_named_notice_memo_gives_the_same_answer() -> None:
    lines = ["# Copyright 2024 Example", "#", "# Licensed under the Apache License, Version 2.0 (the \"License\");",
             "# you may not use this file except in compliance with the License.", "", "import os"]
    first = header_notices.find_named_notices(lines)
    again = header_notices.find_named_notices(list(lines))
    assert first == again and [n.name for n in first] == ["Apache License, Version 2.0"]
    first.clear()  # the caller's list is its own: the memo is not changed through it
    assert header_notices.find_named_notices(lines) == again
