"""The command line: exit codes, stdout carries only the report, stderr the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from license_check import __version__
from license_check import pipeline as scan
from license_check.cli import cli
from license_check.knowledge.rulebook import RulesError
from tests.conftest import SAMPLES


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and __version__ in out
    code, out, _ = invoke("--help")
    assert code == 0 and "--format" in out and "Exit status" in out


def test_missing_path_and_file_path_are_usage_errors(tmp_path: Path) -> None:
    code, out, err = invoke(str(tmp_path / "nope"))
    assert code == 2 and out == "" and "does not exist" in err
    (tmp_path / "f").write_text("x")
    code, out, err = invoke(str(tmp_path / "f"))
    assert code == 2 and out == "" and "is a file" in err


def test_unknown_option_and_format_are_usage_errors() -> None:
    assert invoke(str(SAMPLES / "mit-package"), "--frobnicate")[0] == 2
    assert invoke(str(SAMPLES / "mit-package"), "--format", "xml")[0] == 2


def test_json_goes_to_stdout_alone() -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["verdict"] == "pass" and doc["commercial_use"] == "allowed"


def test_table_ends_with_a_verdict_line() -> None:
    code, out, _ = invoke(str(SAMPLES / "mit-package"))
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith("verdict: PASS")


def test_fail_verdict_exits_1() -> None:
    code, out, _ = invoke(str(SAMPLES / "no-license"))
    assert code == 1 and "verdict: FAIL" in out and "no-license" in out


def test_warn_verdict_exits_0() -> None:
    code, out, _ = invoke(str(SAMPLES / "gpl-app-vendored"))
    assert code == 0 and "verdict: WARN" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = invoke(str(SAMPLES / "no-license"), "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["verdict"] == "fail"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left behind


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"))
    assert code == 2 and out == "" and "cannot write" in err


def test_exclude_is_applied(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT License\n\nPermission is hereby granted ...")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "a.py").write_text("# SPDX-License-Identifier: GPL-3.0-only\n")
    _, out, _ = invoke(str(tmp_path), "--format", "json", "--exclude", "fixtures/")
    doc = json.loads(out)
    assert doc["scan"]["excluded"] == ["fixtures"]
    assert all(e["path"] != "fixtures/a.py" for c in doc["components"] for e in c["evidence"])


def test_internal_error_is_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(scan, "scan_or_reuse", boom)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--no-cache")  # a stored report would skip the scan
    assert code == 3 and out == ""
    assert "internal error" in err and "kaboom" in err and "bug" in err
    assert "Traceback" not in err


def test_broken_rules_are_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(directory: object = None, **options: object) -> None:
        raise RulesError(["rules/licenses/code.toml: licenses.MIT.commercial_use: 'maybe' is not allowed"])

    monkeypatch.setattr(scan.Knowledge, "load", broken)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--no-cache")
    assert code == 2 and out == "" and "code.toml" in err


def test_verbose_logs_go_to_stderr() -> None:
    code, out, err = invoke(str(SAMPLES / "mit-package"), "--format", "json", "-v", "--no-cache")
    assert code == 0 and "discovered" in err
    json.loads(out)


def _hostile_card(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text('---\nlicense: cc-by-nc-4.0\nbase_model: "org/m\\e]0;PWNED\\a"\n---\n# m\n',
                                    encoding="utf-8")
    return root


@pytest.mark.parametrize("encoding", [None, "latin-1", "euc-jp", "ascii"])
def test_output_is_utf8_whatever_the_locale(tmp_path: Path, encoding: str | None) -> None:
    """LC_ALL=C (ASCII), a Latin-1 or an EUC-JP stdout: curly quotes and ¶ in the rules text used to exit 3."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    root = _hostile_card(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_CTYPE")}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", PYTHONPATH=str(REPO_ROOT))
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    for fmt in ("table", "json"):
        run = subprocess.run([sys.executable, "-m", "license_check", "--no-cache", "--format", fmt, str(root)],
                             capture_output=True, env=env, timeout=60)
        assert run.returncode == 1, run.stderr.decode("utf-8", "replace")
        text = run.stdout.decode("utf-8")  # strict: UTF-8, not the locale's encoding
        assert "verdict" in text and "\x1b" not in text
        if fmt == "json":
            assert json.loads(text)["commercial_use"] == "prohibited"
        else:
            assert "—" in text and "§" in text


def test_path_must_be_a_folder(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/null"):
        code, out, err = invoke(path)
        assert code == 2 and out == "" and "not a folder" in err, err
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")  # a link to a folder is a folder
    assert invoke(str(tmp_path / "link"), "--no-cache")[0] in (0, 1)


def test_output_to_a_device_writes_to_it_and_never_replaces_it() -> None:
    import os
    import stat

    code, out, err = invoke(str(SAMPLES / "mit-package"), "-o", "/dev/null")
    assert code == 0 and out == "" and err.startswith("verdict: PASS") and err.count("\n") == 1  # the answer
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_output_to_a_fifo(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "-o", str(fifo))  # nobody reads: no hang, exit 2
    assert code == 2 and "FIFO with no reader" in err and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    got: list[bytes] = []
    reader_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        def drain() -> None:
            os.set_blocking(reader_fd, True)
            with os.fdopen(os.dup(reader_fd), "rb") as handle:
                got.append(handle.read())
        code, _, err = invoke(str(SAMPLES / "mit-package"), "--format", "json", "-o", str(fifo))
        # the report (small) fits in the pipe buffer; the writer has closed: read it all
        thread = threading.Thread(target=drain)
        thread.start()
        thread.join(5)
    finally:
        os.close(reader_fd)
    assert code == 0, err
    assert json.loads(got[0])["verdict"] == "pass" and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    code, out, err = invoke(str(SAMPLES / "mit-package"), "-o", str(link))
    assert code == 2 and "symbolic link" in err
    assert link.is_symlink() and target.read_text() == "keep me"


def test_output_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "report.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    assert invoke(str(SAMPLES / "mit-package"), "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and "verdict: PASS" in target.read_text()


def test_quiet_prints_only_the_verdict_line_and_o_prints_it_on_stderr(tmp_path: Path) -> None:
    code, out, err = invoke(str(SAMPLES / "gpl-app-vendored"), "-q")
    assert code == 0 and err == "" and out.count("\n") == 1 and out.startswith("verdict: WARN — commercial use")
    target = tmp_path / "report.json"
    code, out, err = invoke(str(SAMPLES / "no-license"), "--format", "json", "-o", str(target))
    assert code == 1 and out == "" and err.startswith("verdict: FAIL") and json.loads(target.read_text())
    code, out, err = invoke(str(SAMPLES / "no-license"), "--format", "json", "-q")
    assert code == 1 and out.startswith("verdict: FAIL") and "{" not in out
