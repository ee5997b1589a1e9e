"""Clarifications (pure): the policy sets the license of a file whose detection is wrong.

A clarification names a file, the license it really carries and the sha256 of the reviewed content
(cargo-deny's ``[[licenses.clarify]]``). When the pin holds, the detectors' claims from that file are
replaced by one claim of the clarified license (source ``clarification``) and the detection problems
reported on that file alone (unidentified text, unknown id, malformed metadata, ...) are dropped.
When the file changed, the clarification lapses (``enforce.clarification_notes``) and detection applies.
Unlike a waiver, a clarification changes ``commercial_use``: it corrects the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from license_check.collect.detectors.license_files import is_license_file_name
from license_check.model import Artifact, Claim, ClaimRole, ClaimScope, Evidence, Finding, RawForm
from license_check.policy.model import Clarification

# Findings about reading or identifying a file's license, which a clarification of that file settles.
DETECTION_RULES = frozenset({
    "unknown-license-text", "unknown-license-id", "invalid-license-expression", "malformed-metadata",
    "license-file-too-large", "unreadable-file", "unevaluated-metadata", "ambiguous-license-version",
    "missing-license-file", "license-from-readme-only", "unclassified-license", "ambiguous-license-expression",
})


MARK = "clarified by policy"


def _claim(item: Clarification, like: Claim | None) -> Claim:
    """The clarified claim keeps the detector source it replaces (so it ranks where the file's evidence
    ranked: a license file above a manifest) and says in its key that the policy set it."""
    if like is not None:
        first = like.evidence[0]
        key = f"{first.key} ({MARK})" if first.key else MARK
        evidence = (Evidence(item.path, first.source, item.license, first.line, key, 1.0),)
        return Claim(like.target, like.scope, item.license, RawForm.SPDX, evidence, applies_to=like.applies_to)
    name = item.path.rsplit("/", 1)[-1]
    parent = item.path.rsplit("/", 1)[0] if "/" in item.path else "."
    if is_license_file_name(name):
        evidence = (Evidence(item.path, "license-file", item.license, None, MARK, 1.0),)
        return Claim(parent, ClaimScope.DIRECTORY, item.license, RawForm.SPDX, evidence)
    evidence = (Evidence(item.path, "spdx-header", item.license, None, MARK, 1.0),)
    return Claim(item.path, ClaimScope.FILE, item.license, RawForm.SPDX, evidence)


def apply(clarifications: Sequence[Clarification], status: Mapping[int, str], claims: Sequence[Claim],
          findings: Sequence[Finding], artifacts: Sequence[Artifact]
          ) -> tuple[list[Claim], list[Finding], list[Artifact], tuple[str, ...]]:
    """Replace the evidence of every clarified file whose pin holds. Returns the paths clarified too."""
    active = {c.path: c for c in clarifications if status.get(c.index, "active") == "active"}
    if not active:
        return list(claims), list(findings), list(artifacts), ()
    kept = [c for c in claims if not (c.path in active and c.role is ClaimRole.GRANT)]
    for path, item in sorted(active.items()):
        old = [c for c in claims if c.path == path and c.role is ClaimRole.GRANT]
        kept.append(_claim(item, old[0] if old else None))
    dropped = [f for f in findings
               if not (f.rule in DETECTION_RULES and f.locations and all(loc.path in active for loc in f.locations))]
    marked = [replace(a, has_license=True) if a.path in active and a.ref is None else a for a in artifacts]
    return kept, dropped, marked, tuple(sorted(active))
