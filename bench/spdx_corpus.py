"""The SPDX list as a yardstick: counts of right / sibling / unknown / wrong answers, per kind of text.

    python3 bench/spdx_corpus.py            # without ScanCode, then ScanCode on what is left
    python3 bench/spdx_corpus.py --list     # also list every text not answered right

The corpus is tests/spdx_corpus.py's (the pinned SPDX license-list-XML copy in tests/data); the test
tests/test_spdx_corpus.py asserts the same counts. Prints a Markdown table with times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import spdx_corpus  # noqa: E402

VERDICTS = ("right", "sibling", "unknown", "wrong")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list every text not answered right")
    args = parser.parse_args()
    cases = list(spdx_corpus.cases())
    start = time.perf_counter()
    fast = spdx_corpus.run(cases, use_scancode=False)
    fast_seconds = time.perf_counter() - start
    start = time.perf_counter()
    rest = spdx_corpus.run([r.case for r in fast if r.verdict == "unknown"], use_scancode=True)
    scancode_seconds = time.perf_counter() - start
    by_case = {id(r.case): r for r in rest}
    final = [by_case.get(id(r.case), r) for r in fast]
    print("| texts | answered by | " + " | ".join(VERDICTS) + " | seconds |")
    print("|---|---|" + "---|" * (len(VERDICTS) + 1))
    for label, results, seconds in (("without ScanCode", fast, fast_seconds), ("with ScanCode", final,
                                                                              scancode_seconds)):
        counts = spdx_corpus.counts(results)
        for kind in spdx_corpus.KINDS:
            row = counts.get(kind, {})
            print(f"| {kind} ({sum(row.values())}) | {label} | " + " | ".join(str(row.get(v, 0)) for v in VERDICTS)
                  + f" | {seconds:.1f} |")
    if args.list:
        for r in final:
            if r.verdict != "right":
                print(f"{r.case.kind} {r.case.name}: {r.verdict} {r.got} ({r.method}) {r.detail[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
