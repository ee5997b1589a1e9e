"""``audit --html``: ``out/audit.html`` from audit.jsonl and the reports (render/html/fleet.py draws it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from license_check.render.html.fleet import render_fleet_html


def write_html(out: Path, title: str = "license-check audit") -> Path:
    """``out/audit.html``: every line of ``out/audit.jsonl`` in order, with its report where there is one."""
    lines: list[dict[str, Any]] = []
    for text in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(text)
        if isinstance(item, dict):
            lines.append(item)
    reports: dict[str, dict[str, Any]] = {}
    for line in lines:
        name = str(line.get("name"))
        path = out / "reports" / f"{name}.json"
        if line.get("failure") is None and path.is_file():
            report = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(report, dict):
                reports[name] = report
    target = out / "audit.html"
    target.write_text(render_fleet_html(lines, reports, title), encoding="utf-8")
    return target
