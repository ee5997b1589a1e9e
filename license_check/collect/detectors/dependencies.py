"""Dependencies (source ``dependency``): what the repository declares it installs, and, with
``--deps-env``, the license each one carries where it is installed.

Declarations come from manifests and lock files (collect/deps/: PEP 621 and PEP 735 tables, Poetry,
requirements files with their ``-r`` includes, setup.cfg, uv.lock, poetry.lock, Pipfile.lock,
package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.lock, go.mod). Each dependency is a
referenced artifact of kind ``dependency`` (``ref``: its package URL without version; ``group``: default,
optional or dev), found at its declaration (file, line, key). Nothing is fetched: without an environment
a dependency's license is unknown and it belongs to the adoption answer.

Licenses come from what is installed, never from a registry: the environment's ``.dist-info`` metadata
(PEP 639 ``License-Expression`` first, then the license files it holds, then the ``License`` field, then
the trove classifiers), ``node_modules/<pkg>/package.json``, and the ``license`` that package-lock.json
v2/v3 records per package. They are claims on the dependency (target ``ref:<purl>``), with evidence
paths shown as ``env:<path in site-packages>`` (never an absolute path). The closure follows each
installed distribution's ``Requires-Dist`` (markers evaluated for that environment).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from license_check.collect.deps.model import Declared, Ecosystem, Group, Installed, ReadProblem
from license_check.collect.deps.table import FORMATS, REQUIREMENTS, Format
from license_check.collect.detectors._util import read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.findings import make_finding
from license_check.model import Artifact, Claim, ClaimScope, Evidence, FileEntry, Finding, Kind, Location, RawForm

NAME = "dependencies"
SOURCE = "dependency"
LOCK_CAP = 32 * 1024 * 1024  # bytes of one manifest or lock file (a large package-lock.json is ~20 MB)
MAX_LISTED = 8  # dependencies named in one summary finding

def formats() -> tuple[Format, ...]:
    """The readers (collect/deps/table.py)."""
    return FORMATS


def _format(name: str, known: Sequence[Format]) -> Format | None:
    lower = name.lower()
    any_format, tests = _name_patterns(known)
    if not any_format(lower):
        return None  # most files: one test, not one per format
    return next((f for f, names in tests if names(lower)), None)


_Test = Callable[[str], object]
_PATTERNS: list[tuple[Sequence[Format], tuple[_Test, list[tuple[Format, _Test]]]]] = []


def _name_patterns(known: Sequence[Format]) -> tuple[_Test, list[tuple[Format, _Test]]]:
    """Each format with one test of all its name globs: fnmatchcase is a match of fnmatch.translate's regex, and
    an alternation of them matches when one of them does (one call a file and format, not one per glob); and
    one test of every format's globs, which matches when one of those does."""
    for formats_, made in _PATTERNS:
        if formats_ is known:
            return made
    tests = [(fmt, _globs_test(tuple(fmt.names))) for fmt in known]
    every = _globs_test(tuple(n for fmt in known for n in fmt.names))
    _PATTERNS[:] = [*_PATTERNS[-3:], (known, (every, tests))]
    return every, tests


def _globs_test(globs: tuple[str, ...]) -> _Test:
    try:
        return re.compile("|".join(f"(?:{fnmatch.translate(n)})" for n in globs)).match
    except re.error:  # translations that cannot share one pattern: each glob on its own
        return partial(_any_glob, globs)


def _any_glob(globs: tuple[str, ...], lower: str) -> bool:
    return any(fnmatch.fnmatchcase(lower, n) for n in globs)


@dataclass(frozen=True, slots=True)
class Declarations:
    found: list[tuple[Declared, str]]  # each declaration with its evidence source
    recorded: list[tuple[Installed, str]]  # licenses a lock file records per package, with the lock's path
    findings: list[Finding]


def declared(files: Sequence[FileEntry]) -> Declarations:
    """Every declaration of the tree, what lock files record of licenses, and what could not be read.
    Requirements files are followed through their ``-r``/``-c`` includes that lie in the tree."""
    known = formats()
    by_path = {e.path: e for e in files}
    out = Declarations([], [], [])
    queue = [(e, f) for e in files if (f := _format(e.name, known)) is not None]
    seen = {e.path for e, _ in queue}
    while queue:
        entry, fmt = queue.pop(0)
        read = read_or_report(entry.path, entry.abspath, LOCK_CAP, "dependency file", report_binary=False)
        if read.text is None:  # unreadable or binary: the license detectors report what matters to them
            out.findings.append(_unread(entry.path, None, "it could not be read as text"))
            continue
        if read.truncated:
            out.findings.append(_unread(entry.path, None, f"it is larger than {LOCK_CAP // (1024 * 1024)} MiB; "
                                        "the dependencies past the cap are not read"))
        got = fmt.read(read.text, entry.path)
        out.found.extend((d, fmt.source) for d in got.declared)
        out.recorded.extend((i, entry.path) for i in got.installed)
        out.findings.extend(_problem(p) for p in got.problems)
        for target, line in got.includes:
            included = _include(entry.path, target)
            if included is None or included not in by_path:
                out.findings.append(_unread(entry.path, line, f"it includes {target!r}, which is not a file of "
                                            "the repository; the dependencies it declares are not read"))
            elif included not in seen:
                seen.add(included)
                queue.append((by_path[included], REQUIREMENTS))
    return out


def _include(path: str, target: str) -> str | None:
    """``-r target`` of the file at ``path``, relative to the root (None: outside it, or a URL)."""
    if "://" in target or target.startswith("/"):
        return None
    parts = [*path.split("/")[:-1], *target.replace("\\", "/").split("/")]
    out: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out) or None


def _problem(problem: ReadProblem) -> Finding:
    message = problem.message.removeprefix(f"{problem.path}: ")
    return _unread(problem.path, problem.line, message)


def _unread(path: str, line: int | None, what: str) -> Finding:
    return make_finding("unreadable-dependencies", f"{path}{f':{line}' if line else ''}: {what}.",
                        [Location(path, line)])


def package_id(ecosystem: Ecosystem, name: str) -> str:
    """The ref of a dependency: its package URL without version (the component id is ``ref:`` + it)."""
    return Declared(name, ecosystem, "", "", None, None).purl


def artifacts(declarations: Iterable[tuple[Declared, str]]) -> list[Artifact]:
    """One artifact per declaration (components.referenced merges those of one package)."""
    out = []
    for decl, source in declarations:
        key = decl.key or decl.spec
        evidence = Evidence(decl.path, source, None, decl.line, key[:300] if key else None)
        group = decl.group.value
        out.append(Artifact(decl.path, Kind.DEPENDENCY, evidence, ref=package_id(decl.ecosystem, decl.name),
                            is_dir=False, group=group, version=decl.version))
    return out


def unresolved_finding(missing: Sequence[tuple[Declared, str]], env_given: bool) -> Finding | None:
    """One finding for every default dependency whose license could not be read, with why."""
    if not missing:
        return None
    shown = [d.name + (f" ({why})" if env_given else "") for d, why in missing[:MAX_LISTED]]
    more = f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
    how = "" if env_given else " No environment was given (--deps-env), so no license was read."
    return make_finding(
        "dependency-unresolved",
        f"{len(missing)} declared dependenc{'y' if len(missing) == 1 else 'ies'} without a readable license: "
        f"{', '.join(shown)}{more}. Their terms are unknown: they count in the adoption answer, not in the "
        f"repository's own.{how}", [Location(d.path, d.line) for d, _ in missing[:MAX_LISTED]])


def _recorded_claims(package: Installed, path: str) -> list[Claim]:
    """The license a lock file records for a package (package-lock.json v2/v3 ``license``): a claim on it."""
    raw = (package.license_expression or "").strip()
    if not raw:
        return []
    key = package.where.partition("#")[2] or None
    evidence = Evidence(path, "package-lock", raw, None, key, 0.9)
    return [Claim("ref:" + package_id(package.ecosystem, package.name), ClaimScope.FILE, raw, RawForm.SPDX,
                  (evidence,))]


def node_modules_claims(files: Sequence[FileEntry], wanted: set[str]) -> tuple[list[Claim], list[Finding]]:
    """The licenses of the npm packages ``wanted`` (names) that an installed ``node_modules/`` beside a
    package.json of the tree holds (the folder discovery leaves out as installed content). A
    ``node_modules`` that is a symbolic link is not read (it may lead out of the scanned root)."""
    from license_check.collect.deps.node_modules import read_node_modules  # only where one is installed

    claims: list[Claim] = []
    findings: list[Finding] = []
    for entry in files:
        if entry.name != "package.json" or not wanted:
            continue
        folder = os.path.dirname(entry.abspath)
        modules = os.path.join(folder, "node_modules")
        if os.path.islink(modules) or not os.path.isdir(modules):
            continue
        installed, problems = read_node_modules(Path(modules))
        base = "" if entry.parent == "." else entry.parent + "/"
        findings += [_unread(base + "node_modules", None, p.message.replace(folder + os.sep, base))
                     for p in problems[:MAX_LISTED]]
        for package in installed:
            if package.name not in wanted:
                continue
            shown = base + os.path.relpath(package.where, folder).replace(os.sep, "/")
            raw = (package.license_expression or package.license or "").strip()
            if raw:
                form = RawForm.SPDX if package.license_expression else RawForm.NAME
                evidence = Evidence(shown, "node-modules", raw, None, "license", 1.0)
                claims.append(Claim("ref:" + package_id(Ecosystem.NPM, package.name), ClaimScope.FILE, raw, form,
                                    (evidence,)))
    return claims, findings


def _why(decl: Declared, env_given: bool, installed: set[str]) -> str:
    if not env_given:
        return "no environment"
    if decl.ecosystem is not Ecosystem.PYPI:
        return f"{decl.ecosystem.value} packages are not read from --deps-env"
    return "installed, but its metadata states no license" if decl.name in installed else "not installed"


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    read = declared(files)
    found, findings = read.found, read.findings
    claims = [c for installed, path in read.recorded for c in _recorded_claims(installed, path)]
    recorded = {c.target for c in claims}  # a lock file's recorded license wins over node_modules' copy
    npm = {d.name for d, _ in found if d.ecosystem is Ecosystem.NPM
           and "ref:" + package_id(Ecosystem.NPM, d.name) not in recorded}
    more, notes = node_modules_claims(files, npm)
    claims += more
    findings += notes
    installed_names: set[str] = set()
    if ctx.deps_env is not None:
        from license_check.collect.deps import installed  # the environment: read only when asked for

        env = installed.read(ctx.deps_env, [d for d, _ in found], knowledge=ctx.knowledge)
        ctx.log(f"dependencies: environment {ctx.deps_env} ({env.found or 'not found'}): {len(env.versions)} "
                f"distributions reached, {len(env.transitive)} of them not declared by the repository")
        findings += env.findings
        found = [(replace(d, version=env.versions.get(d.name, d.version)) if d.ecosystem is Ecosystem.PYPI else d, s)
                 for d, s in found]
        found += [(d, installed.ENV_SOURCE) for d in env.transitive]
        claims += env.claims
        installed_names = set(env.versions)
    resolved = {c.target.removeprefix("ref:") for c in claims}
    defaults = sorted((d for d, _ in found if d.group is Group.DEFAULT and d.direct),
                      key=lambda d: (d.name, d.path, d.line or 0))
    env_given = ctx.deps_env is not None
    missing = {(d.ecosystem, d.name): (d, _why(d, env_given, installed_names)) for d in reversed(defaults)
               if package_id(d.ecosystem, d.name) not in resolved}
    note = unresolved_finding(sorted(missing.values(), key=lambda p: p[0].name), ctx.deps_env is not None)
    return DetectorResult(claims=tuple(claims), findings=(*findings, *((note,) if note else ())),
                          artifacts=tuple(artifacts(found)))
