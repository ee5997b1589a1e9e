"""Typed readers of rules/hub-ids.toml (Hugging Face Hub license ids) and rules/urls.toml (license URLs).

They check the shape of the tables (keys, types, duplicates) and report problems with file and key;
whether the license ids are known is checked by aliases.py (WebTables) against the normalizer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.knowledge.data import HUB_IDS_FILE, URLS_FILE, canonical_url, looks_like_url, read_toml

Value = str | tuple[str, ...]  # an SPDX expression, or candidate ids


@dataclass(frozen=True, slots=True)
class HubIds:
    ids: dict[str, tuple[str, Value]]  # lower-case Hub id -> (key path, value)
    special: frozenset[str]  # ids that name no license ("other", "unknown")
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UrlPattern:
    path: str  # key path in urls.toml, for messages
    regex: re.Pattern[str]  # must match the whole canonical URL
    license: str | None  # an id template, "CC-{kind}-{version}"
    candidates: tuple[str, ...]  # id templates
    or_later_unstated: bool  # a GNU "-only" result also offers its "-or-later" sibling
    examples: tuple[tuple[str, str], ...]  # (URL, expected "id" or "id | id")

    def fill(self, groups: Mapping[str, str]) -> tuple[str, ...] | None:
        """The templates filled with the named groups of a match (None if a group is missing)."""
        try:
            return tuple(t.format(**groups) for t in ((self.license,) if self.license else self.candidates))
        except (KeyError, IndexError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class LicenseUrls:
    exact: dict[str, tuple[str, Value]]  # canonical URL -> (key path, value)
    patterns: tuple[UrlPattern, ...]
    problems: tuple[str, ...]


class _Shape:
    """Collects the shape problems of one table file."""

    def __init__(self, file: Path) -> None:
        self.file = file.as_posix()
        self.problems: list[str] = []

    def problem(self, path: str, what: str) -> None:
        self.problems.append(f"{self.file}: {path}: {what}")

    def keys(self, path: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for extra in sorted(set(table) - allowed):
            self.problem(f"{path}.{extra}" if path else extra, "unknown key")

    def text(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be a non-empty string")

    def tables(self, data: Mapping[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        raw = data.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"must be an array of tables [[{key}]]")
            return []
        out = []
        for i, body in enumerate(raw):
            if isinstance(body, dict):
                out.append((f"{key}[{i}]", body))
            else:
                self.problem(f"{key}[{i}]", "must be a table")
        return out

    def value(self, path: str, body: Mapping[str, Any]) -> Value | None:
        """``license`` (a string) xor ``candidates`` (a list of >= 2 strings)."""
        lic, cands = body.get("license"), body.get("candidates")
        if isinstance(lic, str) and lic.strip() and cands is None:
            return lic
        if lic is None and isinstance(cands, list) and len(cands) >= 2 and all(isinstance(c, str) for c in cands):
            return tuple(cands)
        self.problem(path, "needs either license = \"<expression>\" or candidates = [<at least 2 ids>]")
        return None


@lru_cache(maxsize=8)
def read_hub_ids(directory: Path) -> HubIds:
    """rules/hub-ids.toml (shape checked; see rules/README.md)."""
    data, shape = read_toml(directory / HUB_IDS_FILE), _Shape(HUB_IDS_FILE)
    shape.keys("", data, {"list", "special", "groups"})
    listed = data.get("list")
    if not isinstance(listed, dict):
        shape.problem("list", "must be a table { source = \"...\" }")
        listed = {}
    shape.keys("list", listed, {"source"})
    shape.text("list.source", listed.get("source", "-"))
    seen: dict[str, str] = {}
    ids: dict[str, tuple[str, Value]] = {}

    def new_id(path: str, key: Any) -> bool:
        if not isinstance(key, str) or not key or key != key.strip().lower() or " " in key:
            shape.problem(path, f"{key!r}: Hub ids are written in lower case without spaces")
        elif key in seen:
            shape.problem(path, f"{key!r}: duplicate (also in {seen[key]})")
        else:
            seen[key] = path
            return True
        return False

    special = data.get("special")
    special_ids: list[str] = []
    if not isinstance(special, dict) or not isinstance(special.get("ids"), list):
        shape.problem("special", "must be a table { ids = [...], source = \"...\" }")
    else:
        shape.keys("special", special, {"ids", "source"})
        shape.text("special.source", special.get("source"))
        special_ids = [k for i, k in enumerate(special["ids"]) if new_id(f"special.ids[{i}]", k)]
    for where, group in shape.tables(data, "groups"):
        shape.keys(where, group, {"about", "source", "ids"})
        shape.text(f"{where}.about", group.get("about"))
        shape.text(f"{where}.source", group.get("source"))
        table = group.get("ids")
        if not isinstance(table, dict):
            shape.problem(f"{where}.ids", "must be a table [groups.ids] of Hub id = target")
            table = {}
        for key, value in table.items():
            path = f"{where}.ids.{key!r}"
            target = shape.value(path, {"license": value} if isinstance(value, str) else {"candidates": value})
            if new_id(path, key) and target is not None:
                ids[key] = (path, target)
    return HubIds(ids, frozenset(special_ids), tuple(shape.problems))


@lru_cache(maxsize=8)
def read_urls(directory: Path) -> LicenseUrls:
    """rules/urls.toml (shape checked, URLs canonicalised; see rules/README.md)."""
    data, shape = read_toml(directory / URLS_FILE), _Shape(URLS_FILE)
    shape.keys("", data, {"entries", "patterns"})
    exact: dict[str, tuple[str, Value]] = {}
    for where, entry in shape.tables(data, "entries"):
        shape.keys(where, entry, {"urls", "license", "candidates", "source"})
        shape.text(f"{where}.source", entry.get("source"))
        key = "license" if "license" in entry else "candidates"
        target = shape.value(f"{where}.{key}", entry)
        urls = entry.get("urls")
        for i, url in enumerate(urls if isinstance(urls, list) and urls else [None]):
            path = f"{where}.urls[{i}]"
            if not isinstance(url, str) or not looks_like_url(url):
                shape.problem(path if url is not None else f"{where}.urls", f"{url!r} is not a URL"
                              if url is not None else "must be a non-empty list of URLs")
            elif canonical_url(url) in exact:
                shape.problem(path, f"{url!r} is the same URL as {exact[canonical_url(url)][0]}")
            elif target is not None:
                exact[canonical_url(url)] = (f"{where}.{key}", target)
    patterns = []
    for where, body in shape.tables(data, "patterns"):
        shape.keys(where, body, {"match", "license", "candidates", "or_later_unstated", "source", "examples"})
        shape.text(f"{where}.source", body.get("source"))
        match = body.get("match")
        if match is not None and not isinstance(match, str):
            shape.problem(f"{where}.match", "must be a string (a regular expression)")
            continue
        try:
            regex = re.compile(match or "(?!)")
        except re.error as exc:
            shape.problem(f"{where}.match", f"not a regular expression: {exc}")
            continue
        target, examples, later = shape.value(where, body), body.get("examples"), body.get("or_later_unstated", False)
        if not body.get("match"):
            shape.problem(f"{where}.match", "missing")
        if not isinstance(later, bool):
            shape.problem(f"{where}.or_later_unstated", "must be true or false")
        if not isinstance(examples, dict) or not examples:
            shape.problem(f"{where}.examples", "must be a table of at least one URL = expected result")
            examples = {}
        if target is not None and body.get("match") and isinstance(later, bool):
            patterns.append(UrlPattern(
                where, regex, target if isinstance(target, str) else None,
                target if isinstance(target, tuple) else (), later,
                tuple((str(u), str(e)) for u, e in examples.items())))
    return LicenseUrls(exact, tuple(patterns), tuple(shape.problems))
