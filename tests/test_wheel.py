"""Build the wheel, install it into a fresh virtual environment and run it from another folder.

This is what a user gets from `pip install`: it proves that rules/ and the schema ship inside the
wheel and that nothing depends on the source checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, SAMPLES


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO_ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheels = list(dist.glob("license_check-*.whl"))
    assert len(wheels) == 1

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    elsewhere = tmp_path / "work"
    shutil.copytree(SAMPLES / "apache-notice", elsewhere / "apache-notice")
    shutil.copytree(SAMPLES / "no-license", elsewhere / "no-license")
    exe = env_dir / "bin" / "license-check"

    where = subprocess.run(
        [str(python), "-c", "import license_check, license_check.knowledge.data as r; print(license_check.__file__); "
                            "print(r.rules_dir())"],
        capture_output=True, text=True, cwd=elsewhere)
    assert where.returncode == 0, where.stderr
    module_file, rules_path = where.stdout.split()
    assert module_file.startswith(str(env_dir)) and rules_path.startswith(str(env_dir))
    assert (Path(rules_path) / "policies" / "default.toml").is_file()

    run = subprocess.run([str(exe), "apache-notice", "--format", "json"], capture_output=True, text=True,
                         cwd=elsewhere)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["commercial_use"], doc["verdict"], doc["project_license"]) == ("allowed", "pass", "Apache-2.0")
    assert doc["root"] == "apache-notice"

    run = subprocess.run([str(exe), "no-license"], capture_output=True, text=True, cwd=elsewhere)
    assert run.returncode == 1 and "verdict: FAIL" in run.stdout

    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, cwd=elsewhere)
    assert version.returncode == 0 and "license-check" in version.stdout
    module = subprocess.run([str(python), "-m", "license_check", "--version"], capture_output=True, text=True,
                            cwd=elsewhere)
    assert module.returncode == 0 and version.stdout == module.stdout

    # the documents --help and `explain` point to ship in the wheel (issue 16)
    docs = Path(module_file).parent / "docs"
    assert (docs / "policy.md").is_file() and (docs / "diagnostics.md").is_file()
    explained = subprocess.run([str(exe), "explain", "no-license"], capture_output=True, text=True, cwd=elsewhere)
    assert explained.returncode == 0 and explained.stdout.startswith("no-license (error by default)")
    assert str(docs / "diagnostics.md") in explained.stdout
    # the HTML page's embedded libraries ship in the wheel (issue 17)
    page = subprocess.run([str(exe), "apache-notice", "--format", "html"], capture_output=True, text=True,
                          cwd=elsewhere)
    assert page.returncode == 0 and page.stdout.startswith("<!DOCTYPE html>")
    assert "cytoscape 3.35.0 (MIT)" in page.stdout
