"""Bounded JSON loading (text or bytes in, a value or a problem sentence out; never raises), and the
problem type and type checks shared by the metadata parsers.

Decisions:
* Nesting deeper than ``max_depth`` is rejected by a linear, non-recursive pre-scan of the brackets
  outside strings, before ``json.loads`` runs (so a 100,000-deep document costs one regex pass).
* ``NaN``, ``Infinity`` and ``-Infinity`` are accepted, as Python's own writers (``json.dump``,
  ``datasets``) emit them; they are floats and never a license, so a license field holding one is
  reported by the extractors as a wrong type.
* Integers longer than 4,000 digits become floats instead of tripping Python's digit limit.
* Duplicate object keys: the last one wins (``json.loads`` semantics).
* Encodings: UTF-8/16/32 byte order marks are honoured; BOM-less UTF-16/32 is recognised by the
  RFC 4627 NUL pattern; invalid UTF-8 falls back to Latin-1 like ``reading.decode``.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from license_check.collect.reading import decode

_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A string runs to its closing quote or to the end of the text: a match never fails once started,
# so an unterminated string of escaped quotes cannot make the scan quadratic.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_MAX_INT_DIGITS = 4000
MAX_ITEMS = 1000  # items read from one list of licenses, base models, datasets...


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one key of a metadata document (or the whole document: key None)."""

    key: str | None  # key path as the document spells it: "license", "licenses[0].name", "default.license"
    message: str  # one sentence naming the key path and what is wrong
    line: int | None = None  # 1-based line in the file, when known


@dataclass(frozen=True, slots=True)
class JsonResult:
    value: Any  # the parsed document (None is also JSON null: look at ``problem``)
    problem: str | None = None  # why there is no value
    text: str | None = None  # the decoded text, for best-effort line lookups


def describe(value: object) -> str:
    """A wrong value as the author of a JSON/YAML file would call it ("a number (3)", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        try:
            shown = repr(value)
        except ValueError:  # an int beyond Python's digit limit
            shown = "huge"
        return f"a number ({shown[:40]})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def strings(value: object, key: str, *, required: bool, line: int | None = None,
            limit: int = MAX_ITEMS) -> tuple[tuple[str, ...], list[Problem]]:
    """A string or a list of strings, stripped. Wrong or (when ``required``) empty values are problems;
    the valid items of a list are still returned. ``line`` is given to every problem."""
    problems: list[Problem] = []
    is_list = isinstance(value, list)
    items: list[object] = value if isinstance(value, list) else [value]
    if is_list and required and not items:
        problems.append(Problem(key, f"{key} is an empty list", line))
    if len(items) > limit:
        problems.append(Problem(key, f"{key} has more than {limit} items; the rest were not read", line))
    out: list[str] = []
    for index, item in enumerate(items[:limit]):
        where = f"{key}[{index}]" if is_list else key
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
        elif not (item is None or isinstance(item, str)):
            expected = "a string" if is_list else "a string or a list of strings"
            problems.append(Problem(where, f"{where} must be {expected}, not {describe(item)}", line))
        elif required:
            problems.append(Problem(where, f"{where} is empty", line))
    return tuple(out), problems


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside JSON strings, computed without recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _decode(data: bytes) -> str | None:
    if data.startswith(_BOMS):
        return decode(data)[0]
    encoding = json.detect_encoding(data)
    if encoding != "utf-8":
        return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:  # the whole document: a bad byte at the end is not a cut at a read cap (unlike reading.decode)
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _parse_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


def load_json(data: bytes | str, *, max_bytes: int, max_depth: int = 64) -> JsonResult:
    """Parse one JSON document of at most ``max_bytes`` (characters, for ``str``), ``max_depth`` levels."""
    text: str | None = None
    try:
        if len(data) > max_bytes:
            return JsonResult(None, f"it is larger than {max_bytes} bytes and was not parsed")
        text = _decode(data) if isinstance(data, bytes) else data
        if text is None:
            return JsonResult(None, "it is binary, not JSON text")
        text = text.removeprefix("\ufeff")
        depth = nesting_depth(text)
        if depth > max_depth:
            return JsonResult(None, f"it is nested deeper than {max_depth} levels and was not parsed", text)
        return JsonResult(json.loads(text, parse_int=_parse_int), None, text)
    except json.JSONDecodeError as exc:
        return JsonResult(None, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", text)
    except RecursionError:
        return JsonResult(None, "it is nested too deeply to parse")
    except MemoryError:
        return JsonResult(None, "it is too large to parse")
    except (ValueError, TypeError, OverflowError, UnicodeError) as exc:
        return JsonResult(None, f"invalid JSON: {type(exc).__name__}: {str(exc)[:200]}")
