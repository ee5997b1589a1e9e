"""The packages Python lock files pin: uv.lock, poetry.lock and Pipfile.lock.

A lock file is the resolved closure: every package it pins becomes a Declared with its exact version.

* uv.lock (TOML), https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile : ``[[package]]`` with
  ``name``, ``version``, ``source``. The project's own packages (``source = {editable = "."}`` or
  ``{virtual = "."}``, and the workspace members of ``[manifest] members``) are not dependencies; their
  ``dependencies`` (DEFAULT), ``[package.optional-dependencies]`` (OPTIONAL, the extra) and
  ``[package.dev-dependencies]`` (DEV, the group) name the direct ones. Every other package is reported,
  ``direct`` when a root lists it (in the strongest group that lists it), else a transitive DEFAULT one.
* poetry.lock (TOML), https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock :
  ``[[package]]`` with ``name``, ``version``, ``optional``, the legacy ``category`` ("dev" -> DEV) and the
  newer ``groups`` (no "main" -> DEV). ``direct`` is False: pyproject.toml says what is direct.
* Pipfile.lock (JSON), https://github.com/pypa/pipfile : the ``default`` (DEFAULT) and ``develop`` (DEV)
  objects, name -> {"version": "==1.2.3", "markers": ..., "hashes": [...]}. Local path entries (the
  project itself, ``{"path": ".", "editable": true}``) are skipped; ``direct`` is False (Pipfile decides).

Left out: pipenv's custom package categories, uv's ``[package.metadata]`` (the root's requirements as
written; pyproject.toml gives them with their lines), and the wheels / sdists / hashes each lock records.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from license_check.collect.deps._pep508 import (
    MAX_ENTRIES,
    MAX_SPEC,
    LineIndex,
    kind,
    load_toml,
    too_many,
    valid_name,
)
from license_check.collect.deps.model import Declared, Ecosystem, Group, ReadProblem, normalize_name
from license_check.collect.parsers.jsondoc import load_json
from license_check.tomlio.lines import KeyLines

MAX_JSON = 32 * 1024 * 1024  # characters of a Pipfile.lock parsed; big real ones are a few MB
_STRENGTH = {Group.DEFAULT: 0, Group.OPTIONAL: 1, Group.DEV: 2}
_JSON_AT = re.compile(r"at line (\d+)")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)

Direct = dict[str, tuple[Group, str | None, str | None]]  # name -> (group, extra, marker)


def _packages(data: dict[str, Any], path: str, lines: KeyLines,
              problems: list[ReadProblem]) -> list[tuple[int, dict[str, Any]]]:
    """The ``[[package]]`` tables with their index; wrong shapes are problems."""
    packages = data.get("package", [])
    if not isinstance(packages, list):
        problems.append(ReadProblem(path, lines.line(("package",)),
                                    f"package must be an array of tables, not {kind(packages)}"))
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    for index, package in enumerate(packages):
        if len(out) >= MAX_ENTRIES:
            problems.append(too_many(path, lines.line(("package", index)), "package"))
            break
        if not isinstance(package, dict):
            problems.append(ReadProblem(path, lines.line(("package", index)),
                                        f"package[{index}] must be a table, not {kind(package)}"))
            continue
        name = package.get("name")
        if not valid_name(name):
            shown = f"{str(name)[:60]!r}" if isinstance(name, str) and name.strip() else kind(name)
            problems.append(ReadProblem(path, lines.line(("package", index, "name")),
                                        f"package[{index}].name must be a package name, not {shown}"))
            continue
        out.append((index, package))
    return out


def _version(package: dict[str, Any], index: int, path: str, lines: KeyLines,
             problems: list[ReadProblem]) -> str | None:
    version = package.get("version")
    if version is None or (isinstance(version, str) and version.strip() and len(version) <= 200):
        return version.strip() if isinstance(version, str) else None
    problems.append(ReadProblem(path, lines.line(("package", index, "version")),
                                f"package[{index}].version must be a version string, not {kind(version)}"))
    return None


def _source(value: object) -> str | None:
    """A uv ``source`` table as a short string ("git https://...", "registry https://pypi.org/simple")."""
    if isinstance(value, dict):
        for kind_, where in value.items():
            if isinstance(where, str):
                return f"{kind_} {where[:MAX_SPEC]}"
    return None


# --- uv.lock ------------------------------------------------------------------------------------------


def _is_root(package: dict[str, Any], members: set[str]) -> bool:
    source = package.get("source")
    if isinstance(source, dict) and (source.get("editable") == "." or source.get("virtual") == "."):
        return True
    return normalize_name(str(package.get("name"))) in members


def _uv_direct(roots: list[tuple[int, dict[str, Any]]], path: str, lines: KeyLines,
               problems: list[ReadProblem]) -> Direct:
    direct: Direct = {}

    def note(items: object, group: Group, extra: str | None, keys: tuple[str | int, ...]) -> None:
        shown = ".".join(str(k) for k in keys[2:])
        if not isinstance(items, list):
            problems.append(ReadProblem(path, lines.line(keys),
                                        f"package[{keys[1]}].{shown} must be an array, not {kind(items)}"))
            return
        for item in items[:MAX_ENTRIES]:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                problems.append(ReadProblem(path, lines.line(keys), f"package[{keys[1]}].{shown} holds "
                                            f"{kind(item)} without a name, not a {{name = ...}} table"))
                continue
            marker = item.get("marker") if isinstance(item.get("marker"), str) else None
            normalized = normalize_name(name)
            known = direct.get(normalized)
            if known is None or _STRENGTH[group] < _STRENGTH[known[0]]:
                direct[normalized] = (group, extra, marker)

    for index, root in roots:
        if "dependencies" in root:
            note(root["dependencies"], Group.DEFAULT, None, ("package", index, "dependencies"))
        for field, group in (("optional-dependencies", Group.OPTIONAL), ("dev-dependencies", Group.DEV)):
            table = root.get(field)
            if table is None:
                continue
            if not isinstance(table, dict):
                problems.append(ReadProblem(path, lines.line(("package", index, field)),
                                            f"package[{index}].{field} must be a table, not {kind(table)}"))
                continue
            for extra, items in table.items():
                note(items, group, extra, ("package", index, field, extra))
    return direct


def read_uv_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The packages one uv.lock pins, the project's own left out (``path`` relative to the scanned root)."""
    data, failure = load_toml(text, path)
    if data is None:
        return [], [failure] if failure else []
    lines = KeyLines(text)
    problems: list[ReadProblem] = []
    manifest = data.get("manifest")
    listed = manifest.get("members") if isinstance(manifest, dict) else None
    members = {normalize_name(m) for m in listed[:MAX_ENTRIES] if isinstance(m, str)} \
        if isinstance(listed, list) else set()
    packages = _packages(data, path, lines, problems)
    roots = [(index, package) for index, package in packages if _is_root(package, members)]
    root_names = {normalize_name(package["name"]) for _, package in roots}
    direct = _uv_direct(roots, path, lines, problems)
    declared: list[Declared] = []
    for index, package in packages:
        name = normalize_name(package["name"].strip())
        if name in root_names:
            continue
        version = _version(package, index, path, lines, problems)
        spec = version or _source(package.get("source")) or ""
        group, extra, marker = direct.get(name, (Group.DEFAULT, None, None))
        declared.append(Declared(
            name=name, ecosystem=Ecosystem.PYPI, spec=spec, path=path, line=lines.line(("package", index)),
            key=f"package[{index}]", group=group, extra=extra, version=version, marker=marker,
            direct=name in direct))
    return declared, problems


# --- poetry.lock --------------------------------------------------------------------------------------


def read_poetry_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The packages one poetry.lock pins, all transitive as far as this file says."""
    data, failure = load_toml(text, path)
    if data is None:
        return [], [failure] if failure else []
    lines = KeyLines(text)
    problems: list[ReadProblem] = []
    declared: list[Declared] = []
    for index, package in _packages(data, path, lines, problems):
        version = _version(package, index, path, lines, problems)
        group, extra = Group.DEFAULT, None
        category, groups = package.get("category"), package.get("groups")
        if category is not None and not isinstance(category, str):
            problems.append(ReadProblem(path, lines.line(("package", index, "category")),
                                        f"package[{index}].category must be a string, not {kind(category)}"))
        if category == "dev":
            group, extra = Group.DEV, "dev"
        elif isinstance(groups, list) and groups and "main" not in groups:
            first = next((g for g in groups if isinstance(g, str)), None)
            group, extra = Group.DEV, first
        optional = package.get("optional")
        if optional is not None and not isinstance(optional, bool):
            problems.append(ReadProblem(path, lines.line(("package", index, "optional")),
                                        f"package[{index}].optional must be true or false, not {kind(optional)}"))
        elif optional is True and group is Group.DEFAULT:
            group = Group.OPTIONAL
        marker = package.get("markers")
        declared.append(Declared(
            name=normalize_name(package["name"].strip()), ecosystem=Ecosystem.PYPI,
            spec=version or _source(package.get("source")) or "", path=path,
            line=lines.line(("package", index)), key=f"package[{index}]", group=group, extra=extra,
            version=version, marker=marker if isinstance(marker, str) and len(marker) <= MAX_SPEC else None,
            direct=False))
    return declared, problems


# --- Pipfile.lock -------------------------------------------------------------------------------------


def read_pipfile_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The packages one Pipfile.lock pins in its ``default`` and ``develop`` sections."""
    result = load_json(text, max_bytes=MAX_JSON)
    if result.problem is not None:
        at = _JSON_AT.search(result.problem)
        return [], [ReadProblem(path, int(at.group(1)) if at else None, f"invalid JSON, not read: {result.problem}")]
    if not isinstance(result.value, dict):
        return [], [ReadProblem(path, 1, f"a Pipfile.lock must be a JSON object, not {kind(result.value)}")]
    index = LineIndex(text)
    keys = _KeyPositions(text)
    declared: list[Declared] = []
    problems: list[ReadProblem] = []
    for section, group in (("default", Group.DEFAULT), ("develop", Group.DEV)):
        entries = result.value.get(section)
        start = keys.next(section, 1, -1)
        section_line = index.line(start) if start >= 0 else None
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append(ReadProblem(path, section_line, f"{section} must be an object, not {kind(entries)}"))
            continue
        cursor = start
        for name, entry in entries.items():
            if len(declared) >= MAX_ENTRIES:
                problems.append(too_many(path, section_line, section))
                return declared, problems
            found = keys.next(name, 2, cursor)
            cursor = found if found >= 0 else cursor
            line = index.line(found) if found >= 0 else section_line
            one = _pipfile_entry(name, entry, section, group, path, line)
            if isinstance(one, Declared):
                declared.append(one)
            elif one is not None:
                problems.append(one)
    return declared, problems


class _KeyPositions:
    """Where each object key of a JSON text stands, by nesting depth: one linear pass over its strings
    (outside strings JSON has no quotes, so matching them left to right stays aligned; the brackets
    between them give the depth). A string followed by ':' is a key."""

    def __init__(self, text: str) -> None:
        self.positions: dict[tuple[str, int], list[int]] = {}
        depth, end = 0, 0
        for match in _JSON_STRING.finditer(text):
            gap = text[end:match.start()]
            depth += gap.count("{") + gap.count("[") - gap.count("}") - gap.count("]")
            end = match.end()
            after = end
            while after < len(text) and text[after] in " \t\r\n":
                after += 1
            if after >= len(text) or text[after] != ":":
                continue
            raw = match.group(0)
            try:
                key = json.loads(raw) if "\\" in raw else raw[1:-1]
            except ValueError:
                continue
            if isinstance(key, str):
                self.positions.setdefault((key, depth), []).append(match.start())

    def next(self, key: str, depth: int, after: int) -> int:
        """The offset of the first ``"key":`` at ``depth`` (1: the top object) beyond ``after`` (-1: none)."""
        found = self.positions.get((key, depth), [])
        at = bisect.bisect_right(found, after)
        return found[at] if at < len(found) else -1


def _pipfile_entry(name: str, entry: object, section: str, group: Group, path: str,
                   line: int | None) -> Declared | ReadProblem | None:
    key = f"{section}.{name}"
    if not valid_name(name):
        return ReadProblem(path, line, f"{section}: {name[:60]!r} is not a package name")
    if not isinstance(entry, dict):
        return ReadProblem(path, line, f"{key} must be an object, not {kind(entry)}")
    version = entry.get("version")
    if version is not None and (not isinstance(version, str) or len(version) > MAX_SPEC):
        return ReadProblem(path, line, f"{key}.version must be a version string such as \"==1.2.3\", "
                                       f"not {kind(version)}")
    if version is None and "path" in entry and "git" not in entry:
        return None  # a local folder (the project itself, editable): not a dependency
    sources = (f"{field} {entry[field]}"[:MAX_SPEC] for field in ("git", "file", "path")
               if isinstance(entry.get(field), str))
    spec = version.strip() if version else next(sources, "")
    pinned = spec.lstrip("=").strip() if spec.startswith("==") and "*" not in spec and "," not in spec else None
    marker = entry.get("markers")
    return Declared(
        name=normalize_name(name.strip()), ecosystem=Ecosystem.PYPI, spec=spec, path=path, line=line, key=key,
        group=group, extra="develop" if group is Group.DEV else None, version=pinned or None,
        marker=marker if isinstance(marker, str) and len(marker) <= MAX_SPEC else None, direct=False)
