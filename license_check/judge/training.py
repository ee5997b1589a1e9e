"""Judging a model by its lineage: the terms its training data carries (``training-data-terms``, and the
strict reading of policy ``training_data = "strict"``), and ``license-drift`` (a component declaring terms
looser than a base it derives from). assemble/lineage.py finds the edges; this module judges them."""

from __future__ import annotations

from dataclasses import replace

from license_check.assemble.lineage import TRAINED_ON, LineageResult
from license_check.findings import make_finding
from license_check.judge.analyze import Context, judge_expression
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Component, Finding, JudgedComponent, Location, Reason, Use, UseMode, worst

# What a training dataset's license does to a model trained on it, from its facts (rules/ training_data),
# or else from its restriction codes. "none" and "attribution" are not findings.
_TRAINING_TERMS = ("non-commercial", "share-alike", "no-derivatives", "restricted", "unknown")


def training_findings(component: Component, result: LineageResult, rules: RuleBook, ctx: Context) -> list[Finding]:
    """``training-data-terms``: the component names training data whose license carries material terms."""
    out = []
    rendered = ctx.normalizer.rendered
    for data in result.training:
        terms = training_terms(data.license, rules, ctx)
        if terms:
            out.append(make_finding(
                "training-data-terms",
                f"Component {component.id!r} names training data {data.ref!r} under "
                f"{rendered(data.license)} ({', '.join(terms)}; source: {data.source}). A conservative "
                "reading carries these terms to the trained model.", [data.where], [component.id]))
    return out


def training_terms(expression: str, rules: RuleBook, ctx: Context) -> list[str]:
    """The material terms a dataset license places on models trained on it (empty: none known), whatever
    the use mode (judged by commercial_use alone, with the context's normalizer)."""
    verdict = judge_expression(expression, rules, Context(norm=ctx.norm))
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


def drift(component: Component, own: str | None, result: LineageResult, rules: RuleBook,
          ctx: Context) -> list[Finding]:
    """``license-drift``: the component declares terms more permissive than a base it derives from
    (or a quantized copy declares anything other than its source's license)."""
    if own is None:
        return []
    out: list[Finding] = []
    plain, rendered = Context(norm=ctx.norm), ctx.normalizer.rendered  # whatever the use mode
    own_use = judge_expression(own, rules, plain).use
    for item in result.inherited:
        base_use = judge_expression(item.expression, rules, plain).use
        same = rendered(item.expression) == rendered(own)
        looser = own_use.badness < base_use.badness
        relabelled = item.ref.relation == "quantized" and not same
        if (looser or relabelled) and not same:
            out.append(make_finding(
                "license-drift",
                f"Component {component.id!r} declares {rendered(own)} but is a {item.ref.relation} of "
                f"{item.ref.ref!r}, which is under {rendered(item.expression)}"
                f" ({base_use.value} vs {own_use.value}); the base's terms apply too.",
                [Location(item.ref.evidence.path, item.ref.evidence.line)], [component.id]))
    return out


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
        for term in training_terms(edge.license, rules, ctx):
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
