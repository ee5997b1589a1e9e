"""A progress display on stderr, for terminals only (filled in below)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO


def for_stream(stream: TextIO) -> Callable[[str, int, int], None] | None:
    """A progress callback for ``stream`` when it is a terminal, else None (nothing extra is written)."""
    return None
