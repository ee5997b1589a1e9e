"""License expressions as a typed value: a small tree of frozen dataclasses, and the one adapter over
the ``license-expression`` library.

``LicenseId`` is one license (``WITH`` keeps its exception: "GPL-2.0-only WITH Classpath-exception-2.0" is
one leaf; "GPL-2.0-only" and "GPL-2.0-or-later" are distinct ids), ``And`` and ``Or`` join two or more
expressions. The tree keeps the structure the expression was written with (``A AND (B AND C)`` is not
flattened, nothing is reordered or simplified), so ``render`` gives back the library's canonical string.

``Grammar`` wraps the library's ``Licensing``: normalize.py builds one from the id table and parses with
it; every other module reads the typed tree. This is the only module that imports the library (the
library is untyped: every ``Any`` stays here).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import license_expression as _le

__all__ = ["And", "Expr", "ExpressionError", "Grammar", "KnownId", "LicenseId", "Or", "alternatives",
           "conjunction", "is_valid_key", "keys", "leaves", "licenses", "render", "render_keys", "terms"]


@dataclass(frozen=True, slots=True)
class LicenseId:
    """One license id, with the exception ``WITH`` adds to it (None: none)."""

    key: str
    exception: str | None = None


@dataclass(frozen=True, slots=True)
class And:
    args: tuple[Expr, ...]  # two or more

    def __post_init__(self) -> None:
        if len(self.args) < 2:
            raise ValueError(f"AND needs two or more operands, not {len(self.args)}")


@dataclass(frozen=True, slots=True)
class Or:
    args: tuple[Expr, ...]  # two or more

    def __post_init__(self) -> None:
        if len(self.args) < 2:
            raise ValueError(f"OR needs two or more operands, not {len(self.args)}")


Expr: TypeAlias = LicenseId | And | Or


def render(expr: Expr) -> str:
    """The canonical string: ids as the tree holds them, upper-case operators, an operand that is
    itself an AND or OR in parentheses (the library's rendering, byte for byte)."""
    if isinstance(expr, LicenseId):
        return expr.key if expr.exception is None else f"{expr.key} WITH {expr.exception}"
    operator = " AND " if isinstance(expr, And) else " OR "
    return operator.join(render(a) if isinstance(a, LicenseId) else f"({render(a)})" for a in expr.args)


def conjunction(parts: Sequence[Expr]) -> Expr:
    """``parts`` joined by AND as written (one part: itself)."""
    if not parts:
        raise ValueError("an empty conjunction")
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def licenses(expr: Expr) -> Iterator[LicenseId]:
    """Every leaf, in the order written (repeats kept)."""
    if isinstance(expr, LicenseId):
        yield expr
    else:
        for arg in expr.args:
            yield from licenses(arg)


def keys(expr: Expr) -> tuple[str, ...]:
    """The ids an expression names, license and exception keys alike, unique, in the order written."""
    out: dict[str, None] = {}
    for leaf in licenses(expr):
        out[leaf.key] = None
        if leaf.exception is not None:
            out[leaf.exception] = None
    return tuple(out)


def leaves(expr: Expr) -> tuple[str, ...]:
    """The licenses of an expression, rendered (a ``WITH`` pair stays one leaf), sorted, unique."""
    return tuple(sorted({render(leaf) for leaf in licenses(expr)}))


def terms(expr: Expr) -> tuple[Expr, ...]:
    """The operands of a top-level AND; any other expression is one term."""
    return expr.args if isinstance(expr, And) else (expr,)


def alternatives(expr: Expr, cap: int) -> list[tuple[LicenseId, ...]]:
    """The OR-free alternatives of ``expr``: each a set of leaves (sorted by rendering) that satisfies it,
    unique, in the order the branches are written; at most ``cap`` kept at each step."""
    if isinstance(expr, LicenseId):
        return [(expr,)]
    if isinstance(expr, Or):
        found = [option for arg in expr.args for option in alternatives(arg, cap)]
        return list(dict.fromkeys(found))[:cap]
    combos: list[tuple[LicenseId, ...]] = [()]
    for arg in expr.args:
        combos = [tuple(sorted({*a, *b}, key=render)) for a in combos for b in alternatives(arg, cap)][:cap]
    return list(dict.fromkeys(combos))


# --- the license-expression library ---------------------------------------------------------------


class ExpressionError(ValueError):
    """An expression that cannot be read (syntax, or an id where it cannot stand)."""


@dataclass(frozen=True, slots=True)
class KnownId:
    """An id the grammar knows, with the other spellings the library should read as it."""

    key: str
    aliases: tuple[str, ...] = ()
    is_exception: bool = False
    is_deprecated: bool = False


def render_keys(text: str) -> str | None:
    """An expression of keys (ScanCode's, say) as the library renders it with no id table (None: it cannot
    be parsed): what ScanCode itself does before it maps each key to its SPDX id."""
    try:
        return str(_le.Licensing().parse(text))
    except Exception:  # noqa: BLE001 - the library raises several error types; unparseable either way
        return None


def is_valid_key(spelling: str) -> bool:
    """Whether the library accepts ``spelling`` as a key or an alias."""
    return _le.is_valid_license_key(spelling) is not None


class Grammar:
    """The library's ``Licensing`` over the known ids: parses to the typed tree."""

    def __init__(self, known: Iterable[KnownId]) -> None:
        symbols = [_le.LicenseSymbol(k.key, aliases=k.aliases, is_exception=k.is_exception,
                                     is_deprecated=k.is_deprecated) for k in known]
        self._licensing: Any = _le.Licensing(symbols)
        self.known: frozenset[str] = frozenset(str(k) for k in self._licensing.known_symbols)

    def parse(self, text: str) -> Expr | None:
        """The tree of ``text`` (operators as the library reads them: any case, parentheses; ids as
        written, known spellings as their key); None for a blank one. Raises ExpressionError."""
        try:
            return self._parse(text)
        except _le.ExpressionError as exc:
            raise ExpressionError(str(exc).strip() or type(exc).__name__) from exc

    def _parse(self, text: str) -> Expr | None:
        tree = self._licensing.parse(text, simple=True)
        return None if tree is None else _typed(tree)

    def unknown_keys(self, expr: Expr) -> tuple[str, ...]:
        """The ids in ``expr`` the grammar does not know, unique, in the order written."""
        return tuple(k for k in keys(expr) if k not in self.known)

    def equivalent(self, a: Expr, b: Expr) -> bool:
        """Logically the same (the library's simplification: "MIT OR Apache-2.0" is "Apache-2.0 OR MIT")."""
        if a == b:
            return True
        try:
            ta, tb = self._licensing.parse(render(a), simple=True), self._licensing.parse(render(b), simple=True)
        except _le.ExpressionError:
            return False
        return bool(self._licensing.is_equivalent(ta, tb))


def _typed(node: Any) -> Expr:
    if isinstance(node, _le.LicenseWithExceptionSymbol):
        return LicenseId(str(node.license_symbol.key), str(node.exception_symbol.key))
    if isinstance(node, _le.BaseSymbol):
        return LicenseId(str(node.key))
    if isinstance(node, (_le.AND, _le.OR)) and len(node.args) >= 2:
        args = tuple(_typed(arg) for arg in node.args)
        return And(args) if isinstance(node, _le.AND) else Or(args)
    raise _le.ExpressionError(f"unexpected element in a license expression: {node!r}")
