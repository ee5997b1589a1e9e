"""ScanCode, loaded lazily, for license texts the fast path (fastpath) does not know.

Nothing of ScanCode is imported when this module is imported: the first ``identify`` call imports
``licensedcode``, loads its license index once per process (≈3.5 s and ≈1 GB with gc off during the
load) and logs which file needed it. Every ScanCode failure becomes an outcome, never an exception.

A detection is accepted only with good confidence:

* every match scores at least MIN_MATCH_SCORE (ScanCode's score already folds in rule coverage and
  relevance) and ScanCode has no doubt about the detection (unknown parts, clues, false positive);
* the matches explain the file: the words they leave unmatched (outside them, or inside an
  approximate match), apart from copyright lines and markup, are at most MAX_UNEXPLAINED_WORDS
  (and at most MAX_UNEXPLAINED_SHARE of the file), and none is operative ("not", "commercial",
  "only", ...) - a rider never rides along;
* inside an approximate match, the rule words the file lacks are at most MAX_HOLE_WORDS and none
  carries the grant ("sell", "modify", "no", ...); a missing title before or after is tolerated;
* no "unknown" license key is part of the result.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from license_check.collect.textid import NOT_FINAL_DETAILS as NOT_FINAL_DETAILS
from license_check.collect.textid import gate, templates
from license_check.collect.textid.fastpath import GRANT_WORDS, OPERATIVE_PREFIXES, OPERATIVE_WORDS, normalize_tokens
from license_check.knowledge.book import Knowledge
from license_check.knowledge.normalize import Normalizer

MIN_MATCH_SCORE = 90.0  # per match, 0-100
MAX_UNEXPLAINED_WORDS = 30
MAX_UNEXPLAINED_SHARE = 0.2
MAX_HOLE_WORDS = 20  # rule words missing inside one approximate match (no grant word, ever) ...
HOLE_SHARE = 0.02  # ... or up to 2 % of a long rule (URLs and headings of a long text's variant)

# ScanCode's own doubts about a detection (licensedcode.detection.DetectionRule values). Its
# "extra-words" and "imperfect-match-coverage" are not here: judge() looks at those words itself.
DOUBT_FLAGS = frozenset({
    "unknown-match", "license-clues", "low-quality-matches", "possible-false-positive",
    "unknown-reference-to-local-file", "undetected-license",
    "unknown-reference-in-file-to-package", "unknown-reference-in-file-to-nonexistent-package",
})
UNKNOWN_KEY = re.compile(r"unknown", re.IGNORECASE)
GPL_KEY = re.compile(r"^(?:a|l)?gpl-\d\.\d$")  # a bare GPL-family key: -only, not -plus
GPL_PLUS_KEY = re.compile(r"^(?:a|l)?gpl-\d\.\d-plus$")  # "or later": a notice with it settles the version
_EXACT_MATCHERS = frozenset({"1-hash", "1-spdx-id", "2-aho"})

# (unmatched words inside the match, normalized; rule words missing inside the match) for one match.
Inspector = Callable[[Any], tuple[list[str], list[str]]]


class Status:
    IDENTIFIED = "identified"
    LOW_CONFIDENCE = "low-confidence"
    NO_LICENSE = "no-license"
    TIMEOUT = "timeout"
    ERROR = "error"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    status: str  # a Status value
    expression: str | None = None  # accepted SPDX expression (IDENTIFIED only)
    confidence: float | None = None  # 0..1
    version_ambiguous: bool = False  # a bare GPL-family text, as in fastpath
    detail: str = ""  # what ScanCode saw, and why it was not accepted
    seconds: float = 0.0


@dataclass(slots=True)
class _State:
    index: Any = None
    detect: Callable[..., Any] | None = None
    error: str | None = None  # why ScanCode cannot be used (import or load failed)
    load_seconds: float = 0.0
    temp_dir: str | None = None


_STATE = _State()


def index_loaded() -> bool:
    return _STATE.index is not None


def load_seconds() -> float:
    return _STATE.load_seconds


def cleanup() -> None:
    """What the atexit handlers would do, for a process that ends with os._exit (skipping the index's teardown)."""
    if _STATE.temp_dir:
        shutil.rmtree(_STATE.temp_dir, ignore_errors=True)


def _private_temp() -> None:
    """scancode_config makes a temp folder on import: give it a private one, removed at exit."""
    if os.environ.get("SCANCODE_TEMP"):
        return
    _STATE.temp_dir = tempfile.mkdtemp(prefix="license-check-scancode-")
    os.environ["SCANCODE_TEMP"] = _STATE.temp_dir
    atexit.register(shutil.rmtree, _STATE.temp_dir, True)


def ensure_loaded(reason: str, log: Callable[[str], None]) -> str | None:
    """Import ScanCode and load its index once per process. Returns None, or why it is unavailable."""
    if _STATE.index is not None or _STATE.error is not None:
        return _STATE.error
    log(f"loading ScanCode's license index (a few seconds, about 1 GB) because {reason}")
    start = time.perf_counter()
    was_enabled = gc.isenabled()
    gc.disable()  # the index is ~millions of objects: collections during the load only cost time
    try:
        _private_temp()
        from licensedcode import cache
        from licensedcode.detection import detect_licenses

        _STATE.index = cache.get_index()
        _STATE.detect = detect_licenses
    except Exception as exc:  # ImportError, pluggy's ValueError, a corrupt index cache, ...
        _STATE.error = f"{type(exc).__name__}: {exc}"
        log(f"ScanCode is unavailable: {_STATE.error}")
        return _STATE.error
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()  # the index lives for the whole process: keep it out of later collections
    _STATE.load_seconds = time.perf_counter() - start
    log(f"ScanCode's license index loaded in {_STATE.load_seconds:.1f} s")
    return None


def identify(abspath: str, text: str, display: str, timeout: float, log: Callable[[str], None],
             knowledge: Knowledge) -> ScanOutcome:
    """Identify the license text in the file at ``abspath`` (``text`` is its content, already read); ScanCode's
    keys are read and its residue gated with ``knowledge``, the scan's."""
    error = ensure_loaded(f"{display} is not a license text the fast path knows", log)
    if error is not None:
        return ScanOutcome(Status.UNAVAILABLE, detail=error)
    assert _STATE.detect is not None
    start = time.perf_counter()
    deadline = time.time() + timeout
    try:
        detections = list(_STATE.detect(index=_STATE.index, location=abspath, deadline=deadline))
    except Exception as exc:
        return ScanOutcome(Status.ERROR, detail=f"ScanCode failed: {type(exc).__name__}: {exc}",
                           seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    if time.time() > deadline:
        return ScanOutcome(Status.TIMEOUT, detail=f"ScanCode did not finish within {timeout:g} s", seconds=seconds)
    try:
        outcome = judge(detections, text, _inspect, knowledge)
    except Exception as exc:  # an unexpected shape from ScanCode: report, never crash
        return ScanOutcome(Status.ERROR, detail=f"unexpected ScanCode result: {type(exc).__name__}: {exc}",
                           seconds=seconds)
    said = outcome.expression or outcome.detail
    log(f"ScanCode on {display}: {outcome.status}{f' ({said})' if said else ''}, {seconds * 1000:.0f} ms")
    return ScanOutcome(outcome.status, outcome.expression, outcome.confidence, outcome.version_ambiguous,
                       outcome.detail, seconds)


def judge(detections: list[Any], text: str, inspect: Inspector, knowledge: Knowledge) -> ScanOutcome:
    """Decide whether ScanCode's detections identify the whole file with good confidence."""
    found = [d for d in detections if d.license_expression_spdx]
    if not found:
        return ScanOutcome(Status.NO_LICENSE, detail="ScanCode found no license in it")
    expressions = _unique([str(d.license_expression_spdx) for d in found])
    expression = with_exceptions(expressions, knowledge.normalizer)
    seen = f"ScanCode saw {expression}"
    matches = [m for d in detections for m in d.matches]
    flags = sorted({str(flag) for d in detections for flag in (d.detection_log or ())} & DOUBT_FLAGS)
    if flags:
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, with doubts ({', '.join(flags)})")
    if any(d.license_expression_spdx is None for d in detections):
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, plus unidentified license clues")
    keys = [str(m.rule.license_expression) for m in matches]
    if any(UNKNOWN_KEY.search(k) for k in keys) or UNKNOWN_KEY.search(expression):
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, which includes an unknown license")
    low = min(float(m.score()) for m in matches)
    if low < MIN_MATCH_SCORE:
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, but a match scores only {low:.0f}/100")
    rest = unexplained_text(text, [(int(m.start_line), int(m.end_line)) for m in matches])
    unexplained, total = normalize_tokens(rest), len(normalize_tokens(text))
    outside = gate.harmless(knowledge.boilerplate, rest)
    if not outside.ok:  # the one gate (gate.py): only recognised boilerplate may stand beside the match
        return ScanOutcome(Status.LOW_CONFIDENCE,
                           detail=f"{seen}, but the file also says: \"{outside.offending[:200]}\"")
    inside_words: list[str] = []
    holes: list[str] = []
    hole_limit = MAX_HOLE_WORDS
    for m in matches:
        if str(getattr(m, "matcher", "")) in _EXACT_MATCHERS and float(m.coverage()) >= 100:
            continue  # an exact, complete match has no gaps
        inside, missing = inspect(m)
        inside_words += inside
        holes += missing
        hole_limit = max(hole_limit, int(HOLE_SHARE * int(getattr(m.rule, "length", 0) or 0)))
    grant = sorted(set(holes) & GRANT_WORDS)
    if grant or len(holes) > hole_limit:
        what = f"it lacks license words ({' '.join(grant or holes[:8])})"
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, but {what}")
    # Words inside an approximate match that its rule lacks: a holder's name in a placeholder's place, or
    # an inserted clause. ScanCode does not say where its rule's placeholders are, so inside a match the
    # operative words still decide (a short name passes, "not for commercial use" does not).
    operative = sorted({w for w in inside_words if w in OPERATIVE_WORDS or w.startswith(OPERATIVE_PREFIXES)})
    if operative:
        return ScanOutcome(Status.LOW_CONFIDENCE,
                           detail=f"{seen}, but unmatched text inside it has operative words: {' '.join(operative)}")
    unexplained += inside_words
    share = len(unexplained) / total if total else 0.0
    if len(unexplained) > MAX_UNEXPLAINED_WORDS or share > MAX_UNEXPLAINED_SHARE:
        return ScanOutcome(Status.LOW_CONFIDENCE,
                           detail=f"{seen}, but {len(unexplained)} words ({share:.0%}) of the file are unmatched")
    deleted = _deleted_clause(matches, text, knowledge.normalizer)
    if deleted is not None:
        return ScanOutcome(Status.LOW_CONFIDENCE, detail=f"{seen}, but {deleted}")
    ambiguous = any(_is_bare_gpl_text(m) for m in matches) and not any(_is_gpl_notice(m) for m in matches)
    confidence = round(low / 100 * (1 - share), 4)
    return ScanOutcome(Status.IDENTIFIED, expression, confidence, ambiguous, detail=seen)


def _inspect(match: Any) -> tuple[list[str], list[str]]:
    """ScanCode's view of one approximate match: unmatched words inside it, rule words missing inside it."""
    from licensedcode.stopwords import STOPWORDS  # markup words ScanCode never matches ("a", "p", "br")

    inside = match.matched_text(whole_lines=False, highlight=True, highlight_matched="",
                                highlight_not_matched="{}", _usecache=False)
    unmatched = [w for w in normalize_tokens(str(inside)) if w not in STOPWORDS]
    index = _STATE.index
    tids = index.tids_by_rid[match.rule.rid]
    words = index.tokens_by_tid
    span = match.ispan
    missing = [str(words[tids[i]]) for i in range(span.start, span.end + 1) if i not in span]
    return unmatched, missing


def unexplained_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The lines outside every match (a blank line where matched lines were, so sentences do not join)."""
    lines = text.splitlines()
    covered = [False] * (len(lines) + 2)
    for start, end in spans:
        for n in range(max(start, 1), min(end, len(lines)) + 1):
            covered[n] = True
    return "\n".join("" if covered[n] else line for n, line in enumerate(lines, 1))


def _rule_keys(match: Any) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9.+_-]*", str(match.rule.license_expression).lower())


def _is_bare_gpl_text(match: Any) -> bool:
    return bool(match.rule.is_license_text) and any(GPL_KEY.match(k) for k in _rule_keys(match))


def _is_gpl_notice(match: Any) -> bool:
    """A notice or tag that names a GPL-family license settles its version (-only or -or-later)."""
    return not bool(match.rule.is_license_text) and any(
        GPL_KEY.match(k) or GPL_PLUS_KEY.match(k) for k in _rule_keys(match)
    )


def with_exceptions(expressions: list[str], norm: Normalizer) -> str:
    """Detections joined by AND, where an exception's text goes WITH the license text before it (or, with
    none before, after it): a license text followed by an exception text is "LICENSE WITH EXCEPTION"."""
    exceptions = norm.exceptions  # SPDX's and ScanCode's
    terms: list[str] = []
    for expression in expressions:
        parts = expression.split(" AND ") if "(" not in expression and " OR " not in expression else [expression]
        terms += [p.strip() for p in parts]
    if all(t in exceptions for t in terms) or not any(t in exceptions for t in terms):
        unique = _unique(terms)
        return " AND ".join(_paren(e) for e in unique) if len(unique) > 1 else unique[0]
    out: list[str] = []
    pending: list[str] = []  # exceptions seen before any license
    for term in terms:
        if term not in exceptions:
            out.append(term)
            for exception in pending:
                out[-1] = _attach(out[-1], exception)
            pending.clear()
        elif out:
            out[-1] = _attach(out[-1], term)
        else:
            pending.append(term)
    unique = _unique(out)
    return " AND ".join(f"({e})" if " WITH " in e or " AND " in e or " OR " in e else e for e in unique) \
        if len(unique) > 1 else unique[0]


def _attach(license_term: str, exception: str) -> str:
    if " " in license_term:  # already "X WITH Y" or a compound: the exception stands beside it
        return f"{license_term} AND {exception}" if " WITH " not in license_term else license_term
    return f"{license_term} WITH {exception}"


def _deleted_clause(matches: list[Any], text: str, norm: Normalizer) -> str | None:
    """Why a near match is a modified license: it lacks a run of its SPDX text's required words."""
    for m in matches:
        if str(getattr(m, "matcher", "")) in _EXACT_MATCHERS and float(m.coverage()) >= 100:
            continue
        keys = [k for k in _rule_keys(m) if k not in ("and", "or", "with")]
        if len(keys) != 1:
            continue
        spdx = norm.resolve(keys[0])
        missing = templates.missing_clause(spdx, text) if spdx else None
        if missing is not None:
            return (f"the text lacks words of {spdx}'s own text (\"{missing[:160]}\"): a license with a clause "
                    "deleted is a modified license, not that license")
    return None


def _paren(expression: str) -> str:
    return f"({expression})" if " AND " in expression or " OR " in expression else expression


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
