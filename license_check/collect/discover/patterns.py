"""Gitignore-syntax path patterns (``--exclude``), matched in time linear in the path.

The syntax is gitignore(5): ``#`` comments, ``!`` re-includes, a trailing ``/`` matches folders only, a
pattern with a ``/`` at its start or middle is anchored at the root (otherwise it matches a name at any
level), ``*`` and ``?`` never match ``/``, ``**/`` matches any number of folders, a trailing ``/**``
everything inside, ``[...]`` (``[!...]``/``[^...]``) a class, ``\\`` escapes. The last matching pattern
wins. Matching is a Thompson simulation of the pattern (no backtracking: ``*a*a*a*a*a*a*a*b`` costs the
same as ``*b``), with fast paths for literal names, ``*.ext`` and ``prefix*``. Bounds: at most
MAX_PATTERNS patterns of at most MAX_PATTERN_CHARS characters; patterns past a bound are not applied
(that leaves out fewer paths, never more). A malformed pattern (a lone ``!``) matches nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_PATTERNS = 1000
MAX_PATTERN_CHARS = 1024

_Token = tuple[str, str]  # (kind, payload): lit, any, class, nclass, star, globstar, globdir


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    negated: bool
    dir_only: bool
    anchored: bool  # matched against the whole relative path, else against the last name
    tokens: tuple[_Token, ...]
    fast: tuple[str, str] | None  # ("eq"|"suffix"|"prefix"|"stars", literal) when no simulation is needed

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        subject = rel if self.anchored else rel.rsplit("/", 1)[-1]
        if self.fast is not None:
            kind, literal = self.fast
            if kind == "eq":
                return subject == literal
            if kind == "suffix":
                return subject.endswith(literal) and "/" not in subject[: len(subject) - len(literal)]
            if kind == "stars":
                return _stars(literal.split("\0"), subject)
            return subject.startswith(literal) and "/" not in subject[len(literal):]
        return simulate(self.tokens, subject)


class PathSpec:
    """A list of gitignore-syntax patterns; ``match(rel, is_dir)`` says whether the path is left out."""

    def __init__(self, lines: Iterable[str]) -> None:
        patterns: list[Pattern] = []
        for line in lines:
            if len(patterns) >= MAX_PATTERNS:
                break
            if (pattern := parse(line)) is not None:
                patterns.append(pattern)
        self.patterns = tuple(patterns)

    def match(self, rel: str, is_dir: bool) -> bool:
        result = False
        for pattern in self.patterns:
            if pattern.negated == result and pattern.matches(rel, is_dir):  # only a change matters
                result = not pattern.negated
        return result


def parse(line: str) -> Pattern | None:
    """One gitignore line as a Pattern, or None for blanks, comments and what cannot match."""
    text = line.rstrip("\r\n")
    if len(text) > MAX_PATTERN_CHARS or not text or text.startswith("#"):
        return None
    while text.endswith(" ") and not text.endswith("\\ "):  # trailing spaces, unless escaped
        text = text[:-1]
    negated = text.startswith("!")
    if negated or text.startswith(("\\!", "\\#")):
        text = text[1:]
    dir_only = text.endswith("/") and not text.endswith("\\/")
    text = text.rstrip("/") if dir_only else text
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        return None
    tokens = tuple(_tokens(text))
    return Pattern(line, negated, dir_only, anchored, tokens, _fast_path(tokens))


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            tokens.append(("lit", text[i + 1]))
            i += 2
        elif text.startswith("**", i):
            j = i
            while j < n and text[j] == "*":
                j += 1
            at_start = i == 0 or text[i - 1] == "/"
            if at_start and text.startswith("/", j):
                tokens.append(("globdir", ""))  # "**/": zero or more folders
                j += 1
            elif at_start and j == n:
                tokens.append(("globstar", ""))  # trailing "/**": everything inside
            else:
                tokens.append(("star", ""))  # other runs of asterisks are a plain "*"
            i = j
        elif ch == "*":
            tokens.append(("star", ""))
            i += 1
        elif ch == "?":
            tokens.append(("any", ""))
            i += 1
        elif ch == "[" and (end := _class_end(text, i)) != -1:
            body = text[i + 1:end]
            if body[:1] in {"!", "^"}:
                tokens.append(("nclass", body[1:]))
            else:
                tokens.append(("class", body))
            i = end + 1
        else:
            tokens.append(("lit", ch))
            i += 1
    return tokens


def _class_end(text: str, start: int) -> int:
    i = start + 1
    if text[i:i + 1] in {"!", "^"}:
        i += 1
    if text[i:i + 1] == "]":  # "[]a]": a leading "]" is a member
        i += 1
    return text.find("]", i)


def _fast_path(tokens: tuple[_Token, ...]) -> tuple[str, str] | None:
    kinds = [kind for kind, _ in tokens]
    literal = "".join(payload for kind, payload in tokens if kind == "lit")
    if all(kind == "lit" for kind in kinds):
        return ("eq", literal)
    if kinds[0] == "star" and all(kind == "lit" for kind in kinds[1:]):
        return ("suffix", literal)
    if kinds[-1] == "star" and all(kind == "lit" for kind in kinds[:-1]):
        return ("prefix", literal)
    if all(kind in {"lit", "star"} for kind in kinds) and "/" not in literal:
        # Literals and stars only ("*a*a*a*b"): matched greedily with str.find (leftmost match of each
        # piece), which is exact for such globs and linear in practice; the subject must hold no "/".
        pieces: list[str] = [""]
        for kind, payload in tokens:
            if kind == "star":
                pieces.append("")
            else:
                pieces[-1] += payload
        return ("stars", "\0".join(pieces))
    return None


def _stars(pieces: list[str], subject: str) -> bool:
    """Whether ``subject`` matches pieces[0] * pieces[1] * ... * pieces[-1] (each * any run without "/")."""
    if "/" in subject:
        return False
    first, *middle, last = pieces
    if not subject.startswith(first) or len(subject) < len(first) + len(last) or not subject.endswith(last):
        return False
    at, end = len(first), len(subject) - len(last)
    for piece in middle:
        found = subject.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _accepts(token: _Token, ch: str) -> bool:
    kind, payload = token
    if kind == "lit":
        return ch == payload
    if kind in {"any", "star"}:
        return ch != "/"
    if kind in {"globstar", "anyall"}:  # "anyall": REUSE's "**" inside a name (collect/detectors/_util.Glob)
        return True
    inside = _in_class(payload, ch)
    return ch != "/" and (inside if kind == "class" else not inside)


def _in_class(body: str, ch: str) -> bool:
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            i += 1
        if i + 2 < len(body) and body[i + 1] == "-":
            if body[i] <= ch <= body[i + 2]:
                return True
            i += 3
        else:
            if body[i] == ch:
                return True
            i += 1
    return False


def simulate(tokens: tuple[_Token, ...], path: str) -> bool:
    """Thompson simulation: state 2k is before token k; 2k+1 is inside a "**/" that still needs a "/".
    Each character costs at most one step per state: linear in the path for a given pattern."""
    end = 2 * len(tokens)

    def closure(states: set[int]) -> set[int]:
        stack, seen = list(states), set(states)
        while stack:
            state = stack.pop()
            optional = state % 2 == 0 and state < end and tokens[state // 2][0] in {"star", "globstar", "globdir"}
            if optional and state + 2 not in seen:  # these may match nothing
                seen.add(state + 2)
                stack.append(state + 2)
        return seen

    current = closure({0})
    for ch in path:
        following: set[int] = set()
        for state in current:
            if state >= end:
                continue
            k = state // 2
            kind = tokens[k][0]
            if kind == "globdir":
                following.add(2 * k + 1)
                if ch == "/":
                    following.add(2 * k + 2)
            elif kind in {"star", "globstar"}:
                if _accepts(tokens[k], ch):
                    following.add(state)
            elif _accepts(tokens[k], ch):
                following.add(state + 2)
        if not following:
            return False
        current = closure(following)
    return end in current
