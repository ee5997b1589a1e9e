"""Every --format through the CLI (issue 16): each renderer is one format of the one report."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from tests.conftest import SAMPLES

FORMATS = ("table", "json", "markdown", "sarif", "cyclonedx", "spdx", "spdx3", "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_same_verdict(fmt: str) -> None:
    result = CliRunner().invoke(cli, [str(SAMPLES / "no-license"), "--format", fmt, "--no-cache"])
    assert result.exit_code == 1 and result.stdout  # the exit code is the verdict's, whatever the format
    if fmt not in ("table", "markdown", "html"):
        json.loads(result.stdout)
    again = CliRunner().invoke(cli, [str(SAMPLES / "no-license"), "--format", fmt, "--no-cache"])
    assert again.stdout == result.stdout  # deterministic


def test_the_cli_offers_every_renderer() -> None:
    from license_check.render import RENDERERS, Format

    assert set(FORMATS) == {f.value for f in Format} == {f.value for f in RENDERERS}


def test_the_help_lists_every_format() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert all(f in result.stdout for f in FORMATS)
