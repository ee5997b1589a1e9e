"""The progress line: on a terminal only, after a moment, erased at the end; nothing when piped."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from license_check.render import progress
from tests.conftest import REPO_ROOT, SAMPLES

sys.path.insert(0, str(REPO_ROOT / "bench"))
from gen_repo import generate  # noqa: E402


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_not_a_terminal_means_no_progress() -> None:
    assert progress.for_stream(io.StringIO()) is None


def test_a_closed_stream_means_no_progress() -> None:
    stream = io.StringIO()
    stream.close()
    assert progress.for_stream(stream) is None


def test_the_line_waits_is_throttled_and_is_erased() -> None:
    out, clock = io.StringIO(), _Clock()
    line = progress.ProgressLine(out, clock)
    line("analysing files", 1, 100)
    assert out.getvalue() == ""  # quick scans never show a line
    clock.now = 1.0
    line("analysing files", 10, 100)
    assert out.getvalue().endswith("license-check: analysing files 10/100  10%")
    written = out.getvalue()
    clock.now = 1.01
    line("analysing files", 11, 100)
    assert out.getvalue() == written  # at most one redraw per INTERVAL
    line("analysing files", 100, 100)  # the last step is always drawn
    assert out.getvalue().endswith("100/100 100%")
    line("", 0, 0)
    assert out.getvalue().endswith("\r\x1b[K")


def test_nothing_to_erase_when_nothing_was_shown() -> None:
    out = io.StringIO()
    line = progress.ProgressLine(out, _Clock())
    line("", 0, 0)
    assert out.getvalue() == ""


def _run(args: list[str], stderr: int | None, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "license_check", *args], stdout=subprocess.PIPE, stderr=stderr,
                          env=env, timeout=300, check=False)


def test_piped_stderr_gets_nothing_extra() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    run = _run(["--no-cache", str(SAMPLES / "mit-package")], subprocess.PIPE, env)
    assert run.returncode == 0 and run.stderr == b""


def test_a_terminal_sees_progress_on_a_long_scan(tmp_path: Path) -> None:
    generate(tmp_path / "repo", 1500, weights_gb=0.1)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    leader, follower = pty.openpty()
    try:
        run = _run(["--no-cache", "-j", "1", str(tmp_path / "repo")], follower, env)
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert run.returncode in (0, 1)
    if b"license-check: " not in seen:
        pytest.fail(f"no progress line on the terminal: {seen[-500:]!r}")
    assert seen.endswith(b"\r\x1b[K")  # erased: the report on stdout is all that stays
    assert b"component" in run.stdout
