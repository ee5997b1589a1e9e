"""What a scan is asked for: the pipeline's options (the CLI and the library fill them in)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from license_check.collect.discover import Discovery
from license_check.knowledge.book import Knowledge
from license_check.policy.model import Policy


def _no_log(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ScanOptions:
    exclude: tuple[str, ...] = ()
    use_scancode: bool = True
    log: Callable[[str], None] = _no_log
    policy: Policy | None = None
    jobs: int = 0  # worker processes for the per-file work; 0 = the available cores
    cache: bool = True  # per-file results cached in the user cache directory (license_check.cache.session)
    progress: Callable[[str, int, int], None] | None = None  # (stage, done, total), e.g. license_check.render.progress
    today: date | None = None  # for waiver expiry (tests); None = the current date
    discovery: Discovery | None = None  # the walk of ``root`` when the caller already made it (run.report does)
    knowledge: Knowledge | None = None  # the rules, when the caller loaded them (run.report); None: loaded here
    deps_env: str | None = None  # --deps-env: a venv, a Python interpreter or "auto" (None: no environment)
    baseline: frozenset[str] = frozenset()  # --baseline: fingerprints of accepted findings
