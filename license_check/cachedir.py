"""Where license-check keeps its caches (a module of its own, so that the light paths need nothing else)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
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


@lru_cache(maxsize=1)
def dependency_versions() -> str:
    """Python and the libraries whose behaviour shapes results (normalization, ScanCode matching, YAML):
    part of every cache key, so that an upgrade in place never serves an old answer."""
    from importlib import metadata

    out = [f"python={sys.version_info[0]}.{sys.version_info[1]}"]
    for dist in ("license-expression", "scancode-toolkit", "PyYAML"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=none")
    return ";".join(out)
