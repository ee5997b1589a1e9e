"""``--deps-env``: the licenses of the declared Python dependencies, read where they are installed.

``read`` locates the environment (environment.py), reads its distributions (distributions.py) and
follows the declared requirements through it (closure.py). It gives the claims on each dependency found
(target ``ref:<purl>``, evidence ``env:<path in site-packages>``), the dependencies the closure reached
that the repository does not declare itself (transitive, with the chain that pulls each in), the
installed versions, and findings for what could not be read. ``fingerprint`` is the environment as the
report cache keys it: a stored report never outlives a change to what is installed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from license_check.collect.deps import closure as closing
from license_check.collect.deps.distributions import read_site
from license_check.collect.deps.environment import Location, locate
from license_check.collect.deps.model import Declared, Ecosystem, Installed, ReadProblem
from license_check.collect.reading import LICENSE_TEXT_CAP, read_text
from license_check.collect.textid import fastpath
from license_check.findings import make_finding
from license_check.knowledge.book import Knowledge
from license_check.model import Claim, ClaimScope, Evidence, Finding, RawForm
from license_check.model import Location as Where

ENV_SOURCE = "dist-info"  # the evidence source of a license read from an installed distribution
_GROUP_RANK = {"default": 0, "optional": 1, "dev": 2}
MAX_LICENSE_FILES = 4  # license files of one distribution identified when its metadata names no license


@dataclass(frozen=True, slots=True)
class EnvRead:
    claims: tuple[Claim, ...] = ()
    transitive: tuple[Declared, ...] = ()  # reached through Requires-Dist, not declared by the repository
    versions: dict[str, str] = field(default_factory=dict)  # normalized name -> installed version
    findings: tuple[Finding, ...] = ()
    found: str = ""  # how the environment was located ("venv", "auto: $VIRTUAL_ENV", "interpreter")


def _shown(where: str, sites: Sequence[Path]) -> str:
    """A metadata path as the report names it: ``env:`` and its path inside its site folder."""
    for site in sites:
        try:
            return "env:" + Path(where).resolve().relative_to(site.resolve()).as_posix()
        except (ValueError, OSError):
            continue
    return "env:" + Path(where).name


def license_claims(ref: str, dist: Installed, shown: str, knowledge: Knowledge | None = None,
                   sites: Sequence[Path] = ()) -> list[Claim]:
    """What an installed distribution says of its license, best tier only: PEP 639 License-Expression;
    else the License field when it is a name (one short line, not a license text); else its license
    classifiers (each a claim: resolve ANDs them, the fail-safe reading of a list); else the license files
    it ships, identified by the fast path (a text it does not know gives no claim: unknown)."""
    target = "ref:" + ref

    def claim(raw: str, form: RawForm, key: str) -> Claim:
        return Claim(target, ClaimScope.FILE, raw, form, (Evidence(shown, ENV_SOURCE, raw, None, key, 1.0),))

    text = (dist.license or "").strip()
    if dist.license_expression and dist.license_expression.strip():
        return [claim(dist.license_expression.strip(), RawForm.SPDX, "License-Expression")]
    if text and len(text) <= 200 and "\n" not in text and text.upper() not in {"UNKNOWN", "NONE"}:
        stated = [claim(text, RawForm.NAME, "License")]
    else:
        stated = [claim(c, RawForm.CLASSIFIER, "Classifier") for c in dist.classifiers]
    if knowledge is None or (stated and all(_exact(c, knowledge) for c in stated)):
        return stated
    # a family name ("BSD", "License :: OSI Approved :: BSD License") or nothing: the license texts the
    # distribution ships say which license it is; the vague statement stays beside them as evidence
    return [*_file_claims(target, dist, knowledge, sites), *stated]


def _exact(claim: Claim, knowledge: Knowledge) -> bool:
    found = knowledge.normalizer.read(claim.raw or "", claim.form)
    return found.expression is not None and not found.unknown_ids and not found.candidates


def _file_claims(target: str, dist: Installed, knowledge: Knowledge, sites: Sequence[Path]) -> list[Claim]:
    out = []
    for path in dist.license_files[:MAX_LICENSE_FILES]:
        read = read_text(path, LICENSE_TEXT_CAP)
        found = fastpath.match_license_text(read.text, knowledge) if read.text and not read.truncated else None
        if found is not None:
            out.append(Claim(target, ClaimScope.FILE, found.expression, RawForm.SPDX, (Evidence(
                _shown(path, sites), ENV_SOURCE, found.expression, None, "License-File", found.score),)))
    return out


def _extras(decl: Declared) -> frozenset[str]:
    try:
        return frozenset(Requirement(decl.spec).extras)
    except InvalidRequirement:
        return frozenset()


def read(spec: str, declared: Sequence[Declared], env: dict[str, str] | None = None,
         knowledge: Knowledge | None = None) -> EnvRead:
    """The environment ``spec`` names, read for ``declared`` (only the Python ones are looked up);
    ``knowledge``: the scan's, to identify license files by the fast path."""
    where = locate(spec, dict(os.environ) if env is None else env)
    if isinstance(where, ReadProblem):
        return EnvRead(findings=(make_finding(
            "dependency-environment", f"--deps-env {spec}: {where.message}; no dependency license was read.", []),))
    return _read(where, [d for d in declared if d.ecosystem is Ecosystem.PYPI], knowledge)


def _read(where: Location, declared: Sequence[Declared], knowledge: Knowledge | None) -> EnvRead:
    site = read_site(where.site_dirs)
    installed = {d.name: d for d in site.installed}
    roots: dict[str, Declared] = {}
    for decl in sorted(declared, key=lambda d: (_GROUP_RANK.get(d.group.value, 9), d.path, d.line or 0)):
        roots.setdefault(decl.name, decl)
    closed = closing.closure(((d.name, _extras(d)) for d in roots.values()), installed, where.markers,
                             unreadable=site.unreadable)
    claims: list[Claim] = []
    transitive: list[Declared] = []
    for reached in closed.reached:
        dist = reached.installed
        ref = Declared(dist.name, Ecosystem.PYPI, "", "", None, None).purl
        claims += license_claims(ref, dist, _shown(dist.where, where.site_dirs), knowledge, where.site_dirs)
        if dist.name in roots:
            continue
        origin = roots.get(reached.chain[-1]) if reached.chain else None
        if origin is not None:
            transitive.append(replace(origin, name=dist.name, spec=reached.path, key=f"required: {reached.path}",
                                      version=dist.version, marker=None, direct=False))
    findings = [make_finding("unreadable-dependencies", f"{p.path}: {p.message}", [])
                for p in (*site.problems, *closed.problems)]
    unreached = [m for m in closed.missing if m.chain]  # declared ones: dependency-unresolved
    if unreached:
        listed = "; ".join(f"{m.path} ({m.reason})" for m in unreached[:8])
        more = f" and {len(unreached) - 8} more" if len(unreached) > 8 else ""
        findings.append(make_finding(
            "dependency-unresolved", f"{len(unreached)} required distribution(s) missing from the environment "
            f"({where.found}): {listed}{more}. Their terms are unknown.",
            [Where(roots[m.chain[-1]].path, roots[m.chain[-1]].line) for m in unreached[:8]
             if m.chain[-1] in roots]))
    versions = {r.installed.name: r.installed.version for r in closed.reached}
    return EnvRead(tuple(claims), tuple(transitive), versions, tuple(findings), where.found)


def fingerprint(spec: str) -> str:
    """The environment as the report cache keys it: where it is, and every distribution folder in it with
    the size and times of its metadata (a reinstall changes them)."""
    where = locate(spec, dict(os.environ))
    digest = hashlib.blake2b(digest_size=16)
    if isinstance(where, ReadProblem):
        digest.update(f"problem {where.message}".encode())
        return digest.hexdigest()
    digest.update(repr((where.found, where.python_version, sorted(where.markers.items()))).encode())
    for folder in where.site_dirs:
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            digest.update(f"{folder} unreadable {exc.errno}".encode())
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            meta = folder / name / ("METADATA" if name.endswith(".dist-info") else "PKG-INFO")
            try:
                st = os.stat(meta, follow_symlinks=False)
                line = f"{name} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
            except OSError:
                line = f"{name} -"
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()
