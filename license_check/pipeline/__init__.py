"""The pipeline: discover -> detect -> group -> resolve -> analyze -> policy -> Report.

No printing and no exit codes here: the CLI renders the Report and decides the exit code. The collect stage's
run is pipeline/detect.py, the later stages pipeline/decide.py, imported only when a scan gets that far (a
report reused for unchanged evidence needs none of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from license_check.collect.repo_config import read_own_pyproject
from license_check.knowledge.book import Knowledge
from license_check.model import Report
from license_check.pipeline.detect import Collected as Collected
from license_check.pipeline.detect import collect as collect
from license_check.pipeline.options import ScanOptions as ScanOptions
from license_check.policy.load import POLICY_CAP, default_policy, load
from license_check.policy.model import Policy

_T = TypeVar("_T")


def scan(root: str, options: ScanOptions | None = None) -> Report:
    """Scan the repository at ``root`` (an existing directory) and judge it."""
    report, _reused, _evidence_digest = scan_or_reuse(root, options or ScanOptions(), None)
    assert report is not None  # nothing to reuse: always scanned
    return report


def scan_or_reuse(root: str, options: ScanOptions,
                  reuse: Callable[[bytes], _T | None] | None) -> tuple[Report | None, _T | None, bytes | None]:
    """``scan``, or what ``reuse`` gives for the digest of the scan's evidence (collect's): (report, None,
    evidence) for a scan, (None, reused, evidence) when ``reuse`` answered. The evidence digest is None when
    some evidence is not known for sure (no cache, a file that changed while it was read): nothing may be
    stored under it."""
    # every rules file, checked: a broken one stops here (RulesError, exit 2)
    knowledge = options.knowledge or Knowledge.load(parse_cache=options.cache)
    policy = options.policy or default_policy(knowledge.normalizer)
    collected, reused, evidence = collect(root, options, knowledge, policy, reuse)
    if collected is None:
        return None, reused, evidence
    from license_check.pipeline.decide import decide  # the later stages: only for a scan that gets here

    return decide(collected, policy, options, knowledge), None, evidence


def load_policy(policy_file: str | None, root: str, use_repo_config: bool) -> Policy:
    """The policy for a scan of ``root``: ``policy_file``, else the repository's own pyproject.toml
    [tool.license-check] (read in the collect stage), else the built-in one (policy/load.py). Raises
    PolicyError."""
    own = read_own_pyproject(root, POLICY_CAP) if use_repo_config else None
    return load(policy_file, own, use_repo_config, Knowledge.load().normalizer)
