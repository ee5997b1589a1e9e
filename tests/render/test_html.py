"""--format html and the fleet page (issue 17): self-contained, offline, escaped; the lineage graph's data.

The pages are loaded in a real browser by tests/test_html_browser.py; here is what can be checked without one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from license_check.pipeline import ScanOptions, scan
from license_check.render.html import render_html
from license_check.render.html.fleet import charts, render_fleet_html
from license_check.render.html.page import data_block, esc
from license_check.render.html.report import lineage_graph, render_report_html
from license_check.render.json import report_dict
from tests.conftest import REPO_ROOT, SAMPLES

ASSETS = REPO_ROOT / "license_check" / "render" / "html" / "assets"
HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


def hostile_repo(root: Path) -> Path:
    """A model whose card and folder name carry markup, fine-tuned from a "model" whose id is markup."""
    model = root / "models" / "<img src=x onerror=alert(3)>"
    model.mkdir(parents=True)
    (root / "LICENSE").write_text((SAMPLES / "mit-package" / "LICENSE").read_text())
    (model / "README.md").write_text(
        f"---\nlicense: other\nlicense_name: '{HOSTILE}'\nbase_model: '{HOSTILE}'\n"
        f"datasets:\n- 'x\u2028y</script>'\n---\n# m\n")
    return root


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, flags=re.S)


def test_the_embedded_libraries_are_the_published_files_with_their_licenses() -> None:
    manifest = tomllib.loads((ASSETS / "assets.toml").read_text(encoding="utf-8"))
    assert set(manifest) == {"cytoscape", "chartjs"}
    for entry in manifest.values():
        data = (ASSETS / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["version"].encode() in data[:2000] or entry["version"].encode() in data[-2000:]
        assert b"sourceMappingURL" not in data  # no reference to a file that is not shipped
        licence = (ASSETS / entry["license_file"]).read_text(encoding="utf-8")
        assert entry["license"] == "MIT" and "Permission is hereby granted, free of charge" in licence


def test_a_page_is_self_contained_and_its_policy_allows_only_its_own_scripts() -> None:
    page = render_html(scan(str(SAMPLES / "llama-finetune"), ScanOptions(cache=False)))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'" and "connect-src" not in directives  # no network at all
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
              for s in _scripts(page)}
    assert set(directives["script-src"].split()) == hashes and len(hashes) == 3  # guard, Cytoscape.js, lineage.js
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", page)  # nothing loaded from anywhere
    assert "cytoscape 3.35.0 (MIT)" in page


def test_the_lineage_graph_links_a_model_to_its_base_and_its_data_coloured_by_commercial_use() -> None:
    report = report_dict(scan(str(SAMPLES / "llama-finetune"), ScanOptions(cache=False)))
    graph = lineage_graph(report)
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes["c:."]["role"] == "repository" and nodes["c:."]["label"] == "llama-finetune (the repository)"
    assert nodes["r:meta-llama/Llama-2-7b-hf"]["use"] == "conditional"  # the Llama 2 license, from the rules
    assert nodes["r:tatsu-lab/alpaca"] == {"id": "r:tatsu-lab/alpaca", "label": "tatsu-lab/alpaca",
                                           "role": "referenced", "kind": "dataset", "license": "CC-BY-NC-4.0",
                                           "use": "prohibited"}
    assert [(e["source"], e["relation"], e["target"]) for e in graph["edges"]] == [
        ("c:.", "finetune", "r:meta-llama/Llama-2-7b-hf"), ("c:.", "trained-on", "r:tatsu-lab/alpaca")]
    page = render_report_html(report)
    assert 'data-nodes="3" data-edges="2"' in page
    assert page == render_report_html(json.loads(json.dumps(report)))  # a stored report: the same page


def test_the_lineage_edges_carry_the_commercial_use_of_their_license_in_the_json() -> None:
    report = report_dict(scan(str(SAMPLES / "llama-finetune"), ScanOptions(cache=False)))
    assert [(x["ref"], x.get("commercial_use")) for x in report["components"][0]["lineage"]] == [
        ("meta-llama/Llama-2-7b-hf", "conditional"), ("tatsu-lab/alpaca", "prohibited")]


def test_a_page_without_lineage_says_so_and_loads_no_graph() -> None:
    page = render_html(scan(str(SAMPLES / "mit-package"), ScanOptions(cache=False)))
    assert 'id="lineage"' not in page and "names a base model or training data" in page


def test_repository_text_cannot_inject_markup_or_break_out_of_the_data(tmp_path: Path) -> None:
    page = render_html(scan(str(hostile_repo(tmp_path / "r")), ScanOptions(cache=False)))
    assert "alert" in page  # the text is there, as text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert len(_scripts(page)) == 3 and page.count("</script>") == 4  # the three scripts and the data block
    data = page.split('id="license-check-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\u2028" not in data
    assert json.loads(data)["lineage"]["edges"]  # still valid JSON, with the hostile base model as a node


def test_esc_and_the_data_block_escape_everything() -> None:
    assert esc('<a href="x">&\x1b</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;\\x1b&lt;/a&gt;"
    block = data_block({"k": "</script><!-- & \u2029"})
    assert json.loads(block.split(">", 1)[1].rsplit("<", 1)[0]) == {"k": "</script><!-- & \u2029"}
    assert "</script><" not in block and "<!--" not in block


def _line(name: str, verdict: str | None, blocking: list[str], failure: str | None = None) -> dict[str, Any]:
    return {"name": name, "path": f"/repos/{name}", "verdict": verdict, "commercial_use": None if failure else "x",
            "project_license": "MIT", "blocking": ["."] if blocking else [], "blocking_licenses": blocking,
            "failure": failure, "seconds": 987.654}


def test_the_fleet_charts_count_verdicts_blocking_licenses_and_component_uses() -> None:
    lines = [_line("a", "pass", []), _line("b", "fail", ["CC-BY-NC-4.0"]), _line("c", "fail", ["CC-BY-NC-4.0"]),
             _line("d", None, [], "timeout after 5 s")]
    reports = {"a": {"components": [{"kind": "code", "license": "MIT", "commercial_use": "allowed"}]},
               "b": {"components": [{"kind": "model", "license": "CC-BY-NC-4.0", "commercial_use": "prohibited"},
                                    {"kind": "code", "license": "MIT", "commercial_use": "allowed"}]}}
    data = charts(lines, reports)
    assert data["verdicts"] == {"labels": ["pass", "fail", "failed"], "values": [1, 2, 1],
                                "colours": ["#1a7f37", "#cf222e", "#6e7781"]}
    assert data["blocking"] == {"labels": ["CC-BY-NC-4.0"], "values": [2]}
    assert data["licenses"] == {"labels": ["MIT", "CC-BY-NC-4.0"], "values": [2, 1]}
    assert data["kinds"]["labels"] == ["code", "model"]
    assert data["kinds"]["values"][0] == [2, 0] and data["kinds"]["values"][2] == [0, 1]  # allowed, prohibited
    page = render_fleet_html(lines, reports)
    assert page.count('<tr data-verdict="') == 4 and 'data-verdict="failed"' in page
    assert "The scan failed: timeout after 5 s" in page and "987.654" not in page  # no timings: the same page each run
    assert render_fleet_html(lines, reports) == page


def test_a_fleet_row_cannot_inject_markup() -> None:
    line = _line(HOSTILE, "fail", [HOSTILE])
    page = render_fleet_html([line], {HOSTILE: {"explain": {"causes": [{"components": [HOSTILE], "license": HOSTILE,
                                                                          "commercial_use": "unknown"}]}}})
    assert "<img src=x" not in page and "<script>alert" not in page and "alert(1)" in page


@pytest.mark.parametrize("name", ["alphafold-2021-like", "no-license", "deps-uv"])
def test_every_page_is_well_formed(name: str) -> None:
    page = render_html(scan(str(SAMPLES / name), ScanOptions(cache=False)))
    body = page.split("<body>", 1)[1]
    for tag in ("table", "tr", "details", "p", "h2"):
        assert body.count(f"<{tag}>") + body.count(f"<{tag} ") == body.count(f"</{tag}>"), tag
