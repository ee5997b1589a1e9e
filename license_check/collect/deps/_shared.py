"""Small helpers shared by the dependency readers: how a wrong value is called, and safe file paths."""

from __future__ import annotations

import os
from pathlib import Path


def kind(value: object) -> str:
    """A wrong value as the author of a TOML / INI / JSON file would call it."""
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def inside(real: str, root: str) -> bool:
    """Whether the real path ``real`` is ``root`` or lies under it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def regular(path: Path | str, root: str) -> str | None:
    """The real path of a regular file inside ``root``, else None (a link out is not followed)."""
    try:
        real = os.path.realpath(path)
        return real if inside(real, root) and os.path.isfile(real) else None
    except (OSError, ValueError):
        return None
