"""What git says is content: the tracked files under the root, plus the untracked files it does not ignore.

Asked of the ``git`` program on PATH (never one inside the scanned tree) with ``ls-files -z``, under an
environment that keeps the scanned repository from running anything: no system or global config, no
hooks, ``core.fsmonitor`` off (a repository's config may name a program there), no optional locks, no
terminal prompt, a timeout. Command-line ``-c`` settings win over the repository's own config, includes
and all. A repository owned by another user is refused by git (``safe.directory``): that, a missing git,
a timeout or any other failure is "no git", and discovery walks the file system instead (which scans
more, never less). Git's answer is only a filter on discovery's own walk: a path git names is never
opened unless the walk finds it inside the root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

GIT_TIMEOUT = 20.0  # seconds, for each git command
_GITLINK = "160000"  # the index mode of a submodule

# Settings that make a repository's config unable to start a program or change what is listed.
_SAFE_CONFIG = (
    "core.fsmonitor=false", "core.untrackedCache=false", "core.hooksPath=" + os.devnull,
    "core.excludesFile=" + os.devnull, "core.quotePath=false", "core.sparseCheckout=false",
    "protocol.allow=never", "color.ui=false",
)


@dataclass(frozen=True, slots=True)
class GitListing:
    tracked: frozenset[str]  # tracked files (and symlinks), relative to the root
    untracked: frozenset[str]  # untracked files git does not ignore
    nested: frozenset[str]  # submodules and nested repositories: walked as plain folders
    tracked_dirs: frozenset[str]  # folders holding a tracked path
    listed_dirs: frozenset[str]  # folders holding any listed path


def _ancestors(paths: frozenset[str]) -> frozenset[str]:
    dirs: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0:
            parent = path[:cut]
            if parent in dirs:
                break
            dirs.add(parent)
            cut = parent.rfind("/")
    return frozenset(dirs)


def _in_checkout(root: str) -> bool:
    """A cheap test before running git: a ``.git`` entry in the root or above it."""
    here = root
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def _git_program(root: str) -> str | None:
    found = shutil.which("git")
    if found is None:
        return None
    real = os.path.realpath(found)
    if real == root or real.startswith(root.rstrip(os.sep) + os.sep) or not os.path.isabs(found):
        return None  # a git inside the scanned tree (PATH with "." in it) is the tree's code: never run it
    return real


def _environment() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath), "HOME": os.devnull, "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_ATTR_NOSYSTEM": "1",
        "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "",
        "GIT_NO_REPLACE_OBJECTS": "1",
    }


def _run(git: str, root: str, args: list[str]) -> bytes:
    command = [git, "--no-pager"]
    for setting in _SAFE_CONFIG:
        command += ["-c", setting]
    result = subprocess.run(
        [*command, *args], cwd=root, env=_environment(), stdin=subprocess.DEVNULL, capture_output=True,
        timeout=GIT_TIMEOUT, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(message[0] if message else f"git exited with {result.returncode}")
    return result.stdout


def _relative(raw: bytes) -> str | None:
    path = os.fsdecode(raw)
    if not path or path.startswith("/") or any(part in {"", ".", ".."} for part in path.rstrip("/").split("/")):
        return None  # never a path git lists from inside the root; refuse rather than guess
    return path


def git_listing(root: str) -> tuple[GitListing | None, str]:
    """Git's content list for ``root`` (a real path), or None and why discovery walks without it."""
    if not _in_checkout(root):
        return None, "not a git checkout"
    git = _git_program(root)
    if git is None:
        return None, "git is not installed"
    try:
        staged = _run(git, root, ["ls-files", "-z", "--cached", "--stage"])
        others = _run(git, root, ["ls-files", "-z", "--others", "--exclude-standard"])
    except subprocess.TimeoutExpired:
        return None, f"git did not answer within {GIT_TIMEOUT:.0f} s"
    except OSError as exc:
        return None, f"git failed: {str(exc)[:200]}"
    tracked: set[str] = set()
    gitlinks: set[str] = set()
    for record in staged.split(b"\0"):
        meta, tab, raw = record.partition(b"\t")
        if not tab or (rel := _relative(raw)) is None:
            continue
        (gitlinks if meta.split(b" ", 1)[0].decode("ascii", "replace") == _GITLINK else tracked).add(rel)
    if not tracked and not gitlinks:
        return None, "nothing under the root is tracked by git"
    untracked: set[str] = set()
    nested = set(gitlinks)
    for raw in others.split(b"\0"):
        if (rel := _relative(raw)) is None:
            continue
        if rel.endswith("/"):  # a nested repository git does not look into
            nested.add(rel.rstrip("/"))
        else:
            untracked.add(rel)
    tracked_set, untracked_set = frozenset(tracked), frozenset(untracked)
    tracked_dirs = _ancestors(tracked_set | frozenset(gitlinks))
    return GitListing(
        tracked=tracked_set, untracked=untracked_set, nested=frozenset(nested),
        tracked_dirs=tracked_dirs, listed_dirs=tracked_dirs | _ancestors(untracked_set | frozenset(nested)),
    ), "git index"
