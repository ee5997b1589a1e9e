"""What the SBOM renderers (and the JSON's extension fields) say alike of a component: its package URL, its
display name and the comment that carries license-check's judgement."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from license_check.model import JudgedComponent, Kind


def purl(c: JudgedComponent) -> str | None:
    """A dependency's package URL with its version (``ref`` is the purl without one); None otherwise."""
    comp = c.component
    if comp.kind is not Kind.DEPENDENCY or comp.ref is None or not comp.ref.startswith("pkg:"):
        return None
    return comp.ref + (f"@{quote(comp.version, safe='')}" if comp.version else "")


def name(c: JudgedComponent, shown_root: str) -> str:
    comp = c.component
    if comp.id == ".":
        return PurePosixPath(shown_root).name or shown_root
    if comp.kind is Kind.DEPENDENCY and comp.ref and comp.ref.startswith("pkg:"):
        return unquote(comp.ref.partition("/")[2]) or comp.ref
    return comp.ref or comp.path or comp.id


def comment(c: JudgedComponent, scope: str, *, with_license: bool = False) -> str:
    """The judgement as one line: commercial use, kind, scope, path, ref, group, (license,) election,
    lineage, duty codes and reasons."""
    comp = c.component
    parts = [f"commercial_use: {c.commercial_use.value}", f"kind: {comp.kind.value}", f"scope: {scope}",
             f"path: {comp.path}"]
    if comp.ref is not None:
        parts.append(f"ref: {comp.ref}")
    if comp.kind is Kind.DEPENDENCY:
        parts.append(f"group: {comp.group or 'default'}")
    if with_license:
        parts.append(f"license: {c.license or 'NOASSERTION'}")
    if c.elected_license:
        parts.append(f"elected license: {c.elected_license}")
    parts.extend(f"lineage: {x.relation} {x.ref} ({x.license or 'license unknown'})" for x in c.lineage)
    if c.material:
        parts.append("duties: " + ", ".join(d.code for d in c.material))
    parts.extend(f"reason: {r.text}" for r in c.reasons)
    return "license-check: " + "; ".join(parts)
