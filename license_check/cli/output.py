"""Writing the report: a regular file atomically, a FIFO or device in place, never through a link.

Errors are ``OutputError`` (license_check.errors): the CLI reports them as exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import sys
import tempfile

from license_check.errors import OutputError


def write(path: str, text: str) -> None:
    """Write the report (UTF-8) to ``path``. A regular file (or a new one) is replaced atomically: a reader
    never sees half a report. A FIFO or a device is written to, never replaced (-o /dev/null stays a device;
    a FIFO without a reader is an error, not a hang). A symlink, a socket or a folder is refused (OutputError)."""
    data = text.encode("utf-8")
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise OutputError(f"{path} is a symbolic link (give the file it points to)")
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)):
        write_special(path, data)
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{path} is not a regular file")
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".license-check-", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~umask)  # mkstemp makes 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_special(path: str, data: bytes) -> None:
    """Write to a FIFO or a device in place: opened without blocking (ENXIO: a FIFO nobody reads)."""
    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{path} is a FIFO with no reader") from exc
        raise
    try:
        if not (stat.S_ISFIFO(os.fstat(fd).st_mode) or stat.S_ISCHR(os.fstat(fd).st_mode)
                or stat.S_ISBLK(os.fstat(fd).st_mode)):
            raise OutputError(f"{path} changed while it was opened")
        os.set_blocking(fd, True)  # a reader is there: wait for it like any pipe writer
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def utf8_streams() -> None:
    """The report is UTF-8 whatever the locale (LC_ALL=C, Latin-1, EUC-JP): stdout and stderr are re-set to
    UTF-8 (stderr with backslashreplace, so that a log line can never fail)."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.replace("_", "-").lower() not in ("utf-8", "utf8"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors=errors)


_VERDICT_STYLE = {"PASS": "green", "WARN": "yellow", "FAIL": "red"}


def colour_enabled(stream: object, env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


def paint_verdict(text: str) -> str:
    """``text`` with its verdict line's word coloured (PASS green, WARN yellow, FAIL red); nothing else."""
    import click

    def paint(match: re.Match[str]) -> str:
        word = match.group(1)
        return "verdict: " + click.style(word, fg=_VERDICT_STYLE[word], bold=True)

    return _VERDICT_LINE.sub(paint, text)


_VERDICT_LINE = re.compile(r"^verdict: (PASS|WARN|FAIL)(?= )", re.MULTILINE)
