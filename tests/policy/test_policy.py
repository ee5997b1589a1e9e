"""Policy files: sources and precedence, validation (file and line of every problem), lists,
waivers, pins, the echo, and docs/policy.md against the keys the loader knows."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from license_check.collect import digests
from license_check.collect.digests import pinned_digests
from license_check.errors import PolicyError
from license_check.knowledge.rulebook import load_rules
from license_check.model import Severity, Use, UseMode, Verdict
from license_check.pipeline import load_policy
from license_check.policy.keys import KEYS
from license_check.policy.load import default_policy
from license_check.policy.model import (
    CATEGORIES,
    DEFAULT_VERDICTS,
    Policy,
    Waiver,
    categories,
)
from license_check.policy.pins import check_pins, pinned_paths
from license_check.tomlio.lines import KeyLines

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"
SHA_X = hashlib.sha256(b"x").hexdigest()


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _problems(policy_file: str, root: str = ".") -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_file, root, True)
    return [str(p) for p in caught.value.problems]


def _has(problems: list[str], file: str, line: int, key: str, *words: str) -> None:
    prefix = f"{file}:{line}: {key}: "
    hits = [p for p in problems if p.startswith(prefix) and all(w in p for w in words) and "; allowed: " in p]
    assert hits, f"no problem {prefix}... {words} in:\n" + "\n".join(problems)


# --- sources and precedence ------------------------------------------------------------------------

def test_built_in_policy_without_any_configuration(tmp_path: Path) -> None:
    policy = load_policy(None, str(tmp_path), True)
    assert (policy.source, policy.name, policy.path) == ("built-in", "default", None)
    assert policy.use_mode is UseMode.DISTRIBUTE
    assert policy.verdicts == DEFAULT_VERDICTS and policy.fail_on is None and policy.training_data == "lenient"
    assert policy.echo() == default_policy().echo()


def test_default_toml_states_the_code_defaults() -> None:
    built_in = default_policy()
    assert built_in == Policy("default", "built-in", UseMode.DISTRIBUTE, dict(DEFAULT_VERDICTS), lines=built_in.lines)


def test_pyproject_table_is_read_unless_no_repo_config(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.license-check]\nuse_mode = "saas"\n'
           '[tool.license-check.verdicts]\nconditional = "fail"\n')
    policy = load_policy(None, str(tmp_path), True)
    assert (policy.source, policy.name, policy.use_mode) == ("pyproject", "pyproject", UseMode.SAAS)
    assert policy.verdict(Use.CONDITIONAL) is Verdict.FAIL and policy.verdict(Use.ALLOWED) is Verdict.PASS
    assert policy.echo()["path"] == "pyproject.toml"
    assert load_policy(None, str(tmp_path), False).source == "built-in"


def test_policy_file_replaces_pyproject_and_built_in(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.license-check]\nuse_mode = "saas"\n')
    given = _write(tmp_path / "acme.toml", 'use_mode = "internal"\n')
    policy = load_policy(given, str(tmp_path), True)
    assert (policy.source, policy.name, policy.path, policy.use_mode) == (given, "acme", given, UseMode.INTERNAL)
    named = _write(tmp_path / "other.toml", 'name = "corp"\n')
    assert load_policy(named, str(tmp_path), True).name == "corp"


def test_pyproject_without_our_table_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.black]\nline-length = 100\n')
    assert load_policy(None, str(tmp_path), True).source == "built-in"


def test_malformed_pyproject_is_ignored_unless_it_mentions_our_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x\n')
    assert load_policy(None, str(tmp_path), True).source == "built-in"
    pyproject = _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.license-check]\nuse_mode = saas\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(None, str(tmp_path), True)
    assert str(caught.value.problems[0]).startswith(f"{pyproject}:4: invalid TOML: ")
    assert load_policy(None, str(tmp_path), False).source == "built-in"


def test_symlinked_pyproject_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    _write(outside, '[tool.license-check]\nuse_mode = "saas"\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").symlink_to(outside)
    assert load_policy(None, str(repo), True).source == "built-in"


def test_oversized_pyproject(tmp_path: Path) -> None:
    filler = "# " + "x" * 100 + "\n"
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n' + filler * 11000)
    assert load_policy(None, str(tmp_path), True).source == "built-in"
    _write(tmp_path / "pyproject.toml", '[tool.license-check]\nuse_mode = "saas"\n' + filler * 11000)
    with pytest.raises(PolicyError, match="larger than"):
        load_policy(None, str(tmp_path), True)


def test_unreadable_or_invalid_policy_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(str(tmp_path / "absent.toml"), str(tmp_path), True)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "\xff"\n')
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(str(bad), str(tmp_path), True)
    syntax = _write(tmp_path / "syntax.toml", 'name = "a"\n\nuse_mode = \n')
    assert _problems(syntax)[0].startswith(f"{syntax}:3: invalid TOML: ")


# --- validation ---------------------------------------------------------------------------------

BAD = """\
name = "acme"
use_mode = "sass"
fail_on = 3
traning_data = "strict"
[verdicts]
conditional = "ok"
maybe = "pass"
[organisation]
monthly_active_users = -5
eu_presence = "yes"
annual_revenue_usd = true
[licenses]
allow = ["MIT", "apache-2.0",
  "category:permisive", "Nope-1.0", "MIT OR BSD-3-Clause"]
deny = ["MIT", "category:network-copyleft"]
[severity]
external-artifact = "error"
no-licence = "info"
notice-file = "loud"
[[waivers]]
path = "examples/**"
rules = ["external-artefact"]
[[waivers]]
component = "ref:imdb"
reason = "ok"
expires = "2027-13-01"
sha256 = "abc"
[[waivers]]
reason = "   "
path = "../outside/**"
expires = 2026-01-01T10:00:00
[[waivers]]
component = "."
reason = "pinned without a file"
sha256 = "{SHA}"
[[clarifications]]
path = "third_party/*"
license = "MIT AND Foo"
[[clarifications]]
path = "a/LICENSE"
license = "MIT"
sha256 = "{SHA}"
[[clarifications]]
path = "a/LICENSE"
license = "Apache-2.0"
sha256 = "{SHA}"
""".replace("{SHA}", SHA_X)


def test_every_problem_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    file = _write(tmp_path / "bad.toml", BAD)
    problems = _problems(file)
    f = file
    _has(problems, f, 2, "use_mode", "'sass' is not allowed", "did you mean 'saas'", "internal, saas")
    _has(problems, f, 3, "fail_on", "expected a string, got an integer", "error, warning, info")
    _has(problems, f, 4, "traning_data", "unknown key", "did you mean 'training_data'")
    _has(problems, f, 6, "verdicts.conditional", "'ok' is not allowed", "pass, warn, fail")
    _has(problems, f, 7, "verdicts.maybe", "unknown key")
    _has(problems, f, 9, "organisation.monthly_active_users", "negative", "integer >= 0")
    _has(problems, f, 10, "organisation.eu_presence", "expected a boolean, got a string")
    _has(problems, f, 11, "organisation.annual_revenue_usd", "expected an integer, got a boolean")
    _has(problems, f, 13, "licenses.allow[1]", "not the canonical id", "write 'Apache-2.0'")
    _has(problems, f, 14, "licenses.allow[2]", "unknown category 'permisive'", "category:permissive")
    _has(problems, f, 14, "licenses.allow[3]", "unknown license id 'Nope-1.0'")
    _has(problems, f, 14, "licenses.allow[4]", "an expression, not one license id")
    _has(problems, f, 15, "licenses.deny[0]", "in both allow and deny")
    _has(problems, f, 18, "severity.no-licence", "unknown key", "did you mean 'no-license'")
    _has(problems, f, 19, "severity.notice-file", "'loud' is not allowed")
    _has(problems, f, 20, "waivers[0].reason", "needs a reason")
    _has(problems, f, 22, "waivers[0].rules[0]", "unknown rule code", "did you mean 'external-artifact'")
    _has(problems, f, 26, "waivers[1].expires", "not a valid date")
    _has(problems, f, 27, "waivers[1].sha256", "not a sha256", "64 hexadecimal digits")
    _has(problems, f, 27, "waivers[1].sha256", "set file (the waiver has no path)")
    _has(problems, f, 29, "waivers[2].reason", "must not be empty")
    _has(problems, f, 30, "waivers[2].path", "not a relative path inside the scanned root")
    _has(problems, f, 31, "waivers[2].expires", "expected a date, got a date-time")
    _has(problems, f, 35, "waivers[3].sha256", "set file")
    _has(problems, f, 36, "clarifications[0].sha256", "needs sha256")
    _has(problems, f, 37, "clarifications[0].path", "a glob or a folder")
    _has(problems, f, 38, "clarifications[0].license", "unknown license id 'Foo'")
    _has(problems, f, 44, "clarifications[2].path", "already clarified by clarifications[1]")
    assert len(problems) == 28, "\n".join(problems)
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == sorted(lines)


def test_pyproject_problems_name_the_full_key_path(tmp_path: Path) -> None:
    pyproject = _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.license-check]\n'
                       'use_mode = "saas"\n\n[tool.license-check.organisation]\neu_presence = 1\n'
                       '[[tool.license-check.waivers]]\ncomponent = "x"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(None, str(tmp_path), True)
    problems = [str(p) for p in caught.value.problems]
    _has(problems, pyproject, 8, "tool.license-check.organisation.eu_presence", "expected a boolean")
    _has(problems, pyproject, 9, "tool.license-check.waivers[0].reason", "needs a reason")
    assert len(problems) == 2


def test_wrong_table_types(tmp_path: Path) -> None:
    file = _write(tmp_path / "p.toml", 'verdicts = "strict"\nwaivers = {reason = "x"}\n'
                  '[licenses]\nallow = "MIT"\n[[clarifications]]\npath = "a"\nlicense = "MIT"\nsha256 = "SHA"\n'
                  'extra = 1\n'.replace("SHA", SHA_X))
    problems = _problems(file)
    _has(problems, file, 1, "verdicts", "expected a table, got a string")
    _has(problems, file, 2, "waivers", "expected an array of tables")
    _has(problems, file, 4, "licenses.allow", "expected an array of strings, got a string")
    _has(problems, file, 9, "clarifications[0].extra", "unknown key 'extra'", "license, path, reason, sha256")


def test_a_valid_policy_file(tmp_path: Path) -> None:
    file = _write(tmp_path / "acme.toml", f"""\
use_mode = "release-weights"
fail_on = "warning"
training_data = "strict"
[organisation]
monthly_active_users = 800_000_000
eu_presence = true
[licenses]
allow = ["MIT", "GPL-2.0-only WITH Classpath-exception-2.0", "category:permissive"]
deny = ["category:network-copyleft"]
[severity]
external-artifact = "error"
[[waivers]]
path = "examples/train.py"
rules = ["external-artifact"]
reason = "  reviewed  "
expires = "2027-03-01"
sha256 = "{SHA_X.upper()}"
[[clarifications]]
path = "./third_party/foo/LICENSE.txt"
license = "mit OR apache-2.0"
sha256 = "{SHA_X}"
""")
    policy = load_policy(file, ".", True)
    assert policy.fail_on is Severity.WARNING and policy.training_data == "strict"
    assert policy.organisation.monthly_active_users == 800_000_000 and policy.organisation.eu_presence is True
    assert policy.organisation.annual_revenue_usd is None and policy.organisation.amount("monthly_active_users")
    assert policy.severity == {"external-artifact": Severity.ERROR}
    (waiver,) = policy.waivers
    assert (waiver.index, waiver.line, waiver.reason, waiver.file, waiver.sha256) == (0, 12, "reviewed",
                                                                                      "examples/train.py", SHA_X)
    assert waiver.expires == date(2027, 3, 1)
    (clar,) = policy.clarifications
    assert (clar.path, clar.license, clar.line) == ("third_party/foo/LICENSE.txt", "MIT OR Apache-2.0", 18)
    assert policy.lines["licenses.allow[2]"] == 8 and policy.lines["waivers[0]"] == 12


# --- lists, categories, waivers -----------------------------------------------------------------

def test_categories_from_reviewed_facts() -> None:
    rules = load_rules()
    assert categories(rules.facts("MIT")) == {"permissive"}
    assert categories(rules.facts("AGPL-3.0-only")) == {"strong-copyleft", "network-copyleft"}
    assert categories(rules.facts("LGPL-2.1-only")) == {"weak-copyleft"}
    assert "share-alike" in categories(rules.facts("CC-BY-SA-4.0"))
    assert categories(rules.facts("CC-BY-NC-4.0")) == {"non-commercial"}
    assert "use-restricted" in categories(rules.facts("LicenseRef-scancode-llama-3.1-license-2024"))
    assert categories(None) == {"unclassified"}
    every = set().union(*(categories(rules.facts(k)) for k in rules.all_ids()))
    assert every <= set(CATEGORIES) and "research-only" in every


def _lists(allow: tuple[str, ...], deny: tuple[str, ...]) -> Policy:
    return Policy("t", "test", UseMode.DISTRIBUTE, dict(DEFAULT_VERDICTS), allow=allow, deny=deny)


def test_decide_ids_categories_and_deny_precedence() -> None:
    rules = load_rules()
    mit, agpl = rules.facts("MIT"), rules.facts("AGPL-3.0-only")
    assert _lists((), ()).decide("MIT", mit) is None
    policy = _lists(("MIT", "category:strong-copyleft"), ("category:network-copyleft",))
    assert policy.decide("MIT", mit) == ("allow", "MIT")
    assert policy.decide("AGPL-3.0-only", agpl) == ("deny", "category:network-copyleft")
    assert policy.decide("GPL-3.0-only", rules.facts("GPL-3.0-only")) == ("allow", "category:strong-copyleft")
    assert policy.decide("Apache-2.0", rules.facts("Apache-2.0")) == ("not-allowed", "")
    assert _lists(("MIT",), ("MIT",)).decide("MIT", mit) == ("deny", "MIT")
    assert _lists((), ("MIT",)).decide("Apache-2.0", rules.facts("Apache-2.0")) is None
    pair = "GPL-2.0-only WITH Classpath-exception-2.0"
    gpl2 = rules.facts("GPL-2.0-only")
    assert _lists((), ("GPL-2.0-only",)).decide(pair, gpl2) == ("deny", "GPL-2.0-only")
    assert _lists(("GPL-2.0-only",), ()).decide(pair, gpl2) == ("not-allowed", "")
    assert _lists((pair,), ()).decide(pair, gpl2) == ("allow", pair)
    unclassified = _lists(("category:unclassified",), ())
    assert unclassified.decide("LicenseRef-unknown", None) == ("allow", "category:unclassified")


def test_waiver_matching() -> None:
    by_component = Waiver(0, 1, "r", component="ref:imdb", rules=("external-artifact",))
    assert by_component.matches("ref:imdb", "examples", "external-artifact", ["examples/train.py"])
    assert not by_component.matches("ref:imdb", "examples", "no-license", [])
    assert not by_component.matches("ref:other", "examples", "external-artifact", [])
    assert not by_component.matches("ref:imdb", "examples", "", [])  # a component verdict: only rule-less waivers
    by_path = Waiver(1, 2, "r", path="examples/**")
    assert by_path.matches("ref:x", ".", "external-artifact", ["examples/a/train.py"])
    assert not by_path.matches("ref:x", ".", "external-artifact", ["examples/a.py", "src/b.py"])  # every location
    assert by_path.matches("examples/vendor", "examples/vendor", "", [])  # no locations: the component's path
    assert not by_path.matches("", "", "detector-error", [])
    folder = Waiver(2, 3, "r", path="third_party")
    assert folder.matches("third_party", "third_party", "", []) and folder.matches("", "", "x", ["a/third_party/f"])
    both = Waiver(3, 4, "r", component="vendor/foo", path="vendor/**")
    assert both.matches("vendor/foo", "vendor/foo", "no-license", ["vendor/foo/x.c"])
    assert not both.matches("vendor/foo", "vendor/foo", "no-license", ["src/x.c"])


# --- pins ---------------------------------------------------------------------------------------

def test_check_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "examples").mkdir(parents=True)
    (root / "examples" / "train.py").write_bytes(b"x")
    (root / "LICENSE").write_bytes(b"new")
    (root / "big.bin").write_bytes(b"0123456789")
    (tmp_path / "secret").write_bytes(b"x")
    (root / "leak").symlink_to(tmp_path / "secret")
    (root / "linked").symlink_to(tmp_path)
    file = _write(tmp_path / "p.toml", f"""\
[[waivers]]
path = "examples/train.py"
reason = "active"
sha256 = "{SHA_X}"
expires = {date.today().isoformat()}
[[waivers]]
component = "."
reason = "expired yesterday"
expires = 2020-01-01
sha256 = "{SHA_X}"
file = "LICENSE"
[[waivers]]
path = "LICENSE"
reason = "changed"
sha256 = "{SHA_X}"
[[waivers]]
path = "gone.py"
reason = "missing"
sha256 = "{SHA_X}"
[[waivers]]
component = "x"
reason = "nothing pinned"
[[clarifications]]
path = "examples/train.py"
license = "MIT"
sha256 = "{SHA_X}"
[[clarifications]]
path = "leak"
license = "MIT"
sha256 = "{SHA_X}"
[[clarifications]]
path = "linked/secret"
license = "MIT"
sha256 = "{SHA_X}"
[[clarifications]]
path = "big.bin"
license = "MIT"
sha256 = "{SHA_X}"
""")
    policy = load_policy(file, str(root), True)
    monkeypatch.setattr(digests, "HASH_CAP", 5)
    pins = check_pins(policy, pinned_digests(str(root), pinned_paths(policy)), date.today())
    assert pins.waivers == {0: "active", 1: "expired", 2: "changed", 3: "missing", 4: "active"}
    assert pins.clarifications == {0: "active", 1: "missing", 2: "missing", 3: "too-large"}
    assert pins.found[("waiver", 2)] == hashlib.sha256(b"new").hexdigest()
    assert pins.lapsed()[0] == ("waiver", 1, "expired")
    found = pinned_digests(str(root), pinned_paths(policy))
    assert check_pins(policy, found, date(2019, 12, 31)).waivers[1] == "changed"  # not expired: pin checked


# --- echo, docs ---------------------------------------------------------------------------------

def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def _as_toml(echo: dict[str, object]) -> str:
    out = [f"{k} = {_toml_value(echo[k])}" for k in ("name", "use_mode", "training_data")]
    out += [f'fail_on = "{echo["fail_on"]}"'] if echo["fail_on"] else []
    for table in ("verdicts", "organisation", "licenses", "severity"):
        body = echo[table]
        assert isinstance(body, dict)
        out += [f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in body.items() if v is not None]
    for array in ("waivers", "clarifications"):
        items = echo[array]
        assert isinstance(items, list)
        for item in items:
            out += [f"[[{array}]]"] + [f"{k} = {_toml_value(v)}" for k, v in item.items()
                                       if v is not None and k not in ("index", "line")]
    return "\n".join(out) + "\n"


def test_echo_round_trip(tmp_path: Path) -> None:
    examples = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    complete = next(e for e in examples if e.startswith('name = "acme"'))
    first = load_policy(_write(tmp_path / "acme.toml", complete), ".", True)
    echo = first.echo()
    assert json.loads(json.dumps(echo)) == echo and echo["name"] == "acme"
    again = load_policy(_write(tmp_path / "again.toml", _as_toml(echo)), ".", True).echo()
    for volatile in ("source", "path"):
        echo.pop(volatile), again.pop(volatile)
    for item in (*echo["waivers"], *echo["clarifications"], *again["waivers"], *again["clarifications"]):  # type: ignore[misc]
        item.pop("line")
    assert again == echo


def test_docs_examples_load(tmp_path: Path) -> None:
    examples = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(examples) >= 8
    for i, example in enumerate(examples):
        if example.startswith("[tool.license-check]"):
            repo = tmp_path / f"repo{i}"
            repo.mkdir()
            _write(repo / "pyproject.toml", example)
            assert load_policy(None, str(repo), True).source == "pyproject"
        else:
            load_policy(_write(tmp_path / f"example{i}.toml", example), ".", True)


def _section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_docs_list_exactly_the_keys_and_categories_the_code_knows() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([^`]+)` \|", _section(text, "Keys").split("\n### ", 1)[0], re.M)
    assert sorted(documented) == sorted(k.path for k in KEYS)
    assert len(documented) == len(set(documented))
    cats = re.findall(r"^\| `category:([^`]+)` \|", _section(text, "Categories"), re.M)
    assert sorted(cats) == sorted(CATEGORIES)
    modes = re.findall(r"^\| `([a-z-]+)` \|", text.split("### `use_mode`", 1)[1].split("###", 1)[0], re.M)
    assert sorted(modes) == sorted(m.value for m in UseMode)


# --- the line locator ---------------------------------------------------------------------------

def test_key_lines() -> None:
    text = """\
# a comment [not.a.table]
a.b = 1
"quoted.key" = 'x'
s = \"\"\"
[not_a_header]
x = 2
\"\"\"
arr = [
  "one", # [comment]
  { k = "two" },
  [3, 4],
]
[[t]]
[[t]]
inline = { x.y = 1, z = [1,
  2] }
[t.sub]
deep = true
"""
    lines = KeyLines(text)
    assert lines.line(("a", "b")) == 2 and lines.line(("quoted.key",)) == 3 and lines.line(("s",)) == 4
    assert ("not_a_header",) not in lines.lines and ("x",) not in lines.lines
    assert [lines.line(("arr", i)) for i in range(3)] == [9, 10, 11]
    assert lines.line(("arr", 1, "k")) == 10
    assert lines.line(("t", 0)) == 13 and lines.line(("t", 1)) == 14
    assert lines.line(("t", 1, "inline", "x", "y")) == 15 and lines.line(("t", 1, "inline", "z", 1)) == 16
    assert lines.line(("t", 1, "sub", "deep")) == 18
    assert lines.line(("t", 1, "missing")) == 14 and lines.line(("nothing",)) == 1


def test_policy_error_lists_every_problem() -> None:
    error = PolicyError(["a:1: x: bad; allowed: y", "a:2: z: bad; allowed: w"])
    assert str(error).splitlines() == [str(p) for p in error.problems]
    assert [str(p) for p in PolicyError("one").problems] == ["one"]
    assert os.linesep not in str(PolicyError("one"))
