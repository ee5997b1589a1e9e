"""The dependency files read, by name, each with its reader (collect/detectors/dependencies.py uses it).

The readers are our own rather than ScanCode's ``packagedcode`` parsers: those give no line for each
dependency (the report cites file and line), read files themselves without our caps, and their import
costs about 0.5 s (measured), which a scan of a repository with one requirements file should not pay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from license_check.collect.deps import cargo, golang, js_locks, npm, pylocks, pyproject, requirements, setupcfg
from license_check.collect.deps.model import Declared, Installed, ReadProblem


@dataclass(frozen=True, slots=True)
class Read:
    """What one file gives: declarations, problems, installed packages it records (a package-lock.json's
    per-package ``license``) and the files it includes (requirements ``-r`` / ``-c``: target, line)."""

    declared: tuple[Declared, ...] = ()
    problems: tuple[ReadProblem, ...] = ()
    installed: tuple[Installed, ...] = ()
    includes: tuple[tuple[str, int], ...] = ()


Reader = Callable[[str, str], Read]


@dataclass(frozen=True, slots=True)
class Format:
    """One kind of dependency file: the names it goes by (globs over the lower-cased file name), the
    evidence source of its declarations, and its reader."""

    names: tuple[str, ...]
    source: str
    read: Reader


def _plain(reader: Callable[[str, str], tuple[list[Declared], list[ReadProblem]]]) -> Reader:
    def read(text: str, path: str) -> Read:
        declared, problems = reader(text, path)
        return Read(tuple(declared), tuple(problems))

    return read


def _requirements(text: str, path: str) -> Read:
    found = requirements.read_requirements(text, path)
    # a constraint file (-c) pins versions and declares nothing: it is not followed
    return Read(found.declared, found.problems,
                includes=tuple((i.target, i.line) for i in found.includes if not i.is_constraint))


def _package_lock(text: str, path: str) -> Read:
    declared, installed, problems = npm.read_package_lock(text, path)
    return Read(tuple(declared), tuple(problems), tuple(installed))


REQUIREMENTS = Format(("requirements*.txt", "*-requirements.txt", "*_requirements.txt", "requirements*.in"),
                      "requirements", _requirements)
FORMATS: tuple[Format, ...] = (
    Format(("pyproject.toml",), "pyproject", _plain(pyproject.read_pyproject)),
    REQUIREMENTS,
    Format(("setup.cfg",), "setup-cfg", _plain(setupcfg.read_setup_cfg)),
    Format(("uv.lock",), "uv-lock", _plain(pylocks.read_uv_lock)),
    Format(("poetry.lock",), "poetry-lock", _plain(pylocks.read_poetry_lock)),
    Format(("pipfile.lock",), "pipfile-lock", _plain(pylocks.read_pipfile_lock)),
    Format(("package.json",), "package-json", _plain(npm.read_package_json)),
    Format(("package-lock.json", "npm-shrinkwrap.json"), "package-lock", _package_lock),
    Format(("yarn.lock",), "yarn-lock", _plain(js_locks.read_yarn_lock)),
    Format(("pnpm-lock.yaml",), "pnpm-lock", _plain(js_locks.read_pnpm_lock)),
    Format(("cargo.lock",), "cargo-lock", _plain(cargo.read_cargo_lock)),
    Format(("go.mod",), "go-mod", _plain(golang.read_go_mod)),
)
