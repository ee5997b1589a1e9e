"""What every weight-header reader shares: the result type and a bounded, budgeted cursor.

A reader walks the file through a ``Cursor``: every length is checked against the bytes left in
the file *before* anything is read or allocated, every byte read counts against a budget, and
skips are seeks. Any reason to stop is a ``Stop`` carrying a sentence; ``run`` turns it (and any
OSError, or a bug) into a ``HeaderResult`` problem, so a reader never raises.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TypeAlias

MetaValue: TypeAlias = "str | int | float | bool | list[MetaValue]"

CHUNK = 64 * 1024  # default read-ahead: small fields come from memory, not one syscall each
INTERNAL_ERROR = "internal error while reading the header"  # prefix of the problem a bug becomes
MAX_PROBLEMS = 20  # a hostile file can repeat one fault 65536 times: the rest are counted


@dataclass(frozen=True, slots=True)
class HeaderResult:
    """What a weight file's metadata header says, and what stopped us from reading all of it."""

    format: str  # "safetensors" | "gguf" | "onnx" (or the metadata-less format that was not opened)
    metadata: dict[str, MetaValue]  # flat keys, JSON-like values
    problems: tuple[str, ...]  # human sentences; empty when the header was read cleanly
    complete: bool  # False when there is any problem: metadata may be partial
    bytes_read: int  # bytes actually read from the file (skips are seeks and do not count)
    tensors: int | None = None  # tensors the header declares (safetensors entries, GGUF tensor_count)


class Stop(Exception):
    """Parsing cannot go on. ``str(exc)`` is the problem sentence."""


class Cursor:
    """A forward reader over ``f`` that never reads past ``size`` nor more than ``budget`` bytes."""

    __slots__ = ("_buf", "_bpos", "_f", "_fpos", "budget", "bytes_read", "readahead", "size")

    def __init__(self, f: BinaryIO, size: int, budget: int, readahead: int = CHUNK) -> None:
        self._f = f
        self.readahead = readahead  # bytes read past what was asked for; kept in memory, never interpreted
        self.size = max(0, size)
        self.budget = budget
        self.bytes_read = 0
        self._buf = b""
        self._bpos = 0
        self._fpos = 0  # file offset just past the buffer

    @property
    def pos(self) -> int:
        return self._fpos - (len(self._buf) - self._bpos)

    @property
    def remaining(self) -> int:
        return max(0, self.size - self.pos)

    def need(self, n: int, what: str) -> None:
        """Stop unless ``n`` more bytes exist in the file."""
        if n < 0 or n > self.remaining:
            raise Stop(f"{what} needs {n} bytes at offset {self.pos}, but the file ({self.size} bytes) "
                       f"has only {self.remaining} left")

    def read(self, n: int, what: str) -> bytes:
        self.need(n, what)
        avail = len(self._buf) - self._bpos
        if n > avail:
            self._fill(n - avail, what)
        start = self._bpos
        self._bpos += n
        return self._buf[start:self._bpos]

    def unpack(self, fmt: struct.Struct, what: str) -> tuple[int | float | bool, ...]:
        data = self.read(fmt.size, what)
        return fmt.unpack(data)

    def skip(self, n: int, what: str) -> None:
        """Move ``n`` bytes forward without reading them (a seek when they are not buffered)."""
        self.need(n, what)
        avail = len(self._buf) - self._bpos
        if n <= avail:
            self._bpos += n
        else:
            self._fpos = self.pos + n
            self._buf, self._bpos = b"", 0

    def varint(self, what: str) -> int:
        """A protobuf base-128 varint of at most 10 bytes and 64 bits."""
        buf, p = self._buf, self._bpos
        if p < len(buf) and buf[p] < 0x80:  # the common one-byte case, straight from the buffer
            self._bpos = p + 1
            return buf[p]
        start = self.pos
        result = 0
        for i in range(10):
            byte = self.read(1, what)[0]
            result |= (byte & 0x7F) << (7 * i)
            if byte < 0x80:
                if i == 9 and byte > 1:
                    raise Stop(f"{what} at offset {start} does not fit in 64 bits")
                return result
        raise Stop(f"{what} at offset {start} is a varint longer than 10 bytes")

    def skip_strings(self, count: int, length: struct.Struct, max_len: int, what: str) -> None:
        """Skip ``count`` length-prefixed strings: a tight loop over the buffer, a seek for long ones."""
        done = 0
        width = length.size
        while done < count:
            buf, p, end = self._buf, self._bpos, len(self._buf)
            while done < count and p + width <= end:
                n = length.unpack_from(buf, p)[0]
                if p + width + n > end:
                    break
                p += width + n
                done += 1
            self._bpos = p
            if done == count:
                return
            n = int(self.unpack(length, what)[0])
            if n > max_len:
                raise Stop(f"{what}: a string of {n} bytes exceeds the {max_len}-byte cap")
            self.skip(n, what)
            done += 1

    def _fill(self, missing: int, what: str) -> None:
        if self.bytes_read + missing > self.budget:
            raise Stop(f"{what} would read past the read cap of {self.budget} bytes (at offset {self.pos})")
        want = min(max(missing, self.readahead), self.size - self._fpos, self.budget - self.bytes_read)
        self._f.seek(self._fpos)
        parts: list[bytes] = []
        got = 0
        while got < want:
            part = self._f.read(want - got)
            if not part:
                break
            parts.append(part)
            got += len(part)
        self.bytes_read += got
        self._fpos += got
        self._buf = self._buf[self._bpos:] + b"".join(parts)
        self._bpos = 0
        if got < missing:
            raise Stop(f"{what}: the file ends at offset {self._fpos}, before the {self.size} bytes its size says")


def run(fmt: str, f: BinaryIO, size: int, budget: int,
        parse: Callable[[Cursor, dict[str, MetaValue], list[str]], int | None], readahead: int = CHUNK) -> HeaderResult:
    """Run ``parse`` (which fills metadata and problems, returns a tensor count) and never raise."""
    cursor = Cursor(f, size, budget, readahead)
    metadata: dict[str, MetaValue] = {}
    problems: list[str] = []
    tensors: int | None = None
    try:
        tensors = parse(cursor, metadata, problems)
    except Stop as exc:
        problems.append(str(exc))
    except OSError as exc:
        problems.append(f"reading failed at offset {cursor.pos}: {exc.strerror or type(exc).__name__}")
    except RecursionError:
        problems.append("the header is nested too deeply to read")
    except MemoryError:
        problems.append("the header needs more memory than is available")
    except Exception as exc:  # a bug must not crash a scan; tests and fuzzers look for this prefix
        problems.append(f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}")
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS - 1:] = [f"... and {len(problems) - MAX_PROBLEMS + 1} more problems"]
    return HeaderResult(format=fmt, metadata=metadata, problems=tuple(problems), complete=not problems,
                        bytes_read=cursor.bytes_read, tensors=tensors)


def label(text: str, limit: int = 80) -> str:
    """A key or value quoted for a problem sentence: repr (control characters escaped), shortened."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def clean_text(data: bytes, what: str, problems: list[str]) -> str:
    """UTF-8 text; invalid bytes become U+FFFD and one problem says so."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{what} is not valid UTF-8 (shown with replacement characters)")
        return data.decode("utf-8", errors="replace")


def clean_str(text: str, what: str, problems: list[str]) -> str:
    """A str that encodes as UTF-8 (JSON ``\\ud800`` escapes give lone surrogates, which do not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(f"{what} contains unpaired surrogate escapes (replaced)")
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def finite(value: float) -> float | str:
    """JSON has no NaN or infinity: those become the strings "NaN", "Infinity", "-Infinity"."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return value
