"""Renderers: one per output format, chosen through the Format enum."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from license_check.model import Report
from license_check.render.json import render_json
from license_check.render.markdown import render_markdown
from license_check.render.table import render_table


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


RENDERERS: dict[Format, Callable[[Report], str]] = {
    Format.TABLE: render_table,
    Format.JSON: render_json,
    Format.MARKDOWN: render_markdown,
}
