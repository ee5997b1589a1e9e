"""``license-check [scan] PATH``: options -> scan -> render -> exit code. No domain logic here.

Exit codes (CONTRACT.md): 0 pass or warn, 1 fail, 2 usage/config error, 3 internal error (a bug); errors
are mapped to them in one place, license_check/cli/app.py. Only the report goes to stdout.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import sys

import click

from license_check import __version__
from license_check.errors import OutputError
from license_check.gcpause import collector_paused


def _folder_path(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """PATH must be a folder (a symlink to one is fine): a FIFO, a device or a socket is a usage error."""
    try:
        is_dir = stat.S_ISDIR(os.stat(value).st_mode)
    except OSError as exc:
        raise click.BadParameter(f"{value!r}: {exc.strerror}") from exc
    if not is_dir:
        raise click.BadParameter(f"{value!r} is not a folder")
    return value


@click.command("scan", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(exists=True, file_okay=False, dir_okay=True), callback=_folder_path)
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "markdown", "sarif", "cyclonedx", "spdx", "spdx3", "html"]),
              help="Report format. json follows the stable contract (schema in license_check/schema/); markdown is a "
                   "pull-request comment; sarif (2.1.0) is for code scanning (GitHub); cyclonedx (1.6), spdx (2.3 "
                   "JSON) and spdx3 (3.0 JSON-LD with the AI and Dataset profiles) are SBOMs; html is one "
                   "self-contained offline page (verdict, what blocks it, the lineage graph).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to FILE, not stdout (a regular file, replaced atomically; a FIFO or device is "
                   "written to; a symbolic link is refused).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Leave out paths matching GLOB (gitignore syntax, relative to PATH). Repeatable.")
@click.option("--no-scancode", is_flag=True,
              help="Never load ScanCode: license texts the fast path cannot identify stay unknown.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for per-file matching (default: the available cores). Output is the same "
                   "for every N.")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the caches ($LICENSE_CHECK_CACHE_DIR, else "
                   "$XDG_CACHE_HOME/license-check or ~/.cache/license-check). Under CI=true they are off unless "
                   "LICENSE_CHECK_CACHE=1.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Policy file (TOML, docs/policy.md); replaces the built-in policy and the repository's own.")
@click.option("--no-repo-config", is_flag=True,
              help="Ignore [tool.license-check] in the scanned repository's pyproject.toml.")
@click.option("--use-mode", type=click.Choice(["internal", "saas", "distribute", "release-weights"]),
              help="Judge for this use mode instead of the policy's (default: distribute).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
              help="Also fail when a finding of this severity or worse is not waived.")
@click.option("--scope", type=click.Choice(["repository", "adoption"]),
              help="Which answer decides the verdict and exit code: the repository as shipped (default), or "
                   "adoption, which also counts the referenced artifacts a user must fetch (unknown terms: unknown).")
@click.option("--deps-env", metavar="PYTHON_OR_VENV",
              help="Read the licenses of the declared dependencies where they are installed: a virtual environment "
                   "folder, a Python interpreter, or 'auto' (the venv in $VIRTUAL_ENV). Never a registry query: "
                   "without it, dependencies are listed with unknown licenses (the adoption answer).")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="A previous JSON report: its findings are accepted (treated as waived), so only new findings can "
                   "fail the check; a 'baseline' finding says how many were ignored.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also write this scan's JSON report to FILE, to pass as --baseline later.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only the verdict line (with -o FILE the report goes to FILE and the verdict line to stderr "
                   "either way).")
@click.option("-v", "--verbose", is_flag=True, help="Explain the scan on stderr (e.g. why ScanCode was loaded).")
@click.version_option(__version__, "-V", "--version", prog_name="license-check")
def scan(path: str, fmt: str, output: str | None, exclude: tuple[str, ...], no_scancode: bool, jobs: int | None,
        no_cache: bool, policy_file: str | None, no_repo_config: bool, use_mode: str | None, fail_on: str | None,
        scope: str | None, deps_env: str | None, baseline_file: str | None, write_baseline: str | None, quiet: bool,
        verbose: bool) -> None:
    """Tell whether the repository at PATH may be used commercially.

    Scans code, license files, manifests and headers, normalizes every license to SPDX and judges the
    combination. Exit status: 0 pass or warn, 1 fail, 2 usage or configuration error, 3 internal error.
    """
    # Imported here so that --help and --version stay fast.
    with collector_paused(freeze=True):  # start-up: what it builds lives to the end (gcpause.py)
        from license_check.cli.output import write
        from license_check.collect.repo_config import read_own_pyproject
        from license_check.knowledge.book import Knowledge
        from license_check.model import Severity, UseMode
        from license_check.policy.load import POLICY_CAP, load
        from license_check.render.progress import for_stream
        from license_check.run import Request, report
        from license_check.storage import caches_enabled

    click.get_current_context().meta["verbose"] = verbose  # for the internal-error report (cli/app.py)
    progress = None if verbose else for_stream(sys.stderr)  # its delay counts from the start of the command

    def log(message: str) -> None:
        if verbose:
            click.echo(f"license-check: {message}", err=True)

    if deps_env is not None:  # a usage error, before anything is scanned
        from license_check.collect.deps.environment import locate
        from license_check.collect.deps.model import ReadProblem

        where = locate(deps_env, dict(os.environ))
        if isinstance(where, ReadProblem):
            raise click.BadParameter(where.message, param_hint="'--deps-env'")
        log(f"dependencies: --deps-env {deps_env}: {where.found}, site folders "
            f"{', '.join(str(d) for d in where.site_dirs) or 'none'}")

    enabled, why_not = caches_enabled()
    if not no_cache and not enabled:
        log(f"caches off: {why_not}")
        no_cache = True

    # Rules first (a broken rules folder: RulesError, exit 2), then the pipeline's load_policy, without
    # importing the pipeline (a stored report needs none of it).
    with collector_paused(freeze=True):  # start-up: what it builds lives to the end (gcpause.py)
        knowledge = Knowledge.load(parse_cache=not no_cache)
    own = None if no_repo_config else read_own_pyproject(path, POLICY_CAP)
    policy = load(policy_file, own, not no_repo_config, knowledge.normalizer)  # PolicyError: exit 2
    if use_mode:  # the command line wins over the policy's own settings
        policy = dataclasses.replace(policy, use_mode=UseMode(use_mode))
    if fail_on:
        policy = dataclasses.replace(policy, fail_on=Severity(fail_on))
    if scope:
        policy = dataclasses.replace(policy, scope=scope)
    log(f"policy {policy.name!r} from {policy.source}, use mode {policy.use_mode.value}")
    from license_check.policy.baseline import read_baseline

    baseline = read_baseline(baseline_file) if baseline_file else frozenset()  # BaselineError: exit 2
    request = Request(fmt, exclude, not no_scancode, jobs or 0, not no_cache, progress=progress, log=log,
                      deps_env=deps_env, baseline=baseline, json_too=write_baseline is not None,
                      width=_terminal_width(output, quiet))
    done = report(path, request, policy, knowledge)
    if write_baseline and done.json is not None:
        try:
            write(write_baseline, done.json)
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc), f"cannot write {write_baseline}") from exc
    if output:
        try:
            write(output, done.text)
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc), f"cannot write {output}") from exc
        click.echo(_painted(done.verdict, sys.stderr), err=True)  # the report is in the file; the answer in the log
    elif quiet:
        click.echo(_painted(done.verdict, sys.stdout))
    else:
        click.echo(_painted(done.text, sys.stdout) if fmt == "table" else done.text, nl=False)
    sys.exit(done.exit_code)


def _painted(text: str, stream: object) -> str:
    """The verdict word in colour on a terminal (NO_COLOR respected); the text as it is everywhere else."""
    from license_check.cli.output import colour_enabled, paint_verdict

    return paint_verdict(text) if colour_enabled(stream) else text


def _terminal_width(output: str | None, quiet: bool) -> int | None:
    """The terminal's columns when the table goes to one (not with -o or -q), for wrapping; else None."""
    import shutil

    if output or quiet or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((120, 40)).columns
