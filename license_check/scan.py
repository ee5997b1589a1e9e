"""The pipeline: discover -> detect -> group -> resolve -> analyze -> policy -> Report.

No printing and no exit codes here: the CLI renders the Report and decides the exit code.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from license_check import __version__
from license_check import normalize as norm
from license_check.analyze import combine, judge_component, render_expression
from license_check.components import group, owner
from license_check.detectors import DETECTORS, license_files, manifests
from license_check.detectors.base import DetectorResult, ScanContext
from license_check.discover import discover
from license_check.findings import make_finding
from license_check.model import Claim, FileEntry, Finding, JudgedComponent, Location, Report, Use, worst
from license_check.policy import Policy, default_policy
from license_check.resolve import resolve
from license_check.rules import load_rules


def _no_log(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ScanOptions:
    exclude: tuple[str, ...] = ()
    use_scancode: bool = True
    log: Callable[[str], None] = _no_log
    policy: Policy | None = None


def _guarded(name: str, step: Callable[[], DetectorResult], ctx: ScanContext) -> DetectorResult:
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - one broken detector must not stop the scan
        ctx.log(f"detector {name} failed:\n{traceback.format_exc()}")
        return DetectorResult(findings=(make_finding(
            "detector-error",
            f"The {name} detector failed ({type(exc).__name__}: {exc}); its evidence is missing. "
            "This is a bug in license-check.", [Location(".")]),))


def run_detectors(files: Sequence[FileEntry], ctx: ScanContext) -> tuple[list[Claim], list[Finding]]:
    results = {name: _guarded(name, partial(detect, files, ctx), ctx) for name, detect in DETECTORS}
    # Second phase: license files that manifests point to under names no detector recognises.
    owners = results[manifests.NAME].extra.get("license_file_owners", {})
    if isinstance(owners, dict) and owners:
        results["pointed-license-files"] = _guarded(
            "pointed-license-files", lambda: license_files.identify_pointed(files, owners, ctx), ctx)
    claims = [c for r in results.values() for c in r.claims]
    findings = [f for r in results.values() for f in r.findings]
    return claims, findings


def _attach(finding: Finding, roots: set[str]) -> Finding:
    if finding.components or not finding.locations:
        return finding
    comps = sorted({owner(loc.path, roots, is_dir=loc.path in roots) for loc in finding.locations})
    return replace(finding, components=tuple(comps))


def _sort_key(finding: Finding) -> tuple[int, str, str, str]:
    first = finding.locations[0].path if finding.locations else ""
    return (finding.severity.rank, finding.rule, first, finding.message)


def scan(root: str, options: ScanOptions | None = None) -> Report:
    """Scan the repository at ``root`` (an existing directory) and judge it."""
    options = options or ScanOptions()
    rules = load_rules()
    policy = options.policy or default_policy()
    ctx = ScanContext(log=options.log, use_scancode=options.use_scancode)

    found = discover(root, exclude=options.exclude)
    options.log(f"discovered {len(found.files)} files; ignored trees: {', '.join(found.ignored_dirs) or 'none'}")
    claims, detector_findings = run_detectors(found.files, ctx)
    components = group(found.files, claims)
    roots = {c.path for c in components}
    files_of: dict[str, list[str]] = {c.path: [] for c in components}
    for entry in found.files:
        files_of[owner(entry.path, roots)].append(entry.path)

    judged: list[JudgedComponent] = []
    findings: list[Finding] = [*found.findings, *detector_findings]
    project_license: str | None = None
    for component in components:
        resolution = resolve(component, files_of[component.path])
        if component.path == ".":  # what the repository declares for itself, before per-file differences
            project_license = render_expression(resolution.declared_own) if resolution.declared_own else None
        findings.extend(resolution.findings)
        verdict, more = judge_component(resolution, rules)
        judged.append(verdict)
        findings.extend(more)

    findings = sorted({_attach(f, roots) for f in findings}, key=_sort_key)
    use = combine(judged)
    broken = any(f.rule == "detector-error" for f in findings)
    if broken:  # evidence is missing: whatever the components say, the answer cannot be better than unknown
        use = worst([use, Use.UNKNOWN])
    return Report(
        root=root,
        tool_version=__version__,
        licensedb_version=norm.licensedb_version(),
        policy=policy.echo(),
        project_license=project_license,
        commercial_use=use,
        verdict=policy.verdict(use),
        components=tuple(sorted(judged, key=lambda c: c.component.path)),
        findings=tuple(findings),
        coverage={
            "code": "analysed" if found.complete and not broken else "partial",
            "license-texts": "analysed" if options.use_scancode else "partial",
            "dependencies": "not-analysed",
            "model-weights": "not-analysed",
            "datasets": "not-analysed",
        },
        scan={
            "files": len(found.files),
            "ignored": list(found.ignored_dirs),
            "excluded": list(found.excluded),
            "gitignored": found.gitignored,
            "complete": found.complete,
        },
    )
