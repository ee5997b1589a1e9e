"""Which folders are not the repository's own content, judged by their real layout, not by one file.

A name alone is too cheap to spoof: an empty ``pyvenv.cfg`` dropped into ``models/nc/`` must not hide
that folder. So:

- version-control metadata (``.git``, ``.hg``, ``.svn``, ``.bzr``) is never content;
- a virtual environment needs its layout: ``pyvenv.cfg`` plus a Python in ``bin/`` or ``Scripts/`` plus
  ``lib/pythonX.Y/site-packages`` (or ``Lib/site-packages``), and nothing at its top level that a
  virtual environment does not hold (a README or a model beside them makes it content);
- ``node_modules`` must look installed: each entry a dot-entry, a package folder with a
  ``package.json``, or an ``@scope`` folder of such packages;
- ``*.egg-info`` / ``*.dist-info`` must hold their metadata file (``PKG-INFO`` / ``METADATA``);
- tool caches (``__pycache__``, ``.mypy_cache``, ``.pytest_cache`` ...) are skipped only when a bounded
  look inside finds no license-bearing file (a license, notice, README, card, document, manifest or
  weights file); past the bound they are content.

``build/`` and ``dist/`` are content: they may hold what the repository ships. Every folder left out is
listed in the report with its reason.
"""

from __future__ import annotations

import os
import re
import stat

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
CACHE_DIRS = frozenset({
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".ipynb_checkpoints",
    ".cache", ".idea", ".gradle", ".eggs",
})
_CACHE_EXPECTED = {".pytest_cache": frozenset({"README.md"})}  # pytest writes this one itself
PEEK_LIMIT = 2000  # entries looked at inside a cache before it is taken for content
_VENV_TOP = frozenset({
    "pyvenv.cfg", "bin", "Scripts", "lib", "lib64", "Lib", "include", "Include", "share", "etc", "man",
    ".gitignore", "CACHEDIR.TAG", "conda-meta", "pip-selfcheck.json",
})
_BEARING = re.compile(
    r"licen[cs]e|copying|copyright|notice|eula|readme|card|patent|"
    r"\.(?:md|markdown|rst|txt|cff|spdx|safetensors|pt|pth|bin|ckpt|gguf|ggml|onnx|h5|pb|tflite|npz|npy|"
    r"pkl|pickle|joblib|msgpack|mlmodel|keras)$|"
    r"^(?:setup\.py|package\.json|pyproject\.toml)$", re.IGNORECASE)


def _entries(path: str) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return None


def _lexists(path: str) -> bool:
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_venv(path: str) -> bool:
    try:
        if not stat.S_ISREG(os.lstat(os.path.join(path, "pyvenv.cfg")).st_mode):
            return False
    except OSError:
        return False
    top = _entries(path)
    if top is None or any(e.name not in _VENV_TOP for e in top):
        return False
    bins = [os.path.join(path, "bin", n) for n in ("python", "python3")] + [
        os.path.join(path, "Scripts", "python.exe")]
    if not any(_lexists(b) for b in bins):
        return False
    if _is_dir(os.path.join(path, "Lib", "site-packages")):
        return True
    lib = _entries(os.path.join(path, "lib")) or []
    return any(re.fullmatch(r"(?:python|pypy)\d+(?:\.\d+)*t?", e.name) is not None
               and _is_dir(os.path.join(e.path, "site-packages")) for e in lib)


def _is_package(path: str) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        return True  # pnpm links packages in; discovery never follows a folder link anyway
    return stat.S_ISDIR(mode) and _lexists(os.path.join(path, "package.json"))


def _is_node_modules(path: str) -> bool:
    top = _entries(path)
    if top is None:
        return False
    for entry in top:
        if entry.name.startswith("."):
            continue
        if entry.name.startswith("@") and _is_dir(entry.path):
            inner = _entries(entry.path)
            if inner is None or not all(_is_package(e.path) for e in inner):
                return False
        elif not _is_package(entry.path):
            return False
    return True


def _holds_content(path: str, name: str) -> bool:
    """Whether a bounded look inside a cache finds a license-bearing file (or runs out of budget)."""
    expected = _CACHE_EXPECTED.get(name, frozenset())
    budget, stack, first = PEEK_LIMIT, [path], True
    while stack:
        entries = _entries(stack.pop())
        if entries is None:
            return True  # cannot tell: treat as content (the walk reports what it cannot read)
        for entry in entries:
            budget -= 1
            if budget < 0:
                return True
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif _BEARING.search(entry.name) and not (first and entry.name in expected):
                return True
        first = False
    return False


def non_content(name: str, path: str) -> str | None:
    """Why the folder ``path`` (named ``name``) is not the repository's own content, or None."""
    if name in VCS_DIRS:
        return "version-control metadata"
    if name == "node_modules":
        return "installed npm packages" if _is_node_modules(path) else None
    if name.endswith(".egg-info"):
        return "package metadata" if _lexists(os.path.join(path, "PKG-INFO")) else None
    if name.endswith(".dist-info"):
        return "package metadata" if _lexists(os.path.join(path, "METADATA")) else None
    if name in CACHE_DIRS:
        return None if _holds_content(path, name) else "tool cache"
    if _lexists(os.path.join(path, "pyvenv.cfg")) and _is_venv(path):
        return "virtual environment"
    return None
