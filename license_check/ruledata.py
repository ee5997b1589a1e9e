"""Where the reviewed license data (rules/) lives, and typed readers for its files.

rules/ sits at the repository top level and ships in the wheel as the package resource
``license_check/rules`` (pyproject force-include). ``rules_dir()`` finds it both ways.
Nothing here interprets the data: normalize.py and rules.py do.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

LICENSEDB_FILE = Path("generated") / "scancode-licensedb.json"
ALIASES_FILE = Path("aliases.toml")


class DataError(Exception):
    """A rules data file is missing or cannot be parsed (message names the file)."""


def rules_dir() -> Path:
    """The rules directory: the installed package resource, else ``<repo>/rules``."""
    try:
        packaged = resources.files("license_check") / "rules"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, OSError, TypeError):  # pragma: no cover - odd loaders
        pass
    return Path(__file__).resolve().parent.parent / "rules"


@dataclass(frozen=True, slots=True)
class DBEntry:
    """One ScanCode LicenseDB license (see scripts/gen_licensedb.py)."""

    key: str
    short_name: str
    spdx: str
    other_spdx: tuple[str, ...]
    category: str
    is_exception: bool
    is_deprecated: bool


@dataclass(frozen=True, slots=True)
class LicenseDB:
    scancode_version: str
    spdx_list_version: str
    entries: tuple[DBEntry, ...]

    @property
    def version(self) -> str:
        return (f"scancode-toolkit {self.scancode_version} LicenseDB"
                f" (SPDX license list {self.spdx_list_version})")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from exc


@lru_cache(maxsize=8)
def load_licensedb(directory: Path) -> LicenseDB:
    path = directory / LICENSEDB_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            DBEntry(
                key=str(lic["key"]),
                short_name=str(lic["short_name"]),
                spdx=str(lic["spdx_license_key"]),
                other_spdx=tuple(str(k) for k in lic["other_spdx_license_keys"]),
                category=str(lic["category"]),
                is_exception=bool(lic["is_exception"]),
                is_deprecated=bool(lic["is_deprecated"]),
            )
            for lic in data["licenses"]
        )
        return LicenseDB(
            scancode_version=str(data["scancode_toolkit_version"]),
            spdx_list_version=str(data["spdx_license_list_version"]),
            entries=entries,
        )
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: not a LicenseDB snapshot: {exc!r}") from exc


@lru_cache(maxsize=8)
def load_aliases(directory: Path) -> dict[str, Any]:
    return read_toml(directory / ALIASES_FILE)
