"""Renderers, tested on hand-built reports (no scanning)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from license_check.findings import fingerprint, make_finding
from license_check.model import (
    Component,
    Duty,
    Evidence,
    JudgedComponent,
    Kind,
    Location,
    Reason,
    Report,
    Use,
    Verdict,
)
from license_check.render import RENDERERS, Format
from license_check.render.json import render_json
from license_check.render.table import render_table

SCHEMA = Path(__file__).resolve().parents[2] / "license_check" / "schema" / "report-v1.schema.json"


def report() -> Report:
    root = JudgedComponent(
        component=Component(id=".", path=".", kind=Kind.CODE, files=3),
        license="MIT OR Apache-2.0", declared_licenses=("MIT OR Apache-2.0",), elected_license="MIT",
        commercial_use=Use.ALLOWED,
        evidence=(Evidence("LICENSE-MIT", "license-file", "MIT", confidence=0.98765),
                  Evidence("Cargo.toml", "cargo", "MIT OR Apache-2.0", key="package.license", confidence=0.95)),
        obligations=(Duty("include-notice", "Keep the copyright and permission notice.", "MIT ¶2"),),
        reasons=(Reason("license-allowed", "MIT", "MIT: commercial use allowed."),),
    )
    vendored = JudgedComponent(
        component=Component(id="third_party/x", path="third_party/x", kind=Kind.CODE, files=1),
        license=None, declared_licenses=(), elected_license=None, commercial_use=Use.UNKNOWN, evidence=(),
        reasons=(Reason("no-license", "", "No license: all rights reserved."),),
    )
    finding = make_finding("no-license", "Component 'third_party/x' has no license.",
                           [Location("third_party/x")], ["third_party/x"])
    return Report(root="repo", tool_version="9.9.9", licensedb_version="db 1", project_license="MIT OR Apache-2.0",
                  policy={"name": "default", "source": "built-in", "use_mode": "distribute"},
                  commercial_use=Use.UNKNOWN, verdict=Verdict.FAIL, components=(root, vendored),
                  findings=(finding,), coverage={"code": "analysed", "dependencies": "not-analysed"})


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format)


def test_json_is_valid_against_the_schema_and_stable() -> None:
    text = render_json(report())
    doc = json.loads(text)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert text == render_json(report())
    assert list(doc) == sorted(doc)
    assert doc["schema_version"] == 1 and doc["tool"] == {"name": "license-check", "version": "9.9.9",
                                                          "licensedb_version": "db 1"}
    root = doc["components"][0]
    assert root["elected_license"] == "MIT" and root["evidence"][0]["confidence"] == 0.988
    assert doc["findings"][0]["fingerprint"] == fingerprint(report().findings[0])


def test_fingerprint_ignores_wording_but_not_location() -> None:
    a = make_finding("no-license", "one wording", [Location("x")], ["x"])
    b = make_finding("no-license", "another wording", [Location("x")], ["x"])
    c = make_finding("no-license", "one wording", [Location("y")], ["y"])
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)


def test_table_has_components_findings_and_verdict() -> None:
    text = render_table(report())
    lines = text.rstrip().splitlines()
    assert lines[0].split() == ["component", "kind", "license", "commercial", "use", "key", "obligation"]
    assert "elected: MIT" in text
    assert "third_party/x" in text and "no-license" in text
    assert lines[-1].startswith("verdict: FAIL — commercial use unknown")
    assert "1 error" in lines[-1]


def test_json_keeps_non_ascii_and_escaped_paths_valid() -> None:
    r = report()
    odd = make_finding("unreadable-file", "caf%E9 and new%0Aline", [Location("caf%E9.txt"), Location("new%0Aline")])
    text = render_json(Report(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "findings": (odd,)}))
    doc = json.loads(text)
    assert [loc["path"] for loc in doc["findings"][0]["locations"]] == ["caf%E9.txt", "new%0Aline"]
    text.encode("utf-8")


HOSTILE = "org/m\x1b]0;PWNED\x07\u202e\x9b31m\nverdict: PASS"


def test_control_characters_from_the_repository_never_reach_the_table_raw(tmp_path: Path) -> None:
    """A model card's base_model (YAML: "org/m\\e]0;PWNED\\a") carried escape sequences to the terminal."""
    from license_check.pipeline import ScanOptions, scan

    (tmp_path / "README.md").write_text('---\nlicense: mit\nbase_model: "org/m\\e]0;PWNED\\a\\u202e"\n---\n# m\n',
                                        encoding="utf-8")
    result = scan(str(tmp_path), ScanOptions(cache=False))
    table = render_table(result)
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "org/m\\x1b]0;PWNED\\x07" in table
    doc = render_json(result)
    assert "\x1b" not in doc and json.loads(doc)  # JSON escapes it (\u001b) and stays JSON


def test_every_repository_string_in_the_table_is_escaped() -> None:
    import dataclasses

    base = report()
    c = base.components[0]
    evil = dataclasses.replace(c, component=dataclasses.replace(c.component, path=HOSTILE, ref=HOSTILE),
                               license=HOSTILE, elected_license=HOSTILE + "2")
    finding = make_finding("malformed-metadata", HOSTILE, [Location(HOSTILE, 3)])
    hostile = dataclasses.replace(base, components=(evil,), findings=(finding,), project_license=HOSTILE)
    table = render_table(hostile)
    assert not any(ch in table for ch in "\x1b\x07\u202e\x9b\t\r")
    assert not any(line.startswith("verdict: PASS") for line in table.splitlines())  # no forged line
    assert table.splitlines()[-1].startswith("verdict: ")


def test_printable_escapes_controls_and_invisible_format_characters() -> None:
    from license_check.render.printable import printable, printable_report

    escaped = "a\\x00b\\x1b[2Jc\\x7f\\x85\\u200b\\u2066\\ufeffé—…"
    assert printable("a\x00b\x1b[2Jc\x7f\x85\u200b\u2066\ufeffé—…") == escaped
    assert printable("a\nb\tc\\") == "a\\x0ab\\x09c\\"
    assert printable_report("line 1\nline\x1b 2\n") == "line 1\nline\\x1b 2\n"
