"""The whole SPDX license list as the test of license text identification (issue: texts you can trust).

Every current license, every exception (after a license text) and every real-world test text of SPDX
license-list-XML (the pinned copy in tests/data) is identified as a repository's only LICENSE file.
The counts are asserted exactly, so any change in identification shows here, and every text that is
not answered right is listed with why.
"""

from __future__ import annotations

from collections import Counter

import pytest

from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import ScanContext
from license_check.collect.textid import templates
from license_check.model import FileEntry
from tests import spdx_corpus
from tests.conftest import load_script

# Texts neither the fast path nor SPDX's templates answer; ScanCode is asked next (see below).
NOT_ANSWERED_FAST = {
    "license": {
        # SPDX's text carries a footnote ("1 CeCILL stands for ...") that the template's replaceable title
        # part does not produce in its default wording: the rendered text is not quite the template's.
        "CECILL-B", "CECILL-C",
        # a replaceable part whose pattern lists Markdown links the default wording writes without them
        "Parity-7.0.0",
        # the copyright notice runs into the first sentence ("..., asnd This software"): not a notice line
        "magaz",
    },
    "exception": {"GStreamer-exception-2005", "GStreamer-exception-2008"},  # a preamble the template lacks
    "real": {
        "Apache-1.0", "Apache-1.1", "HP-1989", "Hippocratic-2.1", "OAR", "Parity-7.0.0", "Python-2.0.1", "RSCPL",
        "SAX-PD-2.0", "SGI-B-1.0",
    },
}
# ... and those ScanCode does not answer with good confidence either (unknown: fail safe, never wrong).
NOT_ANSWERED = {
    "license": {"CECILL-B", "CECILL-C"},  # the footnote above is text beside ScanCode's match, not boilerplate
    "exception": set(),
    "real": {
        "HP-1989",  # an address line ("Digital Equipment Corporation, Maynard, Mass.") beside the text
        "Hippocratic-2.1",  # a placeholder notice "[SOFTWARE NAME] Copyright (YEAR) (COPYRIGHT HOLDER(S)...)"
        "OAR",  # "On-Line Applications Research Corporation (OAR)." beside the text: not a holder-only line
    },
}
FAST_COUNTS = {
    "license": {"right": 669, "sibling": 28, "unknown": 4},
    "exception": {"right": 83, "unknown": 2},
    "real": {"right": 662, "sibling": 29, "unknown": 10},
}


@pytest.fixture(scope="module")
def fast() -> list[spdx_corpus.Result]:
    return spdx_corpus.run(list(spdx_corpus.cases()), use_scancode=False)




def test_generated_spdx_data_matches_the_pinned_list() -> None:
    """rules/generated/spdx-*.json are what scripts/gen_spdx.py makes of the pinned copy."""
    import tomllib

    gen = load_script("gen_spdx")
    pin = tomllib.loads(gen.PIN.read_text(encoding="utf-8"))
    ids, texts = gen.generate(gen.read_archive(), pin)
    assert ids == gen.IDS.read_text(encoding="utf-8"), "stale: run python scripts/gen_spdx.py and commit"
    assert texts == gen.TEMPLATES.read_text(encoding="utf-8"), "stale: run python scripts/gen_spdx.py and commit"
    known = spdx_corpus.ids()
    assert sum(1 for e in known.values() if not e["exception"] and not e["deprecated"]) == 701
    assert sum(1 for e in known.values() if not e["exception"] and e["deprecated"]) == 32
    assert sum(1 for e in known.values() if e["exception"]) == 86


def test_no_wrong_answer_without_scancode(fast: list[spdx_corpus.Result]) -> None:
    wrong = [(r.case.kind, r.case.name, r.got, r.method) for r in fast if r.verdict == "wrong"]
    assert wrong == []
    counts = {kind: dict(c) for kind, c in spdx_corpus.counts(fast).items()}
    assert counts == FAST_COUNTS
    unknown: dict[str, set[str]] = {kind: set() for kind in spdx_corpus.KINDS}
    for r in fast:
        if r.verdict == "unknown":
            unknown[r.case.kind].add(r.case.name)
    assert unknown == NOT_ANSWERED_FAST


def test_siblings_are_texts_spdx_itself_cannot_tell_apart(fast: list[spdx_corpus.Result]) -> None:
    """A "sibling" answer is a license whose own SPDX template matches the text as well."""
    siblings = [r for r in fast if r.verdict == "sibling"]
    for r in siblings:
        assert r.got is not None and r.got in spdx_corpus.same_text(r.case.text)
    gpl = next(r for r in siblings if r.case.name == "GPL-3.0-or-later" and r.case.kind == "license")
    assert gpl.got == "GPL-3.0-only"  # the text does not say "or later": the notice would


def test_exceptions_go_with_their_license(fast: list[spdx_corpus.Result]) -> None:
    exceptions = [r for r in fast if r.case.kind == "exception"]
    right = [r for r in exceptions if r.verdict == "right"]
    assert len(exceptions) == 85 and len(right) >= 80
    assert all(" WITH " in (r.got or "") for r in right)
    lgpl = next(r for r in fast if r.case.kind == "real" and r.case.name == "LGPL-3.0-only")
    assert lgpl.got == "LGPL-3.0-only"  # its text carries GPL-3.0's after it: one license, not "AND GPL-3.0"


@pytest.mark.slow
def test_scancode_answers_the_rest_and_never_wrongly(fast: list[spdx_corpus.Result]) -> None:
    left = [r.case for r in fast if r.verdict == "unknown"]
    results = spdx_corpus.run(left, use_scancode=True)
    assert [(r.case.name, r.got) for r in results if r.verdict == "wrong"] == []
    unknown: dict[str, set[str]] = {kind: set() for kind in spdx_corpus.KINDS}
    for r in results:
        if r.verdict == "unknown":
            unknown[r.case.kind].add(r.case.name)
    assert unknown == NOT_ANSWERED
    answered = Counter(r.case.kind for r in results if r.verdict in ("right", "sibling"))
    assert answered == {"license": 2, "exception": 2, "real": 7}


# ---------------------------------------------------------------- modified and evasive texts


def _identify(tmp_path: object, text: str, use_scancode: bool) -> lf.FileIdentification:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "LICENSE").write_text(text, encoding="utf-8")
    entry = FileEntry("LICENSE", str(folder / "LICENSE"), len(text.encode()))
    return lf.identify_file(entry, ScanContext(use_scancode=use_scancode, scancode_timeout=60.0))


BSD3 = templates.reference_text("BSD-3-Clause")
CLAUSE_1 = ("1. Redistributions of source code must retain the above copyright notice, this list of conditions "
            "and the following disclaimer.")
CC_BY_SA = templates.reference_text("CC-BY-SA-4.0")
SHARE_ALIKE = ("In addition to the conditions in Section 3(a), if You Share Adapted Material You produce, "
               "the following conditions also apply.")
MIT = templates.reference_text("MIT")
APACHE = templates.reference_text("Apache-2.0")
VARIANTS = {
    "BSD-3-Clause without clause 1": ("BSD-3-Clause", BSD3.replace(CLAUSE_1, "")),
    "CC-BY-SA-4.0 without its ShareAlike lead-in": ("CC-BY-SA-4.0", CC_BY_SA.replace(SHARE_ALIKE, "", 1)),
    "MIT with a restriction inside its holder part": ("MIT", MIT.replace(
        "THE AUTHORS OR COPYRIGHT HOLDERS", "THE AUTHORS, WHO DO NOT PERMIT COMMERCIAL USE,")),
    "MIT with a restriction after it": ("MIT", MIT + "\nThe Software may not be used for commercial purposes.\n"),
    "Apache-2.0 with a field-of-use rider": ("Apache-2.0", APACHE.replace(
        "END OF TERMS AND CONDITIONS",
        "Use by military organizations is not licensed.\n\nEND OF TERMS AND CONDITIONS")),
}


def test_variants_are_cut_as_expected() -> None:
    for name, (_, text) in VARIANTS.items():
        assert text not in (BSD3, CC_BY_SA, MIT, APACHE), name


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_modified_texts_are_not_the_plain_license_without_scancode(tmp_path: object, name: str) -> None:
    plain, text = VARIANTS[name]
    assert _identify(tmp_path, text, use_scancode=False).expression != plain


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_modified_texts_are_not_the_plain_license_with_scancode(tmp_path: object, name: str) -> None:
    plain, text = VARIANTS[name]
    ident = _identify(tmp_path, text, use_scancode=True)
    assert ident.expression != plain, (name, ident.method)
    assert ident.expression is None or "noncommercial" in ident.expression.lower() or " AND " in ident.expression
