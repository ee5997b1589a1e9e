"""Discovery: ignored trees, .gitignore, --exclude, symlinks, special files, odd names, limits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from license_check.collect import discover as disc
from license_check.collect.discover import discover


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


def _venv(root: Path, name: str) -> None:
    _tree(root, {f"{name}/pyvenv.cfg": "home = /usr", f"{name}/bin/python": "",
                 f"{name}/lib/python3.11/site-packages/pkg/LICENSE": "MIT"})


def test_skips_trees_that_are_not_content_by_their_layout(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/config": "", "node_modules/x/package.json": "{}", "node_modules/x/LICENSE": "",
        "__pycache__/a.pyc": "", "pkg.egg-info/PKG-INFO": "", "src/app.py": "",
    })
    _venv(tmp_path, "myenv")
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == ["src/app.py"]
    assert {".git", "node_modules", "__pycache__", "pkg.egg-info", "myenv"} <= set(found.ignored_dirs)
    assert dict(found.ignored_reasons)["myenv"] == "virtual environment"


def test_a_name_alone_does_not_hide_content(tmp_path: Path) -> None:
    # issue 13: an empty pyvenv.cfg dropped into a model folder, a node_modules without packages, a
    # cache holding a license, build/ and dist/ output: all content.
    _tree(tmp_path, {
        "models/nc/pyvenv.cfg": "", "models/nc/LICENSE": "nc", "node_modules/LICENSE": "x",
        "__pycache__/LICENSE": "x", "build/lib/x.py": "", "dist/model.safetensors": "",
    })
    assert paths(tmp_path) == ["__pycache__/LICENSE", "build/lib/x.py", "dist/model.safetensors",
                               "models/nc/LICENSE", "models/nc/pyvenv.cfg", "node_modules/LICENSE"]


def test_gitignore_hides_nothing_outside_a_checkout(tmp_path: Path) -> None:
    # An exported tree holds what it ships: .gitignore lines are not a reason to skip what is there.
    _tree(tmp_path, {".gitignore": "*.pth\n", "weights.pth": "w", "keep.py": ""})
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == [".gitignore", "keep.py", "weights.pth"]
    assert (found.source, found.gitignored) == ("filesystem", 0)


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, env=env,
                   check=True, capture_output=True)


def test_in_a_checkout_tracked_files_are_content_even_when_ignored(tmp_path: Path) -> None:
    # Issue 11 A.9: committed *.pth weights matched by a *.pth line are scanned; untracked ignored
    # files are not; untracked files git does not ignore are.
    _tree(tmp_path, {
        ".gitignore": "*.pth\n/out/\n", "weights.pth": "w", "keep.py": "", "sub/.gitignore": "secret.txt\n",
        "sub/ok.txt": "",
    })
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "add", "-f", "weights.pth")
    _git(tmp_path, "commit", "-q", "-m", "x")
    _tree(tmp_path, {"local.pth": "w", "out/x.py": "", "sub/secret.txt": "", "new.py": ""})
    found = discover(str(tmp_path))
    assert [f.path for f in found.files] == [".gitignore", "keep.py", "new.py", "sub/.gitignore", "sub/ok.txt",
                                             "weights.pth"]
    assert found.source == "git" and found.gitignored == 3
    assert set(found.gitignored_paths) == {"local.pth", "out", "sub/secret.txt"}


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


def test_the_table_says_what_was_left_out(tmp_path: Path) -> None:
    from license_check.pipeline import scan
    from license_check.render.table import render_table

    _tree(tmp_path, {"LICENSE": "x", "node_modules/x/package.json": "{}", "src/a.py": ""})
    _venv(tmp_path, "env")
    text = render_table(scan(str(tmp_path)))
    assert "left out: 2 folder(s) that are not content: env (virtual environment), node_modules" in text


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(alphabet="ab*/?.", min_size=1, max_size=8), subject=st.text(alphabet="ab/.", max_size=10))
def test_exclude_fast_paths_agree_with_the_simulation(pattern: str, subject: str) -> None:
    from license_check.collect.discover.patterns import parse, simulate

    found = parse(pattern)
    if found is None:
        return
    expected = simulate(found.tokens, subject if found.anchored else subject.rsplit("/", 1)[-1])
    assert found.matches(subject, False) == (expected and not found.dir_only)


def test_a_path_is_too_long_by_its_bytes_not_its_characters() -> None:
    too_long, limit = disc._too_long, disc.PATH_MAX
    assert not too_long("a" * (limit - 1)) and too_long("a" * limit)
    assert not too_long("\u20ac" * 1365) and too_long("\u20ac" * 1366)  # 3 bytes each: 4,095 and 4,098
    assert not too_long("\U0001f600" * 1023) and too_long("\U0001f600" * 1024)  # 4 bytes each
    assert not too_long("\udcff" * (limit - 1))  # an escaped byte (a non-UTF-8 name) is one byte
