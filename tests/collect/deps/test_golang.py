"""go.mod: require lines and blocks, // indirect, replace noted in spec, other directives read over."""

from __future__ import annotations

import random

import pytest

from license_check.collect.deps.golang import read_go_mod
from license_check.collect.deps.model import Declared, Ecosystem, Group, ReadProblem

GO_MOD = '''module github.com/me/app

go 1.21

toolchain go1.21.5

require github.com/pkg/errors v0.9.1

require (
	github.com/spf13/cobra v1.8.0
	"golang.org/x/text" v0.14.0 // indirect
	`gopkg.in/yaml.v3` v3.0.1 // indirect; used by the tests
	github.com/stretchr/testify v1.8.4 // a comment, not indirect
	github.com/Azure/go-autorest v11.1.2+incompatible // indirect
)

replace github.com/spf13/cobra => ../cobra

replace (
	golang.org/x/text v0.14.0 => golang.org/x/text v0.15.0
	golang.org/x/net v1.0.0 => golang.org/x/net v1.1.0 // not required: no effect
)

exclude golang.org/x/net v1.2.3

retract [v1.0.0, v1.0.5] // published by mistake

godebug default=go1.21
'''


def test_require_lines_and_blocks() -> None:
    declared, problems = read_go_mod(GO_MOD, "go.mod")
    assert problems == []
    assert [(d.name, d.spec, d.line, d.direct) for d in declared] == [
        ("github.com/pkg/errors", "v0.9.1", 7, True),
        ("github.com/spf13/cobra", "v1.8.0 => ../cobra", 10, True),
        ("golang.org/x/text", "v0.14.0 => golang.org/x/text v0.15.0", 11, False),
        ("gopkg.in/yaml.v3", "v3.0.1", 12, False),
        ("github.com/stretchr/testify", "v1.8.4", 13, True),
        ("github.com/Azure/go-autorest", "v11.1.2+incompatible", 14, False)]
    errors = declared[0]
    assert errors == Declared(name="github.com/pkg/errors", ecosystem=Ecosystem.GOLANG, spec="v0.9.1", path="go.mod",
                              line=7, key="require.github.com/pkg/errors", group=Group.DEFAULT, version="v0.9.1")
    assert errors.purl == "pkg:golang/github.com/pkg/errors@v0.9.1"
    assert declared[3].purl == "pkg:golang/gopkg.in/yaml.v3@v3.0.1"
    assert declared[-1].purl.endswith("@v11.1.2%2Bincompatible")  # the name's case: see model.py's purl


def test_version_specific_replace_wins_over_a_general_one() -> None:
    text = ("module m\nrequire example.com/a v1.0.0\nreplace example.com/a => example.com/b v2.0.0\n"
            "replace example.com/a v1.0.0 => ./local\n")
    assert [d.spec for d in read_go_mod(text, "go.mod")[0]] == ["v1.0.0 => ./local"]


def test_a_module_without_requirements() -> None:
    assert read_go_mod("module example.com/m\n\ngo 1.22\n", "go.mod") == ([], [])
    assert read_go_mod("", "go.mod") == ([], [])


@pytest.mark.parametrize(("text", "line", "words"), [
    ("module m\nrequire example.com/a\n", 2, "require takes a module path and a version, not 1"),
    ("require example.com/a v1 v2\n", 1, "not 3 argument(s)"),
    ("require example.com/a 1.0.0\n", 1, "the version must look like v1.2.3"),
    ("require (\n\texample.com/a v1.0.0\n", 1, "the require ( block is not closed"),
    ("frobnicate x\n", 1, "unknown directive 'frobnicate'"),
    ('require "example.com/a v1.0.0\n', 1, "unterminated"),
    ("require exa mple.com v1.0.0 x\n", 1, "not 4 argument(s)"),
    ("require ../local v1.0.0\n", 1, "'../local' is not a module path"),
    ("replace example.com/a\n", 1, "replace needs 'old [version] => new [version]'"),
    ("replace example.com/a => example.com/b\n", 1, "'=> ./local/path'"),
    ("\n\x00garbage", None, "binary"),
])
def test_problems(text: str, line: int | None, words: str) -> None:
    declared, problems = read_go_mod(text, "go.mod")
    assert len(problems) == 1, problems
    assert problems[0].line == line and words in problems[0].message and problems[0].path == "go.mod"


def test_a_bad_line_does_not_hide_the_others() -> None:
    text = GO_MOD.replace("github.com/spf13/cobra v1.8.0", "github.com/spf13/cobra")
    declared, problems = read_go_mod(text, "go.mod")
    assert len(declared) == 5 and [p.line for p in problems] == [10]


@pytest.mark.parametrize("text", [
    "(" * 100_000, ")" * 1000, "require (\n" * 10_000, "//" * 50_000, '"' * 10_001, "`" * 999, "=>" * 1000,
    "require " + "a" * 1_000_000 + " v1\n", "\ud800 \udfff\n", bytes(range(1, 256)).decode("latin-1"),
    "require (\n" + "example.com/a v1.0.0\n" * 20_000 + ")\n", "require\nreplace\nexclude\n",
])
def test_hostile_input_is_a_problem_not_an_exception(text: str) -> None:
    declared, problems = read_go_mod(text, "go.mod")
    assert all(isinstance(d, Declared) for d in declared)
    assert all(isinstance(p, ReadProblem) and p.message for p in problems)
    assert len(problems) <= 50


def test_mutated_go_mod_never_raises() -> None:
    rng = random.Random(15)
    for _ in range(300):
        chars = list(GO_MOD)
        for _ in range(rng.randint(1, 20)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice('()"`/=>\n\t \\vx'))
        read_go_mod("".join(chars), "go.mod")
