"""Dataset manifests (sources ``datapackage``, ``croissant``, ``dataset-info``, ``citation-cff``) and
data folders without one.

- Frictionless ``datapackage.json``: ``licenses`` (package and resources: all apply, AND);
- MLCommons Croissant JSON-LD (``*croissant*.json`` or ``metadata.json`` whose context names
  Croissant): ``license`` (URL, name, CreativeWork or a list: all apply);
- Hugging Face ``dataset_info.json`` / ``dataset_infos.json``: ``license`` is free text; a long
  text goes through the license-text fast path;
- ``CITATION.cff``: ``license`` (a list means OR) and ``license-url``. A CFF of ``type: dataset``
  describes a dataset; otherwise it speaks for the software in its folder (like a manifest).

Each manifest makes its folder a ``dataset`` component. A folder named data/, dataset(s)/ or
training_data/ that holds data files (CSV, Parquet, JSON Lines, Arrow, TFRecord, ...) and no
manifest is a ``data`` component: it inherits the enclosing license with ``inherited-license``.
Parsing is done by collect/parsers/ (bounded, never raises); problems are ``malformed-metadata`` and an
unreadable license makes the component's license unidentified (fail safe).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from license_check.collect.detectors._util import join, read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.parsers import datasets as parse
from license_check.collect.parsers.jsondoc import Problem, load_json
from license_check.collect.reading import MANIFEST_CAP
from license_check.findings import make_finding
from license_check.knowledge.book import Knowledge
from license_check.model import Artifact, Claim, ClaimScope, Evidence, FileEntry, Finding, Kind, Location, RawForm

NAME = "datasets"
CONFIDENCE = 0.85
DATA_DIRS = frozenset({"data", "dataset", "datasets", "training_data", "train_data"})
DATA_SUFFIXES = frozenset({".csv", ".tsv", ".parquet", ".jsonl", ".arrow", ".tfrecord", ".tfrecords", ".avro",
                           ".feather", ".orc", ".lance", ".webdataset", ".wds"})
_SKIP_DIRS = frozenset({"tests", "test", "testing", "docs", "doc", "fixtures"})
_CFF_DATASET = re.compile(r"^type\s*:\s*['\"]?dataset\b", re.MULTILINE | re.IGNORECASE)


def _which(name: str) -> str | None:
    lower = name.lower()
    if lower == "datapackage.json":
        return "datapackage"
    if lower in ("dataset_info.json", "dataset_infos.json"):
        return "dataset-info"
    if lower == "citation.cff":
        return "citation-cff"
    if lower.endswith(".json") and ("croissant" in lower or lower == "metadata.json"):
        return "croissant"
    return None


def _manifest(entry: FileEntry, source: str, paths: set[str],
              knowledge: Knowledge) -> tuple[list[Claim], list[Finding], dict[str, str], Kind | None]:
    read = read_or_report(entry.path, entry.abspath, MANIFEST_CAP, "dataset manifest")
    if read.text is None:
        return [], list(read.findings), {}, None
    folder = entry.parent
    kind: Kind | None = Kind.DATASET
    if source == "citation-cff":
        found = parse.citation_cff_licenses(read.text)
        kind = Kind.DATASET if _CFF_DATASET.search(read.text) else None
    elif source == "croissant" and "croissant" not in entry.name.lower() and _no_croissant(read.text):
        return [], [], {}, None  # a metadata.json (1,000 of them in a game tree) that cannot name Croissant
    else:
        doc = load_json(read.text, max_bytes=MANIFEST_CAP)
        if doc.problem is not None:
            if source == "croissant" and "croissant" not in entry.name.lower() \
                    and parse.CROISSANT_MARK not in read.text:
                return [], [], {}, None  # a broken metadata.json that does not say it is Croissant
            found = parse.DatasetLicenses(problems=(Problem(None, f"invalid JSON: {doc.problem}"),),
                                          declares_license=True)
        elif source == "datapackage":
            found = parse.datapackage_licenses(doc.value, doc.text)
        elif source == "croissant":
            if not parse.is_croissant(doc.value):
                return [], [], {}, None
            found = parse.croissant_licenses(doc.value, doc.text)
        else:
            found = parse.dataset_info_licenses(doc.value, plural=entry.name.lower() == "dataset_infos.json",
                                                text=doc.text)
    findings = [make_finding("malformed-metadata", f"{entry.path}: {p.message}", [Location(entry.path, p.line)])
                for p in found.problems]
    claims: list[Claim] = []
    owners: dict[str, str] = {}

    def claim(raw: str | None, form: RawForm, key: str, line: int | None) -> None:
        evidence = Evidence(entry.path, source, raw, line=line, key=key, confidence=CONFIDENCE)
        claims.append(Claim(folder, ClaimScope.DIRECTORY, raw, form, (evidence,)))

    groups: dict[int, list[parse.LicenseDecl]] = {}
    for decl in found.decls:
        if decl.alternative_group is not None:
            groups.setdefault(decl.alternative_group, []).append(decl)
        elif decl.pointer:
            target = join(folder, decl.raw)
            if target and target in paths:
                owners[target] = folder  # identified by the license-file detector
            else:
                claim(None, RawForm.NAME, decl.key, decl.line)
                findings.append(make_finding(
                    "missing-license-file",
                    f"{entry.path}: {decl.key} points to {decl.raw!r}, which is not a file in the repository; "
                    "the dataset's license cannot be read, so it is unknown.", [Location(entry.path, decl.line)]))
        elif decl.free_text:
            from license_check.collect.textid import fastpath  # loaded only for a license text

            match = fastpath.match_license_text(decl.raw, knowledge)
            claim(match.expression if match else None, RawForm.SPDX, decl.key, decl.line)
        else:
            claim(decl.raw, decl.form, decl.key, decl.line)
    for group in groups.values():
        claim(" OR ".join(f"({d.raw})" for d in group), RawForm.SPDX, group[0].key, group[0].line)
    if found.declares_license and not found.decls:
        claim(None, RawForm.NAME, "license", None)  # a license is stated but unreadable: fail safe
    return claims, findings, owners, kind


def _no_croissant(text: str) -> bool:
    """Whether no string of this JSON text can name Croissant (parse.is_croissant lower-cases the strings, and only
    ASCII letters lower-case to the ASCII of "croissant"): the word is not in it in any casing, and no \\u escape
    could spell it."""
    return "croissant" not in text.lower() and "\\u" not in text


def _data_folders(files: Sequence[FileEntry]) -> list[str]:
    folders: set[str] = set()
    for entry in files:
        name = entry.name.lower()
        if "." not in name or name[name.rindex("."):] not in DATA_SUFFIXES:
            continue  # most files: no data suffix, so no path to split
        parts = entry.path.split("/")
        lower = [p.lower() for p in parts]
        if any(p in _SKIP_DIRS for p in lower[:-1]):
            continue
        for i in range(len(parts) - 2, -1, -1):
            if lower[i] in DATA_DIRS:
                folders.add("/".join(parts[: i + 1]))
                break
    return sorted(folders)


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    artifacts: list[Artifact] = []
    owners: dict[str, str] = {}
    paths = {f.path for f in files}
    for entry in files:
        source = _which(entry.name)
        if source is None:
            continue
        more, problems, pointed, kind = _manifest(entry, source, paths, ctx.knowledge)
        claims += more
        findings += problems
        owners.update(pointed)
        if kind is not None and (more or source != "croissant"):
            artifacts.append(Artifact(entry.parent, kind, Evidence(entry.path, source, None),
                                      has_license=bool(more)))
    artifacts += [Artifact(folder, Kind.DATA, Evidence(folder, "data-files", None)) for folder in _data_folders(files)]
    return DetectorResult(tuple(claims), tuple(findings), artifacts=tuple(artifacts),
                          extra={"license_file_owners": owners})
