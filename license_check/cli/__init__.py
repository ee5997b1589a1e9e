"""The command line: one thin module per command, and the one place where errors become exit codes.

``license-check PATH`` is ``license-check scan PATH`` (scan is the default command); ``license-check rules
check [DIR]`` checks a rules folder. A folder named like a command is scanned as ``./rules`` or with
``scan`` spelled out. Exit codes (CONTRACT.md): 0 pass or warn, 1 fail, 2 usage or configuration error
(every ``LicenseCheckError``), 3 internal error (anything else: a bug). The commands and their parser live
in cli/app.py, imported on first use: ``license-check --version`` answers without loading them (issue 18).
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from license_check import __version__
from license_check.gcpause import collector_paused, one_command_process

_VERSION_FLAGS = (["-V"], ["--version"])


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] in _VERSION_FLAGS:  # what click's version option prints, without importing click and commands
        sys.stdout.write(f"license-check, version {__version__}\n")
        sys.stdout.flush()
        return
    one_command_process()  # the console script: this process ends with the command (gcpause.py may freeze)
    with collector_paused(freeze=True):  # start-up: what it builds lives to the end (gcpause.py)
        from license_check.cli.app import main as run
    run()


_FROM_APP = frozenset({"cli", "EXIT_USAGE", "EXIT_BUG", "EXIT_FAIL_PIPE", "DEFAULT_COMMAND"})


def __getattr__(name: str) -> Any:
    """``license_check.cli.cli`` (the click group, for click.testing) and the exit codes, from cli/app.py."""
    if name not in _FROM_APP:  # a submodule (output, scan, ...) is imported by the import system itself
        raise AttributeError(f"module 'license_check.cli' has no attribute {name!r}")
    return getattr(import_module("license_check.cli.app"), name)
