"""Group files and claims into components.

The root code component is ".". A folder becomes a component of its own when it has its own
license evidence (a license file or a package manifest that states a license) or when it is a
vendored tree (each child of third_party/, vendor/, ...). Every file and claim belongs to the
deepest component whose folder contains it. README prose never creates a component: it is weak
evidence and only speaks for the folder it sits in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from license_check.model import Claim, ClaimRole, ClaimScope, Component, FileEntry, Kind

VENDOR_DIRS = frozenset({
    "third_party", "third-party", "thirdparty", "3rdparty", "vendor", "vendored", "external", "extern",
})
# Evidence sources strong enough to make a folder a component of its own.
COMPONENT_SOURCES = frozenset({"license-file", "pyproject", "setup-cfg", "setup-py", "package-json", "cargo"})


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


def owner(path: str, roots: set[str], is_dir: bool = False) -> str:
    """The deepest component root that contains ``path`` (a folder contains itself)."""
    candidates = ([path] if is_dir else []) + parent_dirs(path)
    for candidate in candidates:
        if candidate in roots:
            return candidate
    return "."


def group(files: Sequence[FileEntry], claims: Sequence[Claim]) -> list[Component]:
    """Build the components, each with its claims and file count, sorted by path."""
    roots = set(component_roots(files, claims))
    claims_of: dict[str, list[Claim]] = defaultdict(list)
    files_of: dict[str, int] = defaultdict(int)
    for claim in claims:
        is_dir = claim.scope is ClaimScope.DIRECTORY
        claims_of[owner(claim.target, roots, is_dir=is_dir)].append(claim)
    for entry in files:
        files_of[owner(entry.path, roots)] += 1
    return [
        Component(
            id=root,
            path=root,
            kind=Kind.CODE,
            claims=tuple(sorted(claims_of[root], key=_claim_key)),
            files=files_of[root],
        )
        for root in sorted(roots)
    ]


def _claim_key(claim: Claim) -> tuple[str, str, int, str]:
    first = claim.evidence[0]
    return (first.path, first.source, first.line or 0, claim.raw or "")
