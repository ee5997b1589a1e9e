"""Issue 13 item 1: nested and huge TOML in a repository is a finding, in a policy exit 2 with the line;
never exit 3. Issue 13 item 2: line numbering is linear."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.tomlio import safe as tomlsafe
from license_check.tomlio.lines import KeyLines
from tests.collect.test_gate import MIT
from tests.conftest import REPO_ROOT

HOSTILE = {
    "nested-arrays": "x = " + "[" * 1000 + "]" * 1000 + "\n",
    "nested-tables": "x = " + "{a=" * 1000 + "1" + "}" * 1000 + "\n",
    "huge-integer": "x = " + "9" * 5000 + "\n",
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "license_check", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=60, check=False)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pyproject_is_a_finding(tmp_path: Path, name: str) -> None:
    (tmp_path / "LICENSE").write_text(MIT)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n' + HOSTILE[name])
    run = _cli(str(tmp_path), "--format", "json")
    assert run.returncode == 1, run.stderr  # unknown: the manifest could not be read
    assert '"malformed-metadata"' in run.stdout


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_policy_is_a_usage_error_with_the_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "LICENSE").write_text(MIT)
    policy = tmp_path / "policy.toml"
    policy.write_text(HOSTILE[name])
    run = _cli(str(tmp_path / "repo"), "--policy", str(policy))
    assert run.returncode == 2 and str(policy) in run.stderr, run.stderr


@settings(max_examples=60, deadline=None)
@given(depth=st.integers(0, 3000), opener=st.sampled_from(["[", "{a=", "[[", "x = ["]), digits=st.integers(1, 6000))
def test_tomlsafe_raises_only_decode_errors(depth: int, opener: str, digits: int) -> None:
    closer = {"[": "]", "{a=": "}", "[[": "]]", "x = [": "]"}[opener]
    for text in (f"x = {opener * depth}1{closer * depth}\n", f"x = {'7' * digits}\n", opener * depth):
        with contextlib.suppress(tomllib.TOMLDecodeError):  # anything else (RecursionError, ValueError) fails
            tomlsafe.loads(text)


def test_line_numbers_of_a_large_document_are_linear() -> None:
    text = "[tool.license-check]\n" + "".join(f'k{i} = "v"\n' for i in range(100_000))
    found = KeyLines(text)
    assert found.line(("tool", "license-check", "k99999")) == 100_001


def test_waiver_expiry_is_a_utc_day_whatever_the_local_time_zone(tmp_path: Path) -> None:
    import datetime as dt
    import json
    import os

    from license_check.policy.pins import utc_today

    today = utc_today()
    assert today == dt.datetime.now(dt.UTC).date()
    (tmp_path / "repo").mkdir()
    policy = tmp_path / "p.toml"
    policy.write_text(f'[[waivers]]\ncomponent = "."\nreason = "r"\nexpires = {today.isoformat()}\n')
    for zone in ("Etc/GMT-14", "Etc/GMT+12"):  # UTC+14 and UTC-12: local dates differ from UTC's
        run = subprocess.run([sys.executable, "-m", "license_check", str(tmp_path / "repo"), "--policy", str(policy),
                              "--format", "json"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
                             env={**os.environ, "TZ": zone}, check=False)
        rules = [f["rule"] for f in json.loads(run.stdout)["findings"]]
        assert "expired-waiver" not in rules, (zone, rules)
