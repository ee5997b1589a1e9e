"""Line numbers for TOML key paths (tomllib gives none).

``KeyLines(text)`` scans a document that tomllib has already parsed (so it is valid TOML) and
records the line where each key path is defined: table headers (``[a.b]``), array-of-tables
headers (``[[waivers]]``, counted), ``key = value`` lines with dotted keys, inline tables and the
elements of arrays (``licenses.allow[1]``). ``line(path)`` answers with the line of the longest
recorded prefix of ``path``, so a missing key falls back to the table that should hold it.
Path parts are strings (keys) and ints (array indices, from 0).
"""

from __future__ import annotations

import bisect
import contextlib
import re

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}#\n]")


class KeyLines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self.aot: dict[Path, int] = {}  # array-of-tables path -> how many seen
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]  # line numbers by bisection: linear
        with contextlib.suppress(IndexError, ValueError, RecursionError):  # not valid TOML: keep what was found
            self._document()

    def line(self, path: Path) -> int:
        for end in range(len(path), 0, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1

    # --- scanning -----------------------------------------------------------------------------

    def _lineno(self) -> int:
        return bisect.bisect_left(self.newlines, self.pos) + 1

    def _peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def _skip(self, newlines: bool) -> None:
        """Skip blanks and comments (and newlines if asked)."""
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def _document(self) -> None:
        table: Path = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self._lineno()
            if self._peek(2) == "[[":
                self.pos += 2
                header = self._resolve(self._key())
                self._expect("]]")
                count = self.aot.get(header, 0)
                self.aot[header] = count + 1
                table = (*header, count)
                self._record((), header, line)  # [[a.b]]: a and a.b are defined here unless before
                self.lines[table] = line
            elif self._peek() == "[":
                self.pos += 1
                table = self._resolve(self._key())
                self._expect("]")
                self._record((), table, line)  # [a.b]: so is a, unless it was defined before
            else:
                key = self._key()
                self._expect("=")
                self._record(table, key, line)
                self._value((*table, *key))

    def _resolve(self, key: Path) -> Path:
        """A header's path with the current index of every array of tables it passes through."""
        out: list[str | int] = []
        for i, part in enumerate(key):
            out.append(part)
            count = self.aot.get(tuple(out))
            if count is not None and i < len(key) - 1:
                out.append(count - 1)
        return tuple(out)

    def _record(self, table: Path, key: Path, line: int) -> None:
        for end in range(1, len(key) + 1):
            self.lines.setdefault((*table, *key[:end]), line)

    def _expect(self, token: str) -> None:
        self._skip(newlines=False)
        if not self.text.startswith(token, self.pos):
            raise ValueError(f"expected {token!r}")
        self.pos += len(token)

    def _key(self) -> Path:
        parts: list[str | int] = []
        while True:
            self._skip(newlines=False)
            ch = self._peek()
            if ch in "\"'":
                parts.append(self._string())
            else:
                match = _BARE.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                parts.append(match.group(0))
                self.pos = match.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self.pos += 1

    def _string(self) -> str:
        """Read a string of any of the four kinds; returns its raw content (escapes kept)."""
        for quote in ('"""', "'''", '"', "'"):
            if self.text.startswith(quote, self.pos):
                break
        self.pos += len(quote)
        start = self.pos
        while True:
            if quote[0] == '"' and self.text[self.pos] == "\\":
                self.pos += 2
                continue
            if self.text.startswith(quote, self.pos):
                content = self.text[start:self.pos]
                self.pos += len(quote)
                if len(quote) == 3:  # up to two more quotes may close a multi-line string
                    while self._peek() == quote[0]:
                        self.pos += 1
                return _unescape(content) if quote == '"' else content
            if len(quote) == 1 and self.text[self.pos] == "\n":
                raise ValueError("newline in string")
            self.pos += 1

    def _value(self, path: Path) -> None:
        self._skip(newlines=False)
        ch = self._peek()
        if ch in "\"'":
            self._string()
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self._peek() == "]":
                    self.pos += 1
                    return
                self.lines.setdefault((*path, index), self._lineno())
                self._value((*path, index))
                index += 1
                self._skip(newlines=True)
                if self._peek() == ",":
                    self.pos += 1
        elif ch == "{":
            self.pos += 1
            while True:
                self._skip(newlines=False)
                if self._peek() == "}":
                    self.pos += 1
                    return
                line = self._lineno()
                key = self._key()
                self._expect("=")
                self._record(path, key, line)
                self._value((*path, *key))
                self._skip(newlines=False)
                if self._peek() == ",":
                    self.pos += 1
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()


def _unescape(content: str) -> str:
    simple = {'\\"': '"', "\\\\": "\\"}
    for escaped, plain in simple.items():
        content = content.replace(escaped, plain)
    return content
