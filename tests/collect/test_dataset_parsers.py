"""Bounded JSON loading and the dataset metadata extractors (Frictionless, Croissant, HF infos, CFF)."""

from __future__ import annotations

import codecs
import json
import math
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.parsers.datasets import (
    DatasetLicenses,
    LicenseDecl,
    citation_cff_licenses,
    croissant_licenses,
    datapackage_licenses,
    dataset_info_licenses,
    is_croissant,
)
from license_check.collect.parsers.jsondoc import JsonResult, Problem, load_json, nesting_depth
from license_check.model import RawForm

CAP = 1024 * 1024


def fast(function: Any, *args: Any, limit: float = 0.5, **kwargs: Any) -> Any:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    assert time.perf_counter() - start < limit
    return result


# --------------------------------------------------------------------------- load_json

def test_load_json_parses_text_and_bytes() -> None:
    assert load_json('{"license": "MIT"}', max_bytes=CAP) == JsonResult({"license": "MIT"}, None, '{"license": "MIT"}')
    assert load_json(b'[1, 2]', max_bytes=CAP).value == [1, 2]
    assert load_json(b"null", max_bytes=CAP) == JsonResult(None, None, "null")


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 + '{"license": "é"}'.encode(),
    codecs.BOM_UTF16_LE + '{"license": "é"}'.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + '{"license": "é"}'.encode("utf-16-be"),
    '{"license": "é"}'.encode("utf-16-le"),  # no BOM: recognised by its NUL pattern
    '{"license": "é"}'.encode("utf-32-be"),
    codecs.BOM_UTF32_LE + '{"license": "é"}'.encode("utf-32-le"),
    "\ufeff" + '{"license": "é"}',
    '{"license": "é"}'.encode("latin-1"),  # not UTF-8: read like reading.decode does
])
def test_load_json_honours_boms_and_utf16(data: bytes | str) -> None:
    assert load_json(data, max_bytes=CAP).value == {"license": "é"}


@pytest.mark.parametrize(("text", "problem"), [
    ('{"license": "MIT",}', "invalid JSON at line 1, column 19: Expecting property name enclosed in double quotes"),
    ('{\n  "a": 1\n  "b": 2\n}', "invalid JSON at line 3, column 3: Expecting ',' delimiter"),
    ("", "invalid JSON at line 1, column 1: Expecting value"),
    ('{"a": 1} {"b": 2}', "invalid JSON at line 1, column 10: Extra data"),
    ('{"a": "b', "invalid JSON at line 1, column 7: Unterminated string starting at"),
    ('"\\ud800x\\q"', "invalid JSON at line 1, column 9: Invalid \\escape"),
])
def test_invalid_json_is_reported_with_line_and_column(text: str, problem: str) -> None:
    result = load_json(text, max_bytes=CAP)
    assert result.value is None and result.problem == problem


def test_deep_nesting_is_rejected_without_recursion() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    result = fast(load_json, deep, max_bytes=CAP)
    assert result.problem == "it is nested deeper than 64 levels and was not parsed"
    assert fast(load_json, '{"a":' * 100_000, max_bytes=CAP).problem is not None
    assert load_json("[" * 64 + "]" * 64, max_bytes=CAP).problem is None
    assert load_json("[" * 65 + "]" * 65, max_bytes=CAP).problem is not None
    assert load_json("[" * 10 + "]" * 10, max_bytes=CAP, max_depth=5).problem is not None


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"description": "[[[[{{{{" * 1000, "quote": 'a "[" b \\'})
    assert nesting_depth(text) == 1
    assert load_json(text, max_bytes=CAP).problem is None


def test_the_depth_scan_is_linear_on_escaped_quotes() -> None:
    # An unterminated string of escaped quotes made a naive string regex quadratic (seconds).
    for text in ('"' + '\\"' * 200_000, '"' + '\\"' * 200_000 + "\\", 'a"' * 200_000):
        assert fast(load_json, text, max_bytes=CAP).problem is not None


def test_nan_is_accepted_and_huge_numbers_do_not_raise() -> None:
    value = load_json('{"a": NaN, "b": -Infinity}', max_bytes=CAP).value
    assert math.isnan(value["a"]) and value["b"] == -math.inf
    assert load_json("1" * 5000, max_bytes=CAP).value == math.inf
    assert load_json("1e999999", max_bytes=CAP).value == math.inf


def test_size_and_binary_are_problems() -> None:
    assert load_json(b"[" + b"1," * 100 + b"1]", max_bytes=50).problem == \
        "it is larger than 50 bytes and was not parsed"
    assert load_json(b"PK\x03\x04\x00\x00binary", max_bytes=CAP).problem == "it is binary, not JSON text"
    assert load_json(b"\x00\x01\x02\x03binary\x00", max_bytes=CAP).problem is not None  # looks like UTF-32


# --------------------------------------------------------------------------- Frictionless

DATAPACKAGE = """{
  "name": "world-cities",
  "title": "World cities",
  "licenses": [
    {"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/", "title": "ODC Attribution"},
    {"path": "https://example.org/terms"},
    {"path": "LICENSE.txt"},
    {"title": "Some licence"}
  ],
  "resources": [
    {"path": "a.csv"},
    {"path": "b.csv", "licenses": [{"name": "CC-BY-4.0"}]}
  ]
}"""


def test_datapackage_licenses() -> None:
    result = datapackage_licenses(json.loads(DATAPACKAGE), DATAPACKAGE)
    assert result == DatasetLicenses((
        LicenseDecl("ODC-BY-1.0", RawForm.NAME, "licenses[0].name", 5, label="ODC Attribution"),
        LicenseDecl("https://example.org/terms", RawForm.URL, "licenses[1].path", 6),
        LicenseDecl("LICENSE.txt", RawForm.URL, "licenses[2].path", 7, pointer=True),
        LicenseDecl("Some licence", RawForm.NAME, "licenses[3].title", 8),
        LicenseDecl("CC-BY-4.0", RawForm.NAME, "resources[1].licenses[0].name", 12, resource=1),
    ), (), "World cities", True)
    assert all(d.alternative_group is None for d in result.decls)  # several licenses all apply (AND)


def test_datapackage_legacy_singular_license() -> None:
    assert datapackage_licenses({"name": "x", "license": "ODC-PDDL-1.0"}).decls == (
        LicenseDecl("ODC-PDDL-1.0", RawForm.NAME, "license"),)
    assert datapackage_licenses({"license": {"type": "x", "name": "CC0-1.0"}}).decls == (
        LicenseDecl("CC0-1.0", RawForm.NAME, "license.name"),)
    assert datapackage_licenses({"license": "https://x.org/l"}).decls[0].form is RawForm.URL
    assert datapackage_licenses({"name": "x"}) == DatasetLicenses(name="x")


@pytest.mark.parametrize(("doc", "problems"), [
    ({"licenses": 3}, ["licenses must be an object with a name or path, not a number (3)"]),
    ({"licenses": [3, None]}, ["licenses[0] must be an object with a name or path, not a number (3)",
                               "licenses[1] must be an object with a name or path, not null"]),
    ({"licenses": [{}]}, ["licenses[0] has no name, path or title"]),
    ({"licenses": [{"name": 5}]}, ["licenses[0].name must be a string, not a number (5)"]),
    ({"licenses": [{"name": "", "path": ["x"]}]}, ["licenses[0].path must be a string, not a list"]),
    ({"licenses": []}, ["licenses is an empty list"]),
    ({"license": None}, ["license must be an object with a name or path, not null"]),
    ({"license": " "}, ["license is empty"]),
    ({"resources": [{"licenses": [{"title": 1}]}]},
     ["resources[0].licenses[0].title must be a string, not a number (1)"]),
])
def test_datapackage_wrong_types_are_problems(doc: dict[str, Any], problems: list[str]) -> None:
    result = datapackage_licenses(doc)
    assert [p.message for p in result.problems] == problems
    assert result.decls == () and result.declares_license


def test_datapackage_must_be_an_object() -> None:
    assert datapackage_licenses([1]) == DatasetLicenses(
        problems=(Problem(None, "datapackage.json must be a JSON object, not a list"),))


# --------------------------------------------------------------------------- Croissant

CROISSANT: dict[str, Any] = {
    "@context": {"@language": "en", "@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
    "@type": "sc:Dataset",
    "name": "mnist",
    "conformsTo": "http://mlcommons.org/croissant/1.0",
    "license": "https://spdx.org/licenses/MIT.html",
}


def test_croissant_is_recognised_by_context_or_conformance() -> None:
    assert is_croissant(CROISSANT)
    assert is_croissant({"dct:conformsTo": "http://mlcommons.org/croissant/1.1"})
    assert is_croissant({"@context": ["https://schema.org", {"cr": "http://mlcommons.org/croissant/"}]})
    assert not is_croissant({"@context": "https://schema.org/", "license": "MIT"})
    assert not is_croissant(["http://mlcommons.org/croissant/"])


def test_croissant_license_forms() -> None:
    assert croissant_licenses(CROISSANT) == DatasetLicenses(
        (LicenseDecl("https://spdx.org/licenses/MIT.html", RawForm.URL, "license"),), (), "mnist", True)
    doc = {**CROISSANT, "license": [
        "cc-by-4.0",
        {"@type": "CreativeWork", "name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
        {"@type": "sc:CreativeWork", "name": "Custom terms"},
    ]}
    assert croissant_licenses(doc).decls == (
        LicenseDecl("cc-by-4.0", RawForm.NAME, "license[0]"),
        LicenseDecl("https://creativecommons.org/licenses/by-sa/4.0/", RawForm.URL, "license[1].url",
                    label="CC BY-SA 4.0"),
        LicenseDecl("Custom terms", RawForm.NAME, "license[2].name"),
    )  # all apply (AND): no alternative group


def test_croissant_lines_from_text() -> None:
    text = json.dumps(CROISSANT, indent=2)
    assert croissant_licenses(json.loads(text), text).decls[0].line == text.splitlines().index(
        '  "license": "https://spdx.org/licenses/MIT.html"') + 1


@pytest.mark.parametrize(("value", "problems"), [
    (3, ["license must be a URL, a name or a CreativeWork object, not a number (3)"]),
    (None, ["license must be a URL, a name or a CreativeWork object, not null"]),
    ([1, "MIT"], ["license[0] must be a URL, a name or a CreativeWork object, not a number (1)"]),
    ({"@type": "CreativeWork"}, ["license has no name or url"]),
    ({"name": 1, "url": False}, ["license.name must be a string, not a number (1)",
                                 "license.url must be a string, not a boolean (false)"]),
    ([], ["license is an empty list"]),
    ("", ["license is empty"]),
])
def test_croissant_wrong_types_are_problems(value: object, problems: list[str]) -> None:
    result = croissant_licenses({**CROISSANT, "license": value})
    assert [p.message for p in result.problems] == problems and result.declares_license


# --------------------------------------------------------------------------- dataset_info(s).json

def test_dataset_info_single_and_per_config() -> None:
    single = {"description": "d", "license": "apache-2.0", "builder_name": "squad", "features": {}}
    assert dataset_info_licenses(single, plural=False) == DatasetLicenses(
        (LicenseDecl("apache-2.0", RawForm.NAME, "license"),), (), "squad", True)
    text = json.dumps({"default": {"license": "mit"}, "extra": {"license": ""}, "other": {"license": None}}, indent=1)
    result = dataset_info_licenses(json.loads(text), plural=True, text=text)
    assert result.decls == (LicenseDecl("mit", RawForm.NAME, "default.license", 3),)
    assert dataset_info_licenses({"default": {"license": ""}}, plural=True) == DatasetLicenses()


def test_dataset_info_long_license_is_free_text() -> None:
    long = "Permission is hereby granted, free of charge, to any person obtaining a copy " * 4
    infos = {"a": {"license": long}, "b": {"license": "line one\nline two"}, "c": {"license": "cc-by-4.0"}}
    assert [d.free_text for d in dataset_info_licenses(infos, plural=True).decls] == [True, True, False]


def test_dataset_info_wrong_types() -> None:
    result = dataset_info_licenses({"a": {"license": 3}, "b": {"license": ["mit"]}, "c": 5}, plural=True)
    assert [p.message for p in result.problems] == ["a.license must be a string, not a number (3)",
                                                    "b.license must be a string, not a list"]
    assert dataset_info_licenses("x", plural=False).problems == (
        Problem(None, "dataset_info.json must be a JSON object, not a string"),)


# --------------------------------------------------------------------------- CITATION.cff

def test_cff_single_license_and_url() -> None:
    text = "cff-version: 1.2.0\ntitle: My data\nlicense: CC-BY-4.0\nlicense-url: https://example.org/terms\n"
    assert citation_cff_licenses(text) == DatasetLicenses((
        LicenseDecl("CC-BY-4.0", RawForm.SPDX, "license", 3),
        LicenseDecl("https://example.org/terms", RawForm.URL, "license-url", 4),
    ), (), "My data", True)


def test_cff_license_list_is_one_group_of_alternatives() -> None:
    result = citation_cff_licenses("title: T\nlicense:\n  - Apache-2.0\n  - MIT\n")
    assert result.decls == (LicenseDecl("Apache-2.0", RawForm.SPDX, "license[0]", 2, alternative_group=0),
                            LicenseDecl("MIT", RawForm.SPDX, "license[1]", 2, alternative_group=0))
    assert citation_cff_licenses("license: [MIT]\n").decls == (LicenseDecl("MIT", RawForm.SPDX, "license[0]", 1),)


@pytest.mark.parametrize(("text", "problems"), [
    ("license: 3\n", ["license must be an SPDX id or a list of SPDX ids, not a number (3)"]),
    ("license:\n", ["license is empty"]),
    ("license: []\n", ["license is an empty list"]),
    ("license: [MIT, 2, {a: b}]\n", ["license[1] must be an SPDX id, not a number (2)",
                                    "license[2] must be an SPDX id, not a mapping"]),
    ("license-url: 4\n", ["license-url must be a string, not a number (4)"]),
    ("license: [MIT\n", ["CITATION.cff cannot be parsed: invalid YAML at line 2, column 1: "
                         "did not find expected ',' or ']'"]),
    ("license: !!python/object/apply:os.system [id]\n",
     ["CITATION.cff cannot be parsed: unsupported YAML tag '!!python/object/apply:os.system' (line 1)"]),
    ("- license: MIT\n", ["CITATION.cff cannot be parsed: its YAML must be a mapping of keys, not a list"]),
])
def test_cff_wrong_types_are_problems(text: str, problems: list[str]) -> None:
    result = citation_cff_licenses(text)
    assert [p.message for p in result.problems] == problems and result.declares_license


def test_cff_without_license_declares_none() -> None:
    text = "title: T\nreferences:\n  - type: software\n    license: GPL-3.0-only\n"
    assert citation_cff_licenses(text) == DatasetLicenses(name="T")


# --------------------------------------------------------------------------- properties

JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "path", "title", "url", "@id", "@type", "x"]) | st.text(max_size=6),
                      children, max_size=4),
    max_leaves=20,
)


def check(result: DatasetLicenses) -> None:
    assert all(isinstance(d, LicenseDecl) and d.raw and d.raw == d.raw.strip() for d in result.decls)
    assert all(isinstance(p, Problem) and p.message for p in result.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_load_json_never_raises(data: bytes) -> None:
    result = load_json(data, max_bytes=200)
    assert result.problem is None or result.value is None


@settings(max_examples=300, deadline=None)
@given(JSON_LIKE, JSON_LIKE)
def test_extractors_never_raise_on_any_json_value(license_value: object, other: object) -> None:
    for doc in (license_value, {"licenses": license_value, "license": other},
                {"resources": [{"licenses": license_value}, other]}):
        check(datapackage_licenses(doc, json.dumps(doc, default=str)))
    check(croissant_licenses({**CROISSANT, "license": license_value}))
    check(croissant_licenses(license_value))
    assert isinstance(is_croissant(license_value), bool)
    check(dataset_info_licenses({"license": license_value}, plural=False))
    check(dataset_info_licenses({"default": {"license": license_value}, "x": other}, plural=True))
    check(dataset_info_licenses(license_value, plural=True))


@settings(max_examples=200, deadline=None)
@given(JSON_LIKE, st.text(max_size=200))
def test_cff_never_raises(license_value: object, text: str) -> None:
    check(citation_cff_licenses(text))
    document = json.dumps({"license": license_value, "license-url": license_value}, allow_nan=True)
    check(citation_cff_licenses(document.replace("NaN", ".nan").replace("Infinity", ".inf")))
