"""The whole-report cache in front of the pipeline (license_check/cache/report.py, used by the CLI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check import storage
from license_check.cache import report as report_cache
from license_check.cli import cli
from license_check.findings import make_finding
from license_check.model import Location
from tests.conftest import SAMPLES

MIT = (SAMPLES / "mit-package" / "LICENSE").read_text()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LICENSE_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / report_cache.FOLDER


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "LICENSE").write_text(MIT)
    (root / "src" / "a.py").write_text("# SPDX-License-Identifier: MIT\nprint(1)\n")
    return root


def run(*args: str) -> tuple[int, str, bool]:
    """Exit code, stdout, and whether the stored report was used (from -v)."""
    result = CliRunner().invoke(cli, [*args, "-v"])
    return result.exit_code, result.stdout, "report reused from the cache" in result.stderr


def test_a_rescan_of_an_unchanged_repository_prints_the_stored_report(home: Path, repo: Path) -> None:
    first = run(str(repo), "--format", "json")
    second = run(str(repo), "--format", "json")
    assert first[:2] == second[:2] and not first[2] and second[2]
    assert run(str(repo), "--format", "json", "--no-cache")[:2] == first[:2]
    table = run(str(repo))
    assert not table[2] and table[1] != first[1]  # another format, another entry
    assert len(list(home.glob("*.json"))) == 4  # each scan stores under two keys: the tree's stat, its evidence


def test_a_rewritten_file_with_the_same_size_and_mtime_is_noticed(home: Path, repo: Path) -> None:
    source = repo / "src" / "a.py"
    run(str(repo), "--format", "json")
    before = source.stat()
    source.write_text("# SPDX-License-Identifier: ISC\nprint(1)\n")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out, reused = run(str(repo), "--format", "json")
    assert not reused and '"ISC"' in out


def test_new_files_settings_and_policy_change_the_key(home: Path, repo: Path, tmp_path: Path) -> None:
    run(str(repo))
    (repo / "src" / "b.py").write_text("print(2)\n")
    assert not run(str(repo))[2]
    assert run(str(repo))[2]
    assert not run(str(repo), "--use-mode", "internal")[2]
    assert not run(str(repo), "--exclude", "src/b.py")[2]
    policy = tmp_path / "p.toml"
    policy.write_text('[licenses]\ndeny = ["MIT"]\n')
    code, _, reused = run(str(repo), "--policy", str(policy))
    assert code == 1 and not reused
    policy.write_text('[licenses]\ndeny = ["ISC"]\n')
    code, _, reused = run(str(repo), "--policy", str(policy))
    assert code == 0 and not reused


def test_a_pinned_file_outside_the_walk_is_part_of_the_key(home: Path, repo: Path, tmp_path: Path) -> None:
    ignored = repo / "node_modules" / "x.js"  # not walked, but a policy pin reads it
    ignored.parent.mkdir()
    ignored.write_text("1\n")
    policy = tmp_path / "p.toml"
    policy.write_text('[[waivers]]\ncomponent = "."\nreason = "r"\nfile = "node_modules/x.js"\n'
                      'sha256 = "' + "0" * 64 + '"\n')
    run(str(repo), "--policy", str(policy))
    assert run(str(repo), "--policy", str(policy))[2]
    ignored.write_text("22\n")
    assert not run(str(repo), "--policy", str(policy))[2]


def test_code_and_rules_are_part_of_the_key(home: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(str(repo))
    assert report_cache._DIGESTS  # one digest per rules folder the scans judged with
    for tag in list(report_cache._DIGESTS):
        monkeypatch.setitem(report_cache._DIGESTS, tag, "another version of the code or rules")
    assert not run(str(repo))[2]


def test_a_damaged_entry_is_a_miss(home: Path, repo: Path) -> None:
    first = run(str(repo), "--format", "json")
    for entry in home.glob("*.json"):
        entry.write_text('{"key": "x", "text": 1}')
    again = run(str(repo), "--format", "json")
    assert not again[2] and again[:2] == first[:2]


def test_no_cache_writes_nothing_and_unfinished_answers_are_not_stored(home: Path, repo: Path) -> None:
    run(str(repo), "--no-cache")
    assert not home.exists()
    where = [Location("LICENSE")]
    assert report_cache.final([make_finding("no-license", "x", where)])
    assert not report_cache.final([make_finding("scancode-unavailable", "x", where)])
    timeout = "LICENSE: could not be identified (ScanCode did not finish within 10 s)"
    assert not report_cache.final([make_finding("unknown-license-text", timeout, where)])


def test_at_most_max_entries_are_kept(home: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_cache, "MAX_ENTRIES", 2)
    for mode in ("internal", "saas", "distribute"):
        run(str(repo), "--use-mode", mode)
    assert len(list(home.glob("*.json"))) == 2


def test_library_versions_are_part_of_both_cache_keys() -> None:
    from license_check.storage import dependency_versions

    versions = dependency_versions()
    assert "license-expression=" in versions and "scancode-toolkit=" in versions
    assert versions in report_cache.tool_digest()


def test_tree_digest_follows_every_write_without_reading_old_files(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "pkg"
    code.mkdir()
    module = code / "a.py"
    module.write_text("X = 1\n")
    (code / "notes.txt").write_text("not code")
    first = storage.tree_digest(code, (".py",))
    module.write_text("X = 2\n")  # same size, within the same second: the content decides (git's racy case)
    second = storage.tree_digest(code, (".py",))
    assert second != first
    monkeypatch.setattr(storage, "RACY_SECONDS", -3600.0)  # as if every file were old: known by its stat
    by_stat = storage.tree_digest(code, (".py",))
    assert by_stat == storage.tree_digest(code, (".py",)) != second
    module.write_text("X = 3\n")  # a write moves ctime (and mtime): a new stat
    assert storage.tree_digest(code, (".py",)) != by_stat
    after = storage.tree_digest(code, (".py",))
    (code / "notes.txt").write_text("other")  # a suffix the digest does not cover
    assert storage.tree_digest(code, (".py",)) == after
    (code / "b.py").write_text("")
    assert storage.tree_digest(code, (".py",)) != after
