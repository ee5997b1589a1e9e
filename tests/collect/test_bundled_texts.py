"""Vendored bundles without ScanCode's full index (issue 18): the connective prose of bundled license files
(rules/boilerplate.toml), the bundle of several texts joined by it, a compact-index file made of whole rules
and that prose, and a copy of a reference text whose copyright statement names other releases (numbers.py).

Every text is synthetic, written here: the shapes of libzip's LICENSE (BSD text, "For AES encryption support,
files under the following license are used:", Gladman's terms, "Issue Date: ..."), LuaJIT's COPYRIGHT (a
tagline, MIT twice, "[ X includes code from Y, which has this license statement: ]", dlmalloc's public-domain
sentence) and libpng's LICENSE of another release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from license_check.collect.textid import bundles, gate, numbers
from license_check.collect.textid import compact_index as ci
from license_check.collect.textid import compact_matcher as cm
from license_check.collect.textid import fastpath as tm
from license_check.collect.textid import scancode_matcher as sa
from license_check.knowledge.book import Knowledge

KNOWLEDGE = Knowledge.load()
BP = KNOWLEDGE.boilerplate
REFS = {spec.source: tm.strip_front_matter(raw) for spec, raw in tm.reference_texts(KNOWLEDGE.directory)}
MIT = REFS["licenses/mit.LICENSE"]
LIBPNG = REFS["licenses/libpng.LICENSE"]

ACCEPTED = [
    "For AES encryption support, files under the following license are used:",
    "For zlib compression support, the code under the following licence is used.",
    "[ LuaJIT includes code from Lua 5.1/5.2, which has this license statement: ]",
    "This library includes code from dlmalloc, which has this license statement:",
    "Issue Date: 18th November 2008",
    "Release date: March 26, 2015",
    "This is a version (aka dlmalloc) of malloc/free/realloc written by",
]
REFUSED = [
    "For AES encryption support, files under the following license are used only for non-commercial purposes:",
    "For AES encryption support, files under the following license are not used:",
    "For commercial support, files under the following license are used:",
    "[ LuaJIT includes code from Lua 5.1/5.2, which has this license statement for non-commercial use: ]",
    "[ LuaJIT includes code from Lua, which is not under this license: ]",
    "Issue Date: 18th November 2008, for research use only",
    "Issue Date: whenever Acme says so",
    "This is a version of malloc written by Doug Lea, for non-commercial use",
    "This is a version of malloc written by Acme and is disallowed",
    "Acme forbids resale and released to the public domain, as explained at "
    "http://creativecommons.org/licenses/publicdomain",
    "Written by Acme which is disallowed and released to the public domain, as explained at "
    "http://creativecommons.org/licenses/publicdomain",
]


@pytest.mark.parametrize("sentence", ACCEPTED)
def test_connective_prose_of_vendored_bundles_is_boilerplate(sentence: str) -> None:
    verdict = gate.harmless(BP, sentence)
    assert verdict.ok and verdict.kinds == {"connective"} and not verdict.grants


@pytest.mark.parametrize("sentence", REFUSED)
def test_the_same_connectives_with_an_operative_word_are_not(sentence: str) -> None:
    assert not gate.harmless(BP, sentence).ok


def test_a_tagline_stands_only_at_the_top() -> None:
    tagline = "LuaJIT -- a Just-In-Time Compiler for Lua. http://luajit.org/"
    assert gate.harmless(BP, tagline).ok
    assert not gate.harmless(BP, "Copyright (c) 2024 Jane Doe\n\n" + tagline).ok
    assert not gate.harmless(BP, "LuaJIT -- a Just-In-Time Compiler for research use only. http://luajit.org/").ok
    assert not gate.harmless(BP, "LuaJIT -- a compiler that may not be sold. http://luajit.org/").ok


def test_public_domain_as_explained_at_a_page_grants_that_page_only() -> None:
    said = ("This is a version (aka dlmalloc) of malloc/free/realloc written by\nDoug Lea and released to the "
            "public domain, as explained at\n{url}\n")
    pddc = gate.harmless(BP, said.format(url="http://creativecommons.org/licenses/publicdomain"))
    assert pddc.ok and pddc.grants == ("CC-PDDC",)
    cc0 = gate.harmless(BP, said.format(url="http://creativecommons.org/publicdomain/zero/1.0/"))
    assert cc0.ok and cc0.grants == ("CC0-1.0",)
    assert not gate.harmless(BP, said.format(url="http://example.com/our-own-terms")).ok
    assert not gate.harmless(BP, said.replace("Doug Lea and", "Doug Lea for non-commercial use and").format(
        url="http://creativecommons.org/licenses/publicdomain")).ok


def _mit(holder: str) -> str:
    return f"Copyright (C) 2005-2017 {holder}. All rights reserved.\n\n{MIT.strip()}\n"


SEPARATOR = "=" * 79 + "\n"
LUAJIT_LIKE = (
    SEPARATOR + "Widget -- a Just-In-Time Compiler for Gadgets. http://widget.example.org/\n\n" + _mit("Jane Doe")
    + "\n[ MIT license: http://www.opensource.org/licenses/mit-license.php ]\n\n"
    + SEPARATOR + "[ Widget includes code from Gadget 5.1/5.2, which has this license statement: ]\n\n"
    + _mit("Gadget.org") + "\n"
    + SEPARATOR + "[ Widget includes code from tinyalloc, which has this license statement: ]\n\n"
    "This is a version (aka tinyalloc) of malloc/free/realloc written by\nJohn Roe and released to the public "
    "domain, as explained at\nhttp://creativecommons.org/licenses/publicdomain\n\n" + SEPARATOR
)


def test_a_luajit_like_bundle_is_identified() -> None:
    found = bundles.match_bundle(LUAJIT_LIKE, KNOWLEDGE)
    assert found is not None and found.expression == "MIT AND CC-PDDC"
    assert [m.expression for m in found.parts] == ["MIT", "MIT"]


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("which has this license statement:", "which has this license statement for academic use:"),
    lambda t: t.replace("a Just-In-Time Compiler", "a non-commercial Compiler"),
    lambda t: t.replace("http://creativecommons.org/licenses/publicdomain", "http://example.com/terms"),
    lambda t: t.replace("released to the public", "released for personal use to the public"),
])
def test_a_luajit_like_bundle_with_a_rider_is_not(edit: object) -> None:
    assert callable(edit)
    assert bundles.match_bundle(edit(LUAJIT_LIKE), KNOWLEDGE) is None


# ---------------------------------------------------------------- libpng of another release

NEWER = LIBPNG.replace("through 1.2.33, October 31, 2008, are", "through 1.6.17, March 26, 2015, are").replace(
    "2004, 2006-2008 Glenn", "2004, 2006-2015 Glenn")
NEWER = NEWER[: NEWER.rstrip().rfind("\n")] + "\nMarch 26, 2015\n"  # the maintainer's signature date
FIRST = "libpng versions 1.2.6"


@pytest.mark.parametrize("text", [
    NEWER,
    NEWER.replace("libpng versions 1.2.6", "This code is released under the libpng license.\n\nlibpng versions 1.2.6"),
    LIBPNG.replace("through 1.2.33, October 31, 2008", "through 1.4.0, January 3, 2010"),
], ids=["other-release", "released-under-sentence", "version-and-date"])
def test_libpng_of_another_release_is_libpng(text: str) -> None:
    found = tm.match_license_text(text, KNOWLEDGE)
    assert found is not None and found.expression == "Libpng" and not found.exact


@pytest.mark.parametrize("text", [
    NEWER.replace("and Group 42, Inc. disclaim", "and Group 43, Inc. disclaim"),  # a number of the terms
    NEWER.replace("(88x31)", "(88x32)"),
    NEWER.replace("libpng versions 1.2.6", "This code is released under the libpng license only.\n\n" + FIRST),
    NEWER.replace("libpng versions 1.2.6", "This code is released under the MIT license.\n\n" + FIRST),
    NEWER.replace("through 1.6.17, March", "through 1.6.17, not before March"),
], ids=["group-number", "logo-size", "released-only", "other-license", "not-before"])
def test_libpng_with_a_changed_term_is_not(text: str) -> None:
    assert tm.match_license_text(text, KNOWLEDGE) is None


def test_inside_a_text_only_a_connective_that_names_its_license_stands() -> None:
    at = "The above copyright notice"
    named = MIT.replace(at, "This code is released under the MIT license.\n\n" + at)
    assert tm.match_license_text(named, KNOWLEDGE) is not None
    for rider in ("Code from Acme is disallowed.", "Code from Acme Labs, which has this license statement:"):
        assert tm.match_license_text(MIT.replace(at, rider + "\n\n" + at), KNOWLEDGE) is None, rider


def test_a_number_in_the_terms_never_changes() -> None:
    apache = REFS["licenses/apache-2.0.LICENSE"]
    assert tm.match_license_text(apache, KNOWLEDGE) is not None
    assert tm.match_license_text(apache.replace("Version 2.0", "Version 3.0"), KNOWLEDGE) is None
    gpl = REFS["licenses/gpl-2.0.LICENSE"]
    assert tm.match_license_text(gpl.replace("either version 2 of", "either version 3 of"), KNOWLEDGE) is None


def test_statement_paragraphs() -> None:
    text = ("Acme versions 1.2, May 2004, are\nCopyright (c) 2004 Acme.\n\nYou may copy it for 30 days.\n\n"
            "Jane Doe\nJune 1, 2004\n")
    words = tm.normalize_tokens(text)
    inside = {words[i] for i in numbers.statement_positions(text, tm.GRANT_WORDS)}
    assert "30" not in inside and {"versions", "1", "2", "may", "jane", "june", "2004"} <= inside
    assert numbers.date_or_version(["1", "6", "17", "march", "26", "2015", "18th"])
    assert not numbers.date_or_version(["30", "days"])


# ---------------------------------------------------------------- the compact index

installed = tm.scancode_data_dir()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    if installed is None:
        pytest.skip("ScanCode's license data is not installed")
    root = tmp_path / "data"
    for name in ("licenses/mit.LICENSE", "licenses/greg-roelofs.LICENSE", "licenses/gpl-2.0-plus.LICENSE",
                 "rules/greg-roelofs_or_gpl-2.0-plus_1.RULE"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(installed / name, root / name)
    return root


def _libzip_like(data: Path, between: str) -> str:
    rule = ci.split_front_matter((data / "rules/greg-roelofs_or_gpl-2.0-plus_1.RULE").read_text())[1]
    mit = ci.split_front_matter((data / "licenses/mit.LICENSE").read_text())[1]
    return (f"Copyright (C) 1999-2017 Jane Doe and John Roe\n\n{mit.strip()}\n\n\n{between}\n\n{'-' * 75}\n"
            f"Copyright (c) 2002, Dr Richard Roe, Worcester, UK.\nAll rights reserved.\n\n{rule.strip()}\n"
            f"{'-' * 75}\nIssue Date: 18th November 2008\n")


def test_a_compact_file_of_whole_rules_and_connectives_settles(data: Path) -> None:
    index = ci.build(data, "test")
    text = _libzip_like(data, "For AES encryption support, files under the following license are used:")
    outcome = cm.identify(text, index, data, KNOWLEDGE)
    assert outcome is not None and outcome.status == sa.Status.IDENTIFIED
    assert outcome.expression == "MIT AND (LicenseRef-scancode-greg-roelofs OR GPL-2.0-or-later)"


@pytest.mark.parametrize("between", [
    "For AES encryption support, files under the following license are used only for non-commercial purposes:",
    "For AES encryption support, see the MIT License:",  # a license name: ScanCode's to read
    "MIT License",  # a title: ScanCode's to read
])
def test_a_compact_file_with_other_prose_defers(data: Path, between: str) -> None:
    assert cm.identify(_libzip_like(data, between), ci.build(data, "test"), data, KNOWLEDGE) is None
