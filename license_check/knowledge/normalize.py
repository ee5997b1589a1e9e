"""Turn a raw license string (SPDX expression, free-text name, trove classifier, Hugging Face Hub
license id, license URL) into an SPDX expression.

Expressions are read with the grammar of expression.py (the typed tree, and the one module that uses
the ``license-expression`` library), built (and cached) from the id table of idtable.py: every SPDX
license list id (rules/generated/spdx-ids.json), the ScanCode LicenseDB snapshot and the project's own
LicenseRef ids (their tables in rules/licenses/);
the whole-string tables (names, classifiers and family names from rules/aliases.toml, Hub ids from
rules/hub-ids.toml, license URLs from rules/urls.toml) are built by aliases.py. ``Normalized`` carries
both the canonical string and its tree; ``parse`` gives the (memoized) tree of a normalized string.

Ids are matched case-insensitively. Deprecated SPDX ids resolve to their documented replacement
(``GPL-2.0+`` -> GPL-2.0-or-later; ``GPL-2.0`` -> GPL-2.0-only, flagged ``version_ambiguous``;
``GPL-2.0-with-classpath-exception`` -> GPL-2.0-only WITH Classpath-exception-2.0, flagged alike);
``LicenseRef-scancode-<key>`` and bare ScanCode keys (``apache-2.0``) resolve to the canonical id;
``Apache-2.0+`` stays (SPDX's '+' operator). Precedence when spellings collide: see idtable.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from license_check.knowledge import idtable
from license_check.knowledge.aliases import NameTables, Target, WebTables, classifier_key, name_key, unique_short_names
from license_check.knowledge.data import (
    DataError,
    canonical_url,
    load_aliases,
    load_licensedb,
    load_project_ids,
    load_spdx_ids,
    looks_like_url,
    rules_dir,
)
from license_check.knowledge.expression import Expr, ExpressionError, Grammar, KnownId, is_valid_key, licenses, render
from license_check.model import RawForm

__all__ = ["MAX_RAW", "Normalized", "Normalizer", "Target", "canonical_url", "classifier_key", "is_equivalent",
           "licensedb_version", "name_key", "normalize", "normalizer", "parse", "render_expression",
           "spdx_list_version"]

MAX_RAW = 1000  # longer raw strings are texts, not license names or expressions
_MEMO_MAX_RAW = 512  # short strings repeat (one SPDX id in thousands of headers): their results are memoized


@dataclass(frozen=True, slots=True)
class Normalized:
    raw: str
    expression: str | None  # canonical rendered SPDX expression; None if nothing usable
    unknown_ids: tuple[str, ...]  # ids the licensing does not know (kept in `expression` as written)
    error: str | None  # parse error message (then expression is None)
    candidates: tuple[str, ...]  # ambiguous family name: the SPDX ids it may mean; expression None
    via: str  # "spdx" | "alias" | "classifier" | "hub" | "url" | "none"
    # A GNU id or name that does not say -only or -or-later ("GPL-2.0", "GPLv2"): -only is assumed.
    version_ambiguous: bool = False
    slash_as_or: bool = False  # "MIT/Apache-2.0": '/' is no SPDX operator; it was read as OR
    tree: Expr | None = None  # the typed tree of `expression` (render(tree) == expression)

    def __post_init__(self) -> None:
        if (self.tree is None) != (self.expression is None):
            raise ValueError("a normalized expression and its tree go together")


_KEYWORDS = {"and": "AND", "or": "OR", "with": "WITH"}
_TOKEN = re.compile(r"\s+|\(|\)|[^\s()]+")
_PAREN_TAIL = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
# Words prose puts before a license name that do not change which license it is.
_DECORATION = re.compile(
    r"^(?:(?:the|a|an|very|permissive|liberal|popular|standard|osi[- ]approved|open[- ]source|"
    r"business[- ]friendly)\s+)+", re.IGNORECASE)


class Normalizer:
    """Everything built from one rules directory. Use the module functions for the default one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []  # alias collisions, hub-ids/urls table problems; reported by load_rules
        db = load_licensedb(directory)
        self.db_version = db.version
        aliases = load_aliases(directory)
        self.project_ids = load_project_ids(directory)  # declared by their tables in rules/licenses/

        # token table (idtable.py): lower-cased spelling -> canonical id
        spdx_list = load_spdx_ids(directory)
        self.spdx_version = spdx_list.version
        table = idtable.build(spdx_list, db, sorted(self.project_ids))
        self.tokens: dict[str, str] = table.tokens
        self.expansions: dict[str, str] = table.expansions  # deprecated ids that are a WITH expression
        self.canonical = table.canonical
        self.plus = table.plus  # "Apache-2.0+": the SPDX '+' operator on an id without an -or-later form
        self.exceptions = set(table.exceptions)

        spellings: dict[str, list[str]] = {}
        for spelling, canonical in sorted(self.tokens.items()):
            if spelling != canonical.lower() and is_valid_key(spelling):
                spellings.setdefault(canonical, []).append(spelling)
        known = [KnownId(s.key, tuple(spellings.get(s.key, ())), s.is_exception, s.is_deprecated)
                 for s in table.symbols]
        self.grammar = Grammar([*known, *(KnownId(key) for key in sorted(self.plus))])

        # whole-string tables (rules/aliases.toml), by name_key / classifier_key
        self.aliases = NameTables(aliases)
        self.problems += self.aliases.problems
        self._db = db
        self._short_names: dict[str, str] | None = None

        # Hugging Face Hub ids (rules/hub-ids.toml) and license URLs (rules/urls.toml), checked with the above
        self.web = WebTables(directory, self)
        self.problems += self.web.problems
        self.hub_special, self.hub_ids = self.web.hub_special, self.web.hub_ids
        self._memos()

    def _memos(self) -> None:
        self._memo_read = lru_cache(maxsize=8192)(self._read)
        self._memo_tree = lru_cache(maxsize=8192)(self._parse)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its memos (knowledge/stored.py): they are rebuilt empty."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_memo_read", "_memo_tree")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memos()

    # --- what the stages call: memoized (short strings repeat), never raising but ValueError from tree ----

    def read(self, raw: str, form: RawForm) -> Normalized:
        """Normalize ``raw`` read as ``form``. Never raises: problems are in the result."""
        if not isinstance(cast(object, raw), str):  # defensive: callers are typed, data is not
            return Normalized(str(raw), None, (), f"not a string: {type(raw).__name__}", (), "none")
        return self._memo_read(raw, RawForm(form)) if len(raw) <= _MEMO_MAX_RAW else self._read(raw, form)

    def _read(self, raw: str, form: RawForm) -> Normalized:
        try:
            return self.normalize(raw, RawForm(form))
        except DataError as exc:
            return Normalized(raw, None, (), f"license data unavailable: {exc}", (), "none")
        except Exception as exc:  # the library is untyped and lenient; never let it crash a scan
            return Normalized(raw, None, (), f"internal error while normalizing: {exc!r}", (), "none")

    def tree(self, expression: str) -> Expr:
        """The typed tree of an expression, read leniently as ``spdx`` reads it (the tree of a normalized
        expression is its ``Normalized.tree``, except where idtable maps a spelling to a deprecated id that
        stands for a WITH expression: "wxWindows" reads as GPL-2.0-or-later WITH WxWindows-exception-3.1).
        Raises ValueError. Memoized: trees are immutable values."""
        return self._memo_tree(expression) if len(expression) <= _MEMO_MAX_RAW else self._parse(expression)

    def _parse(self, expression: str) -> Expr:
        try:
            tree = self.parse_tree(expression)
        except ExpressionError as exc:
            raise ValueError(f"invalid license expression {expression!r}: {_message(exc)}") from exc
        if tree is None:
            raise ValueError("empty license expression")
        return tree

    def rendered(self, expression: str) -> str:
        """The canonical rendering of a normalized expression (as found when it cannot be parsed)."""
        try:
            return render(self.tree(expression))
        except Exception:  # noqa: BLE001 - the library is lenient and untyped: never let it crash a scan
            return expression

    def equivalent(self, a: str, b: str) -> bool:
        """True if both parse and are logically equivalent ("MIT OR Apache-2.0" == "Apache-2.0 OR MIT")."""
        try:
            ta, tb = self.tree(a), self.tree(b)
        except ValueError:
            return False
        return self.grammar.equivalent(ta, tb)

    @property
    def short_names(self) -> dict[str, str]:
        """Lowest tier: LicenseDB short names that name one license (built on first use)."""
        if self._short_names is None:
            self._short_names = unique_short_names(self._db.entries)
        return self._short_names

    # --- SPDX expressions -------------------------------------------------------------------

    def resolve(self, token: str) -> str | None:
        """The canonical id of one id spelling, else None. ``<id>+`` is the -or-later id where there is
        one, else ``<id>``: the license whose facts apply (``expand`` keeps "Apache-2.0+")."""
        return self._lookup(token, expand=False)

    def expand(self, token: str) -> str | None:
        """What one id spelling stands for in an expression: a canonical id, ``<id>+`` (the SPDX operator
        on an id without an -or-later form) or, for a deprecated id, an expression ("... WITH ...")."""
        return self._lookup(token, expand=True)

    def _lookup(self, token: str, expand: bool) -> str | None:
        low = token.lower()
        found = self.tokens.get(low) or (self.expansions.get(low) if expand else None)
        if found is not None or not low.endswith("+") or len(low) < 2:
            return found
        base = self.tokens.get(low.rstrip("+"))
        if base is None or base in self.exceptions:
            return None
        later = idtable.or_later(base, self.canonical)
        if later is not None or f"{base}+" not in self.plus:
            return later
        return f"{base}+" if expand else base

    def _rewrite(self, text: str) -> tuple[str, bool, bool]:
        """``text`` with canonical ids and upper-case operators; whether an id left the version scope
        unstated ("GPL-2.0" -> GPL-2.0-only); whether a '/' was read as OR."""
        slash = "://" not in text and "/" in text
        if slash:
            text = text.replace("/", " OR ")
        out: list[str] = []
        unstated = False
        for match in _TOKEN.finditer(text):
            tok = match.group(0)
            if tok.isspace() or tok in "()":
                out.append(tok)
            elif tok.lower() in _KEYWORDS:
                out.append(_KEYWORDS[tok.lower()])
            else:
                found = self.expand(tok)
                unstated = unstated or (found is not None and idtable.version_unstated(tok, found))
                out.append(found or tok)
        return "".join(out), unstated, slash

    def parse_tree(self, text: str) -> Expr | None:
        """Parse leniently: any-case keywords and ids, '/' as OR, '+' suffix. Raises ExpressionError."""
        return self._tree(self._rewrite(text)[0])

    def _tree(self, rewritten: str) -> Expr | None:
        tree = self.grammar.parse(rewritten)
        if tree is None:
            return None
        for leaf in dict.fromkeys(licenses(tree)):
            lic, exc = leaf.key, leaf.exception
            if exc is None:
                if lic in self.exceptions:
                    raise ExpressionError(f"{lic} is an exception: it can only follow WITH")
            elif lic in self.exceptions:
                raise ExpressionError(f"{lic} is an exception, not a license: it cannot precede WITH")
            elif (exc in self.canonical or exc in self.plus) and exc not in self.exceptions:
                raise ExpressionError(f"{exc} is a license, not an exception: it cannot follow WITH")
        return tree

    def spdx(self, raw: str) -> Normalized:
        rewritten, unstated, slash = self._rewrite(raw)
        try:
            tree = self._tree(rewritten)
        except ExpressionError as exc:
            return Normalized(raw, None, (), _message(exc), (), "none")
        if tree is None:
            return Normalized(raw, None, (), None, (), "none")
        return Normalized(raw, render(tree), self.grammar.unknown_keys(tree), None, (), "spdx", unstated, slash,
                          tree)

    # --- whole strings ----------------------------------------------------------------------

    def _target(self, raw: str, target: Target, via: str) -> Normalized:
        if isinstance(target, tuple):
            return Normalized(raw, None, (), None, target, via)
        found = self.spdx(target)
        return Normalized(raw, found.expression, found.unknown_ids, found.error, (),
                          via if found.expression is not None else "none",
                          found.expression is not None and idtable.version_unstated(raw, found.expression),
                          tree=found.tree)

    def by_name(self, raw: str) -> Normalized | None:
        """The alias table; "Foo License (FOO)" also tries "Foo License", then "FOO"."""
        key = name_key(raw)
        if key in self.aliases.names:
            return self._target(raw, self.aliases.names[key], "alias")
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
        if self.aliases.is_unstated(text):
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
        target = self.web.url_target(text)
        if target is None:
            return Normalized(raw, None, (text,), None, (), "none")
        return self._target(raw, target, "url")

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
            return replace(self.spdx(joined), raw=text, version_ambiguous=any(f.version_ambiguous for f in found))
        return None

    def classifier(self, raw: str, text: str) -> Normalized:
        key = classifier_key(text)
        if key in self.aliases.unstated_classifiers:
            return Normalized(raw, None, (), None, (), "classifier")
        if key in self.aliases.classifiers:
            return self._target(raw, self.aliases.classifiers[key], "classifier")
        leaf = text.split("::")[-1].strip()
        if leaf and key.startswith("license ::"):
            found = self.normalize(leaf, RawForm.NAME)
            if found.expression is not None and not found.unknown_ids or found.candidates:
                return _with_raw(found, raw)
        return Normalized(raw, None, (text,), None, (), "none")


def _with_raw(n: Normalized, raw: str) -> Normalized:
    return replace(n, raw=raw)


def _message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.replace("ExpressionParseError: ", "")


_ADOPTED: dict[Path, Normalizer] = {}  # normalizers of a stored Knowledge (knowledge/stored.py), by folder


def adopt(norm: Normalizer) -> None:
    """Make ``norm`` (of a stored Knowledge) the one ``normalizer(norm.directory)`` returns in this process."""
    _ADOPTED[norm.directory.resolve()] = norm


def normalizer(directory: Path | None = None) -> Normalizer:
    """The (cached) normalizer of ``directory`` (default: the shipped rules)."""
    folder = (directory or rules_dir()).resolve()
    adopted = _ADOPTED.get(folder)
    if adopted is not None:
        return adopted
    return _default() if directory is None else _normalizer(folder)


@lru_cache(maxsize=1)
def _default() -> Normalizer:
    return _normalizer(rules_dir().resolve())


@lru_cache(maxsize=8)
def _normalizer(directory: Path) -> Normalizer:
    return Normalizer(directory)


def licensedb_version() -> str:
    """E.g. "scancode-toolkit 32.5.0 LicenseDB (SPDX license list 3.27)"."""
    return normalizer().db_version


def spdx_list_version() -> str:
    """The SPDX license list the ids come from, e.g. "3.28.0+46 (e4c1f276, 2026-07-16)"."""
    return normalizer().spdx_version


def normalize(raw: str, form: RawForm) -> Normalized:
    """``Normalizer.read`` of the shipped rules (for callers outside a scan; a scan passes its Knowledge)."""
    return normalizer().read(raw, form)


def render_expression(expression: str) -> str:
    """``Normalizer.rendered`` of the shipped rules."""
    return normalizer().rendered(expression)


def parse(expression: str) -> Expr:
    """``Normalizer.tree`` of the shipped rules. Raises ValueError."""
    return normalizer().tree(expression)


def is_equivalent(a: str, b: str) -> bool:
    """``Normalizer.equivalent`` of the shipped rules."""
    return normalizer().equivalent(a, b)
