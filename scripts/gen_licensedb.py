#!/usr/bin/env python3
"""Regenerate rules/generated/scancode-licensedb.json from the installed scancode-toolkit.

A development script, not part of the tool: it reads the YAML front matter of the installed
``licensedcode/data/licenses/*.LICENSE`` files directly (it does not load ScanCode's index) and
writes a compact, sorted, deterministic JSON that the normalizer and the rules loader use.

    python scripts/gen_licensedb.py            # rewrite the file
    python scripts/gen_licensedb.py --check    # exit 1 if the committed file is stale

tests/test_licensedb_snapshot.py regenerates the data in memory and compares, so upgrading
scancode-toolkit without rerunning this script fails the tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_generated.py, also when loaded by path
from _generated import write_or_check  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "rules" / "generated" / "scancode-licensedb.json"
FIELDS = (
    "key",
    "short_name",
    "spdx_license_key",
    "other_spdx_license_keys",
    "category",
    "is_exception",
    "is_deprecated",
)


def licenses_dir() -> Path:
    """The installed licensedcode/data/licenses directory (found without importing licensedcode)."""
    spec = importlib.util.find_spec("licensedcode")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("scancode-toolkit is not installed (no licensedcode package)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "licenses"


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no YAML front matter")
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError(f"{path}: unterminated YAML front matter")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text[4:end], Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(data, dict) or "key" not in data:
        raise ValueError(f"{path}: front matter is not a mapping with a key")
    return data


def entry(data: dict[str, Any]) -> dict[str, Any]:
    key = str(data["key"])
    spdx = data.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
    return {
        "key": key,
        "short_name": str(data.get("short_name") or key),
        "spdx_license_key": str(spdx),
        "other_spdx_license_keys": sorted(str(k) for k in data.get("other_spdx_license_keys") or ()),
        "category": str(data.get("category") or ""),
        "is_exception": bool(data.get("is_exception", False)),
        "is_deprecated": bool(data.get("is_deprecated", False)),
    }


def build(directory: Path | None = None) -> dict[str, Any]:
    """The LicenseDB snapshot as a JSON-ready mapping."""
    import scancode_config  # only here: the tool itself never imports ScanCode for this

    directory = directory or licenses_dir()
    licenses = [entry(front_matter(p)) for p in sorted(directory.glob("*.LICENSE"))]
    licenses.sort(key=lambda lic: lic["key"])
    return {
        "scancode_toolkit_version": str(scancode_config.__version__),
        "spdx_license_list_version": str(scancode_config.spdx_license_list_version),
        "licenses": licenses,
    }


def render(data: dict[str, Any]) -> str:
    """Deterministic JSON text: header keys sorted, one license object per line."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)  # noqa: E731
    head = [f"  {dump(k)}: {dump(v)}," for k, v in sorted(data.items()) if k != "licenses"]
    rows = [f"    {dump({f: lic[f] for f in FIELDS})}" for lic in data["licenses"]]
    return "{\n" + "\n".join(head) + '\n  "licenses": [\n' + ",\n".join(rows) + "\n  ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build())
    return write_or_check(text, args.output, args.check, "gen_licensedb.py")


if __name__ == "__main__":
    raise SystemExit(main())
