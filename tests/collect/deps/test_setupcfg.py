"""setup.cfg reader: install_requires and extras_require with their lines; hostile input."""

from __future__ import annotations

import random

from license_check.collect.deps.model import Group
from license_check.collect.deps.setupcfg import read_setup_cfg

SETUP_CFG = '''[metadata]
name = demo
version = attr: demo.__version__
license = MIT

[options]
packages = find:
python_requires = >=3.8
install_requires =
    requests>=2.28  # HTTP
    # numpy is optional below
    PyYAML==6.0.1
    torch>=2.0; platform_system != "Darwin"
setup_requires = setuptools_scm

[options.extras_require]
Test = pytest>=7; pytest-cov
gpu =
    nvidia-ml-py==12.535.133

[options.entry_points]
console_scripts =
    demo = demo.cli:main
'''


def test_install_requires_and_extras() -> None:
    declared, problems = read_setup_cfg(SETUP_CFG, "setup.cfg")
    assert problems == []
    rows = [(d.name, d.line, d.key, d.group, d.extra, d.version) for d in declared]
    assert rows == [
        ("requests", 10, "options.install_requires[0]", Group.DEFAULT, None, None),
        ("pyyaml", 12, "options.install_requires[1]", Group.DEFAULT, None, "6.0.1"),
        ("torch", 13, "options.install_requires[2]", Group.DEFAULT, None, None),
        ("pytest", 17, "options.extras_require.test[0]", Group.OPTIONAL, "test", None),
        ("pytest-cov", 17, "options.extras_require.test[1]", Group.OPTIONAL, "test", None),
        ("nvidia-ml-py", 19, "options.extras_require.gpu[0]", Group.OPTIONAL, "gpu", "12.535.133"),
    ]
    assert declared[0].spec == "requests>=2.28"
    assert declared[2].marker == 'platform_system != "Darwin"'


def test_one_line_and_directives() -> None:
    text = "[options]\ninstall_requires = a>=1; b==2\n[options.extras_require]\nx = file: requirements-x.txt\n"
    declared, problems = read_setup_cfg(text, "setup.cfg")
    assert [(d.name, d.line, d.version) for d in declared] == [("a", 2, None), ("b", 2, "2")]
    assert problems == []


def test_invalid_entries_and_ini() -> None:
    text = "[options]\ninstall_requires =\n    good\n    bad requirement!!\n\n[broken\nnot an option line\n"
    declared, problems = read_setup_cfg(text, "setup.cfg")
    assert [d.name for d in declared] == ["good"]
    assert (problems[0].line, problems[0].message.split(" (")[0]) == (
        6, "invalid INI syntax at line 6: the lines configparser could not read were skipped")
    assert problems[1].line == 4 and problems[1].message.startswith("options.install_requires[1] is not a valid")
    declared, problems = read_setup_cfg("install_requires = x\n", "setup.cfg")
    assert declared == [] and problems[0].message.startswith("not an INI file")


def test_duplicates_are_tolerated() -> None:
    text = "[options]\ninstall_requires = a\n[options]\ninstall_requires =\n  b\n  c\n"
    declared, problems = read_setup_cfg(text, "setup.cfg")
    assert [(d.name, d.line) for d in declared] == [("b", 5), ("c", 6)] and problems == []


def test_hostile_input() -> None:
    many = "[options]\ninstall_requires =\n" + "".join(f"    pkg{i}\n" for i in range(100_000))
    declared, problems = read_setup_cfg(many, "setup.cfg")
    assert len(declared) == 10_000 and "more than" in problems[-1].message
    assert declared[-1].line == 10_002
    long = "[options]\ninstall_requires = " + "a" * 1_000_000 + "\n"
    declared, problems = read_setup_cfg(long, "setup.cfg")
    assert declared == [] and "longer than" in problems[0].message
    for text in ["", "\x00\x01\xff", bytes(range(256)).decode("latin-1"), "[options]\n%(x)s = %(y)s\n",
                 "[options]\ninstall_requires = %(home)s\n", "[" * 10_000, "[a]\n" * 10_000, "[options]\n=\n"]:
        declared, problems = read_setup_cfg(text, "setup.cfg")
        assert isinstance(declared, list) and isinstance(problems, list)


def test_damaged_files_never_raise() -> None:
    rng = random.Random(15)
    for _ in range(400):
        chars = list(SETUP_CFG)
        for _ in range(rng.randint(1, 10)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.5:
                del chars[at]
            else:
                chars.insert(at, rng.choice('[]=:;#%()\n \t\x00'))
        declared, problems = read_setup_cfg("".join(chars), "setup.cfg")
        assert all(d.name for d in declared) and all(p.message for p in problems)


def test_windows_line_endings() -> None:
    declared, problems = read_setup_cfg("[options]\r\ninstall_requires =\r\n  a\r\n  b==1\r\n", "setup.cfg")
    assert [(d.name, d.line, d.version) for d in declared] == [("a", 3, None), ("b", 4, "1")] and problems == []
