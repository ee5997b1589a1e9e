"""``--format markdown``: a pull-request comment that fits in a screen.

The verdict first, then what blocks it (the decisive causes, at most ``MAX_BLOCKING``), what to do (their
remedies, each once), and the details collapsed (``<details>``): every finding and every component. Every
string taken from the repository is escaped for Markdown and HTML (``|``, ``<``, backticks, control
characters), so a model card cannot inject markup or a fake verdict into the comment.
"""

from __future__ import annotations

import re

from license_check.model import Cause, Finding, JudgedComponent, Report, Severity, Verdict
from license_check.render.printable import printable

MAX_BLOCKING = 10
MAX_REMEDIES = 6
MAX_DETAIL_ROWS = 200
_MARK = {Verdict.PASS: "✅", Verdict.WARN: "⚠️", Verdict.FAIL: "❌"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md(text: str, width: int = 300) -> str:
    """One table cell or inline text: printable, one line, Markdown and HTML characters escaped."""
    flat = " ".join(printable(text).split())
    flat = flat if len(flat) <= width else flat[: width - 1] + "…"
    return _SPECIAL.sub(r"\\\1", flat).replace("&", "&amp;")


def _summary(report: Report) -> str:
    active = [f for f in report.findings if not f.suppressed]
    counts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s in Severity
              if (n := sum(1 for f in active if f.severity is s))]
    waived = len(report.findings) - len(active)
    parts = [f"policy {md(str(report.policy.get('name')))} ({md(str(report.policy.get('use_mode')))})",
             f"project license {md(report.project_license or 'none declared')}",
             f"{len(report.components)} component(s)", ", ".join(counts) or "no findings"]
    if waived:
        parts.append(f"{waived} waived")
    if report.adoption is not None:
        parts.append(f"adoption: {report.adoption.commercial_use.value}")
    return " · ".join(parts)


def _blocking(causes: tuple[Cause, ...]) -> list[str]:
    rows = [c for c in causes if not c.waived][:MAX_BLOCKING]
    if not rows:
        return []
    out = ["", "**What blocks it**", "", "| component | license | commercial use | why |", "|---|---|---|---|"]
    for cause in rows:
        why = cause.clauses[0].text if cause.clauses else cause.kind
        out.append(f"| {md(', '.join(cause.components), 80)} | {md(cause.license or '(none)', 80)} | "
                   f"{cause.commercial_use.value} | {md(why, 200)} |")
    if len(causes) > len(rows):
        out.append(f"\n…and {len(causes) - len(rows)} more (see the full report).")
    return out


def _remedies(causes: tuple[Cause, ...]) -> list[str]:
    """Each remedy once; the per-component waiver snippets as one item naming the components."""
    seen: dict[str, str] = {}
    waivable: list[str] = []
    for cause in causes:
        if cause.waived:
            continue
        for remedy in cause.remedies:
            if remedy.code == "waive":
                waivable += [c for c in cause.components if c not in waivable]
            else:
                seen.setdefault(remedy.text, remedy.code)
    items = [f"- {md(text, 400)}" for text in list(seen)[:MAX_REMEDIES]]
    if waivable:
        shown = ", ".join(waivable[:5]) + (f" and {len(waivable) - 5} more" if len(waivable) > 5 else "")
        items.append(f"- Or accept the risk in the policy: a `[[waivers]]` entry (component, reason, expires) for "
                     f"{md(shown, 300)}.")
    return ["", "**What to do**", "", *items] if items else []


def _finding_row(f: Finding) -> str:
    where = f.locations[0].path if f.locations else "."
    if f.locations and f.locations[0].line:
        where += f":{f.locations[0].line}"
    mark = " (waived)" if f.suppressed else ""
    return f"| {f.severity.value}{mark} | {md(f.rule, 60)} | {md(where, 80)} | {md(f.message, 300)} |"


def _component_row(c: JudgedComponent) -> str:
    return (f"| {md(c.component.id, 80)} | {c.component.kind.value} | {md(c.license or '(none)', 80)} | "
            f"{c.commercial_use.value} |")


def _details(title: str, header: str, rows: list[str]) -> list[str]:
    if not rows:
        return []
    shown = rows[:MAX_DETAIL_ROWS]
    more = ["", f"…and {len(rows) - len(shown)} more."] if len(rows) > len(shown) else []
    return ["", f"<details><summary>{title} ({len(rows)})</summary>", "", header, *shown, *more, "", "</details>"]


def render_markdown(report: Report) -> str:
    mark = _MARK[report.verdict]
    out = [f"### {mark} license-check: {report.verdict.value.upper()} — commercial use {report.commercial_use.value}",
           "", _summary(report)]
    out += _blocking(report.causes) + _remedies(report.causes)
    findings = [_finding_row(f) for f in report.findings]
    out += _details("Findings", "| severity | rule | where | message |\n|---|---|---|---|", findings)
    every = [*report.components, *(report.adoption.components if report.adoption else ())]
    shipped = {c.component.id for c in report.components}
    comps = [_component_row(c) for c in every if c.component.id in shipped]
    comps += [_component_row(c) for c in every if c.component.id not in shipped]
    out += _details("Components", "| component | kind | license | commercial use |\n|---|---|---|---|", comps)
    return "\n".join(out) + "\n"
