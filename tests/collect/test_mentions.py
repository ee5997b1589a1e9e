"""license-mention: license names in prose that is no grant for the tree, reported (info), never claimed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from license_check.collect.detectors import doc_prose, mentions, readme_prose
from license_check.collect.detectors.base import ScanContext
from license_check.findings import RULES
from license_check.knowledge.book import Knowledge
from license_check.model import FileEntry, Report, Severity
from license_check.pipeline import ScanOptions, scan

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
KNOWLEDGE = Knowledge.load()
CTX = ScanContext(knowledge=KNOWLEDGE)
MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
DATA_SENTENCE = ("Stable Audio is trained on a corpus of around 48k audio recordings. All audio files are licensed "
                 "under CC0, CC BY, or CC Sampling+. This data is used to train the autoencoder.\n")
DOC = ('<!--Copyright 2025 The Team.\n\nLicensed under the Apache License, Version 2.0 (the "License");\n-->\n\n'
       "# Stable Audio\n\n" + DATA_SENTENCE + "\n```py\n# licensed under the MIT License\n```\n\n"
       "| model | license |\n|---|---|\n| x | Apache License 2.0 |\n\n"
       "The checker is mandatory under the NVIDIA Open Model License Agreement.\n")


def _mentions(report: Report) -> list[str]:
    return [f.message for f in report.findings if f.rule == "license-mention"]


def test_the_rule_is_registered_as_info() -> None:
    assert RULES["license-mention"].severity is Severity.INFO


def test_a_data_license_sentence_in_documentation_is_a_mention_with_ids(write_files: WriteFiles) -> None:
    files = write_files({"docs/api/stable_audio.md": DOC})
    result = doc_prose.detect(files, CTX)
    assert not result.claims
    by_line = {f.locations[0].line: f.message for f in result.findings}
    assert all(f.rule == "license-mention" and f.severity is Severity.INFO for f in result.findings)
    # the HTML comment header, the code block and the table are not read: lines 8 and 18 only
    assert sorted(by_line) == [8, 18]
    data = by_line[8]
    assert data.startswith("docs/api/stable_audio.md:8 names CC0 (CC0-1.0); CC BY (")
    # an unversioned "CC BY": every version it may mean, never a guessed one
    assert f"CC BY ({mentions.NO_VERSION}; it may mean CC-BY-1.0, CC-BY-2.0, CC-BY-2.5, CC-BY-3.0, CC-BY-4.0)" in data
    assert "CC Sampling+ (no SPDX id known)" in data
    assert "NVIDIA Open Model License Agreement (LicenseRef-scancode-nvidia-open-model-2025-04-28)" in by_line[18]


def test_ordinary_words_before_license_are_no_mention(write_files: WriteFiles) -> None:
    text = "# Usage\n\nSee the Model License section and our Custom License page before you start.\n"
    assert doc_prose.detect(write_files({"docs/usage.md": text}), CTX).findings == ()


def test_readmes_cards_and_license_files_are_not_documents(write_files: WriteFiles) -> None:
    for path in ("README.md", "docs/README.md", "LICENSE.md", "src/x.py"):
        assert not doc_prose.wants(write_files({path: DATA_SENTENCE})[0]), path


def test_a_readme_sentence_about_someone_elses_work_is_a_mention_not_a_claim(write_files: WriteFiles) -> None:
    text = ("# Tool\n\nThis project is released under the MIT license.\n\n"
            "It uses the tokenizer from foo, which is licensed under the BSD 3-Clause License.\n")
    files = write_files({"README.md": text})
    result = readme_prose.detect(files, CTX)
    assert [c.raw for c in result.claims] == ["MIT license"]  # the grant is still a claim, and no mention
    assert [(f.rule, f.locations[0].line) for f in result.findings] == [("license-mention", 5)]
    assert "BSD 3-Clause License (BSD-3-Clause)" in result.findings[0].message


def test_a_mention_moves_no_verdict_and_adds_no_claim(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"LICENSE": MIT, "README.md": "# Tool\n\nA tool.\n", "main.py": "print('hi')\n"})
    before = scan(str(tmp_path), ScanOptions(use_scancode=False))
    write_files({"docs/stable_audio.md": DOC.split("-->\n", 1)[1]})  # no license header: mentions only
    after = scan(str(tmp_path), ScanOptions(use_scancode=False))
    assert len(_mentions(after)) == 2 and not _mentions(before)
    assert (after.verdict, after.commercial_use, after.project_license) == \
        (before.verdict, before.commercial_use, before.project_license)
    assert [(c.component.id, c.license, c.evidence) for c in after.components] == \
        [(c.component.id, c.license, c.evidence) for c in before.components]
    assert after.checklist == before.checklist and after.causes == before.causes


def test_a_grant_in_a_readme_stays_a_claim(write_files: WriteFiles, tmp_path: Path) -> None:
    write_files({"README.md": "# Tool\n\nThis project is licensed under the MIT license.\n", "main.py": "x = 1\n"})
    report = scan(str(tmp_path), ScanOptions(use_scancode=False))
    assert not _mentions(report)
    assert report.components[0].license == "MIT"
