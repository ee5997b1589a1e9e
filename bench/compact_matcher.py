"""Agreement of ScanCode's compact index (collect/textid/compact_matcher.py) with its full index.

    python3 bench/compact_matcher.py licenses [--out FILE]   # every ScanCode license text as the input file
    python3 bench/compact_matcher.py repos TREES [--out FILE] # every license text of TREES/<name>/ (the 23 real repos)
    python3 bench/compact_matcher.py load                     # load time and peak RSS, compact vs full, fresh processes

For each text both answers are what license-check concludes from them: the compact matcher's outcome, or
None (it defers), and scancode_matcher.identify (ScanCode's full index, then scancode_matcher.judge). A text
*agrees* when the compact matcher settled it with the same status, expression, confidence and GPL version
ambiguity as the full index; it is *deferred* when the compact matcher left it to the full index (which the
scan then loads); it *disagrees* otherwise. Only disagreements are wrong: the issue asks for none.

Nothing here runs in the tests: it needs ScanCode's full index (a few seconds, about 1.4 GB) and minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from license_check.collect.detectors import license_files  # noqa: E402
from license_check.collect.discover import discover  # noqa: E402
from license_check.collect.textid import compact_index, compact_matcher, fastpath  # noqa: E402
from license_check.collect.textid import scancode_matcher as full  # noqa: E402
from license_check.knowledge.book import Knowledge  # noqa: E402


def _quiet(message: str) -> None:
    return None


def compare(path: str, text: str, index: compact_index.CompactIndex, data: Path,
            knowledge: Knowledge) -> dict[str, Any]:
    """Both answers on one file, and which of agree / deferred / disagree they make."""
    start = time.perf_counter()
    compact = compact_matcher.identify(text, index, data, knowledge)
    compact_s = time.perf_counter() - start
    whole = full.identify(path, text, path, 60.0, _quiet, knowledge)
    row: dict[str, Any] = {"path": path, "compact_ms": round(compact_s * 1000, 1),
                           "full": [whole.status, whole.expression, whole.confidence, whole.version_ambiguous],
                           "full_detail": whole.detail[:200]}
    if compact is None:
        row["kind"] = "deferred"
        return row
    row["compact"] = [compact.status, compact.expression, compact.confidence, compact.version_ambiguous]
    row["kind"] = "agree" if row["compact"] == row["full"] else "disagree"
    return row


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = Counter(r["kind"] for r in rows)
    deferred_full = Counter(r["full"][0] for r in rows if r["kind"] == "deferred")
    ms = sorted(r["compact_ms"] for r in rows) or [0.0]
    return {"texts": len(rows), "agree": kinds["agree"], "deferred": kinds["deferred"],
            "disagree": kinds["disagree"], "deferred_by_full_status": dict(deferred_full),
            "identified_by_full": sum(1 for r in rows if r["full"][0] == full.Status.IDENTIFIED),
            "compact_ms_median": ms[len(ms) // 2], "compact_ms_max": ms[-1],
            "disagreements": [r for r in rows if r["kind"] == "disagree"]}


def _setup() -> tuple[compact_index.CompactIndex, Path, Knowledge]:
    data = fastpath.scancode_data_dir()
    if data is None:
        sys.exit("ScanCode's license data is not installed")
    return compact_index.load(data, print), data, Knowledge.load()


def run_licenses() -> dict[str, Any]:
    index, data, knowledge = _setup()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        names = sorted(p.name for p in (data / "licenses").iterdir() if p.suffix == ".LICENSE")
        for n, name in enumerate(names, 1):
            meta, text = compact_index.split_front_matter((data / "licenses" / name).read_text(encoding="utf-8"))
            if meta.get("is_deprecated", "no") not in ("", "no") or not text.strip():
                continue  # not in ScanCode's index: nothing to agree on
            path = os.path.join(tmp, name.removesuffix(".LICENSE") + ".txt")
            Path(path).write_text(text, encoding="utf-8")
            rows.append(compare(path, text, index, data, knowledge))
            rows[-1]["path"] = f"licenses/{name}"
            if n % 200 == 0:
                print(f"{n}/{len(names)}: {dict(Counter(r['kind'] for r in rows))}", file=sys.stderr)
    return _summary(rows) | {"rows": rows}


def run_repos(trees: str) -> dict[str, Any]:
    index, data, knowledge = _setup()
    rows = []
    for name in sorted(os.listdir(trees)):
        root = os.path.join(trees, name)
        if not os.path.isdir(root):
            continue
        files = discover(root).files
        for entry in license_files.text_candidates(files) or []:
            try:
                text = Path(entry.abspath).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not text.strip() or len(text) > 1 << 20:
                continue
            row = compare(entry.abspath, text, index, data, knowledge)
            row["path"] = f"{name}/{entry.path}"
            row["fast_path_knows"] = fastpath.match_license_text(text, knowledge) is not None
            rows.append(row)
        print(f"{name}: {dict(Counter(r['kind'] for r in rows))}", file=sys.stderr)
    return _summary(rows) | {"rows": rows}


_LOAD_COMPACT = """
import resource, sys, time
from license_check.collect.textid import compact_matcher
t = time.perf_counter()
assert compact_matcher.shared_index(lambda m: None) is not None
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_LOAD_FULL = """
import resource, sys, time
from license_check.collect.textid import scancode_matcher
t = time.perf_counter()
assert scancode_matcher.ensure_loaded("bench", lambda m: None) is None
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_load(repeat: int = 3) -> dict[str, Any]:
    """Seconds to load each index (after the imports) and the process's peak RSS (MB), in fresh processes
    (best of ``repeat``); the baseline is the same imports without an index."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    out: dict[str, Any] = {}
    for label, code in (("compact", _LOAD_COMPACT), ("full", _LOAD_FULL)):
        runs = []
        for _ in range(repeat):
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
            seconds, kb = done.stdout.split()
            runs.append((float(seconds), int(kb) / 1024))
        out[label] = {"load_s": round(min(r[0] for r in runs), 3), "peak_rss_mb": round(min(r[1] for r in runs), 1)}
    imports = ("import resource; import license_check.collect.textid.compact_matcher;"
               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    baseline = subprocess.run([sys.executable, "-c", imports], capture_output=True, text=True, env=env, check=True)
    out["baseline_peak_rss_mb"] = round(int(baseline.stdout) / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("licenses", "repos", "load"))
    parser.add_argument("trees", nargs="?")
    parser.add_argument("--out", help="write the whole result (every row) as JSON here")
    args = parser.parse_args()
    if args.what == "licenses":
        result = run_licenses()
    elif args.what == "repos":
        if not args.trees:
            parser.error("repos needs TREES")
        result = run_repos(args.trees)
    else:
        result = run_load()
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shown = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(shown, indent=1, sort_keys=True))
    print(f"peak RSS of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
