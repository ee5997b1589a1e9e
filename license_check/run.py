"""One run of the scan command, behind the report cache: the report text and exit code of a scan of PATH.

The pipeline layer's light entry point. It walks the tree (collect.discover) to key the report cache
(cache/report.py), and returns a stored report when nothing it depends on changed; only on a miss does
it import the stages (pipeline/) and the renderers, and it hands them the walk it made, so that the
tree is walked once either way. On that miss the collect stage runs first and the report stored under
the digest of its evidence is looked up (a rescan after an edit that changed no detector's result);
only when that misses too do the later stages and the renderers run. The CLI parses options and the
policy, and calls ``report``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from license_check.cache import report as report_cache
from license_check.collect.digests import pin_stats
from license_check.collect.discover import discover
from license_check.knowledge.book import Knowledge
from license_check.policy.model import Policy
from license_check.policy.pins import utc_today

EXIT_OK, EXIT_FAIL = 0, 1


def _no_log(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Request:
    """What the command line asked for, besides PATH and the policy."""

    fmt: str = "table"
    exclude: tuple[str, ...] = ()
    use_scancode: bool = True
    jobs: int = 0  # 0: the available cores
    cache: bool = True  # the report cache and the per-file cache
    progress: Callable[[str, int, int], None] | None = None  # render.progress.for_stream (the CLI: on a terminal)
    log: Callable[[str], None] = _no_log
    deps_env: str | None = None  # --deps-env
    baseline: frozenset[str] = frozenset()  # --baseline: fingerprints of accepted findings (policy/baseline.py)
    json_too: bool = False  # --write-baseline: also give the JSON report (a scan: the cache holds one format)
    width: int | None = None  # the terminal's columns, for the table (None: the fixed layout of a file or pipe)


@dataclass(frozen=True, slots=True)
class Run:
    """What one run gives the CLI: the report text in the asked format, the exit code, the verdict line."""

    text: str
    exit_code: int
    verdict: str
    json: str | None = None  # the JSON report when Request.json_too


def report(path: str, request: Request, policy: Policy, knowledge: Knowledge) -> Run:
    """The report for ``path``: stored when every input is unchanged, else scanned (and stored when every
    answer in it is final)."""
    found = discover(path, exclude=request.exclude, keep_stats=request.cache)
    key = None
    today = utc_today()
    settings: dict[str, object] = {}
    if request.cache and not request.json_too:
        settings = {"format": request.fmt, "exclude": list(request.exclude), "use_scancode": request.use_scancode,
                    "policy": policy.echo(), "deps_env": request.deps_env, "baseline": sorted(request.baseline),
                    "width": request.width}
        if request.deps_env is not None:  # what is installed there is an input too (collect/deps/installed.py)
            from license_check.collect.deps.installed import fingerprint

            settings["environment"] = fingerprint(request.deps_env)
        pinned = [p for w in policy.waivers if w.sha256 for p in (w.file or w.path,) if p]
        pinned += [c.path for c in policy.clarifications]
        key = report_cache.key(path, found, settings, pin_stats(path, pinned), today, knowledge.directory)
        stored = report_cache.load(key)
        if stored is not None:
            request.log(f"report reused from the cache: no file, setting, policy, rule or code changed ({key[:12]})")
            return Run(stored.text, stored.exit_code, stored.verdict)
    from license_check.pipeline import ScanOptions, scan_or_reuse  # a miss: now the stages are needed

    options = ScanOptions(exclude=request.exclude, use_scancode=request.use_scancode, log=request.log,
                          jobs=request.jobs, policy=policy, cache=request.cache,
                          progress=request.progress, discovery=found,
                          knowledge=knowledge, deps_env=request.deps_env, baseline=request.baseline)

    def reuse(evidence: bytes) -> report_cache.Stored | None:
        stored = report_cache.load(report_cache.evidence_key(path, evidence, settings, today, knowledge.directory))
        if stored is not None:
            request.log("report reused from the cache: files changed, but no detector's result did")
        return stored

    scanned, reused, evidence = scan_or_reuse(path, options, reuse if key is not None else None)
    if reused is not None:
        return Run(reused.text, reused.exit_code, reused.verdict)
    assert scanned is not None
    from license_check.render import RENDERERS, Format
    from license_check.render.table import render_table, verdict_line

    fmt = Format(request.fmt)
    text = render_table(scanned, request.width) if fmt is Format.TABLE else RENDERERS[fmt](scanned)
    code = EXIT_FAIL if scanned.verdict.value == "fail" else EXIT_OK
    line = verdict_line(scanned)
    if key is not None and report_cache.final(scanned.findings):
        report_cache.store(key, text, code, line)
        if evidence is not None:
            report_cache.store(report_cache.evidence_key(path, evidence, settings, today, knowledge.directory),
                               text, code, line)
    return Run(text, code, line, RENDERERS[Format.JSON](scanned) if request.json_too else None)
