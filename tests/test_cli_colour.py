"""Colour on a terminal only, NO_COLOR respected (issue 16): only the verdict word is coloured."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from license_check.cli.output import colour_enabled, paint_verdict
from tests.conftest import REPO_ROOT, SAMPLES


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_is_for_terminals_without_no_color() -> None:
    assert colour_enabled(_Tty(True), {}) is True
    assert colour_enabled(_Tty(True), {"NO_COLOR": "1"}) is False
    assert colour_enabled(_Tty(True), {"TERM": "dumb"}) is False
    assert colour_enabled(_Tty(False), {}) is False
    assert colour_enabled(object(), {}) is False


def test_only_the_verdict_word_is_painted() -> None:
    text = "x\nverdict: FAIL — commercial use unknown (policy default)\n"
    painted = paint_verdict(text)
    assert painted.startswith("x\nverdict: \x1b[") and "FAIL\x1b[0m — commercial use unknown" in painted
    assert paint_verdict("the verdict: FAIL is quoted\n") == "the verdict: FAIL is quoted\n"


def _on_a_terminal(extra_env: dict[str, str]) -> bytes:
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"PYTHONPATH": str(REPO_ROOT), **extra_env})
    proc = subprocess.Popen([sys.executable, "-m", "license_check", str(SAMPLES / "no-license"), "--no-cache", "-q"],
                            stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    os.close(leader)
    return seen


@pytest.mark.parametrize(("env", "coloured"), [({"TERM": "xterm"}, True), ({"TERM": "xterm", "NO_COLOR": "1"}, False)])
def test_a_terminal_sees_colour_unless_no_color(env: dict[str, str], coloured: bool) -> None:
    seen = _on_a_terminal(env)
    assert b"verdict: " in seen and (b"\x1b[" in seen) is coloured
