"""The table on a terminal (issue 16): wrapped to its width, and the names of LicenseRef- ids shown."""

from __future__ import annotations

from license_check.pipeline import ScanOptions, scan
from license_check.render.table import render_table
from tests.conftest import SAMPLES


def test_the_tables_wrap_to_the_terminal_width() -> None:
    report = scan(str(SAMPLES / "named-licenses"), ScanOptions(cache=False))
    fixed = render_table(report)
    assert max(len(line) for line in fixed.split("\n\n", 1)[0].splitlines()) > 100  # a pipe or file: fixed layout
    for width in (100, 140):
        text = render_table(report, width)
        tables = [part for part in text.split("\n\n") if part.startswith(("component ", "severity "))]
        assert len(tables) == 2
        assert all(len(line) <= width for table in tables for line in table.splitlines()), width


def test_licenseref_ids_are_named() -> None:
    text = render_table(scan(str(SAMPLES / "rail-model"), ScanOptions(cache=False)))
    assert ("licenses: LicenseRef-scancode-stable-diffusion-2022-08-22 = CreativeML OpenRAIL-M (2022-08-22; "
            "Stable Diffusion 1.x)") in text
