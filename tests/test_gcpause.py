"""gcpause.py: the collector paused while long-lived data is built, frozen only in the console script's process."""

from __future__ import annotations

import gc
import subprocess
import sys

from click.testing import CliRunner

from license_check import gcpause
from license_check.cli import cli
from tests.conftest import REPO_ROOT, SAMPLES


def test_the_collector_is_paused_inside_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with gcpause.collector_paused():
        assert not gc.isenabled()
        with gcpause.collector_paused(freeze=True):  # nested: left to the outer pause
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.collector_paused():
            pass
        assert not gc.isenabled()  # the caller's own choice stays
    finally:
        gc.enable()


def test_a_cli_run_in_this_process_freezes_nothing() -> None:
    """A test run (or a program calling the CLI in-process) lives on: what it froze would never be collected."""
    before = gc.get_freeze_count()
    result = CliRunner().invoke(cli, [str(SAMPLES / "mit-package"), "--no-cache", "--format", "json"])
    assert result.exit_code in (0, 1) and gc.isenabled()
    assert gc.get_freeze_count() == before


def test_the_console_script_freezes_what_start_up_built() -> None:
    code = ("import gc, sys; from license_check.cli import main; sys.argv = ['license-check', sys.argv[1], "
            "'--no-cache', '-q']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('frozen', gc.get_freeze_count(), gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / "mit-package")], cwd=REPO_ROOT,
                         capture_output=True, text=True, check=False).stdout
    frozen, count, enabled = out.strip().splitlines()[-1].split()
    assert frozen == "frozen" and int(count) > 10_000 and enabled == "True"
