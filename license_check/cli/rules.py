"""``license-check rules check [DIR]``: check a rules folder (the shipped one, or an edited copy).

Prints one problem per line, ``file:line: key: what is wrong``, and exits 2 when there is any (the exit
code of every configuration error), else 0 with a one-line summary. The checks are the loaders' own
(license_check.knowledge.check), so a folder that passes is one a scan can load.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_INVALID = 0, 2


@click.group("rules", context_settings={"help_option_names": ["-h", "--help"]})
def rules() -> None:
    """Work with the license rules (rules/)."""


@rules.command("check", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, dir_okay=True))
def check(directory: str | None) -> None:
    """Check the rules folder DIR (default: the rules this license-check ships): every file, every
    problem with its file, line and key. Exit status 0 when valid, 2 when not."""
    from license_check.errors import PolicyError
    from license_check.knowledge.check import check_rules
    from license_check.knowledge.data import rules_dir
    from license_check.policy.load import from_text

    folder = Path(directory) if directory else rules_dir()
    problems = [str(p) for p in check_rules(folder)]
    for policy in sorted((folder / "policies").glob("*.toml")):  # the built-in policy and its siblings
        try:
            from_text(policy.read_text(encoding="utf-8"), policy.relative_to(folder).as_posix(), policy.stem,
                      "built-in", None)
        except PolicyError as exc:
            problems += [str(p) for p in exc.problems]
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{policy.relative_to(folder).as_posix()}: cannot read: {exc}")
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"license-check: {len(problems)} problem{'s' * (len(problems) != 1)} in {folder}", err=True)
        sys.exit(EXIT_INVALID)
    files = sum(1 for p in folder.rglob("*") if p.suffix in (".toml", ".json"))
    click.echo(f"rules OK: {files} files in {folder}")
    sys.exit(EXIT_OK)
