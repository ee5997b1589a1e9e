"""The human report: a components table, the findings, and a one-line verdict."""

from __future__ import annotations

from license_check.model import NOTICE_DUTIES, JudgedComponent, Kind, Report, Severity, Use
from license_check.render.printable import printable, printable_report

_MAX_MESSAGE = 600
_MAX_CAUSES = 12  # the table lists the first causes; the JSON has them all


def _license_cell(c: JudgedComponent) -> str:
    if c.license is None:
        return "(none)" if not c.declared_licenses else "(unresolved)"
    if c.elected_license and c.elected_license != c.license:
        return f"{printable(c.license)}\n  elected: {printable(c.elected_license)}"
    return printable(c.license)


def _component_cell(c: JudgedComponent) -> str:
    if c.component.ref is None:
        cell = printable(c.component.path)
    else:
        cell = f"{_clip(c.component.ref, 60)}\n  (referenced in {printable(c.component.path)})"
    for edge in c.lineage:
        if edge.relation != "trained-on":
            cell += f"\n  {printable(edge.relation)} of {_clip(edge.ref, 40)}"
    return cell


def _key_obligation(c: JudgedComponent) -> str:
    duties = c.material or (*c.restrictions, *c.obligations)  # the most material one first (judge/analyze.py)
    if not duties:
        return "-" if c.commercial_use is not Use.UNKNOWN else (printable(c.reasons[0].text) if c.reasons else "-")
    first = duties[0].text
    more = f" (+{len(duties) - 1} more)" if len(duties) > 1 else ""
    return _clip(first, 70) + more


def _clip(text: str, width: int) -> str:
    """``text`` made printable (repository strings: see printable.py), then cut to ``width``."""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _why(report: Report) -> list[str]:
    """The causes of an answer other than allowed, each with its clauses, lineage and remedies."""
    causes, use, answer = report.causes, report.commercial_use, "commercial use"
    if report.adoption is not None and report.policy.get("scope") == "adoption":
        causes, use, answer = report.adoption.causes, report.adoption.commercial_use, "adoption"
    if not causes:
        return []
    lines = ["", f"why {answer} is {use.value}:"]
    for cause in causes[:_MAX_CAUSES]:
        who = printable(" + ".join(cause.components) or "policy")
        what = printable(cause.elected_license or cause.license or "")
        head = f"  - {who}" + (f" ({what})" if what else "") + f": {cause.commercial_use.value}"
        lines.append(head + (" [waived]" if cause.waived else ""))
        lines.extend(f"      because: {_clip(clause.text, 300)}" for clause in cause.clauses[:3])
        if cause.lineage:
            path = " -> ".join(["repository", who, *(f"{e.relation} {e.ref} ({e.license or 'license unknown'})"
                                                      for e in cause.lineage)])
            lines.append(f"      lineage: {_clip(path, 300)}")
        if cause.elected_license and cause.license and cause.elected_license != cause.license:
            lines.append(f"      elected: {printable(cause.elected_license)} of {printable(cause.license)}")
        lines.extend(f"      fix ({remedy.code}): {_clip(remedy.text, 300)}" for remedy in cause.remedies)
    if len(causes) > _MAX_CAUSES:
        lines.append(f"  (+{len(causes) - _MAX_CAUSES} more causes: see --format json, explain.causes)")
    return lines


def _checklist(report: Report) -> list[str]:
    if not report.checklist:
        return []
    lines = ["", f"release checklist ({report.policy.get('use_mode')}):"]
    for item in report.checklist:
        more = f" (+{len(item.components) - 4})" if len(item.components) > 4 else ""
        who = printable(", ".join(item.components[:4])) + more
        bundle = " [license-check notices writes it]" if item.code in NOTICE_DUTIES else ""
        lines.append(f"  [ ] {_clip(item.text, 200)} (for: {who}){bundle}")
    return lines


def _unstated(report: Report) -> list[JudgedComponent]:
    """The referenced artifacts with no stated or known terms: in the adoption answer only."""
    shipped = {c.component.id for c in report.components}
    return [] if report.adoption is None else [c for c in report.adoption.components
                                               if c.component.id not in shipped and c.commercial_use is Use.UNKNOWN]


def _adoption_lines(report: Report, unstated: list[JudgedComponent]) -> list[str]:
    """One grouped line for the references without terms (quiet by default), and the adoption answer."""
    if report.adoption is None or not report.adoption.components:
        return []
    lines = [""]
    if unstated:
        kinds: dict[str, int] = {}
        for c in unstated:
            kinds[c.component.kind.value] = kinds.get(c.component.kind.value, 0) + 1
        where = sorted({c.component.path for c in unstated})
        more = f" (+{len(where) - 3} more)" if len(where) > 3 else ""
        lines.append(f"referenced artifacts without stated terms: {len(unstated)} "
                     f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) in "
                     f"{', '.join(_clip(w, 60) for w in where[:3])}{more}; listed under adoption in --format json")
    lines.append(f"adoption (what a user must also fetch): commercial use {report.adoption.commercial_use.value}, "
                 f"{len(report.adoption.components)} referenced artifact(s)")
    return lines


def _scanned_line(report: Report) -> list[str]:
    """What the scan left out, when it left anything out (the JSON ``scan`` object has the details)."""
    scan = report.scan
    listed = scan.get("not_content")
    not_content = [x for x in listed if isinstance(x, dict)] if isinstance(listed, list) else []
    gitignored = scan.get("gitignored") or 0
    excluded = scan.get("excluded") or []
    skipped = scan.get("skipped") or []
    if not (not_content or gitignored or excluded or skipped):
        return []
    parts = []
    if not_content:
        shown = ", ".join(f"{printable(str(x['path']))} ({x['why']})" for x in not_content[:3])
        parts.append(f"{len(not_content)} folder(s) that are not content: {shown}"
                     + (f" (+{len(not_content) - 3} more)" if len(not_content) > 3 else ""))
    if gitignored:
        parts.append(f"{gitignored} untracked path(s) git ignores")
    if isinstance(excluded, list) and excluded:
        parts.append(f"{len(excluded)} path(s) excluded by --exclude")
    if isinstance(skipped, list) and skipped:
        parts.append(f"{len(skipped)} path(s) NOT READ (limits or unreadable: the scan is incomplete)")
    source = "git's index" if scan.get("content_from") == "git" else "the file system"
    return ["", f"scanned {scan.get('files')} file(s) from {source}; left out: " + "; ".join(parts)]


def _dependency_lines(report: Report) -> list[str]:
    """The dependencies in one summary line, and one line per dependency that is not allowed (issue 15:
    a line per problem, not one per package)."""
    every = {c.component.id: c for c in (*report.components, *(report.adoption.components if report.adoption else ()))
             if c.component.kind is Kind.DEPENDENCY}
    if not every:
        return []
    counted = [c for c in every.values() if (c.component.group or "default") == "default"]
    uses: dict[str, int] = {}
    for c in counted:
        uses[c.commercial_use.value] = uses.get(c.commercial_use.value, 0) + 1
    apart = len(every) - len(counted)
    tally = ", ".join(f"{n} {u}" for u, n in sorted(uses.items(), key=lambda p: -Use(p[0]).badness))
    lines = ["", f"dependencies: {len(counted)} needed at run time ({tally})"
                 + (f"; {apart} optional or development-only, not counted" if apart else "")]
    for c in sorted(counted, key=lambda c: (-c.commercial_use.badness, c.component.id)):
        if c.commercial_use is Use.ALLOWED:
            continue
        decl = next((e for e in c.component.origin if e.path), None)
        where = f"{decl.path}:{decl.line}" if decl is not None and decl.line else (decl.path if decl else "")
        source = next((e.path for e in c.evidence if e.source == "dist-info"), None)
        name = (c.component.ref or c.component.id).removeprefix("pkg:")
        version = f" {c.component.version}" if c.component.version else ""
        lines.append(f"  {_clip(name + version, 50)}  {_license_cell(c)}  {c.commercial_use.value}  (declared in "
                     f"{where}" + (f"; license from {source}" if source else "") + ")")
    return lines


def _widths(width: int | None) -> tuple[int, int]:
    """(location, message) column widths of the findings table: 40 and 90 by default (a file or a pipe),
    else what a terminal of ``width`` columns leaves after the severity and rule columns."""
    if width is None:
        return 40, 90
    rest = max(50, width - 10 - 30 - 6)  # severity, rule, the separators
    location = max(16, min(40, rest // 3))
    return location, max(30, rest - location)


def render_table(report: Report, width: int | None = None) -> str:
    """The table. ``width``: the terminal's columns (the CLI passes it on a terminal), None: the fixed layout."""
    from tabulate import tabulate  # here: a scan that prints JSON, or a stored report, never needs it (30 ms)

    rows = [[_component_cell(c), c.component.kind.value, _license_cell(c), c.commercial_use.value, _key_obligation(c)]
            for c in report.components if c.component.kind is not Kind.DEPENDENCY]
    fit: list[int | None] | None = None
    if width is not None:  # a terminal: wrap the wide columns to its width
        name, lic = max(16, width // 4), max(16, width // 5)
        fit = [name, None, lic, None, max(20, width - name - lic - 10 - 16 - 10)]
    out = [tabulate(rows, headers=["component", "kind", "license", "commercial use", "key obligation"],
                    tablefmt="simple", maxcolwidths=fit)]
    named = [(i, n) for i, n in report.license_names.items()
             if any(i in (c.license or "") for c in report.components if c.component.kind is not Kind.DEPENDENCY)]
    if named:
        out += ["", "licenses: " + "; ".join(f"{printable(i)} = {printable(n)}" for i, n in named)]
    unstated = _unstated(report)
    quiet = {c.component.id for c in unstated}
    active = [f for f in report.findings if not f.suppressed]
    listed = [f for f in active if not (f.rule == "external-artifact" and set(f.components) <= quiet)]
    if listed:
        frows = []
        for f in listed:
            where = printable(f.locations[0].path) if f.locations else "."
            if f.locations and f.locations[0].line:
                where += f":{f.locations[0].line}"
            if len(f.locations) > 1:
                where += f" (+{len(f.locations) - 1})"
            frows.append([f.severity.value, printable(f.rule), where, _clip(f.message, _MAX_MESSAGE)])
        out += ["", tabulate(frows, headers=["severity", "rule", "location", "message"], tablefmt="simple",
                             maxcolwidths=[None, None, *_widths(width)])]
    out += _dependency_lines(report) + _adoption_lines(report, unstated) + _why(report) + _checklist(report)
    out += _scanned_line(report)
    own = report.scan.get("own_config") if isinstance(report.scan, dict) else None
    if isinstance(own, dict) and own.get("applies_to") == "repository":
        out += ["", f"the repository's own configuration ([tool.license-check]): {len(own.get('waivers', []))} "
                    f"waiver(s), {len(own.get('clarifications', []))} clarification(s), applied to the repository "
                    "answer only, never to the adoption answer (pass --no-repo-config to ignore them)"]
    out += ["", verdict_line(report)]
    return printable_report("\n".join(out) + "\n")  # the last pass: nothing raw reaches a terminal


def verdict_line(report: Report) -> str:
    """The one line every format's reader wants first: ``verdict: PASS — commercial use allowed (...)``
    (the table's last line; ``-q`` prints only it, and ``-o FILE`` prints it on stderr)."""
    active = [f for f in report.findings if not f.suppressed]
    counts = {s: sum(1 for f in active if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n) or "no findings"
    suppressed = len(report.findings) - len(active)
    own = report.scan.get("own_config") if isinstance(report.scan, dict) else None
    own_waivers = bool(isinstance(own, dict) and own.get("waivers"))
    if suppressed:
        summary += f", {suppressed} waived" + (" (by the repository's own configuration)" if own_waivers else "")
    project = printable(report.project_license or "none declared")
    answer = f"commercial use {report.commercial_use.value}"
    if report.adoption is not None and report.policy.get("scope") == "adoption":
        answer = f"adoption {report.adoption.commercial_use.value} (repository alone: {report.commercial_use.value})"
    return printable_report(
        f"verdict: {report.verdict.value.upper()} — {answer} "
        f"(policy {printable(str(report.policy.get('name')))}, mode {report.policy.get('use_mode')}; "
        f"project license: {project}; {len(report.components)} component(s); {summary})")
