"""The assemble stage in one pass: collected evidence in, components with their lineage traced and their
license resolved out. Nothing here judges: judge/stage.py takes ``Assembled`` from here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from license_check.assemble import artifacts as artifacts_stage
from license_check.assemble import lineage
from license_check.assemble.components import file_owners, group
from license_check.assemble.resolve import Resolution, resolve
from license_check.knowledge.book import Knowledge
from license_check.model import Artifact, Claim, Component, FileEntry, Finding, Kind


@dataclass(frozen=True, slots=True)
class Assembled:
    components: tuple[Component, ...]  # parents before children, references last
    roots: frozenset[str]  # the folders that are components of the tree (not references)
    resolved: Mapping[str, Resolution]  # by component id
    traces: Mapping[str, lineage.LineageResult]  # by component id
    findings: tuple[Finding, ...]
    project_license: str | None  # what the repository declares for itself (its root component)


def assemble(files: Sequence[FileEntry], claims: Sequence[Claim], artifacts: Sequence[Artifact],
             knowledge: Knowledge) -> Assembled:
    norm = knowledge.normalizer
    components = artifacts_stage.route(group(files, list(claims), list(artifacts)), knowledge.known)
    roots = {c.path for c in components if c.ref is None}
    files_of: dict[str, list[str]] = {c.path: [] for c in components if c.ref is None}
    for entry, folder in zip(files, file_owners(files, roots), strict=True):
        files_of[folder].append(entry.path)
    resolved: dict[str, Resolution] = {}
    traces: dict[str, lineage.LineageResult] = {}
    findings: list[Finding] = []
    project_license: str | None = None
    for component in components:  # parents first: a child inherits what its parent resolved
        traced = lineage.trace(component, knowledge.known, norm)
        inherited = [(i.expression, ev) for i, ev in zip(traced.inherited, traced.evidence(), strict=True)]
        resolution = resolve(component, files_of.get(component.path, []) if component.ref is None else [], inherited,
                             norm)
        if component.ref is not None and not component.claims and not inherited:
            unread = "dependency-unresolved" if component.kind is Kind.DEPENDENCY else "external-artifact"
            resolution = replace(resolution, findings=(), problems=(unread,))
        resolution = artifacts_stage.inherit(component, resolution, resolved, roots)
        resolved[component.id], traces[component.id] = resolution, traced
        if component.path == "." and component.ref is None:
            project_license = norm.rendered(resolution.declared_own) if resolution.declared_own else None
        findings += [*resolution.findings, *traced.findings, *artifacts_stage.external_findings(component, resolution)]
    return Assembled(tuple(components), frozenset(roots), resolved, traces, tuple(findings), project_license)
