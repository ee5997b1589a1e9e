"""Lineage: a model carries the terms of the models it derives from, and names its training data.

A fine-tune, adapter or quantized copy of a base model is bound by the base's license; a merge by
every parent's. The effective license of such a component is its own declaration AND its bases'
licenses, looked up in rules/models.toml (``known.lookup``). Training datasets named in a card
are reported with their licenses (``trained-on``); non-commercial, share-alike and no-derivatives
data is a finding. No I/O beyond the rules tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from license_check.findings import make_finding
from license_check.judge.analyze import Context, judge_expression, render_expression
from license_check.knowledge import known
from license_check.knowledge.rulebook import RuleBook
from license_check.model import (
    ArtifactRef,
    Component,
    Evidence,
    Finding,
    JudgedComponent,
    Lineage,
    Location,
    Reason,
    Use,
    UseMode,
    worst,
)

DERIVATION = ("finetune", "adapter", "quantized", "merge")
TRAINED_ON = "trained-on"
# What a training dataset's license does to a model trained on it, from its facts (rules/ training_data),
# or else from its restriction codes. "none" and "attribution" are not findings.
_TRAINING_TERMS = ("non-commercial", "share-alike", "no-derivatives", "restricted", "unknown")


@dataclass(frozen=True, slots=True)
class Inherited:
    """A base model's license that flows into the component."""

    expression: str
    ref: ArtifactRef


@dataclass(frozen=True, slots=True)
class LineageResult:
    lineage: tuple[Lineage, ...]
    inherited: tuple[Inherited, ...]
    findings: tuple[Finding, ...]

    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(Evidence(i.ref.evidence.path, "lineage", i.expression, i.ref.evidence.line,
                              i.ref.evidence.key, None) for i in self.inherited)


def trace(component: Component, rules: RuleBook) -> LineageResult:
    """Look up every lineage edge of ``component`` in the known-models table."""
    lineage: list[Lineage] = []
    inherited: list[Inherited] = []
    findings: list[Finding] = []
    cid = component.id
    for edge in component.lineage:
        where = [Location(edge.evidence.path, edge.evidence.line)]
        is_data = edge.relation == TRAINED_ON
        hit = known.lookup(edge.ref, "dataset" if is_data else "model")
        expression = render_expression(hit.license) if hit else None
        lineage.append(Lineage(edge.relation, edge.ref, expression))
        if hit is None:
            if not is_data:
                findings.append(make_finding(
                    "unverified-lineage",
                    f"Component {cid!r} derives ({edge.relation}) from {edge.ref!r}, whose license the rules "
                    "do not know; its terms flow down to this component but were not checked.",
                    where, [cid]))
            continue
        if is_data:
            terms = training_terms(hit.license, rules)
            if terms:
                findings.append(make_finding(
                    "training-data-terms",
                    f"Component {cid!r} names training data {edge.ref!r} under {expression} ({', '.join(terms)}; "
                    f"source: {hit.source}). A conservative reading carries these terms to the trained model.",
                    where, [cid]))
            continue
        inherited.append(Inherited(hit.license, edge))
    return LineageResult(tuple(lineage), tuple(inherited), tuple(findings))


def training_terms(expression: str, rules: RuleBook) -> list[str]:
    """The material terms a dataset license places on models trained on it (empty: none known)."""
    verdict = judge_expression(expression, rules)
    terms: set[str] = set()
    for key in {r.license for r in verdict.reasons if r.license}:
        facts = rules.facts(key)
        value = getattr(facts, "training_data", None) if facts else None
        if isinstance(value, str) and value in _TRAINING_TERMS:
            terms.add(value)
    codes = {d.code for d in (*verdict.restrictions, *verdict.obligations)}
    terms |= {c for c in ("non-commercial", "share-alike", "no-derivatives") if c in codes}
    if verdict.use is Use.PROHIBITED:
        terms.add("non-commercial")
    return sorted(terms)


def drift(component: Component, own: str | None, result: LineageResult, rules: RuleBook) -> list[Finding]:
    """``license-drift``: the component declares terms more permissive than a base it derives from
    (or a quantized copy declares anything other than its source's license)."""
    if own is None:
        return []
    out: list[Finding] = []
    own_use = judge_expression(own, rules).use
    for item in result.inherited:
        base_use = judge_expression(item.expression, rules).use
        same = render_expression(item.expression) == render_expression(own)
        looser = own_use.badness < base_use.badness
        relabelled = item.ref.relation == "quantized" and not same
        if (looser or relabelled) and not same:
            out.append(make_finding(
                "license-drift",
                f"Component {component.id!r} declares {render_expression(own)} but is a {item.ref.relation} of "
                f"{item.ref.ref!r}, which is under {render_expression(item.expression)}"
                f" ({base_use.value} vs {own_use.value}); the base's terms apply too.",
                [Location(item.ref.evidence.path, item.ref.evidence.line)], [component.id]))
    return out


def combined(own: str | None, inherited: Sequence[Inherited]) -> str | None:
    """The effective expression: the component's own AND every base's (own first, bases sorted)."""
    bases = sorted({i.expression for i in inherited} - ({own} if own else set()))
    parts = ([own] if own else []) + bases
    if not parts:
        return None
    return " AND ".join(f"({p})" if " OR " in p else p for p in parts)


# Strict reading of training-data terms: what each term does to a model trained on the data.
_STRICT_USE = {"non-commercial": Use.PROHIBITED, "share-alike": Use.CONDITIONAL, "no-derivatives": Use.CONDITIONAL,
               "restricted": Use.CONDITIONAL, "unknown": Use.UNKNOWN}


def strict_training(judged: JudgedComponent, rules: RuleBook, ctx: Context) -> JudgedComponent:
    """Policy ``training_data = "strict"``: the terms of the training data apply to the trained model.

    Non-commercial data makes the model prohibited, share-alike, no-derivatives or otherwise restricted
    data conditional (no-derivatives: prohibited when releasing weights), and data whose license is not
    known makes it unknown. The lenient default only reports ``training-data-terms``.
    """
    uses = [judged.commercial_use]
    reasons = list(judged.reasons)
    for edge in judged.lineage:
        if edge.relation != TRAINED_ON:
            continue
        if edge.license is None:
            uses.append(Use.UNKNOWN)
            reasons.append(Reason("training-data", edge.ref, f"Trained on {edge.ref!r}, whose license is not known "
                                                             "(strict reading of training-data terms)."))
            continue
        for term in training_terms(edge.license, rules):
            use = _STRICT_USE.get(term, Use.UNKNOWN)
            if term == "no-derivatives" and ctx.mode is UseMode.RELEASE_WEIGHTS:
                use = Use.PROHIBITED
            uses.append(use)
            reasons.append(Reason("training-data", edge.license, (
                f"Trained on {edge.ref!r} under {edge.license} ({term}); the strict reading of training-data terms "
                f"carries them to the model: {use.value}.")))
    use = worst(uses)
    if use is judged.commercial_use and len(reasons) == len(judged.reasons):
        return judged
    return replace(judged, commercial_use=use,
                   reasons=tuple(sorted(set(reasons), key=lambda r: (r.code, r.license, r.text))))
