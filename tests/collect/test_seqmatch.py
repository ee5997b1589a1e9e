"""The seeded longest-match search (collect/textid/seqmatch.py): always difflib's own blocks and opcodes."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.textid.seqmatch import SEED, Matcher


def _same(a: list[str], b: list[str]) -> None:
    want = difflib.SequenceMatcher(None, a, b, autojunk=False)
    got = Matcher(a, b)
    assert got.get_matching_blocks() == want.get_matching_blocks()
    assert got.get_opcodes() == want.get_opcodes()


WORDS = st.lists(st.sampled_from(["the", "of", "a", "license", "grant", "use", "not"]), max_size=200)


@st.composite
def _edited(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A sequence and a copy of it with a few insertions, deletions, replacements and rotations."""
    a = draw(WORDS)
    b = list(a)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(b)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "rotate"]))
        if kind == "insert":
            b[at:at] = draw(st.lists(st.sampled_from(["the", "x", "y", "not"]), min_size=1, max_size=20))
        elif kind == "delete":
            del b[at:at + draw(st.integers(1, 20))]
        elif kind == "replace":
            b[at:at + 3] = ["z"]
        else:
            b = b[at:] + b[:at]
    return a, b


@settings(max_examples=400, deadline=None)
@given(_edited())
def test_edited_copies_give_difflibs_blocks(pair: tuple[list[str], list[str]]) -> None:
    a, b = pair
    _same(a, b)
    _same(b, a)


@settings(max_examples=200, deadline=None)
@given(WORDS, WORDS)
def test_unrelated_sequences_give_difflibs_blocks(a: list[str], b: list[str]) -> None:
    _same(a, b)


def test_repeated_runs_break_ties_as_difflib() -> None:
    unit = ["permission", "is", "hereby", "granted", "to", "use", "copy", "modify", "merge", "publish", "the",
            "software", "and"]
    assert len(unit) > SEED
    _same(unit * 3, unit * 2)  # several runs of the longest size: the first in a, then in b
    _same(unit * 2 + ["x"] + unit, ["y"] + unit * 3)
    _same(["a", "b"] * 40, ["b", "a"] * 41)  # periodic: pieces repeat on many diagonals


def test_the_whole_license_against_a_copy_with_a_clause_dropped() -> None:
    words = ("permission is hereby granted free of charge to any person obtaining a copy of this software and "
             "associated documentation files to deal in the software without restriction including without "
             "limitation the rights to use copy modify merge publish distribute sublicense and or sell copies")
    text = words.split(" ")
    dropped = text[:20] + text[35:]
    _same(text, dropped)
    assert [op for op in Matcher(text, dropped).get_opcodes() if op[0] != "equal"] == [("delete", 20, 35, 20, 20)]
