"""A progress line on stderr while a scan works through many files, for terminals only.

``for_stream(sys.stderr)`` gives a callback ``(stage, done, total)`` when the stream is a terminal, and
None otherwise: redirected or piped stderr (CI logs) gets nothing extra. The line appears only once
the scan has run for DELAY seconds (quick scans never flash one), is redrawn at most every INTERVAL
seconds, and is erased when the scan calls it with stage "" (finished).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY = 0.5  # seconds before the first line
INTERVAL = 0.1  # seconds between redraws


class ProgressLine:
    """The progress callback: one self-overwriting line on ``stream``."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._start = clock()
        self._last = float("-inf")
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        try:
            if not stage:
                if self._shown:
                    self._stream.write("\r\x1b[K")
                    self._stream.flush()
                    self._shown = False
                return
            now = self._clock()
            if now - self._start < DELAY or (now - self._last < INTERVAL and done < total):
                return
            self._last = now
            share = f" {done * 100 // total:3d}%" if total else ""
            self._stream.write(f"\r\x1b[Klicense-check: {stage} {done}/{total}{share}")
            self._stream.flush()
            self._shown = True
        except (OSError, ValueError):  # a closed or broken terminal must not stop the scan
            return


def for_stream(stream: TextIO) -> Callable[[str, int, int], None] | None:
    """A progress callback for ``stream`` when it is a terminal, else None (nothing extra is written)."""
    try:
        interactive = stream.isatty()
    except (AttributeError, OSError, ValueError):
        interactive = False
    return ProgressLine(stream) if interactive else None
