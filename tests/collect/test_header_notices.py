"""License names stated in words in header comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from license_check.collect.detectors.base import ScanContext
from license_check.collect.detectors.header_notices import find_named_notices
from license_check.collect.detectors.spdx_headers import detect
from license_check.knowledge.book import Knowledge
from license_check.knowledge.normalize import normalize
from license_check.model import RawForm
from tests.conftest import WriteFiles

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

BRIA = (
    "# Copyright (c) Bria.ai. All rights reserved.\n#\n# This file is licensed under the Creative Commons "
    "Attribution-NonCommercial 4.0 International Public License (CC-BY-NC-4.0).\n"
) + """# You may obtain a copy of the license at https://creativecommons.org/licenses/by-nc/4.0/
"""
DIT = """# Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)
# William Peebles and Saining Xie
#
# Copyright (c) 2021 OpenAI
# MIT License
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# See the License for the specific language governing permissions and
# limitations under the License.
"""


@pytest.mark.parametrize(("text", "expected"), [
    (BRIA, [(3, "CC-BY-NC-4.0")]),
    (DIT, [(1, "CC-BY-NC-4.0"), (5, "MIT"), (7, "Apache-2.0")]),
    ("/*\n * Distributed under the Boost Software License, Version 1.0.\n */", [(2, "BSL-1.0")]),
    ("// Copyright X. Licensed under the MIT License.", [(1, "MIT")]),
    ("# weights are made available under\n# the Creative Commons Attribution 4.0 International license",
     [(1, "CC-BY-4.0")]),
    ("# BSD 3-Clause License", [(1, "BSD-3-Clause")]),
    ("# Copyright (c) 2022 Pablo Pernías MIT License\n# Copyright 2026 The Team.", [(1, "MIT")]),
    ('# Copyright 2025 X. All rights reserved."\n# Licensed under the Apache License, Version 2.0 (the "License");',
     [(1, "Apache-2.0")]),
    ("# Copyright 2025 X. All rights reserved.#\n# Licensed under the Apache License, Version 2.0",
     [(1, "Apache-2.0")]),
])
def test_named_notices_resolve_to_the_right_license(text: str, expected: list[tuple[int, str]]) -> None:
    found = find_named_notices(text.splitlines())
    assert [(n.line, normalize(n.name, RawForm.NAME).expression) for n in found] == expected


@pytest.mark.parametrize("text", [
    "# This program is released under the same license as the project.",
    "# See the License for the specific language governing permissions and\n# limitations under the License.",
    "license = 'MIT License'  # not a comment line",
    "# License\n# MIT",
    "# Licensed under the GNU General Public License v3",  # GNU notices: find_gpl_notices
    "# the License.",
    "x = 1\n" * 100 + "# Licensed under the MIT License",  # beyond the header
    "# Copyright 2020 MIT License Holdings Inc.",  # a holder's name, not a title at the end of the line
])
def test_ordinary_comments_are_not_notices(text: str) -> None:
    assert find_named_notices(text.splitlines()) == []


def test_an_unknown_named_license_is_kept_as_found() -> None:
    found = find_named_notices(["# This file is part of Foo, licensed under the Foo Proprietary Software License 2.1"])
    assert [n.name for n in found] == ["Foo Proprietary Software License 2.1"]


@given(st.lists(st.text(max_size=200), max_size=80))
def test_never_raises(lines: list[str]) -> None:
    find_named_notices(lines)


def test_header_detector_emits_named_notices_as_name_claims(write_files: WriteFiles) -> None:
    files = write_files({"src/fibo.py": BRIA + "import json\n",
                         "README.md": "# x\n\nLicensed under the MIT License.\n"})
    claims = detect(files, ScanContext()).claims
    assert [(c.target, c.raw, c.form, c.source) for c in claims] == [
        ("src/fibo.py", "Creative Commons Attribution-NonCommercial 4.0 International Public License (CC-BY-NC-4.0)",
         RawForm.NAME, "license-header")]


NVIDIA_HEADER = """# Copyright (c) 2021, NVIDIA Corporation. All rights reserved.
# NVIDIA Source Code License for StyleGAN2 with Adaptive Discriminator
# Augmentation (ADA)
# =======================================================================

# 1. Definitions

# "Licensor" means any person or entity that distributes its Work.
#
# 3.3 Use Limitation. The Work and any derivative works thereof only
#     may be used or intended for use non-commercially. Notwithstanding
#     the foregoing, NVIDIA and its affiliates may use the Work and any
#     derivative works commercially. As used herein, "non-commercially"
#     means for research or evaluation purposes only.

import torch
"""


def test_a_non_commercial_notice_in_a_leading_comment_is_a_claim_on_the_file() -> None:
    from license_check.collect.detectors.header_notices import find_restrictive_terms

    found = find_restrictive_terms(NVIDIA_HEADER.splitlines(), KNOWLEDGE.use_terms)
    assert found is not None and found.category == "noncommercial" and found.line == 11
    # Only the leading comment counts: the same words in code or later comments are not a notice.
    assert find_restrictive_terms(("import torch\n" + NVIDIA_HEADER).splitlines(), KNOWLEDGE.use_terms) is None


def test_a_vendored_file_under_a_non_commercial_notice_makes_its_component_prohibited(tmp_path: Path) -> None:
    from license_check.pipeline import scan
    from tests.collect.test_gate import APACHE

    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "upfirdn2d.py").write_text(NVIDIA_HEADER)
    (tmp_path / "ops" / "other.py").write_text("# a plain file\nprint(1)\n")
    report = scan(str(tmp_path))
    assert report.commercial_use.value == "prohibited"
    assert "LicenseRef-license-check-noncommercial" in (report.components[0].license or "")
