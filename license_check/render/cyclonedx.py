"""The CycloneDX 1.6 SBOM (JSON): the repository, its components and their concluded licenses, deterministic.

Built with cyclonedx-python-lib. Two runs on the same report give the same bytes: the BOM carries no
timestamp (the library always sets one; it is removed from the output), keys are sorted, and the serial
number is a UUID5 of the BOM's own canonical JSON (everything but the serial number), so it changes
exactly when the content does.

What CycloneDX 1.6 has but the library cannot build (no ``modelCard`` in cyclonedx-python-lib 11): a
model's lineage (base models, adapters, merges, training data) goes into ``pedigree.ancestors`` instead,
one ancestor per lineage entry with its license and a ``license-check:relation`` property.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from cyclonedx.exception.model import InvalidUriException
from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseAcknowledgement, LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.spdx import is_expression
from packageurl import PackageURL

from license_check.model import Evidence, JudgedComponent, Kind, Lineage, Report

NS = "license-check:"  # the namespace of every property this renderer writes
REPOSITORY_REF = "license-check:repository"  # bom-ref of metadata.component (component ids never start so)
# The fixed namespace of the serial numbers (a UUID5 of this name in the URL namespace).
SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "license-check:cyclonedx")
MODEL_RELATIONS = frozenset({"finetune", "adapter", "quantized", "merge", "base"})

_TYPES = {
    Kind.CODE: ComponentType.LIBRARY,
    Kind.MODEL: ComponentType.MACHINE_LEARNING_MODEL,
    Kind.WEIGHTS: ComponentType.MACHINE_LEARNING_MODEL,
    Kind.DATASET: ComponentType.DATA,
    Kind.DATA: ComponentType.DATA,
    Kind.DEPENDENCY: ComponentType.LIBRARY,
    Kind.OTHER: ComponentType.FILE,
}


@cache
def _spdx_licensing() -> Any:  # license_expression is untyped: kept inside this function and _spdx_syntax
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def _spdx_syntax(value: str) -> bool:
    """``value`` is an SPDX expression whose only ids the SPDX list lacks are ``LicenseRef-`` ids.

    The library's own check (``cyclonedx.spdx.is_expression``) knows ScanCode's ``LicenseRef-scancode-*``
    ids but refuses every other ``LicenseRef-``, which the SPDX specification allows in an expression."""
    licensing = _spdx_licensing()
    try:
        parsed = licensing.parse(value, validate=False)
        unknown: list[str] = list(licensing.unknown_license_keys(parsed))
    except Exception:  # noqa: BLE001 - license_expression raises several error types on bad syntax
        return False
    return parsed is not None and all(key.startswith("LicenseRef-") for key in unknown)


def license_choice(value: str | None,
                   acknowledgement: LicenseAcknowledgement = LicenseAcknowledgement.CONCLUDED) -> list[License]:
    """A license as CycloneDX licenses: an SPDX expression, else a named license; none for None."""
    if not value:
        return []
    if is_expression(value) or _spdx_syntax(value):
        return [LicenseExpression(value, acknowledgement=acknowledgement)]
    return [DisjunctiveLicense(name=value, acknowledgement=acknowledgement)]


def _prop(name: str, value: str) -> Property:
    return Property(name=NS + name, value=value)


def _where(e: Evidence) -> str:
    return f"{e.path}:{e.line} ({e.source})" if e.line is not None else f"{e.path} ({e.source})"


def _purl(ref: str | None, version: str | None) -> PackageURL | None:
    if ref is None:
        return None
    try:
        base = PackageURL.from_string(ref)
    except ValueError:
        return None
    return PackageURL(type=base.type, namespace=base.namespace, name=base.name, version=version or None,
                      qualifiers=base.qualifiers, subpath=base.subpath)


def _links(ref: str | None) -> list[ExternalReference]:
    """A referenced artifact given by URL: where to get it (Hub ids and names are not URLs: none)."""
    if ref is None or not ref.startswith(("https://", "http://")):
        return []
    try:
        return [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(ref))]
    except InvalidUriException:  # the library refuses it as a URI
        return []


def lineage_of(c: JudgedComponent) -> list[Lineage]:
    """The judged lineage, then any declared edge the judge did not carry over (its license unknown)."""
    out = list(c.lineage)
    seen = {(x.relation, x.ref) for x in out}
    for edge in c.component.lineage:
        if (edge.relation, edge.ref) not in seen:
            seen.add((edge.relation, edge.ref))
            out.append(Lineage(relation=edge.relation, ref=edge.ref, license=None))
    return out


def _pedigree(c: JudgedComponent) -> Pedigree | None:
    ancestors = []
    notes = []
    for x in lineage_of(c):
        kind = ComponentType.MACHINE_LEARNING_MODEL if x.relation in MODEL_RELATIONS else ComponentType.DATA
        ancestors.append(Component(
            type=kind, name=x.ref, bom_ref=f"{c.component.id}#{x.relation}:{x.ref}",
            licenses=license_choice(x.license), properties=[_prop("relation", x.relation)]))
        notes.append(f"{x.relation}: {x.ref} ({x.license or 'license unknown'})")
    return Pedigree(ancestors=ancestors, notes="; ".join(notes)) if ancestors else None


def _properties(c: JudgedComponent, adoption_only: bool) -> Iterator[Property]:
    comp = c.component
    yield _prop("commercial_use", c.commercial_use.value)
    yield _prop("kind", comp.kind.value)
    yield _prop("path", comp.path)
    if comp.kind is Kind.DEPENDENCY:
        yield _prop("group", comp.group or "default")
    if comp.ref is not None:
        yield _prop("ref", comp.ref)
    if c.elected_license:
        yield _prop("elected_license", c.elected_license)
    for declared in c.declared_licenses:
        yield _prop("declared_license", declared)
    for e in c.evidence:
        yield _prop("evidence", _where(e))
    for e in comp.origin:
        yield _prop("origin", _where(e))
    if adoption_only:
        yield _prop("answer", "adoption")  # counted in the adoption answer only


def component(c: JudgedComponent, repository: str, adoption_only: bool = False) -> Component:
    """One report component as a CycloneDX component; its bom-ref is the component id."""
    comp = c.component
    kind = _TYPES[comp.kind]
    if comp.kind is Kind.CODE and comp.id == ".":
        kind = ComponentType.APPLICATION
    purl = _purl(comp.ref, comp.version) if comp.kind is Kind.DEPENDENCY else None
    if purl is not None:
        name, group = purl.name, purl.namespace
    else:
        name, group = (repository if comp.path == "." and comp.ref is None else comp.ref or comp.path), None
    return Component(
        type=kind, name=name, group=group, version=comp.version if comp.kind is Kind.DEPENDENCY else None,
        bom_ref=comp.id, purl=purl, licenses=license_choice(c.license), external_references=_links(comp.ref),
        pedigree=_pedigree(c) if kind is ComponentType.MACHINE_LEARNING_MODEL else None,
        properties=_properties(c, adoption_only))


def _components(report: Report) -> Iterator[tuple[JudgedComponent, bool]]:
    """The report's components, then the adoption's not already listed (an id is one bom-ref)."""
    seen: set[str] = set()
    adopted = report.adoption.components if report.adoption is not None else ()
    for c, adoption_only in [*((c, False) for c in report.components), *((c, True) for c in adopted)]:
        if c.component.id not in seen:
            seen.add(c.component.id)
            yield c, adoption_only


def _metadata_properties(report: Report) -> Iterable[Property]:
    yield _prop("verdict", report.verdict.value)
    yield _prop("commercial_use", report.commercial_use.value)
    if report.adoption is not None:
        yield _prop("adoption_commercial_use", report.adoption.commercial_use.value)
    for key, name in (("name", "policy"), ("use_mode", "use_mode"), ("scope", "scope")):
        value = report.policy.get(key)
        if isinstance(value, str):
            yield _prop(name, value)
    yield _prop("licensedb_version", report.licensedb_version)


def repository_name(given: str) -> str:
    """The last part of the scanned root as the report gives it (all of it when it has none, e.g. ".")."""
    return PurePosixPath(given.replace("\\", "/")).name or given


def build_bom(report: Report) -> Bom:
    """The report as a cyclonedx-python-lib Bom (its serial number and timestamp are set in the output)."""
    name = repository_name(report.root)
    repository = Component(type=ComponentType.APPLICATION, name=name, bom_ref=REPOSITORY_REF,
                           licenses=license_choice(report.project_license, LicenseAcknowledgement.DECLARED))
    tool = Component(type=ComponentType.APPLICATION, name="license-check", version=report.tool_version)
    metadata = BomMetaData(component=repository, tools=ToolRepository(components=[tool]),
                           properties=_metadata_properties(report))
    components = [component(c, name, adoption_only) for c, adoption_only in _components(report)]
    bom = Bom(components=components, metadata=metadata, serial_number=uuid.UUID(int=0))
    bom.register_dependency(repository, components)
    return bom


def render_cyclonedx(report: Report) -> str:
    """CycloneDX 1.6 JSON of ``report``: byte-identical for the same report (no timestamp, content serial)."""
    doc: dict[str, Any] = json.loads(JsonV1Dot6(build_bom(report)).output_as_string())
    doc["metadata"].pop("timestamp", None)
    doc.pop("serialNumber", None)
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    doc["serialNumber"] = uuid.uuid5(SERIAL_NAMESPACE, canonical).urn
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
