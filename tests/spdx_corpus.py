"""The SPDX license list as a test corpus: every license, exception and real-world test text, identified.

Texts come from the pinned copy of SPDX license-list-XML that the tests carry
(tests/data/spdx-license-list-XML.tar.xz, license data files only):

* "license": each current license's own text, rendered from its template (default wording,
  optional parts in);
* "exception": each exception's text after the text of a license it goes with, alone in LICENSE;
* "real": the real-world texts of SPDX's test/simpleTestForGenerator, one per license.

Each text is written as the only file LICENSE of a folder and identified by license-check's own
``identify_file``, with or without ScanCode. Used by tests/test_spdx_corpus.py and
bench/spdx_corpus.py (which prints the counts table).
"""

from __future__ import annotations

import json
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import ScanContext
from license_check.collect.textid import templates
from license_check.knowledge.book import Knowledge
from license_check.knowledge.data import rules_dir
from license_check.model import FileEntry

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

ARCHIVE = Path(__file__).resolve().parent / "data" / "spdx-license-list-XML.tar.xz"
KINDS = ("license", "exception", "real")


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    name: str  # the SPDX id the text is
    text: str
    expected: str  # the expression a right answer gives


@dataclass(frozen=True, slots=True)
class Result:
    case: Case
    got: str | None
    verdict: str  # "right", "sibling", "unknown" or "wrong"
    method: str
    detail: str


def ids() -> dict[str, dict[str, object]]:
    with open(rules_dir() / "generated" / "spdx-ids.json", encoding="utf-8") as handle:
        return {str(e["id"]): e for e in json.load(handle)["licenses"]}


def exception_base(exception_id: str, text: str) -> str:
    """A license the exception is written for (its own text says which GPL, or else Apache for LLVM's)."""
    if exception_id == "LLVM-exception":
        return "Apache-2.0"
    low = " ".join(text.lower().split())
    if "lesser general public" in low or "library general public" in low or "lgpl" in low:
        return "LGPL-2.1-only"
    if "version 3" in low or "gplv3" in low or "gpl-3" in low or "gpl version 3" in low:
        return "GPL-3.0-only"
    return "GPL-2.0-only"


def cases(kinds: tuple[str, ...] = KINDS) -> Iterator[Case]:
    known = ids()
    current = sorted(i for i, e in known.items() if not e["deprecated"])
    if "license" in kinds:
        for spdx_id in current:
            if not known[spdx_id]["exception"]:
                yield Case("license", spdx_id, templates.reference_text(spdx_id), spdx_id)
    if "exception" in kinds:
        for spdx_id in current:
            if known[spdx_id]["exception"]:
                text = templates.reference_text(spdx_id)
                base = exception_base(spdx_id, text)
                yield Case("exception", spdx_id, templates.reference_text(base) + "\n\n" + text,
                           f"{base} WITH {spdx_id}")
    if "real" in kinds:
        with tarfile.open(ARCHIVE, "r:xz") as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if not (member.isfile() and member.name.startswith("test/simpleTestForGenerator/")):
                    continue
                name = Path(member.name).stem.removeprefix("depreciate_")
                entry = known.get(name)
                if entry is None or entry["deprecated"] or entry["exception"]:
                    continue  # a deprecated id's text is its replacement's (the license texts test those)
                handle = tar.extractfile(member)
                if handle is not None:
                    yield Case("real", name, handle.read().decode("utf-8", "replace"), name)


def judge(case: Case, got: str | None) -> str:
    """right; sibling: the answer is a license whose SPDX text is this text too (GPL-2.0-only for a
    GPL-2.0-or-later text, OFL-1.1 for OFL-1.1-RFN's); unknown; or wrong."""
    if got == case.expected:
        return "right"
    if got is None:
        return "unknown"
    if case.kind != "exception" and case.name in same_text(case.text) | _pair(got) and got in same_text(case.text):
        return "sibling"
    return "wrong"


def same_text(text: str) -> frozenset[str]:
    """The SPDX ids whose templates all match this text exactly (the chosen one and its siblings)."""
    match = templates.identify(text, KNOWLEDGE.boilerplate)
    if match is None or len(match.parts) != 1:
        return frozenset()
    return frozenset({match.parts[0].id, *match.parts[0].siblings})


def _pair(spdx_id: str) -> frozenset[str]:
    """A GPL-family -only answer for an -or-later text: the same text, the notice decides (B: not the text)."""
    if spdx_id.endswith("-only"):
        return frozenset({spdx_id.removesuffix("-only") + "-or-later"})
    return frozenset()


def run(selected: list[Case], use_scancode: bool) -> list[Result]:
    """Identify each case's text as the only LICENSE of a folder."""
    out: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="spdx-corpus-") as tmp:
        ctx = ScanContext(use_scancode=use_scancode, scancode_timeout=60.0)
        for n, case in enumerate(selected):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            (folder / "LICENSE").write_text(case.text, encoding="utf-8")
            entry = FileEntry("LICENSE", str(folder / "LICENSE"), (folder / "LICENSE").stat().st_size)
            ident = lf.identify_file(entry, ctx)
            detail = "; ".join(f.message for f in ident.findings)
            out.append(Result(case, ident.expression, judge(case, ident.expression), ident.method, detail))
    return out


def counts(results: list[Result]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for r in results:
        table.setdefault(r.case.kind, Counter())[r.verdict] += 1
    return table
