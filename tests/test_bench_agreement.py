"""bench/agreement.py: the per-file agreement with ScanCode, on a tiny synthetic ScanCode JSON (no ScanCode run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import agreement  # noqa: E402


def _match(key: str, line: int, rule: str, score: float = 100.0) -> dict[str, Any]:
    return {"license_expression_spdx": key, "start_line": line, "rule_identifier": rule, "score": score}


def _file(path: str, *matches: dict[str, Any]) -> dict[str, Any]:
    return {"path": f"repo/{path}", "type": "file", "license_detections": [{"matches": list(matches)}],
            "license_clues": []}


SCANCODE = {
    "headers": [{"options": {"input": ["/somewhere/repo"]}}],
    "files": [
        {"path": "repo", "type": "directory"},
        _file("a.py", _match("Apache-2.0", 1, "apache-2.0_7.RULE")),
        _file("b.py", _match("MIT", 3, "mit_14.RULE")),
        _file("nc.py", _match("CC-BY-NC-4.0", 3, "cc-by-nc-4.0_1.RULE"),
              _match("LicenseRef-scancode-proprietary-license", 6, "proprietary-license_281.RULE")),
        _file("docs/audio.md", _match("CC0-1.0 AND CC-BY-4.0", 4, "cc0-1.0_115.RULE", 50.0),
              _match("LicenseRef-scancode-unknown-license-reference", 4, "license-intro_28.RULE")),
        _file("train.py", _match("LicenseRef-scancode-unknown-license-reference", 2, "unknown_license_other_12.RULE")),
        _file("other.py", _match("LicenseRef-scancode-unknown-license-reference", 1, "unknown_license_other_12.RULE")),
    ],
}
MENTION = ("docs/audio.md:4 names CC0 (CC0-1.0); CC BY (no exact version stated; it may mean CC-BY-1.0, CC-BY-2.0, "
           "CC-BY-2.5, CC-BY-3.0, CC-BY-4.0) in documentation prose.")
REPORT = {
    "components": [{"evidence": [
        {"path": "a.py", "expression": "Apache-2.0", "line": 1},
        {"path": "nc.py", "expression": "CC-BY-NC-4.0", "line": 3},
        {"path": "nc.py", "expression": "LicenseRef-license-check-noncommercial", "line": 6},
    ]}],
    "findings": [{"rule": "license-mention", "message": MENTION, "locations": [{"path": "docs/audio.md", "line": 4}]}],
}


def _statuses(tree: Path | None) -> dict[tuple[str, str], str]:
    table = agreement.load_table()
    pairs = agreement.judge(agreement.scancode_pairs(SCANCODE),
                            agreement.reported(REPORT, {"Apache-2.0", "MIT", "CC0-1.0", "CC-BY-4.0"}), table, tree)
    return {(p.path, p.key): p.status for p in pairs}


def test_each_pair_gets_one_status(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text('card(\n    license="other",\n)\n', encoding="utf-8")
    (tmp_path / "other.py").write_text("# some other unknown reference\n", encoding="utf-8")
    assert _statuses(tmp_path) == {
        ("a.py", "Apache-2.0"): "found",
        ("b.py", "MIT"): "missed",
        ("nc.py", "CC-BY-NC-4.0"): "found",
        ("nc.py", "LicenseRef-scancode-proprietary-license"): "equivalent",
        ("docs/audio.md", "CC0-1.0"): "found",
        ("docs/audio.md", "CC-BY-4.0"): "equivalent",  # listed among the versions "CC BY" may mean, not found
        ("docs/audio.md", "LicenseRef-scancode-unknown-license-reference"): "equivalent",
        ("train.py", "LicenseRef-scancode-unknown-license-reference"): "not reported",
        ("other.py", "LicenseRef-scancode-unknown-license-reference"): "missed",  # the line is no keyword argument
    }


def test_without_the_tree_no_line_row_applies() -> None:
    assert _statuses(None)[("train.py", "LicenseRef-scancode-unknown-license-reference")] == "missed"


def test_summary_counts_and_lists_the_missed(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text('card(\n    license="other",\n)\n', encoding="utf-8")
    result = agreement.agreement(SCANCODE, REPORT, tmp_path)
    assert (result["pairs"], result["found"]["pairs"], result["equivalent"]["pairs"],
            result["not_reported"]["pairs"], result["missed"]["pairs"]) == (9, 3, 3, 1, 2)
    assert [(m["path"], m["key"]) for m in result["missed_list"]] == \
        [("b.py", "MIT"), ("other.py", "LicenseRef-scancode-unknown-license-reference")]
    assert "| missed | 2 | 2 |" in agreement.markdown("repo", result)


def test_every_row_of_the_table_says_why() -> None:
    table = agreement.load_table()
    assert table["equivalent"] and table["not_reported"]
    for row in [*table["equivalent"], *table["not_reported"]]:
        assert row["scancode"] and len(row["why"]) > 40
    assert {row["match"] for row in table["equivalent"]} <= {"key", "candidates", "named-on-line"}
