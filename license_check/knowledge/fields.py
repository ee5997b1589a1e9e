"""Typed fields of the generated rules entries (rules/generated/*.json, scripts/gen_*.py).

A generated file edited by hand may hold any JSON value anywhere; a field of the wrong type is a problem
worded ``<file>: licenses[N].<field>: <what>`` (errors.Problem reads it back), never a TypeError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from license_check.knowledge.expression import is_valid_key

# a field's kind: (does a value fit, how the problem words what is required)
Kind = tuple[Callable[[Any], bool], str]

STR: Kind = (lambda v: isinstance(v, str), "must be a string")
BOOL: Kind = (lambda v: isinstance(v, bool), "must be true or false")
STRS: Kind = (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "must be a list of strings")
ID: Kind = (lambda v: isinstance(v, str) and v.strip() == v != "" and is_valid_key(v),
            "must be a license id (letters, digits, '.', '-')")
STR_OR_NULL: Kind = (lambda v: v is None or isinstance(v, str), "must be a string or null")


def _replacements(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(r, dict) and isinstance(r.get("id"), str) and isinstance(r.get("expression", ""), str | None)
        for r in value)


REPLACEMENTS: Kind = (_replacements, "must be a list of objects with a string 'id' (and 'expression')")


def entry_problems(file: str, entries: list[Any], spec: Mapping[str, Kind], section: str = "licenses") -> list[str]:
    """Every problem of the objects ``entries`` (``<file>: <section>[N].<field>: <what>``): each must be
    an object whose ``spec`` fields are present and of their kind."""
    problems: list[str] = []
    for n, entry in enumerate(entries):
        where = f"{section}[{n}]"
        if not isinstance(entry, dict):
            problems.append(f"{file}: {where}: must be an object")
            continue
        for name, (fits, wording) in spec.items():
            if name not in entry:
                problems.append(f"{file}: {where}.{name}: missing")
            elif not fits(entry[name]):
                problems.append(f"{file}: {where}.{name}: {wording}")
    return problems
