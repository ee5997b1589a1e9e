"""Shared fixtures. ScanCode writes temp folders on import: point it at a private one."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

_SCANCODE_TEMP = tempfile.mkdtemp(prefix="license-check-tests-scancode-")
os.environ.setdefault("SCANCODE_TEMP", _SCANCODE_TEMP)
# Never the real user cache: every scan in the tests (API and CLI subprocesses) caches under this folder.
_CACHE_DIR = tempfile.mkdtemp(prefix="license-check-tests-cache-")
os.environ["LICENSE_CHECK_CACHE_DIR"] = _CACHE_DIR
# ... and never the real secret that seals cache entries (kept outside the cache folder); caches on even under CI.
os.environ["LICENSE_CHECK_CACHE_KEY"] = os.path.join(tempfile.mkdtemp(prefix="license-check-tests-key-"), "cache.key")
os.environ["LICENSE_CHECK_CACHE"] = "1"

from license_check.model import FileEntry  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent


def load_script(name: str) -> ModuleType:
    """A development script of scripts/ (e.g. "gen_spdx"), loaded by path: the tests check its output."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
SAMPLES = REPO_ROOT / "samples"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SCANCODE_TEMP, ignore_errors=True)
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]


@pytest.fixture
def write_files(tmp_path: Path) -> Iterator[WriteFiles]:
    """Write {relative path: content} under tmp_path and return FileEntry objects for them."""

    def _write(files: dict[str, str | bytes]) -> list[FileEntry]:
        entries = []
        for rel, content in sorted(files.items()):
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            entries.append(FileEntry(path=rel, abspath=str(target), size=target.stat().st_size))
        return entries

    yield _write


@pytest.fixture(scope="session", autouse=True)
def _sample_binaries() -> None:
    """The AI samples' weight files are generated, not committed (tests/build_samples.py)."""
    from tests.build_samples import build

    build()


@pytest.fixture(scope="session")
def exported_samples(tmp_path_factory: pytest.TempPathFactory, _sample_binaries: None) -> Path:
    """A copy of samples/ outside any git checkout, as a user receives a sample repository: inside this
    checkout, git decides what is content, and the generated weight files are untracked and ignored
    (.gitignore), so they would not be scanned. Returns the folder that holds ``samples/``."""
    import shutil

    base = tmp_path_factory.mktemp("export")
    shutil.copytree(SAMPLES, base / "samples", symlinks=True)
    return base
