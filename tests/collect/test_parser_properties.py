"""Issue 5: property tests (hypothesis) for the text parsers the weight-header and front-matter tests
do not cover: package manifests (pyproject.toml, setup.cfg, setup.py via ast, package.json, Cargo.toml),
SPDX header lines, README prose, REUSE.toml and .reuse/dep5, and datapackage.json, Croissant and
CITATION.cff through their detector.

For any text, any bytes, and any JSON-like value put where a license belongs, a detector never raises;
bad input becomes findings with registered codes; every claim, evidence and finding names a path of
the input (never one outside it); a license a detector reports is a string the input contains; and a
license field holding no string at all is a finding plus an unknown claim (fail safe), never silence.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from license_check.collect.detectors import datasets, manifests, readme_prose, reuse, spdx_headers
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.reading import decode, display_path
from license_check.findings import RULES
from license_check.model import FileEntry

CTX = ScanContext(use_scancode=False)
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LICENSEISH = st.sampled_from([
    "MIT", "Apache-2.0", "MIT OR Apache-2.0", "GPL-2.0+", "CC-BY-NC-4.0", "other", "unknown", "UNLICENSED",
    "SEE LICENSE IN LICENSE", "SEE LICENSE IN ../../outside/LICENSE", "../../etc/passwd", "/etc/passwd", "",
    " ", "MIT OR (", "https://opensource.org/licenses/MIT", "LicenseRef-x", "License :: OSI Approved :: MIT License",
    "file: LICENSE", "\x00", "é", "a" * 300,
])
TEXT = st.text(max_size=60) | LICENSEISH
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | TEXT
JSON_LIKE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.sampled_from(["type", "name", "path", "title", "url", "text", "file",
                                                            "id", "workspace", "@id"]) | st.text(max_size=6),
                                           inner, max_size=4), max_leaves=10)
NO_STRINGS = st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                              st.sampled_from(["type", "name", "path", "x"]), inner, max_size=3), max_leaves=6)
DOC = st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("latin-1"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


class Tree:
    """Files written under one folder; FileEntry paths are what the detectors see."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.written: dict[bytes, Path] = {}  # content -> file holding it (written once)

    def entries(self, files: dict[str, str | bytes]) -> list[FileEntry]:
        out = []
        for rel, data in sorted(files.items()):
            raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            target = self.written.get(raw)
            if target is None:
                target = self.base / f"f{len(self.written)}"  # flat: the FileEntry path is what matters
                target.write_bytes(raw)
                self.written[raw] = target
            out.append(FileEntry(path=rel, abspath=str(target), size=len(raw)))
        return out


@pytest.fixture(scope="module")
def tree(workdir: Path) -> Tree:
    return Tree(workdir)


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)


def check_result(result: DetectorResult, files: Sequence[FileEntry]) -> None:
    """Registered codes only; every path a claim, evidence or finding names is one of the input's."""
    paths = {f.path for f in files}
    folders = {f.parent for f in files}
    for finding in result.findings:
        assert finding.rule in RULES, finding.rule
        assert finding.message.strip()
        for loc in finding.locations:
            assert loc.path in paths | folders, loc.path
    for claim in result.claims:
        assert claim.target in paths | folders, claim.target
        for ev in claim.evidence:
            assert ev.path in paths, ev.path
    for key in ("license_files", "license_file_owners", "reuse_authoritative"):
        for path in result.extra.get(key, ()) or ():  # type: ignore[union-attr]
            assert isinstance(path, str) and path and not path.startswith("/") and ".." not in path.split("/"), path


def raws(result: DetectorResult) -> list[str]:
    return [c.raw for c in result.claims if c.raw is not None]


def invented(raw: str, value: Any) -> bool:
    """True when ``raw`` is more than strings of ``value`` joined by OR and parentheses."""
    rest = raw
    for text in sorted({s.strip() for s in strings_in(value) if s.strip()}, key=len, reverse=True):
        rest = rest.replace(text, " ")
    return bool(re.sub(r"\bOR\b|[()\s]", "", rest))


# ---------------------------------------------------------------------------------------- manifests

MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "package.json", "Cargo.toml")


@PROPS
@given(name=st.sampled_from(MANIFESTS), text=DOC, folder=st.sampled_from(["", "pkg/", "a/b/"]))
@example(name="setup.py", text="setup(license=" + "(" * 300 + ")", folder="")
@example(name="package.json", text="[" * 5000, folder="")
def test_any_manifest_text_never_raises(tree: Tree, name: str, text: str, folder: str) -> None:
    files = tree.entries({folder + name: text})
    check_result(manifests.detect(files, CTX), files)


@PROPS
@given(name=st.sampled_from(MANIFESTS), data=st.binary(max_size=300))
def test_any_manifest_bytes_never_raise(tree: Tree, name: str, data: bytes) -> None:
    files = tree.entries({name: data})
    check_result(manifests.detect(files, CTX), files)


def _toml(value: Any) -> str:
    """A TOML inline value (TOML has no null: callers leave None out)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml(v)}" for k, v in value.items()) + "}"


def _has_none(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, list):
        return any(_has_none(v) for v in value)
    if isinstance(value, dict):
        return any(_has_none(v) for v in value.values())
    return False


def _manifest_with(kind: str, value: Any) -> tuple[str, str]:
    if kind == "pyproject":
        return "pyproject.toml", f'[project]\nname = "x"\nlicense = {_toml(value)}\n'
    if kind == "poetry":
        return "pyproject.toml", f'[tool.poetry]\nname = "x"\nlicense = {_toml(value)}\n'
    if kind == "cargo":
        return "Cargo.toml", f'[package]\nname = "x"\nlicense = {_toml(value)}\n'
    if kind == "cargo-file":
        return "Cargo.toml", f'[package]\nname = "x"\nlicense-file = {_toml(value)}\n'
    if kind == "npm":
        return "package.json", json.dumps({"name": "x", "license": value})
    if kind == "npm-licenses":
        return "package.json", json.dumps({"name": "x", "licenses": value})
    return "setup.py", f"from setuptools import setup\nsetup(name='x', license={value!r})\n"


KINDS = ("pyproject", "poetry", "cargo", "cargo-file", "npm", "npm-licenses", "setup-py")


@PROPS
@given(kind=st.sampled_from(KINDS), value=JSON_LIKE)
def test_any_value_in_a_manifest_license_field(tree: Tree, kind: str, value: Any) -> None:
    if kind in ("pyproject", "poetry", "cargo", "cargo-file"):
        assume(not _has_none(value))
    name, text = _manifest_with(kind, value)
    files = tree.entries({"pkg/" + name: text, "pkg/LICENSE": "MIT"})
    result = manifests.detect(files, CTX)
    check_result(result, files)
    for raw in raws(result):  # a license is never invented: it is made of the strings written
        assert not invented(raw, value), (raw, value)


@PROPS
@given(kind=st.sampled_from(KINDS), value=NO_STRINGS)
def test_a_license_field_without_any_string_fails_safe(tree: Tree, kind: str, value: Any) -> None:
    if kind in ("pyproject", "poetry", "cargo", "cargo-file"):
        assume(not _has_none(value))
    if kind == "setup-py":
        assume(value is not None)  # setup(license=None) is setuptools' default: no license stated
    name, text = _manifest_with(kind, value)
    files = tree.entries({"pkg/" + name: text})
    result = manifests.detect(files, CTX)
    check_result(result, files)
    assert result.findings, (kind, value)
    assert not raws(result), (kind, value)
    assert any(c.raw is None for c in result.claims), f"{kind} = {value!r}: no unknown claim"


@PROPS
@given(value=TEXT, key=st.sampled_from(["license", "license_expression", "license_files", "classifiers"]))
def test_any_setup_cfg_value(tree: Tree, value: str, key: str) -> None:
    assume("\n" not in value and "\r" not in value)
    files = tree.entries({"setup.cfg": f"[metadata]\nname = x\n{key} = {value}\n"})
    result = manifests.detect(files, CTX)
    check_result(result, files)
    for raw in raws(result):
        assert raw in value or value.strip() in raw


# ------------------------------------------------------------------------------------- SPDX headers

SPDX_IDS = st.sampled_from(["MIT", "Apache-2.0", "GPL-2.0-or-later", "BSD-3-Clause", "MIT OR Apache-2.0",
                            "Apache-2.0 WITH LLVM-exception", "LicenseRef-foo"])
LEADERS = st.sampled_from(["# ", "// ", "/* ", " * ", "-- ", "; ", "% ", ".. ", "<!-- ", "REM ", ""])
CLOSERS = st.sampled_from(["", " */", " -->", "  "])


@PROPS
@given(before=st.lists(st.text(max_size=40), max_size=5), leader=LEADERS, expr=SPDX_IDS, closer=CLOSERS,
       after=st.lists(st.text(max_size=40), max_size=5))
def test_an_spdx_tag_among_any_lines_is_found_with_its_line(before: list[str], leader: str, expr: str, closer: str,
                                                             after: list[str]) -> None:
    lines = [line for chunk in before for line in chunk.splitlines()]
    assume(not any("license-identifier" in line.lower() or "reuse-ignore" in line.lower() or "spdx-snippet"
                   in line.lower() for line in lines))
    tag_line = f"{leader}SPDX-License-Identifier: {expr}{closer}"
    rest = [line for chunk in after for line in chunk.splitlines()]
    tags = spdx_headers.find_tags([*lines, tag_line, *rest])
    assert any(t.line == len(lines) + 1 and t.expression == expr for t in tags), tags


@PROPS
@given(text=DOC)
def test_any_header_text_never_raises(tree: Tree, text: str) -> None:
    lines = text.splitlines()
    for tag in spdx_headers.find_tags(lines):
        assert 1 <= tag.line <= len(lines) and tag.expression.strip() == tag.expression and tag.expression
    for notice in spdx_headers.find_gpl_notices(lines):
        assert 1 <= notice.line <= max(1, len(lines))
    files = tree.entries({"src/x.py": text, "src/y.c": text.encode("utf-16")})
    check_result(spdx_headers.detect(files, CTX), files)


# --------------------------------------------------------------------------------------- README prose

PROSE = st.lists(st.sampled_from([
    "Released under the ", "licensed under either of ", " at your option", "MIT", "Apache License 2.0", " or ",
    " and ", "## License\n", "\n\n", "- ", "[![License: MIT](https://img.shields.io/badge/License-MIT-blue.svg)]",
    "License: ", "GNU General Public License version 2 or (at your option) any later version", ". ", "```\n",
    "---\nlicense: mit\n---\n", "The model weights are ", "for non-commercial use only", "(", ")", "[", "](x)",
    "<b>", "`", "=====\n", "dual licensed under ", "is MIT-licensed",
]) | st.text(max_size=30), max_size=25).map("".join)


@PROPS
@given(text=PROSE | DOC, name=st.sampled_from(["README.md", "README.rst", "README", "docs/README.zh-CN.md"]))
def test_any_readme_never_raises_and_claims_only_its_folder(tree: Tree, text: str, name: str) -> None:
    files = tree.entries({name: text})
    result = readme_prose.detect(files, CTX)
    check_result(result, files)
    lines = max(1, len(text.splitlines()))
    for claim in result.claims:
        assert claim.target == files[0].parent
        assert claim.evidence[0].line is None or 1 <= claim.evidence[0].line <= lines + 1
        assert claim.raw is None or claim.raw.strip()


# ----------------------------------------------------------------------------------------- REUSE

COVERED = {"src/a.py": "x = 1\n", "src/b.c": "int x;\n", "data/x.csv": "a,b\n", "README.md": "# x\n"}
GLOBS = st.sampled_from(["**", "*", "src/*", "src/**", "**/*.py", "../**", "/etc/*", "[", "[!a]*", "?", "\\*",
                         "*" * 50 + "a", "src/[a-z].py", "**/**/**"]) | st.text(max_size=12)


def _claims_stay_inside(result: DetectorResult, files: Sequence[FileEntry]) -> None:
    check_result(result, files)
    covered = set(COVERED)
    for claim in result.claims:
        assert claim.target in covered, claim.target  # only discovered, covered files get REUSE claims


@PROPS
@given(paths=JSON_LIKE | GLOBS, ids=JSON_LIKE | SPDX_IDS, precedence=JSON_LIKE | st.sampled_from(
    ["closest", "aggregate", "override"]), version=st.sampled_from([1, 1, 2, "1"]))
def test_any_reuse_toml_values(tree: Tree, paths: Any, ids: Any, precedence: Any, version: Any) -> None:
    assume(not any(_has_none(v) for v in (paths, ids, precedence)))
    text = (f"version = {_toml(version)}\n[[annotations]]\npath = {_toml(paths)}\n"
            f"precedence = {_toml(precedence)}\nSPDX-License-Identifier = {_toml(ids)}\n")
    files = tree.entries({**COVERED, "REUSE.toml": text})
    result = reuse.detect(files, CTX)
    _claims_stay_inside(result, files)
    assert not any(invented(raw, ids) for raw in raws(result))


@PROPS
@given(text=DOC | st.lists(st.sampled_from(["Files: ", "License: ", "MIT", "src/*", "*", "\n", " ", "../*",
                                            "Copyright: x", "\n\n", "**"]), max_size=30).map("".join))
def test_any_dep5_and_reuse_toml_text(tree: Tree, text: str) -> None:
    files = tree.entries({**COVERED, ".reuse/dep5": text, "REUSE.toml": text, "src/a.py.license": text})
    _claims_stay_inside(reuse.detect(files, CTX), files)


# ------------------------------------------------------------------------------- dataset manifests

def _dataset_doc(kind: str, value: Any) -> tuple[str, str]:
    if kind == "datapackage":
        return "datapackage.json", json.dumps({"name": "d", "licenses": value})
    if kind == "datapackage-resource":
        return "datapackage.json", json.dumps({"name": "d", "resources": [{"path": "x.csv", "licenses": value}]})
    if kind == "datapackage-singular":
        return "datapackage.json", json.dumps({"name": "d", "license": value})
    if kind == "croissant":
        return "croissant.json", json.dumps({"@context": {"cr": "http://mlcommons.org/croissant/"}, "license": value})
    key = "license-url" if kind == "cff-url" else "license"
    body = yaml.safe_dump({key: value}, default_flow_style=False, width=1 << 20, allow_unicode=True)
    return "CITATION.cff", "cff-version: 1.2.0\ntitle: x\ntype: dataset\n" + body


DATASET_KINDS = ("datapackage", "datapackage-resource", "datapackage-singular", "croissant", "cff", "cff-url")


@PROPS
@given(kind=st.sampled_from(DATASET_KINDS), value=JSON_LIKE)
def test_any_value_in_a_dataset_license_field(tree: Tree, kind: str, value: Any) -> None:
    name, text = _dataset_doc(kind, value)
    files = tree.entries({"data/" + name: text, "data/LICENSE": "MIT"})
    result = datasets.detect(files, CTX)
    check_result(result, files)
    for raw in raws(result):
        assert not invented(raw, value), (raw, value)
    for path in result.extra.get("license_file_owners", {}):  # type: ignore[union-attr]
        assert path.startswith("data/"), path  # a pointer never leaves the manifest's folder tree


@PROPS
@given(kind=st.sampled_from(("datapackage", "datapackage-singular", "croissant", "cff")), value=NO_STRINGS)
def test_a_dataset_license_without_any_string_fails_safe(tree: Tree, kind: str, value: Any) -> None:
    name, text = _dataset_doc(kind, value)
    files = tree.entries({"data/" + name: text})
    result = datasets.detect(files, CTX)
    check_result(result, files)
    if kind == "croissant" and value is None:
        return  # "license": null in JSON-LD states nothing
    assert result.findings, (kind, value)
    assert not raws(result)
    assert any(c.raw is None for c in result.claims), f"{kind}: {value!r} gave no unknown claim"


@PROPS
@given(name=st.sampled_from(["datapackage.json", "croissant.json", "metadata.json", "CITATION.cff",
                             "dataset_info.json", "dataset_infos.json"]), text=DOC,
       data=st.binary(max_size=200))
def test_any_dataset_manifest_text_or_bytes_never_raises(tree: Tree, name: str, text: str, data: bytes) -> None:
    files = tree.entries({"a/" + name: text, "b/" + name: data})
    check_result(datasets.detect(files, CTX), files)


# ----------------------------------------------------------------------------------- reading helpers

@PROPS
@given(data=st.binary(max_size=600))
def test_decode_never_raises(data: bytes) -> None:
    text, binary = decode(data)
    assert (text is None) == binary


@PROPS
@given(text=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), min_size=16, max_size=300),
       encoding=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_bomless_utf16_latin_text_is_read(text: str, encoding: str) -> None:
    assume("\x7f" not in text)
    assert decode(text.encode(encoding)) == (text, False)


@PROPS
@given(raw=st.binary(max_size=60))
def test_display_paths_are_printable_utf8(raw: bytes) -> None:
    shown = display_path(raw)
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in shown)
    shown.encode("utf-8")  # raises on a lone surrogate: the path is always valid JSON text
    assert ("%" in shown) or shown == raw.decode("utf-8")
