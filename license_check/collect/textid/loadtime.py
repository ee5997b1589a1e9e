"""Building the text matchers' data once per process with the garbage collector paused.

The reference fingerprints (fastpath), the SPDX templates (templates/data.py) and the compact index
(compact_index) are tens of thousands of tuples, dicts and strings that live for the whole process and hold
no cycles to collect; building them while the collector runs makes it walk the whole heap (the loaded rules
included) over and over, a tenth of a second of a scan that reads license files. Nothing is built
differently: only when the collector runs changes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside (the collector's state before is restored after, also on an error)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def paused(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func`` run with the collector paused (for the once-per-process builders)."""
    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collector_paused():
            return func(*args, **kwargs)

    return run
