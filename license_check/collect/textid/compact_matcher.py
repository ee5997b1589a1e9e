"""The compact matcher: ScanCode's answer on a file made of its license texts and notices, without its index.

A license file that is ScanCode license texts or notice rules word for word is identified as ScanCode's
full index would identify it, without loading that index.

A file is settled here only when nothing is left to ScanCode's judgement:

* its ScanCode tokens are one or more whole rules of the compact index (compact_index), end to end or
  apart, each found by its fingerprint and then re-read from ScanCode's data file and compared token by
  token; no two candidates overlap without one containing the other, and a span two rules share has
  one license expression;
* every other line that has a token is a copyright line that names a holder and nothing more, or the
  text outside the rules is connective prose the gate accepts (its connectives, author lines: no title, URL
  or SPDX line, no license name), and no rule the index never settles (a reference, tag, intro, clue, false
  positive or short rule) could match outside the rules found;
* what scancode_matcher.judge would then decide of those matches is decided the same way, with the same
  gate and limits: the text outside them is recognised boilerplate, the bare-GPL version ambiguity, the
  confidence. A text that judge would refuse is not refused here: it is deferred.

Anything else returns None, and the caller loads ScanCode's full index as before. The SPDX ids are those of
the keys' own ``.LICENSE`` files (``spdx_license_key``), re-read for the few keys a match names.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from license_check.collect.textid import compact_index, gate
from license_check.collect.textid import scancode_matcher as full
from license_check.collect.textid.compact_index import ANCHOR, CompactIndex, fingerprint
from license_check.collect.textid.fastpath import normalize_tokens
from license_check.gcpause import collector_paused
from license_check.knowledge.book import Knowledge
from license_check.knowledge.expression import render_keys

METHOD = "scancode-compact"
SWITCH_ENV = "LICENSE_CHECK_COMPACT_INDEX"  # "0": never use the compact index (benchmarks, tests of the full one)
_KEY = re.compile(r"[a-z0-9][a-z0-9.+_-]*")
_OPERATORS = frozenset({"and", "or", "with"})
# Line breaks of str.splitlines that a file read by lines (ScanCode) does not break at: form feed, U+2028, ...
_OTHER_BREAKS = re.compile(r"[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]")  # beyond Latin and punctuation


@dataclass(frozen=True, slots=True)
class Segment:
    """One rule found whole in the file: token positions [start, end) and the lines they are on."""

    start: int
    end: int
    name: str  # the rule's file, relative to licensedcode/data
    expression: str  # ScanCode keys, as the rule file says
    is_text: bool  # a license text (not a notice)
    start_line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Query:
    """A file as ScanCode's matcher reads it: its tokens, each with its line number (from 1)."""

    words: tuple[str, ...]
    lines: tuple[int, ...]
    ids: tuple[int, ...]  # compact_index.token_ids(words)


def query(text: str, stop: frozenset[str]) -> Query:
    words: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        found = compact_index.tokens(line, stop)
        words += found
        lines += [number] * len(found)
    return Query(tuple(words), tuple(lines), compact_index.token_ids(words))


def candidates(q: Query, index: CompactIndex) -> list[tuple[int, int, int]]:
    """(start, end, rule number) of every rule whose fingerprint matches a span of the file."""
    ids, n = q.ids, len(q.ids)
    found = []
    for i in range(n - ANCHOR + 1):
        numbers = index.anchors.get(fingerprint(ids[i:i + ANCHOR]))
        for number in numbers or ():
            end = i + index.lengths[number]
            if end <= n and fingerprint(ids[i:end]) == index.fulls[number]:
                found.append((i, end, number))
    return found


def _rule(data: Path, name: str, stop: frozenset[str]) -> tuple[dict[str, str], list[str]] | None:
    try:
        raw = (data / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    meta, text = compact_index.split_front_matter(raw)
    return meta, compact_index.tokens(text, stop)


def segments(q: Query, index: CompactIndex, data: Path, stop: frozenset[str]) -> list[Segment] | None:
    """The rules the file is made of, verified against their data files, in file order; None to defer."""
    found = candidates(q, index)
    chosen: list[tuple[int, int, list[int]]] = []  # longest first, as ScanCode keeps the larger of two matches
    for start, end, number in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        same = next((c for c in chosen if c[0] == start and c[1] == end), None)
        if same is not None:
            same[2].append(number)
            continue
        if any(start >= c[0] and end <= c[1] for c in chosen):
            continue  # contained in a larger match: ScanCode drops it too
        if any(start < c[1] and c[0] < end for c in chosen):
            return None  # overlapping without containment: how ScanCode resolves it is its own
        chosen.append((start, end, [number]))
    out: list[Segment] = []
    for start, end, numbers in sorted(chosen):
        expressions: set[str] = set()
        is_text = False
        name = ""
        for number in numbers:
            name = index.names[number]
            read = _rule(data, name, stop)
            if read is None or tuple(read[1]) != q.words[start:end]:
                return None  # the index is stale or a hash collided: never trust it
            meta, _ = read
            is_license_file = name.startswith("licenses/")
            if not compact_index.settles(meta, is_license_file):
                return None
            expressions.add(meta["key"] if is_license_file else meta["license_expression"])
            is_text = is_text or is_license_file or meta.get("is_license_text", "no") not in ("", "no")
        if len(expressions) != 1:
            return None  # the same words stand for two licenses in ScanCode's data
        out.append(Segment(start, end, name, expressions.pop(), is_text, q.lines[start], q.lines[end - 1]))
    return out


def _outside(q: Query, segs: list[Segment]) -> list[int]:
    covered = [False] * len(q.words)
    for s in segs:
        covered[s.start:s.end] = [True] * (s.end - s.start)
    return [i for i, c in enumerate(covered) if not c]


# What a file may say outside the rules found, besides copyright lines: the gate's connectives (reviewed
# sentences that join or date license texts: "For AES encryption support, files under the following license
# are used:", "Issue Date: 18th November 2008"), author lines and markup. Titles, URLs and SPDX lines are
# ScanCode's to read (as references of their own), and so is any license name outside a copyright line.
_PLAIN_KINDS = frozenset({"copyright", "author", "markup", "connective"})


def _outside_plain(q: Query, segs: list[Segment], lines: list[str], verdict: gate.Verdict) -> bool:
    """Whether the tokens outside ``segs`` are copyright lines, or (``verdict``: the gate on the text outside)
    connective prose that names no license."""
    others = [i for i in _outside(q, segs) if not gate.copyright_line_ok(lines[q.lines[i] - 1])]
    if not others:
        return True
    return verdict.kinds <= _PLAIN_KINDS and not any(q.words[i] in gate.LICENSE_NAME_WORDS for i in others)


def _others_outside(q: Query, index: CompactIndex, segs: list[Segment]) -> bool:
    """Whether a rule the index never settles may match a span not inside one of ``segs``: one that starts
    outside them (whether or not all its words follow: ScanCode also matches rules approximately), or one
    that starts inside a rule found and runs on past it word for word (inside an exact match ScanCode reads
    no other rule's start, so only an exact continuation could be one)."""
    n = len(q.words)
    for window, heads in index.others.items():
        for i in range(n - window + 1):
            rules = heads.get(fingerprint(q.ids[i:i + window]))
            for length, whole in rules or ():
                if i + length > n or any(s.start <= i and i + length <= s.end for s in segs):
                    continue
                if not any(s.start <= i < s.end for s in segs) or fingerprint(q.ids[i:i + length]) == whole:
                    return True
    return False


def spdx_expression(expression: str, data: Path) -> str | None:
    """ScanCode's SPDX rendering of a key expression (``license_expression_spdx``), or None."""
    rendered = render_keys(expression)
    if rendered is None:  # an expression license-expression cannot parse: leave it to ScanCode
        return None
    ids: dict[str, str] = {}
    for key in set(_KEY.findall(rendered)) - _OPERATORS:
        read = _rule(data, f"licenses/{key}.LICENSE", frozenset())
        spdx = read[0].get("spdx_license_key", "") if read is not None else ""
        if not spdx:
            return None
        ids[key] = spdx
    return _KEY.sub(lambda m: ids.get(m.group(), m.group()), rendered)


def _bare_gpl(segment: Segment) -> bool:
    keys = _KEY.findall(segment.expression.lower())
    return segment.is_text and any(full.GPL_KEY.match(k) for k in keys)


def _gpl_notice(segment: Segment) -> bool:
    keys = _KEY.findall(segment.expression.lower())
    return not segment.is_text and any(
        full.GPL_KEY.match(k) or full.GPL_PLUS_KEY.match(k) for k in keys)


def identify(text: str, index: CompactIndex, data: Path, knowledge: Knowledge) -> full.ScanOutcome | None:
    """ScanCode's identification of ``text`` when the compact index can settle it with full confidence, else
    None. ``knowledge`` (the scan's) gates the text outside the matches, as scancode_matcher.judge does."""
    if _OTHER_BREAKS.search(text):
        return None  # lines ScanCode does not count as lines: its match spans and judge's lines would differ
    stop = compact_index.stopwords()
    q = query(text, stop)
    segs = segments(q, index, data, stop) if q.words else None
    if not segs:
        return None
    lines = text.splitlines()
    if any(_NON_LATIN.search(lines[n - 1]) for s in segs for n in range(s.start_line, s.end_line + 1)):
        return None  # how ScanCode reads text in other scripts is its own (a Japanese text it reads otherwise)
    # What judge() does with exact, complete matches: the lines outside them must be boilerplate and few.
    rest = full.unexplained_text(text, [(s.start_line, s.end_line) for s in segs])
    verdict = gate.harmless(knowledge.boilerplate, rest)
    if not verdict.ok:
        return None
    if not _outside_plain(q, segs, lines, verdict):
        return None  # words ScanCode might read as something: its own judgement, not ours
    if _others_outside(q, index, segs):
        return None
    spdx = [spdx_expression(s.expression, data) for s in segs]
    if any(s is None for s in spdx):
        return None
    expression = full.with_exceptions(list(dict.fromkeys(str(s) for s in spdx)), knowledge.normalizer)
    seen = f"ScanCode saw {expression}"
    if full.UNKNOWN_KEY.search(expression):
        return None
    unexplained, total = normalize_tokens(rest), len(normalize_tokens(text))
    share = len(unexplained) / total if total else 0.0
    if len(unexplained) > full.MAX_UNEXPLAINED_WORDS or share > full.MAX_UNEXPLAINED_SHARE:
        return None
    ambiguous = any(_bare_gpl(s) for s in segs) and not any(_gpl_notice(s) for s in segs)
    rules = ", ".join(s.name.rsplit("/", 1)[-1] for s in segs)
    return full.ScanOutcome(full.Status.IDENTIFIED, expression, round(1 - share, 4), ambiguous,
                            detail=f"{seen}: {rules}, word for word")


@dataclass(slots=True)
class _Shared:
    """The process's compact index, loaded on first need (as scancode_matcher keeps ScanCode's own index):
    it is ScanCode's data, not the scan's rules, so one per process serves every scan."""

    loaded: tuple[CompactIndex, Path] | None = None
    error: str | None = None


_SHARED = _Shared()


def shared_index(log: Callable[[str], None]) -> tuple[CompactIndex, Path] | None:
    """The compact index of the installed ScanCode and its data folder, or None (no ScanCode data)."""
    if os.environ.get(SWITCH_ENV, "").strip() == "0":
        return None  # the full index for everything, as before the compact one (bench/: the "before" numbers)
    if _SHARED.loaded is None and _SHARED.error is None:
        from license_check.collect.textid.fastpath import scancode_data_dir

        data = scancode_data_dir()
        if data is None:
            _SHARED.error = "ScanCode's license data is not installed"
            return None
        start = time.perf_counter()
        try:
            with collector_paused():  # tens of thousands of tuples that live for the process
                _SHARED.loaded = (compact_index.load(data, log), data)
        except Exception as exc:  # noqa: BLE001 - a compact index that cannot be had defers to the full one
            _SHARED.error = f"{type(exc).__name__}: {exc}"
            log(f"the compact index of ScanCode's texts is unavailable ({_SHARED.error})")
            return None
        log(f"compact index of ScanCode's texts loaded in {time.perf_counter() - start:.2f} s "
            f"({len(_SHARED.loaded[0].names)} texts and notices)")
    return _SHARED.loaded


def identify_shared(text: str, knowledge: Knowledge, display: str,
                    log: Callable[[str], None]) -> full.ScanOutcome | None:
    """``identify`` with the process's compact index; logs what it settled. Never raises: a failure defers."""
    loaded = shared_index(log)
    if loaded is None:
        return None
    try:
        outcome = identify(text, loaded[0], loaded[1], knowledge)
    except Exception as exc:  # noqa: BLE001 - the full index still answers
        log(f"{display}: the compact index failed ({type(exc).__name__}: {exc}); asking ScanCode's full index")
        return None
    if outcome is not None:
        log(f"{display}: {outcome.expression} by ScanCode's compact index, without its full index ({outcome.detail})")
    return outcome
