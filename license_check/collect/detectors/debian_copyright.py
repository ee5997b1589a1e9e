"""Debian machine-readable copyright files (copyright-format 1.0): their License fields read as SPDX, never ScanCode.

A license file (``debian/copyright``, ``COPYRIGHT``) whose first paragraph has a Format field naming
copyright-format 1.0 or a DEP-5 draft (rules/debian-copyright.toml) states its licenses as data: each Files
paragraph (and a header License field) names short names joined by ``or`` / ``and`` (section 7.2). A standard
short name is read from the rules' table (section 7.1: parsers may rely on them "without needing to parse or
compare the full license text"); any other name is identified by the text of its stand-alone License paragraph
(or the field's own text) with the fast path the license-file detector uses, and is unknown
(LicenseRef-license-check-unknown, with a finding that names it) when that cannot tell. Malformed input is a
``malformed-metadata`` finding, and a paragraph that could not be read fully makes an unknown term: what could
not be read is unknown.

The file's license is the AND of all its paragraphs' licenses, one claim for the folder it binds: the parent of
``debian/`` (a Debian source package's debian/copyright covers the whole source tree), else the folder the
license-file detector binds. Each paragraph is one piece of evidence: the path, the line of its License field,
its Files patterns as the key, and the confidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from license_check.collect.detectors.license_combine import join
from license_check.collect.detectors.license_names import binds as file_binds
from license_check.collect.parsers.debian_copyright import (
    Document,
    Field,
    LicenseSyntaxError,
    Name,
    Op,
    Paragraph,
    format_value,
    parse,
    parse_license,
)
from license_check.collect.parsers.debian_copyright import License as LicenseTree
from license_check.findings import make_finding
from license_check.knowledge.debian import DebianNames, canonical_format
from license_check.model import Evidence, Finding, Location

METHOD = "debian-copyright"
SOURCE = "license-file"
UNKNOWN = "LicenseRef-license-check-unknown"

# A license text identified without ScanCode: (SPDX expression or None, confidence, findings).
TextIdentifier = Callable[[str], tuple[str | None, float | None, tuple[Finding, ...]]]


@dataclass(frozen=True, slots=True)
class Reading:
    expression: str
    confidence: float
    evidence: tuple[Evidence, ...]  # one per licensed paragraph (and per damaged one)
    findings: tuple[Finding, ...]


def is_copyright_format(text: str, names: DebianNames) -> bool:
    """Whether ``text`` opens with a header paragraph whose Format field names copyright-format 1.0 (or DEP-5)."""
    value = format_value(text)
    return value is not None and canonical_format(value) in names.format_uris


def binds(path: str) -> str:
    """``pkg/debian/copyright`` binds ``pkg``; elsewhere the folder a license file binds."""
    parts = path.split("/")
    if len(parts) >= 2 and parts[-2] == "debian":
        return "/".join(parts[:-2]) or "."
    return file_binds(path)


class _Reader:
    def __init__(self, path: str, doc: Document, names: DebianNames, identify: TextIdentifier) -> None:
        self.path, self.names, self.identify = path, names, identify
        self.findings: list[Finding] = []
        self.standalone: dict[str, Field] = {}
        self.damaged: set[str] = set()  # names whose stand-alone paragraph could not be read fully
        for para in doc.paragraphs[1:]:
            field = para.get("License")
            if para.get("Files") is None and field is not None and field.first:
                if para.damaged:
                    self.damaged.add(field.first.lower())
                else:
                    self.standalone.setdefault(field.first.lower(), field)
        self.texts: dict[str, tuple[str, float]] = {}  # by lower-cased name: what its text was identified as

    def unknown(self, line: int, message: str, rule: str = "unknown-license-id") -> tuple[str, float]:
        self.findings.append(make_finding(rule, f"{self.path}:{line}: {message}; that license is unknown.",
                                          (Location(self.path, line),), fix=""))
        return UNKNOWN, 1.0

    def by_text(self, name: str, text: str, line: int, where: str) -> tuple[str, float]:
        key = f"{name.lower()}\0{line}"
        if key not in self.texts:
            expression, confidence, found = self.identify(text)
            self.findings.extend(found)
            if expression is None:
                shown = f"the short name {name!r}" if name else "a License field without a short name"
                self.texts[key] = self.unknown(line, (
                    f"{shown} is not one of copyright-format 1.0's standard short names, and its text ({where}) is "
                    "not a license text the fast path knows (ScanCode is not run on copyright-format files). "
                    "Use a standard short name (copyright-format 1.0 section 7.1) or review the text"))
            else:
                self.texts[key] = (expression, confidence if confidence is not None else 1.0)
        return self.texts[key]

    def name(self, term: Name, field: Field, inline: bool) -> tuple[str, float]:
        known = self._standard(term.name)
        if known is not None:
            found = (known, 1.0)
        elif inline and field.text.strip():
            found = self.by_text(term.name, field.text, field.line, f"the field's own text, line {field.line}")
        elif (para := self.standalone.get(term.name.lower())) is not None and para.text.strip():
            found = self.by_text(term.name, para.text, para.line, f"stand-alone License paragraph, line {para.line}")
        else:
            why = ("its stand-alone License paragraph could not be read fully" if term.name.lower() in self.damaged
                   else "the file has no stand-alone License paragraph with its text")
            return self.unknown(field.line, (
                f"the short name {term.name!r} is not one of copyright-format 1.0's standard short names, and {why}. "
                "Use a standard short name, or add the license text"))
        if term.exception is None:
            return found
        exception = self.names.exceptions.get(term.exception.lower())
        if exception is None:
            return self.unknown(field.line, (
                f"'{term.name} with {term.exception} exception' names an exception copyright-format 1.0 does not "
                "list (section 7.2: Font, OpenSSL), so which permissions it adds is not known. State it as an "
                "SPDX exception, or review the text"))
        if not exception:
            return found  # the spec reads it as a choice that includes the license alone
        if " " in found[0] or found[0] == UNKNOWN:
            return self.unknown(field.line, f"{found[0]!r} cannot take the exception {exception}")
        return f"{found[0]} WITH {exception}", found[1]

    def _standard(self, name: str) -> str | None:
        low = name.lower()
        entry = self.names.names.get(low)
        if entry is not None:
            return entry.expression(None, False)
        plus = low.endswith("+")
        base = low[:-1] if plus else low
        entry = self.names.names.get(base)
        if entry is not None:
            return entry.expression(None, True)
        head, dash, version = base.rpartition("-")
        entry = self.names.names.get(head) if dash and version[:1].isdigit() else None
        return entry.expression(version, plus) if entry is not None else None

    def tree(self, tree: LicenseTree, field: Field, inline: bool) -> tuple[str, float]:
        if isinstance(tree, Name):
            return self.name(tree, field, inline)
        assert isinstance(tree, Op)
        parts = [self.tree(t, field, False) for t in tree.terms]
        return join([p[0] for p in parts], tree.operator.upper()), min(p[1] for p in parts)

    def field(self, field: Field) -> tuple[str, float]:
        if not field.first:
            if field.text.strip():
                return self.by_text("", field.text, field.line, f"the field's own text, line {field.line}")
            return self.unknown(field.line, "a License field with neither a short name nor a text",
                                "malformed-metadata")
        try:
            tree = parse_license(field.first)
        except LicenseSyntaxError as exc:
            return self.unknown(field.line, f"the License field {field.first[:80]!r} is not copyright-format 1.0 "
                                            f"syntax ({exc})", "malformed-metadata")
        return self.tree(tree, field, isinstance(tree, Name))


def _key(para: Paragraph, index: int) -> str:
    files = para.get("Files")
    if files is None:
        return "header paragraph" if index == 0 else f"paragraph at line {para.line}"
    patterns = " ".join([files.first, *files.lines]).split()
    shown = " ".join(patterns)
    return "Files: " + (shown if len(shown) <= 200 else shown[:199] + "…")


def read(path: str, text: str, names: DebianNames, identify: TextIdentifier) -> Reading:
    """The licenses a copyright-format file states (``text`` is known to have its Format field)."""
    doc = parse(text)
    reader = _Reader(path, doc, names, identify)
    if doc.problems:
        shown = "; ".join(f"line {p.line}: {p.message}" for p in doc.problems[:5])
        more = f" (and {len(doc.problems) - 5} more)" if len(doc.problems) > 5 else ""
        reader.findings.append(make_finding(
            "malformed-metadata",
            f"{path}: a copyright-format 1.0 file with lines that could not be read ({shown}{more}); the "
            "licenses of the paragraphs they belong to are unknown.", tuple(Location(path, p.line)
                                                                             for p in doc.problems[:5])))
    evidence: list[Evidence] = []
    for index, para in enumerate(doc.paragraphs):
        field = para.get("License")
        licensed = field is not None and (index == 0 or para.get("Files") is not None)
        if para.damaged:  # a line of it could not be read: whatever it stated is unknown
            evidence.append(Evidence(path, SOURCE, UNKNOWN, para.line, _key(para, index), 1.0))
            continue
        if field is None or not licensed:
            continue
        expression, confidence = reader.field(field)
        evidence.append(Evidence(path, SOURCE, expression, field.line, _key(para, index), round(confidence, 3)))
    if not evidence:
        reader.unknown(1, "a copyright-format 1.0 file with no Files paragraph and no License field: it states "
                          "no license", "unknown-license-text")
        evidence.append(Evidence(path, SOURCE, UNKNOWN, 1, "header paragraph", 1.0))
    expression = join([str(e.expression) for e in evidence], "AND")
    confidence = min(e.confidence or 1.0 for e in evidence)
    return Reading(expression, confidence, tuple(evidence), tuple(reader.findings))
