"""Small helpers shared by the header, manifest, README and REUSE detectors.

Nothing here normalizes a license string: these helpers read files through
license_check.reading, build findings that name the file, and match path globs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from license_check.findings import make_finding
from license_check.model import Finding, Location
from license_check.reading import read_text

# File names that hold license texts or notices: license_files.py owns them.
LEGAL_FILE_RE = re.compile(r"^(?:licen[sc]e|copying|notice|copyright|unlicense)(?:[._-].*)?$", re.IGNORECASE)



def is_legal_file(path: str) -> bool:
    """True for LICENSE/COPYING/NOTICE files and REUSE's LICENSES/ folder."""
    name = path.rsplit("/", 1)[-1]
    return bool(LEGAL_FILE_RE.match(name)) or path.startswith("LICENSES/") or "/LICENSES/" in path


@dataclass(frozen=True, slots=True)
class TextRead:
    text: str | None
    truncated: bool
    findings: tuple[Finding, ...]
    binary: bool = False


def read_or_report(path: str, abspath: str, cap: int, what: str, *, report_binary: bool = True) -> TextRead:
    """Read at most ``cap`` bytes of text; unreadable or (optionally) binary input becomes a finding."""
    result = read_text(abspath, cap)
    if result.text is not None:
        return TextRead(result.text, result.truncated, ())
    loc = (Location(path),)
    if result.binary:
        if not report_binary:
            return TextRead(None, result.truncated, (), binary=True)
        finding = make_finding(
            "malformed-metadata",
            f"{path}: this {what} holds binary data (NUL bytes), not text; its license information "
            "could not be read. Replace it with a valid text file.",
            loc,
            fix="",
        )
        return TextRead(None, result.truncated, (finding,), binary=True)
    finding = make_finding(
        "unreadable-file",
        f"{path}: this {what} could not be read ({result.error}); license evidence in it is missing. "
        "Check the file's permissions.",
        loc,
        fix="",
    )
    return TextRead(None, False, (finding,))


def relative_to(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` ('.' is the root), or None when it is not inside it."""
    if folder == ".":
        return path
    prefix = folder + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


def join(folder: str, rel: str) -> str:
    """Join a folder ('.' for the root) and a relative posix path, collapsing './' and refusing '..'."""
    parts: list[str] = [] if folder == "." else folder.split("/")
    for part in rel.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return ""  # escapes the root: matches nothing
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def glob_to_regex(pattern: str, *, star_crosses_slash: bool = False) -> re.Pattern[str]:
    """Compile a path glob: ``*`` (not across ``/`` unless asked), ``**``, ``?``, ``[seq]``, ``[!seq]``.

    A backslash escapes the next character.

    These are the REUSE.toml rules (REUSE 3.2) and, with the default, PEP 639's license-files globs.
    Debian copyright (dep5) globs let ``*`` cross ``/``.
    """
    pattern = re.sub(r"\*{3,}", "**", re.sub(r"(?:\*\*/)+", "**/", pattern))  # "**/**/" is "**/"
    out: list[str] = []
    i, n = 0, len(pattern)
    single = ".*" if star_crosses_slash else "[^/]*"
    anychar = "." if star_crosses_slash else "[^/]"
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):  # "**/" also matches no folder at all
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append(single)
        elif ch == "?":
            out.append(anychar)
        elif ch == "[":
            end = pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:end]
                negate = body.startswith("!")
                body = body[1:] if negate else body
                escaped = "".join("\\" + c if c in "\\^]" else c for c in body)
                out.append(f"[^{escaped}/]" if negate else f"[{escaped}]")
                i = end + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out) + r"\Z", re.DOTALL)
    except re.error:  # a malformed character class: match the pattern literally
        return re.compile(re.escape(pattern) + r"\Z")


def resolve_globs(patterns: Sequence[str], folder: str, paths: Sequence[str]) -> list[str]:
    """The discovered ``paths`` under ``folder`` that one of ``patterns`` matches (PEP 639 semantics)."""
    compiled = [glob_to_regex(p[2:] if p.startswith("./") else p) for p in patterns]
    matched: list[str] = []
    for path in paths:
        rel = relative_to(path, folder)
        if rel is not None and any(rx.match(rel) for rx in compiled):
            matched.append(path)
    return sorted(matched)


# Comment syntax shared by the header detectors: leaders that may start a comment line, closers that end one.
COMMENT_LEADER = (
    r"(?:\#+!?|//+[!/]?|/\*+!?|\*+|<!--+|--+|;+|%+|\.\.|\"\"\"|'''|(?i:@?rem)(?=\s)|::|!+|'|"
    r"\{-+|\(\*+|\{\#|\{\{!(?:--)?|<%\#|(?i:dnl)(?=\s)|\[//\]:\s*\#\s*\(?|\#\[)"
)
# Possessive repetition: a line of 5,000 '*' or '#' must fail fast, not backtrack through every split.
LEADER_STRIP_RE = re.compile(rf"^\s*+(?:(?>{COMMENT_LEADER})\s*+)*+")
CLOSERS = ("*/", "-->", "*)", "-}", '"""', "'''", "#}", "--}}", "}}", "%>")


def strip_closers(value: str) -> str:
    """``value`` without trailing comment closers (``*/``, ``-->``, ...) and unbalanced ``)``."""
    changed = True
    while changed:
        changed = False
        value = value.rstrip()
        for closer in CLOSERS:
            if value.endswith(closer):
                value = value[: -len(closer)]
                changed = True
    while value.endswith(")") and value.count(")") > value.count("("):  # "[//]: # (SPDX...: MIT)"
        value = value[:-1].rstrip()
    return value.strip()
