"""The collect stage run: the walk, every detector through the per-file session, and the digest of what they read.

The detectors other than the file-local ones run first, then the digest of the evidence (``collect``): the
file-local results are known by then without being loaded (the per-file session's fingerprint), so a caller
holding a report made from the same evidence (run.py: the report cache's second key) takes it, and nothing
else runs. The file-local detectors' results, loaded only now, complete the Collected. Each detector is a
function of the files: the order they run in changes no result, and results are listed in the registry's.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from license_check.cache import session as cache
from license_check.cache.store import canonical
from license_check.collect.detectors import DETECTORS, license_files
from license_check.collect.detectors.base import DetectorResult, Registered, ScanContext
from license_check.collect.digests import pinned_digests
from license_check.collect.discover import Discovery, discover
from license_check.errors import LicenseCheckError
from license_check.findings import make_finding
from license_check.knowledge.book import Knowledge
from license_check.model import Artifact, Claim, FileEntry, Finding, Location
from license_check.pipeline.options import ScanOptions
from license_check.policy.model import Policy
from license_check.policy.pins import pinned_paths

_T = TypeVar("_T")
POINTED = "pointed-license-files"  # the second phase's name among the detectors' results


def _guarded(name: str, step: Callable[[], DetectorResult], ctx: ScanContext) -> DetectorResult:
    try:
        return step()
    except LicenseCheckError:  # broken rules read on the way (rules/ is loaded lazily in parts): exit 2
        raise
    except Exception as exc:  # noqa: BLE001 - one broken detector must not stop the scan
        ctx.log(f"detector {name} failed:\n{traceback.format_exc()}")
        return DetectorResult(findings=(make_finding(
            "detector-error",
            f"The {name} detector failed ({type(exc).__name__}: {exc}); its evidence is missing. "
            "This is a bug in license-check.", [Location(".")]),))


def run_detectors(files: Sequence[FileEntry], ctx: ScanContext) -> tuple[list[Claim], list[Finding], list[Artifact]]:
    return _flatten(_local(files, ctx, _others(files, ctx)))


def _run(detectors: Sequence[Registered], files: Sequence[FileEntry], ctx: ScanContext) -> dict[str, DetectorResult]:
    return {d.name: _guarded(d.name, partial(cache.run_detector, d.name, d.detect, files, ctx), ctx) for d in detectors}


def _owners(results: Mapping[str, DetectorResult]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for result in results.values():  # manifests and cards may point to license files by name
        pointed = result.extra.get("license_file_owners", {})
        if isinstance(pointed, dict):
            owners.update({str(k): str(v) for k, v in pointed.items()})
    return owners


def _pointed(files: Sequence[FileEntry], owners: dict[str, str], ctx: ScanContext) -> dict[str, DetectorResult]:
    """The second phase: license files that manifests point to under names no detector recognises."""
    if not owners:
        return {}
    return {POINTED: _guarded(POINTED, lambda: license_files.identify_pointed(files, owners, ctx), ctx)}


def _others(files: Sequence[FileEntry], ctx: ScanContext) -> dict[str, DetectorResult]:
    """Every detector but the file-local ones, and the license files they point to (each detector is a function
    of the files: the order they run in changes nothing but this one's place)."""
    results = _run([d for d in DETECTORS if not d.file_local], files, ctx)
    return {**results, **_pointed(files, _owners(results), ctx)}


def _local(files: Sequence[FileEntry], ctx: ScanContext,
           others: dict[str, DetectorResult]) -> dict[str, DetectorResult]:
    """The file-local detectors' results beside ``others``, in the registry's order, the pointed files last."""
    local = _run([d for d in DETECTORS if d.file_local], files, ctx)
    results = {d.name: local[d.name] if d.file_local else others[d.name] for d in DETECTORS}
    owners = _owners(results)
    if owners != _owners({k: v for k, v in others.items() if k != POINTED}):  # a file-local one pointed too
        results.update(_pointed(files, owners, ctx))
    elif POINTED in others:
        results[POINTED] = others[POINTED]
    return results


def _flatten(results: Mapping[str, DetectorResult]) -> tuple[list[Claim], list[Finding], list[Artifact]]:
    claims = [c for r in results.values() for c in r.claims]
    findings = [f for r in results.values() for f in r.findings]
    artifacts = [a for r in results.values() for a in r.artifacts]
    return claims, findings, artifacts


def _evidence(root: str, found: Discovery, file_local: bytes, others: Mapping[str, DetectorResult],
              digests: Mapping[str, tuple[str | None, str]]) -> bytes:
    """The digest of everything the later stages read of a scan (see collect): the root, what discovery found
    (the files' paths: decide reads no size or stat of them), the file-local results (the session's
    fingerprint), every other detector's result, and the pinned files' digests."""
    evidence = hashlib.blake2b(b"evidence", digest_size=24)
    evidence.update(root.encode("utf-8", "surrogateescape") + b"\0")
    evidence.update("\0".join(f.path for f in found.files).encode("utf-8", "surrogateescape") + b"\0")
    evidence.update(canonical(replace(found, files=(), stats={})))  # the stats are not content
    evidence.update(file_local)
    evidence.update(canonical([(name, others[name]) for name in sorted(others)]))
    evidence.update(canonical(sorted(digests.items())))
    return evidence.digest()


@dataclass(frozen=True, slots=True)
class Collected:
    """What the collect stage read of the scanned tree: everything the later stages work from."""

    root: str
    found: Discovery
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]
    artifacts: tuple[Artifact, ...]
    digests: Mapping[str, tuple[str | None, str]]  # the pinned files' sha256 (collect.digests)


def collect(root: str, options: ScanOptions, knowledge: Knowledge, policy: Policy,
            reuse: Callable[[bytes], _T | None] | None = None) -> tuple[Collected | None, _T | None, bytes | None]:
    """The collect stage: the walk, every detector (through the per-file cache) and the pinned digests. The
    file-local detectors run last: when ``reuse`` knows the evidence of the others and the digest of the
    file-local results (the per-file session's fingerprint, which needs none of them loaded), what it gives is
    returned instead (a rescan after an edit that changed no result: no stage after this one runs)."""
    ctx = ScanContext(log=options.log, use_scancode=options.use_scancode, knowledge=knowledge,
                      deps_env=options.deps_env)
    found = options.discovery or discover(root, exclude=options.exclude, keep_stats=options.cache)
    options.log(f"discovered {len(found.files)} files; ignored trees: {', '.join(found.ignored_dirs) or 'none'}")
    digests = pinned_digests(root, pinned_paths(policy))
    with cache.scan_session(found.files, ctx, rules_version=knowledge.version, jobs=options.jobs,
                            use_cache=options.cache, progress=options.progress, tree=os.path.abspath(root),
                            seen=found.stats) as session:
        others = _others(found.files, ctx)  # while the file-local workers run
        evidence = None
        if session is not None:
            session.settle(options.log)
        if session is not None and session.fingerprint is not None:
            evidence = _evidence(root, found, session.fingerprint, others, digests)
        if reuse is not None and evidence is not None:
            reused = reuse(evidence)
            if reused is not None:
                return None, reused, evidence
        claims, detector_findings, artifacts = _flatten(_local(found.files, ctx, others))
    return Collected(root, found, tuple(claims), tuple(detector_findings), tuple(artifacts), digests), None, evidence
