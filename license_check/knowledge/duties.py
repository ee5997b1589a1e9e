"""Duties by use mode, and the release checklist (rules/duties.toml; format in rules/README.md).

A license's facts do not depend on the use mode; its duties do. For every duty code the rules say in
which modes it applies (``bites_in``), whether it is a condition beyond keeping notices (``material``)
and in which modes it alone forbids the use (``prohibits_in``). ``DutyBook.use_in_mode`` refines a
license's commercial use for one mode; ``checklist`` turns the duties of many components into one
deduplicated release checklist. Pure after loading; ``load_duties()`` validates the file, raises one
RulesError listing every problem, and is cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.errors import RulesError
from license_check.knowledge.data import DataError, read_toml, rules_dir
from license_check.model import ChecklistItem, Duty, Use, UseMode

__all__ = ["DUTIES_FILE", "ChecklistItem", "DutyBook", "DutyRule", "checklist", "load_duties"]

DUTIES_FILE = "duties.toml"
ALL_MODES = frozenset(UseMode)
_KEYS = frozenset({"bites_in", "material", "prohibits_in", "checklist", "source", "notes"})
_REQUIRED = ("bites_in", "material", "checklist", "source")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TYPOGRAPHIC = re.compile(r"“([^”]+)”")  # the exact words a duty text prescribes (a name, a notice)


@dataclass(frozen=True, slots=True)
class DutyRule:
    code: str
    bites_in: frozenset[UseMode]
    material: bool
    prohibits_in: frozenset[UseMode]
    checklist: str
    source: str


def _unknown_rule(code: str) -> DutyRule:
    return DutyRule(code, ALL_MODES, True, frozenset(), f"Review and meet the duty {code!r} as the license states it",
                    f"{code!r} is not in rules/{DUTIES_FILE}: fail safe (every mode, material)")


class DutyBook:
    """The rules of rules/duties.toml, by code, with their materiality order."""

    def __init__(self, rules: dict[str, DutyRule], order: Sequence[str]) -> None:
        self._rules = dict(rules)
        self._rank = {code: i for i, code in enumerate(order)}

    @property
    def codes(self) -> tuple[str, ...]:
        """Every known code, most material first."""
        return tuple(sorted(self._rules, key=self.rank))

    def known(self, code: str) -> bool:
        return code in self._rules

    def rule(self, code: str) -> DutyRule:
        """The rule for ``code``; an unknown code fails safe (bites in every mode, material)."""
        return self._rules.get(code) or _unknown_rule(code)

    def rank(self, code: str) -> tuple[int, int, str]:
        """Sort key, most material first: material before not, then the file's table order, then the code."""
        return (0 if self.rule(code).material else 1, self._rank.get(code, len(self._rank)), code)

    def by_materiality(self, duties: Iterable[Duty]) -> list[Duty]:
        """``duties`` sorted so that the ones that matter most to a commercial adopter come first."""
        return sorted(duties, key=lambda d: (self.rank(d.code), d.text, d.source))

    def bites(self, duty: Duty, mode: UseMode) -> bool:
        return mode in self.rule(duty.code).bites_in

    def use_in_mode(self, use: Use, duties: Sequence[Duty], mode: UseMode) -> tuple[Use, tuple[Duty, ...]]:
        """A license's commercial use refined for ``mode``, and the duties that bite in it.

        PROHIBITED and UNKNOWN stay. A duty that alone forbids ``mode`` makes it PROHIBITED (the duties
        returned are then the ones that decided). CONDITIONAL without a material duty biting in ``mode``
        becomes ALLOWED. ALLOWED stays ALLOWED.
        """
        biting = tuple(d for d in duties if self.bites(d, mode))
        if use in (Use.PROHIBITED, Use.UNKNOWN):
            return use, biting
        deciding = tuple(d for d in biting if mode in self.rule(d.code).prohibits_in)
        if deciding:
            return Use.PROHIBITED, deciding
        if use is Use.CONDITIONAL and not any(self.rule(d.code).material for d in biting):
            return Use.ALLOWED, biting
        return use, biting


def _item_text(rule: DutyRule, known: bool, duties: Sequence[Duty]) -> str:
    """The checklist line, plus the exact words the duty texts prescribe (names to show, notice texts)."""
    if not known:  # the generic line says nothing: the duty texts say it all
        texts = list(dict.fromkeys(d.text.rstrip(". ") for d in duties))
        return f"{rule.checklist}: {'; '.join(texts)}" if texts else rule.checklist
    line = rule.checklist.casefold()
    words = [w for d in duties for w in _TYPOGRAPHIC.findall(d.text) if w.casefold() not in line]
    unique = list(dict.fromkeys(f"“{w}”" for w in words))
    return f"{rule.checklist}: {', '.join(unique)}" if unique else rule.checklist


def checklist(per_component: Sequence[tuple[str, Sequence[Duty]]], mode: UseMode,
              book: DutyBook) -> tuple[ChecklistItem, ...]:
    """One deduplicated release checklist for ``mode``: an item per duty code that bites, listing the
    components that owe it and the license clauses; most material first, then by code."""
    groups: dict[str, list[tuple[str, Duty]]] = {}
    for component, duties in sorted(per_component, key=lambda pair: pair[0]):
        for duty in sorted(duties, key=lambda d: (d.code, d.text, d.source)):
            if book.bites(duty, mode):
                groups.setdefault(duty.code, []).append((component, duty))
    items = []
    for code in sorted(groups, key=book.rank):
        pairs = groups[code]
        items.append(ChecklistItem(
            code=code,
            text=_item_text(book.rule(code), book.known(code), [d for _, d in pairs]),
            components=tuple(sorted({c for c, _ in pairs})),
            sources=tuple(sorted({d.source for _, d in pairs})),
        ))
    return tuple(items)


class _Check:
    """Collects every problem of one duties.toml."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[str] = []

    def problem(self, path: str, what: str) -> None:
        self.problems.append(f"{self.file.name}: {path}: {what}")

    def modes(self, path: str, value: Any) -> frozenset[UseMode]:
        if not isinstance(value, list):
            self.problem(path, "must be a list of use modes")
            return frozenset()
        out: set[UseMode] = set()
        for i, raw in enumerate(value):
            try:
                mode = UseMode(raw) if isinstance(raw, str) else None
            except ValueError:
                mode = None
            if mode is None:
                self.problem(f"{path}[{i}]", f"{raw!r} is not one of {' | '.join(m.value for m in UseMode)}")
            elif mode in out:
                self.problem(f"{path}[{i}]", f"{raw!r} is listed twice")
            else:
                out.add(mode)
        return frozenset(out)

    def text(self, path: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be a non-empty string")
            return ""
        return value.strip()

    def rule(self, code: str, body: Any) -> DutyRule | None:
        path = f"duties.{code}"
        if not _KEBAB.match(code):
            self.problem(path, f"{code!r} is not a kebab-case duty code")
        if not isinstance(body, dict):
            self.problem(path, "must be a table")
            return None
        for extra in sorted(set(body) - _KEYS):
            self.problem(f"{path}.{extra}", "unknown key")
        for missing in (k for k in _REQUIRED if k not in body):
            self.problem(f"{path}.{missing}", "missing")
        bites = self.modes(f"{path}.bites_in", body.get("bites_in", []))
        prohibits = self.modes(f"{path}.prohibits_in", body.get("prohibits_in", []))
        material = body.get("material", False)
        if not isinstance(material, bool):
            self.problem(f"{path}.material", "must be true or false")
        if "bites_in" in body and not bites:
            self.problem(f"{path}.bites_in", "must name at least one use mode")
        if UseMode.DISTRIBUTE in bites and UseMode.RELEASE_WEIGHTS not in bites:
            self.problem(f"{path}.bites_in", "release-weights means everything distribute means: add it")
        if prohibits - bites:
            self.problem(f"{path}.prohibits_in", "a duty can only forbid a mode it bites in")
        if prohibits and material is not True:
            self.problem(f"{path}.material", "a duty that forbids a mode is material")
        checklist_line = self.text(f"{path}.checklist", body.get("checklist")) if "checklist" in body else ""
        source = self.text(f"{path}.source", body.get("source")) if "source" in body else ""
        return DutyRule(code, bites, material is True, prohibits, checklist_line, source)

    def order(self, rules: dict[str, DutyRule]) -> list[str]:
        """The materiality order: the order of the [duties.<code>] tables in the file."""
        materials = [rule.material for rule in rules.values()]
        if any(not a and b for a, b in zip(materials, materials[1:], strict=False)):
            self.problem("duties", "material codes must all come before the others (tables are in materiality order)")
        return list(rules)


@lru_cache(maxsize=8)
def _load(file: Path) -> DutyBook:
    check = _Check(file)
    try:
        data = read_toml(file)
    except DataError as exc:
        raise RulesError(exc.problems) from exc
    for extra in sorted(set(data) - {"duties"}):
        check.problem(extra, "unknown section (expected [duties.<code>] tables, most material first)")
    tables = data.get("duties", {})
    if not isinstance(tables, dict) or not tables:
        check.problem("duties", "needs [duties.<code>] tables")
        tables = {}
    rules = {code: found for code, body in tables.items() if (found := check.rule(str(code), body)) is not None}
    order = check.order(rules)
    if check.problems:
        raise RulesError(check.problems, directory=file.parent)
    return DutyBook(rules, order)


def load_duties(directory: Path | None = None) -> DutyBook:
    """Load (cached) and validate ``<directory>/duties.toml`` (default: the shipped rules)."""
    return _load(((directory or rules_dir()) / DUTIES_FILE).resolve())
