"""Markdown and reStructuredText read as prose: markup out (links keep their text), front matter, code fences,
tables and third-party sections blanked, headings and license badges found (README and doc readers share it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
ATX_RE = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.*?)\s*#*\s*$")
_UNDERLINE_RE = re.compile(r"^\s*(?:=+|-+|~+|\^+|\*+)\s*$")
_SKIP_SECTION_RE = re.compile(
    r"third[- ]party|dependenc|vendored|bundled|upstream|acknowledg|credit|citation|\bcite\b|related\s+work|"
    r"references|external|attribution|contributors|other\s+licen", re.IGNORECASE)
_LICENSE_HEADING_RE = re.compile(r"^\W*licen[sc](?:e|es|ing)\b", re.IGNORECASE)
# Bounded, and a link text never holds "[": every attempt stops at the next "[", so a line of
# unclosed brackets costs linear time, not quadratic.
_IMAGE_RE = re.compile(r"!\[[^\]\[]{0,1000}\]\([^)(]{0,2000}\)")
_LINK_RE = re.compile(r"\[([^\]\[]{0,1000})\]\([^)(]{0,2000}\)|\[([^\]\[]{0,1000})\]\[[^\]\[]{0,200}\]")
_TAG_RE = re.compile(r"<[^>]{0,200}>")
_RST_LINK_RE = re.compile(r"`([^`<]{0,1000}?)\s*<[^>`]{0,2000}>`_+")
_BADGE_RE = re.compile(r"https?://img\.shields\.io/badge/(?P<body>[^)\"'\s?#]+)", re.IGNORECASE)
_BADGE_LABEL_RE = re.compile(r"^(?:(?:code|model|weights?|data(?:set)?|content)\s+)?licen[sc]e$", re.IGNORECASE)


_MARKUP_RE = re.compile(r"[\[<`*_]")  # a character every pattern of clean needs: most lines have none


def clean(line: str) -> str:
    """Markdown/rST/HTML markup out, text kept (links keep their text)."""
    if not _MARKUP_RE.search(line):
        return line
    line = _IMAGE_RE.sub(" ", line)
    line = _LINK_RE.sub(lambda m: m.group(1) or m.group(2) or "", line)
    line = _RST_LINK_RE.sub(r"\1", line)
    line = _TAG_RE.sub(" ", line)
    return re.sub(r"\*\*|__|`|(?<=\w)[*_]|[*_](?=\w)", "", line)


def prose_lines(text: str) -> list[str]:
    """Lines with front matter, code fences, tables and third-party sections blanked (numbers kept)."""
    lines = text.splitlines()
    out = list(lines)
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            out[: end + 1] = [""] * (end + 1)
            start = end + 1
    fenced = skipping = False
    for i in range(start, len(lines)):
        line = lines[i]
        if _FENCE_RE.match(line):
            fenced = not fenced
            out[i] = ""
            continue
        title = heading(lines, i)
        if title is not None:
            skipping = bool(_SKIP_SECTION_RE.search(title)) and not _LICENSE_HEADING_RE.match(title)
        if fenced or skipping or line.lstrip().startswith("|"):
            out[i] = ""
    return out


def heading(lines: Sequence[str], i: int) -> str | None:
    atx = ATX_RE.match(lines[i])
    if atx:
        return atx.group("title")
    if i + 1 < len(lines) and lines[i].strip() and _UNDERLINE_RE.match(lines[i + 1]) \
            and len(lines[i + 1].strip()) >= 3 and not lines[i].lstrip().startswith(("-", "*", "|")):
        return lines[i].strip()
    return None


def badges(lines: Sequence[str]) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines, start=1):
        for match in _BADGE_RE.finditer(line):
            body = re.sub(r"\.(?:svg|png)$", "", match.group("body"), flags=re.IGNORECASE)
            parts = re.split(r"(?<!-)-(?!-)", body)
            if len(parts) != 3:
                continue
            label, message = (_unescape_badge(p) for p in parts[:2])
            if _BADGE_LABEL_RE.match(label) and message and message.lower() not in ("none", "unknown"):
                found.append((number, message, label))
    return found


def _unescape_badge(part: str) -> str:
    part = unquote(part).replace("--", "\x00").replace("__", "\x01").replace("_", " ")
    return part.replace("\x00", "-").replace("\x01", "_").strip()
