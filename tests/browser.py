"""Load a page in headless Chromium (Debian's package, /usr/bin/chromium): its DOM after the scripts ran,
what it wrote to the console, and a screenshot.

Chromium runs with a new empty profile and no network of its own (no background networking, no component
updates, no sync); ``--virtual-time-budget`` lets the page's scripts finish before the DOM is dumped. Every
console message the page writes (a script error, a refused resource, a library's warning) is on Chromium's
stderr as an ``INFO:CONSOLE`` line: a page that loads cleanly writes none.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000")


def chromium() -> str:
    """The browser: $LICENSE_CHECK_CHROMIUM, else chromium on the PATH (.ci/run installs Debian's)."""
    found = os.environ.get("LICENSE_CHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("the browser tests need Chromium: apt-get install -y chromium (as .ci/run does)")
    return found


@dataclass(frozen=True)
class Loaded:
    dom: str  # the serialized DOM after the scripts ran
    console: list[str]  # the console messages, one per line


def _run(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="license-check-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=120, check=False)


def load(url: str) -> Loaded:
    done = _run(url, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return Loaded(done.stdout, [line for line in done.stderr.splitlines() if ":CONSOLE" in line])


def screenshot(url: str, target: Path, width: int = 1280, height: int = 1400) -> tuple[int, int]:
    """Save a PNG of the page at ``width`` x ``height``; return the PNG's size as its header gives it."""
    done = _run(url, f"--screenshot={target}", f"--window-size={width},{height}")
    assert done.returncode == 0 and target.is_file(), done.stderr[-2000:]
    head = target.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    w, h = struct.unpack(">II", head[16:24])
    return int(w), int(h)
