"""SPDX-License-Identifier tags and GNU notices in file headers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.detectors import spdx_headers
from license_check.collect.detectors.base import ScanContext
from license_check.model import ClaimScope, FileEntry, RawForm

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]

CTX = ScanContext()


Found = dict[str, list[tuple[str | None, int | None, str]]]


def _claims(write_files: WriteFiles, files: dict[str, str | bytes]) -> Found:
    result = spdx_headers.detect(write_files(files), CTX)
    out: Found = {}
    for claim in result.claims:
        assert claim.scope is ClaimScope.FILE
        assert claim.form is RawForm.SPDX
        out.setdefault(claim.target, []).append((claim.raw, claim.evidence[0].line, claim.source))
    return out


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("a.py", "# SPDX-License-Identifier: MIT"),
        ("a.sh", "#!/bin/sh\n# SPDX-License-Identifier: MIT"),
        ("a.c", "// SPDX-License-Identifier: MIT"),
        ("a.rs", "//! SPDX-License-Identifier: MIT"),
        ("b.c", "/* SPDX-License-Identifier: MIT */"),
        ("c.c", "/*\n * SPDX-License-Identifier: MIT\n */"),
        ("a.html", "<!-- SPDX-License-Identifier: MIT -->"),
        ("a.sql", "-- SPDX-License-Identifier: MIT"),
        ("a.lisp", ";; SPDX-License-Identifier: MIT"),
        ("a.tex", "% SPDX-License-Identifier: MIT"),
        ("a.rst", ".. SPDX-License-Identifier: MIT"),
        ("m.py", '"""SPDX-License-Identifier: MIT"""'),
        ("a.bat", "REM SPDX-License-Identifier: MIT"),
        ("b.bat", "@rem SPDX-License-Identifier: MIT"),
        ("a.hs", "{- SPDX-License-Identifier: MIT -}"),
        ("a.ml", "(* SPDX-License-Identifier: MIT *)"),
        ("a.md", "[//]: # (SPDX-License-Identifier: MIT)"),
        ("a.txt", "SPDX-License-Identifier: MIT"),
        ("a.j2", "{# SPDX-License-Identifier: MIT #}"),
        ("a.f90", "! SPDX-License-Identifier: MIT"),
        ("a.vb", "' SPDX-License-Identifier: MIT"),
        ("a.erb", "<%# SPDX-License-Identifier: MIT %>"),
        ("crlf.py", "# SPDX-License-Identifier: MIT\r\nprint(1)\r\n"),
    ],
)
def test_every_comment_syntax(write_files: WriteFiles, name: str, header: str) -> None:
    found = _claims(write_files, {name: header + "\ncode()\n"})
    assert [raw for raw, _, _ in found[name]] == ["MIT"]


def test_line_numbers_and_source(write_files: WriteFiles) -> None:
    text = "#!/usr/bin/env python\n# Copyright me\n# SPDX-License-Identifier: ISC\n"
    found = _claims(write_files, {"x.py": text})
    assert found["x.py"] == [("ISC", 3, "spdx-header")]


@pytest.mark.parametrize(
    "expression",
    [
        "Apache-2.0 OR GPL-2.0-only",
        "GPL-2.0-only WITH Linux-syscall-note",
        "(MIT OR Apache-2.0) AND BSD-3-Clause",
        "LicenseRef-Proprietary",
        "GPL-2.0+",
    ],
)
def test_expressions_are_kept_whole(write_files: WriteFiles, expression: str) -> None:
    found = _claims(write_files, {"k.c": f"/* SPDX-License-Identifier: {expression} */\nint x;\n"})
    assert [raw for raw, _, _ in found["k.c"]] == [expression]


@pytest.mark.parametrize(
    "line",
    [
        "pattern = re.compile(r'SPDX-License-Identifier: (.*)')",
        '    TAG = "SPDX-License-Identifier: MIT"',
        "Add a line `SPDX-License-Identifier: MIT` to each file.",
        "# SPDX-License-Identifier: <SPDX>",
        "# SPDX-License-Identifier: $LICENSE",
        "# SPDX-License-Identifier: {license}",
        "# SPDX-License-Identifier: @LICENSE@",
        "# SPDX-License-Identifier: %s",
        "# SPDX-License-Identifier: ...",
        "# SPDX-License-Identifier: [expression]",
        "# SPDX-License-Identifier:",
        "echo 'SPDX-License-Identifier: MIT' > file.txt",
        "# SPDX-FileCopyrightText: 2024 Jane Doe",
        "# Use SPDX-License-Identifier: MIT in your headers",
    ],
)
def test_mentions_and_placeholders_are_ignored(write_files: WriteFiles, line: str) -> None:
    assert _claims(write_files, {"tool.py": f"{line}\nx = 1\n"}) == {}


def test_reuse_ignore_block_and_snippet(write_files: WriteFiles) -> None:
    text = (
        "# SPDX-License-Identifier: GPL-3.0-or-later\n"
        "# REUSE-IgnoreStart\n"
        "# SPDX-License-Identifier: MIT\n"
        "# REUSE-IgnoreEnd\n"
        "# SPDX-SnippetBegin\n"
        "# SPDX-License-Identifier: BSD-2-Clause\n"
        "# SPDX-SnippetEnd\n"
    )
    result = spdx_headers.detect(write_files({"s.py": text}), CTX)
    assert [(c.raw, c.evidence[0].key) for c in result.claims] == [
        ("GPL-3.0-or-later", None),
        ("BSD-2-Clause", "snippet"),
    ]


def test_markdown_code_fences_are_ignored(write_files: WriteFiles) -> None:
    text = "# How to\n\n```python\n# SPDX-License-Identifier: MIT\n```\n"
    assert _claims(write_files, {"docs/howto.md": text}) == {}


def test_only_the_header_is_read(write_files: WriteFiles) -> None:
    text = "x = 1\n" * 3000 + "# SPDX-License-Identifier: GPL-3.0-only\n"
    assert _claims(write_files, {"big.py": text}) == {}


def test_binary_legal_and_sidecar_files_are_skipped(write_files: WriteFiles) -> None:
    files: dict[str, str | bytes] = {
        "w.safetensors": b"# SPDX-License-Identifier: MIT\n",
        "blob.dat2": b"\x00\x01# SPDX-License-Identifier: MIT\n",
        "LICENSE": "SPDX-License-Identifier: MIT\n",
        "w.safetensors.license": "SPDX-License-Identifier: MIT\n",
        "empty.py": "",
    }
    result = spdx_headers.detect(write_files(files), CTX)
    assert result.claims == ()
    assert result.findings == ()


def test_non_utf8_and_bom(write_files: WriteFiles) -> None:
    files: dict[str, str | bytes] = {
        "latin.c": b"/* \xe9t\xe9 */\n// SPDX-License-Identifier: MIT\n",
        "bom16.c": "// SPDX-License-Identifier: Zlib\n".encode("utf-16"),
    }
    found = _claims(write_files, files)
    assert found == {"latin.c": [("MIT", 2, "spdx-header")], "bom16.c": [("Zlib", 1, "spdx-header")]}


GPL2_LATER = """/*
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */
"""
GPL2_ONLY = """# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License version 2 as published by
# the Free Software Foundation.
#
# This program is distributed in the hope that it will be useful, but WITHOUT
# ANY WARRANTY; see any later version of the GNU GPL for details.
"""
LGPL21_LATER = """// This library is free software; you can redistribute it and/or
// modify it under the terms of the GNU Lesser General Public
// License as published by the Free Software Foundation; either
// version 2.1 of the License, or (at your option) any later version.
"""
LGPL2_LIBRARY = """ * under the terms of the GNU Library General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
"""
AGPL3_LATER = """# it under the terms of the GNU Affero General Public License as published
# by the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
"""
GPL3_ONLY = "-- Licensed under the GNU General Public License, version 3.\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GPL2_LATER, "GPL-2.0-or-later"),
        (GPL2_ONLY, "GPL-2.0-only"),
        (LGPL21_LATER, "LGPL-2.1-or-later"),
        (LGPL2_LIBRARY, "LGPL-2.0-or-later"),
        (AGPL3_LATER, "AGPL-3.0-or-later"),
        (GPL3_ONLY, "GPL-3.0-only"),
    ],
)
def test_gnu_notices(write_files: WriteFiles, text: str, expected: str) -> None:
    found = _claims(write_files, {"src/f.c": text + "int main(void);\n"})
    assert [(raw, source) for raw, _, source in found["src/f.c"]] == [(expected, "license-header")]


def test_gnu_notice_line_and_prose_mentions(write_files: WriteFiles) -> None:
    found = _claims(write_files, {"a.c": GPL2_LATER})
    assert found["a.c"][0][1] == 3
    prose = "# This is not compatible with the GNU General Public License version 2.\n"
    assert _claims(write_files, {"b.py": prose}) == {}


def test_tag_and_notice_together(write_files: WriteFiles) -> None:
    text = "// SPDX-License-Identifier: LGPL-2.1-or-later\n" + LGPL21_LATER
    found = _claims(write_files, {"x.cc": text})
    assert sorted(found["x.cc"]) == [
        ("LGPL-2.1-or-later", 1, "spdx-header"),
        ("LGPL-2.1-or-later", 3, "license-header"),
    ]


def test_unreadable_file_is_a_finding(write_files: WriteFiles) -> None:
    entries = write_files({"gone.py": "# SPDX-License-Identifier: MIT\n"})
    os.unlink(entries[0].abspath)
    result = spdx_headers.detect(entries, CTX)
    assert result.claims == ()
    assert [f.rule for f in result.findings] == ["unreadable-file"]
    assert "gone.py" in result.findings[0].message


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_parsers_never_raise(lines: list[str]) -> None:
    tags = spdx_headers.find_tags(lines, markdown=True)
    spdx_headers.find_gpl_notices(lines)
    for tag in tags:
        assert tag.expression == tag.expression.strip()
        assert tag.expression


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#/*-<!>; SPDXLicens-Identifr:MITOR()\n\t\"'")), max_size=300))
def test_parsers_never_raise_on_tag_like_noise(text: str) -> None:
    lines = text.splitlines()
    spdx_headers.find_tags(lines)
    spdx_headers.find_gpl_notices(lines)


def test_readme_gets_tags_but_not_notices(write_files: WriteFiles) -> None:
    text = "<!-- SPDX-License-Identifier: CC-BY-4.0 -->\n# Project\n\n" + GPL2_LATER
    assert _claims(write_files, {"README.md": text}) == {"README.md": [("CC-BY-4.0", 1, "spdx-header")]}


@pytest.mark.parametrize(
    "line", ["*" * 20_000, "# " * 10_000, "-" * 20_000 + "x", "/*" * 10_000 + " spdx-license-identifierx"]
)
def test_banner_lines_do_not_backtrack(line: str) -> None:
    started = time.monotonic()
    assert spdx_headers.find_tags([line, line]) == []
    spdx_headers.find_gpl_notices([line, "General Public " + line])
    assert time.monotonic() - started < 2.0


def test_code_named_like_a_legal_file_is_still_read(write_files: WriteFiles) -> None:
    from license_check.collect.detectors.base import ScanContext
    from license_check.collect.detectors.spdx_headers import detect

    files = write_files({"src/license.py": "# SPDX-License-Identifier: GPL-3.0-only\n",
                         "notice_utils.py": "# SPDX-License-Identifier: MIT\n", "LICENSE": "MIT\n"})
    assert sorted((c.target, c.raw) for c in detect(files, ScanContext()).claims) == [
        ("notice_utils.py", "MIT"), ("src/license.py", "GPL-3.0-only")]


def test_a_markdown_documents_leading_html_comment_is_its_header(write_files: WriteFiles) -> None:
    header = ('<!--Copyright 2025 The Team. All rights reserved.\n\nLicensed under the Apache License, Version 2.0 '
              '(the "License"); you may not use\nthis file except in compliance with the License.\n-->\n\n# Title\n')
    files = write_files({"docs/a.md": header + "\nLicensed under the MIT License, says a later paragraph.\n",
                         "docs/b.md": "# Title\n\nLicensed under the Apache License, Version 2.0.\n"})
    found = [(c.target, c.raw, c.evidence[0].line) for c in spdx_headers.detect(files, CTX).claims]
    # the notice inside the comment only: prose after it, and a document without the comment, give no claim
    # (line 1: the notice's sentence is counted from the period that ends the copyright line, as in code headers)
    assert found == [("docs/a.md", "Apache License, Version 2.0", 1)]
    assert spdx_headers.html_comment_header(["# x", "Licensed under MIT"]) == ["# x", "Licensed under MIT"]
