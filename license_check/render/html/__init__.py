"""HTML pages: ``--format html`` for one repository (report.py) and ``audit --html`` for a fleet (fleet.py).

Each page is one self-contained, offline file (page.py): the libraries it draws with are embedded
(assets/assets.toml: Cytoscape.js for the lineage graph, Chart.js for the fleet charts, each with its license).
"""

from __future__ import annotations

from license_check.model import Report
from license_check.render.html.report import render_report_html
from license_check.render.json import report_dict


def render_html(report: Report) -> str:
    """``--format html``: the page of the JSON report of ``report`` (the same facts, drawn)."""
    return render_report_html(report_dict(report))
