"""The SARIF 2.1.0 report: one run, the used rules, one result per finding (waived ones suppressed).

Made for code scanning (GitHub and other SARIF viewers). The layout:

- ``runs[0].tool.driver``: license-check with the rules the report uses (sorted by code), each with its
  summary, why it matters, how to fix it and its default level (error, warning, info -> note).
- ``runs[0].results``: one per finding, in the report's order, with the finding's own level, message and
  ``partialFingerprints["licenseCheck/v1"]`` (findings.fingerprint). A waived finding keeps its result
  and carries an external suppression.
- locations: a path in the tree is a physical location relative to ``%SRCROOT%`` (percent-encoded),
  with ``region.startLine`` when the finding has a line. Dependency metadata outside the tree
  (``env:...``) is a logical location. A result with no location in the tree gets the root ``.``
  first: code scanning shows a result only at a physical location.
- ``runs[0].properties``: the verdict, commercial_use, project_license, the policy name and use mode.

Deterministic: sorted keys, no timestamps, no absolute paths unless the root was given as one.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from license_check.findings import RULES, Rule, fingerprint
from license_check.model import Finding, Location, Report, Severity

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
# The project has no public address yet; like the JSON schema's $id it uses the .invalid domain.
INFORMATION_URI = "https://license-check.invalid/README.md"
FINGERPRINT_KEY = "licenseCheck/v1"
SRCROOT = "%SRCROOT%"
ROOT = "."
EXTERNAL_PREFIX = "env:"  # dependency metadata in the environment read with --deps-env, not in the tree

LEVELS: dict[Severity, str] = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

# properties.tags of a rule: "license-check" and the area it belongs to ("license" when none below).
_AREAS: dict[str, tuple[str, ...]] = {
    "policy": ("denied-license", "license-not-allowed", "unused-allow", "unused-waiver", "expired-waiver",
               "stale-waiver", "lapsed-clarification"),
    "ai-artifact": ("inherited-license", "license-drift", "unverified-lineage", "training-data-terms",
                    "external-artifact"),
    "dependencies": ("dependency-unresolved", "unreadable-dependencies", "dependency-environment"),
    "scan": ("unreadable-file", "skipped-special-file", "symlink-outside-root", "scan-limit-reached",
             "detector-error", "scancode-unavailable"),
}
_AREA = {code: area for area, codes in _AREAS.items() for code in codes}

_DISPLAY_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _rule_tags(code: str) -> list[str]:
    return ["license-check", _AREA.get(code, "license")]


def _markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _descriptor(code: str) -> dict[str, Any]:
    rule = RULES.get(code) or Rule(code, Severity.WARNING, code, "", "")  # every emitted code is registered
    return {
        "id": rule.code,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": rule.fix,
            "markdown": f"{_markdown(rule.why)}\n\n**How to fix:** {_markdown(rule.fix)}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": _rule_tags(rule.code)},
    }


def path_uri(path: str) -> str:
    """A relative URI reference for a display path (collect.reading.display_path).

    A display path shows a non-UTF-8 byte or a control character as ``%XX``: that is the byte, and is
    encoded as such. Every other character is encoded as UTF-8; everything but ``/`` and the unreserved
    characters is percent-encoded (so a ``:`` never reads as a scheme, a space or ``#`` stays in the path).
    """
    data = bytearray()
    pos = 0
    for match in _DISPLAY_ESCAPE.finditer(path):
        data += path[pos:match.start()].encode("utf-8", "surrogatepass")
        data.append(int(match.group(1), 16))
        pos = match.end()
    data += path[pos:].encode("utf-8", "surrogatepass")
    return quote(bytes(data), safe="/")


def _physical(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": path_uri(path), "uriBaseId": SRCROOT}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    return physical


def _location(loc: Location) -> dict[str, Any]:
    if loc.path.startswith(EXTERNAL_PREFIX):
        name = loc.path[len(EXTERNAL_PREFIX):]
        out: dict[str, Any] = {"logicalLocations": [{
            "name": PurePosixPath(name).name or name,
            "fullyQualifiedName": loc.path,
            "kind": "resource",
        }]}
        if loc.line is not None:
            out["properties"] = {"line": loc.line}
        return out
    return {"physicalLocation": _physical(loc.path, loc.line)}


def _locations(finding: Finding) -> list[dict[str, Any]]:
    out = [_location(loc) for loc in finding.locations]
    # physical locations first: a viewer annotates the first one
    out.sort(key=lambda loc: "physicalLocation" not in loc)
    if not out or "physicalLocation" not in out[0]:
        out.insert(0, {"physicalLocation": _physical(ROOT, None)})
    return out


def _policy_text(report: Report, key: str) -> str | None:
    value = report.policy.get(key)
    return value if isinstance(value, str) else None


def _result(finding: Finding, index: dict[str, int], report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": _locations(finding),
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {"components": list(finding.components)},
    }
    if finding.suppressed:
        name = _policy_text(report, "name") or "the policy"
        source = _policy_text(report, "source")
        where = f" ({source})" if source else ""
        out["suppressions"] = [{
            "kind": "external",
            "justification": f"Waived by a waiver of policy {name!r}{where}; the waiver's reason is in the policy.",
        }]
    return out


def _original_uri_base_ids(report: Report) -> dict[str, Any]:
    base: dict[str, Any] = {"description": {"text": f"The scanned root: {report.root}"}}
    if report.root.startswith("/"):
        # an absolute root as given: its file URI (a relative root stays relative, the output portable)
        base["uri"] = "file://" + path_uri(report.root.rstrip("/") + "/")
    return {SRCROOT: base}


def sarif_dict(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict (``render_sarif`` serializes it)."""
    codes = sorted({f.rule for f in report.findings})
    index = {code: i for i, code in enumerate(codes)}
    properties: dict[str, Any] = {
        "root": report.root,
        "verdict": report.verdict.value,
        "commercial_use": report.commercial_use.value,
        "project_license": report.project_license,
        "policy": _policy_text(report, "name"),
        "use_mode": _policy_text(report, "use_mode"),
        "scope": _policy_text(report, "scope"),
        "licensedb_version": report.licensedb_version,
    }
    if report.adoption is not None:
        properties["adoption_commercial_use"] = report.adoption.commercial_use.value
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "license-check",
                "version": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(code) for code in codes],
            }},
            "originalUriBaseIds": _original_uri_base_ids(report),
            "results": [_result(f, index, report) for f in report.findings],
            "properties": properties,
        }],
    }


def render_sarif(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON: UTF-8 text, sorted keys, a trailing newline."""
    return json.dumps(sarif_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
