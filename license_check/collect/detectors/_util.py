"""Small helpers shared by the header, manifest, README and REUSE detectors.

Nothing here normalizes a license string: these helpers read files through
license_check.collect.reading, build findings that name the file, and match path globs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from license_check.collect.detectors.license_files import is_license_file_name, is_notice_file_name
from license_check.collect.discover.patterns import simulate
from license_check.collect.reading import read_text
from license_check.findings import make_finding
from license_check.model import Finding, Location

# File names that hold license texts or notices: license_files.py owns them.

def is_legal_file(path: str) -> bool:
    """True for LICENSE/COPYING/NOTICE files (the license-file detector's naming rules, which leave
    code such as ``license.py`` alone) and for REUSE's LICENSES/ folder."""
    name = path.rsplit("/", 1)[-1]
    return (is_license_file_name(name) or is_notice_file_name(name)
            or path.startswith("LICENSES/") or "/LICENSES/" in path)


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


class Glob:
    """A compiled path glob: ``*`` (not across ``/`` unless asked), ``**``, ``**/``, ``?``, ``[seq]``,
    ``[!seq]``; a backslash escapes the next character. ``match(path)`` is truthy when the whole path
    matches.

    These are the REUSE.toml rules (REUSE 3.2) and, with the default, PEP 639's license-files globs;
    Debian copyright (dep5) globs let ``*`` cross ``/``. Matching never backtracks without bound: a
    pattern with more than two wildcards is run as an NFA over the path (time linear in the path),
    since a hostile ``*a*a*a...b`` would make a regex take exponential time.
    """

    def __init__(self, pattern: str, *, star_crosses_slash: bool = False) -> None:
        pattern = re.sub(r"\*{3,}", "**", re.sub(r"(?:\*\*/)+", "**/", pattern))  # "**/**/" is "**/"
        self.tokens = _glob_tokens(pattern, star_crosses_slash)
        wildcards = sum(1 for t in self.tokens if t[0] in {"star", "globstar", "globdir"})
        self.regex = _tokens_regex(self.tokens) if wildcards <= 2 else None
        # Literal runs, in order, that any match must contain: a cheap test before the NFA.
        self.prefix, self.runs = _literal_runs(self.tokens)

    def match(self, path: str) -> bool:
        if self.regex is not None:
            return self.regex.match(path) is not None
        if not path.startswith(self.prefix):
            return False
        at = len(self.prefix)
        for run in self.runs:
            at = path.find(run, at)
            if at == -1:
                return False
            at += len(run)
        return _nfa_match(self.tokens, path)


def _literal_runs(tokens: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """The literal prefix of a glob and the literal runs after it (each must occur, in order)."""
    runs: list[str] = []
    current: list[str] = []
    prefix: str | None = None
    for kind, payload in tokens:
        if kind == "lit":
            current.append(payload)
            continue
        if prefix is None:
            prefix = "".join(current)
        elif current:
            runs.append("".join(current))
        current = []
    if prefix is None:
        return "".join(current), []
    if current:
        runs.append("".join(current))
    return prefix, runs


def glob_to_regex(pattern: str, *, star_crosses_slash: bool = False) -> Glob:
    """Compile a path glob (see Glob); the result has ``match(path)`` like a compiled regex."""
    return Glob(pattern, star_crosses_slash=star_crosses_slash)


_Token = tuple[str, str]  # (kind, payload): lit/char, any/"", class/body, nclass/body, star/"", globstar, globdir


def _glob_tokens(pattern: str, star_crosses_slash: bool) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            tokens.append(("lit", pattern[i + 1]))
            i += 2
        elif pattern.startswith("**/", i):
            tokens.append(("globdir", ""))  # "**/" also matches no folder at all
            i += 3
        elif pattern.startswith("**", i):
            tokens.append(("globstar", ""))
            i += 2
        elif ch == "*":
            tokens.append(("globstar" if star_crosses_slash else "star", ""))
            i += 1
        elif ch == "?":
            tokens.append(("anyall" if star_crosses_slash else "any", ""))
            i += 1
        elif ch == "[" and (end := pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)) != -1:
            body = pattern[i + 1:end]
            tokens.append(("nclass", body[1:]) if body.startswith("!") else ("class", body))
            i = end + 1
        else:
            tokens.append(("lit", ch))
            i += 1
    return tokens


def _tokens_regex(tokens: list[_Token]) -> re.Pattern[str] | None:
    parts = {"any": "[^/]", "anyall": ".", "star": "[^/]*", "globstar": ".*", "globdir": "(?:.*/)?"}
    out: list[str] = []
    for kind, payload in tokens:
        if kind == "lit":
            out.append(re.escape(payload))
        elif kind in {"class", "nclass"}:
            escaped = "".join("\\" + c if c in "\\^]" else c for c in payload)
            out.append(f"[^{escaped}/]" if kind == "nclass" else f"[{escaped}]")
        else:
            out.append(parts[kind])
    try:
        return re.compile("".join(out) + r"\Z", re.DOTALL)
    except re.error:  # a malformed character class (e.g. "[z-a]"): leave it to the NFA
        return None


def _nfa_match(tokens: list[_Token], path: str) -> bool:
    """Thompson simulation of the glob's tokens (collect/discover/patterns.py: one implementation for every glob)."""
    return simulate(tuple(tokens), path)


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
# The characters a COMMENT_LEADER can start with (the first character of each alternative): a line whose first
# non-space character is none of them has no leader, and no regex need run (tests/collect check the set).
LEADER_STARTS = frozenset("#/*<-;%.\"':!{([@rRdD")
CLOSERS = ("*/", "-->", "*)", "-}", '"""', "'''", "#}", "--}}", "}}", "%>")


def strip_closers(value: str) -> str:
    """``value`` without trailing comment closers (``*/``, ``-->``, ...) and unbalanced ``)``."""
    value = value.rstrip()
    if value.endswith(CLOSERS):  # one C call first: most lines end in no closer (millions of lines a scan)
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


# The characters beyond ASCII that a case-insensitive regex matches with an ASCII letter (İ, ı, ſ and the Kelvin
# sign; tests/collect check every code point). Without them, an ASCII word stands in ``text.lower()`` exactly
# where the regex can match it, at the same offset (only İ changes length when lower-cased).
ASCII_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")


def finditer_at(pattern: re.Pattern[str], text: str, starts: tuple[str, ...], back: tuple[int, ...] = (0,),
                ) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, tried only at the offsets where a match can start: where one of ``starts``
    (lower-case ASCII words) stands in the text in any casing, less one of ``back`` (characters before the word
    that a match may start with). The caller promises that every match starts so, and that ``pattern`` looks
    behind nothing at its start; then the matches are the same, and a case-insensitive alternation is not tried
    at every offset of a long text. A text with one of ASCII_FOLDING is searched whole."""
    if any(ch in text for ch in ASCII_FOLDING):
        yield from pattern.finditer(text)
        return
    low = text.lower()
    offsets: set[int] = set()
    for word in starts:
        at = low.find(word)
        while at != -1:
            offsets.update(at - b for b in back if at >= b)
            at = low.find(word, at + 1)
    end = 0
    for offset in sorted(offsets):
        if offset < end:
            continue  # inside the last match: finditer goes on after it
        match = pattern.match(text, offset)
        if match is not None:
            yield match
            end = max(match.end(), offset + 1)
