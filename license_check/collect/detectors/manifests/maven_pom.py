"""Maven pom.xml (source ``maven-pom``), parsed as XML without any DTD (nothing is built or run).

Only the project's own ``<licenses>``: the ``license`` children of ``licenses`` directly under the
root ``<project>`` (no namespace, or a ``http://maven.apache.org/POM/...`` one, whose elements are
matched by local name). ``<licenses>`` anywhere else (dependencies, plugin configuration, profiles)
is not the project's declaration and is ignored.

- Each ``<license>`` gives its ``<name>`` (NAME, 0.8, key ``licenses.license[i].name``), else its
  ``<url>`` (URL, 0.8, key ``licenses.license[i].url``): the name is the field the POM model
  describes as the license's name, the URL often points at a project's own copy of the text.
- Several ``<license>`` entries are alternatives, joined with `` OR `` in one NAME claim (key
  ``licenses``, on the line of ``<licenses>``). The POM model, in the documentation of
  ``<licenses>`` (https://maven.apache.org/xsd/maven-4.0.0.xsd, the element described at
  https://maven.apache.org/pom.html#Licenses): "If multiple licenses are listed, it is assumed
  that the user can select any of them, not that they must accept all."
- ``${property}`` values are not interpolated: ``unevaluated-metadata`` and an unknown claim.
- A ``<!DOCTYPE`` or ``<!ENTITY`` declaration anywhere in the file is refused before parsing
  (no entity expansion, no external entities, ever): ``malformed-metadata``, and the folder is
  unknown when the file mentions a license. XML that is not well-formed is reported the same way.

Lines are those of the elements' start tags (the parser is fed one line at a time).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from license_check.collect.detectors.manifests._collect import NAME_CONFIDENCE, Collector
from license_check.model import RawForm

_REFUSED = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_POM_NAMESPACE = "http://maven.apache.org/POM/"
_PROPERTY = re.compile(r"\$\{[^}]*\}")
_LICENSE_PATH = ("project", "licenses", "license")
MAX_LICENSES = 100  # more <license> entries than this in one pom.xml are not read


@dataclass(slots=True)
class _License:
    index: int
    line: int
    name: str | None = None
    name_line: int | None = None
    url: str | None = None
    url_line: int | None = None


@dataclass(slots=True)
class _Licenses:
    line: int | None = None  # of the first <licenses> under <project>
    entries: list[_License] | None = None
    too_many: bool = False


def _split(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag ("{ns}local" or "local")."""
    if not isinstance(tag, str):  # comments and processing instructions (not reported by default)
        return "", ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _text(element: ET.Element) -> str | None:
    text = " ".join("".join(element.itertext()).split())
    return text or None


class _Walk:
    """Follows the start/end events of one pom.xml and keeps project/licenses/license/{name,url}."""

    def __init__(self) -> None:
        self.stack: list[str] = []  # local names of the open elements (only those in the POM namespace)
        self.depth = 0  # every open element
        self.namespace: str | None = None  # the root's; None until the root is seen
        self.is_pom = True
        self.found = _Licenses()

    def start(self, element: ET.Element, line: int) -> None:
        namespace, local = _split(element.tag)
        self.depth += 1
        if self.depth == 1:
            self.namespace = namespace
            self.is_pom = local == "project" and (not namespace or namespace.startswith(_POM_NAMESPACE))
        if len(self.stack) == self.depth - 1 and namespace == self.namespace:
            self.stack.append(local)
        else:
            return
        path = tuple(self.stack)
        if path == _LICENSE_PATH[:2]:
            self.found.line = self.found.line or line
            self.found.entries = self.found.entries or []
        elif path == _LICENSE_PATH and self.found.entries is not None:
            if len(self.found.entries) < MAX_LICENSES:
                self.found.entries.append(_License(len(self.found.entries), line))
            else:
                self.found.too_many = True
        elif path[:3] == _LICENSE_PATH and len(path) == 4 and self.found.entries:
            current = self.found.entries[-1]
            if path[3] == "name" and current.name_line is None:
                current.name_line = line
            elif path[3] == "url" and current.url_line is None:
                current.url_line = line

    def end(self, element: ET.Element) -> None:
        path = tuple(self.stack)
        if len(self.stack) == self.depth:
            if len(path) == 4 and path[:3] == _LICENSE_PATH and self.found.entries and not self.found.too_many:
                current = self.found.entries[-1]
                if path[3] == "name" and current.name is None:
                    current.name = _text(element)
                elif path[3] == "url" and current.url is None:
                    current.url = _text(element)
            self.stack.pop()
        self.depth -= 1
        if self.depth == 1:
            element.clear()  # a top-level section is done: keep memory flat

    def events(self, parser: ET.XMLPullParser[ET.Element], line: int) -> None:
        for item in parser.read_events():
            element = item[1] if len(item) == 2 else None
            if not isinstance(element, ET.Element):
                continue  # only "start" and "end" are asked for
            if item[0] == "start":
                self.start(element, line)
            else:
                self.end(element)


def _lines(text: str) -> Iterator[str]:
    """The text in lines ending with "\\n" (as XML counts them; str.splitlines also splits on others)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _read(c: Collector, text: str) -> _Licenses | None:
    """The project's <licenses>, or None (with a finding) when the file is refused or not XML."""
    refused = _REFUSED.search(text)
    if refused:
        c.parse_failed(
            "it contains a DOCTYPE or ENTITY declaration, which license-check refuses to parse "
            "(entity expansion and external entities are never processed); a POM needs neither",
            line=text.count("\n", 0, refused.start()) + 1)
        return None
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    flush = getattr(parser, "flush", None)  # Python 3.13+: no deferred parsing, so lines stay exact
    walk = _Walk()
    number = 0
    try:
        for number, line in enumerate(_lines(text), start=1):
            parser.feed(line)
            if flush is not None:
                flush()
            walk.events(parser, number)  # also raises the error the feed met
            if not walk.is_pom:
                return _Licenses()  # not a Maven POM (another root element): nothing to read
        parser.close()
        walk.events(parser, number)
    except ET.ParseError as exc:
        position = getattr(exc, "position", None)
        line_no = position[0] if isinstance(position, tuple) and position else number or None
        c.parse_failed(f"it is not well-formed XML ({str(exc)[:200]})", line=line_no)
        return None
    except (ValueError, RecursionError, MemoryError) as exc:
        c.parse_failed(f"it could not be parsed as XML ({type(exc).__name__})", line=number or None)
        return None
    return walk.found


def _choose(c: Collector, entry: _License) -> tuple[str, RawForm, str, int] | None:
    """What one <license> declares: its name, else its URL; None (reported) when neither is usable."""
    key = f"licenses.license[{entry.index}]"
    literal_name = entry.name if entry.name and not _PROPERTY.search(entry.name) else None
    literal_url = entry.url if entry.url and not _PROPERTY.search(entry.url) else None
    if literal_name:
        return literal_name, RawForm.NAME, f"{key}.name", entry.name_line or entry.line
    if literal_url:
        return literal_url, RawForm.URL, f"{key}.url", entry.url_line or entry.line
    if entry.name or entry.url:
        field = "name" if entry.name else "url"
        line = (entry.name_line if entry.name else entry.url_line) or entry.line
        c.finding(
            "unevaluated-metadata",
            f"{c.entry.path}, key {key + '.' + field!r}: the license is the Maven property expression "
            f"{(entry.name or entry.url)!r}, which is not interpolated (Maven is never run). "
            "Write the license name in the <license> element itself.",
            line,
        )
        c.unknown(f"{key}.{field}", RawForm.NAME, line)
        return None
    c.malformed("the <license> element has neither a <name> nor a <url>", key, line=entry.line)
    return None


def parse_pom(c: Collector) -> None:
    text = c.read("pom.xml")
    if text is None:
        return
    found = _read(c, text)
    if found is None or not found.entries:
        return
    if found.too_many:
        c.malformed(f"it lists more than {MAX_LICENSES} <license> elements; the rest were not read",
                    "licenses", line=found.line)
    chosen: list[tuple[str, RawForm, str, int]] = []
    for entry in found.entries:
        pick = _choose(c, entry)
        if pick is not None and pick[0] not in (p[0] for p in chosen):
            chosen.append(pick)
    if len(chosen) == 1:
        raw, form, key, line = chosen[0]
        c.claim(raw, form, key, NAME_CONFIDENCE, line)
    elif chosen:
        # Alternatives (see the module docstring). Not parenthesised: the normalizer reads names
        # joined by an upper-case OR one by one; a URL among them is not read that way (unknown).
        c.claim(" OR ".join(p[0] for p in chosen), RawForm.NAME, "licenses", NAME_CONFIDENCE, found.line)
