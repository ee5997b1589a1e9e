"""The package is layered, and stays so: no module imports from a higher stage, and no import cycle.

Layers, lowest first (docs/architecture.md explains each):

    base       model, findings, errors, storage, tomlio/,  (values, the rule-code registry, the error tree,
               gcpause                                      the user cache folder, TOML helpers, GC pauses)
    knowledge  everything that reads rules/
    collect    discover, reading, detectors, parsers, textid: the only stage that reads the scanned tree
    assemble   components, artifacts, lineage, resolve
    judge      analyze, works, training, explain
    policy     model, load, keys, pins, clarify, enforce
    cache      the per-file and report caches (around collect, keyed by what it read)
    render     json, table, printable, progress
    pipeline   pipeline/: the stages in order; run.py: one run behind the report cache; notices.py; audit/
    cli        cli/ and __main__.py

Every import counts: at the top of a module, inside a function, under ``TYPE_CHECKING``. A cycle cut by
an import inside a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

LAYERS = ("base", "knowledge", "collect", "assemble", "judge", "policy", "cache", "render", "pipeline", "cli")
BASE = frozenset({"model", "findings", "errors", "storage", "tomlio", "gcpause", "__init__"})
PIPELINE = frozenset({"pipeline", "run", "notices", "audit"})


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` (a package's ``__init__`` is the package)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str] | dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports (every import statement, wherever it stands)."""
    root = name.split(".")[0]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != root:
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in known else module)
    return {m for m in found if m in known and m != name}


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    if parts[1] == "__main__":
        return "cli"
    if parts[1] in PIPELINE:
        return "pipeline"
    return parts[1]


def upward(mods: dict[str, Path]) -> list[str]:
    return [f"{name} ({layer(name)}) imports {target} ({layer(target)})" for name, path in mods.items()
            for target in sorted(imports(name, path, mods)) if LAYERS.index(layer(target)) > LAYERS.index(layer(name))]


def cycles(mods: dict[str, Path]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    graph = {name: sorted(imports(name, path, mods)) for name, path in mods.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


PACKAGE = modules(REPO_ROOT / "license_check")


def test_every_module_has_a_layer() -> None:
    assert {layer(m) for m in PACKAGE} <= set(LAYERS)
    assert all(layer(m) in LAYERS for m in PACKAGE)


def test_no_module_imports_from_a_higher_layer() -> None:
    assert upward(PACKAGE) == []


def test_no_import_cycle() -> None:
    assert cycles(PACKAGE) == []


def test_only_collect_reads_the_scanned_tree() -> None:
    """A parameter named ``root`` (the scanned tree) appears only in collect/, the pipeline and the CLI:
    the later stages work on what collect read (the caches on collect's FileEntry values)."""
    allowed = {"collect", "pipeline", "cli"}
    found = set()
    for name, path in PACKAGE.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
                if names & {"root", "repo_root"} and layer(name) not in allowed:
                    found.add(name)
    assert sorted(found) == []


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    package = tmp_path / "license_check"
    for folder in ("knowledge", "judge", "collect"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "model.py").write_text("")
    (package / "knowledge" / "rules.py").write_text("def f():\n    from license_check.judge import verdict\n")
    (package / "judge" / "verdict.py").write_text("from ..knowledge import rules\n")
    (package / "collect" / "a.py").write_text("from license_check.collect import b\n")
    (package / "collect" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                               "    import license_check.collect.a\n")
    return package


def test_the_checks_catch_a_planted_upward_import_and_cycles(planted: Path) -> None:
    mods = modules(planted)
    assert upward(mods) == ["license_check.knowledge.rules (knowledge) imports license_check.judge.verdict (judge)"]
    assert sorted(cycles(mods)) == [["license_check.collect.a", "license_check.collect.b"],
                                    ["license_check.judge.verdict", "license_check.knowledge.rules"]]


def test_renderers_read_the_report_only() -> None:
    """render/ turns a Report into text: it imports only base modules (and itself), never the rules."""
    for name, path in PACKAGE.items():
        if layer(name) == "render":
            assert {layer(t) for t in imports(name, path, PACKAGE)} <= {"base", "render"}, name
