"""The stages after collect, on what it read: clarify, assemble, judge, policy, explain; the Report.

Pure but for the clock (waivers expire) and --deps-env's description: no file of the scanned tree is read
here, and what collect found is used by path only (no size or stat: the report cache's evidence key holds
the paths, tests/cache/test_rescan.py checks it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

from license_check import __version__
from license_check.assemble.components import owner
from license_check.assemble.stage import assemble
from license_check.judge import explain
from license_check.judge.analyze import Context
from license_check.judge.stage import judge
from license_check.knowledge import duties
from license_check.knowledge.book import Knowledge
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Adoption, Finding, JudgedComponent, Kind, Report, Scope, Severity, Use
from license_check.pipeline.detect import Collected
from license_check.pipeline.options import ScanOptions
from license_check.policy import clarify, enforce
from license_check.policy.model import Policy
from license_check.policy.pins import check_pins, utc_today


def _attach(finding: Finding, roots: set[str]) -> Finding:
    if finding.components or not finding.locations:
        return finding
    comps = sorted({owner(loc.path, roots, is_dir=loc.path in roots) for loc in finding.locations})
    return replace(finding, components=tuple(comps))


def _sort_key(finding: Finding) -> tuple[int, str, str, str]:
    first = finding.locations[0].path if finding.locations else ""
    return (finding.severity.rank, finding.rule, first, finding.message)


def decide(collected: Collected, policy: Policy, options: ScanOptions, knowledge: Knowledge) -> Report:
    """Every stage after collect, on what collect read: clarify, assemble, judge, policy, the Report."""
    root, found, rules = collected.root, collected.found, knowledge.rules
    pins = check_pins(policy, collected.digests, options.today or utc_today())
    claims, detector_findings, artifacts, clarified = clarify.apply(
        policy.clarifications, pins.clarifications, collected.claims, collected.findings, collected.artifacts)
    if clarified:
        options.log(f"clarified by policy: {', '.join(clarified)}")
    assembled = assemble(found.files, claims, artifacts, knowledge)
    duty_book = knowledge.duties
    judging = Context(policy.use_mode, policy.organisation, duty_book, knowledge.normalizer)
    verdicts = judge(assembled, rules, judging, knowledge.compat, strict_training=policy.training_data == "strict")
    judged, conflicts, roots = list(verdicts.components), verdicts.conflicts, set(assembled.roots)
    project_license = assembled.project_license
    findings: list[Finding] = [*found.findings, *detector_findings, *enforce.clarification_notes(
        policy, pins.clarifications), *assembled.findings, *verdicts.findings]
    findings = sorted({_attach(f, roots) for f in findings}, key=_sort_key)
    shipped = [c for c in judged if in_repository(c, policy)]  # the repository answer's components
    use = enforce.repository_use(shipped, findings, policy.use_mode)
    adoption_use = enforce.repository_use(judged, findings, policy.use_mode)
    findings = _flag_stricter_references(findings, judged, use)
    findings = _quiet_adoption_dependencies(findings, judged, shipped)
    broken = any(f.rule == "detector-error" for f in findings)
    deciding = judged if policy.scope == Scope.ADOPTION else shipped
    outcome = enforce.enforce(policy, judged, findings, rules, pins.waivers, knowledge.normalizer,
                              deciding={c.component.id for c in deciding}, baseline=options.baseline)
    suppressed = {(f.rule, f.message) for f in outcome.findings if f.suppressed}
    failures = enforce.policy_failures(policy, outcome)
    marked = [(c, (f.rule, f.message) in suppressed) for c, f in conflicts]
    unread = [f for f in outcome.findings if f.rule in enforce.UNKNOWN_RULES]
    causes = explain.explain(shipped, marked, use, outcome.waived, rules, judging, failures, unread)
    adoption = Adoption(adoption_use, tuple(sorted((c for c in judged if c.component.ref is not None),
                                                   key=lambda c: (c.component.path, c.component.id))),
                        explain.explain(judged, marked, adoption_use, outcome.waived, rules, judging, failures,
                                        unread)
                        if adoption_use is not use else causes)
    if policy.own_clarifications:
        # The repository's own clarifications speak for its owner's pre-release check only: what an adopter
        # pulls in is judged on the evidence as found (issue 13: no self-waivers for adoption).
        as_found = decide(collected, policy.without_own_config(), options, knowledge)
        adoption = as_found.adoption or adoption
    checklist = duties.checklist([(c.component.id, [*c.obligations, *c.restrictions]) for c in shipped],
                                 policy.use_mode, duty_book)
    return Report(
        root=root,
        tool_version=__version__,
        licensedb_version=knowledge.normalizer.db_version,
        policy=policy.echo(),
        project_license=project_license,
        commercial_use=use,
        verdict=outcome.verdict,
        components=tuple(sorted(shipped, key=lambda c: (c.component.ref is not None, c.component.path,
                                                         c.component.id))),
        findings=outcome.findings,
        coverage={
            "code": "analysed" if found.complete and not broken else "partial",
            "license-texts": "analysed" if options.use_scancode else "partial",
            "dependencies": _dependency_coverage(judged),
            "model-weights": "analysed" if not broken else "partial",
            "datasets": "analysed" if not broken else "partial",
            "referenced-artifacts": "analysed" if not broken else "partial",
        },
        scan={
            "files": len(found.files),
            "ignored": list(found.ignored_dirs),
            "excluded": list(found.excluded),
            "gitignored": found.gitignored,
            "complete": found.complete,
            "content_from": found.source,  # "git": git's index decided what is content; "filesystem": the walk
            "not_content": [{"path": p, "why": why} for p, why in found.ignored_reasons],
            "skipped": [{"path": k.path, "why": k.reason} for k in found.skipped[:100]],
            "clarified": list(clarified),
            "waived": list(outcome.waived),
            "own_config": {  # the scanned repository's own [tool.license-check], if it applies
                "waivers": sorted(policy.own_waivers), "clarifications": sorted(policy.own_clarifications),
                "applies_to": "repository" if policy.own_waivers or policy.own_clarifications else "none",
            },
            **_environment(options.deps_env),
        },
        causes=causes,
        checklist=checklist,
        adoption=adoption,
        license_names=_license_names([*judged], rules),
    )


def in_repository(comp: JudgedComponent, policy: Policy | None = None) -> bool:
    """Whether ``comp`` counts in the repository answer: everything the tree ships, and the referenced
    models and weights whose terms the tree itself states (README or card prose, license files).
    Referenced datasets are inputs a user fetches and uses under their own terms; terms known only from
    rules/ (a hub id's license) bind whoever fetches the artifact; a reference with no terms is nobody's
    grant. All of them belong to the adoption answer, where unknown terms count as unknown, so that a
    download the tree merely points to never moves the repository's own answer (a stricter one is a
    warning)."""
    if comp.component.ref is None:
        return True
    if comp.component.kind is Kind.DEPENDENCY:  # installed with the code, its license read where installed
        groups = policy.dependency_groups if policy is not None else ("default",)
        counted = (comp.component.group or "default") in groups
        unread = comp.commercial_use is Use.UNKNOWN
        return counted and (not unread or (policy is not None and policy.unresolved_dependencies == "repository"))
    stated = any(e.source not in _NOT_STATED for e in comp.evidence)
    return stated and comp.component.kind in _RUN_ARTIFACTS and comp.commercial_use is not Use.UNKNOWN


_RUN_ARTIFACTS = frozenset({Kind.MODEL, Kind.WEIGHTS})


_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")


def _license_names(judged: Sequence[JudgedComponent], rules: RuleBook) -> dict[str, str]:
    """The reviewed names of the LicenseRef- ids in the components' licenses (the table shows them)."""
    out: dict[str, str] = {}
    for comp in judged:
        for ident in _LICENSE_REF.findall(comp.license or ""):
            facts = rules.facts(ident)
            if facts is not None and facts.name and facts.name != ident:
                out[ident] = facts.name
    return dict(sorted(out.items()))


def _environment(spec: str | None) -> dict[str, object]:
    """``scan.dependency_environment``: the --deps-env as given and how it was found ("auto: $VIRTUAL_ENV")."""
    if spec is None:
        return {}
    from license_check.collect.deps.environment import locate
    from license_check.collect.deps.model import ReadProblem

    where = locate(spec, dict(os.environ))
    found = f"not found: {where.message}" if isinstance(where, ReadProblem) else where.found
    python = None if isinstance(where, ReadProblem) else where.python_version
    return {"dependency_environment": {"given": spec, "found": found, "python": python}}


def _dependency_coverage(judged: Sequence[JudgedComponent]) -> str:
    """analysed: every default dependency's license was read where it is installed; partial: some were
    declared but not all read; not-analysed: no dependency file was found (or none declares any)."""
    deps = [c for c in judged if c.component.kind is Kind.DEPENDENCY and c.component.group == "default"]
    if not deps:
        return "not-analysed"
    return "analysed" if all(c.commercial_use is not Use.UNKNOWN for c in deps) else "partial"


# Evidence that does not state terms in the tree: the reference itself, and the rules' table of known
# hub ids (those terms bind whoever fetches the artifact: the adoption answer, with a warning).
_NOT_STATED = frozenset({"reference", "known-models"})


def _quiet_adoption_dependencies(findings: list[Finding], judged: Sequence[JudgedComponent],
                                 shipped: Sequence[JudgedComponent]) -> list[Finding]:
    """A finding about dependencies that count only in the adoption answer (unread, optional, dev) is
    info: it does not decide the repository's answer, and the table's dependencies section lists them."""
    counted = {c.component.id for c in shipped}
    apart = {c.component.id for c in judged if c.component.kind is Kind.DEPENDENCY and c.component.id not in counted}
    return [replace(f, severity=Severity.INFO) if f.components and set(f.components) <= apart
            and f.severity is not Severity.INFO else f for f in findings]


def _flag_stricter_references(findings: list[Finding], judged: Sequence[JudgedComponent], use: Use) -> list[Finding]:
    """``external-artifact`` becomes a warning where a reference's stated or known terms are more
    restrictive than the repository's own answer (a user who fetches it is bound by them)."""
    stricter = {c.component.id: c for c in judged if c.component.ref is not None
                and c.commercial_use is not Use.UNKNOWN and c.commercial_use.badness > use.badness}
    out = []
    for f in findings:
        hit = [stricter[c] for c in f.components if c in stricter] if f.rule == "external-artifact" else []
        if hit:
            f = replace(f, severity=Severity.WARNING, message=f"{f.message} Its terms ({hit[0].commercial_use.value}) "
                        "are more restrictive than the repository's own answer: they bind whoever fetches it.")
        out.append(f)
    return out
