"""Where the time of one scan goes, stage by stage (issue 18): CPU seconds of each stage of an in-process scan.

    python3 bench/stages.py PATH [--jobs 1] [--cache]

Wraps the stages (discovery, the per-file session: reads and the file-local detectors, the other detectors,
assemble, judge, render) with timers and runs ``run.report`` once, in this process (``--jobs 1`` keeps every
detector here, where the timers see it). CPU time (``time.process_time``), not wall time: the numbers stay
comparable on a shared machine. Start-up (the interpreter, the command line's imports) is ``-X importtime``'s.
The checkout that holds this script is the license-check measured.
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SPENT: collections.Counter[str] = collections.Counter()


def _timed(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.process_time() - start

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--cache", action="store_true", help="use the caches (default: --no-cache)")
    args = parser.parse_args()
    start = time.process_time()
    from license_check import pipeline, run
    from license_check.cache import session
    from license_check.collect import discover
    from license_check.collect.detectors import FILE_LOCAL
    from license_check.knowledge.book import Knowledge
    from license_check.pipeline import decide as later
    from license_check.render import RENDERERS, Format

    SPENT["imports (pipeline, renderers)"] = time.process_time() - start
    begin = time.process_time()
    knowledge = Knowledge.load(parse_cache=args.cache)
    SPENT["rules (Knowledge.load)"] = time.process_time() - begin
    policy = pipeline.load_policy(None, args.path, True)
    _timed(discover, "discover", "discovery walk")
    run.discover = discover.discover  # run.py imported the name before the wrapper existed
    _timed(session, "read_plans", "per-file session: plans (which files, stat keys, hashing)")
    _timed(session, "_identify_licenses", "per-file session: license texts")
    _timed(session, "_map", "per-file session: reads + file-local detectors")
    for name, registered in FILE_LOCAL.items():  # inside _map when --jobs 1
        object.__setattr__(registered, "detect", _detect_timer(registered.detect, f"  of which detector {name}"))
    _timed(session, "run_detector", "other detectors (and merging per-file results)")
    _timed(later, "assemble", "assemble (components, lineage, resolve)")
    _timed(later, "judge", "judge")
    _timed(later, "decide", "decide (assemble + judge + policy + report)")
    RENDERERS[Format.JSON] = _render_timer(RENDERERS[Format.JSON])
    begin = time.process_time()
    run.report(args.path, run.Request(fmt="json", jobs=args.jobs, cache=args.cache), policy, knowledge)
    SPENT["run.report in all"] = time.process_time() - begin
    SPENT["everything after start-up"] = time.process_time() - start
    for label, seconds in SPENT.items():
        print(f"{seconds:8.3f} s  {label}")


def _detect_timer(detect: Any, label: str) -> Any:
    def timed(files: Any, ctx: Any) -> Any:
        begin = time.process_time()
        try:
            return detect(files, ctx)
        finally:
            SPENT[label] += time.process_time() - begin
    return timed


def _render_timer(render: Any) -> Any:
    def timed(report: Any) -> str:
        begin = time.process_time()
        try:
            return str(render(report))
        finally:
            SPENT["render (json)"] += time.process_time() - begin
    return timed


if __name__ == "__main__":
    main()
