"""`license-check audit --engine dask` (issue 17): the same results as the local engine, on a LocalCluster."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import distributed
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from license_check import audit as audit_module
from license_check.cli import cli
from tests.conftest import SAMPLES


def _rows(out: Path) -> list[dict[str, object]]:
    return [{k: v for k, v in json.loads(line).items() if k != "seconds"}
            for line in (out / "audit.jsonl").read_text().splitlines()]


def test_the_dask_engine_gives_the_local_results(tmp_path: Path) -> None:
    names = ["mit-package", "no-license", "gpl-app-vendored", "rail-model", "deps-uv"]
    manifest = tmp_path / "repos.txt"
    manifest.write_text("".join(f"{SAMPLES / n}\n" for n in names) + f"{tmp_path / 'missing'}\n")
    local, dask = tmp_path / "local", tmp_path / "dask"
    first = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(local), "-j", "2"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        second = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(dask), "--engine", "dask",
                                          "--scheduler", cluster.scheduler_address])
    assert first.exit_code == second.exit_code == 1  # the missing repository, on both engines
    assert _rows(local) == _rows(dask)
    for name in names:  # the reports are byte-identical
        assert (local / "reports" / f"{name}.json").read_bytes() == (dask / "reports" / f"{name}.json").read_bytes()


def test_dask_needs_a_scheduler(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(SAMPLES), "--out", str(tmp_path), "--engine", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.stderr


def test_two_audits_never_share_a_dask_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask key names one result cluster-wide: a task whose key another client already holds is not run
    again, that client's result is handed over. So two audits on one cluster (the same manifest, other
    settings, at the same time) must never submit the same key."""
    keys: list[list[str]] = []
    submit = distributed.Client.submit

    def recording(self: distributed.Client, func: Any, *args: Any, **kwargs: Any) -> Any:
        keys[-1].append(str(kwargs.get("key")))
        return submit(self, func, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "submit", recording)
    manifest = tmp_path / "repos.txt"
    manifest.write_text(f"{SAMPLES / 'mit-package'}\n{SAMPLES / 'no-license'}\n")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        for run in ("one", "two"):
            keys.append([])
            result = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(tmp_path / run), "--engine",
                                              "dask", "--scheduler", cluster.scheduler_address])
            assert result.exit_code == 0, result.output
    assert len(keys[0]) == len(keys[1]) == 2 and not set(keys[0]) & set(keys[1])
    assert all(k.startswith("license-check-") for k in keys[0] + keys[1])  # named on the dashboard
    assert _rows(tmp_path / "one") == _rows(tmp_path / "two")


def test_a_dask_task_that_raises_is_a_failure_of_its_repository_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A task that raises on the worker (a worker killed too often: KilledWorker) is that repository's
    recorded failure; the other results are written."""
    real = audit_module.scan_one

    def scan_one(entry: audit_module.Entry, args: Sequence[str], timeout: float,
                 command: object = None) -> tuple[audit_module.Result, str | None]:
        if entry.name == "no-license":
            raise RuntimeError("worker killed\nwhile scanning")
        return real(entry, args, timeout)

    monkeypatch.setattr(audit_module, "scan_one", scan_one)
    manifest = tmp_path / "repos.txt"
    manifest.write_text(f"{SAMPLES / 'no-license'}\n{SAMPLES / 'mit-package'}\n")
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        result = CliRunner().invoke(cli, ["audit", str(manifest), "--out", str(out), "--engine", "dask",
                                          "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 1
    rows = {r["name"]: r for r in _rows(out)}
    assert rows["no-license"]["failure"] == "the Dask task failed: RuntimeError: worker killed while scanning"
    assert rows["mit-package"]["verdict"] == "pass" and rows["mit-package"]["failure"] is None
