"""Issue 11 B: two answers in one report. The repository answer (commercial_use, the default exit code)
judges what the tree ships and the referenced models whose terms the tree states; the adoption answer
also counts everything a user must fetch, where unknown terms are unknown."""

from __future__ import annotations

from pathlib import Path

from tests.policy.test_policy_scan import MIT, rules_of, run, table, write

NC_README = ("# Folding\n\nThe code is released under the MIT license.\n\n## Model parameters\n\n"
             "The model parameters are made available for non-commercial use only, under the terms of the "
             "Creative Commons Attribution-NonCommercial 4.0 International (CC BY-NC 4.0) license.\n")


def test_an_unlicensed_download_moves_only_the_adoption_answer(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "prepare.py": 'load_dataset("someone/corpus")\n'})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], data["verdict"]) == (0, "allowed", "pass")
    assert [c["id"] for c in data["components"]] == ["."]
    adoption = data["adoption"]
    assert adoption["commercial_use"] == "unknown"
    assert [(c["id"], c["ref"], c["commercial_use"]) for c in adoption["components"]] == [
        ("ref:datasets/someone/corpus", "datasets/someone/corpus", "unknown")]
    assert [c["components"] for c in adoption["causes"]] == [["ref:datasets/someone/corpus"]]
    [finding] = rules_of(data, "external-artifact")
    assert finding["severity"] == "info"
    # --scope adoption (or the policy key) lets the adoption answer decide the exit code.
    code, data, _ = run(str(repo), "--scope", "adoption")
    assert (code, data["verdict"], data["policy"]["scope"], data["commercial_use"]) == (1, "fail", "adoption",
                                                                                       "allowed")


def test_the_policy_key_chooses_the_scope(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "prepare.py": 'load_dataset("someone/corpus")\n'})
    policy = write(tmp_path, {"p.toml": 'scope = "adoption"\n'}) / "p.toml"
    code, data, _ = run(str(repo), "--policy", str(policy))
    assert (code, data["verdict"]) == (1, "fail")
    code, data, _ = run(str(repo), "--policy", str(policy), "--scope", "repository")  # the command line wins
    assert (code, data["verdict"]) == (0, "pass")
    bad = write(tmp_path, {"bad.toml": 'scope = "everything"\n'}) / "bad.toml"
    code, _, err = run(str(repo), "--policy", str(bad))
    assert code == 2 and "scope" in err and "repository, adoption" in err


def test_terms_the_tree_states_for_a_model_it_needs_move_the_repository_answer(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "README.md": NC_README,
                                  "scripts/download_params.sh": "wget https://example.org/params/params_2021.tar\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"]) == (1, "prohibited")
    assert data["adoption"]["commercial_use"] == "prohibited"


def test_terms_known_only_from_rules_go_to_adoption_with_a_warning(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "examples/chat.py":
                                  'AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")\n'})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], data["adoption"]["commercial_use"]) == (0, "allowed", "conditional")
    [finding] = rules_of(data, "external-artifact")
    assert finding["severity"] == "warning" and "more restrictive than the repository's own answer" in \
        finding["message"]


def test_stated_terms_of_a_referenced_dataset_are_adoption_terms(tmp_path: Path) -> None:
    readme = ("# Seg\n\nThe code is licensed under the MIT license.\n\n## Dataset\n\n"
              "The dataset is available for research purposes only, under a non-commercial license.\n")
    repo = write(tmp_path / "r", {"LICENSE": MIT, "README.md": readme,
                                  "get_data.sh": "wget https://example.org/data/corpus-1b.tar\n"})
    code, data, _ = run(str(repo))
    assert (data["commercial_use"], code) == ("allowed", 0)
    assert data["adoption"]["commercial_use"] == "prohibited"


def test_the_table_groups_references_without_terms_in_one_line(tmp_path: Path) -> None:
    calls = "".join(f'load_dataset("someone/corpus{i}")\n' for i in range(5))
    repo = write(tmp_path / "r", {"LICENSE": MIT, "prepare.py": calls + 'AutoModel.from_pretrained("x/y")\n'})
    text = table(str(repo))
    assert "external-artifact" not in text  # no line per reference ...
    assert "referenced artifacts without stated terms: 6 (5 dataset, 1 model) in prepare.py" in text  # ... one line
    assert "adoption (what a user must also fetch): commercial use unknown, 6 referenced artifact(s)" in text
    assert "verdict: PASS" in text


def test_the_table_shows_the_adoption_answer_when_it_decides(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "prepare.py": 'load_dataset("someone/corpus")\n'})
    text = table(str(repo), "--scope", "adoption")
    assert "verdict: FAIL — adoption unknown (repository alone: allowed)" in text
    assert "why adoption is unknown:\n  - ref:datasets/someone/corpus: unknown" in text
