"""Group files and claims into components.

The root code component is ".". A folder becomes a component of its own when it has its own
license evidence (a license file or a package manifest that states a license) or when it is a
vendored tree (each child of third_party/, vendor/, ...). Every file and claim belongs to the
deepest component whose folder contains it. README prose never creates a component: it is weak
evidence and only speaks for the folder it sits in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from license_check.model import Artifact, ArtifactRef, Claim, ClaimRole, ClaimScope, Component, FileEntry, Kind

VENDOR_DIRS = frozenset({
    "third_party", "third-party", "thirdparty", "3rdparty", "vendor", "vendored", "external", "extern",
})
# Evidence sources strong enough to make a folder a component of its own.
COMPONENT_SOURCES = frozenset({"license-file", "pyproject", "setup-cfg", "setup-py", "package-json", "cargo",
                               "maven-pom", "citation-cff"})
# Sources whose claims come from an artifact's own metadata (cards, dataset manifests, weight headers).
METADATA_SOURCES = frozenset({
    "model-card", "dataset-card", "datapackage", "croissant", "dataset-info", "citation-cff",
    "safetensors", "gguf", "onnx", "dist-info", "package-lock", "node-modules",
})


def parent_dirs(path: str) -> list[str]:
    """'a/b/c.py' -> ['a/b', 'a', '.'] (nearest first)."""
    parts = path.split("/")[:-1]
    out = ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return [*out, "."]


def _vendored_roots(files: Iterable[FileEntry]) -> set[str]:
    roots: set[str] = set()
    for entry in files:
        parts = entry.path.split("/")
        for i, part in enumerate(parts[:-1]):
            if part.lower() in VENDOR_DIRS:
                # third_party/<child>/... is the child's tree; loose files sit in third_party itself.
                roots.add("/".join(parts[: i + 2]) if i + 2 < len(parts) else "/".join(parts[: i + 1]))
    return roots


def component_roots(files: Sequence[FileEntry], claims: Sequence[Claim]) -> list[str]:
    roots = {"."}
    for claim in claims:
        if (claim.scope is ClaimScope.DIRECTORY and claim.role is ClaimRole.GRANT
                and claim.source in COMPONENT_SOURCES):
            roots.add(claim.target)
    roots |= _vendored_roots(files)
    return sorted(roots)


def file_owners(files: Sequence[FileEntry], roots: set[str] | frozenset[str]) -> list[str]:
    """``owner`` of each file, computed once per folder (a 200,000-file tree has a few thousand folders)."""
    by_folder: dict[str, str] = {}
    out = []
    for entry in files:
        if entry.path in roots:  # a file that is a component of its own
            out.append(entry.path)
            continue
        found = by_folder.get(entry.parent)
        if found is None:
            found = by_folder[entry.parent] = owner(entry.parent, roots) if entry.parent != "." else "."
        out.append(found)
    return out


def owner(path: str, roots: set[str] | frozenset[str], is_dir: bool = False) -> str:
    """The deepest component root that contains ``path`` (a folder contains itself; a weights file that
    is a component of its own owns itself)."""
    for candidate in [path, *parent_dirs(path)]:
        if candidate in roots:
            return candidate
    return "."


_CARD_SOURCES = frozenset({"model-card", "dataset-card", "readme-prose"})
_KIND_RANK = {Kind.MODEL: 0, Kind.DATASET: 1, Kind.WEIGHTS: 2, Kind.DATA: 3, Kind.DEPENDENCY: 4}
REF_PREFIX = "ref:"


def _artifact_roots(artifacts: Sequence[Artifact], code_roots: set[str]) -> dict[str, Kind]:
    """Where in-repository artifacts put component roots, and of which kind.

    Cards and manifests root their folder. A weights file roots itself when it states a license or a
    lineage and no model card encloses it (inside a model folder it is evidence of that model).
    Other weights files are grouped per folder (or stay single when the folder is already a root) and
    inherit their license later (``inherited-license``).
    """
    kinds: dict[str, Kind] = {}
    for art in sorted((a for a in artifacts if a.ref is None and a.is_dir), key=lambda a: (_KIND_RANK[a.kind], a.path)):
        kinds.setdefault(art.path, art.kind)
    described = {p for p, k in kinds.items() if k in (Kind.MODEL, Kind.DATASET)}
    for path in [p for p, k in kinds.items() if k is Kind.DATA]:
        if any(d == "." or path == d or path.startswith(d + "/") for d in described):
            del kinds[path]  # data files inside a described dataset or model belong to it
    models = {p for p, k in kinds.items() if k is Kind.MODEL}
    loose: dict[str, list[str]] = defaultdict(list)
    for art in sorted((a for a in artifacts if a.ref is None and not a.is_dir), key=lambda a: a.path):
        if art.evidence.source in _CARD_SOURCES and art.has_license:
            kinds[art.path] = art.kind  # a card by another name (MODEL_CARD.md) is a component of its own
            continue
        enclosing = owner(art.path, set(kinds) | code_roots)
        if enclosing in models:
            continue
        if art.has_license or art.lineage:
            kinds[art.path] = art.kind
        else:
            loose[art.path.rsplit("/", 1)[0] if "/" in art.path else "."].append(art.path)
    for folder, paths in sorted(loose.items()):
        if folder in kinds or folder in code_roots or len(paths) == 1:
            for path in paths:
                kinds.setdefault(path, Kind.WEIGHTS)
        else:
            kinds[folder] = Kind.WEIGHTS
    return kinds


def group(files: Sequence[FileEntry], claims: Sequence[Claim],
          artifacts: Sequence[Artifact] = ()) -> list[Component]:
    """Build the components, each with its claims and file count, sorted by path.

    Referenced artifacts (``Artifact.ref``) become components with id ``ref:<ref>``; they own no
    files and no claims here (the scan adds what the known-models table and prose say about them).
    """
    code_roots = set(component_roots(files, claims))
    kinds = _artifact_roots(artifacts, code_roots)
    roots = code_roots | set(kinds)
    claims_of: dict[str, list[Claim]] = defaultdict(list)
    files_of: dict[str, int] = defaultdict(int)
    lineage_of: dict[str, list[ArtifactRef]] = defaultdict(list)
    for claim in claims:  # a claim on a referenced artifact (a dependency's metadata) targets its id
        claims_of[claim.target if claim.target.startswith(REF_PREFIX) else owner(claim.target, roots)].append(claim)
    for folder in file_owners(files, roots):
        files_of[folder] += 1
    file_roots = {a.path for a in artifacts if a.ref is None and not a.is_dir} & set(kinds)
    for art in artifacts:
        if art.ref is None:
            lineage_of[owner(art.path, roots)].extend(art.lineage)
    out = [
        Component(
            id=root,
            path=root,
            kind=kinds.get(root, Kind.CODE),
            claims=tuple(sorted(claims_of[root], key=_claim_key)),
            files=files_of[root],
            lineage=_unique_refs(lineage_of[root]),
            is_dir=root not in file_roots,
        )
        for root in sorted(roots)
    ]
    return out + referenced(artifacts, {c.id for c in out}, claims_of)


def referenced(artifacts: Sequence[Artifact], taken: set[str],
               claims_of: Mapping[str, Sequence[Claim]] | None = None) -> list[Component]:
    """One component per distinct referenced artifact; its path is the first file that references it."""
    by_ref: dict[str, list[Artifact]] = defaultdict(list)
    for art in artifacts:
        if art.ref is not None:
            by_ref[art.ref].append(art)
    out = []
    for ref, arts in sorted(by_ref.items()):
        arts.sort(key=lambda a: (a.path, a.evidence.line or 0, _KIND_RANK[a.kind]))
        cid = REF_PREFIX + ref
        if cid in taken:
            continue
        own = tuple(sorted((claims_of or {}).get(cid, ()), key=_claim_key))
        out.append(Component(id=cid, path=arts[0].path, kind=min((a.kind for a in arts), key=_KIND_RANK.__getitem__),
                             claims=own, ref=ref, lineage=_unique_refs([x for a in arts for x in a.lineage]),
                             is_dir=False, origin=tuple(a.evidence for a in arts[:5]),
                             group=_group(arts), version=next((a.version for a in arts if a.version), None)))
    return out


def _unique_refs(refs: Sequence[ArtifactRef]) -> tuple[ArtifactRef, ...]:
    seen: dict[tuple[str, str], ArtifactRef] = {}
    for ref in sorted(refs, key=lambda r: (r.relation, r.ref, r.evidence.path, r.evidence.line or 0)):
        seen.setdefault((ref.relation, ref.ref), ref)
    return tuple(seen.values())


def _claim_key(claim: Claim) -> tuple[str, str, int, str]:
    first = claim.evidence[0]
    return (first.path, first.source, first.line or 0, claim.raw or "")


_GROUP_RANK = {"default": 0, "optional": 1, "dev": 2}


def _group(artifacts: Sequence[Artifact]) -> str | None:
    """A dependency declared in several groups is needed as its most demanding one (default first)."""
    groups = [a.group for a in artifacts if a.group is not None]
    return min(groups, key=lambda g: _GROUP_RANK.get(g, 9)) if groups else None
