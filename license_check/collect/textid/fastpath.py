"""Fast path: identify the full text of a common license without loading ScanCode.

Reference texts come from ScanCode's installed LicenseDB files (``licensedcode/data``), located
with ``importlib.util.find_spec`` so that nothing of ScanCode is imported. Texts are normalized
into word tokens (case, punctuation, markup, numbering, copyright lines and spelling removed), then
matched by an exact hash of the tokens, or else by 5-word shingles with tight, position-aware limits:

* the file must be almost all license (only a short title before it, a few words after it, and
  short holder-name gaps inside it), and the license must be almost all present;
* words the reference does not have must pass the gate (gate.py): a title, a URL, a holder's name at
  the very place of the reference's placeholder, an official rewording; any other addition, in any
  wording, keeps the file from being the standard text;
* words the file drops from the reference may not be grant words ("sell", "modify", "no", ...);
* a number in place of the reference's words passes only as a date or version of a copyright statement
  (numbers.py: libpng's "through 1.6.17, March 26, 2015"), never in the terms ("Version 3.0"); a gap that
  is one whole connective of the gate naming the reference's own license ("This code is released under
  the libpng license") passes as that sentence.

Anything else is left to ScanCode (or reported as unknown): the fast path never guesses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from license_check.collect.textid import gate, numbers
from license_check.collect.textid.reftokens import reference_texts as reference_texts
from license_check.collect.textid.reftokens import reference_tokens
from license_check.collect.textid.reftokens import scancode_data_dir as scancode_data_dir
from license_check.collect.textid.reftokens import strip_front_matter as strip_front_matter
from license_check.collect.textid.specs import REFERENCE_SPECS as REFERENCE_SPECS
from license_check.collect.textid.specs import RefSpec as RefSpec
from license_check.collect.textid.tokens import COPYRIGHT_LINE
from license_check.collect.textid.tokens import FOREIGN_TOKEN as FOREIGN_TOKEN
from license_check.collect.textid.tokens import normalize_tokens as normalize_tokens
from license_check.gcpause import paused
from license_check.knowledge.book import Knowledge
from license_check.knowledge.textrules import Boilerplate

SHINGLE = 5  # words per shingle

# Limits on words of the file that are not in the reference ("extra") ...
MAX_LEAD_EXTRA = 12  # a title before the text: "The MIT License (MIT)", "BSD 3-Clause License"
MAX_TRAIL_EXTRA = 6
MAX_GAP_EXTRA = 6  # one gap inside the text: a holder name in place of "the copyright holder"
MAX_INNER_EXTRA = 20  # all gaps inside the text together
MAX_GAP_CONNECTIVE = 16  # a gap that is one connective of boilerplate.toml ("This code is released under ...")
# ... and on words of the reference that the file lacks ("missing").
MAX_LEAD_MISSING = 16  # the reference's own title / URL line
MAX_TRAIL_MISSING = 8  # "END OF TERMS AND CONDITIONS"
MAX_GAP_MISSING = 6
MAX_INNER_MISSING = 20
MIN_SCORE = 0.9  # (file words matched + reference words matched) / (file words + reference words)

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that change terms. The fast path's gate no longer uses them (gate.py accepts only what it
# recognises); scancode_matcher does, for words inside an approximate match, where ScanCode does not say
# which of its rule's words are placeholders.
OPERATIVE_WORDS = _wordset(
    """not no non nor never neither none cannot except exception excluding exclude excluded only solely
    must shall may prohibited prohibit prohibits forbidden forbid forbids restrict restricted restriction
    restrictions restrictive unless provided provide condition conditions additional addition however
    commercial commercially noncommercial military weapon weapons harm evil revoke revocable revoked
    terminate termination fee fees payment pay paid royalty royalties later option any either or
    version versions permission permitted require required requires agree agreement"""
)
# Stems: "noncommercially", "restricting", "militarily", "terminated", ...
OPERATIVE_PREFIXES = (
    "commerc", "noncommerc", "non", "prohibit", "restrict", "forbid", "militar", "terminat", "revo", "exclu",
    "except", "proprietar", "confidential", "evaluat", "personal", "academic", "research", "educat",
)
# Names of licenses: a file that adds one the reference does not contain ("dual licensed under MIT and
# Apache" before an MIT text) says more than the reference.
LICENSE_NAME_WORDS = gate.LICENSE_NAME_WORDS  # words of license names (the gate lets them stand in titles)
# Reference words that carry the grant: dropping any of them changes the license.
GRANT_WORDS = _wordset(
    """permission permitted permit grant granted grants hereby use copy copies modify modification merge
    publish distribute distribution redistribute redistribution sublicense sell charge free royalty
    commercial any purpose not no without irrevocable perpetual worldwide patent patents rights right
    reproduce prepare display perform derivative including deal"""
)




@dataclass(frozen=True, slots=True)
class TextMatch:
    """A fast-path identification of a whole license text."""

    expression: str  # SPDX expression
    score: float  # 1.0 for an exact (normalized) match
    version_ambiguous: bool
    reference: str  # which reference text matched, e.g. "licenses/mit.LICENSE"
    exact: bool


# ---------------------------------------------------------------- references


def front_matter_value(raw: str, key: str) -> str | None:
    """One top-level scalar of the front matter (enough for ``spdx_license_key``)."""
    head = raw[: len(raw) - len(strip_front_matter(raw))]
    found = re.search(rf"^{re.escape(key)}:\s*(\S.*?)\s*$", head, re.MULTILINE)
    return found.group(1) if found else None


class _Shingles:
    """A reference's 5-word shingles, worked out the first time the reference is compared with a file (only
    references whose length is near the file's are: most scans compare with a few of the 76)."""

    __slots__ = ("hashes", "set", "position")

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.hashes = _shingles(tokens)
        self.set = frozenset(self.hashes)
        self.position = dict(zip(reversed(self.hashes), range(len(self.hashes) - 1, -1, -1), strict=True))  # first


@dataclass(frozen=True, slots=True)
class _Ref:
    spec: RefSpec
    tokens: tuple[str, ...]
    not_extra: frozenset[str]  # words the file may not add: other licenses' names
    own: frozenset[str]  # the words of its SPDX id: a connective inside the text may name its own license
    text: str  # its text without front matter: its copyright statements are found only when a number changed
    _memo: list[_Shingles] = field(default_factory=list, compare=False, repr=False)  # [] until first needed

    @property
    def _made(self) -> _Shingles:
        if not self._memo:
            self._memo.append(_Shingles(self.tokens))
        return self._memo[0]

    @property
    def shingles(self) -> list[int]:
        return self._made.hashes

    @property
    def shingle_set(self) -> frozenset[int]:
        return self._made.set

    @property
    def position(self) -> dict[int, int]:
        """Shingle -> its first index in ``tokens``."""
        return self._made.position

    @property
    def statements(self) -> frozenset[int]:
        """Indexes of words in its copyright statements (numbers.statement_positions, memoized: worked out
        for the few references a file with a changed number is compared with, not for all 76 at start-up)."""
        return numbers.statement_positions(self.text, GRANT_WORDS)


@dataclass(frozen=True, slots=True)
class _RefSet:
    refs: tuple[_Ref, ...]
    by_text: dict[str, _Ref]
    copyright_lines: frozenset[str]  # the references' own copyright lines ("Copyright [yyyy] [name of ...")


def _shingles(tokens: tuple[str, ...] | list[str]) -> list[int]:
    """Hashes of the 5-word shingles (ints: tuples would rehash on every set lookup)."""
    t = tokens
    return list(map(hash, zip(t, t[1:], t[2:], t[3:], t[4:], strict=False)))  # SHINGLE == 5


def _references(knowledge: Knowledge) -> _RefSet:
    """The reference fingerprints of the scan's rules (built once per rules folder and boilerplate)."""
    return _index(knowledge.directory, knowledge.boilerplate)


@functools.cache
@paused
def _index(directory: Path, bp: Boilerplate) -> _RefSet:
    refs: list[_Ref] = []
    by_text: dict[str, _Ref] = {}
    lines: set[str] = set()
    for spec, raw, tokens in reference_tokens(directory):
        lines |= _copyright_lines(strip_front_matter(raw))
        if len(tokens) < SHINGLE:
            continue
        own = set(tokens) | set(re.findall(r"[a-z0-9]+", spec.spdx.lower()))
        reworded = {w for a, b in bp.substitutions if set(b) <= own for w in a}  # "lesser"
        ref = _Ref(spec, tokens, LICENSE_NAME_WORDS - own - reworded,
                   frozenset(re.findall(r"[a-z0-9]+", spec.spdx.lower())), strip_front_matter(raw))
        refs.append(ref)
        by_text.setdefault(" ".join(tokens), ref)
    return _RefSet(tuple(refs), by_text, frozenset(lines))


def warm_up(knowledge: Knowledge) -> int:
    """Build the reference fingerprints now; returns how many references are available."""
    return len(_references(knowledge).refs)


# ---------------------------------------------------------------- matching


def _uncovered_runs(misses: list[int], size: int) -> list[tuple[int, int]] | None:
    """Runs [start, end) of words that no shared shingle covers, from the indexes of unshared shingles.

    A word is uncovered when every shingle that contains it is unshared. None when there are too many
    unshared shingles to be a near-exact match (no need to look closer).
    """
    if len(misses) > _MAX_MISSES:
        return None
    missed = set(misses)
    last = size - SHINGLE  # index of the last shingle
    uncovered: set[int] = set()
    for s in misses:
        for t in range(s, s + SHINGLE):
            if t in uncovered:
                continue
            if all(k in missed for k in range(max(0, t - SHINGLE + 1), min(t, last) + 1)):
                uncovered.add(t)
    runs: list[tuple[int, int]] = []
    for t in sorted(uncovered):
        if runs and runs[-1][1] == t:
            runs[-1] = (runs[-1][0], t + 1)
        else:
            runs.append((t, t + 1))
    return runs


def _runs_ok(
    runs: list[tuple[int, int]] | None, words: tuple[str, ...] | list[str], limits: tuple[int, int, int, int],
    forbidden: frozenset[str], sentence: Callable[[Sequence[str]], bool] | None = None,
) -> tuple[bool, int]:
    """Whether the uncovered runs stay within (lead, trail, gap, inner total) and avoid ``forbidden``; a gap
    longer than its limit passes when ``sentence`` says it is one whole connective (the gate decides its words)."""
    if runs is None:
        return False, 0
    lead, trail, gap, inner_limit = limits
    size = len(words)
    inner = total = 0
    for start, end in runs:
        length = end - start
        total += length
        run = words[start:end]
        if forbidden.intersection(run):
            return False, total
        if start == 0:
            limit = lead
        elif end == size:
            limit = trail
        else:
            limit = gap
            inner += length
        if length > limit and not (limit == gap and length <= MAX_GAP_CONNECTIVE and sentence is not None
                                   and sentence(run)):
            return False, total
    return inner <= inner_limit, total


_EXTRA_LIMITS = (MAX_LEAD_EXTRA, MAX_TRAIL_EXTRA, MAX_GAP_EXTRA, MAX_INNER_EXTRA)
_MISSING_LIMITS = (MAX_LEAD_MISSING, MAX_TRAIL_MISSING, MAX_GAP_MISSING, MAX_INNER_MISSING)
# Each uncovered run of L words leaves at most L + SHINGLE - 1 unshared shingles, and the limits allow
# at most 2 + MAX_INNER_* runs: more unshared shingles than this can never pass.
_MAX_MISSES = max(sum(_EXTRA_LIMITS[:2]) + MAX_INNER_EXTRA, sum(_MISSING_LIMITS[:2]) + MAX_INNER_MISSING) + (
    SHINGLE - 1
) * (2 + max(MAX_INNER_EXTRA, MAX_INNER_MISSING))
_MAX_EXTRA = MAX_LEAD_EXTRA + MAX_TRAIL_EXTRA + MAX_INNER_EXTRA  # bounds on the length of a matching text
_MAX_MISSING = MAX_LEAD_MISSING + MAX_TRAIL_MISSING + MAX_INNER_MISSING


def _additions_harmless(
    runs: list[tuple[int, int]], tokens: list[str], shingles: list[int], ref: _Ref,
    missing: list[tuple[int, int]], names: frozenset[str], bp: Boilerplate,
) -> bool:
    """The gate (gate.py) on the words the file adds: each run a title, URL or project name, or, inside
    the text, a name put at the very place of a placeholder the file lacks ("Google Inc." for "the
    copyright holder"). Any other addition ("Use by Acme Corp is disallowed") is not the plain license."""
    starts = dict(missing)
    for start, end in runs:
        words = tokens[start:end]
        hole: int | None = None
        lacks: tuple[str, ...] = ()
        if start >= SHINGLE:
            before = ref.position.get(shingles[start - SHINGLE])
            hole = None if before is None else before + SHINGLE
            lacks = ref.tokens[hole:starts[hole]] if hole is not None and hole in starts else ()
        if gate.copyright_template_run(bp, words) or gate.holder_run(words):
            continue
        if start > 0 and numbers.has_number(words):
            # a number in place of reference words: a date or version of a copyright statement may change
            # (libpng's "through 1.6.17, March 26, 2015"), a term never does ("30 days", "version 2"); a number
            # that replaces nothing is left to the gate below (a rewrapped text's section numbers)
            place = numbers.replaced(shingles, len(tokens), ref.shingles, ref.tokens, start, end, SHINGLE)
            if place is None or (place[1] and not numbers.replacement_ok(words, place[1], place[0], ref.statements)):
                return False
            if place[1]:
                continue
        if gate.words_harmless(bp, words, names) or (start == 0 and gate.title_run(bp, words, names)):
            continue
        if start > 0 and end < len(tokens) and gate.connective_run(bp, words, names | ref.own):
            continue  # "This code is released under the libpng license" inside libpng's text
        if start >= SHINGLE and end < len(tokens) and (
                gate.placeholder_run(bp, lacks) or gate.substitution(bp, words, lacks)):
            continue
        return False
    return True


def _compare(tokens: list[str], shingles: list[int], ref: _Ref, names: frozenset[str],
             bp: Boilerplate) -> float | None:
    """The similarity of the file to ``ref`` when it passes every limit and the gate, else None."""
    ref_set = ref.shingle_set
    file_misses = [i for i, sh in enumerate(shingles) if sh not in ref_set]
    if len(file_misses) > _MAX_MISSES:
        return None
    runs = _uncovered_runs(file_misses, len(tokens))
    ok, extra = _runs_ok(runs, tokens, _EXTRA_LIMITS, ref.not_extra,
                         lambda run: gate.connective_run(bp, run, names | ref.own))
    if not ok or runs is None:
        return None
    shingle_set = set(shingles)
    ref_misses = [j for j, sh in enumerate(ref.shingles) if sh not in shingle_set]
    missing_runs = _uncovered_runs(ref_misses, len(ref.tokens))
    ok, missing = _runs_ok(missing_runs, ref.tokens, _MISSING_LIMITS, GRANT_WORDS)
    if not ok or missing_runs is None or not _additions_harmless(runs, tokens, shingles, ref, missing_runs, names,
                                                                                bp):
        return None
    n, m = len(tokens), len(ref.tokens)
    score = (n - extra + m - missing) / (n + m)
    return score if score >= MIN_SCORE else None


def length_fits(n: int, knowledge: Knowledge) -> bool:
    """Whether a text of ``n`` normalized words is long enough, and short enough, to match some reference."""
    return any(len(r.tokens) - _MAX_MISSING <= n <= len(r.tokens) + _MAX_EXTRA for r in _references(knowledge).refs)


_COPYRIGHT_MARKUP = " \t#>*+•|=_`~/-"
_COPYRIGHT_END_MARKUP = " \t#*+•|=_`~/-"  # a closing ">" stays: "Jane Doe <jane at example dot com>"


def copyright_lines_harmless(text: str, knowledge: Knowledge) -> bool:
    """Whether every copyright line (which normalization drops) names a holder and says nothing more:
    "Copyright 2020 Acme, not for resale" keeps a text from being the plain license."""
    if "copyright" not in text.lower() and "©" not in text and "(c)" not in text.lower():
        return True
    known = _references(knowledge).copyright_lines
    for line in text.splitlines():
        bare = line.lstrip(_COPYRIGHT_MARKUP).rstrip(_COPYRIGHT_END_MARKUP)
        if (COPYRIGHT_LINE.match("\n" + bare.lower()) and not gate.copyright_line_ok(bare)
                and " ".join(bare.lower().split()) not in known):
            return False
    return True


def _copyright_lines(text: str) -> set[str]:
    """The copyright lines of a reference text, lowercased and collapsed (a file may keep them as they are)."""
    lines = (line.lstrip(_COPYRIGHT_MARKUP).rstrip(_COPYRIGHT_END_MARKUP) for line in text.splitlines())
    return {" ".join(b.lower().split()) for b in lines if COPYRIGHT_LINE.match("\n" + b.lower())}


def match_license_text(text: str, knowledge: Knowledge, names: frozenset[str] = frozenset()) -> TextMatch | None:
    """Identify ``text`` as one of the reference licenses of ``knowledge`` (the scan's), or None (left to
    ScanCode). ``names``: words of the project's own name, which a title may use (gate.name_words)."""
    if not copyright_lines_harmless(text, knowledge):
        return None
    return match_license_tokens(normalize_tokens(text), knowledge, names)


def match_license_tokens(tokens: list[str], knowledge: Knowledge,
                         names: frozenset[str] = frozenset()) -> TextMatch | None:
    """``match_license_text`` on words already normalized (normalization is line-local: the words of
    consecutive blocks of lines, normalized one by one and concatenated, are those of the whole)."""
    if len(tokens) < SHINGLE:
        return None
    refset = _references(knowledge)
    exact = refset.by_text.get(" ".join(tokens))
    if exact is not None:
        spec = exact.spec
        return TextMatch(spec.spdx, 1.0, spec.version_ambiguous, spec.source, exact=True)
    n = len(tokens)
    candidates = [r for r in refset.refs if len(r.tokens) - _MAX_MISSING <= n <= len(r.tokens) + _MAX_EXTRA]
    if not candidates:
        return None
    shingles = _shingles(tokens)
    best: tuple[float, _Ref] | None = None
    for ref in candidates:
        score = _compare(tokens, shingles, ref, names, knowledge.boilerplate)
        if score is not None and (best is None or score > best[0]):
            best = (score, ref)
    if best is None:
        return None
    score, ref = best
    return TextMatch(ref.spec.spdx, round(score, 4), ref.spec.version_ambiguous, ref.spec.source, exact=False)
