"""Tests of license_check/knowledge/."""

from __future__ import annotations

from license_check.errors import ConfigError


def worded(error: ConfigError) -> list[str]:
    """The problems as the loaders word them, ``file: key: message`` (the line numbers are tested apart, in
    test_rules_check.py)."""
    return [": ".join(x for x in (p.file, p.key, p.message) if x) for p in error.problems]
