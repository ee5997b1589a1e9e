"""npm's own files: package.json and package-lock.json (pure text readers), and the helpers js_locks shares.

Specs: package.json https://docs.npmjs.com/cli/v10/configuring-npm/package-json; package-lock.json (and
npm-shrinkwrap.json, the same format) https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json.

Local packages are the repository's own code, not dependencies, and are skipped without a problem:
``link:``, ``file:``, ``portal:`` and ``workspace:`` specs, package-lock ``"link": true`` entries and
workspace folders. An ``npm:other@range`` alias is reported under the package it installs. Lock files
give ``direct=False`` unless the lock names the project's direct dependencies (v2/v3 root and workspace
entries); v1 does not.
"""

from __future__ import annotations

import json
import re
from typing import Any

from license_check.collect.deps.model import Declared, Ecosystem, Group, Installed, ReadProblem
from license_check.collect.parsers.jsondoc import describe, load_json

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_LOCK_BYTES = 64 * 1024 * 1024
MAX_LOCK_DEPTH = 200  # package-lock v1 nests two levels per node_modules level
MAX_ENTRIES = 100_000  # packages read from one file
MAX_PROBLEMS = 50
SECTIONS = (("dependencies", Group.DEFAULT, None), ("devDependencies", Group.DEV, None),
            ("optionalDependencies", Group.OPTIONAL, None), ("peerDependencies", Group.OPTIONAL, "peer"))
LOCAL = ("link:", "file:", "portal:", "workspace:")
_EXACT = re.compile(r"\A[=v]*\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\Z")
VERSION = re.compile(r"\A\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\Z")
_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,\n]')
AT_LINE = re.compile(r"at line (\d+)")
RANK = {Group.DEFAULT: 0, Group.OPTIONAL: 1, Group.DEV: 2}  # the most needed group wins on a merge

Path = tuple[str | int, ...]


class Problems(list[ReadProblem]):
    """A file's problems, at most MAX_PROBLEMS, each message starting with the file's path."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def add(self, line: int | None, message: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(ReadProblem(self.path, line, f"{self.path}: {message}"))

    def capped(self, items: dict[Any, Any], what: str, line: int | None) -> list[tuple[Any, Any]]:
        """The first MAX_ENTRIES items of a mapping; a problem says when there are more."""
        if len(items) > MAX_ENTRIES:
            self.add(line, f"{what} has more than {MAX_ENTRIES} entries; the rest were not read")
        return list(items.items())[:MAX_ENTRIES]


def exact_version(spec: str) -> str | None:
    """The version an npm range pins exactly ("1.2.3", "=1.2.3", "v1.2.3"), else None."""
    found = _EXACT.match(spec.strip())
    return found.group(1) if found else None


def split_name(pattern: str) -> tuple[str, str]:
    """"@types/node@^20" -> ("@types/node", "^20"); the '@' of a scope is not the separator."""
    at = pattern.find("@", 1)
    return (pattern, "") if at < 0 else (pattern[:at], pattern[at + 1:])


def aliased(name: str, spec: str) -> str:
    """The package an ``npm:other@range`` alias installs (its license is the one that counts)."""
    if spec.startswith("npm:"):
        target = split_name(spec[4:])[0]
        return target or name
    return name


def json_key_lines(text: str, limit: int = 4 * MAX_ENTRIES) -> dict[Path, int]:
    """The 1-based line of each object key path of a JSON text (one linear pass, no recursion)."""
    lines: dict[Path, int] = {}
    stack: list[list[Any]] = []  # [opener, key or index, expecting a key]
    line = 1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "{[":
            stack.append([token, None if token == "{" else 0, token == "{"])
        elif token in "}]":
            if not stack:
                break
            stack.pop()
        elif token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            elif stack:
                stack[-1][2] = True
        elif token == ":":
            if stack:
                stack[-1][2] = False
        elif stack and stack[-1][0] == "{" and stack[-1][2]:
            key = json.loads(token) if "\\" in token else token[1:-1]
            stack[-1][1] = key
            if len(lines) < limit:
                lines.setdefault(tuple(frame[1] for frame in stack), line)
    return lines


def _json(text: str, path: str, max_bytes: int, max_depth: int,
          problems: Problems) -> tuple[dict[str, Any] | None, dict[Path, int]]:
    if "\x00" in text:
        problems.add(None, "it is binary, not JSON text")
        return None, {}
    result = load_json(text, max_bytes=max_bytes, max_depth=max_depth)
    if result.problem is not None:
        found = AT_LINE.search(result.problem)
        problems.add(int(found.group(1)) if found else None, f"could not be read: {result.problem}")
        return None, {}
    if not isinstance(result.value, dict):
        problems.add(1, f"the top level must be a JSON object, not {describe(result.value)}")
        return None, {}
    try:
        return result.value, json_key_lines(result.text or text)
    except (ValueError, RecursionError):  # a key with a bad escape: lines are best effort
        return result.value, {}


def _line(lines: dict[Path, int], *path: str | int) -> int | None:
    for end in range(len(path), 0, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- package.json

def read_package_json(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The dependencies a package.json declares, one per name of each dependency section."""
    problems = Problems(path)
    data, lines = _json(text, path, MAX_MANIFEST_BYTES, 64, problems)
    declared: list[Declared] = []
    for section, group, extra in SECTIONS if data is not None else ():
        table = data.get(section) if data is not None else None
        if table is None:
            continue
        if not isinstance(table, dict):
            problems.add(_line(lines, section), f"{section} must be an object of package names to version ranges, "
                                                f"not {describe(table)}")
            continue
        for name, spec in problems.capped(table, section, _line(lines, section)):
            key = f"{section}.{name}"
            line = _line(lines, section, name)
            if not name.strip():
                problems.add(line, f"{section} has an empty package name")
            elif not isinstance(spec, str):
                problems.add(line, f"{key} must be a version range string, not {describe(spec)}")
            elif not spec.strip().startswith(LOCAL):
                declared.append(Declared(name=aliased(name, spec.strip()), ecosystem=Ecosystem.NPM, spec=spec,
                                         path=path, line=line, key=key, group=group, extra=extra,
                                         version=exact_version(spec)))
    return declared, list(problems)


# --------------------------------------------------------------------------- package-lock.json

def lock_group(entry: dict[str, Any]) -> tuple[Group, str | None]:
    if entry.get("dev") is True:
        return Group.DEV, None
    if entry.get("optional") is True or entry.get("devOptional") is True:
        return Group.OPTIONAL, None
    if entry.get("peer") is True:
        return Group.OPTIONAL, "peer"
    return Group.DEFAULT, None


def _declared_names(entry: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for section, _, _ in SECTIONS:
        table = entry.get(section)
        if isinstance(table, dict):
            names.update(table)
    return names


def read_package_lock(text: str, path: str) -> tuple[list[Declared], list[Installed], list[ReadProblem]]:
    """The packages of a package-lock.json (or npm-shrinkwrap.json); v2/v3 also give the license each
    package's own package.json states, as Installed (offline evidence)."""
    problems = Problems(path)
    data, lines = _json(text, path, MAX_LOCK_BYTES, MAX_LOCK_DEPTH, problems)
    if data is None:
        return [], [], list(problems)
    packages = data.get("packages")
    if packages is not None:
        if isinstance(packages, dict):
            declared, installed = _lock_packages(packages, path, lines, problems)
            return declared, installed, list(problems)
        problems.add(_line(lines, "packages"), f"packages must be an object, not {describe(packages)}")
    dependencies = data.get("dependencies")
    if dependencies is None:
        return [], [], list(problems)
    if not isinstance(dependencies, dict):
        problems.add(_line(lines, "dependencies"), f"dependencies must be an object, not {describe(dependencies)}")
        return [], [], list(problems)
    return _lock_v1(dependencies, path, lines, problems), [], list(problems)


def _lock_packages(packages: dict[str, Any], path: str, lines: dict[Path, int],
                   problems: Problems) -> tuple[list[Declared], list[Installed]]:
    """lockfileVersion 2/3: "" is the root, "node_modules/a[/node_modules/b]" installed packages, other
    keys workspace folders; a package is direct when the folder that installs it declares it (the root
    folder: the root or any workspace)."""
    locations = {key: _declared_names(entry) for key, entry in packages.items()
                 if isinstance(entry, dict) and "node_modules/" not in f"/{key}"}
    locations[""] = set().union(*locations.values())  # the workspaces' dependencies are hoisted to the root
    declared: list[Declared] = []
    installed: list[Installed] = []
    for key, entry in problems.capped(packages, "packages", _line(lines, "packages")):
        where = f"packages.{key}"
        cut = f"/{key}".rfind("/node_modules/")
        if cut < 0:
            continue  # the root or a workspace folder
        line = _line(lines, "packages", key)
        if not isinstance(entry, dict):
            problems.add(line, f"{where} must be an object, not {describe(entry)}")
            continue
        if entry.get("link") is True:
            continue
        parent, name = key[:max(cut - 1, 0)], key[cut + len("node_modules/"):]
        real = entry.get("name")
        version = entry.get("version")
        if not isinstance(version, str) or not version.strip():
            problems.add(line, f"{where}: version must be a non-empty string, not {describe(version)}")
            version = None
        group, extra = lock_group(entry)
        pinned = version if version and VERSION.match(version) else None
        package = real.strip() if isinstance(real, str) and real.strip() else name
        if not package:
            problems.add(line, f"{where}: the key names no package")
            continue
        declared.append(Declared(name=package, ecosystem=Ecosystem.NPM, spec=version or "", path=path, line=line,
                                 key=where, group=group, extra=extra, version=pinned,
                                 direct=name in locations.get(parent, ())))
        license_ = entry.get("license")
        if version and isinstance(license_, str) and license_.strip():
            installed.append(Installed(package, Ecosystem.NPM, version, f"{path}#{where}",
                                       license_expression=license_.strip()))
        elif version and isinstance(license_, dict) and isinstance(license_.get("type"), str):
            installed.append(Installed(package, Ecosystem.NPM, version, f"{path}#{where}",
                                       license=license_["type"].strip()))  # the legacy {"type": ...} form
    return declared, installed


def _lock_v1(dependencies: dict[str, Any], path: str, lines: dict[Path, int], problems: Problems) -> list[Declared]:
    """lockfileVersion 1: nested "dependencies" objects; the root's own dependencies are not recorded,
    so every package is direct=False (package.json says which are direct)."""
    declared: list[Declared] = []
    stack: list[tuple[Path, dict[str, Any]]] = [(("dependencies",), dependencies)]
    while stack:
        if len(declared) >= MAX_ENTRIES:
            problems.add(_line(lines, "dependencies"), f"more than {MAX_ENTRIES} packages; the rest were not read")
            break
        where, table = stack.pop()
        for name, entry in table.items():
            key_path = (*where, name)
            key = ".".join(str(part) for part in key_path)
            line = _line(lines, *key_path)
            if not isinstance(entry, dict):
                problems.add(line, f"{key} must be an object, not {describe(entry)}")
                continue
            version = entry.get("version")
            if not isinstance(version, str) or not version.strip():
                problems.add(line, f"{key}: version must be a non-empty string, not {describe(version)}")
                version = None
            package = name
            if version and version.startswith("npm:"):  # an alias: "npm:string-width@4.2.3"
                package, version = split_name(version[4:])
            if not (version and version.startswith(LOCAL)):
                group, extra = lock_group(entry)
                declared.append(Declared(name=package or name, ecosystem=Ecosystem.NPM, spec=version or "",
                                         path=path, line=line, key=key, group=group, extra=extra,
                                         version=version if version and VERSION.match(version) else None,
                                         direct=False))
            nested = entry.get("dependencies")
            if isinstance(nested, dict):
                stack.append(((*key_path, "dependencies"), nested))
            elif nested is not None:
                problems.add(line, f"{key}.dependencies must be an object, not {describe(nested)}")
    declared.sort(key=lambda item: item.line or 0)
    return declared[:MAX_ENTRIES]

