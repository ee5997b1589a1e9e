"""license-check beside its peers on real trees, in one run (issue 18): cold and warm, ``reuse lint``, ScanCode.

    python3 bench/peers.py NAME=TREE [NAME=TREE ...] [--scancode-max-files 5000] [--workdir /tmp/lc-peers]
    # the trees of the issue: python3 bench/peers.py --fetched    (bench/peers.toml, exported by real_repos.py)

For each tree (a folder exported from a mirror, bench/real_repos.py export): the file count; license-check
cold (an empty cache folder) and warm (median of 3 rescans with that cache); ``reuse lint`` (REUSE 3.x, the
fastest peer; ``pip install reuse``, not a dependency of license-check); ``scancode --license --package -n 2``
on trees of at most ``--scancode-max-files`` files (ScanCode needs minutes per thousand files). Wall clock and
peak RSS from /usr/bin/time (bench/run.py's ``timed``). Agreement, per file and per license (bench/agreement.py):
for every (path, SPDX key) ScanCode detects, found by license-check at that path, or its documented equivalent,
or deliberately not reported (both in bench/agreement.toml, each row with why), or missed; license-check runs
once more for it, untimed, with every per-file piece of evidence listed. The table replaces the "Peers on real
trees" section of bench/RESULTS.md and the numbers go to bench/peers.json.

    python3 bench/peers.py --agreement-only NAME=TREE ... [--workdir DIR] [--saved-license-check]

recomputes only the agreement from the ScanCode output saved in the workdir (``sc-NAME.json``; ScanCode is not
rerun) and a fresh license-check run (or, with ``--saved-license-check``, the saved ``lc-NAME-agreement.json``);
the timings in bench/peers.json stay those of the run that measured them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import agreement  # noqa: E402
from run import license_check, machine, scancode_all, symbols, timed  # noqa: E402

START, END = "<!-- peers:start -->", "<!-- peers:end -->"


def lc_anywhere(report: dict[str, Any]) -> set[str]:
    """Every license license-check reports: the components' and each piece of their evidence."""
    found: set[str] = set()
    for comp in [*report.get("components", []), *(report.get("adoption") or {}).get("components", [])]:
        found |= symbols(comp.get("license"))
        for ev in comp.get("evidence", []):
            found |= symbols(ev.get("expression"))
    return found


def bench_tree(name: str, tree: Path, work: Path, scancode_max: int,
               saved_scancode: dict[str, Any] | None = None) -> dict[str, Any]:
    files = sum(len(f) for _, _, f in os.walk(tree))
    row: dict[str, Any] = {"name": name, "files": files}
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    out = work / f"lc-{name}.json"
    print(f"[{name}] {files} files: license-check cold", flush=True)
    row["lc_cold"] = license_check(tree, cache, out)
    warm = [license_check(tree, cache, work / f"lc-{name}-warm.json") for _ in range(3)]
    row["lc_warm"] = {"wall_s": statistics.median(w["wall_s"] for w in warm),
                      "peak_rss_mb": max(w["peak_rss_mb"] for w in warm)}
    report = json.loads(out.read_text())
    row["lc_verdict"] = report.get("verdict")
    row["lc_licenses"] = sorted(lc_anywhere(report))
    print(f"[{name}] reuse lint", flush=True)
    row["reuse"] = timed(["reuse", "--root", str(tree), "lint"], dict(os.environ))
    row["reuse"]["stderr"] = ""
    sc_out = work / f"sc-{name}.json"
    if files <= scancode_max:
        print(f"[{name}] scancode --license --package -n 2", flush=True)
        row["scancode"] = timed(["scancode", "--license", "--package", "-n", "2", "--quiet", "--json", str(sc_out),
                                 str(tree)], dict(os.environ))
        row["scancode"]["stderr"] = ""
    elif saved_scancode is not None and sc_out.is_file():
        # --reuse-scancode: ScanCode's earlier run of the same tree (its output in the workdir, its timing in
        # bench/peers.json) against a fresh license-check run: ScanCode takes 16 minutes on diffusers.
        row["scancode"] = {**saved_scancode, "reused": True}
    if "scancode" in row:
        found = scancode_all(json.loads(sc_out.read_text()))
        row["sc_licenses"] = sorted(found)
        row["missed"] = sorted(found - set(row["lc_licenses"]))
        add_agreement(row, tree, work)
    return row


def add_agreement(row: dict[str, Any], tree: Path, work: Path, saved: bool = False) -> None:
    """The per-file agreement of ``row``'s tree from the saved ScanCode output (bench/agreement.py)."""
    name = row["name"]
    sc_out, lc_out = work / f"sc-{name}.json", work / f"lc-{name}-agreement.json"
    if not sc_out.is_file():
        return
    print(f"[{name}] agreement with ScanCode ({'saved' if saved else 'fresh'} license-check run)", flush=True)
    report = json.loads(lc_out.read_text()) if saved else agreement.full_report(tree, lc_out)
    row["agreement"] = agreement.agreement(json.loads(sc_out.read_text()), report, tree)
    row["missed"] = sorted({m["key"] for m in row["agreement"]["missed_list"]})


def _cell(row: dict[str, Any], tool: str) -> str:
    r = row.get(tool)
    if not r:
        return "not run"
    return f"{r['wall_s']:.2f} s / {r['peak_rss_mb']:.0f} MB" + (" (earlier run)" if r.get("reused") else "")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average_at_start"])
    lines = [START, "## Peers on real trees (bench/peers.py)", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, ScanCode "
             f"{m['scancode']}, reuse {results['reuse_version']}. Load average at start: {load}. One run, page cache "
             "warm. Wall clock / peak RSS (largest process).", "",
             "| tree | files | license-check cold | warm | reuse lint | ScanCode -n 2 | cold vs reuse | cold vs "
             "ScanCode | agreement per file: found / equivalent / not reported / missed |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in results["trees"]:
        cold = row["lc_cold"]["wall_s"]
        vs_reuse = f"{row['reuse']['wall_s'] / cold:.1f}x" if cold else "-"
        vs_sc = f"{row['scancode']['wall_s'] / cold:.0f}x" if row.get("scancode") and cold else "-"
        agreed = row.get("agreement")
        missed = " / ".join(f"{agreed[k]['pairs']:,}" for k in ("found", "equivalent", "not_reported", "missed")) \
            if agreed else "-"
        lines.append(f"| {row['name']} | {row['files']:,} | {_cell(row, 'lc_cold')} | {_cell(row, 'lc_warm')} | "
                     f"{_cell(row, 'reuse')} | {_cell(row, 'scancode')} | {vs_reuse} | {vs_sc} | {missed} |")
    lines += ["", "Ratios are the peer's wall time over license-check's cold one (above 1: license-check is faster).",
              "Agreement: (path, license) pairs of ScanCode's detections (bench/agreement.py, rows of "
              "bench/agreement.toml)."]
    for row in results["trees"]:
        if row.get("agreement", {}).get("pairs"):
            lines += ["", *agreement.markdown(row["name"], row["agreement"])]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("trees", nargs="*", metavar="NAME=TREE")
    parser.add_argument("--fetched", type=Path, metavar="FOLDER",
                        help="the folder holding the trees of bench/peers.toml (exported under their names)")
    parser.add_argument("--scancode-max-files", type=int, default=5000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lc-peers"))
    parser.add_argument("--agreement-only", action="store_true",
                        help="recompute the agreement from the saved ScanCode output; keep bench/peers.json's timings")
    parser.add_argument("--reuse-scancode", action="store_true",
                        help="for a tree over --scancode-max-files: ScanCode's saved output (WORKDIR/sc-NAME.json) and "
                             "its timing in bench/peers.json, with fresh license-check and reuse runs")
    parser.add_argument("--saved-license-check", action="store_true",
                        help="with --agreement-only: the saved lc-NAME-agreement.json, no fresh license-check run")
    args = parser.parse_args(argv)
    pairs = [t.split("=", 1) for t in args.trees]
    if args.fetched:
        pairs += [[name, str(args.fetched / name)] for name in tomllib.loads((HERE / "peers.toml").read_text())]
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.agreement_only:
        saved = json.loads((HERE / "peers.json").read_text())
        trees = dict(pairs)
        for row in saved["trees"]:
            if row["name"] in trees:
                add_agreement(row, Path(trees[row["name"]]), args.workdir, args.saved_license_check)
        return write(saved)
    version = subprocess.run(["reuse", "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"version (\S+)", version)
    results: dict[str, Any] = {"machine": machine(), "reuse_version": found.group(1) if found else None}
    previous = {row["name"]: row.get("scancode") for row in json.loads((HERE / "peers.json").read_text())["trees"]} \
        if args.reuse_scancode and (HERE / "peers.json").is_file() else {}
    results["trees"] = [bench_tree(name, Path(tree), args.workdir, args.scancode_max_files, previous.get(name))
                        for name, tree in pairs]
    return write(results)


def write(results: dict[str, Any]) -> int:
    """bench/peers.json, the table printed, and the peers section of bench/RESULTS.md."""
    (HERE / "peers.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    table = markdown(results)
    print(table)
    doc = HERE / "RESULTS.md"
    text = doc.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text.split(START, 1)[0] + table + text.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    doc.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
