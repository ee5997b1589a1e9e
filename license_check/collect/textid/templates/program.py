"""SPDX templates compiled for matching: literal words, optional parts, replaceable parts, bullets."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from license_check.collect.textid.templates.data import distinct, entries, nodes, parsed
from license_check.collect.textid.templates.text import Tables, words
from license_check.gcpause import paused
from license_check.knowledge.data import load_spdx_ids, rules_dir


@dataclass(frozen=True, slots=True)
class Lit:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Opt:
    body: tuple[Elem, ...]
    title: bool = False  # the license's title (B.12): texts put it above their preamble too


@dataclass(frozen=True, slots=True)
class Copyright:
    """The copyright notice (B.11): nothing, the template's own notice, or whole copyright lines."""

    body: tuple[Elem, ...] = ()


@dataclass(frozen=True, slots=True)
class Bullet:
    """A list bullet (B.8): nothing, its own words ("Section 1."), or one bullet-like word."""

    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Var:
    strict: re.Pattern[str]
    loose: re.Pattern[str]
    default: tuple[str, ...]
    wildcard: bool  # the pattern takes any text (".+"): a name, never a restriction
    empty: bool  # may be no words at all (a punctuation-only or empty-matching pattern)
    width: int | None = None  # the most characters the part's own pattern can match (None: no bound)


Elem = Lit | Opt | Copyright | Bullet | Var
_WILDCARD = re.compile(r"(?<!\\)\.(?:[*+]|\{)")


def _var(match: str, default: str) -> Var:
    default_words = tuple(words(default))
    try:
        strict = re.compile(rf"\s*(?:{match})\s*", re.IGNORECASE | re.DOTALL)
        loose = re.compile(rf"[\W_]*?(?:{match})[\W_]*", re.IGNORECASE | re.DOTALL)
        width = max_width(match, re.IGNORECASE | re.DOTALL)
    except re.error:  # a pattern Python cannot read: only the default text matches
        strict = loose = re.compile(re.escape(" ".join(default.split())), re.IGNORECASE)
        width = None
    empty = not default_words or strict.fullmatch("") is not None
    return Var(strict, loose, default_words, bool(_WILDCARD.search(match)), empty, width)


def max_width(pattern: str, flags: int) -> int | None:
    """The most characters ``pattern`` can match, from the parse tree ``re`` compiles it from (its own bound,
    the one look-behinds are checked with); None when it has none (``+``, ``*``) or cannot be worked out."""
    parser: Any = getattr(re, "_parser", None)
    try:
        high = int(parser.parse(pattern, flags).getwidth()[1])
        return high if high < int(parser.MAXREPEAT) else None
    except Exception:  # noqa: BLE001 - no bound: every candidate end is tried, as before
        return None


def compile_nodes(nodes: Sequence[Any]) -> tuple[Elem, ...]:
    out: list[Elem] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append(Lit(tuple(pending)))
            pending.clear()

    for node in nodes:
        if isinstance(node, str):
            pending.extend(words(node))
            continue
        kind = node[0]
        if kind == "p":
            continue
        flush()
        if kind in ("o", "t"):
            body = compile_nodes(node[1])
            if body:
                out.append(Opt(body, title=kind == "t"))
        elif kind == "c":
            out.append(Copyright(compile_nodes(node[1])))
        elif kind == "b":
            out.append(Bullet(tuple(words(str(node[1])))))
        elif kind == "v":
            out.append(_var(str(node[1]), str(node[2])))
    flush()
    return tuple(out)


def required_words(nodes: Sequence[Any], equivalents: Tables | None = None) -> list[str]:
    """The words every match of the template contains: its text outside optional and replaceable parts.
    scripts/gen_spdx.py stores them with each template (a word pass over 5 MB costs half a second)."""
    return words(" ".join(" . " if not isinstance(n, str) else n for n in nodes if isinstance(n, str) or n[0] == "v"),
                 equivalents)


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    exception: bool
    size: int  # how many required words: the more, the more specific
    probe: frozenset[str]  # a few of the required words (the rarest): a text without one of them cannot match

    @property
    def required(self) -> frozenset[str]:
        """The words every match contains (outside optional and replaceable parts)."""
        return _required(self.id)

    @property
    def nodes(self) -> list[Any]:
        return nodes(self.id)

    @property
    def elems(self) -> tuple[Elem, ...]:
        return _compiled(self.id)


@functools.cache
def _compiled(spdx_id: str) -> tuple[Elem, ...]:
    return compile_nodes(nodes(spdx_id))


@functools.cache
def _required(spdx_id: str) -> frozenset[str]:
    """Stored with each template ([how many, "the distinct words"]: scripts/gen_spdx.py), else worked out."""
    words = distinct(spdx_id)
    return frozenset(words.split()) if words is not None else frozenset(required_words(nodes(spdx_id)))


def _listed() -> list[tuple[str, int, frozenset[str]]]:
    """Each template of the file, in its order: id, how many required words, its probe words."""
    listed = entries()
    if listed is not None:
        return [(e.id, e.size, frozenset(e.probe)) for e in listed]
    whole = parsed() or {}
    stored = whole.get("required", {})
    out = []
    for spdx_id, template_nodes in whole["templates"].items():
        if spdx_id in stored:  # [how many, "the distinct words"]: a cheap pre-filter
            size, distinct = int(stored[spdx_id][0]), frozenset(str(stored[spdx_id][1]).split())
        else:
            required = required_words(template_nodes)
            size, distinct = len(required), frozenset(required)
        out.append((spdx_id, size, distinct))
    return out


@functools.cache
@paused
def all_templates() -> tuple[Template, ...]:
    """Every current (not deprecated) SPDX license and exception (compiled on first use of each)."""
    ids = load_spdx_ids(rules_dir()).entries
    deprecated = {e.id for e in ids if e.deprecated}
    exceptions = {e.id for e in ids if e.is_exception}
    return tuple(Template(spdx_id, spdx_id in exceptions, size, probe) for spdx_id, size, probe in _listed()
                 if spdx_id not in deprecated)


@functools.cache
def _by_id() -> dict[str, Template]:
    return {t.id: t for t in all_templates()}


def template(spdx_id: str) -> Template | None:
    return _by_id().get(spdx_id)


def reference_text(spdx_id: str, optional: bool = True) -> str:
    """SPDX's text of a license or exception, its default wording (KeyError for an unknown id)."""
    return render(nodes(spdx_id), optional)


def render(nodes: Sequence[Any], optional: bool = True) -> str:
    """A template's text with its default parts (optional parts included or left out)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == "p":
            out.append("\n\n")
        elif node[0] == "b":
            out.append(f"\n{node[1]} ")
        elif node[0] == "o" and optional:
            out.append(f" {render(node[1], optional).strip()} ")
        elif node[0] in ("t", "c") and (optional or node[0] == "c"):
            out.append(f"\n\n{render(node[1], optional).strip()}\n\n")
        elif node[0] == "v":
            out.append(f" {node[2]} " if node[2] and node[2][0].isalnum() else str(node[2]))
    text = "".join(out)
    paragraphs = (p for p in re.split(r"\n\s*\n", text) if p.strip())
    return "\n\n".join("\n".join(" ".join(line.split()) for line in p.strip().split("\n")) for p in paragraphs) + "\n"
