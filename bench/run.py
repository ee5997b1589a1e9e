"""Benchmark: license-check cold and warm against ``scancode --license --package -n 2``, same trees, same run.

    python3 bench/run.py [--sizes 500,5000,50000] [--scancode-max 500] [--workdir /tmp/license-check-bench]

For each size it generates a synthetic repository (bench/gen_repo.py: sources with and without SPDX
headers, vendored trees with their own licenses, model cards, data manifests, sparse multi-GB weights),
then measures with /usr/bin/time (wall clock, peak RSS of the largest process):

* license-check cold (empty cache), warm (median of 3 rescans: the stored report), after editing one
  file (the per-file cache serves the others), and cold with --jobs 1;
* whether license-check loaded ScanCode's index at all (its -v log says so, and why);
* ScanCode on the sizes up to --scancode-max (it takes minutes per thousand source files);
* the top-level licenses each tool reports (root files and package manifests), and whether they agree;
* bytes read (/proc/self/io rchar) and time with 1 GiB and with 64 GiB weight files: they must not grow;
* ``license-check --version``.

The page cache is warm for both tools (nothing is dropped). Results: bench/results.json and
bench/RESULTS.md (the README's Speed section quotes them). The checkout that holds this script is
the license-check measured (PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from gen_repo import generate  # noqa: E402

TIME = "/usr/bin/time"
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+:-]*")
_OPERATORS = {"AND", "OR", "WITH"}


def timed(cmd: list[str], env: dict[str, str], stdout: Path | None = None) -> dict[str, Any]:
    """Run ``cmd``: wall seconds, peak RSS (MB, largest process of the tree), exit code, stderr."""
    with tempfile.TemporaryDirectory() as tmp, open(stdout or os.devnull, "wb") as out:
        stats = Path(tmp) / "time.out"
        run = subprocess.run([TIME, "-f", "%e %M", "-o", str(stats), *cmd], stdout=out, stderr=subprocess.PIPE,
                             env=env, check=False)
        wall, rss = stats.read_text().split()[-2:]
    return {"wall_s": float(wall), "peak_rss_mb": round(int(rss) / 1024, 1), "exit": run.returncode,
            "stderr": run.stderr.decode(errors="replace")}


def lc_env(cache_dir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "LICENSE_CHECK_CACHE_DIR": str(cache_dir)}


def license_check(root: Path, cache_dir: Path, out: Path, *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "license_check", "--format", "json", "-v", *extra, str(root)]
    result = timed(cmd, lc_env(cache_dir), out)
    result["scancode_index_loaded"] = "loading ScanCode's license index" in result["stderr"]
    reasons = [line for line in result["stderr"].splitlines() if "loading ScanCode's license index" in line]
    result["scancode_load_reason"] = reasons[0] if reasons else None
    result["stderr"] = result["stderr"][-300:] if result["exit"] not in (0, 1) else ""
    return result


def bytes_read(root: Path, cache_dir: Path) -> dict[str, Any]:
    """rchar and wall time of one cold scan (--jobs 1: every read is in the measured process)."""
    code = (
        "import sys, time\n"
        "from license_check.cli import main\n"
        f"sys.argv = ['license-check', '--format', 'json', '-j', '1', '-o', '/dev/null', {str(root)!r}]\n"
        "start = time.perf_counter()\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "io = dict(line.split(': ') for line in open('/proc/self/io').read().splitlines())\n"
        "print(int(io['rchar']), time.perf_counter() - start)\n"
    )
    shutil.rmtree(cache_dir, ignore_errors=True)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=lc_env(cache_dir),
                         check=True)
    rchar, wall = run.stdout.split()
    return {"rchar_mb": round(int(rchar) / 2**20, 2), "scan_s": round(float(wall), 2)}


def symbols(expression: str | None) -> set[str]:
    return {s for s in _SYMBOL.findall(expression or "") if s.upper() not in _OPERATORS}


def lc_top_level(report: dict[str, Any]) -> set[str]:
    return symbols(report.get("project_license"))


def scancode_top_level(data: dict[str, Any], root_name: str) -> set[str]:
    """Licenses ScanCode detects in files at the root of the tree, and in the packages it finds."""
    found: set[str] = set()
    for entry in data.get("files", []):
        path = entry.get("path", "")
        if entry.get("type") == "file" and path.count("/") == (1 if path.startswith(root_name + "/") else 0):
            found |= symbols(entry.get("detected_license_expression_spdx"))
    for package in data.get("packages", []):
        found |= symbols(package.get("declared_license_expression_spdx"))
    return found


def scancode_all(data: dict[str, Any]) -> set[str]:
    return {s for e in data.get("files", []) for s in symbols(e.get("detected_license_expression_spdx"))}


def lc_all(report: dict[str, Any]) -> set[str]:
    return {s for c in report.get("components", []) for s in symbols(c.get("license"))}


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    sc = subprocess.run(["scancode", "--version"], capture_output=True, text=True, check=False).stdout
    version = re.search(r"ScanCode version:\s*(\S+)", sc)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 2**20, 1),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "scancode": version.group(1) if version else sc.strip().splitlines()[0] if sc.strip() else None,
            "load_average_at_start": os.getloadavg()}


def bench_size(size: int, work: Path, scancode_max: int) -> dict[str, Any]:
    root = work / f"repo-{size}"
    if not (work / f"repo-{size}.done").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        generate(root, size, weights_gb=4.0)
        (work / f"repo-{size}.done").write_text("")
    cache_dir = work / f"cache-{size}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    out = work / f"lc-{size}.json"
    row: dict[str, Any] = {"files": size, "weights_apparent_gib": round(sum(
        p.stat().st_size for p in root.rglob("*.safetensors")) / 2**30, 1)}
    print(f"[{size}] license-check cold", flush=True)
    row["lc_cold"] = license_check(root, cache_dir, out)
    cold_bytes = out.read_bytes()
    warm = [license_check(root, cache_dir, out) for _ in range(3)]
    row["lc_warm"] = sorted(warm, key=lambda r: r["wall_s"])[1]
    row["lc_warm_all_s"] = [r["wall_s"] for r in warm]
    row["lc_warm_identical"] = out.read_bytes() == cold_bytes
    # One source file edited: the stored report no longer applies; the per-file cache serves every other file.
    edited = sorted(root.rglob("*.py"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    print(f"[{size}] license-check after editing one file", flush=True)
    row["lc_one_file_changed"] = license_check(root, cache_dir, work / f"lc-{size}-edit.json")
    print(f"[{size}] license-check cold --jobs 1", flush=True)
    row["lc_cold_jobs1"] = license_check(root, cache_dir, work / f"lc-{size}-j1.json", "--no-cache", "-j", "1")
    report = json.loads(out.read_text())
    row["lc_jobs_identical"] = out.read_bytes() == (work / f"lc-{size}-j1.json").read_bytes()
    row["lc_top_level"] = sorted(lc_top_level(report))
    row["lc_all"] = sorted(lc_all(report))
    if size <= scancode_max:
        print(f"[{size}] scancode --license --package -n 2", flush=True)
        sc_out = work / f"sc-{size}.json"
        row["scancode"] = timed(["scancode", "--license", "--package", "-n", "2", "--quiet", "--json", str(sc_out),
                                 str(root)], dict(os.environ))
        row["scancode"]["stderr"] = ""
        data = json.loads(sc_out.read_text())
        row["sc_top_level"] = sorted(scancode_top_level(data, root.name))
        row["sc_all"] = sorted(scancode_all(data))
        row["top_level_agree"] = row["sc_top_level"] == row["lc_top_level"]
        row["ratio_cold"] = round(row["scancode"]["wall_s"] / row["lc_cold"]["wall_s"], 1)
        row["ratio_warm"] = round(row["scancode"]["wall_s"] / row["lc_warm"]["wall_s"], 1)
    return row


def weights_independence(work: Path) -> dict[str, Any]:
    """The same 500-file repository with 1 GiB and with 64 GiB (sparse) weight files."""
    rows = {}
    for gib in (1, 64):
        root = work / f"weights-{gib}"
        if not (work / f"weights-{gib}.done").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            generate(root, 500, weights_gb=gib)
            (work / f"weights-{gib}.done").write_text("")
        rows[f"{gib}GiB"] = bytes_read(root, work / "cache-weights")
    return rows


def version_time() -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls = [timed([sys.executable, "-m", "license_check", "--version"], env)["wall_s"] for _ in range(5)]
    return statistics.median(walls)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average_at_start"])
    lines = [
        "# Benchmark results (bench/run.py)", "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, {m['os']}, Python {m['python']}, "
        f"ScanCode {m['scancode']}. Load average at start: {load}. "
        "Page cache warm for both tools. Wall clock and peak RSS (largest process) from /usr/bin/time.", "",
        f"Run: {results['date']}. `license-check --version`: {results['version_s']:.2f} s.", "",
        "| files | weights (sparse) | license-check cold | warm (median of 3) | one file changed | cold --jobs 1 | "
        "ScanCode -n 2 | cold ratio | warm ratio | peak RSS lc / ScanCode | ScanCode index loaded by lc | "
        "top-level lc / ScanCode |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["sizes"]:
        sc = r.get("scancode")
        cells = [f"{r['files']:,}", f"{r['weights_apparent_gib']} GiB", f"{r['lc_cold']['wall_s']:.2f} s",
                 f"{r['lc_warm']['wall_s']:.2f} s", f"{r['lc_one_file_changed']['wall_s']:.2f} s",
                 f"{r['lc_cold_jobs1']['wall_s']:.2f} s"]
        if sc:
            agree = "agree" if r["top_level_agree"] else "DIFFER"
            cells += [f"{sc['wall_s']:.1f} s", f"{r['ratio_cold']}x", f"{r['ratio_warm']}x",
                      f"{r['lc_cold']['peak_rss_mb']:.0f} / {sc['peak_rss_mb']:.0f} MB"]
        else:
            cells += ["not run", "-", "-", f"{r['lc_cold']['peak_rss_mb']:.0f} / - MB"]
        cells.append("yes" if r["lc_cold"]["scancode_index_loaded"] else "no")
        top = ", ".join(r["lc_top_level"])
        cells.append(f"{top} / {', '.join(r['sc_top_level'])} ({agree})" if sc else f"{top} / -")
        lines.append("| " + " | ".join(cells) + " |")
    w = results["weights"]
    lines += ["", "Weights: the same 500-file repository with 1 GiB and with 64 GiB weight files (cold, --jobs 1): "
              f"{w['1GiB']['rchar_mb']} MB read in {w['1GiB']['scan_s']} s vs {w['64GiB']['rchar_mb']} MB read in "
              f"{w['64GiB']['scan_s']} s.", ""]
    for r in results["sizes"]:
        if "sc_all" in r:
            lines.append(f"Licenses found anywhere, {r['files']:,} files: license-check {', '.join(r['lc_all'])}; "
                         f"ScanCode {', '.join(r['sc_all'])}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--scancode-max", type=int, default=500, help="run ScanCode on sizes up to this")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/license-check-bench"))
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    results["version_s"] = version_time()
    results["sizes"] = [bench_size(int(s), args.workdir, args.scancode_max) for s in args.sizes.split(",")]
    results["weights"] = weights_independence(args.workdir)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    target = args.out / "RESULTS.md"
    old = target.read_text(encoding="utf-8") if target.is_file() else ""
    fleet = old[old.index("## Fleet audit"):] if "## Fleet audit" in old else ""  # bench/fleet.py's section, kept
    target.write_text(markdown(results) + ("\n" + fleet if fleet else ""))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
