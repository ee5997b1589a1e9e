"""Readers of the rules that text identification uses: rules/boilerplate.toml (what may stand around a
license text: title and placeholder words, connectives, substitutions) and rules/use-terms.toml (the
operative clauses a custom text is read for). collect/textid/gate.py and operative.py apply them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from license_check.knowledge.data import DataError, read_toml

BOILERPLATE_FILE = Path("boilerplate.toml")
USE_TERMS_FILE = Path("use-terms.toml")
PROHIBITING = ("noncommercial", "research-only")  # use-terms categories that make a text non-commercial
CATEGORIES = (*PROHIBITING, "no-derivatives", "field-of-use")


@dataclass(frozen=True, slots=True)
class Connective:
    pattern: re.Pattern[str]
    license: str | None
    source: str
    urls: bool = False  # matched with its URLs as written (a grant that depends on which page it cites)
    first: bool = False  # only as the first sentence of the text beside the license (a tagline header)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    title_words: frozenset[str]
    placeholder_words: frozenset[str]
    connectives: tuple[Connective, ...]
    substitutions: frozenset[tuple[tuple[str, ...], tuple[str, ...]]]  # (file words, reference words)


@dataclass(frozen=True, slots=True)
class Clause:
    category: str
    pattern: re.Pattern[str]
    source: str


@lru_cache(maxsize=8)
def load_boilerplate(directory: Path) -> Boilerplate:
    path = directory / BOILERPLATE_FILE
    data = read_toml(path)
    connectives = []
    if not isinstance(data.get("connectives", []), list):
        raise DataError(f"{path}: connectives: must be an array of [[connectives]] tables")
    for i, item in enumerate(data.get("connectives", [])):
        where = f"{path}: connectives[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("match"), str) or not isinstance(
                item.get("source"), str):
            raise DataError(f"{where}: 'match' and 'source' strings are required")
        license_id = item.get("license")
        if license_id is not None and not isinstance(license_id, str):
            raise DataError(f"{where}.license: must be a string")
        try:
            pattern = re.compile(item["match"], re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{where}.match: {exc}") from exc
        flags = {key: item.get(key, False) for key in ("urls", "first")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise DataError(f"{where}: 'urls' and 'first' must be true or false")
        connectives.append(Connective(pattern, license_id, item["source"], flags["urls"], flags["first"]))
    words = {key: data.get(key) for key in ("title_words", "placeholder_words")}
    for key, value in words.items():
        if not isinstance(value, str):
            raise DataError(f"{path}: {key}: must be a string of words")
    pairs = data.get("substitutions", [])
    if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs):
        raise DataError(f"{path}: substitutions: must be a list of [file words, reference words] pairs")
    return Boilerplate(frozenset(str(words["title_words"]).split()), frozenset(str(words["placeholder_words"]).split()),
                       tuple(connectives), frozenset((tuple(a.split()), tuple(b.split())) for a, b in pairs))


@lru_cache(maxsize=8)
def load_use_terms(directory: Path) -> tuple[Clause, ...]:
    path = directory / USE_TERMS_FILE
    data = read_toml(path)
    items = data.get("clauses", [])
    if not isinstance(items, list):
        raise DataError(f"{path}: clauses: must be an array of [[clauses]] tables")
    out = []
    for i, item in enumerate(items):
        where = f"{path}: clauses[{i}]"
        if not isinstance(item, dict) or item.get("category") not in CATEGORIES:
            raise DataError(f"{where}.category: must be one of {', '.join(CATEGORIES)}")
        if not isinstance(item.get("match"), str) or not isinstance(item.get("source"), str):
            raise DataError(f"{where}: 'match' and 'source' strings are required")
        try:
            pattern = re.compile(item["match"], re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{where}.match: {exc}") from exc
        out.append(Clause(item["category"], pattern, item["source"]))
    return tuple(out)
