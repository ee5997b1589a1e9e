"""Start-up of a command: what its first tenth of a second is spent on, kept small."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while start-up builds what lives to the end of the run (modules, classes, the
    rules: some 10^5 objects and no garbage cycles), then those frozen out of every later collection. Each
    collection walks every live object; during start-up CPython ran dozens, a fifth of a rescan's time."""
    if not gc.isenabled():  # nested, or the caller's own choice
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
