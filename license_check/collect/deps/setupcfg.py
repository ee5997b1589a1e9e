"""The dependencies a setup.cfg declares: ``[options] install_requires`` and ``[options.extras_require]``.

The keys are setuptools' declarative configuration,
https://setuptools.pypa.io/en/latest/userguide/declarative_config.html : a list value is one item per line,
or ``;``-separated when it is written on one line (setuptools' ``_parse_list``); lines starting with ``#``
and inline `` #`` comments are dropped; each item is a PEP 508 requirement. ``install_requires`` is
DEFAULT, each key of ``[options.extras_require]`` an OPTIONAL extra. The file is read with configparser
(no interpolation, duplicates tolerated, as setuptools reads it); configparser gives no line numbers, so
the text is scanned for each option's lines.

Left out: ``file:`` directives (the requirements then stand in another file, which the caller reads as a
requirements file), ``setup_requires`` / ``tests_require`` (build and legacy test tools) and setup.py,
which is code (nothing is ever run).
"""

from __future__ import annotations

import configparser
import re

from license_check.collect.deps._pep508 import MAX_ENTRIES, pep508, too_many
from license_check.collect.deps.model import Declared, Group, ReadProblem

_HEADER = re.compile(r"\[(?P<header>.+)\]")  # configparser.RawConfigParser._SECT_TMPL
_OPTION = re.compile(r"(?P<option>.*?)\s*[=:]\s*(?P<value>.*)$")  # its _OPT_TMPL
_COMMENT = ("#", ";")

Lines = dict[tuple[str, str], list[tuple[int, str]]]


def _scan(text: str) -> Lines:
    """(section, option) -> the lines of its last definition: (line number, text stripped)."""
    out: Lines = {}
    section: str | None = None
    current: tuple[str, str] | None = None
    indent_of_option = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(_COMMENT):
            continue
        indent = len(raw) - len(raw.lstrip())
        if current is not None and indent > indent_of_option:
            out[current].append((number, stripped))
            continue
        header = _HEADER.match(stripped)
        if header is not None:
            section, current = header.group("header"), None
            continue
        option = _OPTION.match(stripped)
        if option is not None and section is not None:
            current = (section, option.group("option").strip().lower())
            indent_of_option = indent
            out[current] = [(number, option.group("value"))]
    return out


def _items(value: str) -> list[str]:
    """setuptools' list parsing: lines, or ``;``-separated items on one line; comments dropped."""
    chunks = value.splitlines() if "\n" in value else value.split(";")
    items = [chunk.partition(" #")[0].strip() for chunk in chunks]
    return [item for item in items if item and not item.startswith("#")]


def read_setup_cfg(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The dependencies of one setup.cfg (``path`` relative to the scanned root)."""
    problems: list[ReadProblem] = []
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=path)
    except configparser.MissingSectionHeaderError as exc:
        return [], [ReadProblem(path, exc.lineno, f"not an INI file: line {exc.lineno} stands before any "
                                                  f"[section] header; not read")]
    except configparser.ParsingError as exc:  # the sections read so far are kept
        first = exc.errors[0][0] if exc.errors else None
        problems.append(ReadProblem(path, first, f"invalid INI syntax at line {first}: the lines configparser "
                                                 f"could not read were skipped"))
    except (configparser.Error, ValueError, UnicodeError, RecursionError, MemoryError) as exc:
        return [], [ReadProblem(path, None, f"setup.cfg could not be read ({type(exc).__name__})")]
    lines = _scan(text)
    declared: list[Declared] = []
    wanted: list[tuple[str, str, Group, str | None]] = []
    if parser.has_option("options", "install_requires"):
        wanted.append(("options", "install_requires", Group.DEFAULT, None))
    if parser.has_section("options.extras_require"):
        wanted.extend(("options.extras_require", extra, Group.OPTIONAL, extra)
                      for extra in parser.options("options.extras_require"))
    for section, option, group, extra in wanted:
        value = parser.get(section, option, fallback="") or ""
        if value.strip().startswith(("file:", "attr:")):
            continue  # a directive, not requirements
        where = lines.get((section, option), [])
        cursor = 0
        for index, item in enumerate(_items(value)):
            key = f"{section}.{option}[{index}]"
            line, cursor = _line_of(item, where, cursor, step=1 if "\n" in value else 0)
            if len(declared) >= MAX_ENTRIES:
                problems.append(too_many(path, line, f"{section}.{option}"))
                return declared, problems
            result = pep508(item, path, line, key, group, extra)
            if isinstance(result, Declared):
                declared.append(result)
            else:
                problems.append(result)
    return declared, problems


def _line_of(item: str, where: list[tuple[int, str]], cursor: int, step: int) -> tuple[int | None, int]:
    """The line of ``item`` among its option's lines, searching on from ``cursor``; (line, new cursor).
    ``step`` is 1 when items stand one per line, 0 when they share the option's line."""
    for index in range(cursor, min(len(where), cursor + 1000)):  # bounded: a miss must not cost the whole file
        if item in where[index][1]:
            return where[index][0], index + step
    return (where[0][0] if where else None), cursor
