"""Self-waivers (issue 13 item 6): the scanned repository's own [tool.license-check] applies to the
repository answer only, is labelled, never reaches the adoption answer, and a policy can refuse it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from license_check.pipeline import ScanOptions, load_policy, scan
from license_check.render.table import render_table
from tests.collect.test_gate import REFS

NC = REFS["licenses/cc-by-nc-4.0.LICENSE"]


def _repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "LICENSE").write_text(NC, encoding="utf-8")
    digest = hashlib.sha256(NC.encode()).hexdigest()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.license-check]\n[[tool.license-check.clarifications]]\n'
        f'path = "LICENSE"\nlicense = "MIT"\nsha256 = "{digest}"\nreason = "we say so"\n\n'
        '[[tool.license-check.waivers]]\ncomponent = "."\nreason = "ours"\n', encoding="utf-8")
    return root


def test_own_clarifications_apply_to_the_repository_answer_only_and_are_labelled(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    policy = load_policy(None, str(root), True)
    report = scan(str(root), ScanOptions(policy=policy))
    assert report.commercial_use.value == "allowed"  # the owner's own pre-release reading
    assert report.adoption is not None and report.adoption.commercial_use.value == "prohibited"
    assert report.scan["own_config"] == {"waivers": [0], "clarifications": [0], "applies_to": "repository"}
    assert "applied to the repository answer only" in render_table(report)


def test_a_policy_refuses_the_repository_config_unless_it_says_apply(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    refuse = tmp_path / "org.toml"
    refuse.write_text('name = "org"\n', encoding="utf-8")
    report = scan(str(root), ScanOptions(policy=load_policy(str(refuse), str(root), True)))
    assert report.commercial_use.value == "prohibited" and report.scan["own_config"]["applies_to"] == "none"  # type: ignore[index]
    apply = tmp_path / "team.toml"
    apply.write_text('name = "team"\nrepository_config = "apply"\n', encoding="utf-8")
    merged = load_policy(str(apply), str(root), True)
    assert (merged.own_waivers, merged.own_clarifications) == (frozenset({0}), frozenset({0}))
    report = scan(str(root), ScanOptions(policy=merged))
    assert report.commercial_use.value == "allowed"
    assert report.adoption is not None and report.adoption.commercial_use.value == "prohibited"
    assert load_policy(str(apply), str(root), False).own_clarifications == frozenset()  # --no-repo-config
