"""One repository's scan in a process of its own, forked from a server that has license-check imported.

``python -m license_check scan PATH`` on a small repository spends most of its time starting: the
interpreter, the package's imports and the rules (0.5-0.7 s of 0.7 s, measured). The local engine forks each
scan instead from a ``multiprocessing`` forkserver whose preload imported the CLI once. Each repository
still gets a process of its own, in a process group of its own: a crash, a runaway or a timeout ends that
group (the scan and any per-file workers it started), never the audit. The process runs the very command a
single scan runs (``license_check.__main__`` with ``scan PATH --format json ...``) with its stdout and stderr
in files the parent reads, so the report is the one ``license-check scan`` prints. The forkserver is a
single-threaded process of its own, so forking from it is safe whatever threads the audit runs.

Dask workers are daemonic processes, which may not start children through multiprocessing: the Dask
engine starts ``python -m license_check`` as before (audit/__init__.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import runpy
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.context import ForkServerContext

# What the server imports once; each forked scan finds it in memory (the rules are loaded per scan, as a
# single scan loads them: their caches and the policy may differ between repositories).
PRELOAD = ("license_check.cli", "license_check.pipeline", "license_check.run", "license_check.render.json")


@dataclass(frozen=True, slots=True)
class Ran:
    returncode: int | None  # None: killed at the timeout; negative: ended by that signal
    stdout: bytes
    stderr: bytes
    seconds: float


@cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _child(argv: list[str], stdout: str, stderr: str) -> None:
    """In the forked process: a group of its own, the output files as fd 1 and 2, then the CLI."""
    os.setpgid(0, 0)
    for fd, name in ((1, stdout), (2, stderr)):
        target = os.open(name, os.O_WRONLY | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own stream
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    sys.argv = ["license-check", *argv]
    runpy.run_module("license_check", run_name="__main__", alter_sys=False)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone already, or its group never made
        os.killpg(pid, signal.SIGKILL)


Target = Callable[[list[str], str, str], None]


def run_forked(argv: Sequence[str], timeout: float, target: Target | None = None) -> Ran:
    """``license-check *argv`` in a forked process; its exit code and output, or None at the timeout.
    ``target`` (a module-level function: it is named to the server, not sent) replaces the CLI in tests."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="license-check-audit-") as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        for name in (out, err):
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o600))
        process = _context().Process(target=target or _child, args=(list(argv), out, err), daemon=False)
        process.start()
        process.join(timeout)
        code: int | None = process.exitcode
        if code is None:  # still running at the timeout
            _kill_group(process.pid or 0)
            process.join()
        elif process.pid:  # finished: end what it left behind in its group (per-file workers)
            _kill_group(process.pid)
        process.close()
        with open(out, "rb") as f_out, open(err, "rb") as f_err:
            return Ran(code, f_out.read(), f_err.read(), round(time.monotonic() - start, 3))
