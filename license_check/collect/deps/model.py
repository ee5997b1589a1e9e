"""The values the dependency readers give: a declared dependency, an installed distribution, a problem.

Every reader is a pure function of a file's text (no I/O of its own); the detector reads files through
collect.reading with caps and hands the text in. Names are kept as the ecosystem normalizes them, so that
a declaration and an installed distribution meet: PyPI names by PEP 503 (``normalize_name``), npm names as
written (they are case-sensitive and already canonical), crates and Go module paths as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote


class Ecosystem(StrEnum):
    """The package ecosystems read (purl types, https://github.com/package-url/purl-spec)."""

    PYPI = "pypi"
    NPM = "npm"
    CARGO = "cargo"
    GOLANG = "golang"


class Group(StrEnum):
    """How a dependency is needed. Only DEFAULT moves the default answer (issue 15: optional and
    development-only groups are reported apart; a policy key can include them)."""

    DEFAULT = "default"  # installed with the package ([project.dependencies], "dependencies", [dependencies])
    OPTIONAL = "optional"  # an extra ([project.optional-dependencies], npm optional/peer dependencies)
    DEV = "dev"  # development and test only (PEP 735 groups, devDependencies, dev-dependencies, Pipfile develop)


_PEP503 = re.compile(r"[-_.]+")


def normalize_name(name: str, ecosystem: Ecosystem = Ecosystem.PYPI) -> str:
    """The name as the ecosystem compares it: PyPI lower-cases and folds runs of '-', '_', '.' to '-'
    (PEP 503); the other ecosystems compare names as written."""
    return _PEP503.sub("-", name).lower() if ecosystem is Ecosystem.PYPI else name


@dataclass(frozen=True, slots=True)
class Declared:
    """One dependency as a manifest or lock file states it."""

    name: str  # normalize_name(...)
    ecosystem: Ecosystem
    spec: str  # the requirement as written ("torch>=2.0; python_version > '3.8'", "^4.17.21", "1.0.197")
    path: str  # the declaring file, relative to the scanned root
    line: int | None  # 1-based, where the declaration stands (None: the format gives no line)
    key: str | None  # where in the file: "project.dependencies[3]", "dependencies.lodash", "package[12]"
    group: Group = Group.DEFAULT
    extra: str | None = None  # the extra or group name for OPTIONAL / DEV ("test", "docs")
    version: str | None = None  # the exact version when pinned (a lock file, "==1.2.3"), else None
    marker: str | None = None  # a PEP 508 environment marker, as written
    direct: bool = True  # False: only in a lock file's closure (a transitive dependency)

    @property
    def purl(self) -> str:
        """The package URL: ``pkg:pypi/torch@2.1.0``, ``pkg:npm/%40types/node@20.1.0`` (scope encoded)."""
        name = "/".join(quote(part, safe="") for part in self.name.split("/")) if self.ecosystem is not \
            Ecosystem.PYPI else quote(self.name, safe="")
        return f"pkg:{self.ecosystem.value}/{name}" + (f"@{quote(self.version, safe='')}" if self.version else "")


@dataclass(frozen=True, slots=True)
class Installed:
    """One distribution of an environment (a ``.dist-info`` folder, or a package of ``node_modules/``)."""

    name: str  # normalize_name(...)
    ecosystem: Ecosystem
    version: str
    where: str  # the metadata file that was read, as shown in findings (an absolute path outside the root)
    license_expression: str | None = None  # PEP 639 License-Expression; npm "license" when it is a string
    license: str | None = None  # the free-text License field (first line kept), npm legacy "licenses"
    classifiers: tuple[str, ...] = ()  # "License :: OSI Approved :: MIT License", ...
    license_files: tuple[str, ...] = ()  # absolute paths of the license files the metadata names or holds
    requires: tuple[str, ...] = ()  # Requires-Dist / dependencies, as written (markers kept)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """What a reader could not read: a finding for the detector (rule ``malformed-manifest``)."""

    path: str
    line: int | None
    message: str
