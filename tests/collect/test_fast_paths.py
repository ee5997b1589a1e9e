"""The detectors' fast paths (issue 18) answer exactly what the slow paths they skip would."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.detectors import header_notices, references, spdx_headers
from license_check.collect.detectors._util import COMMENT_LEADER, LEADER_STARTS, strip_closers
from license_check.collect.textid import operative

_PIECES = ["# ", "// ", "/* ", " * ", "*/", "-->", '"""', "REUSE-IgnoreStart", "REUSE-IgnoreEnd", "SPDX-SnippetBegin",
           "SPDX-SnippetEnd", "SPDX-License-Identifier: ", "spdx-LICENSE-identifier:", "MIT", " OR ", "(", ")", "```",
           "~~~", " ", "\t", "\u00a0", "Σ", "İ", "rem ", "dnl ", "MIT License", "(CC BY-NC 4.0)", "*", "_", "x"]
_LINES = st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=10)


def test_leader_starts_holds_every_first_character_of_a_comment_leader() -> None:
    # A non-ASCII character can only match through IGNORECASE, i.e. when a case mapping of it is ASCII.
    candidates = [chr(c) for c in range(sys.maxunicode + 1)
                  if c < 128 or any(ch.isascii() for ch in (chr(c).lower() + chr(c).upper() + chr(c).casefold()))]
    leader = re.compile(rf"(?:{COMMENT_LEADER})")
    tails = ["", " ", "em ", "EM ", "rem ", "nl ", "NL ", "/", "*", "!--", "-", ".", '""', "''", ":", "{!", "%#", "#",
             "//]: #"]
    starts = {c for c in candidates if not c.isspace() and any(leader.match(c + tail) for tail in tails)}
    assert starts == set(LEADER_STARTS)


def test_gap_class_is_str_isspace() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1))
    assert re.findall(r"\s", every) == [c for c in every if c.isspace()]


@settings(max_examples=400, deadline=None)
@given(_LINES)
def test_find_tags_fast_path_is_the_stateful_loop(lines: list[str]) -> None:
    assert spdx_headers.find_tags(lines) == spdx_headers._find_tags_stateful(lines, False)
    assert spdx_headers.find_tags(lines, markdown=True) == spdx_headers._find_tags_stateful(lines, True)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\u00a0\u2028*_ab.")), max_size=40))
def test_flat_text_is_the_collapsed_text(text: str) -> None:
    assert operative._flat(text) == operative._collapse(text)[0]
    offsets = operative._collapse(text)[1]
    assert [operative._offset(text, i) for i in range(len(offsets))] == offsets  # gap by gap, the same offsets


@settings(max_examples=400, deadline=None)
@given(_LINES)
def test_comment_text_fast_path(lines: list[str]) -> None:
    for line in lines:
        leader = header_notices.LEADER_STRIP_RE.match(line)
        slow = None if leader is None or not leader.group().strip() else strip_closers(line[leader.end():])
        assert header_notices._comment_text(line) == slow


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["http", "https", "ftp", "gs", "s3", "://", ":", "/", "a", ".tar", " ", "\n", "(", "h",
                                 "ttp", "s", "x://"]), max_size=30).map("".join))
def test_url_matches_are_the_regex_matches(text: str) -> None:
    assert [m.span() for m in references._url_matches(text)] == [m.span() for m in references._URL_RE.finditer(text)]
