"""The HTML pages in a real browser (issue 17): headless Chromium loads the page of a repository with a
model lineage and the page of a 20-repository audit, with no console message and every drawing done.

Each page marks what its scripts did on <html>: ``data-ready`` when they finished, ``data-errors`` when a
script failed or the Content-Security-Policy refused something (page.py's guard), ``data-drawn`` on the
graph (its nodes), ``data-charts`` (the charts drawn). The screenshots are written under the test's tmp
folder; bench/html_pages.py takes the same ones of real repositories.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from license_check.cli import cli
from tests.browser import load, screenshot
from tests.conftest import SAMPLES
from tests.render.test_html import hostile_repo


def _html_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html([^>]*)>", dom)
    assert tag is not None
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1)))


def _page(repo: Path, target: Path) -> Path:
    result = CliRunner().invoke(cli, [str(repo), "--format", "html", "--no-cache", "-o", str(target)])
    assert result.exit_code in (0, 1), result.output
    return target


def test_a_model_page_draws_its_lineage_graph_without_console_errors(tmp_path: Path) -> None:
    page = _page(SAMPLES / "llama-finetune", tmp_path / "llama.html")
    loaded = load(page.as_uri())
    assert loaded.console == []
    attrs = _html_attrs(loaded.dom)
    assert attrs.get("data-ready") == "1" and "data-errors" not in attrs
    graph = re.search(r'<div id="lineage"[^>]*>', loaded.dom)
    assert graph is not None and 'data-drawn="3"' in graph.group(0) and 'data-nodes="3"' in graph.group(0)
    assert "<canvas" in loaded.dom  # Cytoscape.js drew on its canvases
    assert screenshot(page.as_uri(), tmp_path / "llama.png") == (1280, 1400)
    assert (tmp_path / "llama.png").stat().st_size > 20_000  # not a blank page


def test_a_hostile_page_runs_none_of_its_markup(tmp_path: Path) -> None:
    page = _page(hostile_repo(tmp_path / "r"), tmp_path / "hostile.html")
    loaded = load(page.as_uri())
    assert loaded.console == []
    assert "data-errors" not in _html_attrs(loaded.dom) and _html_attrs(loaded.dom).get("data-ready") == "1"
    body = loaded.dom.split("<body>", 1)[1]
    assert "<img src=" not in body and "alert(" in body  # the markup is shown as text, not made into elements


def _audit(tmp_path: Path) -> tuple[Path, list[dict[str, object]]]:
    repos = tmp_path / "repos"
    names = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())[:20]
    for name in names:
        shutil.copytree(SAMPLES / name, repos / name, symlinks=True)
    out = tmp_path / "audit"
    result = CliRunner().invoke(cli, ["audit", str(repos), "--out", str(out), "-j", "2", "--html"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 20
    return out / "audit.html", lines


def test_a_20_repository_audit_page_draws_its_charts_and_filters(tmp_path: Path) -> None:
    page, lines = _audit(tmp_path)
    loaded = load(page.as_uri())
    assert loaded.console == []
    attrs = _html_attrs(loaded.dom)
    assert attrs.get("data-ready") == "1" and attrs.get("data-charts") == "4" and "data-errors" not in attrs
    assert loaded.dom.count("<canvas") == 4 and 'id="filter-count" class="muted">20 of 20<' in loaded.dom
    failing = sum(1 for line in lines if line["verdict"] == "fail")
    assert 0 < failing < 20
    filtered = load(page.as_uri() + "#verdict=fail")  # the filters read the address: a shareable view
    assert f'id="filter-count" class="muted">{failing} of 20<' in filtered.dom
    rows = re.findall(r'<tr data-verdict="(\w+)"[^>]*?( hidden="")?>', filtered.dom)
    assert len(rows) == 20 and all((v == "fail") == (not hidden) for v, hidden in rows)
    by_text = load(page.as_uri() + "#q=cc-by-nc")
    shown = [v for v, hidden in re.findall(r'<tr data-verdict="(\w+)"[^>]*?( hidden="")?>', by_text.dom) if not hidden]
    assert 0 < len(shown) < 20
    assert screenshot(page.as_uri(), tmp_path / "audit.png", height=1100) == (1280, 1100)
