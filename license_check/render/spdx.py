"""The SPDX 2.3 JSON document: one package per component, built and validated with spdx-tools.

One document describes the root package. The root CONTAINS the in-repository components and DEPENDS_ON
the dependencies and the referenced artifacts a user must fetch (the adoption components). A package's
licenseConcluded is the component's license, licenseDeclared its declared licenses (ANDed when there are
several), and its comment says what may be done commercially. Every LicenseRef- is declared as extracted
licensing info; its text is not in the report, so the extracted text names where license-check found it.

Byte-identical across runs: ``created`` is the fixed timestamp ``CREATED`` (the Unix epoch, the
reproducible-builds convention of SOURCE_DATE_EPOCH=0), not the time of the scan, and the namespace is the
sha256 of the document written with a placeholder namespace.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from license_expression import ExpressionError, ExpressionParseError, LicenseExpression
from spdx_tools.common.spdx_licensing import spdx_licensing  # type: ignore[import-untyped]
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.extracted_licensing_info import ExtractedLicensingInfo
from spdx_tools.spdx.model.package import ExternalPackageRef, ExternalPackageRefCategory, Package, PackagePurpose
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from license_check.model import Component, JudgedComponent, Kind, Report
from license_check.render import sbom

CREATED = datetime(1970, 1, 1, tzinfo=UTC)
NAMESPACE = "https://license-check.invalid/spdx/"
_PLACEHOLDER = NAMESPACE + "0" * 64
_PURPOSE = {Kind.CODE: PackagePurpose.SOURCE, Kind.DEPENDENCY: PackagePurpose.LIBRARY}
_TOKEN = r"(?<![A-Za-z0-9.+:-]){}(?![A-Za-z0-9.+:-])"
_MAX_PATHS = 10


class SpdxError(ValueError):
    """The document spdx-tools built does not validate: a bug here, never the user's input."""


@dataclass
class _Refs:
    """The LicenseRef- ids the document uses, and ids it had to rename to keep the document valid."""

    used: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)  # LicenseRef-license-check-... -> the symbol as written


def _sanitize(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")


def _valid_ref(symbol: str) -> bool:
    return re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+", symbol) is not None


def _expression(text: str | None, refs: _Refs, notes: list[str]) -> LicenseExpression | SpdxNoAssertion:
    """``text`` as spdx-tools' expression; a symbol it cannot declare is renamed to a LicenseRef- (noted).

    NOASSERTION, with a note, for no license or for text that does not parse (nothing is declared for it)."""
    if not text:
        return SpdxNoAssertion()
    original = text
    renamed: dict[str, str] = {}
    try:
        spdx_licensing.parse(text)
        for symbol in spdx_licensing.validate(text).invalid_symbols:
            if not symbol or _valid_ref(symbol):
                continue
            ref = "LicenseRef-license-check-" + (_sanitize(symbol.replace(":", "-")) or "symbol")
            renamed[ref] = symbol
            text = re.sub(_TOKEN.format(re.escape(symbol)), ref, text)
        parsed = spdx_licensing.parse(text)
        try:  # as spdx-tools validates: strict parsing finds an exception used as a license (or the reverse)
            spdx_licensing.parse(text, validate=True, strict=True)
        except ExpressionParseError:
            raise
        except ExpressionError:  # unknown symbols: declared below
            pass
    except ExpressionError as err:
        notes.append(f"{original!r} is not an SPDX expression this document can carry ({err})")
        return SpdxNoAssertion()
    if parsed is None:
        return SpdxNoAssertion()
    refs.renamed.update(renamed)
    notes.extend(f"{symbol} is written here as {ref}" for ref, symbol in renamed.items())
    # every LicenseRef- written, declared: the licensing knows ScanCode's LicenseRef-scancode-* keys, so
    # spdx-tools' validation alone would not ask for those
    refs.used.update(re.findall(_TOKEN.format(r"LicenseRef-[A-Za-z0-9.-]+"), str(parsed)))
    return parsed


def _declared(c: JudgedComponent) -> str | None:
    """The declared licenses as one expression: the distinct statements, ANDed."""
    distinct: list[str] = []
    for text in c.declared_licenses:
        try:
            if any(spdx_licensing.is_equivalent(text, seen) for seen in distinct):
                continue
        except ExpressionError:
            pass
        distinct.append(text)
    if len(distinct) <= 1:
        return distinct[0] if distinct else None
    return " AND ".join(f"({text})" for text in distinct)


def _spdx_ids(components: list[JudgedComponent]) -> dict[str, str]:
    """Component id -> SPDXID: the id sanitized to [A-Za-z0-9.-]; ids that sanitize alike get a hash suffix."""
    base = {c.component.id: "root" if c.component.id == "." else _sanitize(c.component.id) or "component"
            for c in components}
    counts: dict[str, int] = {}
    for value in base.values():
        counts[value] = counts.get(value, 0) + 1
    return {cid: "SPDXRef-Package-" + (value if counts[value] == 1 else
                                       f"{value}-{hashlib.sha256(cid.encode()).hexdigest()[:12]}")
            for cid, value in base.items()}


def _package(c: JudgedComponent, spdx_id: str, scope: str, shown_root: str, refs: _Refs) -> Package:
    notes: list[str] = []
    concluded = _expression(c.license, refs, notes)
    declared = _expression(_declared(c), refs, notes)
    if len(c.declared_licenses) > 1:
        notes.insert(0, "declared separately: " + "; ".join(c.declared_licenses))
    purl = sbom.purl(c)
    purpose = _PURPOSE.get(c.component.kind, PackagePurpose.OTHER)
    if c.component.kind is Kind.WEIGHTS and not c.component.is_dir:
        purpose = PackagePurpose.FILE
    return Package(
        spdx_id=spdx_id, name=sbom.name(c, shown_root), download_location=SpdxNoAssertion(),
        version=c.component.version if c.component.kind is Kind.DEPENDENCY else None,
        files_analyzed=False, license_concluded=concluded, license_declared=declared,
        license_comment="; ".join(dict.fromkeys(notes)) or None, comment=sbom.comment(c, scope),
        external_references=[ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", purl)]
        if purl else [],
        primary_package_purpose=purpose,
    )


def _components(report: Report) -> list[tuple[JudgedComponent, str]]:
    """Every component once, with its scope: the report's, then the adoption's not already listed."""
    out = [(c, "repository") for c in report.components]
    seen = {c.component.id for c in report.components}
    if report.adoption is not None:
        out.extend((c, "adoption") for c in report.adoption.components if c.component.id not in seen)
    return out


def _root(report: Report) -> JudgedComponent:
    for c in report.components:
        if c.component.id == ".":
            return c
    return JudgedComponent(component=Component(id=".", path=".", kind=Kind.CODE), license=report.project_license,
                           declared_licenses=(), elected_license=None, commercial_use=report.commercial_use,
                           evidence=())


def _paths(ref: str, components: Iterable[JudgedComponent]) -> list[str]:
    """Where the evidence states ``ref``; else the evidence of the components whose license uses it."""
    token = re.compile(_TOKEN.format(re.escape(ref)))
    stated = sorted({e.path for c in components for e in c.evidence if e.expression and token.search(e.expression)})
    if stated:
        return stated
    users = [c for c in components if any(token.search(t) for t in (c.license or "", *c.declared_licenses))]
    return sorted({e.path for c in users for e in c.evidence})


def _extracted(refs: _Refs, components: list[JudgedComponent]) -> list[ExtractedLicensingInfo]:
    out = []
    for ref in sorted(refs.used):
        original = refs.renamed.get(ref, ref)
        paths = _paths(original, components)
        where = ", ".join(paths[:_MAX_PATHS]) + (f" and {len(paths) - _MAX_PATHS} more" if len(paths) > _MAX_PATHS
                                                  else "")
        named = (f"{original} (not an identifier spdx-tools can declare, renamed {ref})" if ref in refs.renamed
                 else ref)
        text = (f"{named}: license-check names this license; its text is not in this document. "
                + (f"The license is stated in: {where}." if where else "No file of the scanned tree states it."))
        name = original.removeprefix("LicenseRef-")
        out.append(ExtractedLicensingInfo(license_id=ref, extracted_text=text, license_name=name))
    return out


def build_document(report: Report) -> Document:
    """The SPDX 2.3 document of ``report``, validated (``SpdxError`` if spdx-tools finds a problem)."""
    root = _root(report)
    listed = _components(report)
    if all(c.component.id != "." for c, _ in listed):
        listed.insert(0, (root, "repository"))
    ids = _spdx_ids([c for c, _ in listed])
    refs = _Refs()
    packages = [_package(c, ids[c.component.id], scope, report.root, refs) for c, scope in listed]
    root_id = ids["."]
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, root_id)]
    by_ref = {c.component.ref: ids[c.component.id] for c, _ in listed if c.component.ref}
    for c, _ in listed:
        if c.component.id == ".":
            pass
        elif c.component.ref is None:
            relationships.append(Relationship(root_id, RelationshipType.CONTAINS, ids[c.component.id]))
        else:
            note = None if c.component.kind is Kind.DEPENDENCY else "a referenced artifact a user must fetch"
            relationships.append(Relationship(root_id, RelationshipType.DEPENDS_ON, ids[c.component.id], note))
        for edge in c.lineage:
            if edge.ref in by_ref and by_ref[edge.ref] != ids[c.component.id]:
                kind = RelationshipType.OTHER if edge.relation == "trained-on" else RelationshipType.DESCENDANT_OF
                relationships.append(Relationship(ids[c.component.id], kind, by_ref[edge.ref], edge.relation))
    adoption = f"; adoption commercial_use: {report.adoption.commercial_use.value}" if report.adoption else ""
    info = CreationInfo(
        spdx_version="SPDX-2.3", spdx_id="SPDXRef-DOCUMENT", name=report.root, document_namespace=_PLACEHOLDER,
        creators=[Actor(ActorType.TOOL, f"license-check-{report.tool_version}")], created=CREATED,
        creator_comment=(f"licensedb {report.licensedb_version}; created is fixed at the Unix epoch so that "
                         "the document is reproducible, it is not the time of the scan"),
        document_comment=(f"license-check verdict: {report.verdict.value}; commercial_use: "
                          f"{report.commercial_use.value}{adoption}"),
    )
    document = Document(info, packages=packages, relationships=relationships,
                        extracted_licensing_info=_extracted(refs, [c for c, _ in listed]))
    document.creation_info.document_namespace = NAMESPACE + hashlib.sha256(_write(document).encode()).hexdigest()
    messages = validate_full_spdx_document(document)
    if messages:
        raise SpdxError("; ".join(m.validation_message for m in messages))
    return document


def _write(document: Document) -> str:
    stream = io.StringIO()
    write_document_to_stream(document, stream, validate=False)
    return stream.getvalue() + "\n"


def render_spdx(report: Report) -> str:
    """The SPDX 2.3 JSON text of ``report`` (validated; byte-identical for the same report)."""
    return _write(build_document(report))
