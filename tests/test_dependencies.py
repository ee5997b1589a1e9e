"""Issue 15: dependencies are components, judged by how they are used, with their licenses read where
they are installed (--deps-env), never from a registry.

The environments are built here from wheels the tests make (tests/deps_env.py, no network).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check.cli import cli
from license_check.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES
from tests.deps_env import MIT_TEXT, PACKAGES, Package, build

SAMPLE = SAMPLES / "deps-uv"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("env") / "venv"
    build(folder)
    return folder


def run(*args: str) -> tuple[int, dict[str, object] | str, str]:
    result = CliRunner().invoke(cli, [*args, "--no-cache"])
    if "--format" in args:
        return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr
    return result.exit_code, result.stdout, result.stderr


def components(report: dict[str, object]) -> dict[str, dict[str, object]]:
    comps = list(report["components"])  # type: ignore[call-overload]
    adoption = report.get("adoption") or {}
    comps += list(adoption.get("components", []))  # type: ignore[union-attr]
    return {c["id"]: c for c in comps}


def test_installed_licenses_decide_and_a_gpl_dependency_warns_when_distributed(venv: Path) -> None:
    code, report, _ = run(str(SAMPLE), "--format", "json", "--deps-env", str(venv))
    assert isinstance(report, dict) and code == 0
    assert report["commercial_use"] == "conditional" and report["verdict"] == "warn"
    comps = components(report)
    qt = comps["ref:pkg:pypi/qtplot"]
    assert (qt["kind"], qt["license"], qt["commercial_use"], qt["group"]) == (
        "dependency", "GPL-3.0-only", "conditional", "default")
    assert qt["purl"] == "pkg:pypi/qtplot@5.15.10" and qt["version"] == "5.15.10"
    sources = {(e["path"], e["source"], e["key"]) for e in qt["evidence"]}  # type: ignore[union-attr]
    assert ("env:qtplot-5.15.10.dist-info/METADATA", "dist-info", "Classifier") in sources  # the license's source
    assert any(e["path"] == "pyproject.toml" and e["line"] == 9 for e in qt["evidence"])  # type: ignore[union-attr]
    assert comps["ref:pkg:pypi/fastmath"]["license"] == "MIT"  # PEP 639 License-Expression
    assert comps["ref:pkg:pypi/tokenkit"]["license"] == "BSD-3-Clause"  # the legacy License field
    assert comps["ref:pkg:pypi/regexlite"]["license"] == "Apache-2.0"  # reached through Requires-Dist
    warned = [f for f in report["findings"] if f["rule"] == "conditional-license"]  # type: ignore[union-attr]
    assert [f["locations"] for f in warned] == [[{"path": "pyproject.toml", "line": 9}]]
    assert report["coverage"]["dependencies"] == "partial"  # type: ignore[index]  # mystery-utils states none


def test_the_use_mode_decides_a_gpl_dependency(venv: Path) -> None:
    code, report, _ = run(str(SAMPLE), "--format", "json", "--deps-env", str(venv), "--use-mode", "internal")
    assert isinstance(report, dict) and (code, report["commercial_use"], report["verdict"]) == (0, "allowed", "pass")


def test_an_installed_dependency_without_license_metadata_is_listed_with_why(venv: Path) -> None:
    _, report, _ = run(str(SAMPLE), "--format", "json", "--deps-env", str(venv))
    assert isinstance(report, dict)
    mystery = components(report)["ref:pkg:pypi/mystery-utils"]
    assert mystery["commercial_use"] == "unknown" and mystery["id"] not in {c["id"] for c in report["components"]}
    note = next(f for f in report["findings"] if f["rule"] == "dependency-unresolved")  # type: ignore[union-attr]
    assert "mystery-utils (installed, but its metadata states no license)" in note["message"]
    assert note["locations"] == [{"path": "pyproject.toml", "line": 10}]


def test_optional_and_dev_groups_are_reported_apart(venv: Path) -> None:
    _, report, _ = run(str(SAMPLE), "--format", "json", "--deps-env", str(venv))
    assert isinstance(report, dict)
    comps = components(report)
    assert comps["ref:pkg:pypi/plotmore"]["group"] == "optional" and comps["ref:pkg:pypi/checkerlib"]["group"] == "dev"
    shipped = {c["id"] for c in report["components"]}
    assert not {"ref:pkg:pypi/plotmore", "ref:pkg:pypi/checkerlib"} & shipped  # they do not move the answer


def test_without_an_environment_dependencies_are_listed_and_only_the_adoption_answer_is_unknown() -> None:
    code, report, _ = run(str(SAMPLE), "--format", "json")
    assert isinstance(report, dict) and (code, report["commercial_use"], report["verdict"]) == (0, "allowed", "pass")
    assert report["adoption"]["commercial_use"] == "unknown"  # type: ignore[index]
    assert "ref:pkg:pypi/qtplot" in components(report)
    note = next(f for f in report["findings"] if f["rule"] == "dependency-unresolved")  # type: ignore[union-attr]
    assert note["message"].startswith("4 declared dependencies without a readable license: fastmath, mystery-utils")


def test_the_table_has_one_dependency_line_per_problem(venv: Path) -> None:
    _, text, _ = run(str(SAMPLE), "--deps-env", str(venv))
    assert isinstance(text, str)
    section = text.split("\ndependencies: ", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section[0] == ("5 needed at run time (1 unknown, 1 conditional, 3 allowed); 2 optional or "
                          "development-only, not counted")
    assert [line.split()[0] for line in section[1:]] == ["pypi/mystery-utils", "pypi/qtplot"]
    assert "license from env:qtplot-5.15.10.dist-info/METADATA" in section[2]
    assert "pkg:pypi/fastmath" not in text.split("\n\n", 1)[0]  # allowed dependencies are not table rows


def _gpl_repo(root: Path, dependencies: list[str]) -> Path:
    root.mkdir()
    shutil.copy(SAMPLE / "LICENSE", root / "LICENSE")
    deps = "".join(f'    "{d}",\n' for d in dependencies)
    (root / "pyproject.toml").write_text(f'[project]\nname = "app"\nversion = "1"\nlicense = "Apache-2.0"\n'
                                         f"dependencies = [\n{deps}]\n")
    return root


GPL_PACKAGES = (
    Package("PyQt5", "5.15.10", (("License", "GPL v3"),
                                 ("Classifier", "License :: OSI Approved :: GNU General Public License v3 (GPLv3)"))),
    Package("mysql_connector_python", "8.0.33", (
        ("Classifier", "License :: OSI Approved :: GNU General Public License v2 (GPLv2)"),)),
    Package("requests", "2.31.0", (("License", "Apache 2.0"),)),
)


def test_the_issue_example_pyqt5_and_mysql_connector(tmp_path: Path) -> None:
    env = tmp_path / "venv"
    build(env, GPL_PACKAGES)
    repo = _gpl_repo(tmp_path / "app", ["PyQt5>=5", "mysql-connector-python", "requests"])
    code, report, _ = run(str(repo), "--format", "json", "--deps-env", str(env))
    assert isinstance(report, dict) and report["verdict"] in ("warn", "fail") and report["commercial_use"] != "allowed"
    comps = components(report)
    assert comps["ref:pkg:pypi/pyqt5"]["commercial_use"] == "conditional"
    assert comps["ref:pkg:pypi/mysql-connector-python"]["license"] == "GPL-2.0-only"
    lines = {(loc["path"], loc["line"]) for f in report["findings"] for loc in f["locations"]  # type: ignore[union-attr]
             if "ref:pkg:pypi/pyqt5" in f["components"]}
    assert ("pyproject.toml", 6) in lines
    permissive = _gpl_repo(tmp_path / "ok", ["requests"])
    code, report, _ = run(str(permissive), "--format", "json", "--deps-env", str(env))
    assert isinstance(report, dict) and (code, report["verdict"], report["commercial_use"]) == (0, "pass", "allowed")
    assert report["coverage"]["dependencies"] == "analysed"  # type: ignore[index]


def test_a_declared_dependency_that_is_not_installed_is_listed(tmp_path: Path) -> None:
    env = tmp_path / "venv"
    build(env, GPL_PACKAGES[2:])
    repo = _gpl_repo(tmp_path / "app", ["requests", "torch>=2"])
    _, report, _ = run(str(repo), "--format", "json", "--deps-env", str(env))
    assert isinstance(report, dict)
    assert components(report)["ref:pkg:pypi/torch"]["commercial_use"] == "unknown"
    note = next(f for f in report["findings"] if f["rule"] == "dependency-unresolved")  # type: ignore[union-attr]
    assert "torch (not installed)" in note["message"]


def test_requirements_includes_are_followed_inside_the_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "req").mkdir(parents=True)
    (repo / "requirements.txt").write_text("-r req/base.in\n-r ../outside.txt\nnumpy==1.26.4 --hash=sha256:00\n")
    (repo / "req" / "base.in").write_text("scipy>=1.11  # the solver\n")
    report = scan(str(repo), ScanOptions(cache=False))
    refs = {c.component.ref for c in report.adoption.components} if report.adoption else set()
    assert {"pkg:pypi/numpy", "pkg:pypi/scipy"} <= refs
    assert any(f.rule == "unreadable-dependencies" and "../outside.txt" in f.message for f in report.findings)


def test_a_package_lock_records_licenses_offline(tmp_path: Path) -> None:
    repo = tmp_path / "web"
    repo.mkdir()
    (repo / "package.json").write_text('{"name": "web", "version": "1.0.0", "license": "MIT",\n'
                                       ' "dependencies": {"left-pad": "^1.3.0"}}\n')
    (repo / "package-lock.json").write_text(json.dumps({
        "name": "web", "lockfileVersion": 3, "packages": {
            "": {"name": "web", "dependencies": {"left-pad": "^1.3.0"}},
            "node_modules/left-pad": {"version": "1.3.0", "license": "WTFPL"}}}, indent=2))
    report = scan(str(repo), ScanOptions(cache=False))
    dep = next(c for c in report.components if c.component.ref == "pkg:npm/left-pad")
    assert dep.license == "WTFPL" and any(e.source == "package-lock" for e in dep.evidence)


def test_a_bad_environment_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, [str(SAMPLE), "--deps-env", "/nonexistent/venv"])
    assert result.exit_code == 2 and "--deps-env" in result.stderr


def test_the_report_cache_sees_a_change_in_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LICENSE_CHECK_CACHE", "1")
    env = tmp_path / "venv"
    build(env, PACKAGES)
    args = [str(SAMPLE), "--format", "json", "--deps-env", str(env)]
    first = CliRunner().invoke(cli, args)
    assert json.loads(first.stdout)["commercial_use"] == "conditional"
    site = next(env.glob("lib/python3*/site-packages"))
    shutil.rmtree(next(site.glob("qtplot-*.dist-info")))  # the GPL package is uninstalled
    again = CliRunner().invoke(cli, args)
    assert json.loads(again.stdout)["commercial_use"] == "allowed"


def test_a_policy_key_lets_unread_dependencies_move_the_repository_answer(tmp_path: Path) -> None:
    policy = tmp_path / "strict.toml"
    policy.write_text('[dependencies]\nunresolved = "repository"\n')
    code, report, _ = run(str(SAMPLE), "--format", "json", "--policy", str(policy))
    assert isinstance(report, dict) and (code, report["commercial_use"], report["verdict"]) == (1, "unknown", "fail")
    assert report["policy"]["dependencies"] == {"groups": ["default"], "unresolved": "repository"}  # type: ignore[index]


def test_a_policy_key_counts_more_groups(venv: Path, tmp_path: Path) -> None:
    policy = tmp_path / "all.toml"
    policy.write_text('[dependencies]\ngroups = ["default", "dev"]\nunresolved = "repository"\n')
    _, report, _ = run(str(SAMPLE), "--format", "json", "--policy", str(policy), "--deps-env", str(venv))
    assert isinstance(report, dict)
    shipped = {c["id"] for c in report["components"]}
    assert "ref:pkg:pypi/checkerlib" in shipped and "ref:pkg:pypi/plotmore" not in shipped


def test_a_bad_dependencies_policy_key_is_a_configuration_error(tmp_path: Path) -> None:
    policy = tmp_path / "typo.toml"
    policy.write_text('[dependencies]\ngroups = ["runtime"]\n')
    result = CliRunner().invoke(cli, [str(SAMPLE), "--policy", str(policy), "--no-cache"])
    assert result.exit_code == 2 and "typo.toml:2: dependencies.groups[0]" in result.stderr


def test_a_large_yaml_lock_file_is_read(tmp_path: Path) -> None:
    repo = tmp_path / "web"
    repo.mkdir()
    packages = "".join(f"  /pkg{i}@1.0.{i}:\n    resolution: {{integrity: sha512-{'a' * 80}}}\n    dev: false\n"
                       for i in range(3000))
    (repo / "pnpm-lock.yaml").write_text(f"lockfileVersion: '6.0'\n\npackages:\n\n{packages}")
    assert (repo / "pnpm-lock.yaml").stat().st_size > 256 * 1024
    report = scan(str(repo), ScanOptions(cache=False))
    refs = {c.component.ref for c in report.adoption.components} if report.adoption else set()
    assert len([r for r in refs if r and r.startswith("pkg:npm/pkg")]) == 3000


def test_an_installed_node_modules_gives_npm_licenses(tmp_path: Path) -> None:
    repo = tmp_path / "web"
    (repo / "node_modules" / "@types" / "node").mkdir(parents=True)
    (repo / "node_modules" / "chalk").mkdir(parents=True)
    (repo / "package.json").write_text('{"name": "web", "license": "MIT", "dependencies": {"chalk": "^5",'
                                       ' "@types/node": "^20", "absent": "1.0.0"}}\n')
    (repo / "node_modules" / "chalk" / "package.json").write_text('{"name": "chalk", "version": "5.3.0", '
                                                                  '"license": "MIT"}')
    (repo / "node_modules" / "@types" / "node" / "package.json").write_text(
        '{"name": "@types/node", "version": "20.1.0", "license": "MIT"}')
    report = scan(str(repo), ScanOptions(cache=False))
    deps = {c.component.ref: c for c in report.components if c.component.ref}
    assert deps["pkg:npm/chalk"].license == "MIT" and deps["pkg:npm/%40types/node"].license == "MIT"
    assert {e.path for e in deps["pkg:npm/chalk"].evidence} >= {"node_modules/chalk/package.json", "package.json"}
    unread = {c.component.ref for c in report.adoption.components} if report.adoption else set()
    assert "pkg:npm/absent" in unread


def test_a_license_file_identifies_a_distribution_whose_metadata_names_none(tmp_path: Path) -> None:
    env = tmp_path / "venv"
    build(env, (Package("plainlib", "1.0", (("License-File", "LICENSE"),), {"licenses/LICENSE": MIT_TEXT}),))
    repo = _gpl_repo(tmp_path / "app", ["plainlib"])
    _, report, _ = run(str(repo), "--format", "json", "--deps-env", str(env))
    assert isinstance(report, dict)
    dep = components(report)["ref:pkg:pypi/plainlib"]
    assert dep["license"] == "MIT"
    assert any(e["key"] == "License-File" and e["path"].startswith("env:plainlib-1.0.dist-info/")
               for e in dep["evidence"])  # type: ignore[union-attr]


def test_a_family_classifier_is_settled_by_the_license_file_and_unread_ones_are_info(tmp_path: Path) -> None:
    from license_check.collect.textid.templates import reference_text

    bsd = ("Copyright (c) 2020, Example authors\n\n" + reference_text("BSD-3-Clause"))
    env = tmp_path / "venv"
    build(env, (Package("bsdlib", "1.0", (("Classifier", "License :: OSI Approved :: BSD License"),
                                          ("License-File", "LICENSE")), {"licenses/LICENSE": bsd}),
                Package("vaguelib", "2.0", (("Classifier", "License :: OSI Approved :: BSD License"),))))
    repo = _gpl_repo(tmp_path / "app", ["bsdlib", "vaguelib"])
    _, report, _ = run(str(repo), "--format", "json", "--deps-env", str(env))
    assert isinstance(report, dict)
    comps = components(report)
    assert comps["ref:pkg:pypi/bsdlib"]["license"] == "BSD-3-Clause"
    assert comps["ref:pkg:pypi/vaguelib"]["commercial_use"] == "unknown"  # "BSD" alone: which BSD is unknown
    about = [f for f in report["findings"] if f["components"] == ["ref:pkg:pypi/vaguelib"]]  # type: ignore[union-attr]
    assert about and all(f["severity"] == "info" for f in about)  # it counts in the adoption answer only
    assert report["commercial_use"] == "allowed"


def test_auto_takes_the_activated_venv_and_the_report_says_so(venv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    code, report, _ = run(str(SAMPLE), "--format", "json", "--deps-env", "auto")
    assert isinstance(report, dict) and code == 0 and report["commercial_use"] == "conditional"
    used = report["scan"]["dependency_environment"]  # type: ignore[index]
    assert used["given"] == "auto" and used["found"] == "auto: $VIRTUAL_ENV" and used["python"]
