"""Debian machine-readable copyright files (copyright-format 1.0, "DEP-5"): paragraphs, fields, License lines.

The syntax is that of Debian control files (copyright-format 1.0 section 4, Debian Policy 5.1): paragraphs
separated by blank lines; a field is ``Name: value`` at the start of a line, continued by lines that start
with a space or a tab; in formatted text a continuation line of a lone ``.`` is an empty line; lines that
start with ``#`` are comments. ``parse`` never raises: a line it cannot read (no colon, a continuation before
any field, a field given twice) and everything over a cap (paragraphs, lines of one field, characters of one
field) become a ``Problem`` with its line, and the paragraph it belongs to is marked damaged, so that the
caller can fail safe. Nothing here knows any license: ``parse_license`` reads only the syntax of a License
field's first line (section 7.2: ``or``, ``and``, a comma before an operator that lowers its priority,
``with <keyword> exception``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PARAGRAPHS = 2000
MAX_FIELD_LINES = 10_000
MAX_FIELD_CHARS = 128 * 1024
MAX_LICENSE_TOKENS = 200
_FIELD = re.compile(r"^(?P<name>[!-9;-~][!-9;-~]*)[ \t]*:(?P<value>.*)$")  # ASCII, no space or colon in a name


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # as written ("License")
    first: str  # the value on the field's own line, stripped (a License field's short names)
    lines: tuple[str, ...]  # the continuation lines, one leading space or tab removed, a lone "." made empty
    line: int  # 1-based line of the field name

    @property
    def text(self) -> str:
        """The continuation lines as text (a License field's license text, without its first line)."""
        return "\n".join(self.lines).strip("\n")


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: int  # its first line
    fields: tuple[Field, ...]
    damaged: bool = False  # a line of it could not be read, or it was cut at a cap

    def get(self, name: str) -> Field | None:
        """The field ``name`` (field names are case-insensitive), or None."""
        low = name.lower()
        return next((f for f in self.fields if f.name.lower() == low), None)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Document:
    paragraphs: tuple[Paragraph, ...]
    problems: tuple[Problem, ...]


def format_value(text: str) -> str | None:
    """The Format field of the first paragraph (comments and blank lines before it skipped), or None."""
    seen_field = False
    for raw in text[:8192].lstrip("\ufeff").splitlines()[:200]:
        line = raw.rstrip("\r")
        if not line.strip():
            if seen_field:
                return None  # the header paragraph ended without a Format field
            continue
        if line.startswith("#") or (seen_field and line[0] in " \t"):
            continue  # a comment, or a continuation line of another header field
        found = _FIELD.match(line)
        if found is None or line[0] in " \t":
            return None
        if found.group("name").lower() == "format":
            return found.group("value").strip()
        seen_field = True  # another field of the header paragraph: Format need not come first
    return None


class _Builder:
    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.problems: list[Problem] = []
        self.fields: list[Field] = []
        self.start = 0
        self.damaged = False
        self.name = ""
        self.first = ""
        self.lines: list[str] = []
        self.field_line = 0
        self.chars = 0
        self.cut = False  # the open field went over a cap: its further lines are dropped

    def problem(self, line: int, message: str) -> None:
        self.damaged = True
        if len(self.problems) < 50:
            self.problems.append(Problem(line, message))

    def close_field(self) -> None:
        if self.name:
            self.fields.append(Field(self.name, self.first, tuple(self.lines), self.field_line))
        self.name, self.lines, self.cut = "", [], False

    def close_paragraph(self) -> None:
        self.close_field()
        if self.fields or self.damaged:
            self.paragraphs.append(Paragraph(self.start, tuple(self.fields), self.damaged))
        self.fields, self.damaged, self.start = [], False, 0

    def field(self, number: int, name: str, value: str) -> None:
        self.close_field()
        if any(f.name.lower() == name.lower() for f in self.fields):
            self.problem(number, f"the field {name!r} is given twice in one paragraph")
        self.name, self.first, self.field_line, self.chars = name, value.strip(), number, len(value)

    def continuation(self, number: int, line: str) -> None:
        if not self.name:
            self.problem(number, "a continuation line (it starts with a space) before any field of its paragraph")
            return
        if self.cut:
            return
        body = line[1:]
        body = "" if body.strip() == "." else body
        self.chars += len(body) + 1
        if len(self.lines) >= MAX_FIELD_LINES or self.chars > MAX_FIELD_CHARS:
            self.problem(number, f"the field {self.name!r} is longer than {MAX_FIELD_LINES} lines or "
                                 f"{MAX_FIELD_CHARS // 1024} KiB; the rest of it was not read")
            self.cut = True
            return
        self.lines.append(body)


def parse(text: str) -> Document:
    """The paragraphs of a copyright-format file and the problems of reading it (never raises)."""
    build = _Builder()
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            build.close_paragraph()
            continue
        if line.startswith("#"):
            continue
        if not build.start:
            if len(build.paragraphs) >= MAX_PARAGRAPHS:
                build.problems.append(Problem(number, f"more than {MAX_PARAGRAPHS} paragraphs; the rest was not read"))
                build.paragraphs.append(Paragraph(number, (), True))
                break
            build.start = number
        if line[0] in " \t":
            build.continuation(number, line)
            continue
        found = _FIELD.match(line)
        if found is None:
            build.close_field()
            build.problem(number, f"not a field ('Name: value') nor a continuation line: {_clip(line)!r}")
            continue
        build.field(number, found.group("name"), found.group("value"))
    else:
        build.close_paragraph()
    return Document(tuple(build.paragraphs), tuple(build.problems))


def _clip(line: str, width: int = 60) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


# ---------------------------------------------------------------- License field syntax (section 7.2)


@dataclass(frozen=True, slots=True)
class Name:
    name: str  # a short name as written ("GPL-2+", "BSD-3-clause-Brush-Technology")
    exception: str | None = None  # the keyword of "with <keyword> exception" ("OpenSSL")


@dataclass(frozen=True, slots=True)
class Op:
    operator: str  # "and" | "or"
    terms: tuple[Name | Op, ...]


License = Name | Op


class LicenseSyntaxError(ValueError):
    pass


def parse_license(first: str) -> License:
    """The short names of a License field's first line as a tree. Raises LicenseSyntaxError.

    Section 7.2: "and has the priority over or, unless preceded by a comma": ``A or B and C`` is
    ``A or (B and C)``, ``A or B, and C`` is ``(A or B) and C``."""
    tokens = first.replace(",", " , ").split()
    if not tokens:
        raise LicenseSyntaxError("no license short name")
    if len(tokens) > MAX_LICENSE_TOKENS:
        raise LicenseSyntaxError(f"more than {MAX_LICENSE_TOKENS} words")
    segments: list[list[str]] = [[]]
    joins: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == ",":
            after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            if after not in ("and", "or"):
                raise LicenseSyntaxError("a comma must be followed by 'and' or 'or'")
            joins.append(after)
            segments.append([])
            i += 2
            continue
        segments[-1].append(tokens[i])
        i += 1
    tree = _segment(segments[0])
    for operator, segment in zip(joins, segments[1:], strict=True):
        tree = _op(operator, (tree, _segment(segment)))
    return tree


def _op(operator: str, terms: tuple[License, ...]) -> License:
    return terms[0] if len(terms) == 1 else Op(operator, terms)


def _split(tokens: list[str], word: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token.lower() == word:
            parts.append([])
        else:
            parts[-1].append(token)
    if any(not p for p in parts):
        raise LicenseSyntaxError(f"'{word}' without a license on both sides")
    return parts


def _segment(tokens: list[str]) -> License:
    return _op("or", tuple(_op("and", tuple(_term(t) for t in _split(alt, "and"))) for alt in _split(tokens, "or")))


def _term(tokens: list[str]) -> Name:
    if len(tokens) == 1:
        if tokens[0].lower() in ("with", "exception"):
            raise LicenseSyntaxError(f"'{tokens[0]}' where a license short name belongs")
        return Name(tokens[0])
    if len(tokens) >= 4 and tokens[1].lower() == "with" and tokens[-1].lower() == "exception":
        return Name(tokens[0], " ".join(tokens[2:-1]))
    raise LicenseSyntaxError(f"{' '.join(tokens)!r} is not '<short name>' or '<short name> with <keyword> "
                             "exception' (short names contain no spaces)")
