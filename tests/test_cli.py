"""The command line: exit codes, stdout carries only the report, stderr the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check import __version__, scan
from license_check.cli import cli
from license_check.rules import RulesError

from .conftest import SAMPLES


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and __version__ in out
    code, out, _ = invoke("--help")
    assert code == 0 and "--format" in out and "Exit status" in out


def test_missing_path_and_file_path_are_usage_errors(tmp_path: Path) -> None:
    code, out, err = invoke(str(tmp_path / "nope"))
    assert code == 2 and out == "" and "does not exist" in err
    (tmp_path / "f").write_text("x")
    code, out, err = invoke(str(tmp_path / "f"))
    assert code == 2 and out == "" and "is a file" in err


def test_unknown_option_and_format_are_usage_errors() -> None:
    assert invoke(str(SAMPLES / "mit-package"), "--frobnicate")[0] == 2
    assert invoke(str(SAMPLES / "mit-package"), "--format", "xml")[0] == 2


def test_json_goes_to_stdout_alone() -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["verdict"] == "pass" and doc["commercial_use"] == "allowed"


def test_table_ends_with_a_verdict_line() -> None:
    code, out, _ = invoke(str(SAMPLES / "mit-package"))
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith("verdict: PASS")


def test_fail_verdict_exits_1() -> None:
    code, out, _ = invoke(str(SAMPLES / "no-license"))
    assert code == 1 and "verdict: FAIL" in out and "no-license" in out


def test_warn_verdict_exits_0() -> None:
    code, out, _ = invoke(str(SAMPLES / "gpl-app-vendored"))
    assert code == 0 and "verdict: WARN" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = invoke(str(SAMPLES / "no-license"), "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["verdict"] == "fail"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left behind


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"))
    assert code == 2 and out == "" and "cannot write" in err


def test_exclude_is_applied(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT License\n\nPermission is hereby granted ...")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "a.py").write_text("# SPDX-License-Identifier: GPL-3.0-only\n")
    _, out, _ = invoke(str(tmp_path), "--format", "json", "--exclude", "fixtures/")
    doc = json.loads(out)
    assert doc["scan"]["excluded"] == ["fixtures"]
    assert all(e["path"] != "fixtures/a.py" for c in doc["components"] for e in c["evidence"])


def test_internal_error_is_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(scan, "scan", boom)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--no-cache")  # a stored report would skip the scan
    assert code == 3 and out == ""
    assert "internal error" in err and "kaboom" in err and "bug" in err
    assert "Traceback" not in err


def test_broken_rules_are_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RulesError(["rules/licenses/code.toml: licenses.MIT.commercial_use: 'maybe' is not allowed"])

    monkeypatch.setattr(scan, "load_rules", broken)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--no-cache")
    assert code == 2 and out == "" and "code.toml" in err


def test_verbose_logs_go_to_stderr() -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--format", "json", "-v", "--no-cache")
    assert code == 0 and "discovered" in err
    json.loads(out)
