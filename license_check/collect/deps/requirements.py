"""The dependencies a pip requirements file declares (requirements.txt, requirements-dev.txt, ...).

The format is pip's, https://pip.pypa.io/en/stable/reference/requirements-file-format/ , read the way
pip's ``req_file.py`` preprocesses it: a line ending in a backslash continues on the next one (the
requirement's line is the first), ``#`` at the start or after whitespace opens a comment, blank lines
are skipped, ``${VAR}`` is left as written. On each line, the requirement runs to the first word that
starts with ``-``; the per-requirement options after it (``--hash=...``, ``--config-settings``,
``--global-option``) are dropped.

* ``-r`` / ``--requirement FILE`` and ``-c`` / ``--constraint FILE`` are includes, returned for the
  caller to resolve inside the repository (the target as written, relative to this file's folder). A
  constraint file declares nothing, it pins: the caller reads it with this same function and applies its
  entries' versions to what other files declare.
* Global options (index URLs, find-links, ``--pre``, binary choices, ``--require-hashes``, ...) are
  ignored; an option pip does not know is a problem.
* A local path (``.``, ``./pkg``, ``../x.whl``, ``file:...``), with or without ``-e``, declares nothing.
  A URL names its project by ``#egg=name`` or by a wheel file name (which also gives the version); a URL
  with neither is a problem. ``name @ URL`` is an ordinary PEP 508 requirement.
Left out: pip's ``--no-deps``-style behaviour and the environment a marker selects (markers are kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from license_check.collect.deps._pep508 import MAX_ENTRIES, MAX_SPEC, pep508, too_many
from license_check.collect.deps.model import Declared, Ecosystem, ReadProblem, normalize_name

# Global options (pip's req_file.SUPPORTED_OPTIONS), each with whether it takes a value.
_GLOBAL: dict[str, bool] = {
    "-i": True, "--index-url": True, "--extra-index-url": True, "--no-index": False, "-f": True,
    "--find-links": True, "--pre": False, "--trusted-host": True, "--no-binary": True, "--only-binary": True,
    "--prefer-binary": False, "--require-hashes": False, "--use-feature": True,
}
_INCLUDE = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}  # -> is a constraint
_EDITABLE = ("-e", "--editable")
_PER_REQUIREMENT = ("--hash", "--config-settings", "--global-option", "--install-option")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_WINDOWS = re.compile(r"[A-Za-z]:[\\/]")
_EGG = re.compile(r"(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
MAX_LINES = 200_000  # logical lines read from one file
MAX_PROBLEMS = 100  # then the file is not a requirements file (binary, another format)


class Include(NamedTuple):
    """``-r FILE`` / ``-c FILE``: the target as written, its line, whether it is a constraint file."""

    target: str
    line: int
    is_constraint: bool


@dataclass(frozen=True, slots=True)
class RequirementsFile:
    """What one requirements file gives: its requirements, its -r / -c includes (unresolved), its problems."""

    declared: tuple[Declared, ...] = ()
    includes: tuple[Include, ...] = ()
    problems: tuple[ReadProblem, ...] = field(default=())


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, joined line) after continuations, comments and blanks (pip's preprocessing)."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(out) >= MAX_LINES:
            break
        comment = _is_comment(raw)
        if raw.endswith("\\") and not comment:
            if not pending:
                start = number
            pending.append(raw.rstrip("\\"))
            continue
        if pending:
            pending.append(" " + raw if comment else raw)
            line, joined, pending = start, "".join(pending), []
        else:
            line, joined = number, raw
        stripped = _strip_comment(joined).strip()
        if stripped:
            out.append((line, stripped))
    if pending:
        stripped = _strip_comment("".join(pending)).strip()
        if stripped:
            out.append((start, stripped))
    return out


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _strip_comment(line: str) -> str:
    """The line before a ``#`` that starts it or follows whitespace (linear, unlike a backtracking regex)."""
    at = line.find("#")
    while at > 0 and not line[at - 1].isspace():
        at = line.find("#", at + 1)
    return line if at < 0 else line[:at]


def _split_options(line: str) -> tuple[str, list[str]]:
    """The requirement (words before the first that starts with '-') and the option words (pip's
    ``break_args_options``)."""
    words = line.split()
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index]), words[index:]
    return " ".join(words), []


def _option(words: list[str], names: tuple[str, ...] | dict[str, bool]) -> tuple[str, str | None] | None:
    """(option name, value) when ``words`` start with one of ``names`` (``-r x``, ``-rx``, ``--req=x``)."""
    first = words[0]
    for name in names:
        if first == name:
            return name, words[1] if len(words) > 1 else None
        if name.startswith("--") and first.startswith(name + "="):
            return name, first[len(name) + 1:]
        if not name.startswith("--") and first.startswith(name) and len(first) > len(name):
            return name, first[len(name):].lstrip("=")
    return None


def read_requirements(text: str, path: str) -> RequirementsFile:
    """The requirements, includes and problems of one requirements file (``path`` relative to the root)."""
    declared: list[Declared] = []
    includes: list[Include] = []
    problems: list[ReadProblem] = []
    for line, content in _logical_lines(text):
        if len(declared) >= MAX_ENTRIES:
            problems.append(too_many(path, line, "the file"))
            break
        if len(problems) >= MAX_PROBLEMS:
            problems.append(ReadProblem(path, line, f"more than {MAX_PROBLEMS} lines could not be read; the rest "
                                                    f"of the file was not read (is it a requirements file?)"))
            break
        if len(content) > MAX_SPEC:
            problems.append(ReadProblem(path, line, f"line {line} is longer than {MAX_SPEC} characters and "
                                                    f"was not read"))
            continue
        requirement, words = _split_options(content)
        if requirement:
            _requirement(requirement, path, line, declared, problems)
            continue
        include = _option(words, _INCLUDE)
        if include is not None:
            name, target = include
            if target:
                includes.append(Include(target, line, _INCLUDE[name]))
            else:
                problems.append(ReadProblem(path, line, f"line {line}: {name} needs a file name"))
            continue
        editable = _option(words, _EDITABLE)
        if editable is not None:
            if editable[1]:
                _requirement(editable[1], path, line, declared, problems, editable=True)
            else:
                problems.append(ReadProblem(path, line, f"line {line}: {editable[0]} needs a path or URL"))
            continue
        if _option(words, _GLOBAL) is None and _option(words, _PER_REQUIREMENT) is None:
            problems.append(ReadProblem(path, line, f"line {line}: {words[0][:60]!r} is not an option of pip "
                                                    f"requirements files; the line was not read"))
    return RequirementsFile(tuple(declared), tuple(includes), tuple(problems))


def _is_local(spec: str) -> bool:
    if spec.startswith(("file:", ".", "/", "~", "\\")) or _WINDOWS.match(spec):
        return True
    return " @ " not in spec and "@" not in spec.split("/")[0] and spec.lower().endswith(_ARCHIVE) \
        and not _SCHEME.match(spec)


def _requirement(spec: str, path: str, line: int, declared: list[Declared], problems: list[ReadProblem],
                 editable: bool = False) -> None:
    key = f"line {line}"
    if _is_local(spec):
        return  # the repository itself or a folder of it: a component of its own, not a dependency
    if _SCHEME.match(spec):
        found = _from_url(spec, path, line, key)
        if isinstance(found, Declared):
            declared.append(found)
        else:
            problems.append(found)
        return
    result = pep508(spec, path, line, key)
    if isinstance(result, Declared):
        declared.append(result)
    elif editable or ("/" in spec and "@" not in spec):
        return  # "-e pkg/sub", "some/folder": a path pip resolves on disk
    else:
        problems.append(result)


def _from_url(spec: str, path: str, line: int, key: str) -> Declared | ReadProblem:
    """A bare URL requirement: the name from ``#egg=`` or a wheel's file name, else a problem."""
    try:
        parts = urlsplit(spec)
    except ValueError:
        return ReadProblem(path, line, f"{key}: {spec[:120]!r} is not a valid URL")
    egg = _EGG.search(parts.fragment)
    if egg is not None:
        name = egg.group(1).split("[")[0]
        return Declared(normalize_name(name), Ecosystem.PYPI, spec, path, line, key)
    filename = unquote(parts.path.rsplit("/", 1)[-1])
    if filename.endswith(".whl"):
        from packaging.utils import InvalidWheelFilename, parse_wheel_filename  # on first use (its regexes)

        try:
            name, version, _build, _tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, ValueError):
            pass
        else:
            return Declared(normalize_name(name), Ecosystem.PYPI, spec, path, line, key, version=str(version))
    return ReadProblem(path, line, f"{key}: the URL requirement {spec[:120]!r} names no project "
                                   f"(write 'name @ URL' or add '#egg=name')")
