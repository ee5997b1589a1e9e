"""--jobs: the per-file work in forked workers gives exactly the report of --jobs 1."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from license_check.cache import session as cache
from license_check.collect.textid import compact_matcher, fastpath, scancode_matcher
from license_check.pipeline import ScanOptions, scan
from license_check.render import RENDERERS, Format
from tests.conftest import REPO_ROOT, SAMPLES

sys.path.insert(0, str(REPO_ROOT / "bench"))
from gen_repo import generate  # noqa: E402

from license_check.knowledge.book import Knowledge

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def _json(root: Path, jobs: int, log: list[str] | None = None) -> str:
    options = ScanOptions(jobs=jobs, cache=False, log=log.append if log is not None else ScanOptions().log)
    return RENDERERS[Format.JSON](scan(str(root), options))


@pytest.fixture
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for a handful of files, so that the samples exercise the pool."""
    monkeypatch.setattr(cache, "POOL_MIN_FILES", 1)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_give_the_same_report_for_every_jobs(always_fork: None, name: str) -> None:
    one = _json(SAMPLES / name, 1)
    assert _json(SAMPLES / name, 2) == one
    assert _json(SAMPLES / name, 3) == one


def test_a_larger_repository_gives_the_same_report(tmp_path: Path) -> None:
    generate(tmp_path, 800, weights_gb=1.0)
    assert _json(tmp_path, 2) == _json(tmp_path, 1)


def test_without_fork_the_scan_runs_in_process(always_fork: None, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _json(SAMPLES / "openfold-like", 1)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert _json(SAMPLES / "openfold-like", 2) == expected


def test_a_failing_pool_falls_back(always_fork: None, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _json(SAMPLES / "openfold-like", 1)

    def refuse(method: str) -> object:
        raise ValueError(f"no {method} here")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    log: list[str] = []
    assert _json(SAMPLES / "openfold-like", 2, log) == expected
    assert any("cannot start worker processes" in line for line in log), log


def test_default_jobs_is_the_available_cores() -> None:
    assert cache.available_cores() >= 1
    assert ScanOptions().jobs == 0  # 0 = available_cores()


def test_cli_rejects_zero_jobs(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "license_check", "--jobs", "0", str(tmp_path)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 2 and "--jobs" in run.stderr


@pytest.mark.slow  # loads ScanCode's index (≈4 s, ≈1 GB), then forks workers that share it
def test_license_texts_for_scancode_give_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ScanCode's own texts word for word: its compact index would settle them; the full one is under test here.
    monkeypatch.setenv(compact_matcher.SWITCH_ENV, "0")
    data = fastpath.scancode_data_dir()
    assert data is not None
    for n, key in enumerate(["sleepycat", "eupl-1.2", "w3c", "openssl"]):
        text = fastpath.strip_front_matter((data / "licenses" / f"{key}.LICENSE").read_text(encoding="utf-8"))
        assert fastpath.match_license_text(text, KNOWLEDGE) is None, key
        folder = tmp_path / f"vendor{n}"
        folder.mkdir()
        (folder / "LICENSE").write_text(text, encoding="utf-8")
        (folder / "code.c").write_text("int main(void) { return 0; }\n", encoding="utf-8")
    log: list[str] = []
    loaded_before = scancode_matcher.index_loaded()  # another test in this process may have loaded it
    two = _json(tmp_path, 2, log)
    assert scancode_matcher.index_loaded()
    assert loaded_before or any("loading ScanCode's license index" in line and "vendor0/LICENSE (and 3 more)" in line
                                for line in log), log
    assert _json(tmp_path, 1) == two
    assert "Sleepycat" in two and "EUPL-1.2" in two


@pytest.mark.slow  # loads ScanCode's index in a CLI process
def test_cli_exits_at_once_after_scancode_with_its_code_and_report(tmp_path: Path) -> None:
    data = fastpath.scancode_data_dir()
    assert data is not None
    text = fastpath.strip_front_matter((data / "licenses" / "sleepycat.LICENSE").read_text(encoding="utf-8"))
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "LICENSE").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SCANCODE_TEMP"}  # its own private temp folder
    env.update(PYTHONPATH=str(REPO_ROOT), TMPDIR=str(tmp_path))
    env[compact_matcher.SWITCH_ENV] = "0"  # the full index, not the compact one that knows this text
    run = subprocess.run([sys.executable, "-m", "license_check", "--no-cache", "-v", "--format", "json",
                          str(tmp_path / "repo")], capture_output=True, text=True, env=env, timeout=300)
    assert "loading ScanCode's license index" in run.stderr
    assert run.returncode in (0, 1), run.stderr[-2000:]
    report = json.loads(run.stdout)  # the whole report was written before the early exit
    assert report["project_license"] == "Sleepycat"
    assert not list(tmp_path.glob("license-check-scancode-*"))  # ScanCode's temp folder was still removed


def test_a_killed_worker_does_not_hang_the_scan(always_fork: None, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The OOM killer ends a worker mid-task: the scan still finishes, with the report of --jobs 1."""
    import time
    from dataclasses import replace

    from license_check.collect.detectors import FILE_LOCAL, spdx_headers

    for n in range(40):
        (tmp_path / f"m{n:02}.py").write_text(f"# SPDX-License-Identifier: {'MIT' if n % 2 else 'Apache-2.0'}\n")
    (tmp_path / "LICENSE").write_text((SAMPLES / "mit-package" / "LICENSE").read_text())
    expected = _json(tmp_path, 1)
    parent = os.getpid()
    registered = FILE_LOCAL[spdx_headers.NAME]
    real = registered.detect

    def killed_in_workers(files: list[object], ctx: object) -> object:
        if os.getpid() != parent and any(getattr(f, "path", "") == "m07.py" for f in files):
            os._exit(137)  # what SIGKILL from the OOM killer looks like to the pool: a worker gone mid-task
        return real(files, ctx)  # type: ignore[arg-type]

    monkeypatch.setitem(FILE_LOCAL, spdx_headers.NAME, replace(registered, detect=killed_in_workers))
    log: list[str] = []
    start = time.monotonic()
    assert _json(tmp_path, 2, log) == expected
    assert time.monotonic() - start < 5
    assert any("a worker process died" in line for line in log), log
