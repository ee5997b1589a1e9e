"""The cyclic garbage collector paused while long-lived data is built (a base module: stdlib only).

Start-up (the imports, the rules) and the text matchers' once-per-process data (reference fingerprints,
SPDX templates, the compact index) build some 10^5 tuples, dicts and strings that live for the whole run and
hold no cycles to collect. With the collector running, CPython walks the whole heap over and over while they
grow (dozens of full collections, a fifth of a rescan's time). Nothing is built differently: only when the
collector runs changes. ``freeze`` also moves what exists at the end out of every later collection
(gc.freeze): what start-up built is never walked again, in the console script's process only (a process that
lives on would never free what it froze).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


_OWN_PROCESS: list[bool] = []  # set by the console script: this process runs one command and ends


def one_command_process() -> None:
    """Say that this process runs one command and ends (the console script), so that ``freeze`` may freeze: in a
    process that lives on (a test run, a program that calls the CLI in-process), objects frozen would never be
    collected, even once they are garbage."""
    _OWN_PROCESS[:] = [True]


@contextlib.contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """No automatic collection inside; the collector's state before is restored after, also on an error (paused
    already, by a caller: left to that caller). ``freeze``: what exists at the end is frozen out of every later
    collection, in a one-command process only (one_command_process)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze and _OWN_PROCESS:
            gc.freeze()
        gc.enable()


def paused(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func`` run with the collector paused (for the once-per-process builders)."""
    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collector_paused():
            return func(*args, **kwargs)

    return run
