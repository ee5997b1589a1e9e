"""Cargo.lock: the crates a Rust workspace resolved (a pure function of the file's text).

Format: TOML, one ``[[package]]`` table per crate with ``name``, ``version`` and, for a crate fetched from
a registry or git, ``source`` (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html,
https://doc.rust-lang.org/cargo/reference/resolver.html). A package without ``source`` is one of the
workspace's own crates (or a path dependency inside the repository): not a dependency. Every other
package is reported with ``direct=False``: Cargo.lock does not say which crates the manifests name
directly, nor whether as ``[dependencies]``, ``[dev-dependencies]`` or ``[build-dependencies]``
(Cargo.toml decides). Lock versions 1 to 4 share this shape; the v1 ``[metadata]`` checksums are ignored.
"""

from __future__ import annotations

import re
import tomllib

from license_check.collect.deps._shared import kind
from license_check.collect.deps.model import Declared, Ecosystem, ReadProblem
from license_check.tomlio.lines import KeyLines
from license_check.tomlio.safe import loads

MAX_PACKAGES = 100_000  # crates read from one file; a large workspace locks a few thousand
MAX_PROBLEMS = 50
_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def read_cargo_lock(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The registry and git crates of a Cargo.lock (``path``: the file, relative to the scanned root)."""
    if "\x00" in text:
        return [], [ReadProblem(path, None, f"{path} is binary, not a Cargo.lock")]
    try:
        data = loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT_LINE.search(message)
        return [], [ReadProblem(path, int(found.group(1)) if found else None, f"{path} is not valid TOML: {message}")]
    packages = data.get("package")
    if packages is None:
        return [], []  # a workspace without dependencies locks no [[package]] (or only its own crates)
    lines = KeyLines(text)
    if not isinstance(packages, list):
        return [], [ReadProblem(path, lines.line(("package",)),
                                f"{path}: 'package' must be an array of tables ([[package]]), not "
                                f"{kind(packages)}")]
    declared: list[Declared] = []
    problems: list[ReadProblem] = []

    def bad(line: int, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(ReadProblem(path, line, f"{path}: {message}"))

    if len(packages) > MAX_PACKAGES:
        bad(lines.line(("package",)), f"more than {MAX_PACKAGES} [[package]] tables; the rest were not read")
    for index, package in enumerate(packages[:MAX_PACKAGES]):
        key = f"package[{index}]"
        line = lines.line(("package", index))
        if not isinstance(package, dict):
            bad(line, f"{key} must be a table, not {kind(package)}")
            continue
        name, version, source = package.get("name"), package.get("version"), package.get("source")
        if source is None:
            continue  # a workspace member or path crate: the repository's own code
        if not isinstance(source, str):
            bad(line, f"{key}.source must be a string, not {kind(source)}")
            continue
        if not isinstance(name, str) or not name.strip():
            bad(line, f"{key}.name must be a non-empty string" +
                ("" if name is None or isinstance(name, str) else f", not {kind(name)}"))
            continue
        if not isinstance(version, str) or not version.strip():
            bad(line, f"{key} ({name}): version must be a non-empty string" +
                ("" if version is None or isinstance(version, str) else f", not {kind(version)}"))
            continue
        name, version = name.strip(), version.strip()
        declared.append(Declared(name=name, ecosystem=Ecosystem.CARGO, spec=version, path=path, line=line,
                                 key=key, version=version, direct=False))
    return declared, problems
