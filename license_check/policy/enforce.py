"""The policy stage (pure, no I/O): the organisation's policy turns the tool's judgement into a verdict.

Inputs are the judged components and every finding; the pins (expiry and sha256 status of waivers and
clarifications) were checked beforehand by ``policy.pins.check_pins``. In order:

1. allow and deny lists -> ``denied-license`` / ``license-not-allowed`` errors, ``unused-allow`` warnings;
2. waivers: an active waiver suppresses the findings it matches; expired or stale ones stop applying and
   are reported; a waiver that matched nothing is ``unused-waiver``;
3. severity overrides, per rule code;
4. the verdict: the policy's verdict for the least favourable component not waived (a component is waived
   when all its findings are suppressed, or a waiver without ``rules`` matches it and suppresses all its
   findings) and for incompatible pairs not waived;
   then ``fail`` on any active allow/deny error, and on any active finding at or above ``fail_on``.

Waivers never change ``commercial_use``: that stays the tool's unwaived judgement (CONTRACT.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace

from license_check.findings import fingerprint, make_finding
from license_check.judge.works import DISTRIBUTING, leaves
from license_check.knowledge.normalize import Normalizer
from license_check.knowledge.rulebook import RuleBook
from license_check.model import Finding, JudgedComponent, Location, Use, UseMode, Verdict, worst
from license_check.policy.model import Policy, Waiver

LIST_RULES = frozenset({"denied-license", "license-not-allowed"})
# The findings that by themselves make the answer unknown (evidence is missing), whatever the components say:
# what could not be read, parsed or reached may hold any terms (fail safe), and a broken detector's too.
UNKNOWN_RULES = frozenset({"detector-error", "unreadable-file", "scan-limit-reached", "malformed-metadata"})


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    findings: tuple[Finding, ...]
    waived: tuple[str, ...]  # components the verdict leaves out
    verdict_use: Use  # the answer the verdict was taken from (commercial_use minus what is waived)


def _policy_location(policy: Policy, key: str) -> tuple[list[Location], str]:
    """Where a policy entry is: a location when the policy is the scanned repo's pyproject.toml."""
    line = policy.lines.get(key)
    if policy.source == "pyproject":
        return [Location("pyproject.toml", line)], ""
    where = policy.path or policy.source
    return [], f" ({where}{f':{line}' if line else ''})"


def _lists(policy: Policy, judged: Sequence[JudgedComponent], rules: RuleBook, norm: Normalizer) -> list[Finding]:
    out: list[Finding] = []
    used: set[str] = set()
    for comp in judged:
        expression = comp.elected_license or comp.license
        if expression is None:
            continue
        cid, where = comp.component.id, [Location(comp.component.path)]
        for leaf in leaves(expression, norm):
            base = leaf.split(" WITH ", 1)[0]
            decision = policy.decide(leaf, rules.facts(base))
            if decision is None:
                continue
            verb, entry = decision
            if verb == "allow":
                used.add(entry)
            elif verb == "deny":
                out.append(make_finding(
                    "denied-license", f"Component {cid!r} is under {leaf}, which the policy denies (entry {entry!r}).",
                    where, [cid]))
            else:
                out.append(make_finding(
                    "license-not-allowed",
                    f"Component {cid!r} is under {leaf}, which is not on the policy's allow list.", where, [cid]))
    for index, entry in enumerate(policy.allow):
        if entry not in used:
            locations, suffix = _policy_location(policy, f"licenses.allow[{index}]")
            out.append(make_finding(
                "unused-allow", f"The policy allows {entry!r}{suffix}, but no component is under it.", locations))
    return out


def _baseline_note(findings: Sequence[Finding], baseline: Set[str]) -> Finding:
    ignored = sum(1 for f in findings if fingerprint(f) in baseline)
    new = sum(1 for f in findings if fingerprint(f) not in baseline)
    return make_finding("baseline", f"--baseline: {ignored} finding(s) already in the baseline were ignored; {new} "
                        f"finding(s) are new{'' if new else ' (none can fail the check)'}.", [])


def _waiver_text(waiver: Waiver) -> str:
    target = waiver.component or waiver.path or "?"
    return f"waiver #{waiver.index + 1} ({target}: {waiver.reason!r})"


def _waive(policy: Policy, status: Mapping[int, str], judged: Sequence[JudgedComponent],
           findings: list[Finding]) -> tuple[list[Finding], set[str], list[Finding]]:
    paths = {c.component.id: c.component.path for c in judged}
    active = [w for w in policy.waivers if status.get(w.index, "active") == "active"]
    matched: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        hits = [w for w in active if _matches(w, finding, paths)]
        matched.update(w.index for w in hits)
        out.append(replace(finding, suppressed=True) if hits else finding)
    waived: set[str] = set()
    for comp in judged:
        cid = comp.component.id
        mine = [f for f in out if cid in f.components]
        covering = [w for w in active if w.matches(cid, comp.component.path, "", [])]  # waivers without rules
        if (covering or mine) and all(f.suppressed for f in mine):
            waived.add(cid)
            matched.update(w.index for w in covering)
    notes: list[Finding] = []
    for waiver in policy.waivers:
        state = status.get(waiver.index, "active")
        locations, suffix = _policy_location(policy, f"waivers[{waiver.index}]")
        if state == "expired":
            notes.append(make_finding(
                "expired-waiver", f"The {_waiver_text(waiver)}{suffix} expired on {waiver.expires}; it no longer "
                "applies.", locations))
        elif state != "active":
            notes.append(make_finding(
                "stale-waiver", f"The {_waiver_text(waiver)}{suffix} is pinned to {waiver.file or waiver.path} by "
                f"sha256, and that file {'changed' if state == 'changed' else 'cannot be read (' + state + ')'}; "
                "it no longer applies.", locations))
        elif waiver.index not in matched:
            notes.append(make_finding(
                "unused-waiver", f"The {_waiver_text(waiver)}{suffix} matched no finding and no component.",
                locations))
    return out, waived, notes


def _matches(waiver: Waiver, finding: Finding, paths: Mapping[str, str]) -> bool:
    where = [loc.path for loc in finding.locations]
    if finding.components:
        return any(waiver.matches(c, paths.get(c, c), finding.rule, where) for c in finding.components)
    return waiver.matches("", "", finding.rule, where)


def clarification_notes(policy: Policy, status: Mapping[int, str]) -> list[Finding]:
    """``lapsed-clarification`` for every clarification whose pinned file changed or is gone."""
    out: list[Finding] = []
    for item in policy.clarifications:
        state = status.get(item.index, "active")
        if state != "active":
            locations, suffix = _policy_location(policy, f"clarifications[{item.index}]")
            what = "changed since it was reviewed" if state == "changed" else f"cannot be read ({state})"
            out.append(make_finding(
                "lapsed-clarification",
                f"The clarification of {item.path} as {item.license}{suffix} is pinned by sha256, and the file "
                f"{what}; detection applies again.", [*locations, Location(item.path)] if state == "changed"
                else locations))
    return out


def enforce(policy: Policy, judged: Sequence[JudgedComponent], findings: Sequence[Finding], rules: RuleBook,
            waiver_status: Mapping[int, str], norm: Normalizer, deciding: Set[str] | None = None,
            baseline: Set[str] = frozenset()) -> Outcome:
    """Apply ``policy`` (see the module docstring). ``findings`` are sorted; the result keeps them sorted.
    ``norm``: the scan's normalizer; ``deciding``: the ids of the components the verdict judges (the
    policy's scope); None: all of them. ``baseline``: fingerprints of accepted findings (--baseline): they
    are suppressed like waived ones, so only new findings can fail the check."""
    produced = _lists(policy, judged, rules, norm)
    known = [replace(f, suppressed=True) if fingerprint(f) in baseline else f for f in [*findings, *produced]]
    marked, waived, notes = _waive(policy, waiver_status, judged, known)
    if baseline:
        notes.append(_baseline_note(known, baseline))
    every = [replace(f, severity=policy.severity_of(f.rule, f.severity)) for f in [*marked, *notes]]
    every.sort(key=lambda f: (f.severity.rank, f.rule, f.locations[0].path if f.locations else "", f.message))
    active = [f for f in every if not f.suppressed]
    counted = [c for c in judged if deciding is None or c.component.id in deciding]
    use = repository_use([c for c in counted if c.component.id not in waived], active, policy.use_mode,
                         empty=Use.UNKNOWN if not counted else Use.ALLOWED)
    verdict = policy.verdict(use)
    if any(f.rule in LIST_RULES for f in active):
        verdict = Verdict.FAIL
    if policy.fail_on is not None and any(f.severity.rank <= policy.fail_on.rank for f in active):
        verdict = Verdict.FAIL
    return Outcome(verdict, tuple(every), tuple(sorted(waived)), use)


def repository_use(judged: Sequence[JudgedComponent], findings: Sequence[Finding], mode: UseMode,
                   empty: Use = Use.UNKNOWN) -> Use:
    """The repository's answer from ``judged`` and ``findings``: the least favourable component, prohibited
    when incompatible licenses are combined into what is distributed, unknown when a detector failed.
    With every component and finding it is ``commercial_use``; with what the policy waived left out, the
    answer the verdict is taken from. ``empty``: the answer when there is no component."""
    uses = [c.commercial_use for c in judged]
    if mode in DISTRIBUTING and any(f.rule == "incompatible-licenses" for f in findings):
        uses.append(Use.PROHIBITED)
    if any(f.rule in UNKNOWN_RULES for f in findings):
        uses.append(Use.UNKNOWN)
    return worst(uses) if uses else empty





def policy_failures(policy: Policy, outcome: Outcome) -> list[Finding]:
    """The active findings that fail the verdict by policy alone (lists, ``fail_on``), for explain."""
    return [f for f in outcome.findings if not f.suppressed and (
        f.rule in LIST_RULES or (policy.fail_on is not None and f.severity.rank <= policy.fail_on.rank))]
