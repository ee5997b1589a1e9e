"""``license-check audit MANIFEST``: many repositories, each scanned exactly as a single scan, isolated.

The manifest is a text file of local repository paths (one a line; ``#`` comments; relative paths are
relative to the manifest's folder) or a folder whose child folders are the repositories. Each repository
is scanned by its own ``license-check scan PATH --format json`` process (the same report and the same
caches as a single scan), so a crash, a timeout (``timeout`` seconds), a hostile tree or a task that raised
(no process could be started, a Dask worker killed) is a recorded failure of that repository, never of the
audit. Results go to ``out``: ``reports/<name>.json`` per repository, ``audit.jsonl`` (one line per
repository, in manifest order: verdict, project license, blocking components, the licenses that block,
seconds, failure) and the summary the CLI prints.

Resumable: each scan's report and line are written as it ends (the journal, audit.partial.jsonl), so a run
stopped half-way resumes from what it finished; each line keeps the repository's input key (the report
cache's key: every file's stat, the settings, the tool and rules); a rerun whose key is unchanged reuses the
stored report without starting a process. The local engine runs ``jobs`` processes at once; results are
written in manifest order, so the output is the same for every ``jobs``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from license_check.audit.runner import Ran, run_forked

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Entry:
    path: str  # as the manifest gives it (resolved against the manifest's folder)
    name: str  # unique, file-name safe: the report's file name


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    path: str
    verdict: str | None  # pass | warn | fail; None: the scan failed
    commercial_use: str | None
    project_license: str | None
    blocking: tuple[str, ...] = ()  # the components the explain causes name
    blocking_licenses: tuple[str, ...] = ()
    seconds: float = 0.0
    failure: str | None = None  # "timeout after 30 s", "internal error (exit 3): ...", ...
    exit_code: int | None = None
    key: str = ""  # the input key (report cache key) the result was made for
    reused: bool = field(default=False, compare=False)


def read_manifest(manifest: str) -> list[Entry]:
    """The repositories of ``manifest`` in order, each with a unique safe name. Raises ValueError."""
    base = Path(manifest)
    if base.is_dir():
        paths = [str(p) for p in sorted(base.iterdir(), key=lambda p: p.name) if p.is_dir() and not p.is_symlink()]
    else:
        data = base.read_bytes()[:MAX_MANIFEST_BYTES]
        lines = data.decode("utf-8", errors="replace").splitlines()
        paths = [str((base.parent / line.strip()) if not os.path.isabs(line.strip()) else line.strip())
                 for line in lines if line.strip() and not line.lstrip().startswith("#")]
    out: list[Entry] = []
    taken: Counter[str] = Counter()
    for path in paths:
        stem = _SAFE.sub("_", Path(path).name or "repo").strip("._") or "repo"
        taken[stem] += 1
        out.append(Entry(path, stem if taken[stem] == 1 else f"{stem}-{taken[stem]}"))
    return out


def input_key(path: str, args: Sequence[str]) -> str:
    """What a report depends on, as the report cache keys it (unchanged: the stored report is reused)."""
    from license_check.cache import report as report_cache
    from license_check.collect.discover import discover
    from license_check.policy.pins import utc_today

    found = discover(path)
    files = {a: hashlib.sha256(Path(a).read_bytes()).hexdigest() for a in args if os.path.isfile(a)}  # --policy
    return report_cache.key(path, found, {"audit": list(args), "files": files}, {}, utc_today())


def _command(path: str, args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "license_check", "scan", path, "--format", "json", *args]


# How one scan process is started: ``(path, args, timeout)`` -> its exit code (None: timed out) and output.
Runner = Callable[[str, Sequence[str], float], Ran]


def exec_runner(path: str, args: Sequence[str], timeout: float) -> Ran:
    """A new interpreter: ``python -m license_check scan PATH --format json ...`` (the Dask engine's way:
    its workers are daemonic and may not fork children through multiprocessing)."""
    start = time.monotonic()
    try:
        done = subprocess.run(_command(path, args), capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Ran(None, b"", b"", round(time.monotonic() - start, 3))
    return Ran(done.returncode, done.stdout, done.stderr, round(time.monotonic() - start, 3))


def forked_runner(path: str, args: Sequence[str], timeout: float) -> Ran:
    """The same command in a process forked from a server with license-check imported (runner.py): the
    local engine's way, without an interpreter's start and the imports for each repository."""
    return run_forked(["scan", path, "--format", "json", *args], timeout)


def scan_one(entry: Entry, args: Sequence[str], timeout: float,
             runner: Runner | None = None) -> tuple[Result, str | None]:
    """Scan one repository in its own process: its Result and its JSON report (None on failure)."""
    if not os.path.isdir(entry.path):
        return Result(entry.name, entry.path, None, None, None, failure="not a folder"), None
    done = (runner or exec_runner)(entry.path, args, timeout)
    seconds = done.seconds
    if done.returncode is None:
        return Result(entry.name, entry.path, None, None, None, seconds=seconds,
                      failure=f"timeout after {timeout:g} s"), None
    stderr = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    why = stderr[0][:300] if stderr else ""
    if done.returncode not in (0, 1):
        kind = "internal error" if done.returncode == 3 else "usage or configuration error" \
            if done.returncode == 2 else "crashed"
        code = f"signal {_signal_name(-done.returncode)}" if done.returncode < 0 else f"exit {done.returncode}"
        return Result(entry.name, entry.path, None, None, None, seconds=seconds, exit_code=done.returncode,
                      failure=f"{kind} ({code})" + (f": {why}" if why else "")), None
    text = done.stdout.decode("utf-8", errors="replace")
    try:
        report = json.loads(text)
    except ValueError:
        return Result(entry.name, entry.path, None, None, None, seconds=seconds, exit_code=done.returncode,
                      failure="the report is not JSON"), None
    return _result(entry, report, seconds, done.returncode), text


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _result(entry: Entry, report: dict[str, object], seconds: float, code: int | None) -> Result:
    explain = report.get("explain")
    causes = explain.get("causes", []) if isinstance(explain, dict) else []
    causes = [c for c in causes if isinstance(c, dict)] if isinstance(causes, list) else []
    blocking = tuple(sorted({str(c) for cause in causes for c in cause.get("components", [])}))
    licenses = tuple(sorted({str(cause["license"]) for cause in causes if cause.get("license")}))
    project = report.get("project_license")
    return Result(entry.name, entry.path, str(report.get("verdict")), str(report.get("commercial_use")),
                  project if isinstance(project, str) else None, blocking, licenses, seconds, None, code)


JOURNAL = "audit.partial.jsonl"  # the lines of the scans finished so far, in the order they finished


def _stored(out: Path) -> dict[str, dict[str, object]]:
    """The previous run's lines by name: audit.jsonl, then the journal of a run that did not finish."""
    stored: dict[str, dict[str, object]] = {}
    for lines in (out / "audit.jsonl", out / JOURNAL):
        if not lines.is_file():
            continue
        for line in lines.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                stored[item["name"]] = item
    return stored


def _outcome(entry: Entry, get: Callable[[], tuple[Result, str | None]],
             what: str) -> tuple[Result, str | None]:
    """A task's (Result, JSON text); a task that raised (a worker killed, no process could be started: what
    ``scan_one`` does not catch) is a recorded failure of its repository, never of the audit."""
    try:
        return get()
    except Exception as exc:  # noqa: BLE001 - whatever one repository's task raised, the audit goes on
        why = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return Result(entry.name, entry.path, None, None, None, failure=f"{what}: {why}"), None


# An engine scans entries and gives each one's (Result, JSON text) in the order given; ``tick(done, total)``
# as they finish, and ``finished(index, outcome)`` with each one's outcome as it arrives (the journal).
Finished = Callable[[int, tuple[Result, str | None]], None]
Engine = Callable[[Sequence[Entry], Sequence[str], float, Callable[[int, int], None] | None, Finished | None],
                  list[tuple[Result, str | None]]]


def local_engine(jobs: int, runner: Runner | None = None) -> Engine:
    """``--engine local``: ``jobs`` scan processes at once on this machine, forked (``forked_runner``)."""
    def run(entries: Sequence[Entry], args: Sequence[str], timeout: float,
            tick: Callable[[int, int], None] | None, finished: Finished | None = None
            ) -> list[tuple[Result, str | None]]:
        out: list[tuple[Result, str | None] | None] = [None] * len(entries)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(scan_one, e, args, timeout, runner or forked_runner): i
                       for i, e in enumerate(entries)}
            for done, future in enumerate(as_completed(futures), start=1):
                i = futures[future]
                out[i] = outcome = _outcome(entries[i], future.result, "the scan could not be started")
                if finished is not None:
                    finished(i, outcome)
                if tick is not None:
                    tick(done, len(entries))
        return [r for r in out if r is not None]

    return run


def dask_engine(scheduler: str) -> Engine:
    """``--engine dask``: one Dask task per repository on the cluster at ``scheduler`` (a
    ``distributed.Client`` address); results stream back as they finish. The workers need license-check
    installed and read access to the paths (docs/fleet.md). Needs the ``fleet`` extra (distributed)."""
    def run(entries: Sequence[Entry], args: Sequence[str], timeout: float,
            tick: Callable[[int, int], None] | None, finished: Finished | None = None
            ) -> list[tuple[Result, str | None]]:
        from distributed import Client  # the fleet extra: only for --engine dask
        from distributed import as_completed as arrived

        out: list[tuple[Result, str | None] | None] = [None] * len(entries)
        run = uuid.uuid4().hex  # a Dask key names one result cluster-wide: another audit's tasks must never match
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            futures = [client.submit(scan_one, e, list(args), timeout, key=f"license-check-{e.name}-{run}-{i}",
                                     pure=False) for i, e in enumerate(entries)]
            index = {f.key: i for i, f in enumerate(futures)}
            for done, future in enumerate(arrived(futures), start=1):  # type: ignore[no-untyped-call]
                i = index[future.key]
                out[i] = outcome = _outcome(entries[i], future.result, "the Dask task failed")
                if finished is not None:
                    finished(i, outcome)
                if tick is not None:
                    tick(done, len(entries))
        return [r for r in out if r is not None]

    return run


def audit(entries: Sequence[Entry], out: Path, args: Sequence[str], jobs: int, timeout: float,
          tick: Callable[[int, int], None] | None = None, engine: Engine | None = None) -> list[Result]:
    """Scan ``entries`` (unchanged ones reused) on ``engine`` (default: local, ``jobs`` at once); write the
    reports and audit.jsonl in manifest order. The same inputs give the same files on every engine."""
    (out / "reports").mkdir(parents=True, exist_ok=True)
    stored = _stored(out)
    results: list[Result | None] = [None] * len(entries)
    keys = [input_key(e.path, args) if os.path.isdir(e.path) else "" for e in entries]
    todo: list[int] = []
    for i, entry in enumerate(entries):
        before, report_file = stored.get(entry.name), out / "reports" / f"{entry.name}.json"
        if before is not None and keys[i] and before.get("key") == keys[i] and before.get("failure") is None \
                and report_file.is_file():
            code, seconds = before.get("exit_code"), before.get("seconds")
            report = json.loads(report_file.read_text(encoding="utf-8"))
            results[i] = replace(_result(entry, report, float(seconds) if isinstance(seconds, int | float) else 0.0,
                                         code if isinstance(code, int) else None), key=keys[i], reused=True)
        else:
            todo.append(i)
    journal = open(out / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def finished(n: int, outcome: tuple[Result, str | None]) -> None:
        """As each scan ends: its report, and its line in the journal, so an audit stopped half-way (killed,
        a machine lost) resumes from what it had finished."""
        i = todo[n]
        result, text = outcome
        if text is not None:
            (out / "reports" / f"{entries[i].name}.json").write_text(text, encoding="utf-8")
        results[i] = keyed = replace(result, key=keys[i])
        journal.write(_line(keyed) + "\n")
        journal.flush()

    with journal:
        (engine or local_engine(jobs))([entries[i] for i in todo], args, timeout, tick, finished)
    final = [r for r in results if r is not None]
    with open(out / "audit.jsonl", "w", encoding="utf-8") as handle:
        for r in final:
            handle.write(_line(r) + "\n")
    (out / JOURNAL).unlink(missing_ok=True)  # audit.jsonl holds it all, in manifest order
    return final


def _line(r: Result) -> str:
    return json.dumps({k: v for k, v in asdict(r).items() if k != "reused"}, sort_keys=True, ensure_ascii=False)


def summary(results: Sequence[Result]) -> str:
    """The table the CLI prints: verdicts, the licenses that block most often, the failures."""
    verdicts = Counter(r.verdict or "failed" for r in results)
    lines = [f"audit: {len(results)} repositories: " + ", ".join(
        f"{verdicts[v]} {v}" for v in ("pass", "warn", "fail", "failed") if verdicts[v])]
    blockers = Counter(lic for r in results for lic in r.blocking_licenses)
    if blockers:
        common = ", ".join(f"{lic} ({n})" for lic, n in blockers.most_common(8))
        lines.append(f"licenses that block most often: {common}")
    failed = [r for r in results if r.failure]
    lines += [f"  failed: {r.name}: {r.failure}" for r in failed[:20]]
    if len(failed) > 20:
        lines.append(f"  ... and {len(failed) - 20} more failures (audit.jsonl)")
    reused = sum(1 for r in results if r.reused)
    if reused:
        lines.append(f"{reused} unchanged repositories reused from the previous run")
    return "\n".join(lines) + "\n"
