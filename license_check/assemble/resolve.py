"""Conclude each component's license from its claims (normalize, weigh, reconcile).

Evidence tiers, strongest first: license files; package manifests; per-file SPDX headers and
REUSE annotations (which conclude a component only when every source file has one); README prose.
A lower tier never overrides a higher one; when authoritative declarations disagree the component
is unknown (``conflicting-declarations``) rather than guessed. See README "How the verdict is decided".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from license_check.assemble.components import METADATA_SOURCES
from license_check.findings import make_finding
from license_check.knowledge.normalize import Normalizer
from license_check.model import (
    Claim,
    ClaimRole,
    ClaimScope,
    Component,
    Evidence,
    Finding,
    Kind,
    Location,
    RawForm,
    Severity,
)

UNIDENTIFIED = "LicenseRef-license-check-unknown"
# Sources whose unreadable license is a malformed-metadata finding that caps the answer at unknown
# (enforce.UNKNOWN_RULES), not a second license of the component: a broken CITATION.cff beside a clear
# LICENSE leaves the license MIT and the answer unknown (without a license file beside it, it stays unknown).
_CAPPED_BY_FINDING = frozenset({"citation-cff"})  # a license text or id that could not be identified
MANIFEST_SOURCES = frozenset({"pyproject", "setup-cfg", "setup-py", "package-json", "cargo", "maven-pom"})
FILE_SOURCES = frozenset({"spdx-header", "license-header", "reuse"})
CODE_SUFFIXES = frozenset({
    ".py", ".pyx", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".cu",
    ".java", ".kt", ".scala", ".go", ".rs", ".rb", ".sh", ".swift", ".m", ".mm", ".jl", ".r", ".lua",
    ".php", ".pl", ".cs", ".f90", ".hs", ".ml", ".ex", ".erl", ".clj", ".dart", ".zig", ".sql", ".proto",
})
_ARTIFACT_KINDS = frozenset({Kind.MODEL, Kind.WEIGHTS, Kind.DATASET, Kind.DATA})
# Which metadata speaks first when several disagree (the card is what a reader sees first).
_META_ORDER = {"model-card": 0, "dataset-card": 0, "datapackage": 1, "croissant": 1, "citation-cff": 2,
               "dataset-info": 2, "gguf": 3, "safetensors": 3, "onnx": 3, "known-models": 4}
_GPL_FAMILY = re.compile(r"^(A?GPL|LGPL|GFDL)-\d\.\d(-only|-or-later)$")
_MAX_LOCATIONS = 20
FILE_EVIDENCE_PER_LICENSE = 20  # per-file evidence kept for each (source, license); the rest is counted


@dataclass(frozen=True, slots=True)
class Resolution:
    component: Component
    license: str | None  # concluded expression; None: no license, or declarations in conflict
    declared: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]
    problems: tuple[str, ...]  # rule codes that make the component unknown whatever the rules say
    notices: tuple[Evidence, ...]
    declared_own: str | None = None  # what the folder declares for itself, before per-file differences
    evidence_omitted: int = 0  # per-file evidence beyond FILE_EVIDENCE_PER_LICENSE for its license


@dataclass(frozen=True, slots=True)
class _Item:
    claim: Claim
    expression: str | None  # normalized; None when unusable
    candidates: tuple[str, ...]  # ambiguous family name: what it may mean
    identified: bool = True  # False: the expression holds ids nobody knows
    version_ambiguous: bool = False  # the raw id or name does not say -only/-or-later ("GPL-2.0", "GPLv2")


def _symbols(expression: str) -> set[str]:
    return {s for s in re.split(r"[\s()]+", expression) if s and s not in {"AND", "OR", "WITH"}}


def _relaxed(symbols: set[str]) -> set[str]:
    return {re.sub(r"-(only|or-later)$", "", s) for s in symbols}


def _covered(norm: Normalizer, part: str, whole: str, allow_subset: bool = True) -> bool:
    """``part`` says nothing that contradicts ``whole`` (same license, or a subset of its ids)."""
    if norm.equivalent(part, whole):
        return True
    return allow_subset and _relaxed(_symbols(part)) <= _relaxed(_symbols(whole))


def _consistent(norm: Normalizer, item: _Item, base: str) -> bool:
    if item.expression is not None:
        return _covered(norm, item.expression, base)
    if item.candidates:
        return bool(_relaxed(set(item.candidates)) & _relaxed(_symbols(base)))
    return True  # an unusable declaration is reported on its own; it cannot contradict


def _normalize(norm: Normalizer, claim: Claim, findings: list[Finding], component: str) -> _Item:
    if claim.raw is None:
        return _Item(claim, None, ())
    result = norm.read(claim.raw, claim.form)
    where = [Location(e.path, e.line) for e in claim.evidence[:1]]
    # README prose is weak evidence: what cannot be read there is worth a warning, not an error.
    severity = Severity.WARNING if claim.source == "readme-prose" else None
    if result.error:
        findings.append(make_finding(
            "invalid-license-expression",
            f"{claim.path}: {claim.raw!r} is not a valid license expression ({result.error}).",
            where, [component], severity))
        return _Item(claim, UNIDENTIFIED, (), identified=False)
    if result.candidates:
        return _Item(claim, None, result.candidates)
    if result.expression is None or result.unknown_ids:
        ids = ", ".join(result.unknown_ids) or claim.raw
        findings.append(make_finding(
            "unknown-license-id",
            f"{claim.path}: license {ids!r} is not a known SPDX or LicenseRef id, so its terms are unknown.",
            where, [component], severity))
        # The contract wants an SPDX id or a LicenseRef- in every license string: a name nobody knows
        # ("nimbus-model-license-1.0") stays in the evidence, the expression says "unknown".
        readable = result.expression and all(i.startswith("LicenseRef-") for i in result.unknown_ids)
        return _Item(claim, result.expression if readable else UNIDENTIFIED, (), identified=False)
    if result.slash_as_or and claim.source != "spdx-header":  # headers warn per tag (spdx_headers.tag_notes)
        findings.append(make_finding(
            "ambiguous-license-expression",
            f"{claim.path}: license {claim.raw!r} joins ids with '/', which is no SPDX operator; it was read as "
            f"{result.expression!r} (a choice).", where, [component]))
    return _Item(claim, result.expression, (), version_ambiguous=result.version_ambiguous)


def _is_vague(item: _Item) -> bool:
    """A declaration that says a license exists without naming it ("License :: Other/Proprietary
    License", "Other", "Custom"): read, but weaker than any specific claim."""
    return item.claim.raw is not None and item.expression == UNIDENTIFIED and item.claim.form is not RawForm.SPDX


def _drop_vague_file_claims(per_file: list[_Item], cid: str, findings: list[Finding]) -> list[_Item]:
    """An unknown LicenseRef- on a file that also carries a recognised notice (``LicenseRef-Apache2`` then
    the Apache-2.0 notice) is the author's label for that notice: the notice decides, the label is a finding."""
    known = {i.claim.target for i in per_file if i.identified and i.expression}
    kept = []
    for item in per_file:
        if not item.identified and item.claim.target in known:
            findings.append(make_finding(
                "vague-declaration",
                f"{item.claim.path}: {item.claim.raw!r} names no known license, but the file's license notice is "
                "recognised; the notice decides. Use the SPDX id in the header.",
                [Location(item.claim.path, item.claim.evidence[0].line)], [cid]))
            continue
        kept.append(item)
    return kept


def _and(expressions: Sequence[str], keep_first: bool = False) -> str:
    """AND of distinct expressions, sorted (after the first one when ``keep_first``)."""
    head = list(expressions[:1]) if keep_first else []
    unique = head + sorted(set(expressions) - set(head))
    if len(unique) == 1:
        return unique[0]
    return " AND ".join(f"({e})" if " OR " in e else e for e in unique)


def _ambiguous_bases(items: Sequence[_Item]) -> set[str]:
    """GPL-family ids (without suffix) whose -only/-or-later the evidence itself leaves open."""
    out: set[str] = set()
    for item in items:
        loose = item.claim.version_ambiguous or item.version_ambiguous or item.claim.form is not RawForm.SPDX
        if item.expression and loose:
            out |= {s[: -len("-only")] for s in _symbols(item.expression) if _GPL_FAMILY.match(s)
                    and s.endswith("-only")}
    return out


def _explicit_versions(items: Sequence[_Item]) -> dict[str, set[str]]:
    """For each GPL-family base, the suffixes that explicit evidence states."""
    out: dict[str, set[str]] = defaultdict(set)
    for item in items:
        if not item.expression:
            continue
        for sym in _symbols(item.expression):
            match = _GPL_FAMILY.match(sym)
            if not match:
                continue
            suffix = match.group(2)
            explicit = suffix == "-or-later" or (
                item.claim.form is RawForm.SPDX and not item.claim.version_ambiguous and not item.version_ambiguous)
            if explicit:
                out[sym[: -len(suffix)]].add(suffix)
    return out


def _settle_versions(base: str, items: Sequence[_Item], cid: str, findings: list[Finding]) -> str:
    ambiguous = _ambiguous_bases(items)
    explicit = _explicit_versions(items)
    for stem in sorted(ambiguous):
        if f"{stem}-only" not in _symbols(base):
            continue
        stated = explicit.get(stem, set())
        if stated == {"-or-later"}:
            base = re.sub(rf"(?<![\w.-]){re.escape(stem)}-only(?![\w.-])", f"{stem}-or-later", base)
        elif stated != {"-only"}:
            where = [Location(i.claim.path, i.claim.evidence[0].line) for i in items
                     if i.expression and f"{stem}-only" in _symbols(i.expression)]
            findings.append(make_finding(
                "ambiguous-license-version",
                f"{stem} is declared without saying '-only' or '-or-later'"
                + (" and the evidence disagrees" if stated else "")
                + f"; the narrower {stem}-only is assumed. State it in an SPDX header or manifest.",
                where[:_MAX_LOCATIONS], [cid]))
    return base


def resolve(component: Component, file_paths: Sequence[str], inherited: Sequence[tuple[str, Evidence]],
            norm: Normalizer) -> Resolution:
    """Conclude ``component``'s license from its claims. ``file_paths``: the files it owns; ``norm``: the
    normalizer of the scan's Knowledge.

    ``inherited``: licenses that flow in from base models (lineage), with the evidence naming the
    base; they are ANDed to what the component declares and explain declarations of the base's terms.
    """
    cid = component.id
    findings: list[Finding] = []
    grants = [c for c in component.claims if c.role is ClaimRole.GRANT]
    notices = tuple(e for c in component.claims if c.role is ClaimRole.NOTICE for e in c.evidence)
    items = [_normalize(norm, c, findings, cid) for c in grants]

    def tier(sources: frozenset[str] | set[str]) -> list[_Item]:
        return [i for i in items if i.claim.scope is ClaimScope.DIRECTORY and i.claim.target == component.path
                and i.claim.source in sources]

    licenses, manifests, readme = tier({"license-file"}), tier(MANIFEST_SOURCES), tier({"readme-prose"})
    # An artifact's own metadata (card, dataset manifest, weight headers inside it, known-models table)
    # speaks for the whole component wherever in it the file sits.
    metadata = sorted((i for i in items if i.claim.source in METADATA_SOURCES | {"known-models"}),
                      key=lambda i: (_META_ORDER.get(i.claim.source, 9), i.claim.path, i.claim.evidence[0].line or 0))
    if component.kind in _ARTIFACT_KINDS:
        readme = [i for i in items if i.claim.source == "readme-prose"]  # routed here by what it names
    inherited_expr = _and([e for e, _ in inherited]) if inherited else None
    carried: list[_Item] = []
    if inherited_expr and licenses and any(i.expression for i in metadata) and all(
            i.expression and _covered(norm, i.expression, inherited_expr) for i in licenses):
        # The license files are the base model's terms, passed on as its license requires (a Llama
        # fine-tune ships Llama's agreement): the component's own declaration is in its metadata.
        carried, licenses = licenses, []
    per_file = _drop_vague_file_claims(
        [i for i in items if i.claim.scope is ClaimScope.FILE and i.claim.source in FILE_SOURCES], cid, findings)
    problems: list[str] = []
    base: str | None = None

    if licenses:
        base = _and([i.expression or UNIDENTIFIED for i in licenses])
        # Present the author's own spelling when a manifest states the same expression.
        base = next((i.expression for i in manifests if i.claim.form is RawForm.SPDX and i.expression
                     and i.identified and norm.equivalent(i.expression, base)), base)
        rivals = manifests + metadata
    elif metadata and any(i.expression is not None for i in metadata):
        # One file's statements are one declaration (a dataset card listing two licenses means both).
        first = next(i for i in metadata if i.expression is not None)
        same = [i for i in metadata if (i.claim.path, i.claim.source) == (first.claim.path, first.claim.source)]
        base = _and([i.expression for i in same if i.expression])
        rivals = [i for i in metadata if i not in same] + manifests + carried
    elif manifests:
        usable = [i for i in manifests if i.expression is not None]
        exact = [i for i in usable if i.claim.form is RawForm.SPDX] or usable
        base = _and([i.expression for i in exact if i.expression]) if exact else None
        if base is None:
            problems.append("unknown-license-id")
            findings.append(make_finding(
                "unknown-license-id",
                "The manifests name only a license family ("
                + ", ".join(sorted({c for i in manifests for c in i.candidates})) + "), not a license.",
                [Location(i.claim.path, i.claim.evidence[0].line) for i in manifests], [cid]))
        rivals = manifests
    elif per_file:
        base = _from_files(component, per_file, file_paths, findings, problems)
        rivals = []
    elif readme and (component.kind in _ARTIFACT_KINDS or not metadata):
        base = _and([i.expression or UNIDENTIFIED for i in readme])
        rivals = []
        if component.kind not in _ARTIFACT_KINDS or not component.ref:
            findings.append(make_finding(
            "license-from-readme-only",
            f"{readme[0].claim.path} states the license in prose only; no license file ships the terms.",
            [Location(i.claim.path, i.claim.evidence[0].line) for i in readme], [cid]))
    elif metadata:
        rivals = []
        if inherited_expr is not None:
            # "license: other" (or an unreadable card license) on a fine-tune: its own terms are unknown,
            # and never the base model's more permissive ones alone.
            base = UNIDENTIFIED
        problems.append("unknown-license-id")
        findings.append(make_finding(
            "unknown-license-id",
            f"Component {cid!r}: its metadata names "
            + (", ".join(sorted({c for i in metadata for c in i.candidates})) or "a license it does not identify")
            + ", not an exact license; a license text is needed to tell which.",
            [Location(i.claim.path, i.claim.evidence[0].line) for i in metadata], [cid]))
    elif inherited_expr is not None:
        rivals = []
    else:
        rivals = []
        problems.append("no-license")
        findings.append(make_finding(
            "no-license",
            f"Component {cid!r} has no license: no license file, manifest license, SPDX header or README "
            "statement. Without a license all rights are reserved.",
            [Location(component.path)], [cid]))

    if base is not None and any(i.claim.raw is None and not (licenses and i.claim.source in _CAPPED_BY_FINDING)
                                for i in (*manifests, *metadata)):
        # A manifest's license that could not be read or parsed may say anything: fail safe.
        base = _and([base, UNIDENTIFIED], keep_first=True)
    if base is not None:
        whole = _and([base, inherited_expr], keep_first=True) if inherited_expr else base
        conflicts = [i for i in rivals if not _consistent(norm, i, whole)]
        if licenses:  # a specific license text beats a vague declaration, which becomes a finding
            vague = [i for i in conflicts if _is_vague(i)]
            conflicts = [i for i in conflicts if i not in vague]
            findings.extend(make_finding(
                "vague-declaration",
                f"{i.claim.path}: {i.claim.raw!r} says only that a license exists; the license files say {base!r}, "
                "which decides. Declare the same license there.",
                [Location(i.claim.path, i.claim.evidence[0].line)], [cid]) for i in vague)
        if conflicts:
            problems.append("conflicting-declarations")
            stated = "; ".join(f"{i.claim.path} says {i.expression or i.claim.raw!r}" for i in conflicts)
            findings.append(make_finding(
                "conflicting-declarations",
                f"Component {cid!r}: the {'license files' if licenses else 'manifests'} say {base!r} but {stated}. "
                "Until the declarations agree the license is unknown.",
                [Location(i.claim.path, i.claim.evidence[0].line) for i in (*licenses, *conflicts)], [cid]))
            base = None
    if base is not None:
        base = _settle_versions(base, items, cid, findings)
        stronger = bool(licenses or manifests)
        findings.extend(
            make_finding("readme-license-mismatch",
                         f"{item.claim.path} says {item.expression!r} but the component is {base!r}.",
                         [Location(item.claim.path, item.claim.evidence[0].line)], [cid])
            for item in readme
            if stronger and item.expression and item.identified and not _covered(norm, item.expression, base))
    own = base
    if base is not None and (licenses or manifests or metadata):
        base = _fold_file_licenses(norm, base, per_file, cid, findings)
    if inherited_expr is not None and "conflicting-declarations" not in problems:
        base = _and([base, inherited_expr], keep_first=True) if base else inherited_expr

    evidence, omitted = _evidence(norm, component, items)
    evidence = tuple(sorted({*evidence, *(ev for _, ev in inherited), *component.origin},
                            key=lambda e: (e.path, e.line or 0, e.source, e.key or "", e.expression or "")))
    declared = tuple(sorted({i.expression for i in items if i.expression}))
    return Resolution(component, base, declared, evidence, tuple(findings), tuple(problems), notices, own, omitted)


def _from_files(component: Component, per_file: Sequence[_Item], file_paths: Sequence[str],
                findings: list[Finding], problems: list[str]) -> str | None:
    covered = {i.claim.target for i in per_file}
    bare = sorted(p for p in file_paths if p not in covered and _is_code(p))
    if bare:
        problems.append("unlicensed-files")
        findings.append(make_finding(
            "unlicensed-files",
            f"Component {component.id!r} has no license file or manifest license, and {len(bare)} source "
            f"file(s) carry no license header (e.g. {bare[0]!r}); they are all rights reserved.",
            [Location(p) for p in bare[:_MAX_LOCATIONS]], [component.id]))
        return None
    return _and([i.expression or UNIDENTIFIED for i in per_file])


def _fold_file_licenses(norm: Normalizer, base: str, per_file: Sequence[_Item], cid: str,
                        findings: list[Finding]) -> str:
    """Files whose own license differs make the component ``base AND <theirs>``."""
    by_expression: dict[str, list[_Item]] = defaultdict(list)
    for item in per_file:
        by_expression[item.expression or UNIDENTIFIED].append(item)
    extra: list[str] = []
    for expression, group in sorted(by_expression.items()):
        if _covered(norm, expression, base, allow_subset=" OR " not in base):
            continue
        extra.append(expression)
        paths = sorted({i.claim.target for i in group})
        findings.append(make_finding(
            "file-license-differs",
            f"{len(paths)} file(s) in component {cid!r} are under {expression!r}, not {base!r} "
            f"(e.g. {paths[0]!r}); the component's license includes them.",
            [Location(i.claim.path, i.claim.evidence[0].line) for i in group][:_MAX_LOCATIONS], [cid]))
    return _and([base, *extra], keep_first=True) if extra else base


def _is_code(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return "." in name and name[name.rindex("."):] in CODE_SUFFIXES


def _evidence(norm: Normalizer, component: Component, items: Sequence[_Item]) -> tuple[tuple[Evidence, ...], int]:
    """Every piece of evidence, except per-file evidence past the first FILE_EVIDENCE_PER_LICENSE
    (in path order) for the same source and license: those are counted, not listed."""
    out: list[Evidence] = []
    for item in sorted(items, key=lambda i: (i.claim.path, i.claim.evidence[0].line or 0)):
        for ev in item.claim.evidence:
            if len(item.claim.evidence) == 1:
                ev = replace(ev, expression=item.expression if item.expression else ev.expression)
            elif ev.expression:
                ev = replace(ev, expression=norm.read(ev.expression, RawForm.SPDX).expression or ev.expression)
            out.append(ev)
    for claim in component.claims:
        if claim.role is ClaimRole.NOTICE:
            out.extend(claim.evidence)
    file_paths = {i.claim.target for i in items if i.claim.scope is ClaimScope.FILE}
    kept: list[Evidence] = []
    seen: dict[tuple[str, str | None], int] = defaultdict(int)
    omitted = 0
    for ev in sorted(set(out), key=lambda e: (e.path, e.line or 0, e.source, e.key or "", e.expression or "")):
        if ev.path in file_paths:
            seen[(ev.source, ev.expression)] += 1
            if seen[(ev.source, ev.expression)] > FILE_EVIDENCE_PER_LICENSE:
                omitted += 1
                continue
        kept.append(ev)
    return tuple(kept), omitted
