"""Discovery: ignored trees, .gitignore, --exclude, symlinks, special files, odd names, limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from license_check import discover as disc
from license_check.discover import discover


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def paths(root: Path, **kw: object) -> list[str]:
    return [f.path for f in discover(str(root), **kw).files]  # type: ignore[arg-type]


def test_lists_regular_files_sorted_and_relative(tmp_path: Path) -> None:
    _tree(tmp_path, {"b.py": "", "a/LICENSE": "x", "a/z/c.txt": ""})
    assert paths(tmp_path) == ["a/LICENSE", "a/z/c.txt", "b.py"]


def test_skips_ignored_trees_and_virtualenvs(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/config": "", "node_modules/x/LICENSE": "", "__pycache__/a.pyc": "", "pkg.egg-info/PKG-INFO": "",
        "myenv/pyvenv.cfg": "home = /usr", "myenv/lib/LICENSE": "", "src/app.py": "", "build/lib/x.py": "",
    })
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == ["src/app.py"]
    assert {".git", "node_modules", "__pycache__", "pkg.egg-info", "myenv", "build"} <= set(found.ignored_dirs)


def test_honours_gitignore_at_every_level(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "*.log\n/out/\n", "a.log": "", "out/x.py": "", "keep.py": "",
        "sub/.gitignore": "secret.txt\n", "sub/secret.txt": "", "sub/ok.txt": "", "other/secret.txt": "",
    })
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == [".gitignore", "keep.py", "other/secret.txt", "sub/.gitignore",
                                             "sub/ok.txt"]
    assert found.gitignored == 3


def test_exclude_globs(tmp_path: Path) -> None:
    _tree(tmp_path, {"docs/a.md": "", "src/a.py": "", "src/gen/b.py": "", "x.ipynb": ""})
    found = discover(str(tmp_path), exclude=("docs/", "src/gen", "*.ipynb"))
    assert [f.path for f in found.files] == ["src/a.py"]
    assert found.excluded == ("docs", "src/gen", "x.ipynb")


def test_vendored_trees_are_kept(tmp_path: Path) -> None:
    _tree(tmp_path, {"third_party/lib/LICENSE": "", "vendor/x/y.go": ""})
    assert paths(tmp_path) == ["third_party/lib/LICENSE", "vendor/x/y.go"]


def test_symlinks_never_leave_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _tree(outside, {"LICENSE": "secret"})
    root = tmp_path / "repo"
    _tree(root, {"real/LICENSE": "MIT", "a.py": ""})
    (root / "out-file").symlink_to(outside / "LICENSE")
    (root / "out-dir").symlink_to(outside, target_is_directory=True)
    (root / "in-file").symlink_to(root / "a.py")
    (root / "in-dir").symlink_to(root / "real", target_is_directory=True)
    (root / "loop").symlink_to(root / "loop")
    (root / "dangling").symlink_to(root / "nope")
    found = discover(str(root))
    assert [f.path for f in found.files] == ["a.py", "in-file", "real/LICENSE"]
    in_file = next(f for f in found.files if f.path == "in-file")
    assert in_file.abspath == str((root / "a.py").resolve())
    outside_paths = {f.locations[0].path for f in found.findings if f.rule == "symlink-outside-root"}
    assert outside_paths == {"out-file", "out-dir", "loop", "dangling"}
    assert all(not f.abspath.startswith(str(outside)) for f in found.files)


def test_fifo_is_skipped_with_a_finding(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "LICENSE")
    _tree(tmp_path, {"a.py": ""})
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == ["a.py"]
    assert [(f.rule, f.locations[0].path) for f in found.findings] == [("skipped-special-file", "LICENSE")]


def test_odd_file_names_are_escaped(tmp_path: Path) -> None:
    root = os.fsencode(str(tmp_path))
    for name in (b"new\nline.txt", b"-rf", b"caf\xe9.txt"):
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(b"x")
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == ["-rf", "caf%E9.txt", "new%0Aline.txt"]
    for entry in found.files:  # the real name still opens
        with open(entry.abspath, "rb") as handle:
            assert handle.read() == b"x"


def test_depth_limit_reports_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disc, "MAX_DEPTH", 3)
    deep = tmp_path / "a" / "b" / "c" / "d" / "e"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("")
    (tmp_path / "top.py").write_text("")
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == ["top.py"]
    assert not found.complete
    assert [f.rule for f in found.findings] == ["scan-limit-reached"]


def test_file_limit_reports_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disc, "MAX_FILES", 5)
    _tree(tmp_path, {f"f{i:02d}.py": "" for i in range(12)})
    found = discover(str(tmp_path))
    assert len(found.files) == 5 and not found.complete
    assert [f.rule for f in found.findings] == ["scan-limit-reached"]
