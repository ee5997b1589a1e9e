"""The detectors' pre-checks and windows (issue 18) skip only work that cannot change an answer."""

from __future__ import annotations

import fnmatch
import functools
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.detectors import dependencies, header_notices, readme_prose, spdx_headers
from license_check.collect.detectors._util import ASCII_FOLDING, LEADER_STRIP_RE, finditer_at, strip_closers
from license_check.collect.detectors.base import ScanContext
from license_check.collect.reading import preloaded, read_text
from license_check.collect.textid import operative
from license_check.knowledge.book import Knowledge
from license_check.knowledge.textrules import Clause
from license_check.model import FileEntry

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
CTX = ScanContext()


def _gpl_reference(lines: Sequence[str]) -> list[spdx_headers.Notice]:
    """find_gpl_notices as it was before its window: every line cleaned and searched."""
    low = "\n".join(lines).lower()
    if "general" not in low or "public" not in low:
        return []
    parts = [strip_closers(LEADER_STRIP_RE.sub("", line, count=1)) for line in lines]
    starts, offset = [], 0
    for part in parts:
        starts.append(offset)
        offset += len(part) + 1
    joined = " ".join(parts)
    notices: list[spdx_headers.Notice] = []
    seen: set[str] = set()
    for match in spdx_headers._NOTICE_RE.finditer(joined):
        tail = joined[match.end(): match.end() + 300]
        end = spdx_headers._SENTENCE_END_RE.search(tail)
        tail = tail[: end.start()] if end else tail
        variant = match.group("variant")
        family = spdx_headers._FAMILY[variant.lower() if variant else None]
        version = match.group("ver") if "." in match.group("ver") else match.group("ver") + ".0"
        spdx_id = f"{family}-{version}-{'or-later' if spdx_headers._LATER_RE.search(tail) else 'only'}"
        if spdx_id not in seen:
            seen.add(spdx_id)
            notices.append(spdx_headers.Notice(bisect_right(starts, match.start()), spdx_id))
    return notices


_GPL_PIECES = ["GNU", "gnu", "__GNUC__", "GNUmake", "xGNU", "General", "general", "Public", "License", "Licence",
               "Lesser", "Library", "Affero", "under the terms of", "licensed under", "released", "distributed under",
               "the", "version", "2", "3", ".1", "any later version", "or later", "(at your option)", ".", ". ", " ",
               "      ", "\t", "\n", "# ", "// ", " * ", "/*", "*/", "-->", "rem ", "REM", "x", "_", "-", ")", "(",
               "int f(void);", "ſ", "İ", "K"]
_GPL_LINES = st.lists(st.lists(st.sampled_from(_GPL_PIECES), max_size=8).map("".join), max_size=40)


@settings(max_examples=1500, deadline=None)
@given(_GPL_LINES)
def test_gnu_notice_window_finds_what_all_lines_give(lines: list[str]) -> None:
    assert spdx_headers.find_gpl_notices(lines) == _gpl_reference(lines)


@st.composite
def _notice_files(draw: st.DrawFn) -> list[str]:
    """A GNU notice's words spread over comment lines, with blank and leader-only lines, code that says GNU, and
    long runs of other text between them: what the window must hold whole."""
    words = " ".join([
        draw(st.sampled_from(["under the terms of", "licensed under", "released under", "available under"])),
        draw(st.sampled_from(["the GNU", "GNU", "the gnu"])),
        draw(st.sampled_from(["", "Lesser", "Library", "Affero"])), "General Public License",
        draw(st.sampled_from(["", "as published by the FSF;", "x" * 150, "y" * 170])),
        "version", draw(st.sampled_from(["2", "3", "2.1"])),
        draw(st.sampled_from(["", "of the License, or any later version", "only.", "z " * 140 + "or later"])),
    ]).split()
    blank = st.sampled_from(["", "#", " * ", "//", "      ", "# "])  # nothing once cleaned: inside a notice
    filler = st.one_of(blank, st.sampled_from(["rem", "int x;", "#ifdef __GNUC__", "q" * 300, "GNU"]))
    lines = draw(st.lists(filler, max_size=30))
    leader = draw(st.sampled_from(["# ", " * ", "// ", "-- ", ""]))
    for word in words:
        lines.append(leader + word)
        lines += draw(st.lists(blank if draw(st.integers(0, 9)) else filler, max_size=3))
    return lines + draw(st.lists(filler, max_size=30))


@settings(max_examples=1000, deadline=None)
@given(_notice_files())
def test_gnu_notice_window_holds_notices_spread_over_lines(lines: list[str]) -> None:
    assert spdx_headers.find_gpl_notices(lines) == _gpl_reference(lines)


NOTICE = [
    "/* This program is free software; you can redistribute it and/or modify",
    " * it under the terms of the GNU General Public License as published by",
    " * the Free Software Foundation; either version 2 of the License, or",
    " * (at your option) any later version.",
    " */",
]


@pytest.mark.parametrize(
    "lines",
    [
        NOTICE + ["int x;"] * 300,  # the notice at the top, code after it
        ["#ifdef __GNUC__", "#endif"] * 50 + NOTICE,  # "GNU" in code long before the notice
        NOTICE + ["#ifdef __GNUC__", "int y;"] * 100,  # and after it
        # The notice's words apart over blank comment lines: the walk back and the budget skip them.
        ["// licensed", *["//"] * 200, "// under", "//", "// the GNU", *["//"] * 300, "// General Public License",
         "// " + "x" * 150, "// version 3", *["//"] * 100, "// or any later version"],
        # The tail's "any later version" beyond the notice, 250 characters on.
        ["# released under the GNU Lesser General Public License version 2.1", "# " + "y " * 120,
         "# or any later version", "import os"],
        # Two notices, far apart.
        NOTICE + ["int z;"] * 200 + ["-- Licensed under the GNU Affero General Public License, version 3."],
        ["x" * 5000 + " licensed under the GNU General Public License version 3"],
    ],
)
def test_gnu_notice_window_on_long_files(lines: list[str]) -> None:
    assert spdx_headers.find_gpl_notices(lines) == _gpl_reference(lines)
    assert spdx_headers.find_gpl_notices(lines)


def test_gnu_word_is_the_word_a_notice_needs() -> None:
    code = "#if __gnuc__ > 2 /* the gnu general */"
    assert spdx_headers._gnu_word(code) == spdx_headers._gnu_word(code, last=True) == code.index(" gnu ") + 1
    assert spdx_headers._gnu_word("gnu\ngnux gnu", last=True) == 9
    assert spdx_headers._gnu_word("gnumake, _gnu, gnu2, agnu") == -1


# The use terms of rules/use-terms.toml, with a category of each kind, in the header of a file.
_TERM_PIECES = ["# ", "// ", " * ", "", "for non-commercial research purposes only", "may not be used for commercial",
                "you may not modify", "no derivatives", "shall not be used for military", "for research use only",
                "academic", "personal use", "Non-Commercial", "NONCOMMERCIAL use", "commercially", "int f(void);",
                "ſ", "İ", "é", "RESEARCH", " ", "."]
_TERM_LINES = st.lists(st.lists(st.sampled_from(_TERM_PIECES), max_size=6).map("".join), max_size=12)


@functools.cache
def _use_terms() -> tuple[Clause, ...]:
    return Knowledge.load().use_terms


@settings(max_examples=500, deadline=None)
@given(_TERM_LINES)
def test_restrictive_terms_read_the_prohibiting_clauses_as_all_of_them(lines: list[str]) -> None:
    clauses = _use_terms()
    text, numbers = header_notices.leading_comment(lines)
    term = operative.restricts_commercial_use(operative.read_terms(text, clauses)) if text.strip() else None
    expected = None if term is None else header_notices.HeaderTerms(
        numbers[min(max(term.line - 1, 0), len(numbers) - 1)], term.category, term.quote)
    assert header_notices.find_restrictive_terms(lines, clauses) == expected
    assert header_notices.find_restrictive_terms(lines, clauses, spdx_headers.lowered(lines)) == expected


def test_ascii_folding_is_every_character_that_matches_an_ascii_letter() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    folding = [chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))]
    assert folding == list(ASCII_FOLDING)
    # and lower() keeps every other offset: only İ (folding) lower-cases to more than one character
    assert [chr(c) for c in range(sys.maxunicode + 1) if len(chr(c).lower()) != 1] == ["\u0130"]


_GRANT_PIECES = ["licensed", "LICENCED", "Released", "distributed", "published", "made", "available", "provided",
                 "offered", "covered", "governed", "dual-", "Dual ", "dual", "under", "by", "the", "terms of", "MIT",
                 "Apache License 2.0", " ", "  ", "\n", ".", ",", "(", ")", "releaſed", "lİcensed", "x", "MADE"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_GRANT_PIECES), max_size=40).map("".join))
def test_grants_tried_at_their_verbs_are_the_regex_matches(text: str) -> None:
    fast = finditer_at(readme_prose._GRANT_RE, text, readme_prose._GRANT_STARTS, readme_prose._GRANT_BACK)
    assert [m.span() for m in fast] == [m.span() for m in readme_prose._GRANT_RE.finditer(text)]


def test_grant_starts_are_the_verbs_of_the_grant_regex() -> None:
    verbs = re.search(r"\(\?:(licen.*?governed)\)", readme_prose._GRANT_RE.pattern)
    assert verbs is not None
    firsts = {re.match(r"[a-z]+", alternative).group() for alternative in verbs.group(1).split("|")}  # type: ignore[union-attr]
    assert {f[:5] if f.startswith("licen") else f for f in firsts} == set(readme_prose._GRANT_STARTS)


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("odd.py", "# sPdX-LiCeNsE-iDeNtIfIeR: MIT"),
        ("deep.c", "\n" * 40 + "   /*  SPDX-LICENSE-IDENTIFIER :  MIT  */"),
        ("late.txt", "text\n" * 100 + "SPDX-License-Identifier: MIT"),
        ("marked.py", "# reuse-ignorestart\n# SPDX-License-Identifier: MIT\n"),  # a marker in the wrong casing
        ("fenced.md", "~~~\nSPDX-License-Identifier: Apache-2.0\n~~~\nSPDX-License-Identifier: MIT\n"),
    ],
)
def test_a_tag_in_any_casing_or_place_is_still_found(write_files: WriteFiles, name: str, header: str) -> None:
    result = spdx_headers.detect(write_files({name: header + "\n"}), CTX)
    assert [c.raw for c in result.claims] == ["MIT"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["# ", "MIT License", "Apache License, Version 2.0", "licensed under the", "CC",
                                 "BY-NC 4.0", "Attribution", "icen", " ", "x"]), max_size=8).map("".join).map(
    lambda s: s.split("x")))
def test_named_notices_with_the_callers_text_are_the_same(lines: list[str]) -> None:
    assert header_notices.find_named_notices(lines, "\n".join(lines)) == header_notices.find_named_notices(lines)
    long = lines * 30  # past MAX_LINES: the text is only the pre-check's
    assert header_notices.find_named_notices(long, "\n".join(long)) == header_notices.find_named_notices(long)


def test_bytes_shared_by_the_detectors_are_decoded_once_per_length(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "a.txt"
    data = ("é" * 10 + "\n").encode() * 20
    path.write_bytes(data)
    with preloaded({str(path): (data, False)}):
        whole = read_text(str(path), 1 << 20)
        assert read_text(str(path), 1 << 20) is whole  # the second detector gets the same text
        cut = read_text(str(path), 5)  # a shorter cap: its own bytes, cut mid-character
    assert whole.text == data.decode() and not whole.truncated
    assert cut.text == "éé" and cut.truncated
    assert read_text(str(path), 1 << 20) == whole  # outside the session: read from disk, same answer


@pytest.mark.parametrize("name", ["pyproject.toml", "requirements-dev.txt", "dev_requirements.txt", "Cargo.lock",
                                  "go.mod", "PACKAGE.JSON", "yarn.lock", "setup.py", "requirements", "x.in",
                                  "requirements.in", "pnpm-lock.yaml", "README.md"])
def test_one_name_test_for_every_format_is_the_format_by_format_test(name: str) -> None:
    known = dependencies.formats()
    slow = next((f for f in known if any(fnmatch.fnmatchcase(name.lower(), g) for g in f.names)), None)
    assert dependencies._format(name, known) is slow


@pytest.mark.parametrize(
    ("text", "croissant"),
    [
        ('{"@context": {"cr": "http://MLCommons.org/Croissant/"}, "license": "MIT"}', True),  # any casing
        ('{"@context": {"cr": "http://mlcommons.org\\/croissant\\/"}, "license": "MIT"}', True),  # "\/" escapes
        ('{"@context": {"cr": "http://mlcommons.org/\\u0063roissant/"}, "license": "MIT"}', True),  # a \u escape
        ('{"game": "Sonic", "license": "MIT"}', False),  # a game's metadata.json: not parsed at all
        ('{"game": "Sonic", "license": ', False),  # nor when broken
    ],
)
def test_a_metadata_json_is_croissant_only_when_it_can_name_it(write_files: WriteFiles, text: str,
                                                               croissant: bool) -> None:
    from license_check.collect.detectors import datasets

    result = datasets.detect(write_files({"d/metadata.json": text}), CTX)
    assert [(c.raw, c.source) for c in result.claims] == ([("MIT", "croissant")] if croissant else [])
    assert result.findings == ()
