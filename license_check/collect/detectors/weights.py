"""Weight files (sources ``safetensors``, ``gguf``, ``onnx``): license metadata in their headers.

Only the header is read, through collect/parsers/ with caps that make a 100 GB file cost what a 1 MB file
costs. Formats without metadata (pickle-based .pt/.pth/.ckpt/.bin, Keras .h5, TensorFlow .pb,
Flax .msgpack, NumPy .npz) are recognised by name and never opened, let alone unpickled.

Keys read:
- safetensors ``__metadata__``: ``license``, ``modelspec.license`` (Stability ModelSpec: a name,
  link or text), ``modelspec.merged_from`` (comma-separated parents: lineage ``merge``);
- GGUF: ``general.license`` (llama.cpp copies the Hub id there, so form HUB), ``general.license.name``,
  ``general.license.link``, ``general.base_model.N.{repo_url,name,organization}`` (lineage; ``adapter``
  when ``general.type`` is ``adapter``), ``general.dataset.N.{repo_url,name}`` (``trained-on``);
- ONNX ``metadata_props``: ``model_license`` (ONNX IR.md: a well-known name or URL), ``license``.

Every weight file is an Artifact (one file, kind ``weights``); a header that cannot be read or is
inconsistent is a ``malformed-metadata`` finding and an unidentified license (fail safe).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.parsers import weights as headers
from license_check.findings import make_finding
from license_check.knowledge.data import has_scheme
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

NAME = "weights"
CONFIDENCE = 0.9
_HUB_URL = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:datasets/)?(?P<id>[^/?#]+/[^/?#]+)")
_BIN_NAME = re.compile(r"model|weight|ckpt|checkpoint|adapter|consolidated|params", re.IGNORECASE)
_HEADER_FORMATS = frozenset({"safetensors", "gguf", "onnx"})


def weight_format(entry: FileEntry) -> str | None:
    fmt = headers.weight_format(entry.name)
    if fmt == "pickle" and entry.name.lower().endswith(".bin") and not _BIN_NAME.search(entry.name):
        return None  # a .bin that does not look like weights (firmware, vocabularies, ...)
    if fmt == "tensorflow" and entry.name.lower().endswith(".pb") and "model" not in entry.name.lower():
        return None
    return fmt


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _form(value: str, default: RawForm) -> RawForm:
    return RawForm.URL if has_scheme(value) else default


def _ref(meta: Mapping[str, object], prefix: str) -> str | None:
    url = _text(meta.get(f"{prefix}.repo_url")) or _text(meta.get(f"{prefix}.url"))
    if url:
        hub = _HUB_URL.match(url)
        return hub.group("id") if hub else url
    name = _text(meta.get(f"{prefix}.name"))
    org = _text(meta.get(f"{prefix}.organization"))
    if name:
        return f"{org} {name}" if org and org.lower() not in name.lower() else name
    return None


class _File:
    def __init__(self, entry: FileEntry, fmt: str) -> None:
        self.entry = entry
        self.fmt = fmt
        self.claims: list[Claim] = []
        self.lineage: list[ArtifactRef] = []

    def evidence(self, key: str, raw: str | None) -> Evidence:
        return Evidence(self.entry.path, self.fmt, raw, key=key, confidence=CONFIDENCE)

    def claim(self, raw: str | None, form: RawForm, key: str) -> None:
        self.claims.append(Claim(self.entry.path, ClaimScope.FILE, raw, form, (self.evidence(key, raw),)))

    def edges(self, meta: Mapping[str, object], group: str, relation: str) -> None:
        count = meta.get(f"{group}.count")
        total = count if isinstance(count, int) and 0 <= count <= 64 else 0
        for i in range(total):
            ref = _ref(meta, f"{group}.{i}")
            if ref:
                self.lineage.append(ArtifactRef(relation, ref, self.evidence(f"{group}.{i}", None)))

    def read(self, meta: Mapping[str, object]) -> None:
        if self.fmt == "safetensors":
            for key in ("license", "modelspec.license"):
                value = _text(meta.get(key))
                if value:
                    self.claim(value, _form(value, RawForm.NAME), f"__metadata__.{key}")
            merged = _text(meta.get("modelspec.merged_from"))
            for parent in (p.strip() for p in (merged or "").split(",")):
                if parent:
                    self.lineage.append(ArtifactRef("merge", parent, self.evidence("modelspec.merged_from", None)))
        elif self.fmt == "gguf":
            value = _text(meta.get("general.license"))
            name = _text(meta.get("general.license.name"))
            link = _text(meta.get("general.license.link"))
            if value and value.lower() != "other":
                self.claim(value, _form(value, RawForm.HUB), "general.license")
            elif name:
                self.claim(name, RawForm.HUB, "general.license.name")
            elif link:
                self.claim(link, _form(link, RawForm.NAME), "general.license.link")
            elif value:
                self.claim(None, RawForm.NAME, "general.license")  # "other" with nothing to resolve it
            adapter = _text(meta.get("general.type")) == "adapter"
            self.edges(meta, "general.base_model", "adapter" if adapter else "finetune")
            self.edges(meta, "general.dataset", "trained-on")
        elif self.fmt == "onnx":
            for key in ("model_license", "license"):
                value = _text(meta.get(key))
                if value:
                    self.claim(value, _form(value, RawForm.NAME), f"metadata_props.{key}")


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    artifacts: list[Artifact] = []
    for entry in files:
        fmt = weight_format(entry)
        if fmt is None:
            continue
        one = _File(entry, fmt)
        if fmt in _HEADER_FORMATS:
            result = headers.read_weight_header(entry.abspath, entry.size, fmt)
            one.read(result.metadata)
            if result.problems or not result.complete:
                findings.append(make_finding(
                    "malformed-metadata",
                    f"{entry.path}: the {fmt} header cannot be read completely ({'; '.join(result.problems[:3])}); "
                    "license metadata it may hold is unknown.", [Location(entry.path)]))
                # What was read may be intact, but the unread rest may state other terms: fail safe.
                one.claim(None, RawForm.NAME, "header")
        evidence = Evidence(entry.path, fmt if fmt in _HEADER_FORMATS else "weights-file", None)
        artifacts.append(Artifact(entry.path, Kind.WEIGHTS, evidence, lineage=tuple(one.lineage), is_dir=False,
                                  has_license=bool(one.claims)))
        claims += one.claims
    return DetectorResult(tuple(claims), tuple(findings), artifacts=tuple(artifacts))
