"""The yardstick: real AI repositories against a compliance reviewer's answers (bench/real-repos.toml).

    python3 bench/real_repos.py export GIT_DIR COMMIT DEST   # one tree, without the blobs a mirror lacks
    python3 bench/real_repos.py run TREES [NAME ...]         # TREES/<name>/ for each entry; prints a table

Nothing here runs in the tests: the trees are other people's code, fetched by the developer and never
committed. ``export`` writes the files of COMMIT that the git directory holds (a partial mirror lacks
large blobs and LFS content: those are left out, as the reviewer's snapshot does). ``run`` scans each
tree cold (``--no-cache``), with wall time, peak RSS and whether ScanCode's index was loaded, and
compares ``project_license``, ``commercial_use`` and the components the reviewer names.

Reading conventions the answers follow (a summary; the reviewer's own page has the details):
1. the tree decides: components are what the exported tree holds;
2. a license text in the tree binds its folder, even when it speaks of artifacts hosted elsewhere;
3. terms the tree states only for external weights are a finding, and may move the verdict;
4. unlicensed references and test fixtures do not move the verdict;
5. intended-use statements ("for research purposes") are not licenses;
6. prohibited > unknown > conditional > allowed.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def export(git_dir: str, commit: str, dest: str) -> tuple[int, int]:
    """Write COMMIT's files into DEST; returns (written, missing blobs)."""
    listing = subprocess.run(["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout
    cat = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert cat.stdin is not None and cat.stdout is not None
    written = missing = 0
    for record in filter(None, listing.split(b"\0")):
        meta, raw_path = record.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        target = Path(dest, os.fsdecode(raw_path))
        if kind == "commit":  # a submodule: an empty folder, as in a fresh clone
            target.mkdir(parents=True, exist_ok=True)
            continue
        cat.stdin.write(sha.encode() + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if header[1] == b"missing":
            missing += 1
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.unlink(missing_ok=True)
            target.symlink_to(os.fsdecode(data))
        else:
            target.write_bytes(data)
            target.chmod(0o755 if mode == "100755" else 0o644)
        written += 1
    cat.stdin.close()
    cat.wait()
    return written, missing


def _scan(tree: Path) -> tuple[dict[str, Any] | None, float, int, bool]:
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "license-check", str(tree), "--format", "json",
                           "--no-cache", "-v"], capture_output=True, text=True)
    elapsed = time.monotonic() - start
    lines = proc.stderr.strip().splitlines()
    rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    loaded = "loading ScanCode's license index" in proc.stderr  # the full index (not its compact one)
    try:
        return json.loads(proc.stdout), elapsed, rss_kb, loaded
    except json.JSONDecodeError:
        return None, elapsed, rss_kb, loaded


def _judge(expected: dict[str, Any], report: dict[str, Any]) -> list[str]:
    wrong = []
    project = report["project_license"]
    if project is None or not any(fnmatch.fnmatchcase(project, p) for p in expected["project"]):
        wrong.append(f"project_license {project}")
    if report["commercial_use"] not in expected["use"]:
        wrong.append(f"commercial_use {report['commercial_use']}")
    uses = {c["path"]: c["commercial_use"] for c in report["components"]}
    for path, accepted in expected.get("components", {}).items():
        if uses.get(path) not in accepted:
            wrong.append(f"component {path}: {uses.get(path, 'missing')}")
    return wrong


def run(trees: str, names: list[str]) -> int:
    book = tomllib.loads((HERE / "real-repos.toml").read_text(encoding="utf-8"))
    rows, right = [], 0
    for name in names or list(book):
        expected = book[name]
        report, elapsed, rss_kb, loaded = _scan(Path(trees, name))
        wrong = ["no report"] if report is None else _judge(expected, report)
        right += not wrong
        got = "-" if report is None else f"{report['project_license']} / {report['commercial_use']}"
        adoption = "-" if report is None else report.get("adoption", {}).get("commercial_use", "-")
        rows.append(f"| {name} | {' or '.join(expected['project'])} / {' or '.join(expected['use'])} | {got} | "
                    f"{adoption} | {'ok' if not wrong else '; '.join(wrong)} | {elapsed:.1f} s | "
                    f"{rss_kb // 1024} MB | {'yes' if loaded else 'no'} |")
    print("| repository | expected | got | adoption | match | time | peak RSS | ScanCode index |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n{right} of {len(rows)} match")
    return 0 if right == len(rows) else 1


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "export":
        written, missing = export(argv[1], argv[2], argv[3])
        print(f"{written} files written, {missing} blobs missing from the mirror")
        return 0
    if len(argv) >= 2 and argv[0] == "run":
        return run(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
