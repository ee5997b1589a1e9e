"""The lazy ScanCode adapter: confidence rules (fast, with fake detections) and real ScanCode (slow)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import ScanContext
from license_check.collect.textid import fastpath
from license_check.collect.textid import scancode_matcher as sa
from license_check.collect.textid.templates import reference_text
from license_check.knowledge.book import Knowledge
from license_check.knowledge.normalize import normalizer
from license_check.model import ClaimRole, FileEntry

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]

REFS = {spec.source: fastpath.strip_front_matter(raw) for spec, raw in fastpath.reference_texts(KNOWLEDGE.directory)}
MIT = REFS["licenses/mit.LICENSE"]
ISC = REFS["licenses/isc.LICENSE"]
APACHE = REFS["licenses/apache-2.0.LICENSE"]


# ---------------------------------------------------------------- judge(), with fake detections


@dataclass
class FakeRule:
    license_expression: str
    is_license_text: bool = True


@dataclass
class FakeMatch:
    rule: FakeRule
    start_line: int
    end_line: int
    points: float = 100.0
    matcher: str = "2-aho"
    inside: str = ""  # unmatched text inside the match
    holes: list[str] = field(default_factory=list)  # rule words missing inside the match

    def score(self) -> float:
        return self.points

    def coverage(self) -> float:
        return 100.0 if self.matcher != "3-seq" else self.points


@dataclass
class FakeDetection:
    license_expression_spdx: str | None
    matches: list[FakeMatch]
    detection_log: list[str] = field(default_factory=list)


TEXT = "Title\nCopyright (c) 2024 Someone\n" + "\n".join(f"license words line {i}" for i in range(40)) + "\n"


def det(
    spdx: str | None, key: str, start: int = 3, end: int = 42, *, points: float = 100.0, is_text: bool = True,
    log: tuple[str, ...] = (), matcher: str = "2-aho", inside: str = "", holes: tuple[str, ...] = (),
) -> FakeDetection:
    match = FakeMatch(FakeRule(key, is_text), start, end, points, matcher, inside, list(holes))
    return FakeDetection(spdx, [match], list(log))


def fake_inspect(match: FakeMatch) -> tuple[list[str], list[str]]:
    return fastpath.normalize_tokens(match.inside), match.holes


def judge(detections: list[FakeDetection], text: str = "") -> sa.ScanOutcome:
    return sa.judge(list(detections), text or TEXT, fake_inspect, KNOWLEDGE)


def test_judge_accepts_a_full_confident_match() -> None:
    out = judge([det("EUPL-1.2", "eupl-1.2")], TEXT)
    assert out.status == sa.Status.IDENTIFIED and out.expression == "EUPL-1.2"
    assert out.confidence is not None and out.confidence > 0.95


def test_judge_combines_detections_with_and() -> None:
    out = judge([det("MIT", "mit", 3, 20), det("Apache-2.0 OR MIT", "apache-2.0 OR mit", 21, 42)], TEXT)
    assert out.expression == "MIT AND (Apache-2.0 OR MIT)"


def test_judge_rejects_low_scores_doubts_unknowns_and_nothing() -> None:
    assert judge([], TEXT).status == sa.Status.NO_LICENSE
    assert judge([det("MIT", "mit", points=60)], TEXT).status == sa.Status.LOW_CONFIDENCE
    assert judge([det("MIT", "mit", log=("possible-false-positive",))], TEXT).status == sa.Status.LOW_CONFIDENCE
    unknown = det("LicenseRef-scancode-unknown-license-reference", "unknown-license-reference")
    assert judge([unknown], TEXT).status == sa.Status.LOW_CONFIDENCE
    clue = det(None, "mit")
    assert judge([det("MIT", "mit"), clue], TEXT).status == sa.Status.LOW_CONFIDENCE


def test_judge_requires_the_file_to_be_explained() -> None:
    # Matches cover only lines 3-12: 30 lines of license words stay unexplained.
    out = judge([det("MIT", "mit", 3, 12)], TEXT)
    assert out.status == sa.Status.LOW_CONFIDENCE and "also says" in out.detail
    # A short restrictive sentence outside the match is never accepted, in any wording (the gate accepts
    # recognised boilerplate only).
    rider = TEXT + "You may not use it commercially.\n"
    out = judge([det("MIT", "mit")], rider)
    assert out.status == sa.Status.LOW_CONFIDENCE and "commercially" in out.detail
    for rider in ("Use by Acme Corp is disallowed.", "This software costs USD 500 per seat.",
                  "Redistribution needs written consent of Acme.", "Die Nutzung ist nur privat erlaubt."):
        out = judge([det("MIT", "mit")], TEXT + rider + "\n")
        assert out.status == sa.Status.LOW_CONFIDENCE and rider[:20] in out.detail, rider


MIT_TEXT = "MIT License\n\nCopyright (c) 2024 Someone\n\n" + reference_text("MIT").split("\n\n", 2)[2]
BSD3_TEXT = reference_text("BSD-3-Clause")


def test_judge_looks_inside_approximate_matches() -> None:
    ok = det("MIT", "mit", 1, 30, points=98, matcher="3-seq", inside="Copyright (c) 2024 Foo\nGoogle",
             holes=("owner",), log=("imperfect-match-coverage",))
    assert judge([ok], MIT_TEXT).status == sa.Status.IDENTIFIED
    rider = det("MIT", "mit", points=98, matcher="3-seq", inside="non commercially", log=("extra-words",))
    assert judge([rider]).status == sa.Status.LOW_CONFIDENCE
    no_sell = det("MIT", "mit", points=98, matcher="3-seq", holes=("andor", "sell"))
    out = judge([no_sell])
    assert out.status == sa.Status.LOW_CONFIDENCE and "sell" in out.detail
    # An exact, complete match is not inspected at all.
    exact = det("MIT", "mit", inside="not commercially", holes=("sell",))
    assert judge([exact]).status == sa.Status.IDENTIFIED


def test_judge_refuses_a_near_match_with_a_deleted_clause() -> None:
    """BSD-3-Clause without its clause 1 is not BSD-3-Clause, however well ScanCode's rule scores it."""
    clause = "1. Redistributions of source code must retain the above copyright notice, this list of conditions"
    cut = BSD3_TEXT.replace(clause + " and the following disclaimer.", "")
    assert cut != BSD3_TEXT
    near = det("BSD-3-Clause", "bsd-new", 1, 40, points=95, matcher="3-seq")
    out = judge([near], cut)
    assert out.status == sa.Status.LOW_CONFIDENCE and "redistributions of" in out.detail and "modified" in out.detail
    assert judge([near], BSD3_TEXT).status == sa.Status.IDENTIFIED  # the whole text passes


def test_judge_puts_an_exception_with_its_license() -> None:
    """A license text then an exception text: LICENSE WITH EXCEPTION, never AND (an invalid expression)."""
    gpl = det("GPL-2.0-only", "gpl-2.0", 1, 20)
    classpath = det("Classpath-exception-2.0", "classpath-exception-2.0", 21, 42)
    out = judge([gpl, classpath])
    assert (out.status, out.expression) == (sa.Status.IDENTIFIED, "GPL-2.0-only WITH Classpath-exception-2.0")
    assert sa.with_exceptions(["GPL-2.0-only AND Linux-syscall-note"], normalizer()) == (
        "GPL-2.0-only WITH Linux-syscall-note")
    assert sa.with_exceptions(["Linux-syscall-note", "GPL-2.0-only", "MIT"], normalizer()) == (
        "(GPL-2.0-only WITH Linux-syscall-note) AND MIT")
    assert sa.with_exceptions(["Apache-2.0", "LLVM-exception"], normalizer()) == "Apache-2.0 WITH LLVM-exception"
    assert sa.with_exceptions(["MIT", "Apache-2.0"], normalizer()) == "MIT AND Apache-2.0"


def test_judge_gpl_version_ambiguity() -> None:
    bare = judge([det("GPL-2.0-only", "gpl-2.0")], TEXT)
    assert bare.status == sa.Status.IDENTIFIED and bare.version_ambiguous
    notice = det("GPL-2.0-or-later", "gpl-2.0-plus", 1, 2, is_text=False)
    settled = judge([notice, det("GPL-2.0-only", "gpl-2.0")], TEXT)
    assert settled.status == sa.Status.IDENTIFIED and not settled.version_ambiguous


def test_adapter_import_is_lazy() -> None:
    code = "import sys; import license_check.collect.textid.scancode_matcher; assert 'licensedcode' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- real ScanCode (slow)


@pytest.fixture(scope="module")
def scancode() -> Iterator[list[str]]:
    """Load ScanCode's index once for this module (≈4 s, ≈1 GB)."""
    log: list[str] = []
    error = sa.ensure_loaded("the slow tests need it", log.append)
    if error is not None:
        pytest.fail(f"ScanCode is required for these tests: {error}")
    yield log


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_index_loads_once_and_says_why() -> None:
    # A fresh process: in this one another test may already have loaded the index.
    code = textwrap.dedent("""
        import os
        import license_check.collect.textid.scancode_matcher as sa
        log = []
        assert not sa.index_loaded()
        assert sa.ensure_loaded("the first file needs it", log.append) is None
        assert sa.index_loaded() and any("the first file needs it" in line for line in log), log
        seconds = sa.load_seconds()
        assert sa.ensure_loaded("again", log.append) is None
        assert sa.load_seconds() == seconds and not any("again" in line for line in log), log
        os._exit(0)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize(("key", "spdx"), [("sleepycat", "Sleepycat"), ("eupl-1.2", "EUPL-1.2")])
def test_scancode_identifies_texts_the_fast_path_does_not_know(
    scancode: list[str], write_files: WriteFiles, key: str, spdx: str
) -> None:
    data = fastpath.scancode_data_dir()
    assert data is not None
    text = fastpath.strip_front_matter((data / "licenses" / f"{key}.LICENSE").read_text(encoding="utf-8"))
    assert fastpath.match_license_text(text, KNOWLEDGE) is None
    log: list[str] = []
    result = lf.detect(write_files({"LICENSE": text}), ScanContext(log=log.append))
    claim = next(c for c in result.claims if c.role is ClaimRole.GRANT)
    assert claim.raw == spdx and result.findings == ()
    assert claim.evidence[0].confidence is not None and claim.evidence[0].confidence >= 0.9
    assert any("LICENSE" in line and "ScanCode" in line for line in log)


@pytest.mark.slow
def test_scancode_keeps_a_multi_license_expression(scancode: list[str], write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": MIT + "\n\n" + ISC}), ScanContext())
    assert result.claims[0].raw == "MIT AND ISC"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    ["Copyright 2024 Foo\n\nYou may use this only on Tuesdays.\n",
     MIT + "\nThe Software may not be used for commercial purposes without prior written permission.\n",
     APACHE + "\nNo military use.\n",
     MIT.replace("to use, copy", "to use (non-commercially), copy"),
     MIT.replace("sublicense, and/or sell", "sublicense"),
     MIT[: len(MIT) // 2]],
    ids=["custom", "mit-rider", "apache-rider", "inserted-words", "removed-sell", "half-mit"],
)
def test_scancode_unsure_means_unknown(scancode: list[str], write_files: WriteFiles, text: str) -> None:
    result = lf.detect(write_files({"LICENSE": text}), ScanContext())
    if "not be used for commercial purposes" in text:  # a rider that says so is read for it (use-terms.toml)
        assert result.claims[0].raw == "LicenseRef-license-check-noncommercial"
        assert [f.rule for f in result.findings] == ["restrictive-license-text"]
        return
    assert result.claims[0].raw is None
    assert [f.rule for f in result.findings] == ["unknown-license-text"]


@pytest.mark.slow
def test_scancode_timeout_means_unknown(scancode: list[str], write_files: WriteFiles) -> None:
    text = MIT + "\nThe Software may be used by anyone.\n"
    result = lf.detect(write_files({"LICENSE": text}), ScanContext(scancode_timeout=0.0))
    assert result.claims[0].raw is None
    assert "did not finish" in result.findings[0].message


def _fast_path_variants() -> list[tuple[str, str]]:
    out = []
    for spec, raw in fastpath.reference_texts(KNOWLEDGE.directory):
        text = fastpath.strip_front_matter(raw)
        out.append((spec.source, text))
        out.append((spec.source + "+title", "Some Project License\n\nCopyright (c) 2024 Some One\n\n" + text))
    out.append(("apache-no-appendix", APACHE.split("APPENDIX")[0]))
    bsd3 = REFS["licenses/bsd-new.LICENSE"].replace("the ORGANIZATION", "Google Inc.")
    out.append(("bsd3-holder", bsd3))
    return out


@pytest.mark.slow
def test_scancode_agrees_with_every_fast_path_answer(scancode: list[str], tmp_path: Path) -> None:
    """The project's promise: whatever the fast path claims, ScanCode would claim too."""
    disagreements = []
    slowest = 0.0
    for label, text in _fast_path_variants():
        fast = fastpath.match_license_text(text, KNOWLEDGE)
        assert fast is not None, label
        start = time.perf_counter()
        out = sa.identify(_write(tmp_path, "LICENSE", text), text, label, 30.0, lambda m: None, KNOWLEDGE)
        slowest = max(slowest, time.perf_counter() - start)
        if fast.reference.startswith("project:"):
            # A variant ScanCode has no text for (rules/texts/): ScanCode must not take it for a plain
            # standard license either (it is not one: gpt-2's Modified MIT adds sentences to MIT).
            if out.status == sa.Status.IDENTIFIED and out.expression in {"MIT", "Apache-2.0", "BSD-3-Clause"}:
                disagreements.append((label, fast.expression, out.status, out.expression, out.detail))
            continue
        # ScanCode writes a license and its exception as AND; the fast path keeps the exception WITH it.
        said = (out.expression or "").replace(" AND Classpath-exception-2.0", " WITH Classpath-exception-2.0")
        if out.status != sa.Status.IDENTIFIED or said != fast.expression:
            disagreements.append((label, fast.expression, out.status, out.expression, out.detail))
        elif out.version_ambiguous != fast.version_ambiguous:
            disagreements.append((label, "version_ambiguous", fast.version_ambiguous, out.version_ambiguous))
    assert disagreements == [], "\n".join(map(str, disagreements))
    assert slowest < 5.0
