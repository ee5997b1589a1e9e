"""--baseline / --write-baseline (issue 16): accepted findings stop failing the check; a new one still fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from license_check.cli import cli
from tests.conftest import SAMPLES


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


def test_a_baseline_accepts_legacy_findings_and_a_new_one_still_fails(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "no-license", repo)
    baseline = tmp_path / "baseline.json"
    code, _, _ = invoke(str(repo), "--write-baseline", str(baseline))
    assert code == 1 and json.loads(baseline.read_text())["verdict"] == "fail"

    code, out, _ = invoke(str(repo), "--baseline", str(baseline), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "pass"
    note = next(f for f in report["findings"] if f["rule"] == "baseline")
    known = [f for f in report["findings"] if f["suppressed"]]
    assert known and note["message"].startswith(f"--baseline: {len(known)} finding(s) already in the baseline")

    (repo / "vendor").mkdir()
    (repo / "vendor" / "LICENSE").write_text("All rights reserved. Use by Acme Corp is disallowed.\n")
    code, out, _ = invoke(str(repo), "--baseline", str(baseline))
    assert code == 1 and "verdict: FAIL" in out  # the new finding is not in the baseline


def test_a_file_that_is_not_a_report_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": "nope"}')
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--baseline", str(bad))
    assert code == 2 and out == "" and "not a license-check JSON report" in err
    bad.write_text('{"schema_version": 1, "findings": [{"fingerprint": "x"}]}')
    code, _, err = invoke(str(SAMPLES / "mit-package"), "--baseline", str(bad))
    assert code == 2 and "findings[0].fingerprint" in err
