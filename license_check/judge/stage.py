"""The judge stage: every assembled component judged against the rules for the use mode, lineage terms
applied, then the combined works (OR branches elected jointly, derivations, merges, datasets).
Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace

from license_check.assemble.stage import Assembled
from license_check.judge import training, works
from license_check.judge.analyze import Context, judge_component
from license_check.knowledge.compat import CompatBook
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Finding, JudgedComponent


@dataclass(frozen=True, slots=True)
class Judged:
    components: tuple[JudgedComponent, ...]  # in the assembled order
    conflicts: tuple[tuple[works.Incompatibility, Finding], ...]
    findings: tuple[Finding, ...]  # lineage terms, judgement notes (after the election), conflicts


def judge(assembled: Assembled, rules: RuleBook, ctx: Context, compat: CompatBook,
          strict_training: bool) -> Judged:
    judged: list[JudgedComponent] = []
    findings: list[Finding] = []
    notes: dict[str, list[Finding]] = {}
    for component in assembled.components:
        traced, resolution = assembled.traces[component.id], assembled.resolved[component.id]
        findings += training.training_findings(component, traced, rules)
        findings += training.drift(component, resolution.declared_own, traced, rules)
        verdict, more = judge_component(resolution, rules, ctx)
        verdict = replace(verdict, lineage=traced.lineage)
        if strict_training:
            verdict = training.strict_training(verdict, rules, ctx)
        judged.append(verdict)
        notes[component.id] = more
    elected, conflicts, rejudged = works.analyse(judged, assembled.resolved, assembled.traces, rules, ctx, compat)
    notes.update(rejudged)
    findings += [f for found in notes.values() for f in found] + [f for _, f in conflicts]
    return Judged(tuple(elected), tuple(conflicts), tuple(findings))
