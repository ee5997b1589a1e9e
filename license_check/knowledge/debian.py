"""Reader of rules/debian-copyright.toml: the Format values of Debian machine-readable copyright files and
what their license short names and exception keywords mean as SPDX ids (collect/detectors/debian_copyright.py
applies them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.knowledge.data import DataError, read_toml
from license_check.knowledge.normalize import normalizer
from license_check.model import RawForm

DEBIAN_FILE = Path("debian-copyright.toml")
_LICENSE_KEYS = frozenset({"short", "versions", "implied", "spdx", "or_later", "source"})
_EXCEPTION_KEYS = frozenset({"keyword", "spdx", "source"})
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+)*[a-z]?$")


def plain_version(version: str) -> str:
    """The spec's equality of versions: trailing dot-zeroes dropped ("2.0.0" = "2.0" = "2")."""
    while version.endswith(".0"):
        version = version[:-2]
    return version


@dataclass(frozen=True, slots=True)
class ShortName:
    """One keyword of the spec's short-name table."""

    short: str
    versions: tuple[str, ...]  # the versions with an SPDX id, as written in the rules ("2.0")
    implied: str | None  # the version a bare keyword means (None: the keyword takes no version)
    spdx: str  # "{v}" stands for the version
    or_later: str | None  # the id a '+' names (None: the SPDX '+' operator)
    source: str

    def expression(self, version: str | None, plus: bool) -> str | None:
        """The SPDX expression of ``<short>[-<version>][+]``, or None when the rules have no id for it."""
        if not self.versions:
            return self.spdx if version is None and not plus else None
        wanted = plain_version(version if version is not None else str(self.implied))
        found = next((v for v in self.versions if plain_version(v) == wanted), None)
        if found is None:
            return None
        if not plus:
            return self.spdx.replace("{v}", found)
        return self.or_later.replace("{v}", found) if self.or_later else self.spdx.replace("{v}", found) + "+"


@dataclass(frozen=True, slots=True)
class DebianNames:
    format_uris: frozenset[str]  # canonical_format() of each accepted Format value
    names: dict[str, ShortName]  # by lower-cased keyword
    exceptions: dict[str, str]  # lower-cased keyword -> SPDX exception id ("" = the license alone)


def canonical_format(value: str) -> str:
    """A Format value without scheme, "www.", query, letter case and trailing slash."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.removeprefix("www.")
    return text.split("?", 1)[0].rstrip("/")


def _strings(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(f"{path}: {where}: a list of non-empty strings is required")
    return tuple(value)


def _text(path: Path, where: str, item: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (key != "spdx" and not value.strip()):
        raise DataError(f"{path}: {where}.{key}: must be a non-empty string")
    return value


def _unknown_keys(path: Path, where: str, item: dict[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(item) - allowed)
    if extra:
        raise DataError(f"{path}: {where}.{extra[0]}: unknown key (expected one of {', '.join(sorted(allowed))})")


def _check_ids(path: Path, where: str, name: ShortName, directory: Path) -> None:
    """Every expression the entry can produce must be one the normalizer knows."""
    norm = normalizer(directory)
    versions: list[str | None] = list(name.versions) or [None]
    for version in versions:
        for plus in (False, True) if name.versions else (False,):
            expression = name.expression(version, plus)
            found = norm.read(expression or "", RawForm.SPDX)
            if expression is None or found.expression is None or found.unknown_ids:
                raise DataError(f"{path}: {where}.spdx: {expression!r} is not an expression of known SPDX ids")


def _table(path: Path, where: str, item: Any, keys: frozenset[str]) -> None:
    """``item`` is a table of the known ``keys`` only."""
    if not isinstance(item, dict):
        raise DataError(f"{path}: {where}: must be a table")
    _unknown_keys(path, where, item, keys)


def _license(path: Path, n: int, item: Any, directory: Path) -> ShortName:
    where = f"licenses[{n}]"
    _table(path, where, item, _LICENSE_KEYS)
    short, spdx = _text(path, where, item, "short"), _text(path, where, item, "spdx")
    _text(path, where, item, "source")
    versions = _strings(path, f"{where}.versions", item["versions"]) if "versions" in item else ()
    for version in versions:
        if not _VERSION.match(version):
            raise DataError(f"{path}: {where}.versions: {version!r} is not a version")
    implied = _text(path, where, item, "implied", required=False)
    or_later = _text(path, where, item, "or_later", required=False)
    if versions and "{v}" not in str(spdx):
        raise DataError(f"{path}: {where}.spdx: a versioned entry must hold {{v}}")
    entry = ShortName(str(short), versions, implied or (versions[0] if versions else None), str(spdx), or_later,
                      str(item["source"]))
    _check_ids(path, where, entry, directory)
    return entry


@lru_cache(maxsize=8)
def load_debian_names(directory: Path) -> DebianNames:
    path = directory / DEBIAN_FILE
    data = read_toml(path)
    _unknown_keys(path, "", data, frozenset({"format", "licenses", "exceptions"}))
    head = data.get("format")
    if not isinstance(head, dict):
        raise DataError(f"{path}: format: a table with 'uris' and a 'source' is required")
    _unknown_keys(path, "format", head, frozenset({"uris", "source"}))
    _text(path, "format", head, "source")
    uris = frozenset(canonical_format(u) for u in _strings(path, "format.uris", head.get("uris")))
    items = data.get("licenses")
    if not isinstance(items, list) or not items:
        raise DataError(f"{path}: licenses: an array of [[licenses]] tables is required")
    names: dict[str, ShortName] = {}
    for n, item in enumerate(items):
        entry = _license(path, n, item, directory)
        if entry.short.lower() in names:
            raise DataError(f"{path}: licenses[{n}].short: {entry.short!r} is declared twice")
        names[entry.short.lower()] = entry
    exceptions: dict[str, str] = {}
    raw = data.get("exceptions", [])
    if not isinstance(raw, list):
        raise DataError(f"{path}: exceptions: an array of [[exceptions]] tables is required")
    for n, item in enumerate(raw):
        where = f"exceptions[{n}]"
        _table(path, where, item, _EXCEPTION_KEYS)
        keyword, spdx = _text(path, where, item, "keyword"), _text(path, where, item, "spdx")
        _text(path, where, item, "source")
        if spdx and spdx not in normalizer(directory).exceptions:
            raise DataError(f"{path}: {where}.spdx: {spdx!r} is not an SPDX exception id")
        exceptions[str(keyword).lower()] = str(spdx)
    return DebianNames(uris, names, exceptions)
