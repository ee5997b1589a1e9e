"""Fixtures of the cache tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check import storage


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder for one test, with the caches on (as under CI=true with LICENSE_CHECK_CACHE=1)."""
    monkeypatch.setenv(storage.CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(storage.ENABLE_ENV, "1")
    return tmp_path / "cache"
