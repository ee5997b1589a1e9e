"""The normalizer's whole-string tables: license names, trove classifiers and family names
(rules/aliases.toml), unique LicenseDB short names, Hugging Face Hub ids (rules/hub-ids.toml) and
license URLs (rules/urls.toml), plus the keys names and classifiers are matched by.

Each table maps a key to a Target: an SPDX expression, or the candidate ids of an ambiguous name.
Problems (colliding aliases, Hub and URL targets the normalizer does not know, URL examples that
give another answer) are collected in ``problems``, never raised; ``load_rules()`` reports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Set
from pathlib import Path
from typing import Any, Protocol

from license_check.knowledge.data import DBEntry, canonical_url
from license_check.knowledge.web import Value, read_hub_ids, read_urls

Target = str | tuple[str, ...]  # an expression, or candidates


class Reading(Protocol):
    """What the normalizer makes of a target expression (normalize.Normalized)."""

    @property
    def expression(self) -> str | None: ...
    @property
    def unknown_ids(self) -> tuple[str, ...]: ...
    @property
    def error(self) -> str | None: ...


class Ids(Protocol):
    """The ids table targets are checked against: normalize.Normalizer, which builds these tables (so
    this module does not import it)."""

    @property
    def canonical(self) -> Set[str]: ...
    @property
    def exceptions(self) -> Set[str]: ...
    def resolve(self, token: str) -> str | None: ...
    def spdx(self, raw: str) -> Reading: ...


_STOPWORDS = frozenset({"the", "license", "version", "v", "only"})
_LETTER_DIGIT = re.compile(r"(?<=[a-z])v?(?=\d)")
_ZERO_MINOR = re.compile(r"(\d+)(?:\.0)+(?![\d.])")
_PUNCT = re.compile(r"[^a-z0-9+*]+")
_OR_LATER = re.compile(r"\bor (?:any )?(?:later|newer|greater|above)(?: version)?\b")
_PLUS = re.compile(r"\s*\++")
_STATES_VERSION_SCOPE = re.compile(r"only|later|\+")  # "GPL-3.0-only", "gpl-3.0+": the URL says which


def name_key(text: str) -> str:
    """The case-, whitespace- and punctuation-insensitive key of a license name.

    "Apache License, Version 2.0" -> "apache 2"; "GPLv3+" and "GPL-3.0-or-later" -> "gpl 3+".
    """
    s = text.lower().replace("licence", "license")
    s = _LETTER_DIGIT.sub(" ", s)  # gplv3 -> gpl 3, apache2 -> apache 2
    s = _ZERO_MINOR.sub(r"\1", s)  # 2.0 -> 2, 1.0.0 -> 1 (2.1 stays)
    s = _PUNCT.sub(" ", s)
    s = _OR_LATER.sub("+", s)
    s = _PLUS.sub("+ ", s)
    return " ".join(w for w in s.split() if w not in _STOPWORDS)


def classifier_key(text: str) -> str:
    return " :: ".join(" ".join(part.split()).lower() for part in text.split("::"))


class NameTables:
    """The whole-string sections of rules/aliases.toml, keyed by name_key / classifier_key."""

    def __init__(self, aliases: Mapping[str, Any]) -> None:
        self.problems: list[str] = []  # colliding entries
        self.unstated = {name_key(str(v)) for v in aliases.get("unstated", {}).get("names", ())}
        self.unstated_prefixes = tuple(
            str(v).lower() for v in aliases.get("unstated", {}).get("prefixes", ()))
        self.unstated_classifiers = {
            classifier_key(str(v)) for v in aliases.get("unstated", {}).get("classifiers", ())}
        self.names: dict[str, Target] = {}
        self._add("names", self.names, aliases.get("names", {}), name_key)
        self._add("families", self.names, aliases.get("families", {}), name_key)
        self.classifiers: dict[str, Target] = {}
        self._add("classifiers", self.classifiers, aliases.get("classifiers", {}), classifier_key)

    def _add(self, section: str, table: dict[str, Target], entries: Any, keyfn: Callable[[str], str]) -> None:
        for raw_key, value in sorted(dict(entries).items()):
            key = keyfn(str(raw_key))
            target: Target = tuple(str(v) for v in value) if isinstance(value, list) else str(value)
            previous = table.setdefault(key, target)
            if previous != target:
                self.problems.append(
                    f"aliases.toml: {section}.{str(raw_key)!r}: collides with another entry "
                    f"(same key {key!r}) that maps to {previous!r}, not {target!r}")

    def is_unstated(self, raw: str) -> bool:
        """``raw`` states no license: "NOASSERTION", "-", "see LICENSE", blank ([unstated] in aliases.toml)."""
        low = " ".join(raw.lower().split())
        return name_key(raw) in self.unstated or low in {"", "-"} or low.startswith(self.unstated_prefixes)


def unique_short_names(entries: Iterable[DBEntry]) -> dict[str, str]:
    """The lowest name tier: name_key of a LicenseDB short name -> the one license it names (not
    deprecated; short names shared by two licenses are left out)."""
    short: dict[str, set[str]] = {}
    for e in entries:
        if not e.is_deprecated:
            short.setdefault(name_key(e.short_name), set()).add(e.spdx)
    return {k: next(iter(v)) for k, v in short.items() if len(v) == 1 and k}


class WebTables:
    """Hugging Face Hub ids (rules/hub-ids.toml) and license URLs (rules/urls.toml). Every target
    is checked against ``norm``, so build these last, once its SPDX ids are in place."""

    def __init__(self, directory: Path, norm: Ids) -> None:
        self._norm = norm
        hub, urls = read_hub_ids(directory), read_urls(directory)
        self.problems: list[str] = [*hub.problems, *urls.problems]
        self.hub_special = hub.special
        self.hub_ids = {k: t for k, (path, v) in hub.ids.items() if (t := self._checked("hub-ids.toml", path, v))}
        self.url_exact = {k: t for k, (path, v) in urls.exact.items() if (t := self._checked("urls.toml", path, v))}
        self.url_patterns = urls.patterns
        for pattern in self.url_patterns:  # after all tables: an earlier pattern may shadow a later one
            for url, expected in pattern.examples:
                found = self.url_target(url) if pattern.regex.fullmatch(canonical_url(url)) else "<no match>"
                got = "<unknown>" if found is None else found if isinstance(found, str) else " | ".join(found)
                if got != expected:
                    self.problems.append(f"urls.toml: {pattern.path}.examples.{url!r}: gives {got!r}, not {expected!r}")

    def _checked(self, file: str, path: str, value: Value) -> Target | None:
        """A table target the normalizer knows (canonical), else None and a problem."""
        norm = self._norm
        bad = [c for c in value if norm.resolve(c) != c or c in norm.exceptions] if isinstance(value, tuple) else []
        found = norm.spdx(value) if isinstance(value, str) else None
        if found is not None and (found.error or found.unknown_ids or found.expression != value):
            bad = [found.error or (f"unknown ids {', '.join(found.unknown_ids)}" if found.unknown_ids
                                   else f"not canonical: write {found.expression!r}")]
        for why in bad:
            self.problems.append(f"{file}: {path}: " + (f"target {value!r}: {why}" if found is not None
                                                        else f"{why!r} is not a canonical license id"))
        return None if bad else value

    def url_target(self, url: str) -> Target | None:
        """What rules/urls.toml says ``url`` means: exact entries, else the first pattern that matches
        (final: a result the normalizer does not know gives None, unknown)."""
        key = canonical_url(url)
        if key in self.url_exact:
            return self.url_exact[key]
        found = next(((p, m) for p in self.url_patterns if (m := p.regex.fullmatch(key))), None)
        if found is None:
            return None
        pattern, match = found
        tokens = pattern.fill({k: v for k, v in match.groupdict().items() if v})
        ids = [self._norm.resolve(t) for t in tokens or ()]
        if not tokens or any(i is None or i in self._norm.exceptions for i in ids):
            return None
        if pattern.license is None:
            return tuple(str(i) for i in ids)
        first = str(ids[0])
        later = first[: -len("-only")] + "-or-later" if first.endswith("-only") else ""
        if pattern.or_later_unstated and later in self._norm.canonical \
                and not _STATES_VERSION_SCOPE.search(tokens[0].lower()):
            return (first, later)
        return first
