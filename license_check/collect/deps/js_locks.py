"""yarn.lock and pnpm-lock.yaml: the npm packages a yarn or pnpm project resolved (pure text readers).

Specs: yarn.lock v1 https://classic.yarnpkg.com/lang/en/docs/yarn-lock/ (yarn classic's own text format:
``"pattern", pattern:`` header lines, then two-space-indented ``version "1.2.3"`` fields), read by hand;
yarn berry (v2+) https://yarnpkg.com/advanced/lexicon#lockfile (YAML with a ``__metadata`` key, entries
``"descriptor, ...": {version, resolution: "name@npm:1.2.3", linkType}``); pnpm-lock.yaml
https://github.com/pnpm/spec/tree/master/lockfile (lockfile 5.x "/name/1.2.3_peer" keys, 6.x
"/name@1.2.3(peer@1.0.0)", 9.x "name@1.2.3" under ``packages`` and ``snapshots``). YAML goes through
frontmatter.load_yaml (bounded, so a lock file over its size cap is a ReadProblem).

yarn entries are ``direct=False`` (package.json says which are direct). pnpm importers (lockfile 5
without workspaces: the top level) name the direct dependencies and their group; a transitive pnpm
package is DEV / OPTIONAL only when its entry says ``dev: true`` / ``optional: true`` (lockfile 9 keeps
no dev flag: its transitive packages are DEFAULT unless a snapshot is optional). Skipped without a
problem: local packages (link:, file:, portal:, workspace:, pnpm ``directory`` resolutions), berry
``linkType: soft`` and ``patch:`` entries (the patched package is locked as itself too).
"""

from __future__ import annotations

import dataclasses
import json
import re
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
_PEER = re.compile(r"[(_]")


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
    result = load_yaml(text)
    if result.data is None:
        found = AT_LINE.search(result.problem or "")
        problems.add(int(found.group(1)) if found else None, f"could not be read: {result.problem}")
        return None
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
    for number, raw in enumerate(text.splitlines(), start=1):
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
    for key, entry in list(result.data.items())[:MAX_ENTRIES]:
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
    return name, _PEER.split(version, maxsplit=1)[0]


def _nested_lines(text: str, section: str) -> dict[str, int]:
    """The line of each key directly under the top-level ``section:`` of a block-style YAML text."""
    lines: dict[str, int] = {}
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1].strip() and not raw.startswith("#"):
            inside = raw.rstrip() == f"{section}:"
        elif inside and len(lines) < MAX_ENTRIES and (found := _YAML_KEY.match(raw)):
            single, double, bare = found.groups()
            key = (single.replace("''", "'") if single is not None
                   else _unquote(f'"{double}"') if double is not None else bare)
            lines.setdefault(key, number)
    return lines


def _pnpm_direct(data: dict[str, Any], major: int, problems: Problems,
                 lines: dict[str, int]) -> dict[tuple[str, str], Group]:
    """(name, version) -> group, for what the project's importers (lockfile 5: the top level) name."""
    importers = data.get("importers")
    if not isinstance(importers, dict):
        importers = {".": data}
    direct: dict[tuple[str, str], Group] = {}
    for importer, entry in list(importers.items())[:MAX_ENTRIES]:
        for section, group, _ in SECTIONS[:3] if isinstance(entry, dict) else ():
            table = entry.get(section)
            if table is not None and not isinstance(table, dict):
                problems.add(lines.get("importers", lines.get(section)),
                             f"importers.{importer}.{section} must be a mapping, not {describe(table)}")
                continue
            for name, value in list((table or {}).items())[:MAX_ENTRIES]:
                ref = _text(value.get("version") if isinstance(value, dict) else value)
                if ref is None or ref.startswith(LOCAL):
                    continue
                target, version = ((str(name), _PEER.split(ref, maxsplit=1)[0]) if ref[:1].isdigit()
                                   else pnpm_ref(ref, major))  # else an alias: "/string-width/4.2.3"
                if (target, version) not in direct or RANK[group] < RANK[direct[(target, version)]]:
                    direct[(target, version)] = group
    return direct


def _optional_snapshots(data: dict[str, Any], major: int) -> set[tuple[str, str]]:
    snapshots = data.get("snapshots")
    if not isinstance(snapshots, dict):
        return set()
    return {pnpm_ref(str(key), major) for key, entry in list(snapshots.items())[:MAX_ENTRIES]
            if isinstance(entry, dict) and entry.get("optional") is True}


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
    direct = _pnpm_direct(data, major, problems, result.lines)
    optional = _optional_snapshots(data, major)
    lines = _nested_lines(text, "packages")
    merged: dict[tuple[str, str], Declared] = {}
    for raw_key, entry in list(packages.items())[:MAX_ENTRIES]:
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
        group, extra = lock_group(entry)
        if (name, version) in direct:
            group, extra = direct[(name, version)], None
        elif (name, version) in optional:
            group, extra = Group.OPTIONAL, None
        item = Declared(name=name, ecosystem=Ecosystem.NPM, spec=version or key, path=path, line=line,
                        key=f"packages.{key}", group=group, extra=extra,
                        version=version if VERSION.match(version) else None, direct=(name, version) in direct)
        previous = merged.get((name, version))
        if previous is None:
            merged[(name, version)] = item
        elif RANK[item.group] < RANK[previous.group]:  # 6.x: one key per peer set; the most needed group wins
            merged[(name, version)] = dataclasses.replace(previous, group=item.group, extra=item.extra)
    return list(merged.values()), list(problems)
