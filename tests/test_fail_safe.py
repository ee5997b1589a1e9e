"""Fail safe (issues 11 and 13): input that could not be read, parsed or reached may hold any terms, so it
caps the repository answer at unknown, with the paths named in explain (cause kind "unread")."""

from __future__ import annotations

from pathlib import Path

from tests.policy.test_policy_scan import MIT, run, table, write


def _unread_causes(data: dict[str, object]) -> list[tuple[str, str]]:
    causes = data["explain"]["causes"]  # type: ignore[index]
    return [(c["clauses"][0]["code"], c["clauses"][0]["text"]) for c in causes if c["kind"] == "unread"]  # type: ignore[index]


def test_a_broken_manifest_beside_a_clear_license_caps_the_answer(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "vendor/lib/package.json": '{"name": "lib", "license": ',
                                  "vendor/lib/index.js": "1;\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], data["project_license"]) == (1, "unknown", "MIT")
    [(rule, text)] = _unread_causes(data)
    assert rule == "malformed-metadata" and "vendor/lib/package.json" in text


def test_a_broken_model_card_caps_the_answer(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "models/nc/README.md": "---\nlicense: [cc-by-nc-4.0\n---\n# m\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"]) == (1, "unknown")
    assert any("models/nc/README.md" in text for _, text in _unread_causes(data))


def test_content_past_the_depth_limit_caps_the_answer(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 70)
    repo = write(tmp_path / "r", {"LICENSE": MIT, f"{deep}/README.md": "---\nlicense: cc-by-nc-4.0\n---\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], data["scan"]["complete"]) == (1, "unknown", False)
    assert [rule for rule, _ in _unread_causes(data)] == ["scan-limit-reached"]
    assert "scan-limit-reached" in table(str(repo))


def test_a_clean_tree_is_not_capped(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "src/a.py": "print(1)\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], _unread_causes(data)) == (0, "allowed", [])


def test_a_broken_citation_cff_caps_the_answer_but_is_no_second_license(tmp_path: Path) -> None:
    # Issue 13 item 9: the broken file is a finding that caps the answer at unknown, not "MIT AND unknown".
    from license_check.pipeline import scan

    (tmp_path / "LICENSE").write_text(MIT)
    (tmp_path / "CITATION.cff").write_text('cff-version: 1.2.0\ntitle: "x\nlicense: [\n')
    report = scan(str(tmp_path))
    assert (report.project_license, report.components[0].license) == ("MIT", "MIT")
    assert report.commercial_use.value == "unknown"
    assert any(f.rule == "malformed-metadata" and "CITATION.cff" in f.message for f in report.findings)
