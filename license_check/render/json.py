"""The JSON report (CONTRACT.md, schema_version 1): sorted keys, stable order, relative paths."""

from __future__ import annotations

import json
from typing import Any

from license_check.findings import fingerprint
from license_check.model import Cause, Duty, Evidence, Finding, JudgedComponent, Kind, Lineage, Report
from license_check.render.sbom import purl

SCHEMA_VERSION = 1


def _duty(d: Duty) -> dict[str, str]:
    return {"code": d.code, "text": d.text, "source": d.source}


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"path": e.path, "line": e.line, "key": e.key, "source": e.source, "expression": e.expression,
            "confidence": None if e.confidence is None else round(e.confidence, 3)}


def component_dict(c: JudgedComponent) -> dict[str, Any]:
    out = _component_fields(c)
    comp = c.component
    if comp.kind is Kind.DEPENDENCY and comp.ref is not None:  # extension fields, for dependencies only
        out["purl"] = purl(c)
        out["version"] = comp.version
        out["group"] = comp.group or "default"
    return out


def _component_fields(c: JudgedComponent) -> dict[str, Any]:
    return {
        "id": c.component.id,
        "path": c.component.path,
        "kind": c.component.kind.value,
        "license": c.license,
        "declared_licenses": list(c.declared_licenses),
        "elected_license": c.elected_license,
        "commercial_use": c.commercial_use.value,
        "evidence": [_evidence(e) for e in c.evidence],
        "lineage": [_lineage(x) for x in c.lineage],
        "obligations": [_duty(d) for d in c.obligations],
        "restrictions": [_duty(d) for d in c.restrictions],
        "reasons": [{"code": r.code, "license": r.license, "text": r.text} for r in c.reasons],
        "files": c.component.files,
        "ref": c.component.ref,
        "evidence_omitted": c.evidence_omitted,
    }


def _lineage(x: Lineage) -> dict[str, Any]:
    out: dict[str, Any] = {"relation": x.relation, "ref": x.ref, "license": x.license}
    if x.commercial_use is not None:
        out["commercial_use"] = x.commercial_use.value
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity.value,
        "rule": f.rule,
        "message": f.message,
        "locations": [{"path": loc.path, "line": loc.line} for loc in f.locations],
        "components": list(f.components),
        "fingerprint": fingerprint(f),
        "suppressed": f.suppressed,
    }


def cause_dict(c: Cause) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "components": list(c.components),
        "commercial_use": c.commercial_use.value,
        "license": c.license,
        "elected_license": c.elected_license,
        "clauses": [{"code": r.code, "license": r.license, "text": r.text} for r in c.clauses],
        "lineage": [_lineage(x) for x in c.lineage],
        "remedies": [{"code": r.code, "text": r.text} for r in c.remedies],
        "waived": c.waived,
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "license-check", "version": report.tool_version,
                 "licensedb_version": report.licensedb_version},
        "root": report.root,
        "policy": report.policy,
        "project_license": report.project_license,
        "commercial_use": report.commercial_use.value,
        "verdict": report.verdict.value,
        "components": [component_dict(c) for c in report.components],
        "findings": [finding_dict(f) for f in report.findings],
        "coverage": dict(report.coverage),
        "scan": dict(report.scan),
        "explain": {"causes": [cause_dict(c) for c in report.causes]},
        **({"adoption": {
            "commercial_use": report.adoption.commercial_use.value,
            "components": [component_dict(c) for c in report.adoption.components],
            "causes": [cause_dict(c) for c in report.adoption.causes],
        }} if report.adoption is not None else {}),
        "checklist": [{"code": i.code, "text": i.text, "components": list(i.components), "sources": list(i.sources)}
                      for i in report.checklist],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
