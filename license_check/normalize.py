"""Turn a raw license string (SPDX expression, free-text name, trove classifier, Hugging Face Hub
license id, license URL) into an SPDX expression.

A typed adapter over the ``license-expression`` library. One ``Licensing`` is built (and cached)
from the ScanCode LicenseDB snapshot in rules/generated/ plus the project's own LicenseRef ids
(rules/aliases.toml [licenserefs]); names, classifiers and family names come from
rules/aliases.toml, Hub ids from rules/hub-ids.toml, license URLs from rules/urls.toml. The library
is untyped: every ``Any`` stays in this module.

Ids are matched case-insensitively; deprecated SPDX ids (``GPL-2.0``, ``GPL-2.0+``,
``LGPL-2.1+``), ``LicenseRef-scancode-<key>`` and bare ScanCode keys (``apache-2.0``) resolve to
the canonical SPDX id. Precedence when two spellings collide: SPDX ids, then other SPDX keys
listed by ScanCode, then ScanCode keys (non-deprecated entries first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import license_expression as le

from license_check.model import RawForm
from license_check.ruledata import (
    DataError,
    Value,
    canonical_url,
    load_aliases,
    load_licensedb,
    looks_like_url,
    read_hub_ids,
    read_urls,
    rules_dir,
)

MAX_RAW = 1000  # longer raw strings are texts, not license names or expressions

@dataclass(frozen=True, slots=True)
class Normalized:
    raw: str
    expression: str | None  # canonical rendered SPDX expression; None if nothing usable
    unknown_ids: tuple[str, ...]  # ids the licensing does not know (kept in `expression` as written)
    error: str | None  # parse error message (then expression is None)
    candidates: tuple[str, ...]  # ambiguous family name: the SPDX ids it may mean; expression None
    via: str  # "spdx" | "alias" | "classifier" | "hub" | "url" | "none"


_KEYWORDS = {"and": "AND", "or": "OR", "with": "WITH"}
_TOKEN = re.compile(r"\s+|\(|\)|[^\s()]+")
_STOPWORDS = frozenset({"the", "license", "version", "v", "only"})
_LETTER_DIGIT = re.compile(r"(?<=[a-z])v?(?=\d)")
_ZERO_MINOR = re.compile(r"(\d+)(?:\.0)+(?![\d.])")
_PUNCT = re.compile(r"[^a-z0-9+*]+")
_OR_LATER = re.compile(r"\bor (?:any )?(?:later|newer|greater|above)(?: version)?\b")
_PLUS = re.compile(r"\s*\++")
_PAREN_TAIL = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
# Words prose puts before a license name that do not change which license it is.
_DECORATION = re.compile(
    r"^(?:(?:the|a|an|very|permissive|liberal|popular|standard|osi[- ]approved|open[- ]source|"
    r"business[- ]friendly)\s+)+", re.IGNORECASE)


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


Target = str | tuple[str, ...]  # an expression, or candidates


_STATES_VERSION_SCOPE = re.compile(r"only|later|\+")  # "GPL-3.0-only", "gpl-3.0+": the URL says which


class Normalizer:
    """Everything built from one rules directory. Use the module functions for the default one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []  # alias collisions, hub-ids/urls table problems; reported by load_rules
        db = load_licensedb(directory)
        self.db_version = db.version
        aliases = load_aliases(directory)
        self.project_ids = {str(k): str(v) for k, v in dict(aliases.get("licenserefs", {})).items()}

        # token table: lower-cased spelling -> canonical id
        self.tokens: dict[str, str] = {}
        ordered = sorted(db.entries, key=lambda e: (e.is_deprecated, e.key))
        for e in ordered:
            self.tokens.setdefault(e.spdx.lower(), e.spdx)
        for pid in self.project_ids:
            self.tokens.setdefault(pid.lower(), pid)
        self.canonical = set(self.tokens.values())
        for e in ordered:
            for other in e.other_spdx:
                self.tokens.setdefault(" ".join(other.lower().split()), e.spdx)
        for e in ordered:
            self.tokens.setdefault(e.key.lower(), e.spdx)
            self.tokens.setdefault(f"licenseref-scancode-{e.key}".lower(), e.spdx)
        self.exceptions = {e.spdx for e in db.entries if e.is_exception}

        spellings: dict[str, list[str]] = {}
        for spelling, canonical in sorted(self.tokens.items()):
            if spelling != canonical.lower() and le.is_valid_license_key(spelling):
                spellings.setdefault(canonical, []).append(spelling)
        symbols = [
            le.LicenseSymbol(e.spdx, aliases=tuple(spellings.get(e.spdx, ())),
                             is_exception=e.is_exception, is_deprecated=e.is_deprecated)
            for e in db.entries
        ]
        symbols += [le.LicenseSymbol(pid) for pid in sorted(self.project_ids)]
        self.licensing: Any = le.Licensing(symbols)

        # whole-string tables, by name_key / classifier_key
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
        self._db = db
        self._short_names: dict[str, str] | None = None

        # Hugging Face Hub ids (rules/hub-ids.toml) and license URLs (rules/urls.toml)
        hub, urls = read_hub_ids(directory), read_urls(directory)
        self.problems += [*hub.problems, *urls.problems]
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

    @property
    def short_names(self) -> dict[str, str]:
        """Lowest tier: LicenseDB short names that name one license (built on first use)."""
        if self._short_names is None:
            short: dict[str, set[str]] = {}
            for e in self._db.entries:
                if not e.is_deprecated:
                    short.setdefault(name_key(e.short_name), set()).add(e.spdx)
            self._short_names = {k: next(iter(v)) for k, v in short.items() if len(v) == 1 and k}
        return self._short_names

    def _add(self, section: str, table: dict[str, Target], entries: Any, keyfn: Any) -> None:
        for raw_key, value in sorted(dict(entries).items()):
            key = cast(str, keyfn(str(raw_key)))
            target: Target = tuple(str(v) for v in value) if isinstance(value, list) else str(value)
            previous = table.setdefault(key, target)
            if previous != target:
                self.problems.append(
                    f"aliases.toml [{section}] {raw_key!r}: collides with another entry "
                    f"(same key {key!r}) that maps to {previous!r}, not {target!r}")

    def _checked(self, file: str, path: str, value: Value) -> Target | None:
        """A table target the normalizer knows (canonical), else None and a problem."""
        bad = [c for c in value if self.resolve(c) != c or c in self.exceptions] if isinstance(value, tuple) else []
        found = self.spdx(value) if isinstance(value, str) else None
        if found is not None and (found.error or found.unknown_ids or found.expression != value):
            bad = [found.error or (f"unknown ids {', '.join(found.unknown_ids)}" if found.unknown_ids
                                   else f"not canonical: write {found.expression!r}")]
        for why in bad:
            self.problems.append(f"{file}: {path}: " + (f"target {value!r}: {why}" if found is not None
                                                        else f"{why!r} is not a canonical license id"))
        return None if bad else value

    # --- SPDX expressions -------------------------------------------------------------------

    def resolve(self, token: str) -> str | None:
        low = token.lower()
        found = self.tokens.get(low)
        if found is not None or not low.endswith("+") or len(low) < 2:
            return found
        base = self.tokens.get(low.rstrip("+"))
        if base is None:
            return None
        later = base[: -len("-only")] + "-or-later" if base.endswith("-only") else base + "-or-later"
        return later if later in self.canonical else None

    def parse_tree(self, text: str) -> Any:
        """Parse leniently: any-case keywords and ids, '/' as OR, '+' suffix. Raises on errors."""
        if "://" not in text:
            text = text.replace("/", " OR ")
        out = []
        for match in _TOKEN.finditer(text):
            tok = match.group(0)
            if tok.isspace() or tok in "()":
                out.append(tok)
            elif tok.lower() in _KEYWORDS:
                out.append(_KEYWORDS[tok.lower()])
            else:
                out.append(self.resolve(tok) or tok)
        tree = self.licensing.parse("".join(out), simple=True)
        if tree is None:
            return None
        for sym in self.licensing.license_symbols(tree, unique=True, decompose=False):
            if isinstance(sym, le.LicenseWithExceptionSymbol):
                lic, exc = sym.license_symbol.key, sym.exception_symbol.key
                if lic in self.exceptions:
                    raise le.ExpressionError(f"{lic} is an exception, not a license: it cannot precede WITH")
                if exc in self.canonical and exc not in self.exceptions:
                    raise le.ExpressionError(f"{exc} is a license, not an exception: it cannot follow WITH")
            elif sym.key in self.exceptions:
                raise le.ExpressionError(f"{sym.key} is an exception: it can only follow WITH")
        return tree

    def spdx(self, raw: str) -> Normalized:
        try:
            tree = self.parse_tree(raw)
        except le.ExpressionError as exc:
            return Normalized(raw, None, (), _message(exc), (), "none")
        if tree is None:
            return Normalized(raw, None, (), None, (), "none")
        unknown = tuple(str(k) for k in self.licensing.unknown_license_keys(tree, unique=True))
        return Normalized(raw, str(tree.render("{symbol.key}")), unknown, None, (), "spdx")

    # --- whole strings ----------------------------------------------------------------------

    def _target(self, raw: str, target: Target, via: str) -> Normalized:
        if isinstance(target, tuple):
            return Normalized(raw, None, (), None, target, via)
        found = self.spdx(target)
        return Normalized(raw, found.expression, found.unknown_ids, found.error, (),
                          via if found.expression is not None else "none")

    def is_unstated(self, raw: str) -> bool:
        low = " ".join(raw.lower().split())
        return name_key(raw) in self.unstated or low in {"", "-"} or low.startswith(self.unstated_prefixes)

    def by_name(self, raw: str) -> Normalized | None:
        """The alias table; "Foo License (FOO)" also tries "Foo License", then "FOO"."""
        key = name_key(raw)
        if key in self.names:
            return self._target(raw, self.names[key], "alias")
        plain = _DECORATION.sub("", raw.strip())
        if plain != raw.strip() and plain:
            hit = self.by_name(plain)
            if hit is not None:
                return _with_raw(hit, raw)
        tail = _PAREN_TAIL.match(raw)
        if tail:
            for part in tail.groups():
                hit = self.by_name(part)
                if hit is not None:
                    return _with_raw(hit, raw)
                if (self.tokens.get(part.strip().lower()) or "") in self.canonical:
                    return self._target(raw, self.tokens[part.strip().lower()], "alias")
        return None

    def by_fallback(self, raw: str) -> Normalized | None:
        """ScanCode's other SPDX keys with spaces ("GPL 2.0"), then unique LicenseDB short names."""
        spaced = self.tokens.get(" ".join(raw.lower().split()))
        if spaced is not None:
            return self._target(raw, spaced, "alias")
        short = self.short_names.get(name_key(raw))
        return self._target(raw, short, "alias") if short else None

    def normalize(self, raw: str, form: RawForm) -> Normalized:
        text = raw.strip()
        if len(text) > MAX_RAW:
            return Normalized(raw, None, (), f"not a license name or expression ({len(text)} characters)",
                              (), "none")
        if form is RawForm.CLASSIFIER:
            return self.classifier(raw, text)
        if form is RawForm.HUB:
            return self.hub(raw, text)
        if form is RawForm.URL:
            return self.url(raw, text)
        if self.is_unstated(text):
            return Normalized(raw, None, (), None, (), "alias" if text else "none")
        if form is RawForm.NAME:
            hit = self.by_name(text) or self.names_joined(text)
            if hit is not None:
                return hit
            parsed = self.spdx(text)
            if parsed.expression is not None and not parsed.unknown_ids:
                return _with_raw(parsed, raw)
            hit = self.by_fallback(text)
            if hit is not None:
                return hit
            if parsed.expression is not None:
                return _with_raw(parsed, raw)
            return Normalized(raw, None, (text,), None, (), "none")
        parsed = self.spdx(text)
        if parsed.expression is not None and not parsed.unknown_ids:
            return _with_raw(parsed, raw)
        hit = self.by_name(text) or self.by_fallback(text)
        return hit if hit is not None else _with_raw(parsed, raw)

    def hub(self, raw: str, text: str) -> Normalized:
        """A Hugging Face Hub license id: rules/hub-ids.toml, else read as a license name."""
        key = text.lower()
        if key in self.hub_special:
            return Normalized(raw, None, (), None, (), "hub")
        target = self.hub_ids.get(key)
        if target is not None:
            return self._target(raw, target, "hub")
        return self.normalize(raw, RawForm.NAME)

    def url(self, raw: str, text: str) -> Normalized:
        """A license URL: rules/urls.toml; a value that is not a URL is read as a license name."""
        if not looks_like_url(text):
            return self.normalize(raw, RawForm.NAME)
        target = self.url_target(text)
        if target is None:
            return Normalized(raw, None, (text,), None, (), "none")
        return self._target(raw, target, "url")

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
        ids = [self.resolve(t) for t in tokens or ()]
        if not tokens or any(i is None or i in self.exceptions for i in ids):
            return None
        if pattern.license is None:
            return tuple(str(i) for i in ids)
        first = str(ids[0])
        later = first[: -len("-only")] + "-or-later" if first.endswith("-only") else ""
        if pattern.or_later_unstated and later in self.canonical \
                and not _STATES_VERSION_SCOPE.search(tokens[0].lower()):
            return (first, later)
        return first

    def names_joined(self, text: str) -> Normalized | None:
        """Names joined by an upper-case OR/AND ("Apache License, Version 2.0 OR MIT license")."""
        for operator in (" OR ", " AND "):
            parts = [p.strip() for p in text.split(operator)]
            if len(parts) < 2 or not all(parts):
                continue
            found = [self.normalize(p, RawForm.NAME) for p in parts]
            if any(f.expression is None or f.unknown_ids for f in found):
                return None
            joined = operator.join(f"({f.expression})" for f in found)
            return _with_raw(self.spdx(joined), text)
        return None

    def classifier(self, raw: str, text: str) -> Normalized:
        key = classifier_key(text)
        if key in self.unstated_classifiers:
            return Normalized(raw, None, (), None, (), "classifier")
        if key in self.classifiers:
            return self._target(raw, self.classifiers[key], "classifier")
        leaf = text.split("::")[-1].strip()
        if leaf and key.startswith("license ::"):
            found = self.normalize(leaf, RawForm.NAME)
            if found.expression is not None and not found.unknown_ids or found.candidates:
                return _with_raw(found, raw)
        return Normalized(raw, None, (text,), None, (), "none")


def _with_raw(n: Normalized, raw: str) -> Normalized:
    return Normalized(raw, n.expression, n.unknown_ids, n.error, n.candidates, n.via)


def _message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.replace("ExpressionParseError: ", "")


def normalizer(directory: Path | None = None) -> Normalizer:
    """The (cached) normalizer of ``directory`` (default: the shipped rules)."""
    return _default() if directory is None else _normalizer(directory.resolve())


@lru_cache(maxsize=1)
def _default() -> Normalizer:
    return _normalizer(rules_dir().resolve())


@lru_cache(maxsize=8)
def _normalizer(directory: Path) -> Normalizer:
    return Normalizer(directory)


def licensing() -> Any:
    """The shared ``license_expression.Licensing`` (SPDX ids, aliases, project LicenseRefs)."""
    return normalizer().licensing


def licensedb_version() -> str:
    """E.g. "scancode-toolkit 32.5.0 LicenseDB (SPDX license list 3.27)"."""
    return normalizer().db_version


def normalize(raw: str, form: RawForm) -> Normalized:
    """Normalize ``raw`` read as ``form``. Never raises: problems are in the result."""
    if not isinstance(cast(object, raw), str):  # defensive: callers are typed, data is not
        return Normalized(str(raw), None, (), f"not a string: {type(raw).__name__}", (), "none")
    try:
        return normalizer().normalize(raw, RawForm(form))
    except DataError as exc:
        return Normalized(raw, None, (), f"license data unavailable: {exc}", (), "none")
    except Exception as exc:  # the library is untyped and lenient; never let it crash a scan
        return Normalized(raw, None, (), f"internal error while normalizing: {exc!r}", (), "none")


def parse(expression: str) -> object:
    """The license_expression tree of an already-normalized expression. Raises ValueError."""
    try:
        tree = normalizer().parse_tree(expression)
    except le.ExpressionError as exc:
        raise ValueError(f"invalid license expression {expression!r}: {_message(exc)}") from exc
    if tree is None:
        raise ValueError("empty license expression")
    return cast(object, tree)


def is_equivalent(a: str, b: str) -> bool:
    """True if both parse and are logically equivalent ("MIT OR Apache-2.0" == "Apache-2.0 OR MIT")."""
    try:
        ta, tb = normalizer().parse_tree(a), normalizer().parse_tree(b)
        return ta is not None and tb is not None and bool(licensing().is_equivalent(ta, tb))
    except le.ExpressionError:
        return False
