"""The SPDX 3.0.1 JSON-LD document, with the AI and Dataset profiles: one package per component.

A model or weights component is an ``ai_AIPackage``, a dataset or data component a
``dataset_DatasetPackage``, anything else a ``software_Package``. Licenses are
``simplelicensing_LicenseExpression`` elements linked by hasConcludedLicense and hasDeclaredLicense
(one target per declared statement); a missing license is no relationship (no assertion). Every LicenseRef-
maps, through ``simplelicensing_customIdToUri``, to a ``simplelicensing_SimpleLicensingText`` that says
where license-check found the license (its text is not in the report). The root package is the document's
rootElement; it contains the in-repository components and dependsOn the dependencies and referenced artifacts.

Byte-identical across runs: ``created`` is the fixed Unix epoch (as in render/spdx.py), and every IRI sits
under https://license-check.invalid/spdx3/<sha256>/, the sha256 of the document written with a placeholder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from license_check.model import Component, JudgedComponent, Kind, Report
from license_check.render import sbom

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CREATED = "1970-01-01T00:00:00Z"
NAMESPACE = "https://license-check.invalid/spdx3/"
_CREATION = "_:creationinfo"
_PROFILES = ["core", "software", "simpleLicensing", "ai", "dataset"]
_TYPE = {Kind.MODEL: "ai_AIPackage", Kind.WEIGHTS: "ai_AIPackage", Kind.DATASET: "dataset_DatasetPackage",
         Kind.DATA: "dataset_DatasetPackage"}
_PURPOSE = {Kind.CODE: "source", Kind.DEPENDENCY: "library", Kind.MODEL: "model", Kind.WEIGHTS: "model",
            Kind.DATASET: "data", Kind.DATA: "data", Kind.OTHER: "other"}
_REF = re.compile(r"(?<![A-Za-z0-9.+:-])LicenseRef-[A-Za-z0-9.-]+(?![A-Za-z0-9.+:-])")
_MAX_PATHS = 10


def _components(report: Report) -> list[tuple[JudgedComponent, str]]:
    """Every component once, with its scope; a root package made from the report when none is listed."""
    out = [(c, "repository") for c in report.components]
    seen = {c.component.id for c in report.components}
    if report.adoption is not None:
        out.extend((c, "adoption") for c in report.adoption.components if c.component.id not in seen)
    if "." not in seen:
        root = JudgedComponent(component=Component(id=".", path=".", kind=Kind.CODE), license=report.project_license,
                               declared_licenses=(), elected_license=None, commercial_use=report.commercial_use,
                               evidence=())
        out.insert(0, (root, "repository"))
    return out


def _iri(base: str, cid: str) -> str:
    return base + ("package/root" if cid == "." else "component/" + quote(cid, safe=""))


def _package(c: JudgedComponent, scope: str, base: str, shown_root: str) -> dict[str, Any]:
    kind = c.component.kind
    out: dict[str, Any] = {
        "type": _TYPE.get(kind, "software_Package"), "spdxId": _iri(base, c.component.id),
        "creationInfo": _CREATION, "name": sbom.name(c, shown_root),
        "comment": sbom.comment(c, scope, with_license=True),
        "software_primaryPurpose": _PURPOSE.get(kind, "other"),
    }
    if out["type"] == "dataset_DatasetPackage":
        out["dataset_datasetType"] = ["noAssertion"]  # the report does not say what the data is
    purl = sbom.purl(c)
    if purl is not None:
        out["software_packageUrl"] = purl
    if kind is Kind.DEPENDENCY and c.component.version:
        out["software_packageVersion"] = c.component.version
    return out


def _paths(ref: str, components: list[JudgedComponent]) -> list[str]:
    """Where the evidence states ``ref``; else the evidence of the components whose license uses it."""
    stated = sorted({e.path for c in components for e in c.evidence
                     if e.expression and ref in _REF.findall(e.expression)})
    if stated:
        return stated
    users = [c for c in components if any(ref in _REF.findall(t) for t in (c.license or "", *c.declared_licenses))]
    return sorted({e.path for c in users for e in c.evidence})


def _license_text(ref: str, components: list[JudgedComponent]) -> str:
    paths = _paths(ref, components)
    where = ", ".join(paths[:_MAX_PATHS]) + (f" and {len(paths) - _MAX_PATHS} more" if len(paths) > _MAX_PATHS else "")
    return (f"{ref}: license-check names this license; its text is not in this document. "
            + (f"The license is stated in: {where}." if where else "No file of the scanned tree states it."))


class _Graph:
    """The elements in the order they are made, with the license elements made once per expression."""

    def __init__(self, base: str, components: list[JudgedComponent]) -> None:
        self.base = base
        self.components = components
        self.elements: list[dict[str, Any]] = []
        self.licenses: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.relationships = 0

    def add(self, element: dict[str, Any]) -> str:
        self.elements.append(element)
        return str(element["spdxId"])

    def license(self, expression: str) -> str:
        if expression not in self.licenses:
            element: dict[str, Any] = {
                "type": "simplelicensing_LicenseExpression",
                "spdxId": self.base + "license/" + hashlib.sha256(expression.encode()).hexdigest()[:16],
                "creationInfo": _CREATION, "simplelicensing_licenseExpression": expression,
            }
            refs = sorted(set(_REF.findall(expression)))
            if refs:
                element["simplelicensing_customIdToUri"] = [
                    {"type": "DictionaryEntry", "key": ref, "value": self._text(ref)} for ref in refs]
            self.licenses[expression] = self.add(element)
        return self.licenses[expression]

    def _text(self, ref: str) -> str:
        if ref not in self.texts:
            self.texts[ref] = self.add({
                "type": "simplelicensing_SimpleLicensingText", "spdxId": self.base + "licenseref/" + ref,
                "creationInfo": _CREATION, "name": ref.removeprefix("LicenseRef-"),
                "simplelicensing_licenseText": _license_text(ref, self.components),
            })
        return self.texts[ref]

    def relate(self, source: str, kind: str, targets: list[str], comment: str | None = None) -> None:
        if not targets:
            return
        self.relationships += 1
        element: dict[str, Any] = {"type": "Relationship", "spdxId": f"{self.base}relationship/{self.relationships}",
                                   "creationInfo": _CREATION, "from": source, "relationshipType": kind,
                                   "to": targets}
        if comment:
            element["comment"] = comment
        self.add(element)


def _edges(listed: list[tuple[JudgedComponent, str]], base: str) -> Iterator[tuple[str, str, str, str]]:
    """Lineage edges between listed components: (from, relationship type, to, relation as declared)."""
    by_ref = {c.component.ref: _iri(base, c.component.id) for c, _ in listed if c.component.ref}
    for c, _ in listed:
        for edge in c.lineage:
            target = by_ref.get(edge.ref)
            if target is None or target == _iri(base, c.component.id):
                continue
            yield _iri(base, c.component.id), "trainedOn" if edge.relation == "trained-on" else "descendantOf", \
                target, edge.relation


def document(report: Report, base: str) -> dict[str, Any]:
    """The JSON-LD object of ``report`` with every IRI under ``base``."""
    listed = _components(report)
    graph = _Graph(base, [c for c, _ in listed])
    agent = graph.add({"type": "SoftwareAgent", "spdxId": base + "agent/license-check", "creationInfo": _CREATION,
                       "name": "license-check"})
    tool = graph.add({"type": "Tool", "spdxId": base + "tool/license-check", "creationInfo": _CREATION,
                      "name": f"license-check-{report.tool_version}"})
    root = _iri(base, ".")
    for c, scope in listed:
        graph.add(_package(c, scope, base, report.root))
    for c, _ in listed:
        pid = _iri(base, c.component.id)
        if c.license:
            graph.relate(pid, "hasConcludedLicense", [graph.license(c.license)])
        declared = list(dict.fromkeys(graph.license(text) for text in c.declared_licenses))
        graph.relate(pid, "hasDeclaredLicense", declared)
    graph.relate(root, "contains", [_iri(base, c.component.id) for c, _ in listed
                                    if c.component.id != "." and c.component.ref is None])
    graph.relate(root, "dependsOn", [_iri(base, c.component.id) for c, _ in listed
                                     if c.component.id != "." and c.component.ref is not None],
                 "dependencies and referenced artifacts a user must fetch")
    for source, kind, target, relation in _edges(listed, base):
        graph.relate(source, kind, [target], relation)
    adoption = f"; adoption commercial_use: {report.adoption.commercial_use.value}" if report.adoption else ""
    creation = {"type": "CreationInfo", "@id": _CREATION, "specVersion": "3.0.1", "created": CREATED,
                "createdBy": [agent], "createdUsing": [tool],
                "comment": (f"licensedb {report.licensedb_version}; created is fixed at the Unix epoch so that the "
                            "document is reproducible, it is not the time of the scan")}
    spdx_document = {
        "type": "SpdxDocument", "spdxId": base + "document", "creationInfo": _CREATION, "name": report.root,
        "comment": f"license-check verdict: {report.verdict.value}; commercial_use: {report.commercial_use.value}"
                   f"{adoption}",
        "profileConformance": _PROFILES, "rootElement": [root],
        "element": [str(e["spdxId"]) for e in graph.elements],
    }
    return {"@context": CONTEXT, "@graph": [creation, spdx_document, *graph.elements]}


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_spdx3(report: Report) -> str:
    """The SPDX 3.0.1 JSON-LD text of ``report`` (byte-identical for the same report)."""
    digest = hashlib.sha256(_dump(document(report, NAMESPACE + "0" * 64 + "/")).encode()).hexdigest()
    return _dump(document(report, f"{NAMESPACE}{digest}/"))
