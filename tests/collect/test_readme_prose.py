"""License statements in README prose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.detectors import markup, readme_prose
from license_check.collect.detectors.base import ScanContext
from license_check.knowledge.book import Knowledge
from license_check.model import ClaimScope, FileEntry, RawForm

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
CTX = ScanContext()


def raws(write_files: WriteFiles, text: str, name: str = "README.md") -> list[str | None]:
    result = readme_prose.detect(write_files({name: text}), CTX)
    for claim in result.claims:
        assert claim.scope is ClaimScope.DIRECTORY
        assert claim.source == "readme-prose"
        assert claim.evidence[0].line is not None
        assert claim.evidence[0].confidence in (0.5, 0.6)
    return [c.raw for c in result.claims]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This project is released under the MIT license.", "MIT license"),
        ('Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in '
         "compliance with the License. Software distributed under the License is distributed on an \"AS IS\" "
         "BASIS.", "Apache License, Version 2.0"),
        ("This project is licensed under the terms of the BSD 3-Clause license.", "BSD 3-Clause license"),
        ("The code is distributed under the GNU GPL v3", "GNU GPL v3"),
        ("This project is licensed under the MIT License - see the [LICENSE.md](LICENSE.md) file for details",
         "MIT License"),
        ("Released under the MIT License\nCopyright 2020 Foo Bar.", "MIT License"),
        ("Released under the [MIT License](LICENSE) © 2021 Jane", "MIT License"),
        ("The model is licensed under the Llama 3 Community License Agreement.",
         "Llama 3 Community License Agreement"),
        ("This repository is released under the **CC-BY-NC 4.0** license.", "CC-BY-NC 4.0 license"),
        ("It is licensed under the\nGNU General Public License v3.0 or later.",
         "GNU General Public License v3.0 or later"),
        ("This program is distributed under the GNU GPL version 2, or (at your option) any later version.",
         "GNU GPL version 2 or later"),
        ("Code is MIT-licensed.", "MIT"),
        ("License: Apache 2.0", "Apache 2.0"),
        ("- **License:** [BSD-3-Clause](LICENSE)", "BSD-3-Clause"),
        ("## License\n\nMIT\n", "MIT"),
        ("License\n=======\n\nApache-2.0\n", "Apache-2.0"),
        (".. image:: x\n\nThis package is released under the ISC License.\n", "ISC License"),
    ],
)
def test_grant_sentences(write_files: WriteFiles, text: str, expected: str) -> None:
    assert raws(write_files, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Licensed under either of Apache License, Version 2.0 or MIT license at your option.",
         "Apache License, Version 2.0 OR MIT license"),
        ("## License\n\nLicensed under either of\n\n"
         " * Apache License, Version 2.0, ([LICENSE-APACHE](LICENSE-APACHE) or "
         "http://www.apache.org/licenses/LICENSE-2.0)\n"
         " * MIT license ([LICENSE-MIT](LICENSE-MIT) or http://opensource.org/licenses/MIT)\n\n"
         "at your option.\n\nUnless you explicitly state otherwise, any contribution intentionally submitted "
         "for inclusion in the work by you, as defined in the Apache-2.0 license, shall be dual licensed as "
         "above, without any additional terms or conditions.\n",
         "Apache License, Version 2.0 OR MIT license"),
        ("Dual-licensed under MIT and Apache-2.0.", "MIT OR Apache-2.0"),
        ("This crate is distributed under MIT or Apache-2.0.", "MIT OR Apache-2.0"),
    ],
)
def test_choices_become_or(write_files: WriteFiles, text: str, expected: str) -> None:
    assert raws(write_files, text) == [expected]


def test_gnu_notice_in_readme_settles_or_later(write_files: WriteFiles) -> None:
    text = ("## License\n\nThis program is free software: you can redistribute it and/or modify it under the "
            "terms of the GNU General Public License as published by the Free Software Foundation, either "
            "version 3 of the License, or (at your option) any later version.\n")
    result = readme_prose.detect(write_files({"README.md": text}), CTX)
    assert [(c.raw, c.form) for c in result.claims] == [("GPL-3.0-or-later", RawForm.SPDX)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[![License: MIT](https://img.shields.io/badge/License-MIT-yellow.svg)](https://opensource.org/licenses/MIT)",
         ["MIT"]),
        ('<img src="https://img.shields.io/badge/license-Apache%202.0-blue.svg">', ["Apache 2.0"]),
        ("![l](https://img.shields.io/badge/License-BSD_3--Clause-blue.svg)", ["BSD 3-Clause"]),
        ("[![Code License](https://img.shields.io/badge/Code%20License-Apache_2.0-green.svg)](x) "
         "[![Data License](https://img.shields.io/badge/Data%20License-CC%20By%20NC%204.0-red.svg)](y)",
         ["Apache 2.0", "CC By NC 4.0"]),
        ("[![license](https://img.shields.io/github/license/o/r.svg)](LICENSE)", []),
        ("[![build](https://img.shields.io/badge/build-passing-green.svg)](ci)", []),
        ("[![py](https://img.shields.io/badge/python-3.11-blue)](x)", []),
    ],
)
def test_badges(write_files: WriteFiles, text: str, expected: list[str]) -> None:
    result = readme_prose.detect(write_files({"README.md": text + "\n"}), CTX)
    assert [c.raw for c in result.claims] == expected
    assert all(c.evidence[0].key == "badge" and c.evidence[0].confidence == 0.5 for c in result.claims)


@pytest.mark.parametrize(
    "text",
    [
        "## License\n\nSee the LICENSE file.\n",
        "## License\n\nSee [LICENSE](LICENSE).\n",
        "## License\n",
        "# License\n\nPlease read the license before using this software.\n",
        "This project uses PyTorch, which is licensed under the BSD license.",
        "Our tokenizer is based on SentencePiece, released under the Apache License 2.0.",
        "## Third-party licenses\n\nnumpy is released under the BSD 3-Clause License.\n",
        "## Acknowledgements\n\nParts of the code are released under the MIT license by Foo.\n",
        "| Package | License |\n|---|---|\n| numpy | released under the BSD license |\n",
        "All code is released under a permissive license.",
        "Released under the same terms as Perl itself.",
        "A commercial license is available under the terms of a commercial agreement.",
        "```\nThis code is released under the MIT license.\n```\n",
        "The software is provided under the terms in the LICENSE file.",
        "Licensing: this is governed by the license of each file.",
        "---\nlicense: mit\ndescription: released under the MIT license\n---\n",
    ],
)
def test_no_claim(write_files: WriteFiles, text: str) -> None:
    assert raws(write_files, text) == []


def test_model_card_front_matter_is_skipped_but_prose_counts(write_files: WriteFiles) -> None:
    text = ("---\nlicense: apache-2.0\ntags:\n- released under the GPL v3\n---\n\n# My model\n\n"
            "The code is released under the MIT License.\n")
    result = readme_prose.detect(write_files({"models/m/README.md": text}), CTX)
    assert [(c.raw, c.target, c.evidence[0].line) for c in result.claims] == [("MIT License", "models/m", 9)]


@pytest.mark.parametrize(
    ("name", "scanned"),
    [("README", True), ("README.md", True), ("readme.rst", True), ("README.txt", True),
     ("README.zh-CN.md", True), ("CONTRIBUTING.md", False), ("docs.md", False), ("README.pdf", False),
     ("README.md.license", False)],
)
def test_only_readmes_are_read(write_files: WriteFiles, name: str, scanned: bool) -> None:
    assert raws(write_files, "This project is released under the MIT license.\n", name) == (
        ["MIT license"] if scanned else [])


def test_binary_readme_and_bounds(write_files: WriteFiles) -> None:
    assert raws(write_files, "x") == []
    result = readme_prose.detect(write_files({"README": b"\x00\x01released under the MIT license"}), CTX)
    assert result.claims == () and result.findings == ()
    long = "Lorem ipsum dolor sit amet.\n" * 12_000 + "Released under the MIT license.\n"
    assert raws(write_files, long) == []  # beyond README_CAP


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    lines = markup.prose_lines(text)
    scan = readme_prose._Scan(FileEntry("README.md", "/nonexistent", 0), lines, KNOWLEDGE.use_terms)
    scan.run()
    for claim in scan.claims:
        assert claim.raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "licensed under the", "MIT", "Apache License, Version 2.0", " or ", " either of ", "at your option",
    "\n", "\n\n", "## License\n", "* ", "(", ")", "[", "](x)", "GPL v2", "any later version", "---\n",
    "```\n", "which", ".", ",", "dual-licensed under", "![b](https://img.shields.io/badge/License-", "-x)",
]), max_size=60))
def test_never_raises_on_license_like_noise(parts: list[str]) -> None:
    scan = readme_prose._Scan(FileEntry("README.md", "/nonexistent", 0), markup.prose_lines("".join(parts)),
                              KNOWLEDGE.use_terms)
    scan.run()


def test_prose_applies_to_what_its_sentence_names_and_the_name_ends_at_the_name(tmp_path: Path) -> None:
    # Issue 11 B.3: the Apache sentence says nothing of weights; "and may only be ..." is not part of the name.
    (tmp_path / "README.md").write_text(
        "# X\n\n## License\n\nThis repository is licensed under the Apache-2.0 License. The use of Nimbus model "
        "weights is subject to the Model License.\n\nThe weights are released under CC BY-NC 4.0 and may only be "
        "used for research.\n")
    claims, _ = readme_prose.scan_readme(FileEntry("README.md", str(tmp_path / "README.md"), 1), KNOWLEDGE.use_terms)
    assert sorted((c.raw or "", str(c.applies_to)) for c in claims) == [
        ("Apache-2.0 License", "None"), ("CC BY-NC 4.0", "weights")]


def test_two_grants_in_one_sentence_each_apply_to_their_own_subject(tmp_path: Path) -> None:
    # audiocraft's model cards: "**License:** Code is released under MIT, model weights are released under
    # CC-BY-NC 4.0." One finding per fact: no "License:" line claim for the whole sentence.
    (tmp_path / "README.md").write_text(
        "# A\n\n**License:** Code is released under MIT, model weights are released under CC-BY-NC 4.0.\n")
    claims, _ = readme_prose.scan_readme(FileEntry("README.md", str(tmp_path / "README.md"), 1), KNOWLEDGE.use_terms)
    assert sorted((c.raw or "", str(c.applies_to)) for c in claims) == [("CC-BY-NC 4.0", "weights"), ("MIT", "None")]


def test_the_model_as_the_subject_of_a_research_only_sentence(tmp_path: Path) -> None:
    text = "# X\n\n### Usage and License:\nThe model is intended and licensed for research use only.\n"
    (tmp_path / "README.md").write_text(text)
    claims, _ = readme_prose.scan_readme(FileEntry("README.md", str(tmp_path / "README.md"), 1), KNOWLEDGE.use_terms)
    assert [(c.raw, str(c.applies_to)) for c in claims] == [(readme_prose.NONCOMMERCIAL, "weights")]
