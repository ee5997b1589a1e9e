"""pyproject.toml reader: PEP 621, PEP 735 groups (includes, cycles), Poetry tables; hostile input."""

from __future__ import annotations

import random

from license_check.collect.deps.model import Group
from license_check.collect.deps.pyproject import MAX_ENTRIES, read_pyproject

PEP621 = '''[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
version = "0.1.0"
dependencies = [
    "torch>=2.1",
    "Transformers==4.44.2",
    "numpy==1.*",
    "safetensors===0.4.5",
    "accelerate>=0.30,==0.33.0",
    "peft @ git+https://github.com/huggingface/peft.git@v0.12.0",
    "bitsandbytes; platform_system == 'Linux'",
]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-cov"]
docs = [
  "sphinx",
]

[dependency-groups]
lint = ["ruff==0.6.9"]
dev = [
    {include-group = "lint"},
    "mypy",
]
'''


def test_pep621_entries_with_keys_lines_and_pins() -> None:
    declared, problems = read_pyproject(PEP621, "pyproject.toml")
    assert problems == []
    default = [d for d in declared if d.group is Group.DEFAULT]
    assert [d.name for d in default] == ["torch", "transformers", "numpy", "safetensors", "accelerate", "peft",
                                         "bitsandbytes"]
    assert [d.version for d in default] == [None, "4.44.2", None, "0.4.5", None, None, None]
    assert [d.line for d in default] == list(range(9, 16))
    assert default[1].key == "project.dependencies[1]" and default[1].spec == "Transformers==4.44.2"
    assert default[6].marker == 'platform_system == "Linux"'
    assert all(d.direct and d.path == "pyproject.toml" for d in declared)
    optional = [(d.name, d.extra, d.key, d.line) for d in declared if d.group is Group.OPTIONAL]
    assert optional == [("pytest", "test", "project.optional-dependencies.test[0]", 19),
                        ("pytest-cov", "test", "project.optional-dependencies.test[1]", 19),
                        ("sphinx", "docs", "project.optional-dependencies.docs[0]", 21)]
    assert "hatchling" not in {d.name for d in declared}


def test_dependency_groups_follow_includes() -> None:
    declared, _ = read_pyproject(PEP621, "pyproject.toml")
    dev = [(d.name, d.extra, d.key, d.line) for d in declared if d.group is Group.DEV]
    assert dev == [("ruff", "lint", "dependency-groups.lint[0]", 25),
                   ("ruff", "dev", "dependency-groups.lint[0]", 25),  # through {include-group = "lint"}
                   ("mypy", "dev", "dependency-groups.dev[1]", 28)]
    assert [d.version for d in declared if d.name == "ruff"] == ["0.6.9", "0.6.9"]


def test_dependency_group_cycle_and_missing_group() -> None:
    text = '''[dependency-groups]
a = ["x", {include-group = "B"}]
b = ["y", {include-group = "a"}]
c = [{include-group = "nothing"}, {include-group = 3}, 7, "not valid!!"]
d = "z"
'''
    declared, problems = read_pyproject(text, "pyproject.toml")
    # a is read first: a = x + (b = y + (a: the cycle, not followed)); b keeps what it had when the cycle was cut
    assert sorted((d.name, d.extra) for d in declared) == [("x", "a"), ("y", "a"), ("y", "b")]
    messages = [p.message for p in problems]
    assert sum("cycle" in m for m in messages) == 1
    assert any("'nothing', which dependency-groups does not define" in m for m in messages)
    assert "dependency-groups.c[1].include-group must be a string, not a number" in messages
    assert any(m.startswith("dependency-groups.c[2] must be a PEP 508 string") for m in messages)
    assert any(m.startswith("dependency-groups.c[3] is not a valid PEP 508 requirement") for m in messages)
    assert any(m.startswith("dependency-groups.d must be an array") for m in messages)
    assert {p.line for p in problems if "dependency-groups.c" in p.message} == {4}


POETRY = '''[tool.poetry]
name = "demo"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.31"
numpy = "1.26.4"
pillow = "==10.4.0"
torch = { version = "^2.1", optional = true }
mylib = { git = "https://github.com/org/mylib.git", branch = "main" }
pywin32 = { version = "306", markers = "sys_platform == 'win32'" }
foo = [
    { version = "<=1.9", python = ">=3.6,<3.8" },
    { version = "^2.0", python = ">=3.8" },
]

[tool.poetry.extras]
gpu = ["torch"]

[tool.poetry.group.test.dependencies]
pytest = "^8.0"

[tool.poetry.group.main.dependencies]
rich = "*"

[tool.poetry.dev-dependencies]
black = "23.3.0"
'''


def test_poetry_tables() -> None:
    declared, problems = read_pyproject(POETRY, "pyproject.toml")
    assert problems == []
    found = {d.name: d for d in declared}
    assert "python" not in found
    assert found["requests"].spec == "^2.31" and found["requests"].version is None
    assert found["requests"].key == "tool.poetry.dependencies.requests" and found["requests"].line == 7
    assert found["numpy"].version == "1.26.4" and found["pillow"].version == "10.4.0"
    assert found["torch"].group is Group.OPTIONAL and found["torch"].extra == "gpu"
    assert found["mylib"].spec == "git https://github.com/org/mylib.git" and found["mylib"].version is None
    assert found["pywin32"].marker == "sys_platform == 'win32'" and found["pywin32"].version == "306"
    assert found["foo"].spec == "<=1.9 || ^2.0" and found["foo"].line == 13
    assert found["pytest"].group is Group.DEV and found["pytest"].extra == "test"
    assert found["rich"].group is Group.DEFAULT
    assert found["black"].group is Group.DEV and found["black"].extra == "dev" and found["black"].line == 28


def test_poetry_wrong_types() -> None:
    text = '''[tool.poetry.dependencies]
a = 3
b = { optional = true }
c = []
[tool.poetry.group.x]
dependencies = ["not", "a", "table"]
[tool.poetry.extras]
e = "a"
'''
    declared, problems = read_pyproject(text, "pyproject.toml")
    assert declared == []
    messages = {p.message: p.line for p in problems}
    assert messages == {
        "tool.poetry.extras.e must be an array of package names, not a string": 8,
        "tool.poetry.dependencies.a must be a version constraint string or a table, not a number": 2,
        "tool.poetry.dependencies.b must give a version, git, url or path (a table with none of them)": 3,
        "tool.poetry.dependencies.c is an empty array, not a constraint": 4,
        "tool.poetry.group.x.dependencies must be a table, not an array": 6,
    }


def test_wrong_types_are_problems_with_lines() -> None:
    cases = {
        'project = "x"': ("project must be a table, not a string", 1),
        '[project]\nname = "x"\ndependencies = "torch"': (
            "project.dependencies must be an array of PEP 508 strings, not a string", 3),
        "[project]\ndependencies = [1, true]": (
            "project.dependencies[0] must be a PEP 508 requirement string, not a number", 2),
        '[project]\noptional-dependencies = ["x"]': (
            "project.optional-dependencies must be a table, not an array", 2),
        "[project.optional-dependencies]\ntest = {a = 1}": (
            "project.optional-dependencies.test must be an array of PEP 508 strings, not a table", 2),
        "dependency-groups = 1": ("dependency-groups must be a table, not a number", 1),
        '[project]\ndependencies = ["  "]': ("project.dependencies[0] is an empty string, not a requirement", 2),
    }
    for text, (message, line) in cases.items():
        declared, problems = read_pyproject(text, "pyproject.toml")
        assert declared == []
        assert (problems[0].message, problems[0].line) == (message, line), text


def test_malformed_toml() -> None:
    declared, problems = read_pyproject('[project]\nname = "x"\ndependencies = [\n"a",\n', "pyproject.toml")
    assert declared == [] and len(problems) == 1 and problems[0].message.startswith("invalid TOML")
    _, problems = read_pyproject("[project]\nname = = 3\n", "pyproject.toml")
    assert problems[0].line == 2
    _, problems = read_pyproject("a = " + "[" * 10_000, "pyproject.toml")
    assert "nested deeper" in problems[0].message
    _, problems = read_pyproject("a = 1" + "9" * 10_000, "pyproject.toml")
    assert problems[0].message.startswith("invalid TOML")


def test_huge_input() -> None:
    many = "[project]\ndependencies = [\n" + "".join(f'  "pkg{i}>=1",\n' for i in range(100_000)) + "]\n"
    declared, problems = read_pyproject(many, "pyproject.toml")
    assert len(declared) == MAX_ENTRIES
    assert [p.message for p in problems] == [f"project.dependencies has more than {MAX_ENTRIES} entries; "
                                             f"the rest were not read"]
    long_line = '[project]\ndependencies = ["a' + "b" * 1_000_000 + '"]'
    declared, problems = read_pyproject(long_line, "pyproject.toml")
    assert declared == [] and "longer than" in problems[0].message
    long_marker = '[project]\ndependencies = ["a; python_version > \'' + "3" * 5000 + "'\"]"
    declared, problems = read_pyproject(long_marker, "pyproject.toml")  # a long but valid marker
    assert [d.name for d in declared] == ["a"] and problems == []


def test_garbage_never_raises() -> None:
    samples = ["\x00\x01\x02", "\ufeff[project]\n", "[[project]]\n", "[tool]\npoetry = 1",
               "[tool.poetry]\ndependencies = 3\ndev-dependencies = []\ngroup = 1",
               '[tool.poetry.group.g]\ndependencies = {x = {version = 1}}', bytes(range(256)).decode("latin-1")]
    for text in samples:
        declared, problems = read_pyproject(text, "pyproject.toml")
        assert isinstance(declared, list) and isinstance(problems, list)


def test_damaged_files_never_raise() -> None:
    rng = random.Random(15)
    for sample in (PEP621, POETRY):
        for _ in range(400):
            chars = list(sample)
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(len(chars))
                if rng.random() < 0.5:
                    del chars[at]
                else:
                    chars.insert(at, rng.choice('[]{}"\'=,.\n\\#;@ 0a\x00'))
            declared, problems = read_pyproject("".join(chars), "pyproject.toml")
            assert all(d.name for d in declared) and all(p.message for p in problems)


def test_poetry_invalid_names() -> None:
    declared, problems = read_pyproject('[tool.poetry.dependencies]\n"a b" = "1"\n"-x" = "2"\nok = "3"\n', "p")
    assert [d.name for d in declared] == ["ok"]
    assert [(p.line, p.message) for p in problems] == [
        (2, "tool.poetry.dependencies.\"a b\": 'a b' is not a package name"),
        (3, "tool.poetry.dependencies.-x: '-x' is not a package name")]


def test_include_lattice_costs_what_it_yields() -> None:
    # g0 includes g1 twice, g1 includes g2 twice, ...: 2**60 paths, one requirement at the bottom.
    lines = [f'g{i} = [{{include-group = "g{i + 1}"}}, {{include-group = "g{i + 1}"}}]' for i in range(60)]
    text = "[dependency-groups]\n" + "\n".join(lines) + '\ng60 = ["leaf==1"]\n'
    declared, problems = read_pyproject(text, "pyproject.toml")
    assert problems == [] and len(declared) == 61
    assert {(d.name, d.line, d.key) for d in declared} == {("leaf", 62, "dependency-groups.g60[0]")}
    assert {d.extra for d in declared} == {f"g{i}" for i in range(61)}
    empty = "[dependency-groups]\n" + "\n".join(lines) + "\ng60 = []\n"
    assert read_pyproject(empty, "pyproject.toml") == ([], [])


def test_include_chain_too_deep() -> None:
    lines = [f'g{i} = [{{include-group = "g{i + 1}"}}]' for i in range(300)]
    declared, problems = read_pyproject("[dependency-groups]\n" + "\n".join(lines) + '\ng300 = ["x"]\n', "p")
    assert any("nested more than 100 groups deep" in p.message for p in problems)
    assert all(d.name == "x" for d in declared)
