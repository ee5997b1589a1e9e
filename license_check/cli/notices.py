"""``license-check notices PATH``: write the NOTICE bundle a release ships (license_check/notices.py)."""

from __future__ import annotations

import click

from license_check.cli.scan import _folder_path
from license_check.errors import OutputError


@click.command("notices", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(exists=True, file_okay=False, dir_okay=True), callback=_folder_path)
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the bundle to FILE (e.g. THIRD_PARTY_NOTICES.md), not stdout.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out paths matching GLOB. Repeatable.")
@click.option("--use-mode", type=click.Choice(["internal", "saas", "distribute", "release-weights"]),
              help="The use mode whose checklist decides what must be credited (default: the policy's).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), metavar="FILE", help="Policy file (TOML).")
@click.option("--deps-env", metavar="PYTHON_OR_VENV", help="Credit the dependencies installed there too.")
def notices(path: str, output: str | None, exclude: tuple[str, ...], use_mode: str | None, policy_file: str | None,
            deps_env: str | None) -> None:
    """Write, for every component the release must credit (the release checklist's license, notice and
    attribution duties), its license text, copyright lines and NOTICE content, in the checklist's order."""
    import dataclasses

    from license_check.cli.output import write
    from license_check.knowledge.book import Knowledge
    from license_check.model import UseMode
    from license_check.notices import bundle
    from license_check.pipeline import ScanOptions, load_policy, scan

    knowledge = Knowledge.load()
    policy = load_policy(policy_file, path, True)
    if use_mode:
        policy = dataclasses.replace(policy, use_mode=UseMode(use_mode))
    report = scan(path, ScanOptions(exclude=exclude, policy=policy, knowledge=knowledge, deps_env=deps_env))
    made = bundle(report, path)
    if output:
        try:
            write(output, made.text)
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc), f"cannot write {output}") from exc
        click.echo(f"notices: {len(made.components)} component(s) credited in {output}; covers "
                   f"{', '.join(made.covered) or 'no checklist duty'}", err=True)
    else:
        click.echo(made.text, nl=False)
