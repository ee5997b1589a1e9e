"""Path globs (REUSE.toml, PEP 639 license-files, dep5): correct, and never slow on hostile patterns."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.detectors._util import Glob, _glob_tokens, _nfa_match, _tokens_regex


@pytest.mark.parametrize(("pattern", "path", "crosses", "expected"), [
    ("*.py", "a.py", False, True),
    ("*.py", "src/a.py", False, False),
    ("*.py", "src/a.py", True, True),
    ("**/*.py", "a.py", False, True),
    ("**/*.py", "src/deep/a.py", False, True),
    ("src/**", "src/x/y.bin", False, True),
    ("model-?.safetensors", "model-1.safetensors", False, True),
    ("data/[abc]*.csv", "data/b1.csv", False, True),
    ("data/[!abc]*.csv", "data/b1.csv", False, False),
    ("weights/\\*.bin", "weights/*.bin", False, True),
    ("weights/\\*.bin", "weights/x.bin", False, False),
    ("*a*a*a*a*b", "xaxaxaxab", False, True),
    ("*a*a*a*a*b", "xaxaxa/xab", False, False),
])
def test_glob_semantics(pattern: str, path: str, crosses: bool, expected: bool) -> None:
    assert Glob(pattern, star_crosses_slash=crosses).match(path) is expected


def test_hostile_patterns_stay_fast() -> None:
    path = "a" * 200 + "/" + "a" * 200
    for pattern in ("*a" * 40 + "b", "**/" * 50 + "*a*a*a*a*a*a*b", "*" * 500 + "b", "?*" * 100 + "b"):
        start = time.perf_counter()
        assert not Glob(pattern).match(path) and not Glob(pattern, star_crosses_slash=True).match(path)
        assert time.perf_counter() - start < 2.0, pattern  # a regex would take hours here


_alphabet = st.sampled_from(["a", "b", "/", ".", "*", "**", "**/", "?", "[ab]", "[!a]", "\\*"])
_chars = st.text(alphabet="ab/.*", max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alphabet, max_size=8).map("".join), _chars, st.booleans())
def test_nfa_agrees_with_the_regex(pattern: str, path: str, crosses: bool) -> None:
    pattern = re.sub(r"\*{3,}", "**", re.sub(r"(?:\*\*/)+", "**/", pattern))
    tokens = _glob_tokens(pattern, crosses)
    regex = _tokens_regex(tokens)
    assert regex is not None
    assert _nfa_match(tokens, path) == (regex.match(path) is not None), (pattern, path, crosses)
