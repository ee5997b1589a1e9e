"""The one error tree: every error a user can fix (a policy, a rules folder, an output path) is a
``LicenseCheckError``; the CLI turns it into exit 2 in one place (cli/app.py), and anything else
into exit 3 (a bug).

Policy and rules errors carry their problems as ``Problem`` values: file, line, key and what is wrong.
The loaders word a problem as ``<file>: <key path>: <what>`` (the form they have always written);
``Problem.from_text`` reads that form back and finds the key's line in the file with ``tomlio.lines``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from license_check.tomlio.lines import KeyLines

__all__ = ["ConfigError", "LicenseCheckError", "OutputError", "PolicyError", "Problem", "RulesError"]


class LicenseCheckError(Exception):
    """The root: a problem the user can fix (exit 2), never a bug. The CLI prints
    ``license-check: <label>: <message>``."""

    label = "error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a configuration file: ``file:line: key: message``."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return ": ".join(p for p in (where, self.key, self.message) if p)

    @classmethod
    def from_text(cls, text: str, directory: Path | None = None) -> Problem:
        """A problem worded ``<file>: <key path>: <what>`` (or ``<file>: <what>``). ``file`` is taken
        relative to ``directory`` when it lies in it; the line is the key's line in that file (TOML), or
        the line a TOML parse error names."""
        head, sep, rest = text.partition(": ")
        named = _FILE.match(head) if sep else None
        if named is None:
            return cls("", None, "", text)
        head, given = named.group(1), named.group(3)
        path = Path(head)
        if directory is not None and not path.is_absolute():
            path = directory / path
        shown = head
        if directory is not None:
            try:
                shown = path.resolve().relative_to(directory.resolve()).as_posix()
            except (ValueError, OSError):
                shown = head
        key, sep, message = _split_key(rest)
        if not sep or len(key) > 200 or key.startswith(("invalid TOML", "cannot read", "not a")):
            key, message = "", rest
        return cls(shown, int(given) if given else _line(path, key, rest), key, message)


_FILE = re.compile(r"^(.+\.(toml|json))(?::(\d+))?$")  # a rules or policy file, perhaps with its line
_PARSE_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_SEGMENT = re.compile(r"\[(\d+)\]|\.|[^.\[]+")


def _split_key(rest: str) -> tuple[str, str, str]:
    """``<key path>: <what>`` split at the first ``": "`` outside a quoted key (names.'GPL: v2')."""
    quote = ""
    for i, char in enumerate(rest):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and (i == 0 or rest[i - 1] in ".["):
            quote = char
        elif rest.startswith(": ", i):
            return rest[:i], ": ", rest[i + 2:]
    return rest.partition(": ")


def _line(path: Path, key: str, rest: str) -> int | None:
    hit = _PARSE_LINE.search(rest)
    if hit:
        return int(hit.group(1))
    if path.suffix != ".toml":
        return None
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not key:
        return None
    return KeyLines(text).line(_key_path(doc, key.strip("[]") if key.startswith("[") else key))


def _key_path(doc: Any, dotted: str) -> tuple[str | int, ...]:
    """``licenses.GPL-2.0-only.commercial_use`` as a key path of ``doc``: keys may hold dots (license ids),
    so at each level the longest run of segments that is a key wins; ``[3]`` is an array index."""
    parts = [m.group(0) for m in _SEGMENT.finditer(dotted)]
    out: list[str | int] = []
    node, i = doc, 0
    while i < len(parts):
        part = parts[i]
        if part == ".":
            i += 1
            continue
        index = re.fullmatch(r"\[(\d+)\]", part)
        if index:
            out.append(int(index.group(1)))
            node = node[int(index.group(1))] if isinstance(node, list) and int(index.group(1)) < len(node) else None
            i += 1
            continue
        key, used = part.strip("'\""), 1
        if isinstance(node, dict):
            for end in range(len(parts), i, -1):  # the longest dotted run that is a key of this table
                joined = "".join(parts[i:end]).strip("'\"")
                if joined in node:
                    key, used = joined, end - i
                    break
        out.append(key)
        node = node.get(key) if isinstance(node, dict) else None
        i += used
    return tuple(out)


class ConfigError(LicenseCheckError):
    """A configuration file (policy or rules) is invalid; ``problems`` lists every problem found."""

    label = "configuration error"

    def __init__(self, problems: Iterable[Problem | str], title: str = "", directory: Path | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem.from_text(p, directory) for p in problems)
        self.title = title
        lines = [str(p) for p in self.problems]
        super().__init__(f"{title}:\n" + "\n".join(f"  - {line}" for line in lines) if title else "\n".join(lines))

    def rebased(self, directory: Path) -> tuple[Problem, ...]:
        """The problems with their files relative to ``directory`` (the rules folder a check was run on)."""
        return tuple(Problem.from_text(_text(p), directory) if p.file else p for p in self.problems)


def _text(problem: Problem) -> str:
    return ": ".join(x for x in (problem.file, problem.key, problem.message) if x)


class RulesError(ConfigError):
    """A rules folder (rules/ or an edited copy) is invalid."""

    def __init__(self, problems: Sequence[Problem | str] | str, title: str = "invalid license rules",
                 directory: Path | None = None) -> None:
        super().__init__([problems] if isinstance(problems, str) else problems, title, directory)


class PolicyError(ConfigError):
    """A policy could not be loaded. Each problem reads
    ``<file>:<line>: <key path>: <what is wrong>; allowed: <what is allowed>``."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        texts = [problems] if isinstance(problems, str) else list(problems)
        super().__init__([_policy_problem(t) for t in texts])


_POLICY_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<rest>.*)$", re.S)


def _policy_problem(text: str) -> Problem:
    """``<file>:<line>: <key path>: <what>`` (policy/keys.py words them so) as a Problem; str() gives it back."""
    hit = _POLICY_LINE.match(text)
    if hit is None:
        return Problem("", None, "", text)
    key, sep, message = hit.group("rest").partition(": ")
    if not sep:
        key, message = "", hit.group("rest")
    return Problem(hit.group("file"), int(hit.group("line")), key, message)


class OutputError(LicenseCheckError):
    """-o names something the report must not be written to, or writing it failed (the message says why)."""

    def __init__(self, message: str, label: str = "cannot write the report") -> None:
        super().__init__(message)
        self.label = label
