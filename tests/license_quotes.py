"""Checking that 'quoted' clause words in rules/ sources are in ScanCode's text of the license they name.

Shared by the tests of licenses/*.toml, compatibility.toml and duties.toml. Quotes in 'single quotes' must be
verbatim (``...`` separates fragments); words quoted from other documents use typographic quotes, unchecked.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from license_check.knowledge.data import load_licensedb, rules_dir

QUOTE = re.compile(r"(?:^|(?<=[\s(:]))'([^']{12,}?)'(?=$|[\s),.;:])")


def words(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\W+", " ", text).lower().strip()


def texts_dir() -> Path:
    """ScanCode's license texts (located, not imported)."""
    spec = importlib.util.find_spec("licensedcode")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "licenses"


def scancode_keys(lower: bool = False, with_keys: bool = False) -> dict[str, list[str]]:
    """SPDX (or LicenseRef) id -> ScanCode keys; optionally lower-cased, and ScanCode keys mapping to themselves."""
    keys: dict[str, list[str]] = {}
    for entry in load_licensedb(rules_dir()).entries:
        keys.setdefault(entry.spdx.lower() if lower else entry.spdx, []).append(entry.key)
        if with_keys:
            keys.setdefault(entry.key.lower() if lower else entry.key, []).append(entry.key)
    return keys


def text_of(keys: list[str]) -> str:
    """The normalized words of the ScanCode texts of ``keys``."""
    folder = texts_dir()
    return " ".join(words((folder / f"{k}.LICENSE").read_text(encoding="utf-8")) for k in keys)


def missing_quotes(source: str, text: str, label: str) -> tuple[int, list[str]]:
    """(fragments checked, the ones not in ``text``) of the 'quoted' fragments of ``source``."""
    checked, missing = 0, []
    for quote in QUOTE.findall(source):
        for piece in (words(p) for p in quote.split("...")):
            checked += 1
            if len(piece) > 8 and piece not in text:
                missing.append(f"{label}: {piece!r}")
    return checked, missing
