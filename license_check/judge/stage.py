"""The judge stage: every assembled component judged against the rules for the use mode, lineage terms
applied, then the combined works (OR branches elected jointly, derivations, merges, datasets).
Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace

from license_check.assemble.stage import Assembled
from license_check.judge import training, works
from license_check.judge.analyze import Context, judge_component, judge_expression
from license_check.knowledge.compat import CompatBook
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Finding, JudgedComponent, Lineage, Use


@dataclass(frozen=True, slots=True)
class Judged:
    components: tuple[JudgedComponent, ...]  # in the assembled order
    conflicts: tuple[tuple[works.Incompatibility, Finding], ...]
    findings: tuple[Finding, ...]  # lineage terms, judgement notes (after the election), conflicts


def _judged(edge: Lineage, rules: RuleBook, ctx: Context) -> Lineage:
    """The edge with the commercial use of its license alone (a lineage graph colours by it)."""
    use = judge_expression(edge.license, rules, ctx).use if edge.license else Use.UNKNOWN
    return replace(edge, commercial_use=use)


def judge(assembled: Assembled, rules: RuleBook, ctx: Context, compat: CompatBook,
          strict_training: bool) -> Judged:
    # The OR election first (it needs only the resolutions), so that every component is judged once.
    elections, found = works.elect_work(assembled.components, assembled.resolved, assembled.traces, rules, ctx,
                                        compat)
    judged: list[JudgedComponent] = []
    findings: list[Finding] = []
    for component in assembled.components:
        traced, resolution = assembled.traces[component.id], assembled.resolved[component.id]
        findings += training.training_findings(component, traced, rules, ctx)
        findings += training.drift(component, resolution.declared_own, traced, rules, ctx)
        verdict, notes = judge_component(resolution, rules, ctx, elect=elections.get(component.id))
        verdict = replace(verdict, lineage=tuple(_judged(x, rules, ctx) for x in traced.lineage))
        if strict_training:
            verdict = training.strict_training(verdict, rules, ctx)
        judged.append(verdict)
        findings += notes
    conflicts = works.check_works(judged, found, assembled.resolved, assembled.traces, rules, ctx, compat)
    findings += [f for _, f in conflicts]
    return Judged(tuple(judged), tuple(conflicts), tuple(findings))
