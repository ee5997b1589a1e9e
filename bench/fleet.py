"""Benchmark: ``license-check audit`` of a fleet of small synthetic repositories on both engines (issue 17).

    python3 bench/fleet.py [--repos 1000] [--jobs 2] [--sample-every 10] [--seed 17]
                           [--workdir /tmp/license-check-fleet] [--dask-first] [--no-results]
    python3 bench/fleet.py --render WORKDIR/fleet.json [WORKDIR2/fleet.json]    # the section, no measuring

What it does, in order (the checkout that holds this script is the license-check measured: PYTHONPATH):

1. generates ``--repos`` small repositories (10-30 files each) under WORKDIR/repos, deterministically (repository
   ``i`` depends only on ``--seed`` and ``i``): Apache-2.0 and MIT code, some with CC-BY-NC-4.0 weights cards,
   GPL-3.0 applications, MIT code vendoring GPL-2.0, CC-BY-SA data, no license at all, and a few hostile ones
   (a malformed model card, a folder nested 120 deep); writes WORKDIR/manifest.txt;
2. ``license-check audit`` with ``--engine local -j JOBS``, then with ``--engine dask`` against a
   ``distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` this script starts; each run
   into its own out folder and with its own fresh, empty ``LICENSE_CHECK_CACHE_DIR`` (a normal scan: ScanCode
   allowed; the audit has no --no-cache, the empty cache folder makes every run cold);
3. compares the two: audit.jsonl line by line (which fields differ, in how many lines), reports/*.json byte for
   byte, audit.parquet as tables;
4. reruns the local audit into its own out folder (every repository unchanged: all reused, no scan process);
5. runs ``license-check scan PATH --format json`` one by one, sequentially, on a deterministic sample (every
   ``--sample-every``-th repository, fresh cache folder) and extrapolates its cost per repository; each single
   report is compared with the audit's report of the same repository.

Wall clock, CPU (user + sys) and peak RSS of the largest process come from /usr/bin/time for the local runs and
the single scans; for the Dask run, from /usr/bin/time of the audit (the client) plus ``getrusage`` of the two
workers (RUSAGE_SELF, and RUSAGE_CHILDREN: the scan processes they ran) and of this script (the scheduler).
It prints a Markdown table and writes the "Fleet audit" section of bench/RESULTS.md (unless --no-results) and
WORKDIR/fleet.json. Nothing is written in the checkout except bench/RESULTS.md. The whole run takes about
1 s of CPU per repository and engine (1,000 repositories: 40-60 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from gen_repo import APACHE_HEADER, _sparse, _write, license_text, python_source  # noqa: E402

TIME = "/usr/bin/time"
SECTION = "## Fleet audit"
FLEET_VERSION = 1  # of make_repo: a WORKDIR holding a fleet of another version is regenerated
KINDS: list[tuple[str, int]] = [  # (kind, weight out of 100)
    ("apache", 26), ("mit", 18), ("apache-nc-weights", 14), ("gpl-app", 9), ("mit-vendors-gpl", 6),
    ("data-share-alike", 6), ("no-license", 10), ("bsd-with-model", 5), ("hostile-card", 4), ("deep-nest", 2),
]
BAD_CARDS = [
    "---\nlicense: [mit\nbase_model: x\n---\n# broken\n",  # invalid YAML
    "---\nlicense: !!python/object/apply:os.system ['true']\n---\n# tag\n",  # a Python tag
    "---\nlicense: 42\npipeline_tag: text-generation\n---\n",  # the wrong type
    "---\nlicense: mit\nl0: &l0 [lol]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]\n"
                                                 for i in range(1, 9)) + "---\n# laughs\n",  # billion laughs
    "---\nlicense: " + "[" * 5000 + "]" * 5000 + "\n---\n",  # nested 5,000 deep
    "---\nlicense: apache-2.0\n",  # never closed
]


# --------------------------------------------------------------------------------------------- the fleet


class _Texts:
    """License texts from ScanCode's LicenseDB, read once."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self.cache:
            self.cache[key] = license_text(key)
        return self.cache[key]


TEXTS = _Texts()


_put = _write  # gen_repo's writers: a file with its folders, a sparse safetensors file (header, then a hole)
_weights = _sparse


def _mit(holder: str) -> str:
    return TEXTS("mit").replace("<year> <copyright holders>", f"2021 {holder}")


def _sources(root: Path, rng: random.Random, package: str, count: int, header: Callable[[random.Random], str],
             folder: str = "src") -> None:
    for i in range(count):
        _put(root, f"{folder}/{package}/module_{i}.py", python_source(rng, i, header(rng)))


def _spdx(tag: str) -> Callable[[random.Random], str]:
    return lambda rng: f"# SPDX-License-Identifier: {tag}\n" if rng.random() < 0.7 else ""


def _apache_header(rng: random.Random) -> str:
    roll = rng.random()
    return "# SPDX-License-Identifier: Apache-2.0\n" if roll < 0.5 else APACHE_HEADER if roll < 0.8 else ""


def _model(root: Path, rng: random.Random, folder: str, card_license: str) -> None:
    base = rng.choice(["bert-base-uncased", "gpt2", "t5-small", "distilbert-base-uncased"])
    _put(root, f"{folder}/README.md", f"---\nlicense: {card_license}\nbase_model: {base}\nlibrary_name: "
         f"transformers\n---\n\n# {folder.rsplit('/', 1)[-1]}\n\nA fine-tune of {base}.\n")
    _put(root, f"{folder}/config.json", json.dumps({"architectures": ["BertModel"], "hidden_size": 768}) + "\n")
    _weights(root, f"{folder}/model.safetensors", rng.choice([1, 4, 16]) << 20)


def _common(root: Path, rng: random.Random, name: str, spdx: str | None) -> None:
    license_line = f'license = "{spdx}"\n' if spdx else ""
    _put(root, "README.md", f"# {name}\n\nA small tool.\n" + (f"\n## License\n\n{spdx}\n" if spdx else ""))
    _put(root, "pyproject.toml", f'[project]\nname = "{name}"\nversion = "0.{rng.randint(1, 9)}"\n{license_line}')
    _put(root, ".gitignore", "*.pyc\n__pycache__/\n")
    for i in range(rng.randint(0, 3)):
        _put(root, f"docs/page_{i}.md", f"# Page {i}\n\n" + "Some text about training.\n" * rng.randint(3, 30))


def make_repo(root: Path, index: int, seed: int) -> str:
    """Write repository ``index`` under ``root`` (10-30 files); returns its kind. Depends only on seed and index."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    name = f"fleet-{index:04d}"
    package = f"pkg{index}"
    n = rng.randint(7, 20)
    if kind in ("apache", "apache-nc-weights", "hostile-card"):
        _common(root, rng, name, "Apache-2.0")
        _put(root, "LICENSE", TEXTS("apache-2.0"))
        _sources(root, rng, package, n, _apache_header)
        if kind == "apache-nc-weights":
            _model(root, rng, f"models/{name}-base", rng.choice(["cc-by-nc-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0"]))
        elif kind == "hostile-card":
            _put(root, "models/broken/README.md", BAD_CARDS[index % len(BAD_CARDS)])
            _weights(root, "models/broken/model.safetensors", 1 << 20)
        elif rng.random() < 0.4:
            _model(root, rng, f"models/{name}-base", rng.choice(["apache-2.0", "mit"]))
    elif kind in ("mit", "deep-nest", "data-share-alike"):
        _common(root, rng, name, "MIT")
        _put(root, "LICENSE", _mit(f"{name} authors"))
        _sources(root, rng, package, n, _spdx("MIT"))
        if kind == "data-share-alike":
            _put(root, "data/corpus/README.md", "---\nlicense: cc-by-sa-4.0\npretty_name: Corpus\n---\n\n# Corpus\n")
            for part in range(2):
                _put(root, f"data/corpus/train-{part}.csv",
                     "".join(f"{i},{rng.random():.5f},text {i}\n" for i in range(100)))
        elif kind == "deep-nest":
            deep = "/".join(f"d{i}" for i in range(120))
            _put(root, f"{deep}/module.py", python_source(rng, 0, "# SPDX-License-Identifier: MIT\n"))
            os.symlink(".", root / "loop")  # a link back to the root: followed, it would never end
    elif kind == "gpl-app":
        _common(root, rng, name, "GPL-3.0-or-later")
        _put(root, "COPYING", TEXTS("gpl-3.0"))
        _sources(root, rng, package, n, _spdx("GPL-3.0-or-later"))
    elif kind == "mit-vendors-gpl":
        _common(root, rng, name, "MIT")
        _put(root, "LICENSE", _mit(f"{name} authors"))
        _sources(root, rng, package, n - 3, _spdx("MIT"))
        _put(root, "third_party/gplib/COPYING", TEXTS("gpl-2.0"))
        _sources(root, rng, "gplib", 3, _spdx("GPL-2.0-only"), folder="third_party")
    elif kind == "bsd-with-model":
        _common(root, rng, name, "BSD-3-Clause")
        _put(root, "LICENSE", TEXTS("bsd-new"))
        _sources(root, rng, package, n, _spdx("BSD-3-Clause"))
        _model(root, rng, "models/detector", rng.choice(["openrail", "cc-by-4.0", "bsd-3-clause"]))
    else:  # no-license: no license file, no headers, no license field
        _common(root, rng, name, None)
        _sources(root, rng, package, n, lambda _rng: "")
    return kind


def make_fleet(work: Path, repos: int, seed: int) -> tuple[Path, list[Path], Counter[str]]:
    """The repositories (regenerated unless WORKDIR holds the same fleet) and the manifest."""
    folder, stamp = work / "repos", work / "repos.done"
    wanted = json.dumps({"repos": repos, "seed": seed, "generator": _generator_digest()})
    paths = [folder / f"repo-{i:04d}" for i in range(repos)]
    kinds: Counter[str] = Counter()
    if stamp.is_file() and stamp.read_text() == wanted:
        kinds.update(json.loads((work / "kinds.json").read_text()))
    else:
        shutil.rmtree(folder, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        for i, path in enumerate(paths):
            path.mkdir(parents=True)
            kinds[make_repo(path, i, seed)] += 1
        (work / "kinds.json").write_text(json.dumps(dict(kinds)))
        stamp.write_text(wanted)
    manifest = work / "manifest.txt"
    manifest.write_text("# bench/fleet.py\n" + "".join(f"{p}\n" for p in paths))
    return manifest, paths, kinds


def _generator_digest() -> str:
    """What the fleet depends on: FLEET_VERSION (bump it when make_repo changes) and gen_repo.py."""
    import hashlib

    return f"{FLEET_VERSION}-" + hashlib.sha256((HERE / "gen_repo.py").read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------------------------- measuring


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "LICENSE_CHECK_CACHE_DIR": str(cache)}


def timed(cmd: Sequence[str], env: dict[str, str], stdout: Path | None = None) -> dict[str, Any]:
    """Run ``cmd`` under /usr/bin/time: wall s, CPU s (user + sys, waited-for children included), peak RSS MB
    (the largest process of the tree), exit code, the last lines of stdout and stderr."""
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as tmp:
        stats, out = Path(tmp) / "time.out", stdout or Path(tmp) / "stdout"
        start = time.perf_counter()
        with open(out, "wb") as handle:
            run = subprocess.run([TIME, "-f", "%e %U %S %M", "-o", str(stats), *cmd], stdout=handle,
                                 stderr=subprocess.PIPE, env=env, check=False)
        wall = time.perf_counter() - start
        load_end = round(os.getloadavg()[0], 2)
        fields = stats.read_text().split()[-4:]
        text = out.read_text(encoding="utf-8", errors="replace") if stdout is None else ""
    return {"wall_s": round(wall, 3), "cpu_s": round(float(fields[1]) + float(fields[2]), 2),
            "peak_rss_mb": round(int(fields[3]) / 1024, 1), "load_at_start": load, "load_at_end": load_end,
            "exit": run.returncode,
            "stdout": text[-2000:],
            "stderr": run.stderr.decode(errors="replace")[-2000:]}


def _audit_cmd(manifest: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "license_check", "audit", str(manifest), "--out", str(out), *extra]


def _rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def _failures(out: Path) -> int:
    return sum(1 for r in _rows(out) if r.get("failure"))


def _usage() -> dict[str, float]:
    """Run on a Dask worker: its own CPU and peak RSS, and those of the scan processes it ran (RUSAGE_CHILDREN)."""
    import resource as res

    me, kids = res.getrusage(res.RUSAGE_SELF), res.getrusage(res.RUSAGE_CHILDREN)
    return {"self_cpu_s": me.ru_utime + me.ru_stime, "self_rss_mb": me.ru_maxrss / 1024,
            "children_cpu_s": kids.ru_utime + kids.ru_stime, "children_rss_mb": kids.ru_maxrss / 1024}


def _machine_cpu_s() -> float:
    """CPU seconds the whole machine has spent (user, nice, system, irq, softirq), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(fields[:3]) + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def run_local(manifest: Path, work: Path, jobs: int) -> dict[str, Any]:
    """The local engine forks its scans from a forkserver, which the audit never waits for: /usr/bin/time
    does not see their CPU. The CPU column is the machine's own count over the run (any other load included)."""
    out, cache = _fresh(work / "out-local"), _fresh(work / "cache-local")
    before = _machine_cpu_s()
    result = timed(_audit_cmd(manifest, out, "--engine", "local", "-j", str(jobs)), _env(cache))
    result.update(out=str(out), failures=_failures(out), cpu_s=round(_machine_cpu_s() - before, 2),
                  cpu_note="machine-wide")
    return result


def run_dask(manifest: Path, work: Path) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    out, cache = _fresh(work / "out-dask"), _fresh(work / "cache-dask")
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "LICENSE_CHECK_CACHE_DIR")}
    os.environ.update(PYTHONPATH=str(ROOT), LICENSE_CHECK_CACHE_DIR=str(cache))  # the workers' environment
    try:
        me = resource.getrusage(resource.RUSAGE_SELF)
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                               dashboard_address=None)
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            before = client.run(_usage)
            result = timed(_audit_cmd(manifest, out, "--engine", "dask", "--scheduler", cluster.scheduler_address),
                           _env(cache))
            after = client.run(_usage)
        scheduler = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    workers = {w: {k: after[w][k] - before[w][k] if k.endswith("cpu_s") else after[w][k] for k in after[w]}
               for w in after}
    client_cpu = result["cpu_s"]
    result["client"] = {"cpu_s": client_cpu, "peak_rss_mb": result["peak_rss_mb"]}
    result["workers"] = workers
    result["scheduler_cpu_s"] = round(scheduler.ru_utime + scheduler.ru_stime - me.ru_utime - me.ru_stime, 2)
    result["cpu_s"] = round(client_cpu + result["scheduler_cpu_s"]
                            + sum(w["self_cpu_s"] + w["children_cpu_s"] for w in workers.values()), 2)
    result["peak_rss_mb"] = round(max([result["peak_rss_mb"]] + [w["children_rss_mb"] for w in workers.values()]), 1)
    result["worker_rss_mb"] = round(max(w["self_rss_mb"] for w in workers.values()), 1)
    result.update(out=str(out), failures=_failures(out))
    return result


def run_rerun(manifest: Path, work: Path, jobs: int, first: Path) -> dict[str, Any]:
    """The local audit again over a copy of its out folder: every repository unchanged, so all reused."""
    out, cache = _fresh(work / "out-rerun"), _fresh(work / "cache-rerun")
    shutil.rmtree(out)
    shutil.copytree(first, out)
    result = timed(_audit_cmd(manifest, out, "--engine", "local", "-j", str(jobs)), _env(cache))
    reused = next((int(line.split()[0]) for line in result["stdout"].splitlines()
                   if "unchanged repositories reused" in line), 0)
    result.update(out=str(out), failures=_failures(out), reused=reused,
                  jsonl_identical=(out / "audit.jsonl").read_bytes() == (first / "audit.jsonl").read_bytes())
    return result


def run_singles(paths: Sequence[Path], every: int, work: Path, audit_out: Path) -> dict[str, Any]:
    """``license-check scan PATH --format json`` one after the other on every ``every``-th repository."""
    sample = list(paths[::every])
    cache, reports = _fresh(work / "cache-singles"), _fresh(work / "singles")
    load = round(os.getloadavg()[0], 2)
    wall = cpu = 0.0
    peak, failures, same = 0.0, 0, 0
    for path in sample:
        target = reports / f"{path.name}.json"
        r = timed([sys.executable, "-m", "license_check", "scan", str(path), "--format", "json"], _env(cache), target)
        wall, cpu, peak = wall + r["wall_s"], cpu + r["cpu_s"], max(peak, r["peak_rss_mb"])
        failures += r["exit"] not in (0, 1)
        same += target.read_bytes() == (audit_out / "reports" / f"{path.name}.json").read_bytes()
    return {"repos": len(sample), "every": every, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": peak, "load_at_start": load, "load_at_end": round(os.getloadavg()[0], 2),
            "failures": failures, "same_report_as_audit": same}


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --------------------------------------------------------------------------------------------- comparing


def compare(a: Path, b: Path) -> dict[str, Any]:
    """audit.jsonl line by line (the fields that differ, with how many lines), reports/ byte for byte, the
    parquet tables."""
    rows_a, rows_b = _rows(a), _rows(b)
    differ: Counter[str] = Counter()
    for ra, rb in zip(rows_a, rows_b, strict=False):
        differ.update(k for k in sorted(set(ra) | set(rb)) if ra.get(k) != rb.get(k))
    names_a = sorted(p.name for p in (a / "reports").iterdir())
    names_b = sorted(p.name for p in (b / "reports").iterdir())
    same = [n for n in names_a if n in names_b and (a / "reports" / n).read_bytes() == (b / "reports" / n).read_bytes()]
    result: dict[str, Any] = {
        "lines": [len(rows_a), len(rows_b)], "same_order": [r["name"] for r in rows_a] == [r["name"] for r in rows_b],
        "fields_that_differ": dict(differ), "reports": [len(names_a), len(names_b)], "reports_identical": len(same),
        "reports_differing": sorted(set(names_a) ^ set(names_b) | (set(names_a) & set(names_b)) - set(same))[:20],
    }
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        result["parquet_equal"] = pq.read_table(a / "audit.parquet").equals(pq.read_table(b / "audit.parquet"))
        result["parquet_rows"] = pq.read_metadata(a / "audit.parquet").num_rows
    except (ImportError, OSError) as exc:
        result["parquet_equal"] = f"not compared: {exc}"
    return result


# --------------------------------------------------------------------------------------------- reporting


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 2**20, 1),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "scancode": ver("scancode-toolkit"), "distributed": ver("distributed"),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def table(results: dict[str, Any]) -> str:
    n, jobs = results["repos"], results["jobs"]
    s = results["singles"]
    per_single = s["wall_s"] / max(1, s["repos"])
    rows = [
        (f"audit --engine local -j {jobs}", n, results["local"]),
        ("audit --engine dask (LocalCluster: 2 workers x 1 thread, processes)", n, results["dask"]),
        (f"audit rerun, local -j {jobs} ({results['rerun']['reused']} reused)", n, results["rerun"]),
        (f"single scans one by one, sample: every {s['every']}th repository", s["repos"], s),
    ]
    lines = ["| run | repos | wall s | repos/s | wall s per repo | CPU s per repo | peak RSS (largest process) | "
             "failures | load (1 min) at start / end |", "|---|---|---|---|---|---|---|---|---|"]
    for label, count, r in rows:
        end = f" / {r['load_at_end']:.2f}" if "load_at_end" in r else ""
        lines.append(f"| {label} | {count:,} | {r['wall_s']:.1f} | {count / r['wall_s']:.2f} | "
                     f"{r['wall_s'] / count:.3f} | {r['cpu_s'] / count:.3f} | {r['peak_rss_mb']:.0f} MB | "
                     f"{r['failures']} | {r['load_at_start']:.2f}{end} |")
    lines.append(f"| single scans one by one, extrapolated from the sample | {n:,} (extrapolated) | "
                 f"{per_single * n:.0f} | {1 / per_single:.2f} | {per_single:.3f} | {s['cpu_s'] / s['repos']:.3f} | "
                 f"- | - | - |")
    return "\n".join(lines)


def _compare_line(label: str, c: dict[str, Any]) -> str:
    differ = ", ".join(f"`{k}` ({v} of {c['lines'][0]} lines)" for k, v in sorted(c["fields_that_differ"].items()))
    return (f"{label}: audit.jsonl {c['lines'][0]} / {c['lines'][1]} lines, same order: "
            f"{'yes' if c['same_order'] else 'NO'}, fields that differ: {differ or 'none'}; reports/*.json "
            f"{c['reports_identical']} of {c['reports'][0]} byte-identical"
            + (f" (differing: {', '.join(c['reports_differing'])})" if c["reports_differing"] else "")
            + f"; audit.parquet equal as tables: {c.get('parquet_equal')}"
            + (f" ({c['parquet_rows']:,} rows)" if "parquet_rows" in c else "") + ".")


def section(runs: Sequence[dict[str, Any]]) -> str:
    """The "Fleet audit" section: one run, or several (each under its own heading, e.g. both engine orders)."""
    if len(runs) == 1:
        return f"{SECTION}\n\n{_body(runs[0])}"
    return f"{SECTION}\n\n" + "\n".join(
        f"### Run {n}: {r['date']}, {' first, then '.join(r.get('order', ['local', 'dask']))}\n\n{_body(r)}"
        for n, r in enumerate(runs, start=1))


def _body(results: dict[str, Any]) -> str:
    m = results["machine"]
    load, end = (", ".join(f"{x:.2f}" for x in m[k]) for k in ("load_average_at_start", "load_average_at_end"))
    d, s, local = results["dask"], results["singles"], results["local"]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(results["kinds"].items(), key=lambda kv: -kv[1]))
    verdicts = ", ".join(f"{v} {k}" for k, v in sorted(results["verdicts"].items()))
    per_audit, per_single = local["wall_s"] / results["repos"], s["wall_s"] / max(1, s["repos"])
    workers = ", ".join(f"{w['children_cpu_s']:.0f} s" for w in d["workers"].values())
    lines = [
        f"`python3 bench/fleet.py --repos {results['repos']} --jobs {results['jobs']} --sample-every {s['every']} "
        f"--seed {results['seed']}{' --dask-first' if results.get('order', ['local'])[0] == 'dask' else ''}` "
        f"(issue 17). Run: {results['date']}. Machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gib']} GiB RAM, {m['os']}, Python {m['python']}, ScanCode {m['scancode']}, distributed "
        f"{m['distributed']}. Load average at start: {load}; at the end: {end}. The machine was shared with "
        "other work during the run: the numbers are indicative.", "",
        f"{results['repos']:,} synthetic repositories of 10-30 files (generated in {results['generate_s']:.0f} s): "
        f"{kinds}. Verdicts: {verdicts}. Every run has its own empty LICENSE_CHECK_CACHE_DIR (cold; a normal "
        "scan, ScanCode allowed).", "",
        table(results), "",
        _compare_line("Local vs Dask", results["compare"]),
        f"Rerun: {results['rerun']['reused']:,} of {results['repos']:,} reused, audit.jsonl byte-identical to the "
        f"first run: {'yes' if results['rerun']['jsonl_identical'] else 'NO'}. Single scans: "
        f"{s['same_report_as_audit']} of {s['repos']} reports byte-identical to the audit's.", "",
        f"Cost per repository: the audit (local, -j {results['jobs']}) {per_audit:.3f} s of wall clock, "
        f"{local['cpu_s'] / results['repos']:.3f} s of CPU; Dask {d['wall_s'] / results['repos']:.3f} s of "
        f"wall clock, {d['cpu_s'] / results['repos']:.3f} s of CPU; single scans started one by one "
        f"{per_single:.3f} s of wall clock, {s['cpu_s'] / max(1, s['repos']):.3f} s of CPU (sample of "
        f"{s['repos']}): {per_single / per_audit:.2f}x the local audit's wall clock per repository. On a shared "
        "machine the wall clock follows the other work's load at the time (the last column); CPU s per "
        "repository is the steadier comparison. Dask: CPU of the scans on each "
        f"worker {workers}; worker peak RSS {d['worker_rss_mb']:.0f} MB, client (the audit process) peak RSS "
        f"{d['client']['peak_rss_mb']:.0f} MB, scheduler CPU {d['scheduler_cpu_s']:.1f} s. Peak RSS is that of "
        "the largest single process: a scan's own is the single-scan row's; in the audit rows it is the audit "
        "process's or a worker's (on Linux a child's peak RSS counts its parent's memory at the fork).",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Put ``text`` in ``path`` in place of its "Fleet audit" section (up to the next ``## `` heading), or at
    the end."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    start = old.find(SECTION)
    if start < 0:
        path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    rest = old.find("\n## ", start + len(SECTION))
    path.write_text(old[:start] + text + (old[rest:] if rest >= 0 else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2, help="-j of the local engine")
    parser.add_argument("--sample-every", type=int, default=10, help="single scans: every Nth repository")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/license-check-fleet"))
    parser.add_argument("--dask-first", action="store_true", help="run the Dask audit before the local one")
    parser.add_argument("--no-results", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument("--render", type=Path, nargs="+", metavar="FLEET_JSON",
                        help="measure nothing: write the section from runs' WORKDIR/fleet.json (one or more)")
    args = parser.parse_args(argv)
    if args.render:
        text = section([json.loads(path.read_text()) for path in args.render])
        if not args.no_results:
            write_section(HERE / "RESULTS.md", text)
        print(text)
        return 0
    work: Path = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
                               "repos": args.repos, "jobs": args.jobs, "seed": args.seed}

    def step(what: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)

    step(f"generating {args.repos} repositories in {work / 'repos'}")
    start = time.perf_counter()
    manifest, paths, kinds = make_fleet(work, args.repos, args.seed)
    results["generate_s"], results["kinds"] = round(time.perf_counter() - start, 1), dict(kinds)
    engines: dict[str, Callable[[], dict[str, Any]]] = {
        "local": lambda: run_local(manifest, work, args.jobs), "dask": lambda: run_dask(manifest, work)}
    results["order"] = ["dask", "local"] if args.dask_first else ["local", "dask"]
    for engine in results["order"]:
        step(f"audit --engine {engine}")
        results[engine] = engines[engine]()
        step(f"  {results[engine]['wall_s']} s")
    step("comparing")
    results["compare"] = compare(work / "out-local", work / "out-dask")
    results["verdicts"] = dict(Counter(str(r.get("verdict")) for r in _rows(work / "out-local")))
    step("rerun (all reused)")
    results["rerun"] = run_rerun(manifest, work, args.jobs, work / "out-local")
    step(f"  {results['rerun']['wall_s']} s; single scans one by one, every {args.sample_every}th repository")
    results["singles"] = run_singles(paths, args.sample_every, work, work / "out-local")
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    for run in ("local", "dask", "rerun"):
        if results[run]["exit"] not in (0, 1):
            print(f"audit ({run}) exited {results[run]['exit']}: {results[run]['stderr']}", file=sys.stderr)
    (work / "fleet.json").write_text(json.dumps(results, indent=2) + "\n")
    text = section([results])
    if not args.no_results:
        write_section(HERE / "RESULTS.md", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
