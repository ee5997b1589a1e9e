"""Explain (pure, no I/O): for an answer other than ``allowed``, the minimal set of causes and the ways out.

The minimal set is every component whose own commercial_use is the repository's answer (fixing any other
component changes nothing; each of these alone keeps the answer where it is), plus every incompatible
pair when the answer is prohibited because of it, plus the policy's own failures (deny and allow lists,
``fail_on``). Each cause carries its clauses (the reasons and the license clauses behind them), its
lineage (repo -> base model -> dataset), the OR branch elected, and remedies.
"""

from __future__ import annotations

from collections.abc import Sequence

from license_check.judge.analyze import Context, by_materiality
from license_check.judge.works import DISTRIBUTING, Incompatibility, alternatives
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Cause, Finding, JudgedComponent, Reason, Remedy, Use, UseMode

_UNKNOWN_FIXES = {
    "no-license": ("ask-for-license", "Ask the rights holder to add a license (or add one, if you own the work)."),
    "unlicensed-files": ("ask-for-license", "Add a license for these files, or SPDX headers to each of them."),
    "unidentified-license": ("clarify", "Review the license text; if it is a known license, add a clarification "
                             "(path, license, sha256) to the policy."),
    "unknown-license-id": ("clarify", "Review what the id means and use a valid SPDX id, or add a clarification."),
    "unclassified-license": ("review-license", "Review the license and add its facts (with sources) to rules/."),
    "conflicting-declarations": ("fix-declarations", "Make the declarations agree (LICENSE, manifest, card), or "
                                 "add a clarification for the file that is wrong."),
    "external-artifact": ("check-artifact", "Check the referenced artifact's license and add it to rules/models.toml "
                          "(with its source), or waive the reference if it is not part of what you adopt."),
    "region-excluded-scope": ("check-scope", "Check whether this model falls under the excluded scope."),
}


def _remedies(comp: JudgedComponent, rules: RuleBook, ctx: Context) -> tuple[Remedy, ...]:
    out: list[Remedy] = []
    if comp.license is not None:
        own = comp.commercial_use
        better = [a for a in alternatives(comp.license, rules, ctx)[1:] if a.use.badness < own.badness]
        if better:
            out.append(Remedy("choose-branch", f"Elect {better[0].elected} instead of "
                                               f"{comp.elected_license or comp.license} ({better[0].use.value}); "
                                               "state the election where the component is declared."))
    codes = {r.code for r in comp.reasons}
    for code in sorted(codes):
        if code in _UNKNOWN_FIXES:
            fix = _UNKNOWN_FIXES[code]
            if all(r.code != fix[0] for r in out):
                out.append(Remedy(*fix))
    if comp.commercial_use is Use.CONDITIONAL:
        duties = by_materiality([*comp.restrictions, *comp.obligations], ctx)
        if duties:
            listed = "; ".join(d.text.rstrip(".") for d in duties[:3])
            out.append(Remedy("meet-obligations", f"Meet the conditions before release: {listed}."))
    if any(e.relation != "trained-on" for e in comp.lineage):
        out.append(Remedy("declare-base-terms", "Declare the base model's license with the component's own, "
                                                "and honour the base's terms."))
    if comp.commercial_use is Use.PROHIBITED:
        out.append(Remedy("commercial-license", "Obtain a commercial license from the rights holder."))
    if comp.commercial_use is not Use.ALLOWED:
        out.append(Remedy("replace-or-drop", "Replace the component with one under acceptable terms, or drop it."))
        out.append(Remedy("waive", f'Accept the risk in the policy: [[waivers]] component = "{comp.component.id}" '
                                   'reason = "<why this is acceptable>" expires = <date>.'))
    return tuple(out)


def _decisive(comp: JudgedComponent, level: Use) -> tuple[Reason, ...]:
    keep = [r for r in comp.reasons if r.code in {f"license-{level.value}", "threshold-exceeded", "region-excluded",
                                                   "region-excluded-scope", "training-data"}
            or level is Use.UNKNOWN]
    ref = comp.component.ref
    if ref is not None and comp.component.origin:  # where the repository pulls the artifact in
        places = [f"{e.path}:{e.line}" if e.line else e.path for e in comp.component.origin]
        more = f" (+{len(places) - 3} more)" if len(places) > 3 else ""
        keep.append(Reason("referenced-in", ref, f"Referenced in {', '.join(places[:3])}{more}."))
    return tuple(keep or comp.reasons)


def explain(judged: Sequence[JudgedComponent], conflicts: Sequence[tuple[Incompatibility, bool]], use: Use,
            waived: Sequence[str], rules: RuleBook, ctx: Context,
            policy_failures: Sequence[Finding] = (), unread: Sequence[Finding] = ()) -> tuple[Cause, ...]:
    """The causes of ``use`` (the repository's unwaived commercial_use); empty when it is allowed and the
    policy adds no failure of its own. ``unread``: the findings of input that could not be read or parsed,
    which alone make the answer unknown (enforce.UNKNOWN_RULES)."""
    causes: list[Cause] = []
    if use is not Use.ALLOWED:
        for comp in judged:
            if comp.commercial_use is not use:
                continue
            cid = comp.component.id
            causes.append(Cause("component", (cid,), comp.commercial_use, comp.license, comp.elected_license,
                                _decisive(comp, use), comp.lineage, _remedies(comp, rules, ctx),
                                waived=cid in waived))
    if use is Use.PROHIBITED and ctx.mode in DISTRIBUTING:
        for item, suppressed in conflicts:
            if item.relation == "unknown":  # compatibility-unknown: reported, never a cause
                continue
            a, b = item.licenses
            causes.append(Cause(
                "incompatibility", item.components, Use.PROHIBITED, f"{a} + {b}", None,
                (Reason("incompatible-licenses", f"{a} + {b}", f"{item.text.rstrip('.')}. Source: {item.source}"),), (),
                (Remedy("choose-branch", "Elect another OR branch where one of the components offers one."),
                 Remedy("replace-or-drop", "Replace or drop one of the components."),
                 Remedy("commercial-license", "Obtain one of the works under a license compatible with the other."),
                 Remedy("waive", "If the components are not in fact combined, waive the finding in the policy "
                                 "(rules = [\"incompatible-licenses\"]) with the reason.")),
                waived=suppressed))
    if use is Use.UNKNOWN:
        causes.extend(Cause("unread", f.components, Use.UNKNOWN, None, None, (Reason(f.rule, "", f.message),), (),
                            (Remedy("make-readable", "Make the file readable and well-formed (or exclude it if it "
                                                     "is not content) and scan again: what could not be read may "
                                                     "hold any terms."),))
                      for f in unread)
    causes.extend(Cause("policy", f.components, use, None, None, (Reason(f.rule, "", f.message),), (),
                        (Remedy("follow-policy", "Replace the component, or change the policy's lists."),))
                  for f in policy_failures)
    return tuple(causes)


def summary(causes: Sequence[Cause], use: Use, mode: UseMode) -> str:
    """One sentence for the table's verdict line."""
    if not causes:
        return f"commercial use {use.value} in {mode.value} use"
    names = ", ".join(sorted({c for cause in causes for c in cause.components})[:4])
    return f"commercial use {use.value} in {mode.value} use because of {names}"
