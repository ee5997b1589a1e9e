"""difflib's SequenceMatcher with its longest-match search seeded by shared runs of words: the same blocks, sooner.

``SequenceMatcher.find_longest_match`` looks at every pair of equal words of its two ranges: for two copies of
a 3,000-word license, a hundred thousand pairs (every "the" against every "the"), a hundredth of a second per
search, several searches per comparison (templates.missing_clause). The answer it gives is fixed: the longest
run of words the two ranges share, and of the longest ones the run that starts first in ``a``, then in ``b``.

``Matcher`` finds that same run from SEED-word pieces: every shared run of at least SEED words begins with a
SEED-word piece of ``b`` that ``a`` has at the same place, so looking ``a``'s pieces up among ``b``'s (a dict:
equal pieces, never a hash alone) and following each diagonal to its end measures every such run once. When the
longest is at least SEED words long it is the answer (ties broken as difflib does); when no run is that long,
difflib's own search runs. Only without junk (no ``isjunk``, ``autojunk=False``), as templates uses it; else
difflib's own search runs too.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

SEED = 12  # words of a piece: long enough to be rare in a license text, short enough to find most blocks


class Matcher(difflib.SequenceMatcher[str]):
    """``difflib.SequenceMatcher(None, a, b, autojunk=False)``, with a faster, identical find_longest_match."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        self._a: Sequence[str] = ()
        self._b: Sequence[str] = ()
        self._a_pieces: list[tuple[str, ...]] | None = None
        self._b_pieces: dict[tuple[str, ...], list[int]] | None = None
        super().__init__(None, a, b, autojunk=False)

    def set_seq1(self, a: Sequence[str]) -> None:
        self._a, self._a_pieces = a, None
        super().set_seq1(a)

    def set_seq2(self, b: Sequence[str]) -> None:
        self._b, self._b_pieces = b, None
        super().set_seq2(b)

    def _pieces(self) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], list[int]]]:
        """Each SEED-word piece of ``a`` by where it starts; where each piece of ``b`` starts (ascending): made
        once for all the searches of one comparison."""
        if self._a_pieces is None:
            a = self._a
            self._a_pieces = [tuple(a[i:i + SEED]) for i in range(len(a) - SEED + 1)]
        if self._b_pieces is None:
            b = self._b
            self._b_pieces = {}
            for j in range(len(b) - SEED + 1):
                self._b_pieces.setdefault(tuple(b[j:j + SEED]), []).append(j)
        return self._a_pieces, self._b_pieces

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        a, b = self._a, self._b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        if ahi - alo < SEED or bhi - blo < SEED or getattr(self, "bjunk", None) or getattr(self, "bpopular", None):
            return super().find_longest_match(alo, ahi, blo, bhi)
        a_pieces, b_pieces = self._pieces()
        last_j = bhi - SEED  # a piece of b inside [blo, bhi) starts at blo .. last_j
        best_i, best_j, best = alo, blo, 0
        reach: dict[int, int] = {}  # diagonal (j - i) -> where the last run measured on it ends in a
        for i in range(alo, ahi - SEED + 1):
            for j in b_pieces.get(a_pieces[i], ()):
                if j < blo:
                    continue
                if j > last_j:
                    break  # ascending
                d = j - i
                if reach.get(d, alo - 1) > i:
                    continue  # inside a run measured already
                start = i
                while start > alo and start + d > blo and a[start - 1] == b[start - 1 + d]:
                    start -= 1  # (a run's first piece is seen first: this only guards the invariant)
                end = i + SEED
                while end < ahi and end + d < bhi and a[end] == b[end + d]:
                    end += 1
                reach[d] = end
                size = end - start
                # difflib keeps the first run, in its (i, j) order, to reach the longest size
                if size > best or (size == best and (start, start + d) < (best_i, best_j)):
                    best_i, best_j, best = start, start + d, size
        if best < SEED:  # no run that long: difflib's own search over every pair
            return super().find_longest_match(alo, ahi, blo, bhi)
        return difflib.Match(best_i, best_j, best)
