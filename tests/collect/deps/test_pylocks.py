"""uv.lock, poetry.lock and Pipfile.lock readers: real shapes, and hostile input that must not raise."""

from __future__ import annotations

import json
import random

from license_check.collect.deps.model import Group
from license_check.collect.deps.pylocks import MAX_ENTRIES, read_pipfile_lock, read_poetry_lock, read_uv_lock

UV_LOCK = '''version = 1
revision = 2
requires-python = ">=3.10"

[[package]]
name = "certifi"
version = "2024.8.30"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/certifi-2024.8.30.tar.gz", hash = "sha256:bec9", size = 168507 }

[[package]]
name = "demo-app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "requests" },
    { name = "torch", marker = "sys_platform == 'linux'" },
]

[package.optional-dependencies]
test = [
    { name = "pytest" },
]

[package.dev-dependencies]
dev = [
    { name = "ruff" },
    { name = "pytest" },
]

[package.metadata]
requires-dist = [
    { name = "requests", specifier = ">=2.31" },
    { name = "torch", marker = "sys_platform == 'linux'" },
    { name = "pytest", marker = "extra == 'test'" },
]

[[package]]
name = "pytest"
version = "8.3.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "certifi" },
]

[[package]]
name = "ruff"
version = "0.6.9"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.4.1"
source = { registry = "https://download.pytorch.org/whl/cpu" }

[[package]]
name = "Some_Lib"
version = "1.0.0"
source = { git = "https://github.com/org/some-lib?rev=v1#0123abcd" }
'''


def by_name(declared):
    return {d.name: d for d in declared}


def test_uv_lock_roots_are_left_out_and_direct_ones_marked() -> None:
    declared, problems = read_uv_lock(UV_LOCK, "uv.lock")
    assert problems == []
    found = by_name(declared)
    assert "demo-app" not in found
    assert set(found) == {"certifi", "pytest", "requests", "ruff", "torch", "some-lib"}
    assert found["requests"].direct and found["requests"].group is Group.DEFAULT
    assert found["requests"].version == "2.32.3" and found["requests"].spec == "2.32.3"
    assert found["torch"].marker == "sys_platform == 'linux'"
    assert found["pytest"].group is Group.OPTIONAL and found["pytest"].extra == "test"  # stronger than dev
    assert found["ruff"].group is Group.DEV and found["ruff"].extra == "dev"
    assert not found["certifi"].direct and found["certifi"].group is Group.DEFAULT
    assert not found["some-lib"].direct
    assert found["certifi"].line == 5 and found["certifi"].key == "package[0]"
    assert found["requests"].line == UV_LOCK.splitlines().index('name = "requests"')  # the header above it
    assert found["requests"].key == "package[3]"
    assert found["some-lib"].purl == "pkg:pypi/some-lib@1.0.0"


def test_uv_lock_virtual_root_and_workspace_members() -> None:
    text = '''version = 1
[manifest]
members = ["core", "Plugin_A"]

[[package]]
name = "ws"
version = "0.0.0"
source = { virtual = "." }
dependencies = [{ name = "core" }]

[[package]]
name = "core"
version = "0.1.0"
source = { editable = "packages/core" }
dependencies = [{ name = "numpy" }]

[[package]]
name = "plugin-a"
version = "0.1.0"
source = { editable = "packages/plugin-a" }

[[package]]
name = "numpy"
version = "2.1.2"
source = { registry = "https://pypi.org/simple" }
'''
    declared, problems = read_uv_lock(text, "uv.lock")
    assert problems == []
    assert [(d.name, d.direct) for d in declared] == [("numpy", True)]


def test_uv_lock_hostile_shapes() -> None:
    cases = [
        "package = 3",
        "package = [1, 2]",
        '[[package]]\nname = 5\nversion = "1"',
        '[[package]]\nname = "x"\nversion = ["1"]',
        '[[package]]\nname = "r"\nsource = { editable = "." }\ndependencies = "numpy"',
        '[[package]]\nname = "r"\nsource = { editable = "." }\ndependencies = [3, {marker = "x"}]',
        '[[package]]\nname = "r"\nsource = { editable = "." }\noptional-dependencies = [1]',
        '[[package]]\nname = "r"\nsource = { editable = "." }\n[package.dev-dependencies]\ndev = "ruff"',
        "[manifest]\nmembers = 7",
    ]
    for text in cases:
        declared, problems = read_uv_lock(text, "uv.lock")
        assert all(p.path == "uv.lock" and p.message for p in problems)
    _, problems = read_uv_lock("package = 3", "uv.lock")
    assert problems[0].message == "package must be an array of tables, not a number"
    _, problems = read_uv_lock('[[package]]\nname = "r"\nsource = { editable = "." }\ndependencies = "numpy"',
                               "uv.lock")
    assert problems[0].line == 4 and "package[0].dependencies must be an array" in problems[0].message


def test_uv_lock_malformed_toml_names_the_line() -> None:
    declared, problems = read_uv_lock('version = 1\n[[package]]\nname = "x\n', "uv.lock")
    assert declared == [] and len(problems) == 1
    assert problems[0].line == 3 and problems[0].message.startswith("invalid TOML")


def test_uv_lock_many_packages_are_capped() -> None:
    text = "".join(f'[[package]]\nname = "p{i}"\nversion = "1.0"\n' for i in range(MAX_ENTRIES + 5))
    declared, problems = read_uv_lock(text, "uv.lock")
    assert len(declared) == MAX_ENTRIES
    assert len(problems) == 1 and "more than" in problems[0].message


POETRY_LOCK = '''# This file is automatically @generated by Poetry 1.4.2 and should not be changed by hand.

[[package]]
name = "black"
version = "23.3.0"
description = "The uncompromising code formatter."
category = "dev"
optional = false
python-versions = ">=3.7"
files = [
    {file = "black-23.3.0-py3-none-any.whl", hash = "sha256:ec75"},
]

[package.dependencies]
click = ">=8.0.0"

[[package]]
name = "PyYAML"
version = "6.0"
description = "YAML parser and emitter for Python"
category = "main"
optional = false
python-versions = ">=3.6"

[[package]]
name = "torch"
version = "2.0.1"
description = "Tensors and Dynamic neural networks"
category = "main"
optional = true
python-versions = ">=3.8.0"

[extras]
gpu = ["torch"]

[metadata]
lock-version = "2.0"
python-versions = "^3.9"
content-hash = "abc"
'''


def test_poetry_lock_categories_and_optional() -> None:
    declared, problems = read_poetry_lock(POETRY_LOCK, "poetry.lock")
    assert problems == []
    found = by_name(declared)
    assert set(found) == {"black", "pyyaml", "torch"}
    assert found["black"].group is Group.DEV and found["black"].version == "23.3.0"
    assert found["pyyaml"].group is Group.DEFAULT and found["pyyaml"].line == 17
    assert found["torch"].group is Group.OPTIONAL
    assert not any(d.direct for d in declared)
    assert found["torch"].key == "package[2]"


def test_poetry_lock_2_groups() -> None:
    text = '''[[package]]
name = "pytest"
version = "8.0.0"
optional = false
groups = ["test"]
markers = "python_version >= '3.9'"

[[package]]
name = "numpy"
version = "1.26.4"
optional = false
groups = ["main", "test"]
'''
    found = by_name(read_poetry_lock(text, "poetry.lock")[0])
    assert found["pytest"].group is Group.DEV and found["pytest"].extra == "test"
    assert found["pytest"].marker == "python_version >= '3.9'"
    assert found["numpy"].group is Group.DEFAULT


def test_poetry_lock_wrong_types() -> None:
    text = '[[package]]\nname = "x"\nversion = "1"\noptional = "yes"\ncategory = 3\n'
    declared, problems = read_poetry_lock(text, "poetry.lock")
    assert [d.name for d in declared] == ["x"]
    messages = sorted(p.message for p in problems)
    assert messages == ["package[0].category must be a string, not a number",
                        "package[0].optional must be true or false, not a string"]
    assert read_poetry_lock("[[package]\n", "poetry.lock")[1][0].message.startswith("invalid TOML")


PIPFILE_LOCK = {
    "_meta": {"hash": {"sha256": "1f2e"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"},
              "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]},
    "default": {
        "certifi": {"hashes": ["sha256:92d6", "sha256:e036"], "index": "pypi", "markers": "python_version >= '3.6'",
                    "version": "==2023.7.22"},
        "my-project": {"editable": True, "path": "."},
        "requests": {"hashes": ["sha256:58cd"], "index": "pypi", "version": "==2.31.0"},
        "some-lib": {"git": "https://github.com/org/some-lib.git", "ref": "0123abcd"},
    },
    "develop": {
        "pytest": {"hashes": ["sha256:aaaa"], "version": "==7.4.0"},
    },
}


def test_pipfile_lock_sections_versions_and_lines() -> None:
    text = json.dumps(PIPFILE_LOCK, indent=4, sort_keys=True)
    declared, problems = read_pipfile_lock(text, "Pipfile.lock")
    assert problems == []
    found = by_name(declared)
    assert set(found) == {"certifi", "requests", "some-lib", "pytest"}
    assert found["certifi"].version == "2023.7.22" and found["certifi"].spec == "==2023.7.22"
    assert found["certifi"].marker == "python_version >= '3.6'"
    assert found["some-lib"].version is None and found["some-lib"].spec.startswith("git https://")
    assert found["pytest"].group is Group.DEV and found["pytest"].key == "develop.pytest"
    lines = text.splitlines()
    for d in declared:
        assert lines[d.line - 1].strip().startswith(f'"{d.name}"')
    assert found["pytest"].line > found["some-lib"].line


def test_pipfile_lock_hostile() -> None:
    assert read_pipfile_lock("{", "Pipfile.lock")[1][0].message.startswith("invalid JSON")
    assert read_pipfile_lock("[]", "Pipfile.lock")[1][0].message == "a Pipfile.lock must be a JSON object, not an array"
    assert "nested deeper" in read_pipfile_lock("[" * 100_000, "Pipfile.lock")[1][0].message
    declared, problems = read_pipfile_lock('{"default": [1], "develop": {"x": 3, "y": {"version": 4}}}', "P")
    assert declared == [] and len(problems) == 3
    assert problems[0].message == "default must be an object, not an array"
    big = json.dumps({"default": {f"p{i}": {"version": "==1"} for i in range(MAX_ENTRIES + 1)}})
    declared, problems = read_pipfile_lock(big, "P")
    assert len(declared) == MAX_ENTRIES and "more than" in problems[0].message
    assert read_pipfile_lock("\x00\xff\x01garbage", "P")[1]


def test_never_raises_on_garbage() -> None:
    samples = ["", "\x00" * 100, "\ufffd\ufeff[[[", '[[package]]\nname = "' + "a" * 1_000_000 + '"',
               "a = " + "[" * 5000, "x = 1" + "0" * 5000, "package = [" + "{},\n" * 1000 + "]"]
    for text in samples:
        for reader in (read_uv_lock, read_poetry_lock, read_pipfile_lock):
            declared, problems = reader(text, "f")
            assert isinstance(declared, list) and isinstance(problems, list)


def mutations(text: str, count: int, seed: int) -> list[str]:
    """Deterministic damaged copies of ``text``: characters dropped, duplicated or replaced."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.4:
                del chars[at]
            elif action < 0.7:
                chars.insert(at, rng.choice('[]{}"\'=,.\n\\#;:@ 0aZ\x00\u00e9'))
            else:
                chars[at] = rng.choice('[]{}"\'=,\n ')
        out.append("".join(chars))
    return out


def test_damaged_lock_files_never_raise() -> None:
    pipfile = json.dumps(PIPFILE_LOCK, indent=4)
    for text in mutations(UV_LOCK, 300, 1) + mutations(POETRY_LOCK, 300, 2):
        for reader in (read_uv_lock, read_poetry_lock):
            declared, problems = reader(text, "f")
            assert all(d.path == "f" for d in declared) and all(p.message for p in problems)
    for text in mutations(pipfile, 300, 3):
        declared, problems = read_pipfile_lock(text, "f")
        assert all(p.message for p in problems)


def test_pipfile_lock_lines_of_tricky_names() -> None:
    text = '''{
    "_meta": {"hash": {"sha256": "x"}},
    "default": {
        "markers": {"markers": "os_name == 'nt'", "version": "==1.0"},
        "version": {"version": "==2.0"},
        "caf\\u0065": {"version": "==3.0"}
    },
    "develop": {"markers": {"version": "==1.1"}}
}'''
    declared, problems = read_pipfile_lock(text, "Pipfile.lock")
    assert problems == []
    assert [(d.key, d.line, d.version) for d in declared] == [
        ("default.markers", 4, "1.0"), ("default.version", 5, "2.0"), ("default.cafe", 6, "3.0"),
        ("develop.markers", 8, "1.1")]
    minified = json.dumps({"default": {f"p-{i}": {"version": "==1", "markers": f"p-{i}"}
                                       for i in range(5000)}}, separators=(",", ":"))
    declared, _ = read_pipfile_lock(minified, "Pipfile.lock")
    assert len(declared) == 5000 and {d.line for d in declared} == {1}


def test_invalid_package_names_are_problems() -> None:
    _, problems = read_uv_lock('[[package]]\nname = "no such/name"\nversion = "1"\n', "uv.lock")
    assert [(p.line, p.message) for p in problems] == [
        (2, "package[0].name must be a package name, not 'no such/name'")]
    _, problems = read_poetry_lock('[[package]]\nname = ""\n', "poetry.lock")
    assert problems[0].message == "package[0].name must be a package name, not an empty string"
    _, problems = read_pipfile_lock('{"default": {"../evil": {"version": "==1"}}}', "Pipfile.lock")
    assert problems[0].message == "default: '../evil' is not a package name"
