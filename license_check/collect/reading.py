"""Bounded, defensive file reading shared by every detector.

Never reads more than ``limit`` bytes, never follows anything (discovery already checked the path),
never raises on bad bytes: a read either gives text or says why not.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import BinaryIO

# Caps (bytes). Detectors pass the one that fits their input.
LICENSE_TEXT_CAP = 256 * 1024  # a license file longer than this is reported, not partially matched
MANIFEST_CAP = 1024 * 1024
HEADER_CAP = 8 * 1024  # SPDX headers: the first lines of a file
README_CAP = 256 * 1024


@dataclass(frozen=True, slots=True)
class ReadResult:
    text: str | None  # None when the file could not be read or is binary
    truncated: bool = False  # the file is longer than the cap; text holds the first ``limit`` bytes
    error: str | None = None  # why text is None
    binary: bool = False


def display_path(raw: bytes | str) -> str:
    """A path safe to print and to put in JSON: non-UTF-8 bytes and control characters as %XX."""
    if isinstance(raw, str) and raw.isascii() and raw.isprintable():  # the common case: nothing to escape
        return raw
    data = os.fsencode(raw) if isinstance(raw, str) else raw
    if data.isascii():
        text = data.decode("ascii")
        if text.isprintable():
            return text
    out: list[str] = []
    text = data.decode("utf-8", errors="surrogateescape")
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, smuggled by surrogateescape
            out.append(f"%{code - 0xDC00:02X}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"%{code:02X}")
        else:
            out.append(ch)
    return "".join(out)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_STARTS = frozenset(bom[:1] for bom, _ in _BOMS)  # most files start with none of these bytes


def decode(data: bytes) -> tuple[str | None, bool]:
    """Decode bytes of a text file. Returns (text, is_binary).

    Honours UTF-8/UTF-16/UTF-32 byte order marks; otherwise UTF-8, then Latin-1 for legacy texts.
    Data with NUL bytes and no BOM is binary, unless its NULs are those of BOM-less UTF-16 text.
    """
    if data[:1] in _BOM_STARTS:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return data[len(bom):].decode(encoding, errors="replace"), False
    if data.find(b"\x00", 0, 8192) != -1:
        text = _bomless_utf16(data)
        return (text, False) if text is not None else (None, True)
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte sequence at the cap is not an encoding problem.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), False
        return data.decode("latin-1"), False


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 text without a byte order mark (Windows tools write it), else None.

    Text in Latin script has a NUL in every other byte (odd bytes for little-endian, even bytes for
    big-endian) and none in the others; binary data almost never does.
    """
    sample = data[:8192]
    if len(sample) < 32:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) == 0:
            text = data[: len(data) - len(data) % 2].decode(encoding, errors="replace")
            return text if "\x00" not in text else None
    return None


# Bytes already read by the caller of preloaded(): abspath -> (data, truncated), as read_bytes returned them.
_PRELOADED: ContextVar[dict[str, tuple[bytes, bool]] | None] = ContextVar("reading_preloaded", default=None)
# While preloaded() is active, the texts read_text decoded from those bytes: (abspath, bytes, truncated) -> result.
# Most files are shorter than every detector's cap, so the detectors that read one get the same bytes: decoded once.
_DECODED: ContextVar[dict[tuple[str, int, bool], ReadResult] | None] = ContextVar("reading_decoded", default=None)


@contextlib.contextmanager
def preloaded(reads: dict[str, tuple[bytes, bool]]) -> Iterator[None]:
    """While active, read_bytes answers from ``reads`` (one read per file shared by every detector)
    whenever what was read covers the request; otherwise it reads the file as usual. read_text decodes
    each part of those bytes once."""
    token = _PRELOADED.set(reads)
    decoded = _DECODED.set({})
    try:
        yield
    finally:
        _DECODED.reset(decoded)
        _PRELOADED.reset(token)


def _from_preloaded(abspath: str, limit: int) -> tuple[bytes, bool] | None:
    reads = _PRELOADED.get()
    found = reads.get(abspath) if reads is not None else None
    if found is None:
        return None
    data, truncated = found
    if len(data) > limit:
        return data[:limit], True
    if not truncated:
        return data, False  # the whole file
    return (data, True) if len(data) == limit else None  # a longer read is needed


_FD_PATHS = "/proc/self/fd"  # Linux: where an open descriptor says which file it really is


_HAS_FD_PATHS: list[bool] = []  # whether /proc is mounted, asked once per process (a stat per read otherwise)


def _open_checked(abspath: str) -> tuple[int | None, str | None, int]:
    """Open ``abspath`` for reading without following a symlink at its end or blocking on a FIFO, and make
    sure the file opened is the file discovery found: a folder on the way swapped for a symlink between
    discovery and reading (a race) would otherwise lead outside the scanned root. Returns (fd, error, size)."""
    try:
        fd = os.open(abspath, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "is a symbolic link (not followed)", 0
        return None, exc.strerror or type(exc).__name__, 0
    size = 0
    try:
        info = os.fstat(fd)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return None, "not a regular file", 0
        if not _HAS_FD_PATHS:
            _HAS_FD_PATHS.append(os.path.isdir(_FD_PATHS))
        if _HAS_FD_PATHS[0] and os.readlink(f"{_FD_PATHS}/{fd}") != abspath:
            os.close(fd)
            return None, "the path changed while it was read (a folder replaced by a link); not read", 0
    except OSError:
        pass  # no /proc: the O_NOFOLLOW open and the regular-file check stand
    return fd, None, size


def _read_up_to(fd: int, count: int) -> bytes:
    """``count`` bytes from ``fd``, fewer only at the end of the file (os.read may return less)."""
    chunks: list[bytes] = []
    while count > 0:
        chunk = os.read(fd, count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_bytes(abspath: str, limit: int) -> tuple[bytes | None, bool, str | None]:
    """Read at most ``limit`` bytes. Returns (data, truncated, error)."""
    known = _from_preloaded(abspath, limit)
    if known is not None:
        return known[0], known[1], None
    fd, error, size = _open_checked(abspath)
    if fd is None:
        return None, False, error
    try:
        # Ask for what the file holds, not the cap: a 256 KiB buffer for a 5 KiB file costs an mmap, page faults
        # and a copy per read. A file that grew since is read on, up to the cap, as before.
        data = _read_up_to(fd, min(size, limit) + 1)
        if size < len(data) <= limit:
            data += _read_up_to(fd, limit + 1 - len(data))
    except OSError as exc:
        return None, False, exc.strerror or type(exc).__name__
    finally:
        os.close(fd)
    if len(data) > limit:
        return data[:limit], True, None
    return data, False, None


def read_text(abspath: str, limit: int) -> ReadResult:
    """Read and decode at most ``limit`` bytes of a text file."""
    known = _from_preloaded(abspath, limit)
    decoded = _DECODED.get() if known is not None else None
    if known is None or decoded is None:
        data, truncated, error = read_bytes(abspath, limit)
        return ReadResult(None, error=error) if data is None else _decoded(data, truncated)
    key = (abspath, len(known[0]), known[1])  # the same file's bytes, cut at the same length
    result = decoded.get(key)
    if result is None:
        result = decoded[key] = _decoded(*known)
    return result


def _decoded(data: bytes, truncated: bool) -> ReadResult:
    text, binary = decode(data)
    if binary:
        return ReadResult(None, truncated=truncated, error="binary content", binary=True)
    return ReadResult(text, truncated=truncated)


def open_binary(abspath: str) -> tuple[BinaryIO | None, int, str | None]:
    """Open a regular file for bounded binary reads (weight headers). Returns (file, size, error).

    Never follows a symlink (O_NOFOLLOW) and never blocks on a FIFO or device (O_NONBLOCK, then
    fstat: anything but a regular file is refused). The file is unbuffered, so every byte read is
    one the caller asked for; the caller closes it. An OSError becomes ``error``, never an exception.
    """
    fd, error, _size = _open_checked(abspath)
    if fd is None:
        return None, 0, error
    try:
        info = os.fstat(fd)
        return os.fdopen(fd, "rb", buffering=0), info.st_size, None
    except OSError as exc:
        os.close(fd)
        return None, 0, exc.strerror or type(exc).__name__
