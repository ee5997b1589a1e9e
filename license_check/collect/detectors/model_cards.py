"""Hugging Face model and dataset cards (sources ``model-card``, ``dataset-card``).

A card is the YAML front matter of a ``README.md`` in any folder (collect/parsers/frontmatter.py reads it
safely). The card makes its folder a ``model`` or ``dataset`` component:

- ``license``: a Hub license id (form HUB, rules/hub-ids.toml); a dataset card may list several
  (each applies: AND). ``other`` resolves through ``license_name`` (a Hub-style id or a name),
  else ``license_link`` (a URL, or a file in the repository that the license-file detector then
  identifies), else a LICENSE file beside the card, else it is an unidentified license.
  ``unknown`` means no license.
- ``base_model`` (string or list) with ``base_model_relation`` (adapter, merge, quantized, finetune;
  a list without a relation is a merge, otherwise a fine-tune is assumed): lineage.
- ``datasets``: training data (lineage ``trained-on``).

A front matter that cannot be parsed but mentions a license or base model is still a card: its
license is unidentified (fail safe), with a ``malformed-metadata`` finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from license_check.collect.detectors import license_names, readme_prose
from license_check.collect.detectors._util import is_legal_file, join, read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.parsers import frontmatter
from license_check.collect.reading import README_CAP
from license_check.findings import make_finding
from license_check.knowledge.data import has_scheme
from license_check.knowledge.textrules import Clause
from license_check.model import (
    Artifact,
    ArtifactRef,
    Claim,
    ClaimScope,
    Evidence,
    FileEntry,
    Finding,
    Kind,
    Location,
    RawForm,
)

NAME = "model-cards"
CARD_CONFIDENCE = 0.9
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CARD_HINT = re.compile(r"^\s*(?:license|license_name|license_link|base_model|datasets)\s*:", re.MULTILINE)


def is_card_file(name: str) -> bool:
    """A README card: the Hub's convention, which describes the folder it stands in."""
    return name.lower() in {"readme.md", "readme.markdown"}


def is_named_card(path: str) -> bool:
    """A model card by another conventional name (rules/file-names.toml [model_cards]): ``MODEL_CARD.md``,
    ``modelcard.md``, ``Stable_Diffusion_v1_Model_Card.md``, any ``.md`` in ``model_cards/``. Such a card
    describes a model the repository releases (often downloaded): it is a component of its own."""
    names = license_names.file_names()
    folder, _, name = path.rpartition("/")
    lower = name.lower()
    if is_card_file(name) or not lower.endswith((".md", ".markdown")):
        return False
    return (lower in names.card_names or lower.endswith(names.card_suffixes)
            or folder.rsplit("/", 1)[-1].lower() in names.card_folders)


class _Card:
    def __init__(self, entry: FileEntry, folder_files: set[str], clauses: tuple[Clause, ...],
                 own: bool = False) -> None:
        self.entry = entry
        self.clauses = clauses  # the scan's Knowledge.use_terms, for the card's prose
        self.folder = entry.path if own else entry.parent  # a named card is its own component
        self.beside = entry.parent
        self.folder_files = folder_files
        self.claims: list[Claim] = []
        self.findings: list[Finding] = []
        self.owners: dict[str, str] = {}
        self.source = "model-card"
        self.lines: dict[str, int] = {}

    def evidence(self, key: str, raw: str | None) -> Evidence:
        return Evidence(self.entry.path, self.source, raw, line=self.lines.get(key.split(".")[0].split("[")[0]),
                        key=key, confidence=CARD_CONFIDENCE)

    def claim(self, raw: str | None, form: RawForm, key: str) -> None:
        self.claims.append(Claim(self.folder, ClaimScope.DIRECTORY, raw, form, (self.evidence(key, raw),)))

    def problem(self, message: str, key: str | None = None) -> None:
        line = self.lines.get(key) if key else None
        self.findings.append(make_finding("malformed-metadata", f"{self.entry.path}: {message}",
                                          [Location(self.entry.path, line)]))

    def license_other(self, fields: frontmatter.CardFields) -> None:
        if fields.license_name:
            self.claim(fields.license_name, RawForm.HUB, "license_name")
        elif fields.license_link and has_scheme(fields.license_link):
            self.claim(fields.license_link, RawForm.URL, "license_link")
        elif fields.license_link:
            target = join(self.beside, fields.license_link.removeprefix("./"))
            if target is not None and target in self.folder_files:
                self.owners[target] = self.folder  # identified by the license-file detector
            else:
                self.claim(None, RawForm.NAME, "license_link")
                self.problem(f"license_link {fields.license_link!r} names no file in the repository; "
                             "the custom license cannot be read.", "license_link")
        elif not any(is_legal_file(p) for p in self.folder_files if p.rsplit("/", 1)[0] == self.beside
                     or (self.beside == "." and "/" not in p)):
            self.claim(None, RawForm.NAME, "license")
            self.findings.append(make_finding(
                "unknown-license-id",
                f"{self.entry.path}: 'license: other' without license_name, license_link or a LICENSE file "
                "beside the card; the terms are unknown.", [Location(self.entry.path, self.lines.get("license"))]))

    def run(self, text: str) -> Artifact | None:
        block, start = frontmatter.split_front_matter(text)
        if block is None:
            return None
        loaded = frontmatter.load_yaml(block, start)
        if loaded.data is None:
            if not _CARD_HINT.search(block):
                return None
            self.problem(f"the card's YAML front matter cannot be parsed ({loaded.problem}); its license is unknown.")
            self.claim(None, RawForm.NAME, "license")
            return Artifact(self.folder, Kind.MODEL, self.evidence("license", None), has_license=True,
                            is_dir=self.folder == self.beside)
        self.lines = dict(loaded.lines)
        fields = frontmatter.card_fields(loaded.data, loaded.lines)
        if not fields.has_card_keys:
            return None
        kind = Kind.DATASET if fields.kind_hint == "dataset" else Kind.MODEL
        self.source = "dataset-card" if kind is Kind.DATASET else "model-card"
        for problem in fields.problems:
            self.problem(problem.message, problem.key)
        if fields.license_unreadable:
            self.claim(None, RawForm.NAME, "license")  # a license is stated but unreadable: fail safe
        licenses = list(fields.license or ())
        for i, value in enumerate(licenses):
            key = "license" if len(licenses) == 1 else f"license[{i}]"
            if value.strip().lower() == "other":
                self.license_other(fields)
            elif value.strip().lower() != "unknown":
                self.claim(value, RawForm.HUB, key)
        lineage = self.lineage(fields)
        has_license = any(c.raw is not None or c.evidence[0].key == "license" for c in self.claims)
        return Artifact(self.folder, kind, self.evidence("license", None), lineage=lineage,
                        has_license=has_license or bool(self.claims), is_dir=self.folder == self.beside)

    def prose(self, text: str) -> Artifact | None:
        """A named card without front matter: its license statements, read as README prose is."""
        claims, found = readme_prose.scan_text(self.entry, text, self.clauses, target=self.folder)
        self.findings += found
        lines = text.splitlines()
        # "**License:** [Proprietary](LICENSE)": the card points to a license file of the repository, which
        # the license-file detector reads; the link's label is no license of its own.
        claims = [c for c in claims if not self.points_to_license_file(lines, c.evidence[0].line)]
        if not claims:
            return None
        self.claims += [replace(c, applies_to=None) for c in claims]
        self.source = "model-card"
        return Artifact(self.folder, Kind.MODEL, claims[0].evidence[0], is_dir=False, has_license=True)

    def points_to_license_file(self, lines: list[str], line: int | None) -> bool:
        if line is None or not 0 < line <= len(lines):
            return False
        for target in _MD_LINK.findall(lines[line - 1]):
            path = join(self.beside, target.strip().removeprefix("./").split("#", 1)[0])
            if path is not None and path in self.folder_files and is_legal_file(path):
                return True
        return False

    def lineage(self, fields: frontmatter.CardFields) -> tuple[ArtifactRef, ...]:
        bases = list(fields.base_model or ())
        relation = fields.base_model_relation or ("merge" if len(bases) > 1 else "finetune")
        out = [ArtifactRef(relation, base, self.evidence("base_model", None)) for base in bases]
        out += [ArtifactRef("trained-on", name, self.evidence("datasets", None)) for name in fields.datasets or ()]
        return tuple(out)


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    artifacts: list[Artifact] = []
    owners: dict[str, str] = {}
    all_paths = {e.path for e in files}
    declared: dict[str, list[tuple[str, str]]] = {}  # folder -> (card, license as written)
    for entry in files:
        if not entry.name.lower().endswith((".md", ".markdown")):
            continue  # neither kind of card (most files: one test, not the two below)
        own = is_named_card(entry.path)
        if not own and not is_card_file(entry.name):
            continue
        read = read_or_report(entry.path, entry.abspath, README_CAP, "model card", report_binary=False)
        findings += read.findings
        if read.text is None:
            continue
        card = _Card(entry, all_paths, ctx.knowledge.use_terms, own)
        artifact = card.run(read.text)
        if own and artifact is None:  # no front matter: the card's prose ("**License** Non-commercial ...")
            artifact = card.prose(read.text)
        findings += card.findings
        if artifact is not None:
            artifacts.append(artifact)
            claims += card.claims
            owners.update(card.owners)
            declared.setdefault(entry.parent, []).extend(
                (entry.path, c.raw) for c in card.claims if c.raw is not None)
    findings += _disagreements(declared)
    return DetectorResult(tuple(claims), tuple(findings), artifacts=tuple(artifacts),
                          extra={"license_file_owners": owners})


def _disagreements(declared: dict[str, list[tuple[str, str]]]) -> list[Finding]:
    """Cards in one folder that state different licenses: each keeps its own component (so the most
    restrictive one decides the verdict), and the disagreement is a finding of its own."""
    out: list[Finding] = []
    for folder in sorted(declared):
        by_card: dict[str, set[str]] = {}
        for card, raw in declared[folder]:
            by_card.setdefault(card, set()).add(raw.strip().lower())
        if len(by_card) < 2 or len({frozenset(v) for v in by_card.values()}) < 2:
            continue
        said = "; ".join(f"{card} says {', '.join(sorted(v))}" for card, v in sorted(by_card.items()))
        out.append(make_finding(
            "conflicting-declarations",
            f"The model cards in {folder!r} disagree ({said}). Each is judged on its own and the most "
            "restrictive one decides; make the cards agree.", [Location(card) for card in sorted(by_card)]))
    return out
