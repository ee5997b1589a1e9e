"""Locating an environment for --deps-env: auto, a venv folder, an interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from license_check.collect.deps.environment import MARKER_KEYS, Location, locate
from license_check.collect.deps.model import ReadProblem


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    return folder


def short() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def test_a_venv_folder(venv: Path) -> None:
    found = locate(str(venv), {})
    assert isinstance(found, Location)
    assert found.found == "venv" and found.python_version == short() and found.prefix == venv
    assert found.site_dirs and all(p.is_dir() and p.name == "site-packages" for p in found.site_dirs)
    assert set(MARKER_KEYS) <= set(found.markers) and found.markers["python_version"] == short()
    assert found.markers["python_full_version"].startswith(short())


def test_auto_uses_virtual_env(venv: Path) -> None:
    found = locate("auto", {"VIRTUAL_ENV": str(venv)})
    assert isinstance(found, Location) and found.found == "auto: $VIRTUAL_ENV"
    missing = locate("auto", {})
    assert isinstance(missing, ReadProblem) and "$VIRTUAL_ENV is not set" in missing.message


def test_the_interpreter_of_a_venv_is_the_venv(venv: Path) -> None:
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    found = locate(str(python), {})
    assert isinstance(found, Location) and found.found == "venv" and found.prefix == venv


@pytest.mark.skipif(sys.platform == "win32", reason="a shell wrapper stands for another interpreter")
def test_another_interpreter_is_asked_once(tmp_path: Path) -> None:
    wrapper = tmp_path / "bin" / "python-elsewhere"  # not inside a venv, whatever runs the tests
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    found = locate(str(wrapper), {})
    assert isinstance(found, Location), found
    assert found.found == "interpreter" and found.python_version == short()
    assert set(MARKER_KEYS) <= set(found.markers) and found.site_dirs
    assert found.markers["sys_platform"] == sys.platform


def test_versions_from_pyvenv_cfg(tmp_path: Path) -> None:
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\nimplementation = PyPy\n"
                                         "version_info = 3.13.0.candidate.1\n")
    (tmp_path / "lib" / "pypy3.13" / "site-packages").mkdir(parents=True)
    found = locate(str(tmp_path), {})
    assert isinstance(found, Location)
    assert found.python_version == "3.13" and found.markers["python_full_version"] == "3.13.0rc1"
    assert found.markers["implementation_name"] == "pypy"
    windows = tmp_path / "win"
    (windows / "Lib" / "site-packages").mkdir(parents=True)
    (windows / "pyvenv.cfg").write_text("version = 3.12.1\n")
    found = locate(str(windows), {})
    assert isinstance(found, Location) and found.site_dirs == (windows / "Lib" / "site-packages",)


def test_problems_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "novers").mkdir()
    (tmp_path / "novers" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "nosite").mkdir()
    (tmp_path / "nosite" / "pyvenv.cfg").write_text("version = 3.11.2\n")
    (tmp_path / "plain").mkdir()
    script = tmp_path / "fake-python"
    script.write_text("#!/bin/sh\necho not json\n")
    script.chmod(0o755)
    failing = tmp_path / "failing-python"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    text = tmp_path / "text-file"
    text.write_text("hello")
    for spec, words in [(tmp_path / "novers", "no Python version"), (tmp_path / "nosite", "no site-packages"),
                        (tmp_path / "plain", "not a virtual environment"), (tmp_path / "nope", "no such"),
                        (script, "no readable answer"), (failing, "exit 3"), (text, "could not be run"),
                        ("bad\x00path", "")]:
        found = locate(str(spec), {"PATH": ""})
        assert isinstance(found, ReadProblem), spec
        assert words in found.message
