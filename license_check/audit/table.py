"""``audit.parquet``: one row per component of every audited repository, for DuckDB, pandas or Spark.

Columns: repository (the audit name), path (the repository's path), verdict and commercial_use of the
repository, component id, component path, kind, license, component commercial_use, answer ("repository" or
"adoption": whether the component counts in the repository's own answer), ref, version and group (for
dependencies). Written with pyarrow (the ``fleet`` extra); rows in manifest order, then component order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

COLUMNS = ("repository", "path", "verdict", "repository_commercial_use", "component", "component_path", "kind",
           "license", "commercial_use", "answer", "ref", "version", "group")


def rows(name: str, path: str, report: dict[str, object]) -> list[dict[str, object]]:
    """The rows of one repository's JSON report."""
    out: list[dict[str, object]] = []
    adoption = report.get("adoption")
    extra = adoption.get("components", []) if isinstance(adoption, dict) else []
    shipped = report.get("components", [])
    seen: set[str] = set()
    for answer, components in (("repository", shipped), ("adoption", extra)):
        for comp in components if isinstance(components, list) else []:
            if not isinstance(comp, dict) or comp.get("id") in seen:
                continue
            seen.add(str(comp.get("id")))
            out.append({"repository": name, "path": path, "verdict": report.get("verdict"),
                        "repository_commercial_use": report.get("commercial_use"), "component": comp.get("id"),
                        "component_path": comp.get("path"), "kind": comp.get("kind"), "license": comp.get("license"),
                        "commercial_use": comp.get("commercial_use"), "answer": answer, "ref": comp.get("ref"),
                        "version": comp.get("version"), "group": comp.get("group")})
    return out


def write_parquet(out: Path, audited: Sequence[tuple[str, str]]) -> Path:
    """``out/audit.parquet`` from the reports of ``audited`` (name, path) in ``out/reports``."""
    import pyarrow as pa  # type: ignore[import-untyped]  # the fleet extra
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table_rows: list[dict[str, object]] = []
    for name, path in audited:
        report_file = out / "reports" / f"{name}.json"
        if report_file.is_file():
            table_rows += rows(name, path, json.loads(report_file.read_text(encoding="utf-8")))
    columns = {c: pa.array([str(r[c]) if r[c] is not None else None for r in table_rows], type=pa.string())
               for c in COLUMNS}
    target = out / "audit.parquet"
    pq.write_table(pa.table(columns), target, compression="zstd")
    return target
