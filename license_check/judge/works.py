"""Combined works (pure, no I/O): which components are combined into one work, the OR branches elected
jointly across the repository, and the license pairs that cannot be combined.

What is combined (CONTRACT.md "The question and the verdict"):

* every code component of the repository: the root code and the trees vendored into it ship as one
  work, and the files of one component are already ANDed into its license;
* a model and the base it derives from (finetune, adapter, quantized, merge): the model's own declared
  license must be one the base allows its derivatives to go out under (RAIL flow-down, ND);
* the parents of a merge, and all the licenses of one model, weights file or dataset (one artifact under
  several licenses at once, e.g. a dataset merged from CC-BY-SA and ODbL parts).

Weights or data beside code are aggregation, not combination, and are never paired with code. So is
test-only code (rules/compatibility.toml ``[test_code]``: tests/, test_*.py, ...): it runs the program, it is
not linked into what ships. A test folder that is a component is left out of the code work, and the terms of
a component's license that only its test files bring are not paired (the component is still judged under
all of them).
``A OR B`` is a choice: for the code work the branches are elected together so that no incompatible
pair arises when another branch avoids it (Apache-2.0 in ``Apache-2.0 OR GPL-2.0-or-later`` beside
GPL-2.0-only code would conflict, the GPL branch does not). The compatibility data is rules/
(license_check.knowledge.compat); this module only decides what to ask it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from license_check.assemble.lineage import LineageResult
from license_check.assemble.resolve import UNIDENTIFIED, Resolution
from license_check.findings import make_finding
from license_check.judge.analyze import Context, Judgement, judge, judge_expression
from license_check.knowledge import expression as expr
from license_check.knowledge.compat import CompatBook, Conflict, Relation
from license_check.knowledge.normalize import Normalizer
from license_check.knowledge.rulebook import RuleBook
from license_check.model import (
    Claim,
    ClaimRole,
    ClaimScope,
    Component,
    Finding,
    JudgedComponent,
    Kind,
    Location,
    Severity,
    UseMode,
)

MAX_ALTERNATIVES = 16  # OR-free alternatives considered per component (the best ones)
MAX_COMBINATIONS = 4096  # joint elections tried exhaustively; beyond, a greedy descent from the best
DISTRIBUTING = frozenset({UseMode.DISTRIBUTE, UseMode.RELEASE_WEIGHTS})


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """Two licenses combined into one work that cannot be: a pair, the components that bring them, the clause."""

    relation: str  # combined | derived | merged
    licenses: tuple[str, str]
    components: tuple[str, ...]
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Member:
    """A component taking part in a work: its id, where it is, and its license's OR-free alternatives."""

    id: str
    path: str
    alternatives: tuple[Judgement, ...]  # best first; [0] is the component's own election


def leaves(expression: str, norm: Normalizer) -> tuple[str, ...]:
    """The licenses of an expression (a ``WITH`` pair stays one leaf), sorted, unique."""
    try:
        return expr.leaves(norm.tree(expression))
    except Exception:  # noqa: BLE001 - unparseable: no leaves to pair (it is unknown elsewhere)
        return ()


def alternatives(expression: str, rules: RuleBook, ctx: Context) -> tuple[Judgement, ...]:
    """The OR-free alternatives of ``expression``, judged, the component's own election first."""
    own = judge_expression(expression, rules, ctx)
    if not own.had_choice:
        return (own,)
    options = expr.alternatives(ctx.normalizer.tree(expression), MAX_ALTERNATIVES * 4)  # it parsed: there was a choice
    judged = sorted((judge(expr.conjunction(parts), rules, ctx) for parts in options), key=lambda j: j.cost)
    rest = [j for j in judged if j.licenses != own.licenses]
    return (own, *rest[: MAX_ALTERNATIVES - 1])


def _named(claims: Sequence[Claim], norm: Normalizer) -> set[str]:
    """Every license the claims may name (a family name: each of its candidates; unreadable: unidentified)."""
    out: set[str] = set()
    for claim in claims:
        found = norm.read(claim.raw, claim.form) if claim.raw is not None else None
        # leaves of the string, not of found.tree: the two differ for the ids idtable maps to a deprecated
        # SPDX id that itself stands for a WITH expression (LicenseRef-scancode-wxwindows -> wxWindows)
        out |= (set(leaves(found.expression, norm)) if found is not None and found.expression else
                set(found.candidates) if found is not None and found.candidates else {UNIDENTIFIED})
    return out


def shipped(res: Resolution, trace: LineageResult | None, book: CompatBook,
            norm: Normalizer) -> tuple[str | None, tuple[str, ...]]:
    """A code component's license split into what its distributed code brings and the AND terms that only
    its test-only files bring (aggregated beside the work, not combined into it). A term that any other
    claim of the component (or an inherited license) also names stays in the work: fail safe."""
    grants = [c for c in res.component.claims if c.role is ClaimRole.GRANT]
    tests = [c for c in grants if c.scope is ClaimScope.FILE and book.is_test_code(c.target)]
    if res.license is None or not tests:
        return res.license, ()
    in_tests = _named(tests, norm)
    tested = {id(c) for c in tests}  # by identity: ``c not in tests`` compared every claim with every test claim
    kept = _named([c for c in grants if id(c) not in tested], norm) | {
        leaf for item in (trace.inherited if trace else ()) for leaf in leaves(item.expression, norm)}
    try:
        tree = norm.tree(res.license)
    except Exception:  # noqa: BLE001 - unparseable: the whole license stays in the work
        return res.license, ()
    terms = [(expr.render(t), set(expr.leaves(t))) for t in expr.terms(tree)]
    dropped = [t for t, named in terms if named <= in_tests and named.isdisjoint(kept)]
    rest = [f"({t})" if " OR " in t else t for t, _ in terms if t not in dropped]
    return " AND ".join(rest) or None, tuple(f"({t})" if " OR " in t else t for t in dropped)


def _conflicts(members: Sequence[Member], choice: Sequence[int], book: CompatBook) -> tuple[Conflict, ...]:
    """The pairs of licenses that cannot be combined even on their own (Apache-2.0 with GPL-2.0-only, but
    not Apache-2.0 with GPL-2.0-or-later, which can go out as GPL-3.0); when every pair can, the conflicts of
    the whole set (three licenses no single outbound license accepts)."""
    licenses = sorted({leaf for m, i in zip(members, choice, strict=True) for leaf in m.alternatives[i].licenses})
    if len(licenses) < 2:
        return ()
    pairs = tuple(c for x, a in enumerate(licenses) for b in licenses[x + 1:] for c in _pair(book, a, b))
    return pairs or book.combined(licenses, Relation.COMBINED).conflicts


def _pair(book: CompatBook, a: str, b: str) -> tuple[Conflict, ...]:
    key = (id(book), a, b)
    if key not in _PAIRS:
        _PAIRS[key] = book.combined([a, b], Relation.COMBINED).conflicts
    return _PAIRS[key]


_PAIRS: dict[tuple[int, str, str], tuple[Conflict, ...]] = {}  # the book is loaded once per process


def _bringers(members: Sequence[Member], choice: Sequence[int]) -> dict[str, set[str]]:
    """license -> the members whose elected alternative has it."""
    out: dict[str, set[str]] = {}
    for m, i in zip(members, choice, strict=True):
        for leaf in m.alternatives[i].licenses:
            out.setdefault(leaf, set()).add(m.id)
    return out


def _score(members: Sequence[Member], choice: Sequence[int], book: CompatBook) -> tuple[int, int, int, int]:
    """Fewest pairs of components in conflict, then the best answer, then the fewest duties."""
    picked = [m.alternatives[i] for m, i in zip(members, choice, strict=True)]
    bringers = _bringers(members, choice)
    clashes = {(x, y) for c in _conflicts(members, choice, book)
               for x in bringers.get(c.a, ()) for y in bringers.get(c.b, ()) if x != y}
    worst = max((j.use.badness for j in picked), default=0)
    duties = sum(j.cost[1] for j in picked)
    return (len(clashes), worst, duties, sum(choice))


def elect(members: Sequence[Member], book: CompatBook) -> tuple[dict[str, Judgement], tuple[Incompatibility, ...]]:
    """Elect one alternative per member so that the work has the fewest conflicts, then the best answer.

    Returns the elected alternative of every member whose election differs from its own, and the
    conflicts that remain (none when some election avoids them all).
    """
    sizes = [len(m.alternatives) for m in members]
    best = [0] * len(members)
    if any(size > 1 for size in sizes):
        total = 1
        for size in sizes:
            total *= size
        if total <= MAX_COMBINATIONS:
            best = list(min(itertools.product(*(range(s) for s in sizes)),
                             key=lambda c: _score(members, tuple(c), book)))
        else:  # greedy coordinate descent from every member's own election
            score = _score(members, best, book)
            for _ in range(3):
                improved = False
                for index, size in enumerate(sizes):
                    for option in range(size):
                        trial = [*best[:index], option, *best[index + 1:]]
                        trial_score = _score(members, trial, book)
                        if trial_score < score:
                            best, score, improved = trial, trial_score, True
                if not improved:
                    break
    changed = {m.id: m.alternatives[i] for m, i in zip(members, best, strict=True) if i}
    bringers = _bringers(members, best)
    found = [Incompatibility(c.relation.value, (c.a, c.b),
                             tuple(sorted({*bringers.get(c.a, []), *bringers.get(c.b, [])})), c.text, c.source)
             for c in _conflicts(members, best, book)]
    if len(bringers) > 1:  # pairs no reviewed data settles (both licenses known): reported, not judged
        result = book.combined(sorted(bringers), Relation.COMBINED)
        found += [Incompatibility("unknown", (a, b), tuple(sorted({*bringers[a], *bringers[b]})),
                                  "No reviewed compatibility data (rules/compatibility.toml, OSADL) says whether "
                                  "these can be combined, and neither is permissive.", "")
                  for a, b in result.unknown if book.known(a) and book.known(b) and a in bringers and b in bringers]
    return changed, tuple(found)


def derivation(component: str, base: str, own: str, book: CompatBook,
               norm: Normalizer) -> tuple[Incompatibility, ...]:
    """A model's own declared license against the license of the base it derives from."""
    own_leaves = leaves(own, norm)
    out = [Incompatibility(c.relation.value, (c.a, c.b), (component,), c.text, c.source)
           for leaf in leaves(base, norm) for c in book.derivation(leaf, own_leaves)]
    return tuple(out)


def merged(component: str, licenses: Sequence[str], book: CompatBook,
           norm: Normalizer) -> tuple[Incompatibility, ...]:
    """The parents of a merge, or the parts of one dataset, combined into one work."""
    found = sorted({leaf for expression in licenses for leaf in leaves(expression, norm)})
    if len(found) < 2:
        return ()
    return tuple(Incompatibility(c.relation.value, (c.a, c.b), (component,), c.text, c.source)
                 for c in book.combined(found, Relation.MERGED).conflicts)


def findings(found: Sequence[Incompatibility], mode: UseMode,
             paths: Mapping[str, str]) -> list[tuple[Incompatibility, Finding]]:
    """``incompatible-licenses``: an error when the work is distributed, a warning in internal or saas use."""
    out: list[tuple[Incompatibility, Finding]] = []
    for item in sorted(set(found), key=lambda i: (i.components, i.licenses, i.relation)):
        a, b = item.licenses
        quoted = [f"{c!r}" for c in item.components]
        named = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
        if item.relation == "unknown":
            out.append((item, make_finding(
                "compatibility-unknown", f"{a} and {b} are combined into one work (components {named}), but "
                f"{item.text[0].lower()}{item.text[1:]}", [Location(paths[c]) for c in item.components if c in paths],
                item.components)))
            continue
        what = {"combined": "combined into one work", "derived": "a derivative and its base",
                "merged": "merged into one work"}.get(item.relation, item.relation)
        effect = ("so the combination may not be distributed" if mode in DISTRIBUTING else
                  f"which does not matter for {mode.value} use, but would if the work were distributed")
        noun = "component" if len(item.components) == 1 else "components"
        if a == b:  # a no-derivatives license alone: the work is an adaptation
            verb = "is" if len(item.components) == 1 else "are"
            pair = f"{a} does not allow adaptations, and {noun} {named} {verb} {what},"
        else:
            pair = f"{a} and {b} cannot be {what} ({noun} {named}),"
        message = f"{pair} {effect}: {item.text.rstrip('.')}. Source: {item.source}"
        locations = [Location(paths[c]) for c in item.components if c in paths]
        out.append((item, make_finding("incompatible-licenses", message, locations, item.components,
                                       severity=None if mode in DISTRIBUTING else Severity.WARNING)))
    return out


def elect_work(components: Sequence[Component], resolved: Mapping[str, Resolution],
               traces: Mapping[str, LineageResult], rules: RuleBook, ctx: Context, book: CompatBook
               ) -> tuple[dict[str, str], tuple[Incompatibility, ...]]:
    """The code work's OR branches, elected jointly before anything is judged: for every code component
    whose election differs from its own best branch, the expression to judge it under (the elected
    branch AND the terms of its test files), and the conflicts the election leaves."""
    split = {c.id: shipped(resolved[c.id], traces.get(c.id), book, ctx.normalizer) for c in components
             if c.kind is Kind.CODE and c.ref is None
             and not book.is_test_code(c.path, is_dir=True)}  # a test folder: aggregated
    code = [c for c in components if split.get(c.id, (None,))[0] is not None]
    members = [Member(c.id, c.path, alternatives(str(split[c.id][0]), rules, ctx)) for c in code]
    changed, found = elect(members, book)
    return {cid: " AND ".join([branch.elected, *split[cid][1]]) for cid, branch in changed.items()}, found


def check_works(judged: Sequence[JudgedComponent], found: Sequence[Incompatibility],
                resolved: Mapping[str, Resolution], traces: Mapping[str, LineageResult], rules: RuleBook,
                ctx: Context, book: CompatBook) -> list[tuple[Incompatibility, Finding]]:
    """The election's conflicts (``found``), then derivations, merges and datasets, as findings."""
    conflicts = list(found)
    for comp in judged:
        cid = comp.component.id
        traced, own = traces.get(cid), resolved[cid].declared_own
        if traced is not None and own is not None:
            for item in traced.inherited:
                conflicts += derivation(cid, item.expression, own, book, ctx.normalizer)
        if traced is not None:
            parents = [i.expression for i in traced.inherited if i.ref.relation == "merge"]
            if len(parents) > 1:
                conflicts += merged(cid, parents, book, ctx.normalizer)
        if comp.component.kind is not Kind.CODE and own is not None:  # one artifact under all its own terms
            conflicts += merged(cid, [judge_expression(own, rules, ctx).elected], book, ctx.normalizer)
    return findings(conflicts, ctx.mode, {c.component.id: c.component.path for c in judged})
