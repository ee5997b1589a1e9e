"""Card front matter: finding the block, loading YAML safely and within bounds, reading card fields."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect.parsers.frontmatter import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_YAML_CHARS,
    CardFields,
    YamlResult,
    card_fields,
    load_yaml,
    split_front_matter,
)
from license_check.collect.parsers.jsondoc import Problem

CARD = """---
license: apache-2.0
base_model: meta-llama/Llama-3.1-8B
base_model_relation: finetune
datasets:
- HuggingFaceH4/ultrachat_200k
pipeline_tag: text-generation
---
# My model
"""


def fast(function: Any, *args: Any, limit: float = 0.5) -> Any:
    start = time.perf_counter()
    result = function(*args)
    assert time.perf_counter() - start < limit
    return result


# --------------------------------------------------------------------------- split_front_matter

def test_split_finds_the_leading_block_and_its_first_line() -> None:
    block, start = split_front_matter(CARD)
    assert block is not None and block.startswith("license: apache-2.0\n") and block.endswith("text-generation\n")
    assert start == 2


def test_split_accepts_bom_blank_lines_crlf_and_dots() -> None:
    assert split_front_matter("\ufeff\n\n---\nlicense: mit\n---\n") == ("license: mit\n", 4)
    assert split_front_matter("---\r\nlicense: mit\r\n---\r\nbody") == ("license: mit\r\n", 2)
    assert split_front_matter("---  \nlicense: mit\n...\n") == ("license: mit\n", 2)
    assert split_front_matter("---\n---\n") == ("", 2)
    assert split_front_matter("---\nlicense: mit\n---") == ("license: mit\n", 2)  # no final newline


@pytest.mark.parametrize("text", [
    "", "# Title\n---\nlicense: mit\n---\n", "---\nlicense: mit\n", "--- \n", "----\nlicense: mit\n----\n",
    "text\n", "---license: mit\n---\n",
])
def test_split_rejects_what_is_not_a_leading_closed_block(text: str) -> None:
    assert split_front_matter(text) == (None, 0)


# --------------------------------------------------------------------------- load_yaml

def test_load_gives_data_and_file_lines_of_top_level_keys() -> None:
    block, start = split_front_matter(CARD)
    assert block is not None
    result = load_yaml(block, start)
    assert result.problem is None and result.warnings == ()
    assert result.data is not None and result.data["license"] == "apache-2.0"
    assert result.lines == {"license": 2, "base_model": 3, "base_model_relation": 4, "datasets": 5,
                            "pipeline_tag": 7}


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert load_yaml("") == YamlResult({})
    assert load_yaml("# only a comment\n").data == {}


def test_duplicate_top_level_keys_keep_the_last_and_warn() -> None:
    result = load_yaml("license: mit\ntags: [a]\nlicense: cc-by-nc-4.0\n", 2)
    assert result.data == {"license": "cc-by-nc-4.0", "tags": ["a"]}
    assert result.lines["license"] == 4
    assert result.warnings == ("top-level key 'license' appears twice (lines 2 and 4); the last is used",)


def test_non_string_top_level_keys_are_dropped_with_a_warning() -> None:
    result = load_yaml("1: one\nnull: x\nlicense: mit\n")
    assert result.data == {"license": "mit"}
    assert result.warnings == ("2 top-level key(s) are not strings and were ignored",)


@pytest.mark.parametrize(("text", "problem"), [
    ("- a\n- b\n", "its YAML must be a mapping of keys, not a list"),
    ("just text\n", "its YAML must be a mapping of keys, not a single value"),
    ("a: 1\n---\nb: 2\n", "invalid YAML at line 10, column 1: but found another document"),
])
def test_top_level_must_be_one_mapping(text: str, problem: str) -> None:
    assert load_yaml(text, 9) == YamlResult(None, problem)


def test_invalid_yaml_is_reported_with_the_file_line_and_column() -> None:
    result = load_yaml("license: mit\nbase_model: a: b\n", 3)
    assert result.data is None
    assert result.problem == "invalid YAML at line 4, column 14: mapping values are not allowed in this context"
    assert load_yaml("a: [1, 2\n").problem == "invalid YAML at line 2, column 1: did not find expected ',' or ']'"
    assert load_yaml("a: \x07\n").problem == \
        "invalid YAML: unacceptable character #x0007: control characters are not allowed"
    assert load_yaml("a: \ud800\n").problem is not None  # a lone surrogate cannot be encoded
    assert load_yaml("a: {[1]: 2}\n").problem == "invalid YAML at line 1, column 5: found unhashable key"
    assert load_yaml("a: *nowhere\n").problem == "invalid YAML at line 1, column 4: found undefined alias 'nowhere'"


@pytest.mark.parametrize("tagged", [
    "!!python/object/apply:os.system ['touch /tmp/pwned']",
    "!!python/object/new:subprocess.Popen [['id']]",
    "!!python/name:os.system",
    "!!python/tuple [1, 2]",
    "!custom thing",
    "!<tag:yaml.org,2002:python/object:object> {}",
])
def test_python_and_local_tags_are_problems_never_constructed(tagged: str) -> None:
    result = load_yaml(f"license: mit\nx: {tagged}\n", 5)
    assert result.data is None and result.problem is not None
    assert result.problem.startswith("unsupported YAML tag '") and result.problem.endswith("(line 6)")


def test_a_python_tag_is_reported_by_its_name() -> None:
    assert load_yaml("x: !!python/object/apply:os.system ['id']\n").problem == \
        "unsupported YAML tag '!!python/object/apply:os.system' (line 1)"


def test_merge_keys_and_plain_aliases_still_work() -> None:
    result = load_yaml("base: &b {license: mit, x: 1}\nother:\n  <<: *b\n  x: 2\nsame: *b\n")
    assert result.data == {"base": {"license": "mit", "x": 1}, "other": {"license": "mit", "x": 2},
                           "same": {"license": "mit", "x": 1}}


def test_timestamps_and_long_integer_literals_stay_strings() -> None:
    data = load_yaml("date: 2024-01-02\nsexagesimal: 1:30\nhuge: " + "1:" * 40 + "1\n").data
    assert data is not None
    assert data["date"] == "2024-01-02" and data["sexagesimal"] == 90 and isinstance(data["huge"], str)
    bomb = fast(load_yaml, "x: " + "1:" * 100_000 + "1\n")  # would be a quadratic int conversion
    assert bomb.data is not None and isinstance(bomb.data["x"], str)


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def test_billion_laughs_is_rejected_fast() -> None:
    result = fast(load_yaml, BILLION_LAUGHS)
    assert result == YamlResult(None, "its YAML aliases expand to more than 10000 extra nodes")


def test_merge_key_bomb_is_rejected_fast() -> None:
    text = "a0: &a0 {k0: 1, k1: 2, k2: 3}\n" + "".join(
        f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 9)}]}}\n" for i in range(1, 9))
    assert fast(load_yaml, text).problem == "its YAML aliases expand to more than 10000 extra nodes"


def test_too_many_aliases_and_recursive_aliases_are_rejected() -> None:
    many = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    assert load_yaml(many, 3).problem == f"it uses more than {MAX_ALIASES} YAML aliases (line 4)"
    assert load_yaml("a: &a [1, *a]\n").problem == "the YAML alias *a at line 1 refers to its own ancestor"
    assert load_yaml("a: &a\n  b: &b\n    c: *a\n").problem == \
        "the YAML alias *a at line 3 refers to its own ancestor"


def test_depth_is_capped_directly_and_through_aliases() -> None:
    # libyaml >= 0.2.6 (PyYAML 6.0.4 wheels) refuses flow nesting past 1000 itself, while scanning ahead of
    # the events we count: either refusal is fine, as long as it is a problem and not a crash.
    flat = fast(load_yaml, "a: " + "[" * 100_000).problem or ""
    assert flat == f"it is nested deeper than {MAX_DEPTH} levels (line 1)" or "nesting depth" in flat
    block = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x\n"
    assert fast(load_yaml, block).problem == f"it is nested deeper than {MAX_DEPTH} levels (line {MAX_DEPTH})"
    deep = "[" * 40 + "1" + "]" * 40
    aliased = f"a: &a {deep}\nb: {'[' * 40}*a{']' * 40}\n"  # 80 levels once the alias is expanded
    assert load_yaml(aliased).problem == f"it is nested deeper than {MAX_DEPTH} levels through YAML aliases"


def test_size_is_capped() -> None:
    assert load_yaml("a: " + "x" * MAX_YAML_CHARS).problem == "its YAML is larger than 256 KiB and was not parsed"


def test_a_large_real_world_model_index_loads() -> None:
    results = "".join(f"  - task: {{type: Classification}}\n    dataset: {{name: MTEB {i}, type: mteb/x{i}}}\n"
                      f"    metrics: [{{type: accuracy, value: 0.{i}}}]\n" for i in range(1500))
    result = fast(load_yaml, "license: mit\nmodel-index:\n- name: m\n  results:\n" + results, limit=2.0)
    assert result.data is not None and len(result.data["model-index"][0]["results"]) == 1500


# --------------------------------------------------------------------------- card_fields

def test_model_card_fields() -> None:
    block, start = split_front_matter(CARD)
    assert block is not None
    loaded = load_yaml(block, start)
    assert card_fields(loaded.data, loaded.lines) == CardFields(
        license=("apache-2.0",), base_model=("meta-llama/Llama-3.1-8B",), base_model_relation="finetune",
        datasets=("HuggingFaceH4/ultrachat_200k",), kind_hint="model", has_card_keys=True)


def test_dataset_card_fields() -> None:
    data = load_yaml("license: [cc-by-4.0, odc-by]\nlicense_name: x\nlicense_link: LICENSE\n"
                     "license_details: Free text\nsource_datasets: [original]\ntask_categories: [text]\n"
                     "size_categories: [1K<n<10K]\nextra_gated_eu_disallowed: true\n").data
    assert card_fields(data) == CardFields(
        license=("cc-by-4.0", "odc-by"), license_name="x", license_link="LICENSE", license_details="Free text",
        source_datasets=("original",), extra_gated_eu_disallowed=True, kind_hint="dataset", has_card_keys=True)


def test_card_kind_hints_and_plain_readmes() -> None:
    assert card_fields({"title": "My blog", "layout": "post"}) == CardFields()
    assert card_fields({"license": "mit"}) == CardFields(license=("mit",), has_card_keys=True)
    assert card_fields({"datasets": ["x"]}).has_card_keys
    assert card_fields({"library_name": "peft", "pretty_name": "x"}).kind_hint is None  # one key each
    assert card_fields({"library_name": "peft", "pipeline_tag": "x", "pretty_name": "x"}).kind_hint == "model"
    assert card_fields({"base_model_relation": "MERGE", "base_model": ["a", "b"]}).base_model_relation == "merge"


@pytest.mark.parametrize(("data", "key", "message"), [
    ({"license": 3}, "license", "license must be a string or a list of strings, not a number (3)"),
    ({"license": 2.0}, "license", "license must be a string or a list of strings, not a number (2.0)"),
    ({"license": True}, "license", "license must be a string or a list of strings, not a boolean (true)"),
    ({"license": {"id": "mit"}}, "license", "license must be a string or a list of strings, not a mapping"),
    ({"license": None}, "license", "license is empty"),
    ({"license": "  "}, "license", "license is empty"),
    ({"license": []}, "license", "license is an empty list"),
    ({"license": ["mit", 4]}, "license[1]", "license[1] must be a string, not a number (4)"),
    ({"license": ["mit", None]}, "license[1]", "license[1] is empty"),
    ({"license": [["mit"]]}, "license[0]", "license[0] must be a string, not a list"),
])
def test_wrong_license_values_are_problems(data: dict[str, Any], key: str, message: str) -> None:
    fields = card_fields(data, {"license": 7})
    assert fields.problems == (Problem(key, message, 7),)
    assert fields.license_unreadable and fields.has_card_keys
    assert fields.license == (("mit",) if isinstance(data["license"], list) and "mit" in data["license"] else ())


@pytest.mark.parametrize(("data", "message"), [
    ({"license_name": 5}, "license_name must be a string, not a number (5)"),
    ({"license_link": ["a"]}, "license_link must be a string, not a list"),
    ({"license_details": {}}, "license_details must be a string, not a mapping"),
    ({"base_model": 1.5}, "base_model must be a string or a list of strings, not a number (1.5)"),
    ({"base_model": ["a", {}]}, "base_model[1] must be a string, not a mapping"),
    ({"base_model_relation": "distilled"},
     "base_model_relation must be one of adapter, merge, quantized, finetune, not 'distilled'"),
    ({"base_model_relation": 3}, "base_model_relation must be a string, not a number (3)"),
    ({"datasets": False}, "datasets must be a string or a list of strings, not a boolean (false)"),
    ({"source_datasets": [1]}, "source_datasets[0] must be a string, not a number (1)"),
    ({"extra_gated_eu_disallowed": "yes"}, "extra_gated_eu_disallowed must be true or false, not a string"),
])
def test_wrong_other_values_are_problems(data: dict[str, Any], message: str) -> None:
    fields = card_fields(data)
    assert [p.message for p in fields.problems] == [message]
    assert not fields.license_unreadable


def test_null_optional_fields_are_absent_and_non_mappings_are_problems() -> None:
    assert card_fields({"base_model": None, "datasets": None, "license_name": None}).problems == ()
    fields = card_fields(["license", "mit"])
    assert fields.license_unreadable and fields.problems == (
        Problem(None, "the card metadata must be a mapping, not a list"),)


# --------------------------------------------------------------------------- properties

JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
CARD_KEYS = ("license", "license_name", "license_link", "license_details", "base_model", "base_model_relation",
             "datasets", "source_datasets", "extra_gated_eu_disallowed", "pipeline_tag", "task_categories")


YAMLISH = st.text(alphabet="-:[]{}&*!|>'\"#?,.<=% \t\nab1", max_size=200)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400) | YAMLISH)
def test_any_text_never_raises(text: str) -> None:
    for candidate in (text, "---\n" + text + "\n---\n"):
        block, start = split_front_matter(candidate)
        if block is None:
            continue
        result = load_yaml(block, start)
        assert (result.data is None) != (result.problem is None)
        if result.data is not None:
            fields = card_fields(result.data, result.lines)
            assert all(isinstance(p, Problem) for p in fields.problems)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(CARD_KEYS), JSON_LIKE, max_size=6))
def test_any_values_in_card_fields_never_raise(data: dict[str, Any]) -> None:
    fields = card_fields(data)
    assert all(isinstance(item, str) and item for item in (*fields.license, *fields.base_model, *fields.datasets))
    for value in (fields.license_name, fields.license_link, fields.license_details):
        assert value is None or isinstance(value, str)
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):  # not every value survives a YAML round trip
        return
    loaded = load_yaml(text)
    if loaded.data is not None:
        assert isinstance(card_fields(loaded.data), CardFields)
