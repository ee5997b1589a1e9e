"""Where license-check keeps its caches (a module of its own, so that the light paths need nothing else)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "LICENSE_CHECK_CACHE_DIR"  # overrides the location (the tests point it at a temp folder)


def cache_dir() -> Path:
    """$LICENSE_CHECK_CACHE_DIR, else $XDG_CACHE_HOME/license-check, else ~/.cache/license-check."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # XDG: a relative value is ignored
    return base / "license-check"
