"""TOML with bounds: ``loads`` is ``tomllib.loads`` that never raises anything but ``TOMLDecodeError``.

tomllib recurses once per nested array or inline table (1,000 levels raise RecursionError) and turns a
5,000-digit integer into a ValueError (Python's int-string limit). A scanned repository and a policy
file are untrusted input: nesting deeper than MAX_DEPTH is refused by a linear pre-scan (strings and
comments skipped), and every other failure of the parser becomes a TOMLDecodeError that says what is
wrong, so each caller turns it into a finding (repository) or a usage error with file and line (policy).
"""

from __future__ import annotations

import tomllib
from typing import Any

MAX_DEPTH = 100  # nested arrays / inline tables; real files use a handful


def _depth_problem(text: str) -> tuple[int, int] | None:
    """(line, depth) where brackets outside strings and comments first nest deeper than MAX_DEPTH."""
    depth = 0
    line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end == -1 else end
            continue
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            quote = c * 3 if triple else c
            j = i + len(quote)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if text[j] == "\n":
                    if not triple:
                        break
                    line += 1
                j += 1
            i = j + len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, depth
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def loads(text: str) -> dict[str, Any]:
    """Parse TOML; every failure is a ``tomllib.TOMLDecodeError`` with a readable message."""
    problem = _depth_problem(text)
    if problem is not None:
        raise tomllib.TOMLDecodeError(
            f"arrays or inline tables nested deeper than {MAX_DEPTH} levels (at line {problem[0]}, column 1)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError as exc:
        raise tomllib.TOMLDecodeError("nested too deeply to parse (at line 1, column 1)") from exc
    except ValueError as exc:  # an integer longer than Python's int-string limit, an invalid date
        raise tomllib.TOMLDecodeError(f"{exc} (at line 1, column 1)") from exc
