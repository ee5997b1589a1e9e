"""Locating an installed Python environment (``--deps-env``): its site-packages folders and marker values.

The spec is ``auto`` (the virtual environment a CI job activated: ``$VIRTUAL_ENV``), a venv folder (it
holds ``pyvenv.cfg``) or a Python interpreter. A venv is read from its files alone: the version from
``pyvenv.cfg`` (``version_info`` or ``version``), the platform markers from the host that runs the scan.
An interpreter inside a venv (``venv/bin/python``) is that venv. Any other interpreter is run once, as
``python -I -S -c <a fixed program>`` (isolated: no environment variables, no user site, no ``site``
import at start-up; no shell; 10 s timeout), which prints as JSON what ``site.getsitepackages()`` and
``sysconfig.get_paths()`` give and its marker environment. That runs the user's chosen interpreter, the
one the user named on the command line; no code of the scanned repository is ever run or imported.
A conda-style folder without ``pyvenv.cfg`` but with ``bin/python3`` (``python.exe``) is that
interpreter. Nothing here raises: every failure is a ``ReadProblem``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from license_check.collect.deps.model import ReadProblem

TIMEOUT_SECONDS = 10.0
_OUTPUT_CAP = 1024 * 1024
_CFG_CAP = 64 * 1024
MARKER_KEYS = ("python_version", "python_full_version", "sys_platform", "platform_system", "platform_machine",
               "os_name", "implementation_name", "platform_python_implementation")

# Run in the user's interpreter: the standard library only (it may be any Python 3), output on one line.
_PROBE = """\
import json, os, platform, site, sys, sysconfig
try:
    sites = list(site.getsitepackages())
except Exception:
    sites = []
paths = sysconfig.get_paths()
info = sys.implementation.version
full = "%d.%d.%d" % (info.major, info.minor, info.micro)
if info.releaselevel != "final":
    full += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(info.releaselevel, "") + str(info.serial)
print(json.dumps({"site": sites, "purelib": paths.get("purelib"), "platlib": paths.get("platlib"),
    "prefix": sys.prefix, "markers": {
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "python_full_version": platform.python_version(), "sys_platform": sys.platform,
    "platform_system": platform.system(), "platform_machine": platform.machine(), "os_name": os.name,
    "implementation_name": sys.implementation.name,
    "platform_python_implementation": platform.python_implementation(),
    "implementation_version": full}}))
"""


@dataclass(frozen=True, slots=True)
class Location:
    """Where an environment's distributions are, and the marker values its requirements are evaluated with."""

    site_dirs: tuple[Path, ...]  # in sys.path order: the first one wins for a duplicate name
    python_version: str  # "3.11"
    found: str  # how: "auto: $VIRTUAL_ENV", "venv", "interpreter"
    markers: dict[str, str] = field(default_factory=dict)  # for packaging.markers (MARKER_KEYS at least)
    prefix: Path | None = None  # the venv folder or the interpreter's sys.prefix


def locate(spec: str, env: Mapping[str, str]) -> Location | ReadProblem:
    """The environment ``spec`` names: ``auto`` ($VIRTUAL_ENV of ``env``), a venv folder or an interpreter."""
    try:
        return _locate(spec, env)
    except (OSError, ValueError) as exc:  # a path the OS refuses (too long, NUL byte...)
        return ReadProblem(spec, None, f"--deps-env {spec!r}: cannot be read ({type(exc).__name__}: {exc})")


def _locate(spec: str, env: Mapping[str, str]) -> Location | ReadProblem:
    if spec == "auto":
        folder = env.get("VIRTUAL_ENV", "").strip()
        if not folder:
            return ReadProblem("$VIRTUAL_ENV", None,
                               "--deps-env auto: $VIRTUAL_ENV is not set (no virtual environment is active)")
        found = _folder(Path(folder), "auto: $VIRTUAL_ENV", env)
        return found
    path = Path(spec).expanduser()
    if not path.exists() and os.sep not in spec and "/" not in spec:
        which = shutil.which(spec, path=env.get("PATH"))  # "python3.12": the interpreter on PATH
        if which:
            path = Path(which)
    if path.is_dir():
        return _folder(path, "venv", env)
    if path.is_file():
        venv = path.absolute().parent.parent  # venv/bin/python, venv\Scripts\python.exe (not resolved)
        if (venv / "pyvenv.cfg").is_file():
            return _venv(venv, "venv")
        return _interpreter(path)
    return ReadProblem(spec, None, f"--deps-env {spec!r}: no such folder or interpreter")


def _folder(path: Path, found: str, env: Mapping[str, str]) -> Location | ReadProblem:
    if (path / "pyvenv.cfg").is_file():
        return _venv(path, found)
    for candidate in (path / "bin" / "python3", path / "bin" / "python", path / "python.exe"):
        if candidate.is_file():  # a conda environment or a plain prefix: ask its interpreter
            located = _interpreter(candidate)
            if isinstance(located, Location) and found != "venv":
                return Location(located.site_dirs, located.python_version, found, located.markers, located.prefix)
            return located
    return ReadProblem(str(path), None, f"{path} is not a virtual environment (no pyvenv.cfg) "
                                        "and holds no Python interpreter")


def _read_cfg(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            text = handle.read(_CFG_CAP).decode("utf-8", errors="replace")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out.setdefault(key.strip().lower(), value.strip())
    return out


_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(?:\.(alpha|beta|candidate|final)(?:\.(\d+))?)?")


def _full_version(raw: str) -> str | None:
    """"3.11.7", "3.13.0.candidate.1" (virtualenv's version_info) -> PEP 440 "3.11.7", "3.13.0rc1"."""
    match = _VERSION.match(raw.strip())
    if not match:
        return None
    major, minor, micro, level, serial = match.groups()
    full = f"{major}.{minor}.{micro or 0}"
    if level and level != "final":
        full += {"alpha": "a", "beta": "b", "candidate": "rc"}[level] + (serial or "0")
    return full


def host_markers() -> dict[str, str]:
    """The marker values of the host that runs the scan (packaging.markers.default_environment's)."""
    return {
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "python_full_version": platform.python_version(),
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
        "platform_machine": platform.machine(),
        "os_name": os.name,
        "implementation_name": sys.implementation.name,
        "platform_python_implementation": platform.python_implementation(),
    }


def _venv(folder: Path, found: str) -> Location | ReadProblem:
    folder = folder.absolute()
    cfg = _read_cfg(folder / "pyvenv.cfg")
    raw = cfg.get("version_info") or cfg.get("version") or ""
    full = _full_version(raw)
    markers = host_markers()
    if full is None:
        return ReadProblem(str(folder / "pyvenv.cfg"), None,
                           f"{folder / 'pyvenv.cfg'} gives no Python version (version_info or version)")
    short = ".".join(full.split(".")[:2])
    markers["python_version"], markers["python_full_version"] = short, full
    implementation = cfg.get("implementation", "")  # virtualenv writes it ("CPython", "PyPy")
    if implementation:
        markers["platform_python_implementation"] = implementation
        markers["implementation_name"] = implementation.lower()
    sites = _venv_sites(folder, short)
    if not sites:
        return ReadProblem(str(folder), None, f"{folder} has no site-packages folder for Python {short}")
    return Location(tuple(sites), short, found, markers, folder)


def _venv_sites(folder: Path, short: str) -> list[Path]:
    candidates: list[Path] = []
    for lib in ("lib", "lib64"):
        base = folder / lib
        exact = [base / f"{name}{short}{tag}" / "site-packages"
                 for name in ("python", "pypy") for tag in ("", "t")]
        others = sorted(base.glob("*/site-packages")) if base.is_dir() else []
        candidates += [p for p in exact if p.is_dir()] or [p for p in others if p.is_dir()]
    candidates.append(folder / "Lib" / "site-packages")  # Windows
    out: list[Path] = []
    seen: set[str] = set()
    for path in candidates:
        real = os.path.realpath(path)
        if path.is_dir() and real not in seen:  # lib64 is often a link to lib
            seen.add(real)
            out.append(path)
    return out


def _interpreter(path: Path) -> Location | ReadProblem:
    shown = str(path)
    try:
        done = subprocess.run([str(path.absolute()), "-I", "-S", "-c", _PROBE], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS, check=False, shell=False)
    except subprocess.TimeoutExpired:
        return ReadProblem(shown, None, f"{shown} did not answer within {TIMEOUT_SECONDS:g} s")
    except OSError as exc:
        return ReadProblem(shown, None, f"{shown} could not be run: {exc.strerror or type(exc).__name__}")
    if done.returncode != 0:
        tail = done.stderr[-300:].decode("utf-8", errors="replace").strip()
        return ReadProblem(shown, None, f"{shown} is not a Python 3 interpreter (exit {done.returncode}: {tail})")
    try:
        answer = json.loads(done.stdout[:_OUTPUT_CAP].decode("utf-8", errors="replace"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("markers"), dict):
        return ReadProblem(shown, None, f"{shown} gave no readable answer (is it a Python interpreter?)")
    markers = {k: v for k, v in answer["markers"].items() if isinstance(k, str) and isinstance(v, str)}
    raw_sites: list[object] = answer["site"] if isinstance(answer.get("site"), list) else []
    sites: list[Path] = []
    seen: set[str] = set()
    for item in [*raw_sites, answer.get("purelib"), answer.get("platlib")]:
        if isinstance(item, str) and item and os.path.isdir(item) and os.path.realpath(item) not in seen:
            seen.add(os.path.realpath(item))
            sites.append(Path(item))
    version = markers.get("python_version", "")
    if not sites:
        return ReadProblem(shown, None, f"{shown} names no existing site-packages folder")
    prefix = answer.get("prefix")
    return Location(tuple(sites), version, "interpreter", markers, Path(prefix) if isinstance(prefix, str) else None)
