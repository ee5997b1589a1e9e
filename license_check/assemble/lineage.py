"""Lineage: a model carries the terms of the models it derives from, and names its training data.

A fine-tune, adapter or quantized copy of a base model is bound by the base's license; a merge by
every parent's. The effective license of such a component is its own declaration AND its bases'
licenses, looked up in rules/models.toml (``known.lookup``). Training datasets named in a card
are reported with their licenses (``trained-on``); non-commercial, share-alike and no-derivatives
data is a finding. No I/O beyond the rules tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from license_check.findings import make_finding
from license_check.knowledge.known import KnownArtifacts
from license_check.knowledge.normalize import Normalizer
from license_check.model import (
    ArtifactRef,
    Component,
    Evidence,
    Finding,
    Lineage,
    Location,
)

DERIVATION = ("finetune", "adapter", "quantized", "merge")
TRAINED_ON = "trained-on"


@dataclass(frozen=True, slots=True)
class Inherited:
    """A base model's license that flows into the component."""

    expression: str
    ref: ArtifactRef


@dataclass(frozen=True, slots=True)
class TrainingData:
    """A training dataset the rules know, with its license (judged by judge/training.py)."""

    ref: str
    license: str
    source: str  # the rules' citation for the dataset's license
    where: Location  # the card line that names it


@dataclass(frozen=True, slots=True)
class LineageResult:
    lineage: tuple[Lineage, ...]
    inherited: tuple[Inherited, ...]
    findings: tuple[Finding, ...]
    training: tuple[TrainingData, ...] = ()

    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(Evidence(i.ref.evidence.path, "lineage", i.expression, i.ref.evidence.line,
                              i.ref.evidence.key, None) for i in self.inherited)


def trace(component: Component, known: KnownArtifacts, norm: Normalizer) -> LineageResult:
    """Look up every lineage edge of ``component`` in the known-models table."""
    lineage: list[Lineage] = []
    inherited: list[Inherited] = []
    findings: list[Finding] = []
    training: list[TrainingData] = []
    cid = component.id
    for edge in component.lineage:
        where = [Location(edge.evidence.path, edge.evidence.line)]
        is_data = edge.relation == TRAINED_ON
        hit = known.lookup(edge.ref, "dataset" if is_data else "model")
        expression = norm.rendered(hit.license) if hit else None
        lineage.append(Lineage(edge.relation, edge.ref, expression))
        if hit is None:
            if not is_data:
                findings.append(make_finding(
                    "unverified-lineage",
                    f"Component {cid!r} derives ({edge.relation}) from {edge.ref!r}, whose license the rules "
                    "do not know; its terms flow down to this component but were not checked.",
                    where, [cid]))
            continue
        if is_data:  # judged by judge/training.py (training-data-terms; the strict reading)
            training.append(TrainingData(edge.ref, hit.license, hit.source, where[0]))
            continue
        inherited.append(Inherited(hit.license, edge))
    return LineageResult(tuple(lineage), tuple(inherited), tuple(findings), tuple(training))


def combined(own: str | None, inherited: Sequence[Inherited]) -> str | None:
    """The effective expression: the component's own AND every base's (own first, bases sorted)."""
    bases = sorted({i.expression for i in inherited} - ({own} if own else set()))
    parts = ([own] if own else []) + bases
    if not parts:
        return None
    return " AND ".join(f"({p})" if " OR " in p else p for p in parts)
