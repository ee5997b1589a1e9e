"""The integrations (issue 16): the pre-commit hooks (run with `pre-commit try-repo`, offline) and the GitHub
Action (its inputs, and its check step run with bash as the runner would)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, SAMPLES

BIN = str(Path(sys.executable).parent)


def _env(tmp_path: Path) -> dict[str, str]:
    people = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
              for what, value in (("NAME", "t"), ("EMAIL", "t@example.org"))}
    return {**os.environ, **people, "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
            "PRE_COMMIT_HOME": str(tmp_path / "pc"), "LICENSE_CHECK_CACHE": "0"}


def _git_repo(source: Path, target: Path, env: dict[str, str]) -> Path:
    shutil.copytree(source, target)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True, capture_output=True)
    return target


def test_the_hooks_file_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"license-check", "license-check-system"}
    for hook in hooks.values():
        assert hook["entry"] == "license-check" and hook["pass_filenames"] is False and hook["always_run"] is True
    assert (hooks["license-check"]["language"], hooks["license-check-system"]["language"]) == ("python", "system")


@pytest.mark.parametrize(("sample", "passes"), [("mit-package", True), ("no-license", False)])
def test_pre_commit_try_repo_runs_the_hook_offline(tmp_path: Path, sample: str, passes: bool) -> None:
    env = _env(tmp_path)
    repo = _git_repo(SAMPLES / sample, tmp_path / "repo", env)
    run = subprocess.run(["pre-commit", "try-repo", str(REPO_ROOT), "license-check-system", "--all-files", "--verbose"],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert (run.returncode == 0) is passes, out[-3000:]
    assert ("Passed" if passes else "Failed") in out and "verdict: " in out


def test_the_action_declares_its_inputs_and_uploads_sarif() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"path", "use-mode", "policy", "args", "sarif-file", "upload-sarif"}
    steps = action["runs"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    assert '--format sarif -o "$LC_SARIF"' in check["run"] and check["env"]["LC_SARIF"] == "${{ inputs.sarif-file }}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert any("pip install" in str(s.get("run", "")) and "github.action_path" in str(s.get("run", "")) for s in steps)


@pytest.mark.parametrize(("sample", "code"), [("apache-notice", "0"), ("no-license", "1")])
def test_the_action_check_step_writes_sarif_and_the_exit_code(tmp_path: Path, sample: str, code: str) -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    check = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    output, summary = tmp_path / "out", tmp_path / "summary.md"
    env = {**_env(tmp_path), "LC_PATH": str(SAMPLES / sample), "LC_USE_MODE": "distribute", "LC_POLICY": "",
           "LC_ARGS": "--no-cache", "LC_SARIF": str(tmp_path / "r.sarif"), "GITHUB_OUTPUT": str(output),
           "GITHUB_STEP_SUMMARY": str(summary)}
    run = subprocess.run(["bash", "-c", check["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr  # the step records the code; a later step fails the job
    assert output.read_text().strip() == f"exit-code={code}"
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "license-check"
    assert summary.read_text().startswith("### ")  # the Markdown summary on the job page
