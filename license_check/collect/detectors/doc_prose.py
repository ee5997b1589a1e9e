"""License names in documentation prose (finding ``license-mention``, info): never claims, never a verdict.

Files: Markdown and reStructuredText documents (``.md``, ``.markdown``, ``.mdx``, ``.rst``) that no other
detector reads as license evidence: not a README (readme_prose.py), not a model card (model_cards.py), not
a LICENSE/NOTICE file (license_files.py). Read up to reading.README_CAP; a document without "icen" in it
costs one ``in`` test. Documentation is no grant for the tree (the header comment of a document, if it
has one, is read by spdx_headers.py), so every license it names is a mention, one finding per line:

- the names of a grant-shaped sentence ("All audio files are licensed under CC0, CC BY, or CC Sampling+"),
  each item of a list of names, as written, known to the normalizer or not;
- a license named on its own ("... mandatory under the NVIDIA Open Model License Agreement") where the
  normalizer knows the name (an unknown "Model License" is no mention, so ordinary words are not reported).

Not read: HTML comments (a document's license header), front matter, code blocks and tables.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from license_check.collect.detectors import markup, mentions, readme_prose
from license_check.collect.detectors._util import is_legal_file, read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.model_cards import is_card_file, is_named_card
from license_check.collect.reading import README_CAP
from license_check.knowledge.normalize import Normalizer
from license_check.model import FileEntry, Finding

NAME = "doc-prose"
WHERE = "documentation prose"
_EXTENSIONS = (".md", ".markdown", ".mdx", ".rst")
# The items of a list of names: "CC0, CC BY, or CC Sampling+", "MIT and Apache-2.0", "MIT/Apache-2.0".
_ITEMS_RE = re.compile(r"\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and|&)\s+|\s*/\s*", re.IGNORECASE)
_ITEM_RE = re.compile(r"^[A-Z][\w.+-]*(?:\s+[\w.+-]+){0,3}$")  # "CC Sampling+": a short capitalised name


def wants(entry: FileEntry) -> bool:
    """Documents no other detector reads as license evidence (the per-file cache asks)."""
    name = entry.name
    return (name.lower().endswith(_EXTENSIONS) and not readme_prose.is_readme(name) and not is_card_file(name)
            and not is_named_card(entry.path) and not is_legal_file(entry.path) and entry.size > 0)


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_WORDS = ("icen", "ICEN")  # License, licensed, LICENCE: a line without them names no license the grammar reads


def _blanked(text: str) -> list[tuple[int, int]]:
    """The spans no mention is read from: front matter, HTML comments (a license header), code blocks."""
    spans = [m.span() for m in _COMMENT_RE.finditer(text)] if "<!--" in text else []
    if text.startswith("---"):
        end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[3:], re.MULTILINE)
        spans.append((0, 3 + end.end() if end else 0))
    fences = sorted(at for mark in ("```", "~~~") for at in _starts_of(text, mark)
                    if not text[text.rfind("\n", 0, at) + 1: at].strip(" \t"))
    spans += [(fences[i], fences[i + 1] + 3) for i in range(0, len(fences) - 1, 2)]
    if len(fences) % 2:
        spans.append((fences[-1], len(text)))
    return sorted(spans)


def _starts_of(text: str, word: str) -> list[int]:
    """Every offset of ``word`` in ``text`` (str.find runs in C: a regex over every line costs more)."""
    found: list[int] = []
    pos = text.find(word)
    while pos != -1:
        found.append(pos)
        pos = text.find(word, pos + len(word))
    return found


def windows(text: str) -> list[tuple[int, list[str]]]:
    """The (first line number, cleaned lines) around each group of lines that hold a license word, outside
    the blanked spans and tables: the grammar reads only these, a document costs a few ``find`` calls."""
    hits = [at for word in _WORDS for at in _starts_of(text, word)]
    if not hits:
        return []
    blanked = _blanked(text)
    lines = text.split("\n")
    before = list(accumulate(map(len, lines), initial=0))  # the start of line i is before[i] + i

    def hidden(at: int) -> bool:
        i = bisect_right(blanked, (at, len(text) + 1)) - 1
        return i >= 0 and blanked[i][0] <= at < blanked[i][1]

    numbers = sorted({text.count("\n", 0, at) for at in hits if not hidden(at)})
    groups: list[list[int]] = []
    for n in numbers:
        if groups and n <= groups[-1][-1] + 2:
            groups[-1].append(n)
        else:
            groups.append([n])
    out = []
    for group in groups:
        first, last = max(0, group[0] - 1), min(len(lines) - 1, group[-1] + 1)
        out.append((first + 1, ["" if hidden(before[i] + i) or lines[i].lstrip().startswith("|")
                                else markup.clean(lines[i]) for i in range(first, last + 1)]))
    return out


def names_in(text: str, normalizer: Normalizer) -> list[tuple[int, str]]:
    """(line, name as written) for every license ``text`` names (see the module docstring), deduplicated."""
    found: dict[tuple[int, str], None] = {}
    for first, lines in windows(text):
        for line, name in _names(lines, normalizer):
            found[(first + line - 1, name)] = None
    return list(found)


def _names(lines: Sequence[str], normalizer: Normalizer) -> list[tuple[int, str]]:
    text = "\n".join(lines)
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for match in readme_prose.GRANT_RE.finditer(text):
        items = [readme_prose.trim_name(i) for i in _ITEMS_RE.split(match.group("name").strip(" ,"))]
        items = [i for i in items if i]
        if not any(readme_prose.looks_like_license(i) for i in items):
            continue
        number = bisect_right(starts, match.start("name"))
        found += [(number, i) for i in items if readme_prose.looks_like_license(i) or _ITEM_RE.match(i)]
        spans.append(match.span("name"))
    for match in readme_prose.NAMED_LICENSE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        rest = text[match.start(): match.end() + 40].split("\n", 1)[0]
        name = readme_prose.trim_name(re.sub(r"^(?:the|this|our)\s+", "", rest, flags=re.IGNORECASE))
        if readme_prose.looks_like_license(name) and mentions.known(name, normalizer):
            found.append((bisect_right(starts, match.start()), name))
    return found


def scan_document(entry: FileEntry, normalizer: Normalizer) -> list[Finding]:
    read = read_or_report(entry.path, entry.abspath, README_CAP, "document", report_binary=False)
    if read.text is None:
        return list(read.findings)
    return [*read.findings, *mentions.findings(entry.path, names_in(read.text, normalizer), normalizer, WHERE)]


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    found: list[Finding] = []
    for entry in files:
        if wants(entry):
            found += scan_document(entry, ctx.knowledge.normalizer)
    return DetectorResult(findings=tuple(found))
