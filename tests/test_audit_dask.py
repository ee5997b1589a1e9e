"""`license-check audit --engine dask` (issue 17): the same results as the local engine, on a LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from distributed import LocalCluster

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
