"""Knowledge is a value: the stages judge with the Knowledge the scan was given, and never fetch rules
themselves (issue 14, "Knowledge is a value").

The behavioural test hands a scan a Knowledge loaded from an edited copy of rules/ and checks that the
edit shows in the report (and that the report cache keys on it); the static test keeps every module outside
knowledge/ from calling the folder-keyed loaders or the shipped-rules shortcuts of knowledge/, except where
ALLOWED says why.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from license_check.knowledge.book import Knowledge
from license_check.knowledge.data import rules_dir
from license_check.pipeline import ScanOptions, scan
from license_check.policy.load import default_policy
from license_check.run import Request, report
from tests.conftest import REPO_ROOT

LLAMA_2 = 'license = "LicenseRef-scancode-llama-2-license-2023"\nfamily = "llama-2"'


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    """The shipped rules, except that Llama 2 is listed under CC-BY-NC-4.0 in models.toml."""
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(rules_dir(), folder)
    models = folder / "models.toml"
    text = models.read_text(encoding="utf-8")
    assert text.count(LLAMA_2) == 1
    models.write_text(text.replace(LLAMA_2, 'license = "CC-BY-NC-4.0"\nfamily = "llama-2"'), encoding="utf-8")
    return Knowledge.load(folder)


def _lineage(knowledge: Knowledge | None) -> tuple[str, list[tuple[str, str]]]:
    report = scan(str(REPO_ROOT / "samples" / "llama-finetune"), ScanOptions(cache=False, knowledge=knowledge))
    root = next(c for c in report.components if c.component.id == ".")
    return root.commercial_use.value, [(edge.ref, edge.license or "") for edge in root.lineage]


def test_the_scan_judges_with_the_knowledge_it_is_given(edited: Knowledge) -> None:
    use, lineage = _lineage(None)
    assert ("meta-llama/Llama-2-7b-hf", "LicenseRef-scancode-llama-2-license-2023") in lineage
    assert use == "conditional"
    use, lineage = _lineage(edited)
    assert ("meta-llama/Llama-2-7b-hf", "CC-BY-NC-4.0") in lineage  # assemble: the known-models table
    assert use == "prohibited"  # judge: the edited base's terms flow down


def test_the_edited_knowledge_did_not_leak_into_the_shipped_one(edited: Knowledge) -> None:
    assert Knowledge.load().known.lookup("meta-llama/Llama-2-7b-hf") is not None
    hit = Knowledge.load().known.lookup("meta-llama/Llama-2-7b-hf")
    assert hit is not None and hit.license == "LicenseRef-scancode-llama-2-license-2023"
    assert edited.known.lookup("meta-llama/Llama-2-7b-hf") is not None


def test_the_report_cache_keys_on_the_knowledge(edited: Knowledge, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """run.report with the report cache on: another rules folder is another key, never the stored answer."""
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    sample = str(REPO_ROOT / "samples" / "llama-finetune")
    said: list[str] = []
    request = Request(fmt="json", cache=True, log=said.append)
    shipped = Knowledge.load()
    policy = default_policy(shipped.normalizer)
    first = report(sample, request, policy, shipped)
    assert json.loads(first.text)["commercial_use"] == "conditional" and first.exit_code == 0
    again = report(sample, request, policy, shipped)
    assert again == first and any("report reused" in m for m in said)
    assert again.verdict.startswith("verdict: WARN")
    said.clear()
    other = report(sample, request, policy, edited)
    assert json.loads(other.text)["commercial_use"] == "prohibited"
    assert not any("report reused" in m for m in said)


# The folder-keyed loaders and shortcuts to the shipped rules: only knowledge/ itself (and Knowledge.load)
# may call them; every other module receives the Knowledge (or the part of it it needs) instead.
FETCHERS = frozenset({
    "rules_dir", "normalizer", "known_artifacts", "load_rules", "load_duties", "load_compat", "load_file_names",
    "load_boilerplate", "load_use_terms", "load_spdx_ids", "load_spdx_templates", "licensedb_version",
    "spdx_list_version", "render_expression", "is_equivalent",
})
# How modules outside knowledge/ name the knowledge modules they import (``import ... as norm``)
KNOWLEDGE_ALIASES = frozenset({"norm", "normalize", "known", "ruledata", "data", "textrules", "rulebook", "duties",
                               "compat", "book", "web", "aliases", "expr", "expression"})
# What may still reach for the shipped rules, and why (docs/architecture.md, "Not yet as described"):
ALLOWED = {
    # a Context, a KeyReader or a policy made outside a scan (tests, tools) falls back to the shipped rules
    "judge/analyze.py": {"normalizer", "load_duties"},
    "policy/keys.py": {"normalizer"},
    "policy/load.py": {"rules_dir"},  # where the built-in policy file lies (rules/policies/default.toml)
    "cache/report.py": {"rules_dir"},  # the tool digest's default folder (run.report passes the Knowledge's)
    "cli/rules.py": {"rules_dir"},  # `rules check` with no DIR checks the shipped folder
    # file names are asked by file alone (the per-file cache's `wants(entry)`), and the SPDX templates are
    # generated data read lazily: both from the shipped folder
    "collect/detectors/license_names.py": {"rules_dir", "load_file_names"},
    "collect/textid/templates/data.py": {"rules_dir"},
    "collect/textid/templates/program.py": {"rules_dir", "load_spdx_ids"},
}


def _called(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            # a bare name, or a function of a knowledge module (norm.normalizer()); not another object's
            # method of the same name (spdx-tools' licensing.is_equivalent)
            name = (func.id if isinstance(func, ast.Name) else
                    func.attr if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id in KNOWLEDGE_ALIASES else "")
            if name in FETCHERS:
                names.add(name)
    return names


def _outside_knowledge() -> list[Path]:
    package = REPO_ROOT / "license_check"
    return [p for p in sorted(package.rglob("*.py")) if p.relative_to(package).parts[0] != "knowledge"]


def test_no_module_outside_knowledge_fetches_rules_itself() -> None:
    package = REPO_ROOT / "license_check"
    offenders = {}
    for path in _outside_knowledge():
        rel = path.relative_to(package).as_posix()
        extra = _called(path) - ALLOWED.get(rel, set())
        if extra:
            offenders[rel] = sorted(extra)
    assert offenders == {}


def test_every_allowance_is_still_needed() -> None:
    package = REPO_ROOT / "license_check"
    assert {rel: sorted(names - _called(package / rel)) for rel, names in ALLOWED.items()
            if names - _called(package / rel)} == {}


def test_the_static_check_sees_a_planted_fetch(tmp_path: Path) -> None:
    planted = tmp_path / "stage.py"
    planted.write_text("from license_check.knowledge import normalize as norm\n"
                       "def f(x):\n    return norm.normalizer().read(x) or load_rules(rules_dir())\n")
    assert _called(planted) == {"normalizer", "load_rules", "rules_dir"}
