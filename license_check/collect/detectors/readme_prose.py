"""License statements in README prose (source ``readme-prose``): weak evidence, DIRECTORY scope.

Files: ``README``, ``README.md``/``.markdown``/``.rst``/``.txt`` and language variants
(``README.zh-CN.md``) in any folder; the claim's target is the README's folder. Read up to
reading.README_CAP. Claims keep the line number; form NAME with the license name as written:

- grant sentences (confidence 0.6): "released under the MIT license", "Licensed under the Apache
  License, Version 2.0", "licensed under the terms of the BSD 3-Clause license", "distributed under
  the GNU GPL v3", "is MIT-licensed". A GPL-family name followed by "or (at your option) any later
  version" gets " or later" appended (the one rewrite made, so the name reads as -or-later);
- choices (0.6): "licensed under either of A or B at your option" (also as a bullet list), "dual
  licensed under A and B", "under A or B": one claim whose raw joins the names with `` OR ``;
- the classic GNU notice ("... GNU General Public License ... version 2 ... or (at your option) any
  later version"): an SPDX claim, as in spdx_headers (0.6);
- shields.io badges labelled License / Code License / Model License / Data License (0.5, key
  ``badge``): ``[![License: MIT](https://img.shields.io/badge/License-MIT-yellow.svg)]`` -> "MIT";
- ``License: MIT`` lines and a License section whose first paragraph is only a license name (0.5).

Not claims: "see the LICENSE file", a License heading alone, sentences about what the project uses or
is based on ("which is licensed under ..."), sections about third-party code, dependencies or
acknowledgements, tables, code blocks, and Hugging Face front matter (``---`` ... ``---`` at the
top, read by the model-card detector); the prose after the front matter still counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from license_check.collect.detectors import markup, mentions
from license_check.collect.detectors._util import finditer_at, read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.markup import ATX_RE, clean, prose_lines
from license_check.collect.detectors.spdx_headers import find_gpl_notices
from license_check.collect.reading import README_CAP
from license_check.collect.textid import literals, operative
from license_check.knowledge.normalize import Normalizer
from license_check.knowledge.textrules import PROHIBITING, Clause
from license_check.model import Claim, ClaimScope, Evidence, FileEntry, Finding, Kind, RawForm

NAME = "readme-prose"
SOURCE = "readme-prose"
MENTION_WHERE = "a README sentence about someone else's work (what the project uses, is based on or loads)"
SENTENCE, WEAK = 0.6, 0.5

# README, README.md, README.zh-CN.md, README_en.rst: an optional language tag, then a text extension.
_README_RE = re.compile(r"^readme(?:[._-][a-z]{2,3}(?:[-_][a-z]{2,4})?)?(?:\.(?:md|markdown|mdown|rst|txt|text))?$",
                        re.IGNORECASE)
_BARE_LICENSE_HEADING_RE = re.compile(r"^\W*licen[sc](?:e|ing)\W*$", re.IGNORECASE)
# What ends a license name: punctuation, a paragraph or list break, or words that start other prose.
_TERMINATOR = (
    r"(?=\s*(?:[.;!?:](?:\s|$)|[()\[\]\"“”]|,\s+(?:see|which|as|and\s+is|unless|except|for|with|so|but"
    r"|(?:the\s+|our\s+)?(?:model|weights?|data(?:sets?)?|code|checkpoints?|parameters)\s)\b"
    r"|\s-\s|\s—|\n\s*\n|\n\s*[-*+]\s|$)"
    r"|\s+(?:see|unless|except|as\s+(?:described|found|stated|detailed|published|set)|found|included|contained"
    r"|located|which|that|for\s+(?:details|more)|in\s+(?:the\s+)?(?:file|LICEN[SC]E|COPYING)|with\s+the"
    r"|at\s+your\s+(?:option|choice)|by\s+the|to\s+(?:all|any|the|this)"
    r"|,?\s*and\s+(?:may|must|shall|can(?:not)?|is|are|will|should|only|not|you|it|its|the\s+use))\b)"
)
_SENTENCE_BREAK_RE = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
_GRANT_RE = re.compile(
    r"(?P<dual>dual[- ])?(?:licen[sc]ed|released|distributed|published|made\s+available|available|provided"
    r"|offered|covered|governed)(?:\s+for\s+[a-z -]{1,40}?,)?\s+(?:to\s+you\s+)?(?:under|by)\s+(?:the\s+)?"
    r"(?:(?:terms|conditions)\s+(?:and\s+conditions\s+)?of\s+(?:the\s+)?)?(?:an?\s+)?"
    rf"(?P<name>[^;!?:()\[\]]{{2,120}}?){_TERMINATOR}",
    re.IGNORECASE,
)
# Where a grant starts: at its verb (each alternative of _GRANT_RE's verb begins with one of these), or five
# characters before it ("dual-licensed"). _GRANT_RE looks behind nothing: finditer_at may try these offsets alone.
_GRANT_STARTS = ("licen", "released", "distributed", "published", "made", "available", "provided", "offered",
                 "covered", "governed")
_GRANT_BACK = (0, len("dual-"))
_UPTO_LICENSE_RE = re.compile(
    r"(.*?\bLicen[sc]e\b(?:\s+Agreement\b)?(?:,?\s+(?:version\s+|v)?\d[\d.]*)?"
    r"(?:\s+or\s+(?:any\s+)?later(?:\s+version)?)?)",
    re.IGNORECASE | re.DOTALL)
_ADJECTIVE_RE = re.compile(
    r"\b(?:is|are)\s+(?P<name>[A-Z][A-Za-z0-9.+]*(?:[- ][0-9][A-Za-z0-9.]*)?)[- ]licen[sc]ed\b")
_EITHER_RE = re.compile(
    r"licen[sc]ed\s+under\s+(?:the\s+terms\s+of\s+)?either\s+(?:of\s+)?(?:the\s+)?(?P<body>.{3,400}?)"
    r"\s*,?\s+at\s+your\s+(?:option|choice|discretion)", re.IGNORECASE | re.DOTALL)
_LICENSE_LINE_RE = re.compile(r"^\s*(?:[-*+]\s+)?licen[sc]e\s*:\s*(?P<name>[^:]{2,80}?)\s*\.?\s*$", re.IGNORECASE)
_OR_LATER_RE = re.compile(
    r"\bor\s*\(?\s*at\s+your\s+option\s*\)?\s*,?\s*any\s+later\s+version|\bor\s+(?:any\s+)?later\b",
    re.IGNORECASE)
_SPLIT_OR_RE = re.compile(r"\s+or\s+(?!(?:any\s+)?later\b|newer\b|above\b)|\s*/\s*", re.IGNORECASE)
_SPLIT_AND_RE = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_THIRD_PARTY_RE = re.compile(
    r"\b(?:uses?|using|used|depend\w*|based\s+on|built\s+(?:on|upon|with)|third[- ]party|dependenc\w*|vendored"
    r"|bundled|borrowed|adapted|derived|copied|taken|modified|forked|from|which|whose|portions?|parts?\s+of"
    r"|some\s+of|except|excluding|upstream|inspired|includes?|contains?|other|if|unlike|compatible|original)\b",
    re.IGNORECASE)
_KEYWORD_RE = re.compile(
    r"\b(?:MIT|BSD|Apache|A?GPL(?:v?\d[\d.]*\+?)?|LGPL(?:v?\d[\d.]*\+?)?|MPL|Mozilla|ISC|Creative\s+Commons|"
    r"CC[- ](?:BY|0|Zero)|CC0|Unlicense|WTFPL|zlib|Boost|BSL|Eclipse|EPL|Artistic|PSF|Python\s+Software|"
    r"Open\s*RAIL|RAIL|Llama|Gemma|ODC|ODbL|PDDL|CDLA|MS-PL|EUPL|CeCILL|Unicode|OFL|X11|Expat|Public\s+Domain|"
    r"BigScience|BigCode|Qwen|Falcon|NVIDIA|Stability|CreativeML|DeepSeek|Mistral|Proprietary|OpenMDW|0BSD)\b",
    re.IGNORECASE)
_NAMED_LICENSE_RE = re.compile(r"\b(?P<first>[A-Z][\w.+-]*)(?:\s+[A-Z0-9][\w.+-]*)*\s+(?:Public\s+)?Licen[sc]e\b")
_STOP_FIRST = frozenset(re.findall(r"\w+", """
    This The That Our Same Open Free Permissive Following Above Below Project Repository Original Respective
    Own Their Your Its Any Each Multiple Various Different Separate Other Appropriate Applicable Standard
    Corresponding Source Software Commercial Custom New Full Complete Relevant"""))
_REJECT_RE = re.compile(
    r"\b(?:file|files|see|same|following|below|above|these|those|respective|original|each|own|terms|"
    r"commercial\s+licen|such|its|their|this\s+licen|that\s+licen)\b", re.IGNORECASE)


_TEXT_EXTENSIONS = frozenset({"md", "markdown", "mdown", "rst", "txt", "text"})
GRANT_RE, NAMED_LICENSE_RE = _GRANT_RE, _NAMED_LICENSE_RE  # the grammar doc_prose.py reads documents with


def is_readme(name: str) -> bool:
    """README, or README.<lang>.<text extension>; never README.pdf or README.md.license."""
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    return bool(_README_RE.match(name)) and (not ext or ext in _TEXT_EXTENSIONS)


def looks_like_license(name: str) -> bool:
    """A license name rather than prose ("the LICENSE file", "a permissive license")."""
    if not name or len(name.split()) > 14 or _REJECT_RE.search(name):
        return False
    if _KEYWORD_RE.search(name):
        return True
    named = _NAMED_LICENSE_RE.search(name)
    return named is not None and named.group("first") not in _STOP_FIRST


def trim_name(name: str) -> str:
    """A captured name without what follows it on the next line, a copyright, or words after "License"."""
    name = name.strip()
    first = name.split("\n", 1)[0]
    if "\n" in name and looks_like_license(first):
        name = first
    name = re.split(r"\s*(?:©|\(c\)|\bcopyright\b)", name, maxsplit=1, flags=re.IGNORECASE)[0]
    upto = _UPTO_LICENSE_RE.match(name)
    if upto:
        name = upto.group(1)
    name = re.sub(r"[\s,]+or$", "", " ".join(name.split()), flags=re.IGNORECASE)
    return name.strip(" ,;.-")


def _alternatives(text: str) -> list[str]:
    """The names of a choice ("A or B", a bullet list), each cut before its parenthesised details."""
    text = re.sub(r"\([^()]*\)", " ", text)
    items = re.split(r"(?:^|\s)[*+•-]\s+", text) if re.search(r"(?:^|\n)\s*[*+•-]\s", text) else \
        _SPLIT_OR_RE.split(text)
    names = []
    for item in items:
        name = re.split(r"\s+\(|\s+<|\s+-\s|\n", item.strip(), maxsplit=1)[0]
        name = re.sub(r"^(?:the|either|of)\s+", "", name.strip(" ,;.:"), flags=re.IGNORECASE).strip(" ,;.:")
        name = re.sub(r"\s+or$", "", name, flags=re.IGNORECASE)
        name = trim_name(name)
        if name:
            names.append(name)
    return names


# What a license sentence speaks of: weights or data (an artifact), or code (the folder itself).
_WEIGHTS_RE = re.compile(
    r"\b(?:(?:model|network|neural[- ]network)\s+)?(?:weights?|parameters|params|checkpoints?)\b"
    r"|\bpre-?trained\s+(?:models?|networks?)\b|\bmodel\s+(?:files?|licen[sc]e)\b"
    # "The model is intended and licensed for research use only": the model is the sentence's subject
    r"|\b(?:the|this|our|these|all)\s+(?:[\w-]+\s+)?models?\s+(?:is|are|was|were|may|can|must)\b", re.IGNORECASE)
_DATA_RE = re.compile(r"\b(?:data\s*sets?|data\s*bases?|training\s+data|(?:the|our|this)\s+data\b|data\s+licen[sc]e"
                      r"|corpus|corpora|annotations)\b", re.IGNORECASE)
_CODE_RE = re.compile(r"\b(?:code|source|software|codebase|repository|library|package|project|implementation)\b",
                      re.IGNORECASE)
NONCOMMERCIAL = "LicenseRef-license-check-noncommercial"


def subjects(sentence: str, heading: str | None) -> list[Kind | None]:
    """What a license sentence is about: [None] for the folder's code, or the artifact kinds it names."""
    text = f"{heading or ''} \n {sentence}"
    kinds: list[Kind | None] = []
    weights = bool(_WEIGHTS_RE.search(sentence) or (heading and _WEIGHTS_RE.search(heading)))
    data = bool(_DATA_RE.search(sentence) or (heading and _DATA_RE.search(heading)))
    if weights:
        kinds.append(Kind.WEIGHTS)
    if data:
        kinds.append(Kind.DATA)
    if not kinds or _CODE_RE.search(text):
        kinds.insert(0, None)
    return kinds


class _Scan:
    def __init__(self, entry: FileEntry, lines: list[str], clauses: tuple[Clause, ...],
                 target: str | None = None) -> None:
        self.entry = entry
        self.clauses = clauses  # the scan's Knowledge.use_terms
        self.target = entry.parent if target is None else target
        self.floor = 0  # where the sentence of the next grant may start at the earliest (sentence_at)
        self.lines = lines
        self.claims: list[Claim] = []
        self.mentions: list[tuple[int, str]] = []  # (line, name) of grant sentences about someone else's work
        self.seen: set[tuple[str, int]] = set()
        cleaned = [clean(line) for line in lines]
        self.starts: list[int] = []
        offset = 0
        for line in cleaned:
            self.starts.append(offset)
            offset += len(line) + 1
        self.text = "\n".join(cleaned)

    def line_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def add(self, raw: str, line: int, confidence: float, form: RawForm = RawForm.NAME, key: str | None = None,
            about: list[Kind | None] | None = None, offset: int | None = None, end: int | None = None) -> None:
        raw = " ".join(raw.split())
        if (raw, line) in self.seen:
            return
        self.seen.add((raw, line))
        evidence = Evidence(self.entry.path, SOURCE, raw, line=line, key=key, confidence=confidence)
        for kind in self.about(line, offset, end) if about is None else about:
            self.claims.append(Claim(self.target, ClaimScope.DIRECTORY, raw, form, (evidence,), applies_to=kind))

    def about(self, line: int, offset: int | None = None, end: int | None = None) -> list[Kind | None]:
        """The subjects of the sentence at ``offset`` (else the sentence on ``line`` with the line before
        it) under its section heading: "This repository is licensed under Apache-2.0. The use of the model
        weights is subject to ..." says nothing of weights in its first sentence."""
        if offset is not None:
            sentence = self.sentence_at(offset, end)
        else:
            cleaned = self.text.split("\n")
            sentence = " ".join(cleaned[max(0, line - 2): line])
        heading = next((t for i in range(line - 1, -1, -1) if (t := markup.heading(self.lines, i)) is not None), None)
        return subjects(sentence, heading)

    def sentence_at(self, offset: int, until: int | None = None) -> str:
        """The sentence around ``offset``; for a grant, only up to the end of its license name (``until``) and
        after the previous grant in the sentence: "Code is released under MIT, model weights are released
        under CC-BY-NC 4.0" gives MIT to the code and CC-BY-NC to the weights."""
        starts = [m.end() for m in _SENTENCE_BREAK_RE.finditer(self.text, max(0, offset - 400), offset)]
        begin = starts[-1] if starts else max(0, offset - 400)
        if until is not None:
            return self.text[max(begin, min(self.floor, offset)): until]
        end = _SENTENCE_BREAK_RE.search(self.text, offset)
        return self.text[begin: end.start() if end else min(len(self.text), offset + 400)]

    def restrictions(self) -> None:
        """Sentences that limit use without naming a license ("for research purposes only")."""
        # The same operative clauses as custom license texts (rules/use-terms.toml, collect/textid/operative.py).
        matches = (m for pattern in operative.patterns(PROHIBITING, self.clauses)
                   for m in literals.finditer(pattern, self.text))
        for match in sorted(matches, key=lambda m: m.start()):
            start = match.start()
            if self.third_party(start):
                continue
            self.add(NONCOMMERCIAL, self.line_at(start), WEAK, RawForm.SPDX, key="use-terms", offset=start)

    def third_party(self, start: int) -> bool:
        """The sentence before ``start`` speaks of someone else's code."""
        head = self.text[max(0, start - 300): start]
        pre = re.split(r"[.!?](?:\s|$)|\n\s*\n|(?:^|\n)\s*[-*+]\s", head)[-1]
        return bool(_THIRD_PARTY_RE.search(pre)) or len(pre.split()) > 15

    def choice(self, names: list[str], line: int) -> bool:
        names = [n for n in names if looks_like_license(n)]
        if len(names) < 2:
            return False
        self.add(" OR ".join(names), line, SENTENCE)
        return True

    def run(self) -> None:
        notices = find_gpl_notices(self.lines)
        for notice in notices:
            self.add(notice.spdx_id, notice.line, SENTENCE, RawForm.SPDX)
        notice_lines = {n.line for n in notices}
        taken = [match.span() for match in literals.finditer(_EITHER_RE, self.text)
                 if not self.third_party(match.start())
                 and self.choice(_alternatives(match.group("body")), self.line_at(match.start()))]
        for match in finditer_at(_GRANT_RE, self.text, _GRANT_STARTS, _GRANT_BACK):
            start = match.start()
            line = self.line_at(start)
            if any(a <= start < b for a, b in taken):
                continue
            if self.third_party(start):  # someone else's work: a mention, not a claim
                name = trim_name(match.group("name").strip(" ,"))
                if looks_like_license(name):
                    self.mentions.append((self.line_at(match.start("name")), name))
                continue
            name = match.group("name").strip(" ,")
            if re.search(r"General\s+Public|GPL", name) and any(abs(line - n) <= 3 for n in notice_lines):
                continue
            self.grant(name, match.start("name"), line, dual=bool(match.group("dual")))
            self.floor = match.end("name")  # a second grant in the sentence speaks of what follows this one
        for match in literals.finditer(_ADJECTIVE_RE, self.text):
            if looks_like_license(match.group("name")) and not self.third_party(match.start()):
                self.add(match.group("name"), self.line_at(match.start()), SENTENCE, offset=match.start())
        for line, message, label in markup.badges(self.lines):
            about: list[Kind | None] = [Kind.WEIGHTS] if re.match(r"(?i)model|weight", label) else (
                [Kind.DATA] if re.match(r"(?i)data|content", label) else [None])
            self.add(message, line, WEAK, key="badge", about=about)
        self.weak_lines()
        self.restrictions()

    def grant(self, name: str, start: int, line: int, dual: bool) -> None:
        if _SPLIT_OR_RE.search(name) or (dual and _SPLIT_AND_RE.search(name)):
            parts = [p for chunk in _SPLIT_OR_RE.split(name) for p in
                     (_SPLIT_AND_RE.split(chunk) if dual else [chunk])]
            if self.choice([trim_name(n) for n in _alternatives("\n- ".join(["", *parts]))], line):
                return
        name = trim_name(name)
        if not looks_like_license(name):
            return
        sentence = re.split(r"[.!?](?:\s|$)", self.text[start: start + len(name) + 120], maxsplit=1)[0]
        if re.search(r"GPL|General\s+Public", name) and _OR_LATER_RE.search(sentence) \
                and not re.search(r"later|\+", name):
            name += " or later"
        self.add(name, line, SENTENCE, offset=start, end=start + len(name))

    def weak_lines(self) -> None:
        """``License: X`` lines, and a License section whose first paragraph is just a name."""
        cleaned = self.text.split("\n") if self.lines else []
        for i, text in enumerate(cleaned):
            match = _LICENSE_LINE_RE.match(text)
            named = match.group("name") if match else ""
            if match and looks_like_license(trim_name(named)) and not _GRANT_RE.search(named):
                self.add(trim_name(match.group("name")), i + 1, WEAK)
            title = markup.heading(self.lines, i)
            if title is None or not _BARE_LICENSE_HEADING_RE.match(title):
                continue
            j = i + (1 if ATX_RE.match(self.lines[i]) else 2)
            while j < len(cleaned) and not cleaned[j].strip():
                j += 1
            para: list[str] = []
            while j < len(cleaned) and cleaned[j].strip() and markup.heading(self.lines, j) is None:
                para.append(cleaned[j].strip())
                j += 1
            body = trim_name(" ".join(para))
            if para and len(body.split()) <= 8 and looks_like_license(body) and not _GRANT_RE.search(body):
                self.add(body, j - len(para) + 1, WEAK)


def scan_readme(entry: FileEntry, clauses: tuple[Clause, ...],
                normalizer: Normalizer | None = None) -> tuple[list[Claim], tuple[Finding, ...]]:
    read = read_or_report(entry.path, entry.abspath, README_CAP, "README", report_binary=False)
    if read.text is None:
        return [], read.findings
    claims, found = scan_text(entry, read.text, clauses, normalizer=normalizer)
    return claims, read.findings + found


def scan_text(entry: FileEntry, text: str, clauses: tuple[Clause, ...], target: str | None = None,
              normalizer: Normalizer | None = None) -> tuple[list[Claim], tuple[Finding, ...]]:
    """The license statements of ``text`` (the prose of ``entry``), as claims on ``target`` (default: the
    file's folder; a model card by another name is its own component); ``clauses``: the use terms. With a
    ``normalizer``, the grant sentences about someone else's work are ``license-mention`` findings."""
    scan = _Scan(entry, prose_lines(text), clauses, target)
    scan.run()
    if normalizer is None or not scan.mentions:
        return scan.claims, ()
    return scan.claims, tuple(mentions.findings(entry.path, scan.mentions, normalizer, MENTION_WHERE))


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    for entry in files:
        if is_readme(entry.name):
            file_claims, file_findings = scan_readme(entry, ctx.knowledge.use_terms, ctx.knowledge.normalizer)
            claims += file_claims
            findings += file_findings
    return DetectorResult(tuple(claims), tuple(findings))
