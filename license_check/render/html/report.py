"""``--format html`` for one repository: the verdict, what blocks it and why, each model's lineage as a graph.

The page is built from the JSON report (the stable contract), so a stored report renders the same page as a
fresh scan, and the fleet page (fleet.py) links the same facts. The lineage graph has a node per model and
dataset of the repository and per artifact their lineage names (base models, adapters, training data), an
edge per lineage entry labelled with its relation, and a ``references`` edge to each artifact the repository
only names (what adopting it pulls in), each node coloured by its commercial use (a named artifact: by the
license the rules know for it, else unknown). The tables are plain HTML, so the page reads without scripts;
the graph is drawn by Cytoscape.js, embedded.
"""

from __future__ import annotations

from typing import Any

from license_check.render.html.page import USE_COLOURS, document, esc, table, use_badge, verdict_badge

MAX_ROWS = 500  # per table; the JSON report has every row
MAX_REFERENCED = 60  # artifacts the repository only names, drawn in the graph (the tables list every one)
GROUP_AT = 3  # as many downloads from one URL folder are drawn as one node
_GRAPH_KINDS = ("model", "dataset")


def as_list(value: object) -> list[Any]:
    """A JSON value that should be a list (a report from disk may be anything): the list, else []."""
    return value if isinstance(value, list) else []



def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lineage_graph(report: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Nodes and edges: the repository's models and datasets, and every artifact a lineage entry names."""
    shipped = [c for c in as_list(report.get("components")) if isinstance(c, dict)]
    adopted = [c for c in as_list(_dict(report.get("adoption")).get("components")) if isinstance(c, dict)]
    by_ref = {str(c["ref"]): c for c in adopted if c.get("ref")}
    nodes: dict[str, dict[str, str]] = {}
    edges: list[dict[str, str]] = []

    root = str(report.get("root") or ".").rstrip("/").rsplit("/", 1)[-1] or "."

    def component_node(c: dict[str, Any], role: str) -> str:
        key = "c:" + str(c.get("id"))
        label = _short(str(c.get("ref"))) if c.get("ref") else \
            str(c.get("id") if c.get("id") != "." else f"{root} (the repository)")
        nodes.setdefault(key, {"id": key, "label": label, "kind": str(c.get("kind")), "role": role,
                               "license": str(c.get("license") or "no license"),
                               "use": str(c.get("commercial_use") or "unknown")})
        return key

    queue = [(c, "repository") for c in shipped if c.get("kind") in _GRAPH_KINDS or as_list(c.get("lineage"))]
    queue += [(c, "referenced") for c in adopted if as_list(c.get("lineage"))]
    seen: set[str] = set()
    while queue:
        comp, role = queue.pop(0)
        source = component_node(comp, role)
        if source in seen:
            continue
        seen.add(source)
        for edge in as_list(comp.get("lineage")):
            if not isinstance(edge, dict) or not edge.get("ref"):
                continue
            ref = str(edge["ref"])
            if ref in by_ref:
                target = component_node(by_ref[ref], "referenced")
                queue.append((by_ref[ref], "referenced"))
            else:
                target = "r:" + ref
                nodes.setdefault(target, {"id": target, "label": _short(ref), "role": "referenced",
                                          "kind": "dataset" if edge.get("relation") == "trained-on" else "model",
                                          "license": str(edge.get("license") or "license unknown"),
                                          "use": str(edge.get("commercial_use") or "unknown")})
            edges.append({"id": f"e{len(edges)}", "source": source, "target": target,
                          "relation": str(edge.get("relation"))})
    # What the repository only names (a download, a from_pretrained id, a card's dataset link): an edge from
    # the shipped component that names it (the deepest whose folder holds the mention) to the artifact.
    holders = sorted((c for c in shipped if isinstance(c.get("path"), str)), key=lambda c: -len(str(c["path"])))
    named = [c for c in adopted if c.get("ref") and "c:" + str(c.get("id")) not in nodes]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for comp in named:
        where = str(comp.get("path") or ".")
        holder = next((h for h in holders if str(h["path"]) in (".", where) or where.startswith(str(h["path"]) + "/")),
                      None)
        if holder is not None:
            groups.setdefault((component_node(holder, "repository"), _folder(str(comp["ref"]))), []).append(comp)
    for (source, folder), members in list(groups.items())[:MAX_REFERENCED]:
        if len(members) < GROUP_AT:
            targets = [component_node(comp, "referenced") for comp in members]
        else:  # 22 downloads from one folder are one node, coloured by the worst of them
            uses = {str(m.get("commercial_use") or "unknown") for m in members}
            worst = next(u for u in ("prohibited", "unknown", "conditional", "allowed") if u in uses)
            licenses = sorted({str(m.get("license") or "no license") for m in members})
            target = f"g:{source}:{folder}"
            nodes[target] = {"id": target, "label": f"{_short(folder)}… ({len(members)} files)", "role": "referenced",
                             "kind": "download", "license": ", ".join(licenses[:3]), "use": worst}
            targets = [target]
        for target in targets:
            edges.append({"id": f"e{len(edges)}", "source": source, "target": target, "relation": "references"})
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": edges}


def _short(ref: str, width: int = 44) -> str:
    """A graph label: a long URL as its host and last part (the tables give it whole)."""
    if len(ref) <= width or "://" not in ref:
        return ref
    host, _, rest = ref.split("://", 1)[1].partition("/")
    tail = rest.rstrip("/").rsplit("/", 1)[-1]
    return f"{host}/…/{tail}" + ("/" if ref.endswith("/") else "")


def _folder(ref: str) -> str:
    """A URL's folder (downloads from one place group into one node); a Hub id stands alone."""
    return ref.rsplit("/", 1)[0] + "/" if "://" in ref and ref.count("/") > 3 else ref


def _summary(report: dict[str, Any]) -> str:
    policy = _dict(report.get("policy"))
    findings = [f for f in as_list(report.get("findings")) if isinstance(f, dict) and not f.get("suppressed")]
    counts = {s: sum(1 for f in findings if f.get("severity") == s) for s in ("error", "warning", "info")}
    adoption = _dict(report.get("adoption"))
    parts = [f"policy {esc(policy.get('name'))} ({esc(policy.get('use_mode'))})",
             f"project license <code>{esc(report.get('project_license') or 'none declared')}</code>",
             f"{len(as_list(report.get('components')))} component(s)",
             ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n) or "no findings"]
    if adoption:
        parts.append(f"adoption: {use_badge(adoption.get('commercial_use'))}")
    return " · ".join(parts)


def _causes(causes: list[Any]) -> str:
    rows = []
    for cause in [c for c in causes if isinstance(c, dict) and not c.get("waived")][:MAX_ROWS]:
        clauses = [esc(x.get("text")) for x in as_list(cause.get("clauses")) if isinstance(x, dict)]
        remedies = [esc(x.get("text")) for x in as_list(cause.get("remedies")) if isinstance(x, dict)]
        lineage = [f"{esc(x.get('relation'))} <code>{esc(x.get('ref'))}</code> ({esc(x.get('license') or '?')})"
                   for x in as_list(cause.get("lineage")) if isinstance(x, dict)]
        why = "<br>".join(clauses or [esc(cause.get("kind"))])
        if lineage:
            why += "<br><span class=\"muted\">lineage: " + "; ".join(lineage) + "</span>"
        rows.append([", ".join(f"<code>{esc(c)}</code>" for c in as_list(cause.get("components"))),
                     f"<code>{esc(cause.get('license') or '(none)')}</code>", use_badge(cause.get("commercial_use")),
                     why, "<br>".join(remedies[:4])])
    if not rows:
        return "<p>Nothing blocks commercial use.</p>"
    return table(["component", "license", "commercial use", "why", "what to do"], rows)


def _components(report: dict[str, Any]) -> str:
    shipped = [c for c in as_list(report.get("components")) if isinstance(c, dict)]
    ids = {c.get("id") for c in shipped}
    adopted = [c for c in as_list(_dict(report.get("adoption")).get("components"))
               if isinstance(c, dict) and c.get("id") not in ids]
    rows = [[f"<code>{esc(c.get('id'))}</code>", esc(c.get("kind")),
             f"<code>{esc(c.get('license') or '(none)')}</code>",
             use_badge(c.get("commercial_use")), "repository" if n < len(shipped) else "adoption (referenced)",
             esc(c.get("ref") or c.get("version") or "")]
            for n, c in enumerate((shipped + adopted)[:MAX_ROWS])]
    more = len(shipped) + len(adopted) - len(rows)
    return table(["component", "kind", "license", "commercial use", "answer", "ref / version"], rows) + \
        (f"<p class=\"muted\">…and {more} more (see the JSON report).</p>" if more > 0 else "")


def _findings(findings: list[Any]) -> str:
    rows = []
    for f in [f for f in findings if isinstance(f, dict)][:MAX_ROWS]:
        loc = next((x for x in as_list(f.get("locations")) if isinstance(x, dict)), {})
        where = str(loc.get("path") or ".") + (f":{loc['line']}" if loc.get("line") else "")
        rows.append([esc(f.get("severity")) + (" (waived)" if f.get("suppressed") else ""), esc(f.get("rule")),
                     f"<code>{esc(where)}</code>", esc(f.get("message"))])
    return table(["severity", "rule", "where", "message"], rows) if rows else "<p>No findings.</p>"


def _checklist(items: list[Any]) -> str:
    rows = [[esc(i.get("text")), ", ".join(f"<code>{esc(c)}</code>" for c in as_list(i.get("components"))[:20])]
            for i in items if isinstance(i, dict)]
    return table(["obligation", "components"], rows) if rows else "<p>Nothing to do before release.</p>"


def _legend() -> str:
    return '<p class="legend">' + "".join(f'<span><i style="background:{c}"></i>{u}</span>'
                                          for u, c in USE_COLOURS.items()) + \
        ('<span class="muted">(box: in the repository; ellipse: referenced; arrow: derives from or trained on; '
         "dashed: referenced by the repository)</span></p>")


def body(report: dict[str, Any], heading: str = "h1") -> str:
    """The page body of one report (also the detail the fleet page links to)."""
    graph = lineage_graph(report)
    nodes = {n["id"]: n for n in graph["nodes"]}
    findings = as_list(report.get("findings"))
    causes = as_list(_dict(report.get("explain")).get("causes"))
    adoption_causes = as_list(_dict(report.get("adoption")).get("causes"))
    if graph["edges"]:
        lineage = (_legend() + f'<div id="lineage" class="graph" data-nodes="{len(graph["nodes"])}" '
                   f'data-edges="{len(graph["edges"])}"></div>\n' + table(
                       ["from", "relation", "to", "license", "commercial use"],
                       [[f"<code>{esc(nodes[e['source']]['label'])}</code>", esc(e["relation"]),
                         f"<code>{esc(nodes[e['target']]['label'])}</code>",
                         f"<code>{esc(nodes[e['target']]['license'])}</code>", use_badge(nodes[e["target"]]["use"])]
                        for e in graph["edges"]]))
    else:
        lineage = "<p>No model or dataset here names a base model or training data, and nothing is referenced.</p>"
    parts = [f"<{heading}>{verdict_badge(report.get('verdict'))} commercial use "
             f"{use_badge(report.get('commercial_use'))} <code>{esc(report.get('root'))}</code></{heading}>",
             f'<p class="meta">{_summary(report)}</p>',
             "<h2>What blocks it</h2>", _causes(causes)]
    parts += ["<h2>Lineage and references</h2>", lineage]
    if adoption_causes and adoption_causes != causes:
        parts += [f"<details><summary>What adopting it pulls in ({len(adoption_causes)})</summary>",
                  _causes(adoption_causes), "</details>"]
    parts += ["<h2>Components</h2>", _components(report),
              f"<details><summary>Findings ({len(findings)})</summary>", _findings(findings), "</details>",
              "<details><summary>Release checklist</summary>", _checklist(as_list(report.get("checklist"))),
              "</details>"]
    tool = _dict(report.get("tool"))
    parts.append(f'<p class="meta">license-check {esc(tool.get("version"))}, license data '
                 f'{esc(tool.get("licensedb_version"))}, report schema {esc(report.get("schema_version"))}.</p>')
    return "\n".join(parts)


def render_report_html(report: dict[str, Any]) -> str:
    """The page of one JSON report."""
    title = f"license-check: {str(report.get('verdict')).upper()} {report.get('root')}"
    return document(title, body(report), {"lineage": lineage_graph(report)}, ["cytoscape"], ["lineage.js"])
