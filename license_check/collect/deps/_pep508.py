"""Helpers shared by the Python dependency readers: PEP 508 strings, bounded TOML, value descriptions.

A PEP 508 string (https://peps.python.org/pep-0508/) is parsed with ``packaging.requirements``; the
name is normalized (PEP 503), the version is kept only for an exact pin (``==1.2`` / ``===1.2``, one
specifier, no wildcard), the marker is kept as packaging writes it. Nothing here raises.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from typing import TYPE_CHECKING, Any

from license_check.collect.deps._shared import kind as kind
from license_check.collect.deps.model import Declared, Ecosystem, Group, ReadProblem, normalize_name
from license_check.tomlio import safe as tomlsafe

if TYPE_CHECKING:
    from packaging.requirements import Requirement

MAX_ENTRIES = 10_000  # dependencies read from one file; real lock files hold a few thousand at most
MAX_SPEC = 10_000  # characters of one requirement; real ones (a URL with a hash) stay under 1,000

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")  # PEP 508 names (a length cap added)
_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)\s*$")


def load_toml(text: str, path: str) -> tuple[dict[str, Any] | None, ReadProblem | None]:
    """The parsed document, or a problem naming the line tomllib stopped at."""
    try:
        return tomlsafe.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_AT.search(message)
        line = int(match.group(1)) if match else (text.count("\n") + 1 if "end of document" in message else None)
        return None, ReadProblem(path, line, f"invalid TOML, not read: {message[:300]}")
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:  # the safe loader's guard, belt and braces
        return None, ReadProblem(path, None, f"invalid TOML, not read: {type(exc).__name__}")


class LineIndex:
    """Line numbers of character offsets (1-based), by bisection over the newlines."""

    def __init__(self, text: str) -> None:
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1


def valid_name(name: object) -> bool:
    """A project name as PEP 508 allows it (letters, digits, '.', '_', '-'; at most 200 characters)."""
    return isinstance(name, str) and _NAME.fullmatch(name.strip()) is not None


def exact_version(req: Requirement) -> str | None:
    """The version of an exact pin (one ``==`` / ``===`` specifier without a wildcard), else None."""
    specs = list(req.specifier)
    if len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
        return None
    return specs[0].version


def pep508(spec: object, path: str, line: int | None, key: str, group: Group = Group.DEFAULT,
           extra: str | None = None) -> Declared | ReadProblem:
    """One PEP 508 requirement string as a Declared, or the problem with it (naming ``key``)."""
    if not isinstance(spec, str):
        return ReadProblem(path, line, f"{key} must be a PEP 508 requirement string, not {kind(spec)}")
    text = spec.strip()
    if not text:
        return ReadProblem(path, line, f"{key} is an empty string, not a requirement")
    if len(text) > MAX_SPEC:
        return ReadProblem(path, line, f"{key} is longer than {MAX_SPEC} characters and was not read")
    from packaging.requirements import InvalidRequirement, Requirement  # on first use: 16 ms of regexes to import

    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid"
        return ReadProblem(path, line, f"{key} is not a valid PEP 508 requirement ({first[:200]}): {text[:120]!r}")
    except (RecursionError, ValueError, TypeError, SyntaxError) as exc:  # packaging's marker strings: ast
        return ReadProblem(path, line, f"{key} could not be parsed as a requirement ({type(exc).__name__})")
    return Declared(
        name=normalize_name(req.name), ecosystem=Ecosystem.PYPI, spec=text, path=path, line=line, key=key,
        group=group, extra=extra, version=exact_version(req), marker=str(req.marker) if req.marker else None)


def too_many(path: str, line: int | None, key: str) -> ReadProblem:
    return ReadProblem(path, line, f"{key} has more than {MAX_ENTRIES} entries; the rest were not read")
