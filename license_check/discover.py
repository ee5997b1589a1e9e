"""Discovery: walk the scanned root and list the regular files to analyse.

Safety rules (README "Safety"): never follow a symlink out of the root, never follow a symlinked
folder at all (its content is scanned where it really lives, or not at all when that is outside),
skip FIFOs, sockets and devices with a finding, bound depth and file count. Ignored trees (.git,
node_modules, virtual environments, caches, build output) are left out; .gitignore is honoured;
``--exclude`` patterns (gitignore syntax, relative to the root) leave paths out.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

import pathspec

from license_check.findings import make_finding
from license_check.model import FileEntry, Finding, Location
from license_check.reading import display_path, read_bytes

MAX_DEPTH = 64
MAX_FILES = 200_000
GITIGNORE_CAP = 256 * 1024  # bytes read from one .gitignore
# Patterns in force for one path (its .gitignore files, root first): each is tried on every path, so
# 10,000 patterns over 20,000 files would cost minutes. Patterns past the cap are not applied; that
# only scans more files, never fewer.
MAX_GITIGNORE_PATTERNS = 1000

# Folder names that never hold the repository's own content.
IGNORED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", ".eggs", ".ipynb_checkpoints", ".hypothesis", ".gradle", ".idea",
    ".cache", "site-packages", "build", "dist",
})
IGNORED_SUFFIXES = (".egg-info", ".dist-info")


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[FileEntry, ...]
    findings: tuple[Finding, ...]
    ignored_dirs: tuple[str, ...]  # trees left out as not part of the repository's own content
    excluded: tuple[str, ...]  # paths left out by --exclude
    gitignored: int  # number of files and folders left out by .gitignore
    complete: bool  # False when a limit stopped the walk


@dataclass
class _Walk:
    root: str
    exclude: pathspec.GitIgnoreSpec | None
    files: list[FileEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    gitignored: int = 0
    complete: bool = True


def _is_ignored_dir(name: str, path: str) -> bool:
    if name in IGNORED_DIRS or name.endswith(IGNORED_SUFFIXES):
        return True
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))  # any virtual environment


def _load_gitignore(dir_abs: str, room: int) -> pathspec.GitIgnoreSpec | None:
    """The folder's .gitignore, with at most ``room`` patterns (see MAX_GITIGNORE_PATTERNS)."""
    data, truncated, error = read_bytes(os.path.join(dir_abs, ".gitignore"), GITIGNORE_CAP)
    if data is None or error or room <= 0:
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    if truncated and lines:
        lines.pop()  # cut by the cap: "*.pyc" cut to "*" would ignore everything
    patterns = [line for line in lines if line.strip() and not line.startswith("#")][:room]
    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except Exception:  # a malformed pattern must not stop the scan; git ignores it too
        return None


def _gitignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], rel: str, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel if base == "" else rel[len(base) + 1:]
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def discover(root: str, exclude: tuple[str, ...] = ()) -> Discovery:
    """List the regular files under ``root`` (an existing directory), sorted by path."""
    root = os.path.realpath(root)
    spec = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
    walk = _Walk(root=root, exclude=spec)
    _walk_dir(walk, root, "", 0, [])
    walk.files.sort(key=lambda f: f.path)
    return Discovery(
        files=tuple(walk.files),
        findings=tuple(walk.findings),
        ignored_dirs=tuple(sorted(walk.ignored)),
        excluded=tuple(sorted(walk.excluded)),
        gitignored=walk.gitignored,
        complete=walk.complete,
    )


def _walk_dir(
    walk: _Walk, dir_abs: str, dir_rel: str, depth: int, specs: list[tuple[str, pathspec.GitIgnoreSpec]]
) -> None:
    if depth > MAX_DEPTH:
        walk.complete = False
        walk.findings.append(make_finding(
            "scan-limit-reached",
            f"Folder {display_path(dir_rel)!r} is nested deeper than {MAX_DEPTH} levels; it was not analysed.",
            [Location(display_path(dir_rel))]))
        return
    room = MAX_GITIGNORE_PATTERNS - sum(len(spec.patterns) for _, spec in specs)
    if gitignore_spec := _load_gitignore(dir_abs, room):
        specs = [*specs, (dir_rel, gitignore_spec)]
    try:
        entries = sorted(os.scandir(dir_abs), key=lambda e: e.name)
    except OSError as exc:
        walk.findings.append(make_finding(
            "unreadable-file", f"Folder {display_path(dir_rel or '.')!r} could not be listed: {exc.strerror}.",
            [Location(display_path(dir_rel or "."))]))
        return
    for entry in entries:
        if len(walk.files) >= MAX_FILES:
            if walk.complete:
                walk.complete = False
                walk.findings.append(make_finding(
                    "scan-limit-reached", f"More than {MAX_FILES} files; the rest were not analysed.",
                    [Location(display_path(dir_rel or "."))]))
            return
        _visit(walk, entry, dir_rel, depth, specs)


def _visit(
    walk: _Walk, entry: os.DirEntry[str], dir_rel: str, depth: int, specs: list[tuple[str, pathspec.GitIgnoreSpec]]
) -> None:
    rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
    shown = display_path(rel)
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        walk.findings.append(make_finding(
            "unreadable-file", f"{shown!r} could not be examined: {exc.strerror}.", [Location(shown)]))
        return
    real = entry.path
    if stat.S_ISLNK(st.st_mode):
        target = _link_target_inside(walk.root, entry.path)
        if target is None:
            walk.findings.append(make_finding(
                "symlink-outside-root",
                f"{shown!r} is a symbolic link that leads outside the scanned root (or nowhere); "
                "it was not followed.", [Location(shown)]))
            return
        try:
            st = os.stat(target)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode):
            return  # a folder inside the root is scanned where it really is; following could loop
        real = target
    is_dir = stat.S_ISDIR(st.st_mode)
    if walk.exclude is not None and walk.exclude.match_file(rel + "/" if is_dir else rel):
        walk.excluded.append(shown)
        return
    if specs and _gitignored(specs, rel, is_dir):
        walk.gitignored += 1
        return
    if is_dir:
        if _is_ignored_dir(entry.name, entry.path):
            walk.ignored.append(shown)
            return
        _walk_dir(walk, entry.path, rel, depth + 1, specs)
    elif stat.S_ISREG(st.st_mode):
        walk.files.append(FileEntry(path=shown, abspath=real, size=st.st_size))
    else:
        walk.findings.append(make_finding(
            "skipped-special-file",
            f"{shown!r} is not a regular file (FIFO, socket or device) and was skipped.", [Location(shown)]))


def _link_target_inside(root: str, link: str) -> str | None:
    """The resolved target of ``link`` when it exists inside ``root``, else None."""
    try:
        target = os.path.realpath(link, strict=True)
    except (OSError, RuntimeError):  # broken link or loop
        return None
    if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
        return target
    return None
