"""Maven pom.xml: the project's own <licenses>, parsed as XML without a DTD."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from license_check.collect.detectors import manifests
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.knowledge import normalize as norm
from license_check.model import ClaimScope, FileEntry, RawForm
from license_check.pipeline import scan

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
CTX = ScanContext()
NS = 'xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
SOURCE = "maven-pom"


def pom(licenses: str, attrs: str = "", before: str = "", after: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<project {attrs}>\n  <modelVersion>4.0.0</modelVersion>\n'
            f"{before}  <licenses>\n{licenses}  </licenses>\n{after}</project>\n")


def lic(name: str | None = None, url: str | None = None) -> str:
    parts = [f"      <name>{name}</name>\n" if name is not None else "",
             f"      <url>{url}</url>\n" if url is not None else ""]
    return "    <license>\n" + "".join(parts) + "      <distribution>repo</distribution>\n    </license>\n"


def run(write_files: WriteFiles, files: dict[str, str | bytes]) -> DetectorResult:
    return manifests.detect(write_files(files), CTX)


def summary(result: DetectorResult) -> list[tuple[str | None, RawForm, str | None]]:
    out = []
    for claim in result.claims:
        assert claim.scope is ClaimScope.DIRECTORY
        assert len(claim.evidence) == 1 and claim.source == SOURCE
        out.append((claim.raw, claim.form, claim.evidence[0].key))
    return out


def rules(result: DetectorResult) -> list[str]:
    return [f.rule for f in result.findings]


def expression(result: DetectorResult) -> str | None:
    (claim,) = result.claims
    assert claim.raw is not None
    found = norm.normalize(claim.raw, claim.form)
    assert not found.unknown_ids and found.error is None, found
    return found.expression


# --- one license, several, namespaces --------------------------------------------------------------


def test_single_license_name_with_evidence(write_files: WriteFiles) -> None:
    text = pom(lic("The Apache Software License, Version 2.0", "https://www.apache.org/licenses/LICENSE-2.0.txt"))
    result = run(write_files, {"pom.xml": text})
    assert summary(result) == [("The Apache Software License, Version 2.0", RawForm.NAME, "licenses.license[0].name")]
    evidence = result.claims[0].evidence[0]
    assert (evidence.path, evidence.line, evidence.confidence, result.claims[0].target) == ("pom.xml", 6, 0.8, ".")
    assert expression(result) == "Apache-2.0"
    assert result.findings == ()


def test_mit_in_a_module_targets_the_module_folder(write_files: WriteFiles) -> None:
    result = run(write_files, {"core/pom.xml": pom(lic("MIT License"), NS)})
    assert [(c.target, c.path) for c in result.claims] == [("core", "core/pom.xml")]
    assert expression(result) == "MIT"


def test_url_only_license_is_read_as_a_url(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic(url="https://opensource.org/licenses/MIT"))})
    assert summary(result) == [("https://opensource.org/licenses/MIT", RawForm.URL, "licenses.license[0].url")]
    assert expression(result) == "MIT"


def test_several_licenses_are_alternatives(write_files: WriteFiles) -> None:
    text = pom(lic("Apache License, Version 2.0", "https://www.apache.org/licenses/LICENSE-2.0")
               + lic("MIT License", "https://opensource.org/licenses/MIT"))
    result = run(write_files, {"pom.xml": text})
    assert summary(result) == [("Apache License, Version 2.0 OR MIT License", RawForm.NAME, "licenses")]
    assert result.claims[0].evidence[0].line == 4  # the <licenses> element
    assert expression(result) == "Apache-2.0 OR MIT"


def test_a_license_listed_twice_is_one_alternative(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic("MIT License") + lic("MIT License"))})
    assert summary(result) == [("MIT License", RawForm.NAME, "licenses.license[0].name")]


@pytest.mark.parametrize("attrs", [NS, 'xmlns="http://maven.apache.org/POM/4.1.0"', ""])
def test_namespaced_and_plain_poms(write_files: WriteFiles, attrs: str) -> None:
    result = run(write_files, {"pom.xml": pom(lic("MIT License"), attrs)})
    assert expression(result) == "MIT"


def test_prefixed_namespace(write_files: WriteFiles) -> None:
    text = ('<m:project xmlns:m="http://maven.apache.org/POM/4.0.0">\n<m:licenses><m:license>\n'
            "<m:name>MIT License</m:name>\n</m:license></m:licenses>\n</m:project>\n")
    result = run(write_files, {"pom.xml": text})
    assert summary(result) == [("MIT License", RawForm.NAME, "licenses.license[0].name")]
    assert result.claims[0].evidence[0].line == 3


def test_openjdk_classpath_exception(write_files: WriteFiles) -> None:
    text = pom(lic("GNU General Public License, version 2, with the Classpath Exception",
                   "http://openjdk.java.net/legal/gplv2+ce.html"), NS)
    result = run(write_files, {"pom.xml": text})
    assert expression(result) == "GPL-2.0-only WITH Classpath-exception-2.0"


@pytest.mark.parametrize("name", [
    "GNU General Public License (GPL), version 2, with the Classpath exception",  # openjdk/jmh
    "GNU General Public License, version 2 with the GNU Classpath Exception",  # eclipse-ee4j
])
def test_other_classpath_exception_spellings(write_files: WriteFiles, name: str) -> None:
    result = run(write_files, {"pom.xml": pom(lic(name))})
    assert expression(result) == "GPL-2.0-only WITH Classpath-exception-2.0"


def test_jakarta_dual_license(write_files: WriteFiles) -> None:
    text = pom(lic("Eclipse Public License v. 2.0", "https://www.eclipse.org/org/documents/epl-2.0/EPL-2.0.txt")
               + lic("GNU General Public License, version 2 with the GNU Classpath Exception",
                     "https://www.gnu.org/software/classpath/license.html"), NS)
    assert expression(run(write_files, {"pom.xml": text})) == "EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0"


def test_only_the_projects_own_licenses(write_files: WriteFiles) -> None:
    elsewhere = lic("GNU Affero General Public License v3")
    dependency = f"    <dependencies><dependency><licenses>\n{elsewhere}</licenses></dependency></dependencies>\n"
    plugin = (f"  <build><plugins><plugin><configuration><licenses>\n{elsewhere}</licenses>"
              "</configuration></plugin></plugins></build>\n")
    profile = f"  <profiles><profile><licenses>\n{elsewhere}</licenses></profile></profiles>\n"
    text = pom(lic("MIT License"), NS, before=f"  <dependencyManagement>\n{dependency}  </dependencyManagement>\n"
               + plugin, after=profile)
    result = run(write_files, {"pom.xml": text})
    assert summary(result) == [("MIT License", RawForm.NAME, "licenses.license[0].name")]


def test_foreign_namespace_licenses_are_not_the_projects(write_files: WriteFiles) -> None:
    text = (f'<project {NS} xmlns:x="urn:other">\n<x:licenses><x:license><x:name>AGPL-3.0-only</x:name>'
            "</x:license></x:licenses>\n</project>\n")
    assert run(write_files, {"pom.xml": text}).claims == ()


def test_not_a_pom_and_no_licenses_declare_nothing(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/pom.xml": "<settings><licenses><license><name>MIT</name></license></licenses></settings>\n",
        "b/pom.xml": f"<project {NS}><modelVersion>4.0.0</modelVersion></project>\n",
        "c/pom.xml": pom(""),
        "node_modules/x/pom.xml": pom(lic("MIT")),
    })
    assert (result.claims, result.findings) == ((), ())


def test_whitespace_in_names_is_collapsed(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic("\n        Apache License,\n        Version 2.0\n      "))})
    assert summary(result) == [("Apache License, Version 2.0", RawForm.NAME, "licenses.license[0].name")]


# --- unreadable declarations: findings, unknown, never a traceback ---------------------------------


def test_property_name_is_unevaluated_and_unknown(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic("${license.name}"))})
    assert summary(result) == [(None, RawForm.NAME, "licenses.license[0].name")]
    assert rules(result) == ["unevaluated-metadata"]
    assert "${license.name}" in result.findings[0].message


def test_property_name_falls_back_to_a_literal_url(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic("${license.name}", "https://opensource.org/licenses/MIT"))})
    assert summary(result) == [("https://opensource.org/licenses/MIT", RawForm.URL, "licenses.license[0].url")]
    assert result.findings == ()


def test_empty_license_element_is_malformed_and_unknown(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": pom(lic() + lic("MIT License"))})
    assert summary(result) == [(None, RawForm.SPDX, "licenses.license[0]"),
                               ("MIT License", RawForm.NAME, "licenses.license[1].name")]
    assert rules(result) == ["malformed-metadata"]


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE project SYSTEM "http://example.invalid/pom.dtd">',
    '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    "<!doctype project>",
], ids=["billion-laughs", "external-dtd", "xxe-entity", "lower-case"])
def test_doctype_and_entities_are_refused(write_files: WriteFiles, declaration: str) -> None:
    name = "&lol2;" if "lol2" in declaration else "&xxe;" if "xxe" in declaration else "MIT License"
    text = f'<?xml version="1.0"?>\n{declaration}\n' + pom(lic(name))[len('<?xml version="1.0" encoding="UTF-8"?>\n'):]
    result = run(write_files, {"pom.xml": text})
    assert rules(result) == ["malformed-metadata"]
    finding = result.findings[0]
    assert "DOCTYPE or ENTITY" in finding.message and finding.locations[0].line == 2
    assert summary(result) == [(None, RawForm.SPDX, None)]  # it mentions a license: the folder is unknown


@pytest.mark.parametrize(("text", "line"), [
    (pom(lic("MIT License")).replace("</licenses>", "</licence>"), 9),
    (pom(lic("MIT License")).replace("</project>\n", ""), 10),
    ("<project><licenses><license><name>MIT & co</name></license></licenses></project>\n", 1),
    ('<?xml version="1.0"?>\n<project>\x00</project>\n', None),
], ids=["mismatched-tag", "unclosed", "bare-ampersand", "nul"])
def test_malformed_xml_is_a_finding(write_files: WriteFiles, text: str, line: int | None) -> None:
    result = run(write_files, {"pom.xml": text})
    assert rules(result) == ["malformed-metadata"]
    if line is not None:
        assert "not well-formed XML" in result.findings[0].message
        assert result.findings[0].locations[0].line == line
        assert summary(result) == [(None, RawForm.SPDX, None)]


def test_malformed_xml_without_a_license_mention_is_not_unknown(write_files: WriteFiles) -> None:
    result = run(write_files, {"pom.xml": "<project><name>x</project>\n"})
    assert rules(result) == ["malformed-metadata"] and result.claims == ()


def test_oversized_pom_is_not_parsed(write_files: WriteFiles) -> None:
    filler = "  <!-- " + "x" * 1024 + " -->\n"
    text = pom(lic("MIT License"), after=filler * 1100)  # the first MiB mentions a license: unknown
    result = run(write_files, {"pom.xml": text})
    assert rules(result) == ["malformed-metadata"] and "larger than" in result.findings[0].message
    assert summary(result) == [(None, RawForm.SPDX, None)]


def test_deep_nesting_and_utf16(write_files: WriteFiles) -> None:
    deep = "<a>" * 50_000 + "</a>" * 50_000
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>\n' + pom(lic("MIT License"), NS).split("\n", 1)[1]
    result = run(write_files, {"a/pom.xml": pom(lic("MIT License"), before=deep + "\n"),
                               "b/pom.xml": b"\xff\xfe" + utf16.encode("utf-16-le")})
    assert [(c.target, c.raw) for c in result.claims] == [("a", "MIT License"), ("b", "MIT License")]


# --- the whole scan ---------------------------------------------------------------------------------

def _scan_openjdk_repo(tmp_path: Path) -> str | None:
    (tmp_path / "pom.xml").write_text(pom(lic("GNU General Public License, version 2, with the Classpath Exception",
                                              "http://openjdk.java.net/legal/gplv2+ce.html"), NS))
    (tmp_path / "module").mkdir()
    (tmp_path / "module" / "pom.xml").write_text(pom(lic("MIT License") + lic("The Apache Software License, "
                                                                             "Version 2.0"), NS))
    report = scan(str(tmp_path))
    by_path = {c.component.path: c.license for c in report.components}
    assert by_path["module"] == "MIT OR Apache-2.0"
    return report.project_license


def test_scan_of_a_pom_only_repository(tmp_path: Path) -> None:
    assert _scan_openjdk_repo(tmp_path) == "GPL-2.0-only WITH Classpath-exception-2.0"
