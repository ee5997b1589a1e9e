"""``audit --html``: one page for a fleet of repositories: charts of verdicts and licenses, a table that filters.

Built from the audit's lines (audit.jsonl: name, path, verdict, project license, blocking components and
licenses, failure) and each repository's JSON report. The charts' numbers are counted here (Chart.js only
draws them); the table is plain HTML with one row per repository in manifest order, filtered in the page by
text and by verdict, each row opening what blocks that repository and its lineage edges. Timings are left
out, so the same audit gives the same page on every engine and every rerun.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from license_check.render.html.page import USE_COLOURS, VERDICT_COLOURS, document, esc, use_badge, verdict_badge
from license_check.render.html.report import as_list, lineage_graph

TOP = 15  # licenses per chart
MAX_CAUSES = 8  # per repository, in its row's details
_USES = ("allowed", "conditional", "prohibited", "unknown")


def _components(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for c in as_list(report.get("components")) if isinstance(c, dict)]


def charts(lines: Sequence[Mapping[str, Any]], reports: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The numbers the charts draw: verdicts, blocking licenses, component licenses, uses by kind."""
    verdicts = Counter(str(line.get("verdict") or "failed") for line in lines)
    blocking = Counter(str(lic) for line in lines for lic in as_list(line.get("blocking_licenses")))
    licenses: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    for line in lines:
        for comp in _components(reports.get(str(line.get("name")), {})):
            licenses[str(comp.get("license") or "(none)")] += 1
            kinds.setdefault(str(comp.get("kind")), Counter())[str(comp.get("commercial_use") or "unknown")] += 1

    def top(counter: Counter[str]) -> dict[str, list[Any]]:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        return {"labels": [k for k, _ in items], "values": [v for _, v in items]}

    order = [v for v in ("pass", "warn", "fail", "failed") if verdicts[v]]
    return {
        "verdicts": {"labels": order, "values": [verdicts[v] for v in order],
                     "colours": [VERDICT_COLOURS[v] for v in order]},
        "blocking": top(blocking),
        "licenses": top(licenses),
        "kinds": {"labels": sorted(kinds), "uses": list(_USES), "colours": [USE_COLOURS[u] for u in _USES],
                  "values": [[kinds[k][u] for k in sorted(kinds)] for u in _USES]},
    }


def _detail(report: Mapping[str, Any]) -> str:
    explain = report.get("explain")
    causes = [c for c in as_list(explain.get("causes") if isinstance(explain, dict) else None)
              if isinstance(c, dict) and not c.get("waived")]
    items = []
    for cause in causes[:MAX_CAUSES]:
        clause = next((x.get("text") for x in as_list(cause.get("clauses")) if isinstance(x, dict)), cause.get("kind"))
        items.append(f"<li><code>{esc(', '.join(str(c) for c in as_list(cause.get('components'))), 200)}</code>: "
                     f"<code>{esc(cause.get('license') or '(none)')}</code> {use_badge(cause.get('commercial_use'))} "
                     f"{esc(clause, 400)}</li>")
    if len(causes) > MAX_CAUSES:
        items.append(f"<li>…and {len(causes) - MAX_CAUSES} more (reports/…json)</li>")
    graph = lineage_graph(dict(report))
    labels = {n["id"]: n for n in graph["nodes"]}
    edges = [f"<li><code>{esc(labels[e['source']]['label'], 200)}</code> {esc(e['relation'])} "
             f"<code>{esc(labels[e['target']]['label'], 200)}</code> ({esc(labels[e['target']]['license'])}, "
             f"{use_badge(labels[e['target']]['use'])})</li>" for e in graph["edges"][:MAX_CAUSES]]
    out = f"<ul>{''.join(items)}</ul>" if items else "<p>Nothing blocks commercial use.</p>"
    if edges:
        out += "<p>Lineage:</p><ul>" + "".join(edges) + "</ul>"
    return out


def _row(line: Mapping[str, Any], report: Mapping[str, Any] | None) -> str:
    verdict = str(line.get("verdict") or "failed")
    blocking = [str(x) for x in as_list(line.get("blocking_licenses"))]
    search = " ".join([str(line.get("name")), str(line.get("path")), str(line.get("project_license") or ""),
                       *blocking, *[str(x) for x in as_list(line.get("blocking"))], str(line.get("failure") or "")])
    if line.get("failure"):
        detail = f"<p>The scan failed: {esc(line.get('failure'), 400)}</p>"
    else:
        detail = _detail(report or {})
    return (f'<tr data-verdict="{esc(verdict)}" data-search="{esc(search.lower(), 4000)}">'
            f"<td class=\"wrap\"><details><summary><code>{esc(line.get('name'), 200)}</code></summary>"
            f"<p class=\"muted\"><code>{esc(line.get('path'), 400)}</code></p>{detail}</details></td>"
            f"<td>{verdict_badge(verdict)}</td><td>{use_badge(line.get('commercial_use') or 'unknown')}</td>"
            f"<td class=\"wrap\"><code>{esc(line.get('project_license') or '(none)')}</code></td>"
            f"<td class=\"wrap\">{', '.join(f'<code>{esc(b)}</code>' for b in blocking) or '—'}</td>"
            f"<td class=\"wrap\">{len(as_list(line.get('blocking')))}</td></tr>")


def render_fleet_html(lines: Sequence[Mapping[str, Any]], reports: Mapping[str, Mapping[str, Any]],
                      title: str = "license-check audit") -> str:
    """The fleet page: ``lines`` are audit.jsonl's rows in manifest order, ``reports`` the JSON reports by name."""
    data = charts(lines, reports)
    verdicts = dict(zip(data["verdicts"]["labels"], data["verdicts"]["values"], strict=True))
    counts = ", ".join(f"{n} {v}" for v, n in verdicts.items())
    options = "".join(f'<option value="{v}">{v} ({n})</option>' for v, n in verdicts.items())
    rows = "\n".join(_row(line, reports.get(str(line.get("name")))) for line in lines)
    body = f"""<h1>{esc(title, 200)}</h1>
<p class="meta">{len(lines)} repositories: {esc(counts)}.</p>
<div class="charts">
<div class="chart"><canvas id="chart-verdicts" aria-label="verdicts"></canvas></div>
<div class="chart"><canvas id="chart-blocking" aria-label="licenses that block most often"></canvas></div>
<div class="chart"><canvas id="chart-licenses" aria-label="component licenses"></canvas></div>
<div class="chart"><canvas id="chart-kinds" aria-label="commercial use by component kind"></canvas></div>
</div>
<h2>Repositories</h2>
<div class="filters"><input id="filter-text" type="search" placeholder="filter: name, path, license, component…"
 aria-label="filter by text"><select id="filter-verdict" aria-label="filter by verdict"><option value="">every verdict
</option>{options}</select><span id="filter-count" class="muted">{len(lines)} of {len(lines)}</span></div>
<table id="repositories">
<thead><tr><th>repository</th><th>verdict</th><th>commercial use</th><th>project license</th>
<th>licenses that block</th><th>blocking components</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""
    return document(title, body, {"charts": data}, ["chartjs"], ["fleet.js"])
