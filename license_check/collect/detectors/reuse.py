"""REUSE (https://reuse.software, spec 3.2): REUSE.toml, ``.license`` sidecars and ``.reuse/dep5``.

Claims are FILE scope on each covered file, source ``reuse``, form SPDX, confidence 0.95:

- ``REUSE.toml`` (any folder): each ``[[annotations]]`` table's ``SPDX-License-Identifier`` (a string
  or a list of strings, all of which apply) covers the discovered files its ``path`` globs match,
  relative to the REUSE.toml's folder (``*`` and ``?`` stop at ``/``, ``**`` crosses it). Within one
  file the last matching table wins. Across files and against the file's own header, ``precedence``:
  ``closest`` (default) applies only when the file has no SPDX tag of its own (header or sidecar) and
  no closer REUSE.toml covers it; ``aggregate`` always applies; ``override`` applies and the table of
  the REUSE.toml nearest the root wins. Evidence: the REUSE.toml, the table's line, key
  ``annotations[i].SPDX-License-Identifier``.
- ``X.license`` next to a discovered ``X``: its ``SPDX-License-Identifier`` tags license ``X`` (even a
  binary such as ``model.safetensors``). Evidence: the sidecar, the tag's line.
- ``.reuse/dep5`` (deprecated Debian copyright format): ``Files:`` globs (``*`` crosses ``/``) and
  the first line of ``License:``; the last matching paragraph wins. Aggregated with file headers.

``DetectorResult.extra["reuse_authoritative"]``: files whose REUSE information is meant to replace
what the file itself says (``override`` tables and ``.license`` sidecars, per the spec's order of
precedence); later stages may drop the files' own header claims. LICENSE/COPYING files, ``LICENSES/``
and ``.reuse/`` are not covered files and get no claims.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

from license_check.collect.detectors._util import Glob, glob_to_regex, is_legal_file, read_or_report, relative_to
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.spdx_headers import BINARY_EXTENSIONS, complete_lines, find_tags
from license_check.collect.reading import HEADER_CAP, MANIFEST_CAP
from license_check.findings import make_finding
from license_check.model import Claim, ClaimScope, Evidence, FileEntry, Finding, Location, RawForm
from license_check.tomlio import safe as tomlsafe

NAME = "reuse"
SOURCE = "reuse"
CONFIDENCE = 0.95
_PRECEDENCES = ("closest", "aggregate", "override")
_TABLE_HEADER = re.compile(r"^\s*\[\[\s*annotations\s*\]\]")


@dataclass(frozen=True, slots=True)
class Annotation:
    source: str  # the REUSE.toml (or dep5) path
    folder: str
    index: int
    line: int | None
    patterns: tuple[Glob, ...]
    licenses: tuple[str, ...]
    precedence: str


@dataclass
class _Out:
    claims: list[Claim]
    findings: list[Finding]

    def malformed(self, path: str, problem: str, line: int | None = None) -> None:
        self.findings.append(make_finding(
            "malformed-metadata",
            f"{path}: {problem}. REUSE licensing information in it is ignored, so the files it was meant "
            "to cover may have no license. Fix the file (see https://reuse.software/spec/).",
            [Location(path, line)], fix=""))

    def claim(self, target: str, raw: str | None, evidence_path: str, line: int | None, key: str | None) -> None:
        evidence = Evidence(evidence_path, SOURCE, raw, line=line, key=key, confidence=CONFIDENCE if raw else None)
        self.claims.append(Claim(target, ClaimScope.FILE, raw, RawForm.SPDX, (evidence,)))


def _strings(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return None


MAX_ANNOTATIONS = 300  # per REUSE.toml or dep5 file: every file is matched against each of them


def _capped(entry: FileEntry, annotations: list[Annotation], out: _Out) -> list[Annotation]:
    if len(annotations) <= MAX_ANNOTATIONS:
        return annotations
    out.malformed(entry.path, f"it has {len(annotations)} annotations; only the first {MAX_ANNOTATIONS} are "
                  "applied (every file is matched against each), so files covered by the rest count as unlicensed")
    return annotations[:MAX_ANNOTATIONS]


def parse_reuse_toml(entry: FileEntry, out: _Out) -> list[Annotation]:
    read = read_or_report(entry.path, entry.abspath, MANIFEST_CAP, "REUSE.toml")
    out.findings += read.findings
    if read.text is None:
        return []
    if read.truncated:
        out.malformed(entry.path, f"it is larger than {MANIFEST_CAP // 1024} KiB and was not parsed")
        return []
    try:
        data = tomlsafe.loads(read.text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        out.malformed(entry.path, f"it is not valid TOML ({exc})")
        return []
    if data.get("version") != 1:
        out.malformed(entry.path, f"'version' must be 1 (found {data.get('version')!r})")
        return []
    tables = data.get("annotations", [])
    if not isinstance(tables, list):
        out.malformed(entry.path, "'annotations' must be an array of tables ([[annotations]])")
        return []
    lines = [n for n, text in enumerate(read.text.splitlines(), start=1) if _TABLE_HEADER.match(text)]
    annotations: list[Annotation] = []
    for index, table in enumerate(tables):
        line = lines[index] if len(lines) == len(tables) else None
        where = f"annotations[{index}]"
        if not isinstance(table, dict):
            out.malformed(entry.path, f"{where} is not a table", line)
            continue
        paths = _strings(table.get("path"))
        licenses = _strings(table.get("SPDX-License-Identifier", []))
        precedence = table.get("precedence", "closest")
        if not paths:
            out.malformed(entry.path, f"{where}.path must be a string or a list of strings", line)
        elif licenses is None or not all(s.strip() for s in licenses):
            out.malformed(entry.path, f"{where}.SPDX-License-Identifier must be a non-empty string or a list "
                          "of them", line)
        elif precedence not in _PRECEDENCES:
            out.malformed(entry.path, f"{where}.precedence must be one of {', '.join(_PRECEDENCES)} "
                          f"(found {precedence!r})", line)
        else:
            annotations.append(Annotation(
                entry.path, entry.parent, index, line, tuple(glob_to_regex(p) for p in paths),
                tuple(s.strip() for s in licenses), str(precedence)))
    return _capped(entry, annotations, out)


def parse_dep5(entry: FileEntry, out: _Out) -> list[Annotation]:
    read = read_or_report(entry.path, entry.abspath, MANIFEST_CAP, "dep5 file")
    out.findings += read.findings
    if read.text is None:
        return []
    annotations: list[Annotation] = []
    fields: dict[str, tuple[str, int]] = {}
    last: str | None = None
    lines = [*read.text.splitlines(), ""]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            files, lic = fields.get("files"), fields.get("license")
            if files and lic and lic[0].strip():
                annotations.append(Annotation(
                    entry.path, ".", len(annotations), files[1],
                    tuple(glob_to_regex(p, star_crosses_slash=True) for p in files[0].split()),
                    (lic[0].strip(),), "aggregate"))
            elif files:
                out.malformed(entry.path, "a Files paragraph has no License", files[1])
            fields, last = {}, None
        elif line[0].isspace() and last == "files":  # continuation: more globs
            fields["files"] = (fields["files"][0] + " " + line.strip(), fields["files"][1])
        elif not line[0].isspace() and ":" in line:
            name, value = line.split(":", 1)
            last = name.strip().lower()
            fields[last] = (value, number)
    return _capped(entry, annotations, out)


def _covered(entry: FileEntry) -> bool:
    return not (is_legal_file(entry.path) or entry.path.startswith(".reuse/") or entry.name == "REUSE.toml"
                or entry.name.endswith(".license"))


def _sidecars(files: Sequence[FileEntry], paths: set[str], out: _Out) -> set[str]:
    """Claims from ``X.license`` files; returns the X that have one."""
    licensed: set[str] = set()
    for entry in files:
        target = entry.path[: -len(".license")]
        if not entry.path.endswith(".license") or target not in paths:
            continue
        licensed.add(target)
        read = read_or_report(entry.path, entry.abspath, HEADER_CAP, ".license file")
        out.findings += read.findings
        tags = find_tags(complete_lines(read.text, read.truncated)) if read.text is not None else []
        if read.text is not None and not tags:
            out.malformed(entry.path, "this .license file has no SPDX-License-Identifier tag")
        for tag in tags:
            out.claim(target, tag.expression, entry.path, tag.line, "SPDX-License-Identifier")
        if not tags:
            out.claim(target, None, entry.path, None, None)
    return licensed


def _has_own_tag(entry: FileEntry) -> bool:
    if entry.name.rsplit(".", 1)[-1].lower() in BINARY_EXTENSIONS:
        return False
    read = read_or_report(entry.path, entry.abspath, HEADER_CAP, "file", report_binary=False)
    return read.text is not None and bool(find_tags(complete_lines(read.text, read.truncated)))


def _last_match(annotations: Sequence[Annotation], path: str) -> Annotation | None:
    found = None
    for ann in annotations:
        rel = relative_to(path, ann.folder)
        if rel is not None and any(rx.match(rel) for rx in ann.patterns):
            found = ann
    return found


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    out = _Out([], [])
    paths = {f.path for f in files}
    sidecar_targets = _sidecars(files, paths, out)
    per_toml = [anns for f in files if f.name == "REUSE.toml" if (anns := parse_reuse_toml(f, out))]
    dep5 = [parse_dep5(f, out) for f in files if f.path == ".reuse/dep5"]
    authoritative = set(sidecar_targets)
    for entry in files if per_toml or dep5 else ():  # without REUSE.toml or dep5 no file gets an annotation
        if not _covered(entry):
            continue
        matches = [m for anns in per_toml if (m := _last_match(anns, entry.path))]
        matches.sort(key=lambda a: a.folder.count("/") + (a.folder != "."))  # root first
        chosen: list[Annotation] = []
        overrides = [m for m in matches if m.precedence == "override"]
        if overrides:
            chosen = overrides[:1]
            authoritative.add(entry.path)
        elif matches:
            chosen = [m for m in matches if m.precedence == "aggregate"]
            closest = matches[-1]
            if closest.precedence == "closest" and entry.path not in sidecar_targets and not _has_own_tag(entry):
                chosen.append(closest)
        chosen += [m for anns in dep5 if (m := _last_match(anns, entry.path))]
        for ann in chosen:
            key = "License" if ann.source.endswith("dep5") else f"annotations[{ann.index}].SPDX-License-Identifier"
            for raw in ann.licenses:
                out.claim(entry.path, raw, ann.source, ann.line, key)
    return DetectorResult(tuple(out.claims), tuple(out.findings), {"reuse_authoritative": sorted(authoritative)})
