"""The detector seam: every kind of license evidence has one small module with a ``detect``.

A detector receives every discovered file, picks the ones it understands, reads them through
license_check.collect.reading with a cap, and returns claims and findings. It never normalizes license
strings (that is the normalizer's job), never raises for bad input (bad input is a finding), and
never reads outside the FileEntry it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from license_check.knowledge.book import Knowledge
from license_check.model import Artifact, Claim, FileEntry, Finding


def _no_log(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ScanContext:
    """Settings every detector may consult."""

    log: Callable[[str], None] = _no_log  # verbose messages, written to stderr by the CLI
    use_scancode: bool = True  # False: texts the fast path cannot resolve stay unknown
    scancode_timeout: float = 10.0  # seconds per file for ScanCode matching
    knowledge: Knowledge = field(default_factory=Knowledge.load)  # the scan's rules (the pipeline passes its own)
    deps_env: str | None = None  # --deps-env: the environment whose installed dependencies are read


@dataclass(frozen=True, slots=True)
class DetectorResult:
    claims: tuple[Claim, ...] = ()
    findings: tuple[Finding, ...] = ()
    # paths (relative) of files the detector found to be legal files (license texts, NOTICE, ...);
    # components use them to recognise folders with their own license.
    extra: dict[str, object] = field(default_factory=dict)
    artifacts: tuple[Artifact, ...] = ()  # AI artifacts found (models, weights, datasets, references)


# A detector is a function: every discovered file in, claims and findings out.
Detector = Callable[[Sequence[FileEntry], ScanContext], DetectorResult]


def concatenate(parts: Sequence[DetectorResult]) -> DetectorResult | None:
    """The result for files [a, b, ...] of a file-local detector: its results for [a], [b], ... in order."""
    return DetectorResult(claims=tuple(c for p in parts for c in p.claims),
                          findings=tuple(f for p in parts for f in p.findings),
                          artifacts=tuple(a for p in parts for a in p.artifacts))


@dataclass(frozen=True, slots=True)
class Registered:
    """One detector of the registry (collect/detectors/__init__.py), as the pipeline and the caches see it.

    ``wants`` is set for a file-local detector: its result for a file depends on that file only, so the
    per-file cache (cache/session.py) may run it file by file, keep each file's result and combine them
    with ``merge`` (None from ``merge``: combine by running it on all the files again). ``cap`` is the most
    bytes it reads of one file. A detector that starts looking at other files must drop ``wants``. ``wants``
    answers from the entry's path and size alone (the tree's snapshot, cache/snapshot.py, keeps its answer for a
    file of the same path and size; tests/collect/test_registry.py checks).
    """

    name: str
    detect: Detector
    wants: Callable[[FileEntry], bool] | None = None
    cap: int = 0
    merge: Callable[[Sequence[DetectorResult]], DetectorResult | None] = concatenate

    @property
    def file_local(self) -> bool:
        return self.wants is not None
