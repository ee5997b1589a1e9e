"""Analysis (pure, no I/O): judge each component's license expression against the rules.

Expression semantics (CONTRACT.md): ``A OR B`` elects the most favourable branch and records it;
``A AND B`` needs all, so it takes the least favourable; ``A WITH exc`` is judged as the pair;
a license without reviewed facts, and no license at all, are unknown. The repository's answer is
the least favourable of its components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from license_check.assemble.resolve import UNIDENTIFIED, Resolution
from license_check.findings import make_finding
from license_check.knowledge.expression import And, Expr, LicenseId, render
from license_check.knowledge.facts import LicenseFacts
from license_check.knowledge.normalize import Normalizer, normalizer
from license_check.knowledge.rulebook import RuleBook
from license_check.model import (
    Copyleft,
    Duty,
    Finding,
    JudgedComponent,
    Kind,
    Location,
    Reason,
    Use,
    UseMode,
    worst,
)

if TYPE_CHECKING:
    from license_check.knowledge.duties import DutyBook

_COPYLEFT_RANK = {c: i for i, c in enumerate(Copyleft)}
def by_materiality(duties: Sequence[Duty], ctx: Context) -> list[Duty]:
    """Duties sorted so that the ones that matter most to a commercial adopter come first (rules/duties.toml
    ``order``, from the context's duty book)."""
    if ctx.duties is None:  # a context made outside a scan (tests, tools): the shipped rules
        from license_check.knowledge.duties import load_duties

        return load_duties().by_materiality(duties)
    return ctx.duties.by_materiality(duties)


@dataclass(frozen=True, slots=True)
class Judgement:
    use: Use
    picked: tuple[LicenseId, ...]  # the licenses left when every OR is replaced by the branch chosen, in order
    had_choice: bool
    reasons: tuple[Reason, ...]
    obligations: tuple[Duty, ...]
    restrictions: tuple[Duty, ...]
    copyleft: Copyleft
    unparsed: str = ""  # an expression that cannot be parsed (then nothing is picked)
    elected: str = field(init=False)  # ``picked`` ANDed ("MIT AND Zlib"), else ``unparsed``
    licenses: tuple[str, ...] = field(init=False)  # ``picked`` rendered, sorted, unique (what works.py pairs)

    def __post_init__(self) -> None:
        rendered = [render(p) for p in self.picked]
        object.__setattr__(self, "elected", " AND ".join(rendered) if rendered else self.unparsed)
        object.__setattr__(self, "licenses", tuple(sorted(set(rendered))))

    @property
    def cost(self) -> tuple[int, int, int, str]:
        """Tie-break among equally usable OR branches: fewer duties, weaker copyleft, then by name."""
        return (self.use.badness, len(self.obligations) + len(self.restrictions),
                _COPYLEFT_RANK[self.copyleft], self.elected)


class Profile(Protocol):
    """The adopting organisation as the policy states it (policy.Organisation). None: not stated."""

    @property
    def eu_presence(self) -> bool | None: ...

    def amount(self, key: str) -> int | None:
        """The organisation's figure for a threshold key (rules_facts.THRESHOLD_KEYS)."""
        ...


@dataclass(frozen=True, slots=True)
class Context:
    """What a license is judged for: the use mode, the organisation, and which duties bite in which mode.

    Without ``duties`` a license is judged by its reviewed commercial_use alone (as for ``distribute``).
    """

    mode: UseMode = UseMode.DISTRIBUTE
    profile: Profile | None = None  # None: no organisation stated
    duties: DutyBook | None = None
    norm: Normalizer | None = None  # the scan's (Knowledge.normalizer); None: the shipped rules' (tests, tools)

    @property
    def normalizer(self) -> Normalizer:
        return self.norm if self.norm is not None else normalizer()


PLAIN = Context()
_THRESHOLD_LABEL = {"monthly_active_users": "monthly active users", "annual_revenue_usd": "annual revenue (USD)",
                    "monthly_revenue_usd": "monthly revenue (USD)"}


def _profile(facts: LicenseFacts, use: Use, profile: Profile | None) -> tuple[Use, tuple[Reason, ...]]:
    """Thresholds and regional exclusions the organisation profile triggers (rules/ structured terms)."""
    if use in (Use.PROHIBITED, Use.UNKNOWN) or profile is None:
        return use, ()
    reasons: list[Reason] = []
    outcome: Use = use
    for key, amount in sorted(facts.thresholds.items()):
        value = profile.amount(key)
        if isinstance(value, int) and value > amount:
            outcome = Use.PROHIBITED
            reasons.append(Reason("threshold-exceeded", facts.id, (
                f"{facts.id}: the organisation's {_THRESHOLD_LABEL.get(key, key)} ({value:,}) exceed the license's "
                f"threshold ({amount:,}); above it the license grants no rights without a separate license from "
                f"the licensor. Source: {facts.sources.get('thresholds', '')}")))
    if profile.eu_presence and "EU" in facts.excluded_regions:
        where = facts.sources.get("regions", "")
        if facts.region_scope:  # e.g. only multimodal models: whether this one is, the tool cannot tell
            outcome = worst([outcome, Use.UNKNOWN])
            reasons.append(Reason("region-excluded-scope", facts.id, (
                f"{facts.id} grants no rights in the EU for {facts.region_scope}, and the organisation is present in "
                f"the EU; check whether this component is one. Source: {where}")))
        else:
            outcome = Use.PROHIBITED
            reasons.append(Reason("region-excluded", facts.id, (
                f"{facts.id} grants no rights in the EU, and the organisation is present in the EU. Source: {where}")))
    return outcome, tuple(reasons)


def _symbol(key: str, rules: RuleBook, ctx: Context = PLAIN) -> Judgement:
    leaf = (LicenseId(key),)
    if key == UNIDENTIFIED:
        return Judgement(Use.UNKNOWN, leaf, False, (Reason(
            "unidentified-license", key, "A license text or id could not be identified; its terms are unknown."),),
            (), (), Copyleft.NONE)
    facts = rules.facts(key)
    if facts is None:
        return Judgement(Use.UNKNOWN, leaf, False, (Reason(
            "unknown-license-id", key, f"{key} is not a license the rules know; its terms are unknown."),),
            (), (), Copyleft.NONE)
    source = facts.sources.get("commercial_use", "")
    if not facts.reviewed and facts.commercial_use is Use.UNKNOWN:
        text = f"{key} ({facts.name}) has not been reviewed: {source}."
        return Judgement(Use.UNKNOWN, leaf, False, (Reason("unclassified-license", key, text),), (), (),
                         facts.copyleft)
    use, obligations, restrictions = facts.commercial_use, facts.obligations, facts.restrictions
    text = f"{key} ({facts.name}): commercial use {use.value}. Source: {source}"
    if ctx.duties is not None:
        use, biting = ctx.duties.use_in_mode(facts.commercial_use, (*obligations, *restrictions), ctx.mode)
        obligations = tuple(d for d in obligations if d in biting)
        restrictions = tuple(d for d in restrictions if d in biting)
        if use is not facts.commercial_use:
            deciding = [d for d in biting if ctx.mode in ctx.duties.rule(d.code).prohibits_in]
            why = ("; ".join(f"{d.text.rstrip('.')} ({d.source})" for d in deciding) if deciding else
                   "none of its material duties applies in this use mode")
            text = (f"{key} ({facts.name}): commercial use {facts.commercial_use.value} as reviewed, "
                    f"{use.value} in {ctx.mode.value} use: {why}. Source: {source}")
    reasons: tuple[Reason, ...] = (Reason(f"license-{use.value}", key, text),)
    use, triggered = _profile(facts, use, ctx.profile)
    return Judgement(use, leaf, False, (*reasons, *triggered), obligations, restrictions, facts.copyleft)


def _with(node: LicenseId, exc_key: str, rules: RuleBook, ctx: Context = PLAIN) -> Judgement:
    base_key, rendered, leaf = node.key, render(node), (node,)
    base = _symbol(base_key, rules, ctx)
    exc = rules.exception(exc_key)
    if exc is None:
        return Judgement(Use.UNKNOWN, leaf, base.had_choice, (*base.reasons, Reason(
            "unknown-exception", rendered, f"The exception {exc_key} is not known to the rules; "
            "the pair's terms are unknown."),), base.obligations, base.restrictions, base.copyleft)
    if not exc.reviewed:
        return Judgement(Use.UNKNOWN, leaf, False, (*base.reasons, Reason(
            "unclassified-license", rendered, f"The exception {exc_key} has not been reviewed: {exc.source}."),),
            base.obligations, base.restrictions, base.copyleft)
    copyleft = exc.copyleft if exc.copyleft is not None else base.copyleft
    # An exception may restrict (Commons Clause) but never relax the base license's commercial use.
    use = worst([base.use, exc.commercial_use]) if exc.commercial_use is not None else base.use
    code = f"license-{use.value}" if use is not base.use else "license-exception"
    reason = Reason(code, rendered,
                    f"{exc_key} ({exc.name}) modifies {base_key}: commercial use {use.value}, copyleft scope "
                    f"{copyleft.value}. Source: {exc.source}")
    return Judgement(use, leaf, False, (*base.reasons, reason), base.obligations,
                     (*base.restrictions, *exc.restrictions), copyleft)


def _merge(parts: Sequence[Judgement], had_choice: bool) -> Judgement:
    return Judgement(
        use=worst([p.use for p in parts]),
        picked=tuple(leaf for p in parts for leaf in p.picked),
        had_choice=had_choice,
        reasons=tuple(dict.fromkeys(r for p in parts for r in p.reasons)),
        obligations=tuple(dict.fromkeys(d for p in parts for d in p.obligations)),
        restrictions=tuple(dict.fromkeys(d for p in parts for d in p.restrictions)),
        copyleft=max((p.copyleft for p in parts), key=_COPYLEFT_RANK.__getitem__, default=Copyleft.NONE),
    )


def judge(node: Expr, rules: RuleBook, ctx: Context = PLAIN) -> Judgement:
    """Judge an expression tree."""
    if isinstance(node, LicenseId):
        return _symbol(node.key, rules, ctx) if node.exception is None else _with(node, node.exception, rules, ctx)
    parts = [judge(arg, rules, ctx) for arg in node.args]
    if isinstance(node, And):
        return _merge(parts, any(p.had_choice for p in parts))
    best = min(parts, key=lambda p: p.cost)
    return Judgement(best.use, best.picked, True, best.reasons, best.obligations, best.restrictions, best.copyleft)


def judge_expression(expression: str, rules: RuleBook, ctx: Context = PLAIN) -> Judgement:
    """Judge a normalized expression. Never raises: an unparseable one is unknown."""
    try:
        tree = ctx.normalizer.tree(expression)
    except Exception as exc:  # noqa: BLE001 - ValueError, or rules data that cannot be loaded
        return Judgement(Use.UNKNOWN, (), False,
                         (Reason("invalid-license-expression", expression, f"Cannot parse: {exc}"),), (), (),
                         Copyleft.NONE, unparsed=expression)
    return judge(tree, rules, ctx)


_PROBLEM_TEXT = {
    "no-license": "No license: all rights reserved.",
    "conflicting-declarations": "License declarations disagree; the applicable terms are unknown.",
    "unlicensed-files": "Source files without any license grant: all rights reserved.",
    "unknown-license-id": "The declared license is only a family name; the exact license is unknown.",
    "external-artifact": "A referenced model or dataset (not in the repository) whose license is not known.",
    "dependency-unresolved": "A declared dependency whose license could not be read where it is installed "
                             "(not installed, no metadata, or no --deps-env).",
}


def judge_component(res: Resolution, rules: RuleBook, ctx: Context = PLAIN,
                    elect: str | None = None) -> tuple[JudgedComponent, list[Finding]]:
    """Judge one component. ``elect``: an OR-free alternative of its license chosen for the whole
    repository (compatibility.elect), judged instead of the component's own best branch."""
    comp = res.component
    findings: list[Finding] = []
    if res.license is None:
        reasons = tuple(Reason(p, "", _PROBLEM_TEXT.get(p, p)) for p in res.problems) or (
            Reason("no-license", "", _PROBLEM_TEXT["no-license"]),)
        use, license_, elected = Use.UNKNOWN, None, None
        obligations: tuple[Duty, ...] = ()
        restrictions: tuple[Duty, ...] = ()
        if "conflicting-declarations" in res.problems:
            # A non-commercial claim anywhere wins: the declarations disagree, but one forbids commercial use.
            banned = [j for j in (judge_expression(d, rules, ctx) for d in res.declared) if j.use is Use.PROHIBITED]
            if banned:
                use = Use.PROHIBITED
                reasons = (*reasons, *(r for j in banned for r in j.reasons))
                restrictions = tuple(d for j in banned for d in j.restrictions)
    else:
        verdict = judge_expression(res.license, rules, ctx)
        if elect is not None and elect != verdict.elected:
            forced = judge_expression(elect, rules, ctx)
            verdict = Judgement(forced.use, forced.picked, True, forced.reasons, forced.obligations,
                                forced.restrictions, forced.copyleft, forced.unparsed)
        use, reasons = verdict.use, verdict.reasons
        license_ = ctx.normalizer.rendered(res.license)
        elected = verdict.elected if verdict.had_choice else None  # OR-free, rendered as the tree is
        obligations, restrictions = verdict.obligations, verdict.restrictions
        declared_at = comp.origin[0].line if comp.kind is Kind.DEPENDENCY and comp.origin else None
        findings += _use_findings(comp.id, comp.path, verdict, ctx, declared_at)
    if res.notices:
        obligations = (*obligations, *(Duty(
            "keep-notice-file", f"Redistribute {ev.path} with the work: a NOTICE carries attribution duties "
            "and grants nothing.", "Apache-2.0 §4(d) and the NOTICE file itself") for ev in res.notices))
    obligations = tuple(sorted(set(obligations), key=lambda d: (d.code, d.source, d.text)))
    restrictions = tuple(sorted(set(restrictions), key=lambda d: (d.code, d.source, d.text)))
    judged = JudgedComponent(
        component=comp,
        license=license_,
        declared_licenses=res.declared,
        elected_license=elected,
        commercial_use=use,
        evidence=res.evidence,
        obligations=obligations,
        restrictions=restrictions,
        material=tuple(by_materiality([*restrictions, *obligations], ctx)),
        reasons=tuple(sorted(set(reasons), key=lambda r: (r.code, r.license, r.text))),
        evidence_omitted=res.evidence_omitted,
    )
    return judged, findings


_PROFILE_REASONS = frozenset({"threshold-exceeded", "region-excluded", "region-excluded-scope"})


def _use_findings(cid: str, path: str, verdict: Judgement, ctx: Context, line: int | None = None) -> list[Finding]:
    out: list[Finding] = []
    where = [Location(path, line)]
    material = by_materiality([*verdict.restrictions, *verdict.obligations], ctx)
    duties = "; ".join(d.text.rstrip(".") for d in material[:3])
    profiled = {r.license for r in verdict.reasons if r.code in _PROFILE_REASONS}
    for reason in verdict.reasons:
        if reason.code in _PROFILE_REASONS:
            out.append(make_finding(
                "organisation-terms",
                f"Component {cid!r}: {reason.text}", where, [cid]))
        elif reason.license in profiled:
            continue  # the organisation profile decided this license
        elif reason.code == "license-prohibited":
            out.append(make_finding(
                "prohibited-license",
                f"Component {cid!r} is under {reason.license}, which forbids commercial use ({reason.text}). "
                "Replace or drop the component, or obtain a commercial license from the rights holder.",
                where, [cid], fix=""))
        elif reason.code == "license-conditional":
            out.append(make_finding(
                "conditional-license",
                f"Component {cid!r} is under {reason.license}, which allows commercial use only under conditions"
                + (f": {duties}" if duties else "") + f". Plan how to meet them before release. ({reason.text})",
                where, [cid], fix=""))
        elif reason.code in {"unclassified-license", "unknown-exception"}:
            out.append(make_finding(
                "unclassified-license",
                f"Component {cid!r}: {reason.text} Review the license and add reviewed facts to rules/, "
                "or replace the component.", where, [cid], fix=""))
    return out



def combine(components: Sequence[JudgedComponent]) -> Use:
    """The repository's commercial_use: the least favourable component's."""
    return worst([c.commercial_use for c in components]) if components else Use.UNKNOWN
