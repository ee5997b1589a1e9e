"""Discovery: walk the scanned root and list the regular files to analyse.

What is content (README "What is scanned"):

- in a git checkout (git installed and willing to answer, see gitlist.py), what git tracks, plus the
  untracked files git does not ignore. A committed file is content even when a ``.gitignore`` line
  matches it, and even inside ``build/``, ``dist/`` or ``node_modules``. Untracked folders that are not
  content by their layout (layout.py: virtual environments, installed packages, tool caches) are left out;
- otherwise (an exported tree, a tarball, no git), everything except the folders that are not content by
  their layout. ``.gitignore`` hides nothing there: what an export holds is what it ships.

Safety rules (README "Safety"): never follow a symlink out of the root, never follow a symlinked folder at
all (its content is scanned where it really lives, or not at all when that is outside), skip FIFOs,
sockets and devices with a finding, bound depth, path length and file count. Content a bound or an
unreadable folder keeps out is in ``Discovery.skipped`` with its reason, makes ``complete`` False and is
named in a ``scan-limit-reached`` (or ``unreadable-file``) finding. ``--exclude`` patterns (gitignore
syntax, relative to the root, matched in linear time: patterns.py) leave paths out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field

from license_check.collect.discover.gitlist import GitListing, git_listing
from license_check.collect.discover.layout import VCS_DIRS, non_content
from license_check.collect.discover.patterns import PathSpec
from license_check.collect.reading import display_path
from license_check.findings import make_finding
from license_check.model import FileEntry, Finding, Location

__all__ = ["MAX_DEPTH", "MAX_FILES", "PATH_MAX", "Discovery", "Skipped", "discover"]

MAX_DEPTH = 64
MAX_FILES = 200_000
PATH_MAX = 4096  # bytes in an absolute path, terminator included (Linux); longer paths cannot be opened
_NAMED = 20  # paths named in one finding; the rest are counted (Discovery.skipped has them all)
_GITIGNORED_NAMED = 50

_LIMIT_TEXT = {
    "depth-limit": "nested deeper than {MAX_DEPTH} folders",
    "path-too-long": "with a path longer than {PATH_MAX} bytes",
    "file-limit": "past the {MAX_FILES}-file cap (each named path and the entries after it in name order)",
}


@dataclass(frozen=True, slots=True)
class Skipped:
    """Content discovery did not read: ``reason`` is depth-limit, path-too-long, file-limit or unreadable."""
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[FileEntry, ...]
    findings: tuple[Finding, ...]
    ignored_dirs: tuple[str, ...]  # trees left out as not part of the repository's own content
    excluded: tuple[str, ...]  # paths left out by --exclude
    gitignored: int  # untracked files and folders git ignores (a git checkout only)
    complete: bool  # False when a limit or an unreadable folder kept content out: see ``skipped``
    skipped: tuple[Skipped, ...] = ()
    source: str = "filesystem"  # "git": git's index decided what is content; "filesystem": the walk did
    source_note: str = ""  # why the walk did not use git, or "git index"
    ignored_reasons: tuple[tuple[str, str], ...] = ()  # (tree, why it is not content)
    gitignored_paths: tuple[str, ...] = ()  # the first of the git-ignored paths
    # Each file's (device, inode, size, mtime ns, ctime ns) as the walk saw it: what the caches key unchanged files
    # by (a stat the walk made anyway). Not content: never compared, never part of the evidence.
    stats: Mapping[str, tuple[int, int, int, int, int]] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class _Walk:
    root: str
    exclude: PathSpec | None
    git: GitListing | None
    files: list[FileEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    gitignored: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    stats: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    keep_stats: bool = True
    full: bool = False


def discover(root: str, exclude: tuple[str, ...] = (), *, keep_stats: bool = True) -> Discovery:
    """List the regular files under ``root`` (an existing directory), sorted by path. ``keep_stats`` False: no
    Discovery.stats (a scan without the caches has no use for them: 12 MB for 50,000 files)."""
    root = os.path.realpath(root)
    listing, note = git_listing(root)
    walk = _Walk(root=root, exclude=PathSpec(exclude) if exclude else None, git=listing, keep_stats=keep_stats)
    _walk_dir(walk, root, "", 0, listing is not None)
    walk.files.sort(key=lambda f: f.path)
    walk.findings.extend(_limit_findings(walk.skipped))
    ignored = sorted(walk.ignored)
    return Discovery(
        files=tuple(walk.files),
        findings=tuple(walk.findings),
        ignored_dirs=tuple(path for path, _ in ignored),
        excluded=tuple(sorted(walk.excluded)),
        gitignored=len(walk.gitignored),
        complete=not walk.skipped,
        skipped=tuple(walk.skipped),
        source="git" if listing is not None else "filesystem",
        source_note=note,
        ignored_reasons=tuple(ignored),
        gitignored_paths=tuple(sorted(walk.gitignored)[:_GITIGNORED_NAMED]),
        stats=walk.stats,
    )


def _limit_findings(skipped: list[Skipped]) -> list[Finding]:
    limits = {"MAX_DEPTH": MAX_DEPTH, "PATH_MAX": PATH_MAX, "MAX_FILES": MAX_FILES}
    out: list[Finding] = []
    for reason, text in _LIMIT_TEXT.items():
        paths = [s.path for s in skipped if s.reason == reason]
        if not paths:
            continue
        more = f" (+{len(paths) - _NAMED} more)" if len(paths) > _NAMED else ""
        out.append(make_finding(
            "scan-limit-reached",
            f"Content {text.format(**limits)} was not analysed: {', '.join(paths[:_NAMED])}{more}. "
            "License evidence in it is missing, so the scan is incomplete.",
            [Location(p) for p in paths[:_NAMED]]))
    return out


def _too_long(path: str) -> bool:
    # A character is at most 4 bytes in the file system's encoding (UTF-8; an escaped byte is 1): most paths
    # are short enough to need no encoding to tell.
    return len(path) * 4 >= PATH_MAX and len(os.fsencode(path)) >= PATH_MAX


def _walk_dir(walk: _Walk, dir_abs: str, dir_rel: str, depth: int, by_git: bool) -> None:
    shown = display_path(dir_rel or ".")
    if depth > MAX_DEPTH:
        walk.skipped.append(Skipped(shown, "depth-limit"))
        return
    if _too_long(dir_abs):
        walk.skipped.append(Skipped(shown, "path-too-long"))
        return
    try:
        with os.scandir(dir_abs) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        walk.skipped.append(Skipped(shown, "unreadable"))
        walk.findings.append(make_finding(
            "unreadable-file", f"Folder {shown!r} could not be listed: {exc.strerror}; its content was not "
            "analysed, so the scan is incomplete.", [Location(shown)]))
        return
    for entry in entries:
        if walk.full or len(walk.files) >= MAX_FILES:
            walk.full = True
            rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
            walk.skipped.append(Skipped(display_path(rel), "file-limit"))
            return
        _visit(walk, entry, dir_rel, depth, by_git)


def _visit(walk: _Walk, entry: os.DirEntry[str], dir_rel: str, depth: int, by_git: bool) -> None:
    rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
    shown = display_path(rel)
    if _too_long(entry.path):
        walk.skipped.append(Skipped(shown, "path-too-long"))
        return
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        walk.skipped.append(Skipped(shown, "unreadable"))
        walk.findings.append(make_finding(
            "unreadable-file", f"{shown!r} could not be examined: {exc.strerror}.", [Location(shown)]))
        return
    if entry.name in VCS_DIRS:  # a .git folder, or a .git file of a worktree or submodule
        if stat.S_ISDIR(st.st_mode):
            walk.ignored.append((shown, "version-control metadata"))
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
    if walk.exclude is not None and walk.exclude.match(rel, is_dir):
        walk.excluded.append(shown)
        return
    if is_dir:
        _visit_dir(walk, entry, rel, shown, depth, by_git)
    elif by_git and walk.git is not None and rel not in walk.git.tracked and rel not in walk.git.untracked:
        walk.gitignored.append(shown)
    elif stat.S_ISREG(st.st_mode):
        walk.files.append(FileEntry(path=shown, abspath=real, size=st.st_size))
        if walk.keep_stats:
            walk.stats[shown] = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    else:
        walk.findings.append(make_finding(
            "skipped-special-file",
            f"{shown!r} is not a regular file (FIFO, socket or device) and was skipped.", [Location(shown)]))


def _visit_dir(walk: _Walk, entry: os.DirEntry[str], rel: str, shown: str, depth: int, by_git: bool) -> None:
    git = walk.git if by_git else None
    if git is not None and rel in git.tracked_dirs:
        _walk_dir(walk, entry.path, rel, depth + 1, True)  # holds tracked files: content, whatever its name
        return
    if git is not None and rel not in git.listed_dirs and rel not in git.nested:
        walk.gitignored.append(shown)  # untracked, and git ignores all of it
        return
    if (why := non_content(entry.name, entry.path)) is not None:
        walk.ignored.append((shown, why))
        return
    _walk_dir(walk, entry.path, rel, depth + 1, git is not None and rel not in git.nested)


def _link_target_inside(root: str, link: str) -> str | None:
    """The resolved target of ``link`` when it exists inside ``root``, else None."""
    try:
        target = os.path.realpath(link, strict=True)
    except (OSError, RuntimeError):  # broken link or loop
        return None
    if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
        return target
    return None
