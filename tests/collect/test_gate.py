"""The one gate for text beside a license (issue 11 A.4/A.5): standard wording and the real variants
pass without ScanCode; additions in any wording never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.collect.textid import bundles, gate
from license_check.collect.textid import fastpath as tm
from license_check.knowledge.book import Knowledge

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

REFS = {spec.source: tm.strip_front_matter(raw) for spec, raw in tm.reference_texts(KNOWLEDGE.directory)}
MIT = REFS["licenses/mit.LICENSE"]
APACHE = REFS["licenses/apache-2.0.LICENSE"]
BSD3 = REFS["licenses/bsd-new.LICENSE"]
GPL2 = REFS["licenses/gpl-2.0.LICENSE"]
GPL3 = REFS["licenses/gpl-3.0.LICENSE"]
CLASSPATH = tm.strip_front_matter(
    (tm.scancode_data_dir() or Path(".")).joinpath("licenses", "classpath-exception-2.0.LICENSE").read_text())

OLD_FSF = "675 Mass Ave, Cambridge, MA 02139, USA"

EVASIONS = [
    "Use by Acme Corp is disallowed.",
    "This software costs USD 500 per seat.",
    "Redistribution needs written consent of Acme.",
    "Die kommerzielle Nutzung dieser Software ist untersagt.",
    "Acme employees only.",
    "Copyright 2020 Acme. Use by Acme Corp is disallowed.",
    "Copyright 2020 Acme, not for resale",
]


@pytest.mark.parametrize("rider", EVASIONS)
def test_an_addition_in_any_wording_is_not_the_plain_license(rider: str) -> None:
    for text in (MIT + "\n\n" + rider + "\n", rider + "\n\n" + MIT, "MIT License\n\n" + rider + "\n\n" + MIT):
        assert tm.match_license_text(text, KNOWLEDGE) is None, text[:80]
    assert bundles.match_bundle(MIT + "\n\n-----\n\n" + rider + "\n\n-----\n\n" + BSD3, KNOWLEDGE) is None
    assert not gate.harmless(KNOWLEDGE.boilerplate, rider).ok


@pytest.mark.parametrize("line", [
    "The MIT License (MIT)", "Copyright (c) 2022 The fastfilter developers", "SPDX-License-Identifier: MIT",
    "Copyright (c) Meta Platforms, Inc. and affiliates. All Rights Reserved.", "Author: Phil Wang",
    "LICENSE FOR huggingface and Google Research code", "CC0: http://creativecommons.org/publicdomain/zero/1.0/",
    "The following license applies to all parts of this software except as documented below:",
    "The following applies to all files unless otherwise noted:",
    "Below are licenses used in those files, as indicated.",
])
def test_boilerplate_is_recognised(line: str) -> None:
    assert gate.harmless(KNOWLEDGE.boilerplate, line).ok, line


def test_a_license_a_connective_grants_joins_the_expression() -> None:
    text = ("Copyright jQuery Foundation and other contributors, https://jquery.org/\n\n"
            "This software consists of voluntary contributions made by many\nindividuals. For exact contribution "
            "history, see the revision history\navailable at https://github.com/requirejs/requirejs\n\n"
            "The following license applies to all parts of this software except as\ndocumented below:\n\n====\n\n"
            + MIT + "\n\n====\n\nCopyright and related rights for sample code are waived via CC0. Sample\ncode is "
            "defined as all source code displayed within the prose of the\ndocumentation.\n\n"
            "CC0: http://creativecommons.org/publicdomain/zero/1.0/\n\n====\n\n"
            "Files located in the node_modules directory, and certain utilities used\nto build or test the software "
            "in the test and dist directories, are\nexternally maintained libraries used by this software which "
            "have their own\nlicenses; we recommend you read them, as their terms may differ from the\nterms above.\n")
    found = bundles.match_bundle(text, KNOWLEDGE)
    assert found is not None and found.expression == "MIT AND CC0-1.0"


def test_a_bundle_with_research_organisations_and_unless_noted() -> None:
    sep = "\n\n------------- LICENSE FOR huggingface and Google Research code  --------------\n\n"
    text = ("The following applies to all files unless otherwise noted:\n\n"
            + BSD3.replace("the ORGANIZATION", "NVIDIA CORPORATION")
            + "\n\n--\n\nThis repository also contains code from Hugging Face Inc., Google Research,\nFacebook (from "
            "their Fairseq project), and Philip Popien. Files from these\norganizations have notices at the top of "
            "each file. Below are licenses\nused in those files, as indicated.\n" + sep + APACHE
            + "\n\n------------- LICENSE FOR Facebook Fairseq code --------------\n\nMIT License\n\n"
              "Copyright (c) Facebook, Inc. and its affiliates.\n\n" + MIT)
    found = bundles.match_bundle(text, KNOWLEDGE)
    assert found is not None and found.expression == "BSD-3-Clause AND Apache-2.0 AND MIT"


@pytest.mark.parametrize(("text", "expected"), [
    # GPLv2 as printed before 1995 (the FSF's old postal address) and its 1999+ wording ("Lesser").
    (GPL2.replace("51 Franklin Street, Fifth Floor, Boston, MA  02110-1301 USA", OLD_FSF)
     .replace("51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA", OLD_FSF), "GPL-2.0-only"),
    (GPL2.replace("51 Franklin Street, Fifth Floor, Boston, MA  02110-1301 USA",
                  "59 Temple Place, Suite 330, Boston, MA 02111-1307 USA"), "GPL-2.0-only"),
    # GPLv3 with http:// URLs and the old why-not-lgpl address.
    (GPL3.replace("https://fsf.org/", "http://fsf.org/").replace("https://www.gnu.org/licenses/why-not-lgpl.html",
                                                                  "http://www.gnu.org/philosophy/why-not-lgpl.html"),
     "GPL-3.0-only"),
    # GPLv2 followed by the Classpath exception in one file (GNU Classpath, OpenJDK).
    (GPL2 + "\n\nCLASSPATH EXCEPTION\n\n" + CLASSPATH, "GPL-2.0-only WITH Classpath-exception-2.0"),
    # The Markdown GPLv2 (numbered "**0.**", a "(GPLv2)" title).
    ("The GNU General Public License, Version 2, June 1991 (GPLv2)\n=====\n\n"
     + GPL2.split("\n", 3)[3].replace("\n  0. ", "\n**0.** "), "GPL-2.0-only"),
    # A holder's name in place of the placeholder, without a year; the Apache appendix filled in.
    ("Copyright Romain Tisserand\n\n" + BSD3.replace("the ORGANIZATION", "the copyright holder"), "BSD-3-Clause"),
    (APACHE.replace("Copyright [yyyy] [name of copyright owner]", "Copyright [2007] Neal Norwitz\n"
                                                                   "Portions Copyright [2007] Google Inc."),
     "Apache-2.0"),
])
def test_real_variants_take_the_fast_path(text: str, expected: str) -> None:
    found = tm.match_license_text(text, KNOWLEDGE)
    assert found is not None and found.expression == expected


def test_gpt2_modified_mit_is_its_own_license_ref() -> None:
    modified = next(raw for spec, raw in tm.reference_texts(KNOWLEDGE.directory)
                    if spec.source == "project:modified-mit-openai.txt")
    found = tm.match_license_text(modified, KNOWLEDGE)
    assert found is not None and found.expression == "LicenseRef-license-check-modified-mit-openai"
    # Its added sentences are not boilerplate: beside the plain MIT text they are not MIT.
    assert tm.match_license_text(MIT + "\n\nWe only ask that you use GPT-2 responsibly.\n", KNOWLEDGE) is None


def test_one_license_with_a_pointer_to_another_file() -> None:
    text = (BSD3.replace("the ORGANIZATION", "the copyright holder") + "\n\nPlease also refer to the file "
            "CONTRIBUTING.md, which clarifies licensing of\nexternal contributions to this project including "
            "patches, pull requests, etc.\n")
    found = bundles.match_bundle(text, KNOWLEDGE)
    assert found is not None and found.expression == "BSD-3-Clause"
    assert bundles.match_bundle(BSD3 + "\n\nUse by Acme Corp is disallowed.\n", KNOWLEDGE) is None


@pytest.mark.parametrize(("header", "expected"), [
    ("Copyright (c) 2018, Richard Zhang, Phillip Isola, Alexei A. Efros, Eli Shechtman, Oliver Wang\n"
     "All rights reserved.\n\n", "BSD-2-Clause"),  # an initial is no sentence end
])
def test_holder_lines_with_initials(header: str, expected: str) -> None:
    bsd2 = REFS["licenses/bsd-simplified.LICENSE"]
    text = header + bsd2.split("\n", 2)[2] if bsd2.startswith("Copyright") else header + bsd2
    found = tm.match_license_text(text, KNOWLEDGE)
    assert found is not None and found.expression == expected


def test_a_holder_line_without_a_year_inside_the_text() -> None:
    text = APACHE.replace("Copyright [yyyy] [name of copyright owner]", "Copyright Zhengxiao Du")
    found = tm.match_license_text(text, KNOWLEDGE)
    assert found is not None and found.expression == "Apache-2.0"
    assert tm.match_license_text(APACHE.replace("Copyright [yyyy] [name of copyright owner]",
                                                "Copyright Acme, non-commercial use only"), KNOWLEDGE) is None


def test_holder_lines_with_obfuscated_addresses() -> None:
    # llama.cpp's vendored linenoise: "<antirez at gmail dot com>" is an address, not words of the license.
    bsd2 = REFS["licenses/bsd-simplified.LICENSE"]
    header = ("Copyright (c) 2010-2014, Salvatore Sanfilippo <antirez at gmail dot com>\n"
              "Copyright (c) 2025, Eric Curtin <ericcurtin17 at gmail dot com>\n\nAll rights reserved.\n\n")
    found = tm.match_license_text(header + bsd2, KNOWLEDGE)
    assert found is not None and found.expression == "BSD-2-Clause"


def test_a_holder_is_a_name_not_a_statement_about_the_code() -> None:
    from license_check.collect.textid import gate as the_gate

    assert the_gate.holder_like("Hugging Face Inc., Google Research and the Fairseq authors")
    assert the_gate.holder_like("the fastfilter developers")
    assert the_gate.holder_like("Meta Platforms, Inc. or its affiliates")
    for said in ("Acme is disallowed", "Acme, which is banned in production", "Acme (not for resale)",
                 "Acme, for evaluation", "Acme, whose use is restricted", "Acme, proprietary"):
        assert not the_gate.holder_like(said), said
