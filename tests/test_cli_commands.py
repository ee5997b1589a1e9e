"""The command layout: ``license-check PATH`` is the default ``scan`` command; ``rules check`` beside it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from tests.conftest import SAMPLES


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("extra", [(), ("--format", "json")])
def test_path_alone_is_the_scan_command(extra: tuple[str, ...]) -> None:
    sample = str(SAMPLES / "mit-package")
    assert _run(sample, "--no-cache", *extra) == _run("scan", sample, "--no-cache", *extra)
    assert _run("--no-cache", *extra, sample) == _run("scan", sample, "--no-cache", *extra)


def test_help_shows_the_scan_and_lists_the_commands() -> None:
    code, out, _ = _run("--help")
    assert code == 0 and "--format" in out and "Exit status" in out
    commands = out.split("Commands:", 1)[1]
    assert "scan" in commands and "rules" in commands
    code, out, _ = _run("rules", "--help")
    assert code == 0 and "check" in out
    assert _run("scan", "-V")[0] == 0 and _run("-V")[0] == 0


def test_a_folder_named_like_a_command_is_scanned_with_a_path_or_scan(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "mit-package", tmp_path / "rules")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        dotted = _run("./rules", "--no-cache", "--format", "json")
        spelled = _run("scan", "rules", "--no-cache", "--format", "json")
        as_command = _run("rules")
    finally:
        os.chdir(cwd)
    assert dotted[0] == 0 and spelled[0] == 0
    assert {**json.loads(dotted[1]), "root": ""} == {**json.loads(spelled[1]), "root": ""}  # root as typed
    assert as_command[0] != 0 or "check" in as_command[1]  # the command group, not a scan


def test_rules_check_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert _run("rules", "check", str(tmp_path / "nope"))[0] == 2


def test_an_unwritable_output_is_exit_2_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    code, out, err = _run(str(SAMPLES / "mit-package"), "--no-cache", "-o", str(tmp_path / "link"))
    assert code == 2 and out == "" and "cannot write the report" in err and "symbolic link" in err
