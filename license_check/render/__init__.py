"""Renderers: one per output format, chosen through the Format enum."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from license_check.model import Report
from license_check.render.json import render_json
from license_check.render.markdown import render_markdown
from license_check.render.table import render_table


def _sarif(report: Report) -> str:
    from license_check.render.sarif import render_sarif  # imported when asked for

    return render_sarif(report)


def _spdx(report: Report) -> str:
    from license_check.render.spdx import render_spdx  # spdx-tools: only when asked for

    return render_spdx(report)


def _spdx3(report: Report) -> str:
    from license_check.render.spdx3 import render_spdx3

    return render_spdx3(report)


def _html(report: Report) -> str:
    from license_check.render.html import render_html  # the embedded libraries are read only when asked for

    return render_html(report)


def _cyclonedx(report: Report) -> str:
    from license_check.render.cyclonedx import render_cyclonedx  # cyclonedx-python-lib: only when asked for

    return render_cyclonedx(report)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    CYCLONEDX = "cyclonedx"
    SPDX = "spdx"
    SPDX3 = "spdx3"
    HTML = "html"


RENDERERS: dict[Format, Callable[[Report], str]] = {
    Format.TABLE: render_table,
    Format.JSON: render_json,
    Format.MARKDOWN: render_markdown,
    Format.SARIF: _sarif,
    Format.CYCLONEDX: _cyclonedx,
    Format.SPDX: _spdx,
    Format.SPDX3: _spdx3,
    Format.HTML: _html,
}
