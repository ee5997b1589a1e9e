"""A rescan after an edit: the tree's snapshot (cache/snapshot.py) and the report stored under its evidence.

Each scan stores its report under the tree's stat (cache/report.key) and under its evidence (the digest of every
detector's result, pipeline.collect): an edit that changes no detector's result (a comment, a code change) finds
that report without loading any file's results; any edit that changes one does not. Every answer here is also
checked against a scan without the caches.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check.cache import session, snapshot
from license_check.cli import cli
from license_check.collect.discover import discover
from license_check.knowledge.book import Knowledge
from license_check.pipeline import ScanOptions, collect
from license_check.pipeline.decide import decide
from license_check.policy.load import default_policy
from license_check.render import RENDERERS, Format
from tests.conftest import SAMPLES

MIT = (SAMPLES / "mit-package" / "LICENSE").read_text()
REUSED = "report reused from the cache: files changed, but no detector's result did"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "LICENSE").write_text(MIT)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1"\nlicense = "MIT"\n')
    (root / "README.md").write_text("# demo\n\nA demo.\n")
    for n in range(30):
        (root / "src" / f"m{n}.py").write_text(f"# SPDX-License-Identifier: MIT\nx = {n}\n")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout (the JSON report), stderr (the -v log)."""
    result = CliRunner().invoke(cli, [str(root), "--format", "json", "-v", *args])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    return result.exit_code, result.stdout, result.stderr


def fresh(root: Path) -> tuple[int, str]:
    code, out, _ = run(root, "--no-cache")
    return code, out


def test_an_edit_that_changes_no_result_reuses_the_report(home: Path, repo: Path) -> None:
    run(repo)
    with (repo / "src" / "m3.py").open("a") as f:
        f.write("# a comment\ny = 1\n")
    code, out, log = run(repo)
    assert REUSED in log and "1 files to analyse" in log
    assert (code, out) == fresh(repo)


@pytest.mark.parametrize("edit", [
    ("src/m3.py", "# SPDX-License-Identifier: GPL-3.0-only\nx = 3\n"),  # a file-local detector's result
    ("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\nlicense = "Apache-2.0"\n'),  # another detector's
    ("README.md", "# demo\n\nLicensed under the Apache License, Version 2.0.\n"),
    ("src/new.py", "# SPDX-License-Identifier: BSD-3-Clause\n"),  # a file more
    ("src/m4.py", ""),  # a file emptied: no longer read, its results gone
])
def test_an_edit_that_changes_a_result_is_scanned(home: Path, repo: Path, edit: tuple[str, str]) -> None:
    run(repo)
    (repo / edit[0]).write_text(edit[1])
    code, out, log = run(repo)
    assert REUSED not in log and "report reused" not in log
    assert (code, out) == fresh(repo)
    assert run(repo)[2].count("report reused") == 1  # and stored again: the next rescan is served


def test_a_removed_file_is_scanned(home: Path, repo: Path) -> None:
    run(repo)
    (repo / "src" / "m7.py").unlink()
    code, out, log = run(repo)
    assert "report reused" not in log and (code, out) == fresh(repo)


def test_results_gone_from_the_store_are_analysed_again(home: Path, repo: Path) -> None:
    """The snapshot says a file is unchanged; its results were evicted: the detectors read it again."""
    run(repo)
    (repo / "src" / "m3.py").write_text("# SPDX-License-Identifier: GPL-3.0-only\nx = 3\n")  # a real change
    prefix = "\0".join((session.SCHEMA, session.code_digest(), Knowledge.load().version)).encode()
    kept = snapshot.key(prefix, str(repo), True)
    db = sqlite3.connect(home / f"results-v{session.SCHEMA}.sqlite")
    with db:
        assert db.execute("SELECT COUNT(*) FROM entries WHERE key = ?", (kept,)).fetchone()[0] == 1
        db.execute("DELETE FROM entries WHERE key != ?", (kept,))  # every per-file entry; the snapshot stays
    db.close()
    code, out, log = run(repo)
    assert "report reused" not in log and (code, out) == fresh(repo)
    assert '"GPL-3.0-only"' in out and '"MIT"' in out


def test_a_damaged_snapshot_is_ignored(home: Path, repo: Path) -> None:
    run(repo)
    db = sqlite3.connect(home / f"results-v{session.SCHEMA}.sqlite")
    with db:
        db.execute("UPDATE entries SET value = zeroblob(length(value))")  # every entry: none may be trusted
    db.close()
    (repo / "src" / "m3.py").write_text("# SPDX-License-Identifier: ISC\nx = 3\n")
    code, out, log = run(repo)
    assert "report reused" not in log and (code, out) == fresh(repo)


def test_the_evidence_is_the_same_however_the_results_were_loaded(home: Path, repo: Path) -> None:
    """Computed now, loaded from the per-file cache, or from the tree's snapshot: one digest (else no reuse)."""
    knowledge = Knowledge.load()
    policy = default_policy(knowledge.normalizer)
    seen = []
    for _ in range(3):
        _, _, evidence = collect(str(repo), ScanOptions(jobs=1), knowledge, policy, lambda e: None)
        seen.append(evidence)
    assert seen[0] is not None and len(set(seen)) == 1


def test_the_report_reads_no_size_or_stat_of_a_file(home: Path, repo: Path) -> None:
    """The evidence holds the files' paths, not their sizes (an edit changes the size): what decide makes of
    the same detector results is the same whatever the sizes and absolute paths of the files."""
    knowledge = Knowledge.load()
    policy = default_policy(knowledge.normalizer)
    options = ScanOptions(jobs=1)
    collected, _, _ = collect(str(repo), options, knowledge, policy)
    assert collected is not None
    other = dataclasses.replace(collected, found=dataclasses.replace(collected.found, files=tuple(
        dataclasses.replace(f, size=f.size * 7 + 1, abspath=f"/elsewhere/{f.path}") for f in collected.found.files)))
    render = RENDERERS[Format.JSON]
    assert render(decide(collected, policy, options, knowledge)) == render(decide(other, policy, options, knowledge))
    assert discover(str(repo)).files == collected.found.files  # (the walk is what collect used)


def test_the_snapshot_is_written_again_only_when_many_files_changed(home: Path, repo: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "STALE_RECORDS", 3)
    prefix = "\0".join((session.SCHEMA, session.code_digest(), Knowledge.load().version)).encode()
    tree = snapshot.key(prefix, str(repo), True)

    def records() -> snapshot.Snapshot:
        store = session.ResultStore.open(lambda m: None)
        assert store is not None
        try:
            return snapshot.load(store, tree)
        finally:
            store.close()

    run(repo)
    first = records()
    # every file a file-local detector reads (not the LICENSE: license_files alone reads it)
    assert set(first) == {"README.md", "pyproject.toml", *(f"src/m{n}.py" for n in range(30))}
    for n in (1, 2):  # a few edited files: found through the per-file cache, the snapshot kept
        (repo / "src" / f"m{n}.py").write_text(f"# SPDX-License-Identifier: MIT\nx = {n}  # edited\n")
        code, out, log = run(repo)
        assert records() == first and (code, out) == fresh(repo)
    for n in range(3, 8):  # more than STALE_RECORDS differ: written again, every record as the files are now
        (repo / "src" / f"m{n}.py").write_text(f"# SPDX-License-Identifier: MIT\nx = {n}  # edited\n")
    code, out, log = run(repo)
    assert (code, out) == fresh(repo)
    again = records()
    assert again != first and {p for p in again if again[p] != first[p]} == {f"src/m{n}.py" for n in range(1, 8)}
