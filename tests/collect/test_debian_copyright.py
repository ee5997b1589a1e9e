"""Debian machine-readable copyright files (copyright-format 1.0, DEP-5): the parser, the short names, the
claim they make, and that ScanCode is never started for them. Every file is synthetic, written here."""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from license_check.collect.detectors import debian_copyright as dc
from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.parsers import debian_copyright as parser
from license_check.collect.textid import compact_matcher, fastpath, scancode_matcher
from license_check.knowledge.book import Knowledge
from license_check.model import Claim, ClaimRole, FileEntry

KNOWLEDGE = Knowledge.load()
WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
REFS = {spec.source: fastpath.strip_front_matter(raw) for spec, raw in fastpath.reference_texts(KNOWLEDGE.directory)}
BSD3 = REFS["licenses/bsd-new.LICENSE"]
FORMAT = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"


def formatted(text: str) -> str:
    """A license text as a copyright-format field continuation: one space in front, empty lines as ' .'."""
    return "\n".join(f" {line}" if line.strip() else " ." for line in text.strip("\n").splitlines())


def dep5(*paragraphs: str, header: str = FORMAT) -> str:
    return "\n\n".join([header + "Upstream-Name: example\nSource: https://example.org/src", *paragraphs]) + "\n"


NORMAL = dep5(
    "Files: *\nCopyright: 2020 Jane Doe\nLicense: Expat",
    "# a comment line\nFiles: src/third-party/lzma/*\n       src/third-party/xz/*\nCopyright: 2008 Igor Pavlov\n"
    "License: public-domain\n These files have been put in the public domain.\n .\n By their author.",
    "Files: lib/*\nCopyright: 2001 Someone\nLicense: GPL-2+",
    "Files: debian/*\nCopyright: 2015 Packager\nLicense: GPL-2+",
    "License: GPL-2+\n This program is free software; you can redistribute it and/or modify\n it under the terms of "
    "the GNU General Public License, version 2 or later.",
)


@pytest.fixture(autouse=True)
def _no_scancode(monkeypatch: pytest.MonkeyPatch) -> None:
    """ScanCode (its compact index or its full one) must never be asked about a copyright-format file."""
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("ScanCode was started for a copyright-format file")

    monkeypatch.setattr(scancode_matcher, "identify", refuse)
    monkeypatch.setattr(scancode_matcher, "ensure_loaded", refuse)
    monkeypatch.setattr(compact_matcher, "identify_shared", refuse)


def scan(write_files: WriteFiles, files: dict[str, str | bytes]) -> DetectorResult:
    return lf.detect(write_files(files), ScanContext(use_scancode=True, knowledge=KNOWLEDGE))


def grant(result: DetectorResult, target: str) -> Claim:
    claims = {c.target: c for c in result.claims if c.role is ClaimRole.GRANT}
    assert target in claims, sorted(claims)
    return claims[target]


def expression(write_files: WriteFiles, license_line: str, *extra: str) -> tuple[str | None, list[str]]:
    result = scan(write_files, {"pkg/debian/copyright": dep5(f"Files: *\nCopyright: 2020 X\nLicense: {license_line}",
                                                             *extra)})
    return grant(result, "pkg").raw, [f"{f.rule}: {f.message}" for f in result.findings]


# ---------------------------------------------------------------- the parser


def test_paragraphs_fields_continuations_and_comments() -> None:
    doc = parser.parse(NORMAL)
    assert doc.problems == ()
    assert [p.get("Files").first if p.get("Files") else None for p in doc.paragraphs] == [
        None, "*", "src/third-party/lzma/*", "lib/*", "debian/*", None]
    lzma = doc.paragraphs[2]
    assert lzma.get("files").lines == ("      src/third-party/xz/*",)  # field names are case-insensitive
    field = lzma.get("License")
    assert field.first == "public-domain" and field.line == 13
    assert field.text == "These files have been put in the public domain.\n\nBy their author."


def test_the_format_field_is_read_from_the_first_paragraph_only() -> None:
    assert parser.format_value(NORMAL) == "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    assert parser.format_value("# comment\n\nUpstream-Name: x\nFormat: http://dep.debian.net/deps/dep5/\n")
    assert parser.format_value("This package was debianized by someone.\nFormat: http://x/\n") is None
    assert parser.format_value("") is None
    assert parser.format_value("Upstream-Name: x\nComment: a\n long comment\nFormat: http://dep.debian.net/deps/dep5/")
    assert parser.format_value("Upstream-Name: x\n\nFormat: http://dep.debian.net/deps/dep5/\n") is None  # 2nd para


def test_a_damaged_stand_alone_text_is_not_identified(write_files: WriteFiles) -> None:
    raw, findings = expression(write_files, "Brush", f"License: Brush\n{formatted(BSD3)}\nnot a field line")
    assert raw == dc.UNKNOWN
    assert any("could not be read fully" in f for f in findings) and any("malformed-metadata" in f for f in findings)


@pytest.mark.parametrize(("line", "tree"), [
    ("GPL-2+", parser.Name("GPL-2+")),
    ("GPL-1+ or Artistic", parser.Op("or", (parser.Name("GPL-1+"), parser.Name("Artistic")))),
    ("A or B and C", parser.Op("or", (parser.Name("A"), parser.Op("and", (parser.Name("B"), parser.Name("C")))))),
    ("A or B, and C", parser.Op("and", (parser.Op("or", (parser.Name("A"), parser.Name("B"))), parser.Name("C")))),
    ("GPL-2+ with OpenSSL exception", parser.Name("GPL-2+", "OpenSSL")),
    ("GPL-2+ with Font exception or MIT", parser.Op("or", (parser.Name("GPL-2+", "Font"), parser.Name("MIT")))),
])
def test_license_line_syntax(line: str, tree: parser.License) -> None:
    assert parser.parse_license(line) == tree


@pytest.mark.parametrize("line", ["", "or MIT", "MIT and", "MIT, BSD-3-clause", "GPL-2+ with OpenSSL",
                                  "Apache License 2.0", "MIT and and BSD", "with", " ".join(["MIT or"] * 200) + " X"])
def test_license_line_syntax_errors(line: str) -> None:
    with pytest.raises(parser.LicenseSyntaxError):
        parser.parse_license(line)


def test_malformed_lines_are_problems_and_damage_their_paragraph() -> None:
    doc = parser.parse(FORMAT + "\n continuation before any field\n\nFiles: *\nthis line has no colon\nLicense: MIT\n"
                                "License: GPL-2\n")
    assert [p.line for p in doc.problems] == [3, 6, 8]
    assert "continuation" in doc.problems[0].message and "not a field" in doc.problems[1].message
    assert "given twice" in doc.problems[2].message
    assert [p.damaged for p in doc.paragraphs] == [False, True, True]


def test_caps_on_fields_and_continuations() -> None:
    huge = parser.parse(FORMAT + "\nFiles: *\nLicense: MIT\n" + " x\n" * (parser.MAX_FIELD_LINES + 5))
    assert huge.paragraphs[1].damaged and "longer than" in huge.problems[0].message
    assert len(huge.paragraphs[1].get("License").lines) == parser.MAX_FIELD_LINES
    wide = parser.parse(FORMAT + "\nFiles: *\nLicense: MIT\n " + "y" * (parser.MAX_FIELD_CHARS + 1) + "\n")
    assert wide.paragraphs[1].damaged and wide.paragraphs[1].get("License").lines == ()


def test_junk_never_raises() -> None:
    rng = random.Random(5)
    alphabet = "Files: License: *\n\n \t.#,:orandwith exception\x00\x1b\ufffd\u202e" + "abcXYZ019-+"
    for _ in range(300):
        text = FORMAT + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        doc = parser.parse(text)
        assert isinstance(doc, parser.Document)
        for para in doc.paragraphs:
            for field in para.fields:
                with contextlib.suppress(parser.LicenseSyntaxError):
                    parser.parse_license(field.first)


# ---------------------------------------------------------------- the claim


def test_a_normal_file_binds_the_parent_of_debian_with_evidence_per_paragraph(write_files: WriteFiles) -> None:
    result = scan(write_files, {"pkg/debian/copyright": NORMAL, "pkg/src/a.c": "int a;\n"})
    claim = grant(result, "pkg")
    assert claim.raw == "MIT AND LicenseRef-scancode-public-domain AND GPL-2.0-or-later"
    assert [(e.path, e.line, e.key, e.source, e.confidence) for e in claim.evidence] == [
        ("pkg/debian/copyright", 7, "Files: *", "license-file", 1.0),
        ("pkg/debian/copyright", 13, "Files: src/third-party/lzma/* src/third-party/xz/*", "license-file", 1.0),
        ("pkg/debian/copyright", 20, "Files: lib/*", "license-file", 1.0),
        ("pkg/debian/copyright", 24, "Files: debian/*", "license-file", 1.0),
    ]
    assert [e.expression for e in claim.evidence] == ["MIT", "LicenseRef-scancode-public-domain",
                                                      "GPL-2.0-or-later", "GPL-2.0-or-later"]
    assert result.findings == ()
    assert result.extra["license_files"] == ["pkg/debian/copyright"]


def test_a_file_at_the_root_of_debian_binds_the_root(write_files: WriteFiles) -> None:
    assert grant(scan(write_files, {"debian/copyright": NORMAL}), ".").raw.startswith("MIT AND")
    assert grant(scan(write_files, {"COPYRIGHT": NORMAL}), ".").raw.startswith("MIT AND")  # not in debian/


@pytest.mark.parametrize(("line", "spdx"), [
    ("GPL-2+", "GPL-2.0-or-later"), ("GPL-2", "GPL-2.0-only"), ("GPL-2.0", "GPL-2.0-only"),
    ("GPL-3.0+", "GPL-3.0-or-later"), ("GPL", "GPL-1.0-only"), ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("LGPL-2.1", "LGPL-2.1-only"), ("MPL-2.0", "MPL-2.0"), ("Apache-2.0", "Apache-2.0"), ("Apache-2", "Apache-2.0"),
    ("expat", "MIT"), ("BSD-2-clause", "BSD-2-Clause"), ("BSD-3-CLAUSE", "BSD-3-Clause"), ("Zlib", "Zlib"),
    ("CC0-1.0", "CC0-1.0"), ("CC-BY-SA-4.0", "CC-BY-SA-4.0"), ("CC-BY-NC-3.0", "CC-BY-NC-3.0"),
    ("public-domain", "LicenseRef-scancode-public-domain"), ("ISC", "ISC"),
    ("Perl", "GPL-1.0-or-later OR Artistic-1.0"),
    ("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later"), ("Apache-2.0+", "Apache-2.0+"),
])
def test_standard_short_names(write_files: WriteFiles, line: str, spdx: str) -> None:
    raw, findings = expression(write_files, line)
    assert (raw, findings) == (spdx, [])


@pytest.mark.parametrize(("line", "spdx"), [
    ("GPL-2+ or Artistic-2.0, and BSD-3-clause", "(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause"),
    ("GPL-2+ or Artistic-2.0 and BSD-3-clause", "GPL-2.0-or-later OR (Artistic-2.0 AND BSD-3-Clause)"),
    ("MPL-1.1 or GPL-2 or LGPL-2.1", "MPL-1.1 OR GPL-2.0-only OR LGPL-2.1-only"),
    ("GPL-2+ with Font exception", "GPL-2.0-or-later WITH Font-exception-2.0"),
    ("GPL-2+ with OpenSSL exception", "GPL-2.0-or-later"),
])
def test_or_and_and_exceptions(write_files: WriteFiles, line: str, spdx: str) -> None:
    assert expression(write_files, line) == (spdx, [])


@pytest.mark.parametrize("line", ["GPL-4+", "Expat+", "GFDL", "Zope", "MIT-ish", "GPL-2+ with Autoconf exception"])
def test_names_the_spec_does_not_define_are_not_guessed(write_files: WriteFiles, line: str) -> None:
    raw, findings = expression(write_files, line)
    assert raw == dc.UNKNOWN
    assert len(findings) == 1 and findings[0].startswith("unknown-license-id: pkg/debian/copyright:7: ")


def test_an_unknown_short_name_is_identified_by_its_standard_text(write_files: WriteFiles) -> None:
    text = BSD3.replace("<copyright holder>", "Brush Technology")
    raw, findings = expression(write_files, "BSD-3-clause-Brush-Technology",
                               f"License: BSD-3-clause-Brush-Technology\n{formatted(text)}")
    assert (raw, findings) == ("BSD-3-Clause", [])


def test_an_unknown_short_name_with_an_edited_text_is_unknown(write_files: WriteFiles) -> None:
    edited = BSD3.replace("Redistribution and use in source and binary forms",
                          "Non-commercial redistribution and use in source form only")
    raw, findings = expression(write_files, "Expat and BSD-3-clause-Brush",
                               f"License: BSD-3-clause-Brush\n{formatted(edited)}")
    assert raw == "MIT AND LicenseRef-license-check-unknown"
    assert any("'BSD-3-clause-Brush'" in f and "stand-alone License paragraph, line" in f for f in findings), findings


def test_an_unknown_short_name_without_any_text_is_unknown(write_files: WriteFiles) -> None:
    raw, findings = expression(write_files, "Custom-1")
    assert raw == dc.UNKNOWN and "no stand-alone License paragraph" in findings[0]


def test_a_license_field_with_only_its_text_is_identified(write_files: WriteFiles) -> None:
    raw, findings = expression(write_files, f"\n{formatted(BSD3)}")
    assert (raw, findings) == ("BSD-3-Clause", [])


def test_a_noncommercial_text_under_a_made_up_name_is_read_as_such(write_files: WriteFiles) -> None:
    raw, findings = expression(write_files, "Free-NC\n Free for non-commercial use.\n .\n For commercial use, "
                                            "separate licencing terms must be obtained.")
    assert raw == "LicenseRef-license-check-noncommercial"
    assert [f.split(":")[0] for f in findings] == ["restrictive-license-text"]


@pytest.mark.parametrize("junk", [
    "Files: *\nthis line has no colon\nLicense: MIT",
    "Files: *\nLicense: MIT\n " + "z" * (parser.MAX_FIELD_CHARS + 10),
    "Files: *\nLicense: MIT\n" + " deep\n" * (parser.MAX_FIELD_LINES + 1),
    "Files: *\n\x01\x02binary\x7f\x1b[31m junk\ufffd\nLicense: MIT",
])
def test_malformed_paragraphs_are_unknown_and_the_scan_goes_on(write_files: WriteFiles, junk: str) -> None:
    result = scan(write_files, {"pkg/debian/copyright": dep5("Files: a/*\nCopyright: X\nLicense: Zlib", junk),
                                "LICENSE": BSD3})
    assert grant(result, "pkg").raw == "Zlib AND LicenseRef-license-check-unknown"
    assert "malformed-metadata" in {f.rule for f in result.findings}
    assert grant(result, ".").raw == "BSD-3-Clause"


def test_a_license_line_that_is_not_the_syntax_is_malformed(write_files: WriteFiles) -> None:
    raw, findings = expression(write_files, "GPL-2+, MIT")
    assert raw == dc.UNKNOWN and findings[0].startswith("malformed-metadata: ")


def test_a_header_only_file_states_no_license(write_files: WriteFiles) -> None:
    result = scan(write_files, {"pkg/debian/copyright": dep5()})
    assert grant(result, "pkg").raw == dc.UNKNOWN
    assert [f.rule for f in result.findings] == ["unknown-license-text"]


@pytest.mark.parametrize("header", [
    "Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0\n",
    "format:   HTTPS://Debian.org/doc/packaging-manuals/copyright-format/1.0/  \n",
    "Format: http://dep.debian.net/deps/dep5/\n",
    "Format: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135\n",
])
def test_format_field_spellings(write_files: WriteFiles, header: str) -> None:
    result = scan(write_files, {"pkg/debian/copyright": dep5("Files: *\nCopyright: X\nLicense: GPL-2", header=header)})
    assert grant(result, "pkg").raw == "GPL-2.0-only"


def test_binary_junk_is_an_unreadable_file(write_files: WriteFiles) -> None:
    result = scan(write_files, {"pkg/debian/copyright": dep5("Files: *\n\x00\x00\x00binary\nLicense: MIT")})
    assert grant(result, "pkg/debian").raw is None  # not read as text at all: unknown, with a finding
    assert [f.rule for f in result.findings] == ["unreadable-file"]


@pytest.mark.parametrize("header", ["", "Format: https://example.org/my-format/1.0/\n"])
def test_without_the_format_field_it_is_an_ordinary_license_text(write_files: WriteFiles, header: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(compact_matcher, "identify_shared", lambda *_args: None)
    monkeypatch.setattr(lf, "identify_scancode", lambda entry, text, ctx: seen.append(entry.path) or lf.
                        FileIdentification(entry, None))
    result = scan(write_files, {"pkg/debian/copyright": dep5("Files: *\nCopyright: X\nLicense: GPL-2", header=header)})
    claim = grant(result, "pkg/debian")  # today's path: the folder of the file, identified as a text
    assert claim.raw is None and seen == ["pkg/debian/copyright"]


# ---------------------------------------------------------------- end to end


def test_scan_json_through_the_cli(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    (tree / "vendor" / "mgba" / "debian").mkdir(parents=True)
    (tree / "LICENSE").write_text(BSD3, encoding="utf-8")
    (tree / "vendor" / "mgba" / "src").mkdir()
    (tree / "vendor" / "mgba" / "src" / "main.c").write_text("int main(void) { return 0; }\n", encoding="utf-8")
    (tree / "vendor" / "mgba" / "debian" / "copyright").write_text(NORMAL, encoding="utf-8")
    result = CliRunner().invoke(cli, [str(tree), "--format", "json", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    components = {c["path"]: c for c in report["components"]}
    vendored = components["vendor/mgba"]
    assert vendored["license"] == "MIT AND LicenseRef-scancode-public-domain AND GPL-2.0-or-later"
    assert vendored["commercial_use"] == "conditional"
    first = vendored["evidence"][0]
    assert (first["path"], first["line"], first["key"], first["source"]) == (
        "vendor/mgba/debian/copyright", 7, "Files: *", "license-file")
    assert not any("debian/copyright" in json.dumps(f["locations"]) for f in report["findings"]
                   if f["rule"] in ("unknown-license-text", "scancode-unavailable"))
