"""The policy keys (KEYS) and the typed readers that validate their values.

KEYS is the single list of known keys: ``KeyReader.table`` rejects any other key (suggesting the
closest), and a test checks that docs/policy.md documents exactly these keys. A KeyReader collects
every problem as ``<file>:<line>: <key path>: <what is wrong>; allowed: <what is allowed>``, with the
line from tomlio.lines.KeyLines. Assembling a Policy from the values is load.py's job.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from license_check.knowledge.facts import THRESHOLD_KEYS
from license_check.knowledge.normalize import Normalizer, normalizer
from license_check.model import RawForm, Severity, Use, UseMode, Verdict
from license_check.policy.model import (
    CATEGORIES,
    DEFAULT_VERDICTS,
    DEPENDENCY_GROUPS,
    REPOSITORY_CONFIG,
    SCOPES,
    TRAINING_DATA_READINGS,
    UNRESOLVED_DEPENDENCIES,
)
from license_check.tomlio.lines import KeyLines, Path

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
GLOB_CHARS = set("*?[")


@dataclass(frozen=True, slots=True)
class KeySpec:
    path: str  # "use_mode", "organisation.eu_presence", "waivers[].reason", "severity.<rule>"
    type: str
    default: str
    allowed: str


ENUM = ", ".join
_ID_ENTRY = (f"a canonical SPDX or LicenseRef id, an \"<id> WITH <exception>\" pair, or "
             f"category:<{'|'.join(CATEGORIES)}>")
_REL = "a relative path inside the scanned root (/ separators, no '..')"
KEYS: tuple[KeySpec, ...] = (
    KeySpec("name", "string", '"default" (built-in), the file name without .toml (--policy), "pyproject"',
            "a non-empty string"),
    KeySpec("use_mode", "string", '"distribute"', ENUM(m.value for m in UseMode)),
    KeySpec("fail_on", "string", "not set", ENUM(s.value for s in Severity)),
    KeySpec("training_data", "string", '"lenient"', ENUM(TRAINING_DATA_READINGS)),
    KeySpec("scope", "string", '"repository"', ENUM(SCOPES)),
    KeySpec("repository_config", "string", '"refuse"', ENUM(REPOSITORY_CONFIG)),
    KeySpec("dependencies", "table", "{}", "a table with keys groups, unresolved"),
    KeySpec("dependencies.groups", "array of strings", '["default"]', ENUM(DEPENDENCY_GROUPS)),
    KeySpec("dependencies.unresolved", "string", '"adoption"', ENUM(UNRESOLVED_DEPENDENCIES)),
    KeySpec("verdicts", "table", "{}", "a table with keys " + ENUM(u.value for u in Use)),
    *(KeySpec(f"verdicts.{u.value}", "string", f'"{DEFAULT_VERDICTS[u].value}"', ENUM(v.value for v in Verdict))
      for u in Use),
    KeySpec("organisation", "table", "{}", "a table with keys " + ENUM((*THRESHOLD_KEYS, "eu_presence"))),
    *(KeySpec(f"organisation.{k}", "integer", "not stated", "an integer >= 0") for k in THRESHOLD_KEYS),
    KeySpec("organisation.eu_presence", "boolean", "not stated", "true or false"),
    KeySpec("licenses", "table", "{}", "a table with keys allow, deny"),
    KeySpec("licenses.allow", "array of strings", "[] (no allow list)", _ID_ENTRY),
    KeySpec("licenses.deny", "array of strings", "[]", _ID_ENTRY),
    KeySpec("severity", "table", "{}", "a table of rule code = severity"),
    KeySpec("severity.<rule>", "string", "the rule's default severity", ENUM(s.value for s in Severity)),
    KeySpec("waivers", "array of tables", "[]", "[[waivers]] tables"),
    KeySpec("waivers[].component", "string", "not set", "a component id (e.g. ref:imdb, as in the JSON report)"),
    KeySpec("waivers[].path", "string", "not set", "a gitignore-style glob relative to the scanned root"),
    KeySpec("waivers[].rules", "array of strings", "[] (every rule)", "rule codes of docs/diagnostics.md"),
    KeySpec("waivers[].reason", "string", "required", "a non-empty string"),
    KeySpec("waivers[].expires", "date", "not set (never expires)",
            "a TOML date (2027-03-01) or a \"YYYY-MM-DD\" string"),
    KeySpec("waivers[].sha256", "string", "not set", "64 hexadecimal digits"),
    KeySpec("waivers[].file", "string", "`path` when it names one file", _REL),
    KeySpec("clarifications", "array of tables", "[]", "[[clarifications]] tables"),
    KeySpec("clarifications[].path", "string", "required", _REL + ", no glob"),
    KeySpec("clarifications[].license", "string", "required", "an SPDX license expression of known ids"),
    KeySpec("clarifications[].sha256", "string", "required", "64 hexadecimal digits"),
    KeySpec("clarifications[].reason", "string", "not set", "a string"),
)
KEY = {k.path: k for k in KEYS}


def spec_path(path: Path) -> str:
    out = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += "[]"
        elif i == 1 and path[0] == "severity":
            out += ".<rule>"
        else:
            out += ("." if out else "") + part
    return out


def _children(spec: str) -> list[str]:
    prefix = spec + "." if spec else ""
    return [k.path[len(prefix):] for k in KEYS
            if k.path.startswith(prefix) and k.path != spec and not re.search(r"[.\[]", k.path[len(prefix):])]


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def type_name(value: Any) -> str:
    for kind, name in ((bool, "a boolean"), (str, "a string"), (int, "an integer"), (float, "a float"),
                       (list, "an array"), (dict, "a table"), (datetime, "a date-time"), (date, "a date"),
                       (time, "a time")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


class KeyReader:
    """Validates one parsed policy table, collecting every problem with its line."""

    def __init__(self, file: str, text: str, prefix: Path, norm: Normalizer | None = None) -> None:
        self.file, self.prefix = file, prefix
        self.norm = norm if norm is not None else normalizer()  # the scan's Knowledge's; None: the shipped rules
        self.locate = KeyLines(text)
        self.problems: list[tuple[int, str]] = []  # (line, message)

    def line(self, path: Path) -> int:
        return self.locate.line((*self.prefix, *path))

    def problem(self, path: Path, what: str, allowed: str | None = None) -> None:
        if allowed is None:
            spec = spec_path(path)
            allowed = KEY[spec if spec in KEY else spec.removesuffix("[]")].allowed
        line = self.line(path)
        self.problems.append((line, f"{self.file}:{line}: {dotted((*self.prefix, *path))}: {what}; allowed: {allowed}"))

    def messages(self) -> list[str]:
        """Every problem, by line (stable: problems of one line keep their order)."""
        return [text for _, text in sorted(self.problems, key=lambda p: p[0])]

    def table(self, path: Path, value: Any, known: list[str] | None = None,
              allowed: str | None = None) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a table, got {type_name(value)}")
            return None
        known = _children(spec_path(path)) if known is None else known
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem((*path, key), f"unknown key '{key}'{hint}", allowed or ENUM(sorted(known)))
        return {k: v for k, v in value.items() if k in known}

    def string(self, path: Path, value: Any) -> str | None:
        if not isinstance(value, str):
            self.problem(path, f"expected a string, got {type_name(value)}")
            return None
        if not value.strip():
            self.problem(path, "must not be empty")
            return None
        return value.strip()

    def choice(self, path: Path, value: Any, choices: list[str]) -> str | None:
        text = self.string(path, value)
        if text is not None and text not in choices:
            close = difflib.get_close_matches(text, choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.problem(path, f"'{text}' is not allowed{hint}")
            return None
        return text

    def integer(self, path: Path, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"expected an integer, got {type_name(value)}")
        elif value < 0:
            self.problem(path, f"{value} is negative")
        else:
            return value
        return None

    def boolean(self, path: Path, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.problem(path, f"expected a boolean, got {type_name(value)}")
            return None
        return value

    def strings(self, path: Path, value: Any) -> list[tuple[Path, str]]:
        if not isinstance(value, list):
            self.problem(path, f"expected an array of strings, got {type_name(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            text = self.string((*path, i), item)
            if text is not None:
                out.append(((*path, i), text))
        return out

    def day(self, path: Path, value: Any) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                self.problem(path, f"'{value}' is not a valid date")
                return None
        self.problem(path, f"expected a date, got {type_name(value)}"
                     + (f" '{value}'" if isinstance(value, str) else ""))
        return None

    def sha256(self, path: Path, value: Any) -> str | None:
        text = self.string(path, value)
        if text is not None and not _SHA256.match(text):
            self.problem(path, f"'{text}' is not a sha256 ({len(text)} characters)")
            return None
        return text.lower() if text is not None else None

    def relpath(self, path: Path, value: Any, glob: bool) -> str | None:
        text = self.string(path, value)
        if text is None:
            return None
        parts = text.split("/")
        if text.startswith("/") or "\\" in text or ".." in parts or re.match(r"^[A-Za-z]:", text):
            self.problem(path, f"'{text}' is not a relative path inside the scanned root")
            return None
        if not glob and (GLOB_CHARS & set(text) or text.endswith("/")):
            self.problem(path, f"'{text}' is a glob or a folder, not one file")
            return None
        if glob:
            return self.glob(path, text)
        return "/".join(p for p in parts if p not in ("", "."))

    def glob(self, path: Path, text: str) -> str | None:
        import pathspec  # the dependency discover.py uses for .gitignore

        try:
            regex = pathspec.GitIgnoreSpec.from_lines([text]).patterns[0].regex
        except Exception as exc:  # pathspec raises its own error types for invalid patterns
            self.problem(path, f"'{text}' is not a valid glob: {exc}")
            return None
        if regex is None or text.startswith("!"):
            self.problem(path, f"'{text}' is a comment, negation or empty pattern")
            return None
        return text


def license_entry(raw: str, norm: Normalizer) -> tuple[str | None, str]:
    """(canonical id or pair, problem): the problem is "" when ``raw`` is already canonical."""
    found = norm.read(raw, RawForm.SPDX)
    if found.expression is None or found.unknown_ids:
        unknown = ", ".join(found.unknown_ids)
        return None, found.error or (f"unknown license id '{unknown}'" if unknown else f"'{raw}' is not a license id")
    expr = found.expression
    if re.search(r"\s(AND|OR)\s|[()]", expr) or expr.count(" WITH ") > 1:
        return None, f"'{raw}' is an expression, not one license id"
    if expr != raw:
        return expr, f"'{raw}' is not the canonical id: write '{expr}'"
    return expr, ""
