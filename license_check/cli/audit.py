"""``license-check audit MANIFEST``: scan many repositories, each isolated (license_check/audit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("audit", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("manifest", type=click.Path(exists=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="license-check-audit", show_default=True,
              help="The folder for reports/<name>.json and audit.jsonl.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Repositories scanned at once (each in its own process).")
@click.option("--timeout-per-repo", type=click.FloatRange(min=0.01), default=600.0, show_default=True,
              metavar="SECONDS", help="A repository whose scan takes longer is recorded as a failure.")
@click.option("--use-mode", type=click.Choice(["internal", "saas", "distribute", "release-weights"]),
              help="Judge every repository for this use mode.")
@click.option("--policy", "policy_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="One policy for every repository (else each repository's own, or the built-in one).")
@click.option("--no-scancode", is_flag=True, help="Never load ScanCode (texts the fast path cannot read: unknown).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a pool of scan processes on this machine (-j); dask: one task per repository on a Dask "
                   "cluster (--scheduler; pip install 'license-check[fleet]').")
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler address (tcp://host:8786) for --engine dask.")
@click.option("--html", "html_page", is_flag=True,
              help="Also write audit.html: one self-contained offline page with charts of verdicts and licenses "
                   "and a table that filters (each row opens what blocks that repository).")
def audit(manifest: str, out_dir: str, jobs: int, timeout_per_repo: float, use_mode: str | None,
          policy_file: str | None, no_scancode: bool, engine: str, scheduler: str | None, html_page: bool) -> None:
    """Scan every repository MANIFEST names (a text file of paths, one a line, or a folder of
    repositories), each exactly as `license-check scan` does and in its own process: a crash or a timeout
    is a recorded failure. Exit status 0 when every scan ran (whatever the verdicts), 1 when one failed."""
    from license_check.audit import audit as run_audit
    from license_check.audit import dask_engine, local_engine, read_manifest, summary

    if engine == "dask":
        if not scheduler:
            raise click.BadParameter("--engine dask needs --scheduler ADDRESS", param_hint="'--scheduler'")
        try:
            import distributed  # noqa: F401 - the fleet extra
        except ImportError as exc:
            raise click.UsageError("--engine dask needs Dask: pip install 'license-check[fleet]'") from exc
    from license_check.render.progress import for_stream

    try:
        entries = read_manifest(manifest)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"cannot read the manifest: {exc}", param_hint="'MANIFEST'") from exc
    args: list[str] = []
    if use_mode:
        args += ["--use-mode", use_mode]
    if policy_file:
        args += ["--policy", str(Path(policy_file).resolve())]
    if no_scancode:
        args.append("--no-scancode")
    progress = for_stream(sys.stderr)
    tick = (lambda done, total: progress("audit", done, total)) if progress is not None else None
    chosen = dask_engine(scheduler) if engine == "dask" and scheduler else local_engine(jobs)
    results = run_audit(entries, Path(out_dir), args, jobs, timeout_per_repo, tick, chosen)
    try:
        from license_check.audit.table import write_parquet

        write_parquet(Path(out_dir), [(r.name, r.path) for r in results if r.failure is None])
    except ImportError:  # pyarrow is in the fleet extra: without it there is no audit.parquet
        click.echo("audit: no audit.parquet (pip install 'license-check[fleet]' for it)", err=True)
    pages = ""
    if html_page:
        from license_check.audit.page import write_html

        pages = f", {write_html(Path(out_dir))}"
    if progress is not None:
        progress("", 0, 0)
    click.echo(summary(results), nl=False)
    click.echo(f"results: {Path(out_dir) / 'audit.jsonl'}, {Path(out_dir) / 'audit.parquet'}{pages}, reports in "
               f"{Path(out_dir) / 'reports'}")
    sys.exit(1 if any(r.failure for r in results) else 0)
