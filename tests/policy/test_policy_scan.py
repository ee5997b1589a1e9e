"""Issue 4 end to end: compatibility, use modes, waivers, clarifications, lists, profile, explain, checklist."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from license_check.cli import cli
from tests.conftest import SAMPLES

APACHE = (SAMPLES / "apache-notice" / "LICENSE").read_text()
MIT = (SAMPLES / "mit-package" / "LICENSE").read_text()


SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "license_check" / "schema" /
                     "report-v1.schema.json").read_text())


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    """Run the CLI for JSON; every report is checked against the published schema."""
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--no-cache"])
    data = json.loads(result.stdout) if result.exit_code in (0, 1) else {}
    if data:
        jsonschema.validate(data, SCHEMA)
    return result.exit_code, data, result.stderr


def table(*args: str) -> str:
    return CliRunner().invoke(cli, [*args, "--no-cache"]).stdout


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def rules_of(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["rule"] == rule]


def component(data: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in data["components"] if c["id"] == cid)


def gpl2_app(root: Path, vendored: dict[str, str]) -> Path:
    return write(root, {"pyproject.toml": '[project]\nname = "app"\nversion = "1"\nlicense = "GPL-2.0-only"\n',
                        "app/main.py": "print('hi')\n", **vendored})


# --- compatibility ----------------------------------------------------------------------------------

def test_gpl2_only_with_vendored_apache_is_incompatible_when_distributed(tmp_path: Path) -> None:
    repo = gpl2_app(tmp_path, {"vendor/lib/LICENSE": APACHE, "vendor/lib/x.py": "pass\n"})
    code, data, _ = run(str(repo))
    assert code == 1 and data["commercial_use"] == "prohibited"
    [finding] = rules_of(data, "incompatible-licenses")
    assert finding["severity"] == "error" and finding["components"] == [".", "vendor/lib"]
    assert "GPL-2.0-only" in finding["message"] and "Apache-2.0" in finding["message"]
    causes = data["explain"]["causes"]
    assert any(c["kind"] == "incompatibility" and c["components"] == [".", "vendor/lib"] for c in causes)
    # Used only inside the company, nothing is distributed: a warning, and GPL's duties do not bite.
    code, data, _ = run(str(repo), "--use-mode", "internal")
    assert code == 0 and data["commercial_use"] == "allowed"
    assert rules_of(data, "incompatible-licenses")[0]["severity"] == "warning"


def test_or_is_elected_jointly_to_avoid_a_conflict(tmp_path: Path) -> None:
    repo = gpl2_app(tmp_path, {"vendor/dual/package.json":
                               '{"name": "dual", "license": "(Apache-2.0 OR GPL-2.0-or-later)"}',
                               "vendor/dual/index.js": "module.exports = 1;\n"})
    code, data, _ = run(str(repo))
    assert not rules_of(data, "incompatible-licenses")
    assert component(data, "vendor/dual")["elected_license"] == "GPL-2.0-or-later"
    assert data["commercial_use"] == "conditional" and code == 0


def test_apache_into_gpl3_is_fine(tmp_path: Path) -> None:
    repo = write(tmp_path, {"pyproject.toml": '[project]\nname = "a"\nversion = "1"\nlicense = "GPL-3.0-only"\n',
                            "vendor/lib/LICENSE": APACHE, "vendor/lib/x.py": "pass\n"})
    _, data, _ = run(str(repo))
    assert not rules_of(data, "incompatible-licenses") and data["commercial_use"] == "conditional"


# --- use modes --------------------------------------------------------------------------------------

def test_use_modes_decide_which_duties_bite(tmp_path: Path) -> None:
    repo = write(tmp_path, {"pyproject.toml": '[project]\nname = "a"\nversion = "1"\nlicense = "AGPL-3.0-only"\n'})
    uses = {mode: run(str(repo), "--use-mode", mode)[1]["commercial_use"]
            for mode in ("internal", "saas", "distribute")}
    assert uses == {"internal": "allowed", "saas": "conditional", "distribute": "conditional"}
    repo2 = write(tmp_path / "gpl", {"pyproject.toml":
                                     '[project]\nname = "a"\nversion = "1"\nlicense = "GPL-3.0-only"\n'})
    assert run(str(repo2), "--use-mode", "saas")[1]["commercial_use"] == "allowed"
    assert run(str(repo2))[1]["commercial_use"] == "conditional"
    # RAIL restrictions bite in every use.
    assert run(str(SAMPLES / "rail-model"), "--use-mode", "internal")[1]["commercial_use"] == "conditional"


# --- waivers ----------------------------------------------------------------------------------------

def _policy(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return str(path)


def test_waiver_changes_verdict_not_commercial_use(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {"main.py": "print(1)\n"})
    code, data, _ = run(str(repo))
    assert code == 1 and data["commercial_use"] == "unknown"
    policy = _policy(tmp_path, '[[waivers]]\ncomponent = "."\nreason = "our own code, licensed internally"\n'
                               'expires = 2999-01-01\n')
    code, data, _ = run(str(repo), "--policy", policy)
    assert code == 0 and data["verdict"] == "pass" and data["commercial_use"] == "unknown"
    assert data["findings"] and all(f["suppressed"] for f in data["findings"])
    assert data["scan"]["waived"] == ["."] and data["explain"]["causes"][0]["waived"] is True
    assert data["policy"]["source"] == policy


def test_expired_and_stale_waivers_stop_applying(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {"main.py": "print(1)\n"})
    expired = _policy(tmp_path, '[[waivers]]\ncomponent = "."\nreason = "r"\nexpires = 2020-01-01\n')
    code, data, _ = run(str(repo), "--policy", expired)
    assert code == 1 and rules_of(data, "expired-waiver")
    assert not any(f["suppressed"] for f in data["findings"])
    digest = hashlib.sha256(b"print(1)\n").hexdigest()
    pinned = _policy(tmp_path, f'[[waivers]]\npath = "main.py"\nreason = "r"\nsha256 = "{digest}"\n'
                               '[[waivers]]\ncomponent = "."\nreason = "r"\nfile = "main.py"\n'
                               f'sha256 = "{digest}"\n')
    assert run(str(repo), "--policy", pinned)[0] == 0
    (repo / "main.py").write_text("print(2)\n")
    code, data, _ = run(str(repo), "--policy", pinned)
    assert code == 1 and len(rules_of(data, "stale-waiver")) == 2


def test_unused_waiver_is_reported(tmp_path: Path) -> None:
    policy = _policy(tmp_path, '[[waivers]]\ncomponent = "nope"\nreason = "r"\n')
    code, data, _ = run(str(SAMPLES / "mit-package"), "--policy", policy)
    assert code == 0 and rules_of(data, "unused-waiver")


# --- clarifications ---------------------------------------------------------------------------------

def test_clarification_pinned_to_sha256(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "custom-license", repo)
    code, data, _ = run(str(repo), "--no-scancode")
    assert code == 1 and data["commercial_use"] == "unknown"
    [license_file] = [e["path"] for c in data["components"] for e in c["evidence"]
                      if e["source"] == "license-file"] or ["LICENSE"]
    digest = hashlib.sha256((repo / license_file).read_bytes()).hexdigest()
    policy = _policy(tmp_path, f'[[clarifications]]\npath = "{license_file}"\nlicense = "MIT"\nsha256 = "{digest}"\n'
                               'reason = "reviewed: the MIT text with a custom title"\n')
    code, data, _ = run(str(repo), "--no-scancode", "--policy", policy)
    assert data["commercial_use"] == "allowed" and code == 0, data["findings"]
    assert data["scan"]["clarified"] == [license_file]
    (repo / license_file).write_text((repo / license_file).read_text() + "\nNo commercial use.\n")
    code, data, _ = run(str(repo), "--no-scancode", "--policy", policy)
    assert code == 1 and rules_of(data, "lapsed-clarification")


# --- allow and deny lists, severity, fail-on ---------------------------------------------------------

def test_deny_and_allow_lists(tmp_path: Path) -> None:
    deny = _policy(tmp_path, '[licenses]\ndeny = ["MIT"]\n')
    code, data, _ = run(str(SAMPLES / "mit-package"), "--policy", deny)
    assert code == 1 and data["commercial_use"] == "allowed" and rules_of(data, "denied-license")
    allow = _policy(tmp_path, '[licenses]\nallow = ["Apache-2.0", "category:permissive"]\n')
    code, data, _ = run(str(SAMPLES / "mit-package"), "--policy", allow)
    assert code == 0 and [f["message"] for f in rules_of(data, "unused-allow")][0].count("Apache-2.0") == 1
    only = _policy(tmp_path, '[licenses]\nallow = ["Apache-2.0"]\n')
    code, data, _ = run(str(SAMPLES / "mit-package"), "--policy", only)
    assert code == 1 and rules_of(data, "license-not-allowed")


def test_severity_override_and_fail_on(tmp_path: Path) -> None:
    sample = str(SAMPLES / "rail-model")
    assert run(sample)[0] == 0
    assert run(sample, "--fail-on", "warning")[0] == 1
    policy = _policy(tmp_path, '[severity]\nconditional-license = "info"\n')
    code, data, _ = run(sample, "--policy", policy, "--fail-on", "warning")
    assert all(f["severity"] == "info" for f in rules_of(data, "conditional-license"))


# --- organisation profile and training data ----------------------------------------------------------

def test_organisation_profile_triggers_thresholds(tmp_path: Path) -> None:
    sample = str(SAMPLES / "llama-finetune")
    assert run(sample)[1]["commercial_use"] == "conditional"
    big = _policy(tmp_path, "[organisation]\nmonthly_active_users = 800_000_000\n")
    code, data, _ = run(sample, "--policy", big)
    assert code == 1 and data["commercial_use"] == "prohibited" and rules_of(data, "organisation-terms")
    small = _policy(tmp_path, "[organisation]\nmonthly_active_users = 1_000\n")
    assert run(sample, "--policy", small)[1]["commercial_use"] == "conditional"


def test_strict_training_data_reading(tmp_path: Path) -> None:
    sample = str(SAMPLES / "llama-finetune")
    strict = _policy(tmp_path, 'training_data = "strict"\n')
    code, data, _ = run(sample, "--policy", strict)
    assert data["commercial_use"] == "prohibited" and code == 1
    assert any(r["code"] == "training-data" for c in data["components"] for r in c["reasons"])


# --- explain and checklist ---------------------------------------------------------------------------

def test_explain_names_the_cause_clause_lineage_and_remedies() -> None:
    code, data, _ = run(str(SAMPLES / "alphafold-2021-like"))
    assert code == 1
    causes = data["explain"]["causes"]
    assert causes and all(c["commercial_use"] == "prohibited" for c in causes)
    assert all(c["clauses"] and c["remedies"] for c in causes)
    assert {"replace-or-drop", "commercial-license", "waive"} <= {r["code"] for c in causes for r in c["remedies"]}
    text = table(str(SAMPLES / "alphafold-2021-like"))
    assert "why commercial use is prohibited" in text and "fix (replace-or-drop)" in text
    _, ft, _ = run(str(SAMPLES / "llama-finetune"))
    assert any(c["lineage"] for c in ft["explain"]["causes"])
    assert run(str(SAMPLES / "mit-package"))[1]["explain"]["causes"] == []


def test_release_checklist() -> None:
    _, data, _ = run(str(SAMPLES / "apache-notice"))
    codes = [item["code"] for item in data["checklist"]]
    assert "keep-notice-file" in codes and len(codes) == len(set(codes))
    assert "release checklist (distribute)" in table(str(SAMPLES / "apache-notice"))
    _, llama, _ = run(str(SAMPLES / "llama-finetune"))
    items = {item["code"]: item for item in llama["checklist"]}
    assert {"acceptable-use-policy", "user-threshold", "no-training-other-models"} <= set(items)
    assert items["acceptable-use-policy"]["components"] == ["."] and items["acceptable-use-policy"]["sources"]


# --- policy sources ----------------------------------------------------------------------------------

def test_repository_pyproject_policy_and_no_repo_config(tmp_path: Path) -> None:
    repo = write(tmp_path, {"pyproject.toml": '[project]\nname = "a"\nversion = "1"\nlicense = "AGPL-3.0-only"\n'
                                              '[tool.license-check]\nuse_mode = "internal"\n'})
    code, data, _ = run(str(repo))
    assert data["policy"]["source"] == "pyproject" and data["policy"]["use_mode"] == "internal"
    assert data["commercial_use"] == "allowed"
    _, data, _ = run(str(repo), "--no-repo-config")
    assert data["policy"]["source"] == "built-in" and data["commercial_use"] == "conditional"


def test_invalid_policy_exits_2_with_every_problem(tmp_path: Path) -> None:
    policy = _policy(tmp_path, 'use_mod = "saas"\n[licenses]\nallow = ["Apache 2"]\n[[waivers]]\ncomponent = "x"\n')
    result = CliRunner().invoke(cli, [str(SAMPLES / "mit-package"), "--policy", policy])
    assert result.exit_code == 2 and result.stdout == ""
    err = result.stderr
    assert f"{policy}:1" in err and f"{policy}:3" in err and "reason" in err


# --- AI and data pairs -------------------------------------------------------------------------------

def _card(root: Path, folder: str, front: str) -> None:
    write(root, {f"{folder}/README.md": f"---\n{front}---\n\n# model\n"})


def test_llama2_merge_with_another_model_is_incompatible(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT})
    _card(tmp_path, "merged", "license: llama2\nbase_model:\n- meta-llama/Llama-2-7b-hf\n"
                              "- mistralai/Mistral-7B-v0.1\nbase_model_relation: merge\n")
    code, data, _ = run(str(tmp_path))
    found = rules_of(data, "incompatible-licenses")
    assert found and found[0]["components"] == ["merged"] and "Llama" in found[0]["message"]
    assert code == 1 and data["commercial_use"] == "prohibited"


def test_rail_derivative_must_carry_the_use_restrictions(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT})
    _card(tmp_path, "ft", "license: apache-2.0\nbase_model: runwayml/stable-diffusion-v1-5\n")
    code, data, _ = run(str(tmp_path))
    assert rules_of(data, "incompatible-licenses") and code == 1
    _card(tmp_path, "ft", "license: creativeml-openrail-m\nbase_model: runwayml/stable-diffusion-v1-5\n")
    assert not rules_of(run(str(tmp_path))[1], "incompatible-licenses")


def test_share_alike_datasets_cannot_be_merged(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT, "data/merged/part.csv": "a,b\n1,2\n"})
    _card(tmp_path, "data/merged", "license:\n- cc-by-sa-4.0\n- odbl\n")
    code, data, _ = run(str(tmp_path))
    found = rules_of(data, "incompatible-licenses")
    assert found and "ODbL-1.0" in found[0]["message"] and "CC-BY-SA-4.0" in found[0]["message"], data["findings"]


def test_eu_presence_and_a_region_limited_license(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT})
    _card(tmp_path, "vision", "license: llama3.2\n")
    assert run(str(tmp_path))[1]["commercial_use"] == "conditional"
    eu = _policy(tmp_path, "[organisation]\neu_presence = true\n")
    code, data, _ = run(str(tmp_path), "--policy", eu)
    assert data["commercial_use"] == "unknown" and rules_of(data, "organisation-terms")  # multimodal only


def test_readme_policy_example_loads_and_scans(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("# acme-policy.toml\n", 1)[1].split("```", 1)[0]
    policy = _policy(tmp_path, re.sub(r'"<sha256[^"]*>"', '"' + "0" * 64 + '"', block))
    code, data, err = run(str(SAMPLES / "llama-finetune"), "--policy", policy)
    assert code == 1, err  # 800M monthly active users: Llama 2's threshold is passed
    assert data["policy"]["name"] == "acme" and data["policy"]["use_mode"] == "saas"
    assert rules_of(data, "organisation-terms") and rules_of(data, "unused-waiver")


def test_a_rule_limited_waiver_that_covers_every_finding_waives_the_component(tmp_path: Path) -> None:
    write(tmp_path / "repo", {"LICENSE": MIT, "train.py": 'load_dataset("acme-internal/secret-corpus")\n'})
    code, data, _ = run(str(tmp_path / "repo"), "--scope", "adoption")
    refs = [c["id"] for c in data["adoption"]["components"] if c["ref"]]
    assert code == 1 and refs, data["adoption"]
    policy = _policy(tmp_path, f'scope = "adoption"\n[[waivers]]\ncomponent = "{refs[0]}"\n'
                               'rules = ["external-artifact"]\nreason = "internal corpus, licensed to us"\n')
    code, data, _ = run(str(tmp_path / "repo"), "--policy", policy)
    assert code == 0 and data["scan"]["waived"] == refs[:1] and data["adoption"]["commercial_use"] == "unknown"


def test_a_pair_no_data_settles_is_reported_not_judged(tmp_path: Path) -> None:
    repo = write(tmp_path, {"pyproject.toml": '[project]\nname = "a"\nversion = "1"\nlicense = "Apache-2.0"\n',
                            "vendor/lgpl/package.json": '{"name": "l", "license": "LGPL-2.1-only"}',
                            "vendor/lgpl/x.js": "1;\n"})
    code, data, _ = run(str(repo))
    [finding] = rules_of(data, "compatibility-unknown")
    assert finding["severity"] == "warning" and finding["components"] == [".", "vendor/lgpl"]
    assert not rules_of(data, "incompatible-licenses") and data["commercial_use"] == "conditional" and code == 0


def test_release_weights_forbids_adapting_a_no_derivatives_model(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT})
    _card(tmp_path, "model", "license: cc-by-nd-4.0\n")
    uses = {mode: run(str(tmp_path), "--use-mode", mode)[1]["commercial_use"]
            for mode in ("internal", "distribute", "release-weights")}
    assert uses == {"internal": "allowed", "distribute": "conditional", "release-weights": "prohibited"}


def test_missing_policy_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(SAMPLES / "mit-package"), "--policy", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "nope.toml" in result.stderr and result.stdout == ""
