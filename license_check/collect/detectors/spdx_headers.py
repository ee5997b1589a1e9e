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
# Lower-cased: a marker in any casing sends the file to the stateful reader, which needs (and tests) the exact one.
_MARKERS = tuple(m.lower() for m in ("REUSE-IgnoreStart", "REUSE-IgnoreEnd", "SPDX-SnippetBegin", "SPDX-SnippetEnd"))


def lowered(lines: Sequence[str]) -> str:
    """``lines`` joined by newlines and lower-cased: what the pre-checks of this module's readers look into
    (scan_file makes it once for all of them)."""
    return "\n".join(lines).lower()


def _texts(lines: Sequence[str]) -> tuple[str, str]:
    """``lines`` joined by newlines, and that lower-cased (lowered)."""
    text = "\n".join(lines)
    return text, text.lower()


def find_tags(lines: Sequence[str], *, markdown: bool = False, low: str | None = None) -> list[Tag]:
    """Every SPDX-License-Identifier tag that starts its own logical line, in order (``low``: lowered(lines))."""
    low = lowered(lines) if low is None else low
    if _NEEDLE not in low:
        return []  # most files: no line can hold a tag (lower() maps each line on its own)
    if (any(m in low for m in _MARKERS) or (markdown and ("```" in low or "~~~" in low))
            or low.count("\n") != len(lines) - 1):
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


def find_gpl_notices(lines: Sequence[str], low: str | None = None) -> list[Notice]:
    """GNU GPL/LGPL/AGPL notices, judged -only or -or-later by the "any later version" phrase
    (``low``: lowered(lines))."""
    low = lowered(lines) if low is None else low
    if "general" not in low or "public" not in low:
        return []  # cheap pre-check (the notice may wrap between comment leaders, but each word is on one line)
    first_at, last_at = _gnu_word(low), _gnu_word(low, last=True)
    if first_at == -1:
        return []
    first, last = _gnu_window(lines, low, first_at, last_at)
    parts: list[str] = []
    starts: list[int] = []  # offset in the joined text where each line begins
    offset = 0
    for line in lines[first:last]:
        cleaned = _clean(line)
        starts.append(offset)
        parts.append(cleaned)
        offset += len(cleaned) + 1
    joined = " ".join(parts)
    notices: list[Notice] = []
    seen: set[str] = set()
    for match in _NOTICE_RE.finditer(joined):
        tail = joined[match.end(): match.end() + _TAIL]
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
        line_no = first + bisect_right(starts, match.start())
        notices.append(Notice(line_no, spdx_id))
    return notices


_TAIL = 300  # characters after a notice where its "any later version" may stand
# After its "GNU", a notice holds at most this many non-space characters ("Lesser General Public License" 26,
# the 160 of the gap, "version 2.1" 10): with these and the tail, a window of lines holds every notice whole.
_AFTER_GNU = 200
# What a notice may hold between its first word and "GNU" ("licensed under the", ...): a line made only of these
# (or of nothing) may lie inside a notice; any other line ends the walk back from the first "GNU".
_BEFORE_GNU_RE = re.compile(r"(?:\s|under|the|terms|of|licensed|released|distributed|available)*", re.IGNORECASE)


def _clean(line: str) -> str:
    """A line without its comment leader and closers, as the notice regex reads it."""
    return strip_closers(LEADER_STRIP_RE.sub("", line, count=1))


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _gnu_word(low: str, *, last: bool = False) -> int:
    """The offset of the first (or ``last``) "gnu" that is a word as a notice has it: space before and after it
    once leaders and closers are gone (no leader or closer ends or starts with a letter, a digit or "_"), not
    "__GNUC__"; -1 when there is none. Only ASCII letters fold to g, n, u."""
    at = low.rfind("gnu") if last else low.find("gnu")
    while at != -1:
        if (at == 0 or low[at - 1] not in _WORD_CHARS) and low[at + 3: at + 4] not in _WORD_CHARS:
            return at
        at = low.rfind("gnu", 0, at + 2) if last else low.find("gnu", at + 1)
    return -1


def _gnu_window(lines: Sequence[str], low: str, first_at: int, last_at: int) -> tuple[int, int]:
    """The lines [first, last) that hold every GNU notice of ``lines`` and the tail read after it: the rest of a
    long file is code, and cleaning each of its lines cost more than everything else this module does.
    ``first_at``, ``last_at``: the offsets in ``low`` of the first and the last "GNU" word.

    A notice starts no earlier than the line before the first "GNU" line that is not all notice words (the line
    where its first word may stand), and ends, with its tail, within _AFTER_GNU + _TAIL non-space characters
    after the last "GNU" line: a window of those lines gives the notice regex the same matches as all of them
    (it looks behind nothing). Line indexes are found in ``low`` when it has one newline per line break, else
    every line is kept."""
    if low.count("\n") != len(lines) - 1:
        return 0, len(lines)
    first_gnu = low.count("\n", 0, first_at)
    last_gnu = first_gnu + low.count("\n", first_at, last_at)
    first = first_gnu
    while first > 0:
        first -= 1
        if not _BEFORE_GNU_RE.fullmatch(_clean(lines[first])):
            break
    last, budget = last_gnu + 1, _AFTER_GNU + _TAIL + 2  # + 2: the regex's \b after the version, and the "$"
    while last < len(lines) and budget > 0:
        budget -= sum(map(len, _clean(lines[last]).split()))
        last += 1
    return first, last


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
    text, low = _texts(lines)
    name = entry.name.lower()
    markdown = name.endswith((".md", ".markdown"))
    claims: list[Claim] = []
    findings = list(read.findings)
    for tag in find_tags(lines, markdown=markdown, low=low):
        ambiguous, notes = tag_notes(entry.path, tag, knowledge.normalizer)
        claims.append(_file_claim(entry, tag.expression, SOURCE, tag.line, 0.95, "snippet" if tag.snippet else None,
                                  version_ambiguous=ambiguous))
        findings += notes
    if not name.startswith("readme"):  # README prose is readme_prose.py's
        if markdown and (header := html_comment_header(lines)) is not lines:
            lines = header
            text, low = _texts(lines)
        claims += [_file_claim(entry, n.spdx_id, NOTICE_SOURCE, n.line, 0.9) for n in find_gpl_notices(lines, low)]
        claims += [_file_claim(entry, n.name, NOTICE_SOURCE, n.line, 0.8, form=RawForm.NAME)
                   for n in find_named_notices(lines, text)]
        restrictive = find_restrictive_terms(lines, knowledge.use_terms, low)
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
