"""The dependencies a pyproject.toml declares: PEP 621 project tables, PEP 735 groups, Poetry tables.

* ``[project] dependencies`` (DEFAULT) and ``[project.optional-dependencies]`` (OPTIONAL, one extra per
  key): PEP 621, https://packaging.python.org/en/latest/specifications/pyproject-toml/
* ``[dependency-groups]`` (DEV, the group as ``extra``): PEP 735,
  https://packaging.python.org/en/latest/specifications/dependency-groups/ . A group's
  ``{include-group = "x"}`` entries are followed: the included group's requirements are reported again
  under the including group (with the included entry's own line and key); a missing group or a cycle is a
  problem. Group names are compared normalized, as the specification asks.
* Poetry, https://python-poetry.org/docs/pyproject/ and /docs/dependency-specification/ :
  ``[tool.poetry.dependencies]`` (DEFAULT; ``python`` skipped; ``optional = true`` -> OPTIONAL, the extra
  from ``[tool.poetry.extras]``), ``[tool.poetry.group.<g>.dependencies]`` (DEV, except the implicit
  ``main`` group) and the legacy ``[tool.poetry.dev-dependencies]`` (DEV, extra ``dev``). A Poetry
  constraint is kept as written in ``spec``; a bare version ("1.2.3") or ``==1.2.3`` is an exact pin.

Left out: ``[build-system] requires`` (build tools, not installed with the package), dynamic
dependencies (``dynamic = ["dependencies"]``, computed by the build backend), other tools' tables (PDM,
Hatch environments, uv's ``tool.uv.dev-dependencies``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from license_check.collect.deps._pep508 import MAX_ENTRIES, MAX_SPEC, kind, load_toml, pep508, too_many, valid_name
from license_check.collect.deps.model import Declared, Ecosystem, Group, ReadProblem, normalize_name
from license_check.tomlio.lines import KeyLines, Path

MAX_INCLUDE_DEPTH = 100  # PEP 735 include chains followed (each level is two stack frames)
_POETRY_PIN = re.compile(r"(?:==)?\s*v?\d[A-Za-z0-9.+!_-]*")


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = KeyLines(text)
        self.declared: list[Declared] = []
        self.problems: list[ReadProblem] = []
        self.capped = False
        self.cycles: set[frozenset[str]] = set()

    def line(self, keys: Path) -> int:
        return self.lines.line(keys)

    def problem(self, keys: Path, message: str) -> None:
        self.problems.append(ReadProblem(self.path, self.line(keys), message))

    def full(self, keys: Path) -> bool:
        """True (and a problem, once) when the file has given MAX_ENTRIES dependencies already."""
        if len(self.declared) < MAX_ENTRIES:
            return False
        if not self.capped:
            self.capped = True
            self.problems.append(too_many(self.path, self.line(keys), dotted(keys[:-1])))
        return True

    def table(self, value: object, keys: Path) -> dict[str, Any] | None:
        """``value`` when it is a table; a problem when it is something else (absent: None, quietly)."""
        if value is None or isinstance(value, dict):
            return value
        self.problem(keys, f"{dotted(keys)} must be a table, not {kind(value)}")
        return None

    def requirements(self, value: object, keys: Path, group: Group, extra: str | None) -> None:
        """An array of PEP 508 strings."""
        if not isinstance(value, list):
            self.problem(keys, f"{dotted(keys)} must be an array of PEP 508 strings, not {kind(value)}")
            return
        for index, item in enumerate(value):
            where = (*keys, index)
            if self.full(where):
                return
            self.add(pep508(item, self.path, self.line(where), dotted(where), group, extra))

    def add(self, result: Declared | ReadProblem) -> None:
        if isinstance(result, Declared):
            self.declared.append(result)
        else:
            self.problems.append(result)


def dotted(keys: Path) -> str:
    """``("project", "optional-dependencies", "test", 0)`` -> ``project.optional-dependencies.test[0]``."""
    out = ""
    for part in keys:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{shown}" if out else shown
    return out


def read_pyproject(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The dependencies of one pyproject.toml (``path`` relative to the scanned root)."""
    data, failure = load_toml(text, path)
    if data is None:
        return [], [failure] if failure else []
    r = _Reader(text, path)
    project = r.table(data.get("project"), ("project",))
    if project is not None:
        if "dependencies" in project:
            r.requirements(project["dependencies"], ("project", "dependencies"), Group.DEFAULT, None)
        extras = r.table(project.get("optional-dependencies"), ("project", "optional-dependencies"))
        for extra, value in (extras or {}).items():
            r.requirements(value, ("project", "optional-dependencies", extra), Group.OPTIONAL, extra)
    groups = r.table(data.get("dependency-groups"), ("dependency-groups",))
    if groups:
        _dependency_groups(r, groups)
    tool = data.get("tool")
    poetry = r.table(tool.get("poetry"), ("tool", "poetry")) if isinstance(tool, dict) else None
    if poetry is not None:
        _poetry(r, poetry)
    return r.declared, r.problems


# --- PEP 735 ------------------------------------------------------------------------------------------


def _dependency_groups(r: _Reader, groups: dict[str, Any]) -> None:
    resolver = _Groups(r, groups)
    for name in groups:
        for declared in resolver.resolve(name, (normalize_name(name),)):
            if r.full(("dependency-groups", name, 0)):
                return
            r.declared.append(declared if declared.extra == name else replace(declared, extra=name))


class _Groups:
    """PEP 735 groups with their includes followed. Each group is resolved once (memoized), so an entry's
    problem is reported once and a lattice of includes costs no more than the requirements it yields."""

    def __init__(self, r: _Reader, groups: dict[str, Any]) -> None:
        self.r, self.groups = r, groups
        self.by_name: dict[str, str] = {}
        for name in groups:
            self.by_name.setdefault(normalize_name(name), name)
        self.resolved: dict[str, list[Declared]] = {}

    def resolve(self, name: str, chain: tuple[str, ...]) -> list[Declared]:
        """The requirements of group ``name`` (each with its own group as ``extra``); ``chain``: the
        normalized names of the groups being resolved, ``name``'s last."""
        known = self.resolved.get(name)
        if known is not None:
            return known
        r, value = self.r, self.groups.get(name)
        out: list[Declared] = []
        if not isinstance(value, list):
            r.problem(("dependency-groups", name), f"dependency-groups.{name} must be an array of PEP 508 strings "
                                                  f"and include-group tables, not {kind(value)}")
            value = []
        for index, item in enumerate(value):
            keys: Path = ("dependency-groups", name, index)
            if len(out) >= MAX_ENTRIES:
                r.problems.append(too_many(r.path, r.line(keys), dotted(keys[:2])))
                break
            if isinstance(item, dict) and set(item) == {"include-group"}:
                seen = {d.key for d in out}  # an entry reached twice (two includes of one group) counts once
                out.extend([d for d in self._include(item["include-group"], keys, chain) if d.key not in seen]
                           [:MAX_ENTRIES - len(out)])
            elif isinstance(item, str):
                result = pep508(item, r.path, r.line(keys), dotted(keys), Group.DEV, name)
                if isinstance(result, Declared):
                    out.append(result)
                else:
                    r.problems.append(result)
            else:
                r.problem(keys, f"{dotted(keys)} must be a PEP 508 string or an {{include-group = \"...\"}} "
                                f"table, not {kind(item)}")
        self.resolved[name] = out
        return out

    def _include(self, target: object, keys: Path, chain: tuple[str, ...]) -> list[Declared]:
        r = self.r
        if not isinstance(target, str):
            r.problem(keys, f"{dotted(keys)}.include-group must be a string, not {kind(target)}")
            return []
        wanted = normalize_name(target)
        if wanted in chain:
            members = frozenset(chain[chain.index(wanted):])
            if members not in r.cycles:  # one problem per cycle, wherever the reading meets it
                r.cycles.add(members)
                loop = " -> ".join((*chain[chain.index(wanted):], wanted))
                r.problem(keys, f"{dotted(keys)} includes group {target!r}, which makes a cycle ({loop}); "
                                f"the include was not followed")
            return []
        if wanted not in self.by_name:
            r.problem(keys, f"{dotted(keys)} includes group {target!r}, which dependency-groups does not define")
            return []
        if len(chain) > MAX_INCLUDE_DEPTH:  # a chain of includes this long is not a real file
            r.problem(keys, f"{dotted(keys)}: includes nested more than {MAX_INCLUDE_DEPTH} groups deep "
                            f"were not followed")
            return []
        return self.resolve(self.by_name[wanted], (*chain, wanted))


# --- Poetry -------------------------------------------------------------------------------------------


def _poetry(r: _Reader, poetry: dict[str, Any]) -> None:
    extras_of = _poetry_extras(r, poetry.get("extras"))
    if "dependencies" in poetry:
        _poetry_table(r, poetry["dependencies"], ("tool", "poetry", "dependencies"), Group.DEFAULT, None, extras_of)
    if "dev-dependencies" in poetry:
        _poetry_table(r, poetry["dev-dependencies"], ("tool", "poetry", "dev-dependencies"), Group.DEV, "dev",
                      extras_of)
    groups = r.table(poetry.get("group"), ("tool", "poetry", "group"))
    for name, group in (groups or {}).items():
        keys: Path = ("tool", "poetry", "group", name)
        body = r.table(group, keys)
        if body is None or "dependencies" not in body:
            continue
        main = name == "main"  # Poetry's implicit group of tool.poetry.dependencies
        _poetry_table(r, body["dependencies"], (*keys, "dependencies"), Group.DEFAULT if main else Group.DEV,
                      None if main else name, extras_of)


def _poetry_extras(r: _Reader, value: object) -> dict[str, str]:
    """Normalized package name -> the first extra of ``[tool.poetry.extras]`` that lists it."""
    out: dict[str, str] = {}
    extras = r.table(value, ("tool", "poetry", "extras"))
    for extra, names in (extras or {}).items():
        if not isinstance(names, list):
            r.problem(("tool", "poetry", "extras", extra),
                      f"tool.poetry.extras.{extra} must be an array of package names, not {kind(names)}")
            continue
        for item in names[:MAX_ENTRIES]:
            if isinstance(item, str):
                out.setdefault(normalize_name(item.split("[")[0].strip()), extra)
    return out


def _poetry_table(r: _Reader, value: object, keys: Path, group: Group, extra: str | None,
                  extras_of: dict[str, str]) -> None:
    table = r.table(value, keys)
    for name, spec in (table or {}).items():
        where = (*keys, name)
        if name.strip().lower() == "python":
            continue
        if r.full(where):
            return
        _poetry_one(r, name, spec, where, group, extra, extras_of)


def _poetry_one(r: _Reader, name: str, spec: object, where: Path, group: Group, extra: str | None,
                extras_of: dict[str, str]) -> None:
    key = dotted(where)
    if not valid_name(name):
        r.problem(where, f"{key}: {name[:60]!r} is not a package name")
        return
    constraints = spec if isinstance(spec, list) else [spec]  # a list: one constraint per environment
    if not constraints:
        r.problem(where, f"{key} is an empty array, not a constraint")
        return
    written: list[str] = []
    markers: list[str] = []
    optional = False
    for item in constraints:
        if isinstance(item, str):
            written.append(item.strip())
        elif isinstance(item, dict):
            shown = _poetry_source(item)
            if shown is None:
                r.problem(where, f"{key} must give a version, git, url or path (a table with none of them)")
                return
            written.append(shown)
            marker = item.get("markers")
            if isinstance(marker, str) and marker.strip():
                markers.append(marker.strip())
            optional = optional or item.get("optional") is True
        else:
            r.problem(where, f"{key} must be a version constraint string or a table, not {kind(item)}")
            return
    text = " || ".join(written) if len(written) > 1 else written[0]
    if len(text) > MAX_SPEC:
        r.problem(where, f"{key} is longer than {MAX_SPEC} characters and was not read")
        return
    pinned = written[0] if len(written) == 1 and _POETRY_PIN.fullmatch(written[0]) else None
    normalized = normalize_name(name.strip())
    if optional and group is Group.DEFAULT:
        group, extra = Group.OPTIONAL, extras_of.get(normalized)
    r.declared.append(Declared(
        name=normalized, ecosystem=Ecosystem.PYPI, spec=text, path=r.path, line=r.line(where), key=key,
        group=group, extra=extra, version=pinned.removeprefix("==").strip() if pinned else None,
        marker=markers[0] if len(markers) == 1 else None))


def _poetry_source(item: dict[str, Any]) -> str | None:
    """How a Poetry table names what to install, as a short string ("^1.2", "git https://...")."""
    version = item.get("version")
    if isinstance(version, str):
        return version.strip()
    for field in ("git", "url", "path"):
        source = item.get(field)
        if isinstance(source, str):
            return f"{field} {source.strip()}"
    return None
