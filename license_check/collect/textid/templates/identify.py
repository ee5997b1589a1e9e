"""Which SPDX licenses and exceptions a text is, and what a near match made elsewhere lacks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from license_check.collect.textid.templates.match import find
from license_check.collect.textid.templates.program import Elem, Lit, Template, all_templates, template
from license_check.collect.textid.templates.text import Text, read_text
from license_check.knowledge.textrules import Boilerplate


@dataclass(frozen=True, slots=True)
class Part:
    """One license or exception text found in the file, and the siblings whose template matched it too."""

    id: str
    exception: bool
    start: int
    end: int
    siblings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateMatch:
    expression: str | None  # None: templates matched, but the file is not only them (see detail)
    parts: tuple[Part, ...]
    version_ambiguous: bool  # a GPL-family text whose -only and -or-later templates are the same
    residue: str  # the text outside the matched parts
    detail: str = ""


def _only_or_later(ids: Sequence[str]) -> str | None:
    """The -only id when the ids are exactly an -only / -or-later pair (same text, B: the notice decides)."""
    if len(ids) != 2:
        return None
    a, b = sorted(ids)
    if a.endswith("-only") and b == a[: -len("-only")] + "-or-later":
        return a
    return None


def candidates(text: Text) -> list[Template]:
    present = set(text.tokens)
    return [t for t in all_templates() if t.size and t.probe <= present and t.required <= present]


def _choose(group: list[Template], start: int, end: int) -> tuple[Part, bool]:
    """The most specific template; between siblings with the same text, the base id (-only, shortest)."""
    group.sort(key=lambda t: (-t.size, not t.id.endswith("-only"), len(t.id), t.id))
    top = [t for t in group if t.size == group[0].size]
    pair = _only_or_later([t.id for t in top])
    chosen = top[0]
    siblings = tuple(t.id for t in group if t.id != chosen.id)
    # a GPL-family text says nothing of "or later": that is the notice's to say (as fastpath's specs)
    later = chosen.id.endswith("-only") and template(chosen.id[: -len("-only")] + "-or-later") is not None
    return Part(chosen.id, chosen.exception, start, end, siblings), pair is not None or later


def matched_parts(text: Text) -> tuple[list[Part], bool]:
    """The non-overlapping license and exception texts in the text, longest first, in text order."""
    spans: dict[tuple[int, int], list[Template]] = {}
    for tpl in candidates(text):
        span = find(tpl, text)
        if span is not None:
            spans.setdefault(span, []).append(tpl)
    chosen: list[Part] = []
    ambiguous = False
    for (start, end), group in sorted(spans.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0])):
        if any(start < p.end and p.start < end for p in chosen):
            continue
        part, pair = _choose(group, start, end)
        chosen.append(part)
        ambiguous = ambiguous or pair
    chosen.sort(key=lambda p: p.start)
    return chosen, ambiguous


def expression_of(parts: Sequence[Part]) -> str | None:
    """Licenses joined by AND; an exception goes WITH the license before it (or else the one after it)."""
    licenses = [p for p in parts if not p.exception]
    if not licenses:
        return None
    terms: dict[str, list[str]] = {p.id: [] for p in licenses}
    for part in parts:
        if part.exception:
            before = [p for p in licenses if p.start < part.start]
            owner = before[-1] if before else licenses[0]
            terms[owner.id].append(part.id)
    out: list[str] = []
    for license_id, exceptions in terms.items():
        out.extend([f"{license_id} WITH {e}" for e in exceptions] or [license_id])
    unique = list(dict.fromkeys(out))
    if len(unique) == 1:
        return unique[0]
    return " AND ".join(f"({e})" if " WITH " in e else e for e in unique)


def identify(raw: str, bp: Boilerplate) -> TemplateMatch | None:
    """The SPDX licenses the text is, exactly; None when no template matches any part of it. ``bp``: the
    scan's Knowledge.boilerplate, for the gate on what the text says besides the templates."""
    from license_check.collect.textid import gate  # the gate and its patterns: only needed here

    text = read_text(raw)
    if not text.tokens:
        return None
    parts, ambiguous = matched_parts(text)
    if not parts:
        return None
    residue = text.outside([(p.start, p.end) for p in parts])
    expression = expression_of(parts)
    names = ", ".join(p.id for p in parts)
    if expression is None:
        return TemplateMatch(None, tuple(parts), False, residue,
                             f"the text of {names} (an exception), without the license it is an exception to")
    verdict = gate.harmless(bp, residue)
    if not verdict.ok:
        return TemplateMatch(None, tuple(parts), ambiguous, residue,
                             f"SPDX's {names} text, but the file also says: \"{verdict.offending[:200]}\"")
    grants = [g for g in dict.fromkeys(verdict.grants) if g != expression]  # "sample code is waived via CC0"
    if grants:
        expression = " AND ".join(f"({e})" if " " in e else e for e in (expression, *grants))
    return TemplateMatch(expression, tuple(parts), ambiguous, residue)


MIN_CLAUSE_WORDS = 6  # required words missing in a row: a deleted clause, not a variant


def missing_clause(spdx_id: str, raw: str) -> str | None:
    """A run of the license's required words that the text lacks (a deleted clause), or None.

    For near matches made elsewhere (ScanCode): a text that drops a clause of its license is a modified
    license, not the license. Optional and replaceable parts of the template are not required."""
    tpl = template(spdx_id)
    if tpl is None:
        return None
    from license_check.collect.textid.seqmatch import Matcher  # only for near matches: most scans never get here

    required = [w for e in tpl.elems for w in _required_words(e)]
    tokens = read_text(raw).tokens
    matcher = Matcher(required, tokens)  # difflib.SequenceMatcher(None, required, tokens, autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op in ("delete", "replace") and sum(map(_substantive, required[i1:i2])) >= MIN_CLAUSE_WORDS:
            return " ".join(required[i1:i2])
    return None


_LINKING = frozenset({
    "a", "an", "and", "or", "of", "the", "to", "in", "on", "for", "by", "as", "at", "be", "is", "are", "this",
    "that",
})


def _substantive(word: str) -> bool:
    """A word that carries terms: not a number, a letter or a linking word (section numbers differ)."""
    return len(word) > 1 and word.isalpha() and word not in _LINKING


def _required_words(elem: Elem) -> tuple[str, ...]:
    return elem.words if isinstance(elem, Lit) else ()
