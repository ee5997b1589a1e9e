"""Speed for repository-scale scans: per-file result cache, --jobs and progress (filled in below)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

from license_check.detectors.base import Detector, DetectorResult, ScanContext
from license_check.model import FileEntry

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@contextlib.contextmanager
def scan_session(files: Sequence[FileEntry], ctx: ScanContext, *, rules_version: str, jobs: int = 0,
                 use_cache: bool = True, progress: Progress | None = None) -> Iterator[None]:
    """Prepare the per-file work of one scan (cache look-ups, parallel matching) for run_detector."""
    yield None


def run_detector(name: str, detect: Detector, files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    """``detect(files, ctx)``, served from the active scan session's per-file results where it has them."""
    return detect(files, ctx)
