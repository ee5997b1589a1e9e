"""``--baseline FILE``: the fingerprints of the findings a previous JSON report holds (accepted findings).

A baseline is any license-check JSON report (``--format json``, or the one ``--write-baseline`` writes):
its ``findings[].fingerprint`` values. Fingerprints (findings.fingerprint) hash the rule, the locations
and the components, not the wording, so a reworded message still matches. A file that is not such a report
is a configuration error (exit 2), never an empty baseline: an unreadable baseline must not pass a check.
"""

from __future__ import annotations

import json
import re

from license_check.errors import ConfigError

MAX_BASELINE_BYTES = 64 * 1024 * 1024
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")


class BaselineError(ConfigError):
    label = "baseline error"


def read_baseline(path: str) -> frozenset[str]:
    """The fingerprints of the report at ``path``. Raises BaselineError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BASELINE_BYTES + 1)
    except OSError as exc:
        raise BaselineError([f"{path}: cannot read the baseline: {exc.strerror or type(exc).__name__}"]) from exc
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError([f"{path}: the baseline is larger than {MAX_BASELINE_BYTES // (1024 * 1024)} MiB"])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BaselineError([f"{path}: not a JSON report (license-check --format json): {exc}"]) from exc
    findings = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("schema_version") != 1 or not isinstance(findings, list):
        raise BaselineError([f"{path}: not a license-check JSON report (schema_version 1 with a findings list)"])
    out: set[str] = set()
    for n, finding in enumerate(findings):
        value = finding.get("fingerprint") if isinstance(finding, dict) else None
        if not isinstance(value, str) or not _FINGERPRINT.fullmatch(value):
            raise BaselineError([f"{path}: findings[{n}].fingerprint: not a license-check fingerprint"])
        out.add(value)
    return frozenset(out)
