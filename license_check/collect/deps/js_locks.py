"""yarn.lock and pnpm-lock.yaml: the npm packages a yarn or pnpm project resolved (pure text readers).

Specs: yarn.lock v1 https://classic.yarnpkg.com/lang/en/docs/yarn-lock/ (yarn classic's own text format:
``"pattern", pattern:`` header lines, then two-space-indented ``version "1.2.3"`` fields), read by hand;
yarn berry (v2+; no format page: Project.generateLockfile in yarnpkg/berry packages/yarnpkg-core writes
it, the terms are https://yarnpkg.com/advanced/lexicon): YAML with a ``__metadata`` key and entries
``"descriptor, ...": {version, resolution: "name@npm:1.2.3", linkType}``; pnpm-lock.yaml
https://github.com/pnpm/spec/tree/master/lockfile (lockfile 5.x "/name/1.2.3_peer" keys, 6.x
"/name@1.2.3(peer@1.0.0)", 9.x "name@1.2.3" under ``packages`` and ``snapshots``). YAML goes through
frontmatter.load_yaml (bounded, so a lock file over its size cap is a ReadProblem).

yarn entries are ``direct=False`` (package.json says which are direct). pnpm importers (lockfile 5
without workspaces: the top level) name the direct dependencies and their group; a 5.x/6.x package is
DEV / OPTIONAL when its entry says ``dev: true`` / ``optional: true``; 9.x keeps no dev flag, so the
group is the most needed one that reaches the package from the importers through ``snapshots``
(unreached: DEFAULT). A package is never less needed than an importer names it. Skipped without a
problem: local packages (link:, file:, portal:, workspace:, pnpm ``directory`` resolutions), berry
``linkType: soft`` and ``patch:`` entries (the patched package is locked as itself too).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

from license_check.collect.deps.model import Declared, Ecosystem, Group, ReadProblem
from license_check.collect.deps.npm import (
    AT_LINE,
    LOCAL,
    MAX_ENTRIES,
    RANK,
    SECTIONS,
    VERSION,
    Problems,
    aliased,
    lock_group,
    split_name,
)
from license_check.collect.parsers.frontmatter import YamlResult, load_yaml
from license_check.collect.parsers.jsondoc import describe

_YARN_HEADER = re.compile(r'"((?:[^"\\]|\\.)*)"|([^,\s][^,]*)')
_YARN_FIELD = re.compile(r'\A  ("?)([^\s"]+)\1:?\s+(.*?)\s*\Z')
_BERRY = re.compile(r"^__metadata:", re.MULTILINE)
_YAML_KEY = re.compile(r"""\A  (?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|([^\s'"#][^#]*?)):(?:\s|\Z)""")
LOCK_YAML_CHARS = 32 * 1024 * 1024  # a YAML lock file of a large project is megabytes (the read cap too)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return loaded if isinstance(loaded, str) else value[1:-1]
    return value


def _yaml(text: str, problems: Problems) -> YamlResult | None:
    if "\x00" in text:
        problems.add(None, "it is binary, not a lock file")
        return None
    result = load_yaml(text, max_chars=LOCK_YAML_CHARS)
    if result.data is None:
        found = AT_LINE.search(result.problem or "")
        problems.add(int(found.group(1)) if found else None, f"could not be read: {result.problem}")
        return None
    for warning in result.warnings:  # a top-level key twice (the last is used), keys that are not strings
        found = re.search(r"and (\d+)\)", warning)
        problems.add(int(found.group(1)) if found else None, warning)
    return result


def _text(value: object) -> str | None:
    """A YAML scalar as text (YAML reads 1.0 as a number); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value).strip() or None


# --------------------------------------------------------------------------- yarn.lock

def read_yarn_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The packages of a yarn.lock: v1 (yarn classic's own text format) or berry (v2+, YAML)."""
    problems = Problems(path)
    if "\x00" in text:
        problems.add(None, "it is binary, not a yarn.lock")
        return [], list(problems)
    declared = _berry(text, path, problems) if _BERRY.search(text) else _yarn_v1(text, path, problems)
    return declared, list(problems)


def _yarn_v1(text: str, path: str, problems: Problems) -> list[Declared]:
    entries: list[tuple[int, str, dict[str, str]]] = []  # (line, first pattern, fields)
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip() or raw.lstrip().startswith("#") or raw.startswith(("    ", "\t")):
            continue  # blank, comment, or an item of a dependencies: list
        if not raw[0].isspace():
            header = raw.rstrip()
            patterns = [(quoted or bare).strip() for quoted, bare in _YARN_HEADER.findall(header.removesuffix(":"))]
            if len(entries) >= MAX_ENTRIES:
                problems.add(number, f"more than {MAX_ENTRIES} entries; the rest were not read")
                break
            if header.endswith(":") and patterns and patterns[0]:
                entries.append((number, _unquote(f'"{patterns[0]}"') if header.startswith('"') else patterns[0], {}))
            else:
                problems.add(number, f"line {number}: not a yarn.lock entry header ('pattern, pattern:')")
            continue
        field = _YARN_FIELD.match(raw)
        if field and entries:
            entries[-1][2].setdefault(field.group(2), _unquote(field.group(3)))
    declared: list[Declared] = []
    for line, pattern, fields in entries:
        name, spec = split_name(pattern)
        if spec.startswith(LOCAL):
            continue
        version = fields.get("version")
        if not version:
            problems.add(line, f"{pattern[:120]}: the entry has no version")
        declared.append(Declared(name=aliased(name, spec), ecosystem=Ecosystem.NPM, spec=version or spec, path=path,
                                 line=line, key=pattern, version=version if version and VERSION.match(version)
                                 else None, direct=False))
    return declared


def _berry(text: str, path: str, problems: Problems) -> list[Declared]:
    result = _yaml(text, problems)
    if result is None or result.data is None:
        return []
    declared: list[Declared] = []
    for key, entry in problems.capped(result.data, "the lock file", None):
        line = result.lines.get(key)
        if key == "__metadata":
            continue
        if not isinstance(entry, dict):
            problems.add(line, f"{key[:120]} must be a mapping, not {describe(entry)}")
            continue
        resolution, version = entry.get("resolution"), _text(entry.get("version"))
        if not isinstance(resolution, str) or not resolution.strip():
            problems.add(line, f"{key[:120]}.resolution must be a non-empty string, not {describe(resolution)}")
            continue
        name, locator = split_name(resolution.strip())
        if entry.get("linkType") == "soft" or locator.startswith((*LOCAL, "patch:")):
            continue
        pinned = version if locator.startswith("npm:") and version and VERSION.match(version) else None
        declared.append(Declared(name=name, ecosystem=Ecosystem.NPM, spec=pinned or locator, path=path, line=line,
                                 key=key, version=pinned, direct=False))
    return declared


# --------------------------------------------------------------------------- pnpm-lock.yaml

def _strip_peers(version: str, major: int) -> str:
    """5.x "18.2.0_react@18.2.0", 6.x and 9.x "18.2.0(react@18.2.0)" -> "18.2.0"."""
    return re.split(r"[(_]" if major < 6 else r"\(", version, maxsplit=1)[0]


def pnpm_ref(ref: str, major: int) -> tuple[str, str]:
    """A package key or aliased dependency version -> (name, version without its peer suffix):
    5.x "/@types/node/20.1.0_abc", 6.x "/@types/node@20.1.0(react@18.2.0)", 9.x "@types/node@20.1.0"."""
    ref = ref.strip().lstrip("/")
    if major < 6:
        parts = ref.split("/")
        cut = 2 if ref.startswith("@") else 1
        name, version = "/".join(parts[:cut]), "/".join(parts[cut:])
    else:
        name, version = split_name(ref)
    return name, _strip_peers(version, major)


def _nested_lines(text: str, section: str) -> dict[str, int]:
    """The line of each key directly under the top-level ``section:`` of a block-style YAML text."""
    lines: dict[str, int] = {}
    inside = False
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw[:1].strip() and not raw.startswith("#"):
            inside = raw.rstrip() == f"{section}:"
        elif inside and len(lines) < MAX_ENTRIES and (found := _YAML_KEY.match(raw)):
            single, double, bare = found.groups()
            key = (single.replace("''", "'") if single is not None
                   else _unquote(f'"{double}"') if double is not None else bare)
            lines.setdefault(key, number)
    return lines


def _refs(table: object, major: int) -> Iterator[tuple[str, str]]:
    """(name, version as written) of a dependencies mapping (5.x: name: version; 6.x+: name: {version})."""
    for name, value in list(table.items())[:MAX_ENTRIES] if isinstance(table, dict) else ():
        ref = _text(value.get("version") if isinstance(value, dict) else value)
        if ref is not None and not ref.startswith(LOCAL):
            yield str(name), ref


def _target(name: str, ref: str, major: int) -> tuple[str, str]:
    """What a dependency version points to: "18.2.0" (of ``name``) or an alias "string-width@4.2.3"."""
    return (name, _strip_peers(ref, major)) if ref[:1].isdigit() else pnpm_ref(ref, major)


def _pnpm_direct(data: dict[str, Any], major: int, problems: Problems,
                 lines: dict[str, int]) -> tuple[dict[tuple[str, str], Group], list[tuple[Group, str, str]]]:
    """(name, version) -> group for what the project's importers (lockfile 5: the top level) name, and
    the (group, name, version as written) of each, where a walk of the snapshots starts."""
    importers = data.get("importers")
    if not isinstance(importers, dict):
        importers = {".": data}
    direct: dict[tuple[str, str], Group] = {}
    roots: list[tuple[Group, str, str]] = []
    for importer, entry in list(importers.items())[:MAX_ENTRIES]:
        for section, group, _ in SECTIONS[:3] if isinstance(entry, dict) else ():
            table = entry.get(section)
            if table is not None and not isinstance(table, dict):
                problems.add(lines.get("importers", lines.get(section)),
                             f"importers.{importer}.{section} must be a mapping, not {describe(table)}")
            for name, ref in _refs(table, major):
                target = _target(name, ref, major)
                roots.append((group, name, ref))
                if target not in direct or RANK[group] < RANK[direct[target]]:
                    direct[target] = group
    return direct, roots


def _snapshot_groups(data: dict[str, Any], major: int,
                     roots: list[tuple[Group, str, str]]) -> dict[tuple[str, str], Group]:
    """Lockfile 9 keeps no dev flag: (name, version) -> the most needed group that reaches it from the
    importers through ``snapshots`` (an ``optional: true`` snapshot is OPTIONAL at best)."""
    snapshots = data.get("snapshots")
    if not isinstance(snapshots, dict):
        return {}
    groups: dict[str, Group] = {}  # snapshot key -> group
    steps = 0
    for group in (Group.DEFAULT, Group.OPTIONAL, Group.DEV):
        stack = [ref if not ref[:1].isdigit() else f"{name}@{ref}" for seed, name, ref in roots if seed is group]
        while stack and steps < 20 * MAX_ENTRIES:
            steps += 1
            key = stack.pop()
            entry = snapshots.get(key)
            if key in groups or not isinstance(entry, dict):
                continue
            groups[key] = Group.OPTIONAL if group is Group.DEFAULT and entry.get("optional") is True else group
            for section in ("dependencies", "optionalDependencies"):
                stack.extend(ref if not ref[:1].isdigit() else f"{name}@{ref}"
                             for name, ref in _refs(entry.get(section), major))
    best: dict[tuple[str, str], Group] = {}
    for key, group in groups.items():
        package = pnpm_ref(key, major)
        if package not in best or RANK[group] < RANK[best[package]]:
            best[package] = group
    return best


def read_pnpm_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The packages of a pnpm-lock.yaml (lockfile 5.x, 6.x, 9.x); importers say which are direct."""
    problems = Problems(path)
    result = _yaml(text, problems)
    if result is None or result.data is None:
        return [], list(problems)
    data = result.data
    raw_version = data.get("lockfileVersion")
    try:
        major = int(float(str(raw_version).strip("'\" ")))
    except (ValueError, OverflowError):
        problems.add(result.lines.get("lockfileVersion"),
                     f"lockfileVersion must be a version like 9.0, not {describe(raw_version)}")
        major = 9
    packages = data.get("packages")
    if packages is None:
        return [], list(problems)
    if not isinstance(packages, dict):
        problems.add(result.lines.get("packages"), f"packages must be a mapping, not {describe(packages)}")
        return [], list(problems)
    direct, roots = _pnpm_direct(data, major, problems, result.lines)
    reached = _snapshot_groups(data, major, roots) if major >= 9 else {}
    lines = _nested_lines(text, "packages")
    merged: dict[tuple[str, str], Declared] = {}
    for raw_key, entry in problems.capped(packages, "packages", result.lines.get("packages")):
        key = str(raw_key)
        line = lines.get(key, result.lines.get("packages"))
        if not isinstance(entry, dict):
            problems.add(line, f"packages.{key[:120]} must be a mapping, not {describe(entry)}")
            continue
        resolution = entry.get("resolution")
        if isinstance(resolution, dict) and "directory" in resolution:
            continue  # a local folder
        name, version = pnpm_ref(key, major)
        if isinstance(entry.get("name"), str) and entry["name"].strip():  # git and tarball packages name themselves
            name, version = entry["name"].strip(), _text(entry.get("version")) or version
        if not name:
            problems.add(line, f"packages.{key[:120]}: the key names no package")
            continue
        group, extra = reached.get((name, version), Group.DEFAULT), None
        if major < 9:  # 5.x / 6.x: "dev: true" (only for development), "optional: true"
            group, extra = lock_group(entry)
        wanted = direct.get((name, version))
        if wanted is not None and RANK[wanted] < RANK[group]:
            group, extra = wanted, None
        item = Declared(name=name, ecosystem=Ecosystem.NPM, spec=version or key, path=path, line=line,
                        key=f"packages.{key}", group=group, extra=extra,
                        version=version if VERSION.match(version) else None, direct=wanted is not None)
        previous = merged.get((name, version))
        if previous is None:
            merged[(name, version)] = item
        elif RANK[item.group] < RANK[previous.group]:  # 6.x: one key per peer set; the most needed group wins
            merged[(name, version)] = dataclasses.replace(previous, group=item.group, extra=item.extra)
    return list(merged.values()), list(problems)
