"""The shared collector every manifest parser reports through: claims, findings, license-file pointers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from license_check.collect.detectors._util import join, read_or_report, resolve_globs
from license_check.collect.reading import MANIFEST_CAP
from license_check.findings import make_finding
from license_check.model import Claim, ClaimScope, Evidence, FileEntry, Finding, Location, RawForm
from license_check.tomlio import safe as tomlsafe

SPDX_CONFIDENCE = 0.95
NAME_CONFIDENCE = 0.8
CLASSIFIER_CONFIDENCE = 0.7

_MENTIONS_LICENSE = re.compile(r"licen[sc]e", re.IGNORECASE)


def type_name(value: object) -> str:
    """How a wrong value looks to the author of the manifest (TOML/JSON words, not Python's)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table/object"
    return type(value).__name__


@dataclass
class Collector:
    """Evidence from one manifest. Every claim is DIRECTORY scope on the manifest's folder."""

    entry: FileEntry
    source: str
    paths: frozenset[str]
    text: str = ""
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    license_files: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return self.entry.parent

    def read_toml(self, what: str) -> dict[str, object] | None:
        """The manifest parsed as TOML, or None (with a finding) when it cannot be read or parsed."""
        text = self.read(what)
        if text is None:
            return None
        try:
            return tomlsafe.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
            self.parse_failed(f"it is not valid TOML ({exc})")
            return None

    def read(self, what: str) -> str | None:
        """The manifest's text, or None (with a finding) when it cannot be parsed at all."""
        read = read_or_report(self.entry.path, self.entry.abspath, MANIFEST_CAP, what)
        self.findings += read.findings
        if read.binary:
            self.unknown(None)
        if read.text is None:
            return None
        if read.truncated:
            self.malformed(
                f"it is larger than {MANIFEST_CAP // 1024} KiB and was not parsed",
                unknown=bool(_MENTIONS_LICENSE.search(read.text)),
            )
            return None
        self.text = read.text
        return read.text

    def line_of(self, pattern: str) -> int | None:
        """The first line matching ``pattern`` (a regex on one line), for evidence; best effort."""
        rx = re.compile(pattern)
        for number, line in enumerate(self.text.splitlines(), start=1):
            if rx.search(line):
                return number
        return None

    def claim(self, raw: str, form: RawForm, key: str, confidence: float, line: int | None = None,
              path: str | None = None) -> None:
        """A claim on this manifest's folder; ``path``: the evidence is another file (a workspace root)."""
        evidence = Evidence(path or self.entry.path, self.source, raw, line=line, key=key, confidence=confidence)
        self.claims.append(Claim(self.folder, ClaimScope.DIRECTORY, raw, form, (evidence,)))

    def unknown(self, key: str | None, form: RawForm = RawForm.SPDX, line: int | None = None) -> None:
        """A license is (or may be) declared here but could not be read: the folder is unknown."""
        evidence = Evidence(self.entry.path, self.source, None, line=line, key=key, confidence=None)
        self.claims.append(Claim(self.folder, ClaimScope.DIRECTORY, None, form, (evidence,)))

    def finding(self, rule: str, message: str, line: int | None = None) -> None:
        # Manifest messages end with their own, specific fix.
        self.findings.append(make_finding(rule, message, [Location(self.entry.path, line)], fix=""))

    def malformed(self, problem: str, key: str | None = None, *, unknown: bool = True,
                  line: int | None = None) -> None:
        """Report unparseable license-bearing input; ``unknown`` also adds the fail-safe claim."""
        where = f"{self.entry.path}" + (f", key {key!r}" if key else "")
        self.finding(
            "malformed-metadata",
            f"{where}: {problem}. The license it declares cannot be read, so the folder's license is "
            "unknown. Fix the value (a license expression string).",
            line,
        )
        if unknown:
            self.unknown(key, line=line)

    def parse_failed(self, problem: str, line: int | None = None) -> None:
        """The whole file failed to parse: unknown only if it seems to mention a license."""
        self.malformed(problem, unknown=bool(_MENTIONS_LICENSE.search(self.text)), line=line)

    def pointer(self, rel: str, key: str, base: str | None = None) -> None:
        """``key`` names a license file (``{file = ...}``, ``SEE LICENSE IN``, ``license-file``).

        ``rel`` is relative to ``base`` (default: the manifest's folder).
        """
        target = join(base or self.folder, rel.strip())
        if target and target in self.paths:
            self.license_files.append(target)
            return
        self.finding(
            "missing-license-file",
            f"{self.entry.path}, key {key!r}: the license file {rel.strip()!r} it points to does not exist "
            "in the scanned tree, so the declared license cannot be read; the folder's license is unknown. "
            "Add the file or fix the path.",
        )
        self.unknown(key)

    def license_globs(self, patterns: list[str]) -> None:
        """PEP 639 / setuptools ``license-files`` globs, resolved against the discovered files."""
        self.license_files += resolve_globs(patterns, self.folder, sorted(self.paths))

    def classifiers(self, value: object, key: str) -> None:
        """Trove classifiers: one CLASSIFIER claim per ``License ::`` entry (several are ambiguous)."""
        if not isinstance(value, list):
            self.malformed(f"classifiers must be a list of strings, not {type_name(value)}", key, unknown=False)
            return
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip().startswith("License ::"):
                line = self.line_of(re.escape(item.strip()))
                self.claim(item.strip(), RawForm.CLASSIFIER, f"{key}[{index}]", CLASSIFIER_CONFIDENCE, line)
            elif not isinstance(item, str):
                self.malformed(f"classifier {index} is {type_name(item)}, not a string", f"{key}[{index}]",
                               unknown=False)
