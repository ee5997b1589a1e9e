"""SPDX-License-Identifier tags and classic GNU license notices in the first bytes of text files.

Claims (FILE scope, target = the file itself):

- source ``spdx-header``: one claim per ``SPDX-License-Identifier:`` tag that starts its own logical
  line (after any comment leader: ``#``, ``//``, ``/*``, ``*``, ``<!--``, ``--``, ``;``, ``%``, ``..``,
  ``\"\"\"``, ``REM``, ...). The whole expression after the colon is kept as found (``A OR B``,
  ``A WITH e``), minus trailing comment closers (``*/``, ``-->``, ...). Form SPDX, confidence 0.95,
  with the line number. Tags inside ``SPDX-SnippetBegin``/``End`` get key ``snippet``; tags between
  ``REUSE-IgnoreStart``/``End`` are skipped, and so are values that are placeholders or prose
  (``<SPDX>``, ``$LICENSE``, ``{license}``, ``(.*)``). How the normalizer reads the tag adds to it
  (``tag_notes``): a GNU id or name that does not say -only or -or-later (``GPL-2.0``, ``GPLv2``,
  ``GPL-2.0-with-classpath-exception``) makes the claim ``version_ambiguous`` (the component stage
  reports ``ambiguous-license-version`` unless other evidence settles it); a family name (``BSD``) is
  an ``unknown-license-id`` finding that lists the licenses it may mean; ``MIT/Apache-2.0`` is read
  as ``MIT OR Apache-2.0`` with an ``ambiguous-license-expression`` warning.
- source ``license-header``: a GNU notice ("... under the terms of the GNU [Lesser|Library|Affero]
  General Public License ... version N ..."): ``GPL-N.0-or-later`` when the sentence says "any later
  version", otherwise ``GPL-N.0-only`` (LGPL/AGPL alike). Form SPDX, confidence 0.9. This settles
  the -only / -or-later question that a bare license text leaves open.
- source ``license-header``, form NAME, confidence 0.8: a license named in words in the header
  comments ("This file is licensed under the Creative Commons Attribution-NonCommercial 4.0
  International Public License (CC-BY-NC-4.0)", "# MIT License"); see header_notices.py.

Only the first reading.HEADER_CAP bytes are read. Binary files (by extension or content), LICENSE/
COPYING/NOTICE files (license_files.py reads them) and REUSE ``.license`` sidecars (reuse.py) are
skipped; README files get SPDX tags only (readme_prose.py reads their prose, GNU notices included).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from license_check.collect.detectors._util import (
    COMMENT_LEADER,
    LEADER_STRIP_RE,
    is_legal_file,
    read_or_report,
    strip_closers,
)
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.header_notices import (
    MAX_HEADER_LINES,
    find_named_notices,
    find_restrictive_terms,
)
from license_check.collect.reading import HEADER_CAP
from license_check.collect.textid import operative
from license_check.findings import make_finding
from license_check.knowledge.book import Knowledge
from license_check.knowledge.normalize import Normalizer
from license_check.model import Claim, ClaimScope, Evidence, FileEntry, Finding, Location, RawForm

NAME = "spdx-headers"
SOURCE = "spdx-header"
NOTICE_SOURCE = "license-header"

BINARY_EXTENSIONS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "pdf", "svgz",
        "zip", "gz", "tgz", "bz2", "xz", "lz4", "zst", "7z", "rar", "tar", "whl", "egg", "jar", "war",
        "class", "so", "dll", "dylib", "a", "o", "obj", "lib", "exe", "bin", "dat", "pt", "pth", "ckpt",
        "safetensors", "gguf", "ggml", "onnx", "pb", "h5", "hdf5", "keras", "npy", "npz", "pkl", "pickle",
        "joblib", "parquet", "arrow", "feather", "tflite", "mlmodel", "msgpack", "model", "mp3", "mp4",
        "wav", "flac", "ogg", "avi", "mov", "mkv", "webm", "woff", "woff2", "ttf", "otf", "eot", "pyc",
        "pyo", "db", "sqlite", "sqlite3", "idx", "pack",
    }
)

_TAG_RE = re.compile(rf"^\s*+(?:(?>{COMMENT_LEADER})\s*+)*+(?i:SPDX-License-Identifier)\s*:\s*(?P<expr>.*?)\s*$")
# Characters and shapes that never occur in an SPDX expression but do in templates, regexes, prose.
_PLACEHOLDER_RE = re.compile(r"[<>${}`\"'\[\]*\\|^?]|%[sd(]|@\w+@|\.\.\.|…")
_IGNORE_START_RE = re.compile(r"REUSE-IgnoreStart")
_IGNORE_END_RE = re.compile(r"REUSE-IgnoreEnd")
_SNIPPET_BEGIN_RE = re.compile(r"SPDX-SnippetBegin")
_SNIPPET_END_RE = re.compile(r"SPDX-SnippetEnd")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")

_NOTICE_RE = re.compile(
    r"(?:under\s+the\s+terms\s+of|licensed\s+under|released\s+under|distributed\s+under|available\s+under)"
    r"\s+(?:the\s+)?GNU\s+(?:(?P<variant>Lesser|Library|Affero)\s+)?General\s+Public\s+Licen[sc]e\b"
    r"(?P<mid>[^.]{0,160}?)\bversion\s+(?P<ver>\d(?:\.\d)?)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"\.(?=\s|$)")
_LATER_RE = re.compile(r"any\s+later\s+version|\bor\s+later\b|\bor\s+any\s+later\b", re.IGNORECASE)
_FAMILY = {None: "GPL", "lesser": "LGPL", "library": "LGPL", "affero": "AGPL"}


@dataclass(frozen=True, slots=True)
class Tag:
    line: int  # 1-based
    expression: str
    snippet: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    line: int  # 1-based line where the notice starts
    spdx_id: str  # e.g. GPL-2.0-or-later


def complete_lines(text: str, truncated: bool) -> list[str]:
    """Lines of ``text``; a last line cut by the read cap is dropped (it may hold half a tag)."""
    lines = text.splitlines()
    if truncated and lines and not text.endswith(("\n", "\r")):
        lines.pop()
    return lines


_NEEDLE = "license-identifier"
_MARKERS = ("REUSE-IgnoreStart", "REUSE-IgnoreEnd", "SPDX-SnippetBegin", "SPDX-SnippetEnd")


def find_tags(lines: Sequence[str], *, markdown: bool = False) -> list[Tag]:
    """Every SPDX-License-Identifier tag that starts its own logical line, in order."""
    text = "\n".join(lines)
    low = text.lower()
    if _NEEDLE not in low:
        return []  # most files: no line can hold a tag (lower() maps each line on its own)
    if (any(m in text for m in _MARKERS) or (markdown and ("```" in text or "~~~" in text))
            or text.count("\n") != len(lines) - 1):
        return _find_tags_stateful(lines, markdown)
    # No ignore, snippet or fence markers: no state to track, only the lines that hold the needle to read.
    tags: list[Tag] = []
    pos, at, index = low.find(_NEEDLE), 0, 0
    while pos != -1:
        index += low.count("\n", at, pos)
        at = pos
        tag = _tag(lines[index], index + 1, False)
        if tag is not None:
            tags.append(tag)
        end = low.find("\n", pos)
        pos = low.find(_NEEDLE, end) if end != -1 else -1
    return tags


def _tag(line: str, number: int, in_snippet: bool) -> Tag | None:
    match = _TAG_RE.match(line)
    if not match:
        return None
    expression = strip_closers(match.group("expr"))
    if not expression or _PLACEHOLDER_RE.search(expression):
        return None
    return Tag(number, expression, in_snippet)


def _find_tags_stateful(lines: Sequence[str], markdown: bool) -> list[Tag]:
    tags: list[Tag] = []
    ignoring = fenced = in_snippet = False
    for number, line in enumerate(lines, start=1):
        if markdown and _FENCE_RE.match(line):
            fenced = not fenced
            continue
        if _IGNORE_START_RE.search(line):
            ignoring = True
        if _IGNORE_END_RE.search(line):
            ignoring = False
            continue
        if ignoring or fenced:
            continue
        if _SNIPPET_BEGIN_RE.search(line):
            in_snippet = True
        elif _SNIPPET_END_RE.search(line):
            in_snippet = False
        tag = _tag(line, number, in_snippet) if _NEEDLE in line.lower() else None
        if tag is not None:
            tags.append(tag)
    return tags


def find_gpl_notices(lines: Sequence[str]) -> list[Notice]:
    """GNU GPL/LGPL/AGPL notices, judged -only or -or-later by the "any later version" phrase."""
    low = "\n".join(lines).lower()
    if "general" not in low or "public" not in low:
        return []  # cheap pre-check (the notice may wrap between comment leaders)
    parts: list[str] = []
    starts: list[int] = []  # offset in the joined text where each line begins
    offset = 0
    for line in lines:
        cleaned = strip_closers(LEADER_STRIP_RE.sub("", line, count=1))
        starts.append(offset)
        parts.append(cleaned)
        offset += len(cleaned) + 1
    joined = " ".join(parts)
    notices: list[Notice] = []
    seen: set[str] = set()
    for match in _NOTICE_RE.finditer(joined):
        tail = joined[match.end(): match.end() + 300]
        end = _SENTENCE_END_RE.search(tail)
        tail = tail[: end.start()] if end else tail
        variant = match.group("variant")
        family = _FAMILY[variant.lower() if variant else None]
        version = match.group("ver")
        version = version if "." in version else version + ".0"
        spdx_id = f"{family}-{version}-{'or-later' if _LATER_RE.search(tail) else 'only'}"
        if spdx_id in seen:
            continue
        seen.add(spdx_id)
        line_no = bisect_right(starts, match.start())
        notices.append(Notice(line_no, spdx_id))
    return notices


def html_comment_header(lines: list[str]) -> list[str]:
    """A Markdown document whose first lines are an HTML comment (``<!--Copyright ...`` to ``-->``) has its
    license notice there, on lines without a comment leader of their own: each such line gets ``<!-- `` in
    front (blank ones too: a paragraph break), so the header readers take the block as the comment it is."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("<!--"):
        return lines
    out = list(lines)
    for i in range(first, min(len(lines), first + MAX_HEADER_LINES)):
        if i > first:
            out[i] = "<!-- " + lines[i]
        if "-->" in lines[i]:
            break
    return out


def _skip(entry: FileEntry) -> bool:
    name = entry.name
    lower = name.lower()
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    return (
        ext in BINARY_EXTENSIONS
        or lower.endswith(".license")
        or is_legal_file(entry.path)
        or entry.size == 0
    )


def _file_claim(entry: FileEntry, raw: str, source: str, line: int, confidence: float,
                key: str | None = None, form: RawForm = RawForm.SPDX, version_ambiguous: bool = False) -> Claim:
    evidence = Evidence(path=entry.path, source=source, expression=raw, line=line, key=key, confidence=confidence)
    return Claim(target=entry.path, scope=ClaimScope.FILE, raw=raw, form=form, evidence=(evidence,),
                 version_ambiguous=version_ambiguous)


def tag_notes(path: str, tag: Tag, norm: Normalizer) -> tuple[bool, tuple[Finding, ...]]:
    """What the normalizer's reading of ``tag`` adds: whether it leaves -only/-or-later unstated, and
    the findings on a family name or a '/' between ids (see the module docstring)."""
    found = norm.read(tag.expression, RawForm.SPDX)
    where = [Location(path, tag.line)]
    if found.candidates:
        return False, (make_finding(
            "unknown-license-id",
            f"{path}: SPDX-License-Identifier {tag.expression!r} names a family of licenses, not one license: it "
            f"may mean {', '.join(found.candidates)}. Which one is meant is unknown, so the file's terms are unknown.",
            where, fix="Write the SPDX id of the license meant (e.g. " + found.candidates[0] + ")."),)
    if found.slash_as_or and found.expression is not None:
        return found.version_ambiguous, (make_finding(
            "ambiguous-license-expression",
            f"{path}: SPDX-License-Identifier {tag.expression!r} joins ids with '/', which is no SPDX operator; it "
            f"was read as {found.expression!r} (a choice).", where),)
    return found.version_ambiguous, ()


def scan_file(entry: FileEntry, knowledge: Knowledge) -> tuple[list[Claim], tuple[Finding, ...]]:
    """Claims from one file's header (empty for binary files), read with the scan's ``knowledge``."""
    read = read_or_report(entry.path, entry.abspath, HEADER_CAP, "file", report_binary=False)
    if read.text is None:
        return [], read.findings
    lines = complete_lines(read.text, read.truncated)
    markdown = entry.name.lower().endswith((".md", ".markdown"))
    claims: list[Claim] = []
    findings = list(read.findings)
    for tag in find_tags(lines, markdown=markdown):
        ambiguous, notes = tag_notes(entry.path, tag, knowledge.normalizer)
        claims.append(_file_claim(entry, tag.expression, SOURCE, tag.line, 0.95, "snippet" if tag.snippet else None,
                                  version_ambiguous=ambiguous))
        findings += notes
    if not entry.name.lower().startswith("readme"):  # README prose is readme_prose.py's
        if markdown:
            lines = html_comment_header(lines)
        claims += [_file_claim(entry, n.spdx_id, NOTICE_SOURCE, n.line, 0.9) for n in find_gpl_notices(lines)]
        claims += [_file_claim(entry, n.name, NOTICE_SOURCE, n.line, 0.8, form=RawForm.NAME)
                   for n in find_named_notices(lines)]
        restrictive = find_restrictive_terms(lines, knowledge.use_terms)
        if restrictive is not None:  # a notice that reserves commercial use, whatever it is called
            claims.append(_file_claim(entry, operative.NONCOMMERCIAL, NOTICE_SOURCE, restrictive.line, 0.8,
                                      key="use-terms"))
    return claims, tuple(findings)


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    for entry in files:
        if _skip(entry):
            continue
        file_claims, file_findings = scan_file(entry, ctx.knowledge)
        claims += file_claims
        findings += file_findings
    return DetectorResult(claims=tuple(claims), findings=tuple(findings))


def wants(entry: FileEntry) -> bool:
    """The files this detector reads (the per-file cache asks)."""
    return not _skip(entry)
