"""`license-check audit MANIFEST` (issue 17, first part): many repositories, each isolated; failures recorded."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check import audit as audit_module
from license_check.audit.runner import Ran, run_forked
from license_check.cli import cli
from tests.conftest import SAMPLES
from tests.hostile_repo import build_hostile_repo


def _rows(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "audit.jsonl").read_text().splitlines()]


def _manifest(tmp_path: Path, names: Sequence[str], extra: Sequence[str] = ()) -> Path:
    manifest = tmp_path / "repos.txt"
    manifest.write_text("# repositories to audit\n" + "".join(f"{SAMPLES / n}\n" for n in names)
                        + "".join(f"{e}\n" for e in extra))
    return manifest


def test_an_audit_scans_each_repository_as_a_single_scan_does(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, ["mit-package", "no-license", "gpl-app-vendored"], ["missing-repo"])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out), "-j", "2"])
    assert result.exit_code == 1  # one repository could not be scanned
    rows = _rows(out)
    assert [r["name"] for r in rows] == ["mit-package", "no-license", "gpl-app-vendored", "missing-repo"]
    assert [r["verdict"] for r in rows] == ["pass", "fail", "warn", None]
    assert rows[3]["failure"] == "not a folder" and rows[2]["blocking_licenses"] == ["GPL-3.0-or-later"]
    single = CliRunner().invoke(cli, [str(SAMPLES / "no-license"), "--format", "json", "--no-cache"])
    stored = json.loads((out / "reports" / "no-license.json").read_text())
    assert stored == json.loads(single.stdout)  # the same report as a single scan
    assert "audit: 4 repositories: 1 pass, 1 warn, 1 fail, 1 failed" in result.stdout


def test_the_order_and_answers_do_not_depend_on_jobs(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, ["mit-package", "no-license", "rail-model", "apache-notice"])
    answers = []
    for jobs in ("1", "3"):
        out = tmp_path / f"out{jobs}"
        CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out), "-j", jobs])
        answers.append([{k: v for k, v in r.items() if k != "seconds"} for r in _rows(out)])
    assert answers[0] == answers[1]


def test_a_rerun_reuses_unchanged_repositories_and_rescans_a_changed_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "mit-package", repo)
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{repo}\n{SAMPLES / 'no-license'}\n")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out)])
    again = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out)])
    assert "2 unchanged repositories reused" in again.stdout
    (repo / "LICENSE").write_text("All rights reserved.\n")
    third = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out)])
    assert "1 unchanged repositories reused" in third.stdout and _rows(out)[0]["verdict"] == "fail"


def test_a_folder_of_repositories_is_a_manifest(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    for name in ("b-repo", "a-repo"):
        shutil.copytree(SAMPLES / "mit-package", fleet / name)
    entries = audit_module.read_manifest(str(fleet))
    assert [e.name for e in entries] == ["a-repo", "b-repo"]


def _crash(argv: list[str], stdout: str, stderr: str) -> None:
    """A forked scan that dies of a signal (as a segfault in a native library would)."""
    os.kill(os.getpid(), signal.SIGSEGV)


def _runaway(argv: list[str], stdout: str, stderr: str) -> None:
    """A forked scan that never ends and leaves a grandchild behind (a per-file worker, a helper)."""
    os.setpgid(0, 0)
    child = subprocess.Popen(["sleep", "300"])
    Path(argv[-1]).write_text(str(child.pid))
    time.sleep(300)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")  # a zombie has ended


@pytest.mark.parametrize("how", ["forked", "exec"])
def test_a_crash_a_timeout_and_a_hostile_tree_are_failures_of_their_repository_only(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways a scan process starts (forked for the local engine, a new interpreter for Dask)."""
    hostile = tmp_path / "hostile"
    build_hostile_repo(hostile)
    crash, slow = tmp_path / "crash-repo", tmp_path / "slow-repo"
    shutil.copytree(SAMPLES / "mit-package", crash)
    shutil.copytree(SAMPLES / "mit-package", slow)
    grandchild = tmp_path / "grandchild.pid"
    if how == "exec":
        real = audit_module._command

        def command(path: str, args: Sequence[str]) -> list[str]:
            if path == str(crash):
                return [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"]
            if path == str(slow):
                return [sys.executable, "-c", "import time; time.sleep(120)"]
            return real(path, args)

        monkeypatch.setattr(audit_module, "_command", command)
        monkeypatch.setattr(audit_module, "forked_runner", audit_module.exec_runner)
    else:
        def forked(path: str, args: Sequence[str], timeout: float) -> Ran:
            target = _crash if path == str(crash) else _runaway if path == str(slow) else None
            return run_forked(["scan", path, "--format", "json", *args, str(grandchild)] if target else
                              ["scan", path, "--format", "json", *args], timeout, target)

        monkeypatch.setattr(audit_module, "forked_runner", forked)
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{crash}\n{slow}\n{hostile}\n{SAMPLES / 'mit-package'}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out), "--timeout-per-repo", "20"])
    rows = {r["name"]: r for r in _rows(out)}
    assert result.exit_code == 1
    if how == "exec":
        assert rows["crash-repo"]["failure"] == "internal error (exit 3): boom"
    else:
        assert rows["crash-repo"]["failure"] == "crashed (signal SIGSEGV)"
        assert not _alive(int(grandchild.read_text()))  # the timeout ended the scan's whole process group
    assert rows["slow-repo"]["failure"] == "timeout after 20 s"
    assert rows["hostile"]["failure"] is None and rows["hostile"]["verdict"] in ("pass", "warn", "fail")
    assert rows["mit-package"]["verdict"] == "pass"  # the audit went on


def test_a_forked_scan_prints_what_a_new_interpreter_prints(tmp_path: Path) -> None:
    """The local engine forks its scans from a server that has license-check imported: the same command,
    the same report and exit code as ``python -m license_check scan``."""
    for name in ("mit-package", "no-license", "llama-finetune", "gpl-app-vendored"):
        args = ["--no-cache"]
        forked = audit_module.forked_runner(str(SAMPLES / name), args, 60)
        fresh = audit_module.exec_runner(str(SAMPLES / name), args, 60)
        assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
        assert forked.stdout.startswith(b"{")
    bad = audit_module.forked_runner(str(tmp_path / "missing"), [], 60)
    assert bad.returncode == 2 and b"does not exist" in bad.stderr


def test_a_task_that_raises_is_a_failure_of_its_repository_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What scan_one does not catch (no process could be started: too many open files, no memory) is that
    repository's recorded failure; the audit goes on and writes every other result."""
    broken = tmp_path / "broken-repo"
    shutil.copytree(SAMPLES / "mit-package", broken)
    real = audit_module.scan_one

    def scan_one(entry: audit_module.Entry, args: Sequence[str], timeout: float,
                 command: object = None) -> tuple[audit_module.Result, str | None]:
        if entry.path == str(broken):
            raise OSError(24, "Too many open files")
        return real(entry, args, timeout)

    monkeypatch.setattr(audit_module, "scan_one", scan_one)
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{broken}\n{SAMPLES / 'mit-package'}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out), "-j", "2"])
    rows = {r["name"]: r for r in _rows(out)}
    assert result.exit_code == 1
    assert rows["broken-repo"]["failure"] == "the scan could not be started: OSError: [Errno 24] Too many open files"
    assert rows["broken-repo"]["verdict"] is None and rows["mit-package"]["verdict"] == "pass"
    assert "failed: broken-repo: the scan could not be started" in result.stdout

def test_audit_parquet_has_one_row_per_component(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    manifest = _manifest(tmp_path, ["alphafold-2021-like", "mit-package"])
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out)])
    table = pq.read_table(out / "audit.parquet").to_pylist()
    nc = [r for r in table if r["license"] == "CC-BY-NC-4.0"]  # "which repositories ship CC-BY-NC weights"
    assert {r["repository"] for r in nc} == {"alphafold-2021-like"} and nc[0]["commercial_use"] == "prohibited"
    assert {r["repository"] for r in table} == {"alphafold-2021-like", "mit-package"}
    assert all(r["answer"] in ("repository", "adoption") for r in table)


def test_an_audit_stopped_half_way_resumes_from_what_it_finished(tmp_path: Path) -> None:
    """Each scan's report and line are written as it ends (audit.partial.jsonl): an audit killed at the
    third repository of four reuses the two it had finished."""
    names = ["mit-package", "no-license", "gpl-app-vendored", "apache-notice"]
    entries = audit_module.read_manifest(str(_manifest(tmp_path, names)))
    out = tmp_path / "out"
    local = audit_module.local_engine(1)

    def stopped(entries: Sequence[audit_module.Entry], args: Sequence[str], timeout: float,
                tick: object, finished: audit_module.Finished | None = None) -> list[tuple[audit_module.Result,
                                                                                     str | None]]:
        def until_two(n: int, outcome: tuple[audit_module.Result, str | None]) -> None:
            assert finished is not None
            finished(n, outcome)
            if n == 1:
                raise KeyboardInterrupt  # the audit is killed here
        return local(entries, args, timeout, None, until_two)

    with pytest.raises(KeyboardInterrupt):
        audit_module.audit(entries, out, [], 1, 60, engine=stopped)
    journal = [json.loads(x) for x in (out / "audit.partial.jsonl").read_text().splitlines()]
    assert [r["name"] for r in journal] == ["mit-package", "no-license"] and not (out / "audit.jsonl").exists()
    assert (out / "reports" / "no-license.json").is_file()
    results = audit_module.audit(entries, out, [], 1, 60)
    assert [(r.name, r.reused) for r in results] == [("mit-package", True), ("no-license", True),
                                                     ("gpl-app-vendored", False), ("apache-notice", False)]
    assert not (out / "audit.partial.jsonl").exists()
    assert [r["name"] for r in _rows(out)] == names  # audit.jsonl: every line, in manifest order
