"""AI artifacts between grouping and judging: route prose to the artifacts it names, license
referenced artifacts from the known-models table, and let license-less weights or data inherit
the enclosing code license (``inherited-license``) instead of silently passing as code.

Pure: components and resolutions in, components, resolutions and findings out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from license_check.assemble.components import REF_PREFIX, owner
from license_check.assemble.resolve import Resolution
from license_check.findings import make_finding
from license_check.knowledge.known import KnownArtifacts
from license_check.model import Claim, ClaimScope, Component, Evidence, Finding, Kind, Location, RawForm, Severity

# Which component kinds a prose statement about weights or data speaks for.
_ABOUT = {Kind.WEIGHTS: (Kind.WEIGHTS, Kind.MODEL), Kind.DATA: (Kind.DATA, Kind.DATASET)}
_ARTIFACTS = frozenset({Kind.WEIGHTS, Kind.MODEL, Kind.DATA, Kind.DATASET})
# Evidence of the enclosing component that an inheriting artifact cites.
_DECLARING = frozenset({"license-file", "pyproject", "setup-cfg", "setup-py", "package-json", "cargo", "maven-pom",
                        "model-card", "dataset-card"})


def _under(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder + "/")


def route(components: Sequence[Component], known: KnownArtifacts) -> list[Component]:
    """Move prose about weights or data from the folder's component to the artifacts it names, and
    give referenced artifacts the license the known-models table states for them.

    Prose that names artifacts nobody can see (no weights in the tree, none downloaded) still states
    terms for something the repository describes: it becomes a referenced artifact of its own.
    """
    about = [c for comp in components for c in comp.claims if c.applies_to is not None]
    out: list[Component] = []
    for comp in components:
        kept = tuple(c for c in comp.claims if c.applies_to is None)
        extra = [c for c in about if c.applies_to is not None and comp.kind in _ABOUT[c.applies_to]
                 and _under(comp.path, c.target) and _speaks_of(c, comp)]
        if comp.ref is not None:
            extra += _known_claims(comp, known)
        out.append(replace(comp, claims=kept + tuple(extra)) if extra or len(kept) != len(comp.claims) else comp)
    taken = {c.id for c in out}
    for claim in about:
        assert claim.applies_to is not None
        kinds = _ABOUT[claim.applies_to]
        if any(c.kind in kinds and _under(c.path, claim.target) and _speaks_of(claim, c) for c in out):
            continue
        cid = f"{REF_PREFIX}{claim.path}#{claim.applies_to.value}"
        if cid in taken:
            out = [replace(c, claims=(*c.claims, claim)) if c.id == cid else c for c in out]
            continue
        taken.add(cid)
        out.append(Component(id=cid, path=claim.path, kind=claim.applies_to, claims=(claim,),
                             ref=f"{claim.path}#{claim.applies_to.value}", is_dir=False))
    return sorted(out, key=lambda c: (c.ref is not None, c.path, c.id))


def _speaks_of(claim: Claim, comp: Component) -> bool:
    """Prose about weights speaks for every model and weights in scope, referenced ones included.
    Prose about data speaks for the datasets in the repository but not for referenced datasets: a
    README that lists several databases under different licenses must not give each one all of them."""
    return claim.applies_to is not Kind.DATA or comp.ref is None or comp.ref.startswith(comp.path + "#")


def _known_claims(comp: Component, known: KnownArtifacts) -> list[Claim]:
    assert comp.ref is not None
    hit = known.lookup(comp.ref, "dataset" if comp.kind in (Kind.DATASET, Kind.DATA) else "model")
    if hit is None:
        return []
    evidence = Evidence(comp.path, "known-models", hit.license, None, comp.ref, None)
    return [Claim(comp.path, ClaimScope.FILE, hit.license, RawForm.SPDX, (evidence,))]


def external_findings(comp: Component, res: Resolution) -> list[Finding]:
    """``external-artifact`` (info) for a referenced artifact. The scan turns it into a warning where the
    artifact's stated or known terms are more restrictive than the repository's own answer; with no terms
    the artifact belongs to the adoption answer only, so it never fails the repository's check."""
    if comp.ref is None or comp.ref.startswith(comp.path + "#") or comp.kind is Kind.DEPENDENCY:
        return []  # dependencies: one summary finding (collect/detectors/dependencies.py)
    known_license = res.license is not None
    text = (f"The repository references {comp.kind.value} {comp.ref!r} (in {comp.path}) that it does not contain; "
            + (f"its license is {res.license} (from {', '.join(sorted({e.source for e in res.evidence}))})."
               if known_license else "no terms are stated for it, so adopting the repository pulls in unknown "
               "terms (the adoption answer); the repository's own answer does not depend on it."))
    return [make_finding("external-artifact", text, [Location(comp.path)], [comp.id], Severity.INFO)]


def inherit(comp: Component, res: Resolution, resolved: dict[str, Resolution], roots: set[str]) -> Resolution:
    """Weights or data with no license of their own take the enclosing component's license, with an
    ``inherited-license`` warning: a code license is often not meant for them. With nothing to
    inherit they stay unknown (``no-license``)."""
    if comp.kind not in _ARTIFACTS or comp.ref is not None or res.license is not None or res.declared:
        return res
    if set(res.problems) != {"no-license"}:
        return res
    parent_id = None if comp.path == "." else owner(comp.path, roots - {comp.path})
    parent = resolved.get(parent_id) if parent_id else None
    if parent is None or parent.license is None:
        return res
    finding = make_finding(
        "inherited-license",
        f"{comp.kind.value.capitalize()} {comp.path!r} state no license of their own; only the license of "
        f"{parent_id!r} ({parent.license}) covers them, which may not be meant for {comp.kind.value}.",
        [Location(comp.path)], [comp.id])
    evidence = tuple(e for e in parent.evidence if e.source in _DECLARING)
    return replace(res, license=parent.license, evidence=evidence or parent.evidence[:1],
                   findings=(finding,), problems=(), declared_own=None)
