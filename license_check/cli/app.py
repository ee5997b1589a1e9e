"""The click application: the command group, the default command, and where errors become exit codes.

``license-check PATH`` is ``license-check scan PATH`` (scan is the default command); ``license-check rules
check [DIR]`` checks a rules folder. A folder named like a command is scanned as ``./rules`` or with
``scan`` spelled out. Exit codes (CONTRACT.md): 0 pass or warn, 1 fail, 2 usage or configuration error
(every ``LicenseCheckError``), 3 internal error (anything else: a bug).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from license_check import __version__
from license_check.cli.audit import audit
from license_check.cli.explain import explain
from license_check.cli.notices import notices
from license_check.cli.output import utf8_streams
from license_check.cli.rules import rules
from license_check.cli.scan import scan
from license_check.errors import LicenseCheckError

EXIT_USAGE, EXIT_BUG = 2, 3
EXIT_FAIL_PIPE = 1  # stdout closed before the report was written (the verdict was not delivered)
DEFAULT_COMMAND = "scan"
_GROUP_FLAGS = frozenset({"-h", "--help", "-V", "--version"})


def _bug(exc: BaseException, verbose: bool) -> None:
    click.echo(f"license-check: internal error: {type(exc).__name__}: {exc}", err=True)
    if verbose:
        click.echo(traceback.format_exc(), err=True)
    click.echo("This is a bug in license-check, not a problem with the scanned repository. Please report it "
               "with the command you ran (add -v for details).", err=True)


class _Commands(click.Group):
    """A group whose default command is ``scan``: anything that is not a command name or a group flag
    is the scan's arguments (``license-check PATH --format json``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in _GROUP_FLAGS):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The scan's help (what most users want), then the other commands."""
        command = self.commands[DEFAULT_COMMAND]
        with click.Context(command, info_name=ctx.info_name, parent=None) as sub:
            command.format_help(sub, formatter)
        self.format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        """The one place where errors become exit codes: a LicenseCheckError (policy, rules, output) is
        exit 2 with its message; any other exception is a bug, exit 3."""
        try:
            return super().invoke(ctx)
        except LicenseCheckError as exc:
            click.echo(f"license-check: {exc.label}: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except BrokenPipeError:  # the reader went away (`| head`): not a bug; nothing more can be written
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_FAIL_PIPE)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the top-level catch turns bugs into exit 3
            _bug(exc, "-v" in sys.argv or "--verbose" in sys.argv or bool(ctx.meta.get("verbose")))
            sys.exit(EXIT_BUG)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="license-check")
def cli() -> None:
    """Tell whether an AI/ML repository may be used commercially."""


cli.add_command(scan)
cli.add_command(rules)
cli.add_command(explain)
cli.add_command(notices)
cli.add_command(audit)

def _exit_without_teardown(done: SystemExit) -> None:
    """Once ScanCode's index is loaded (millions of objects), freeing it at exit costs 1-2 s: exit at once."""
    matcher = sys.modules.get("license_check.collect.textid.scancode_matcher")
    if matcher is None or not matcher.index_loaded() or not isinstance(done.code, int | None):
        return
    matcher.cleanup()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(done.code or 0)


def main() -> None:
    """Console-script entry point."""
    utf8_streams()
    try:
        cli.main(prog_name="license-check")
    except SystemExit as done:
        _exit_without_teardown(done)
        raise
    except KeyboardInterrupt:
        click.echo("license-check: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001
        _bug(exc, "-v" in sys.argv or "--verbose" in sys.argv)
        sys.exit(EXIT_BUG)
