"""Cargo.toml (source ``cargo``), parsed with tomllib.

``package.license`` is an SPDX expression (SPDX, 0.95), kept as found: old crates write ``MIT/Apache-2.0``,
which Cargo reads as OR (the normalizer does too). ``package.license-file`` points to a license file.
``license.workspace = true`` inherits ``workspace.package.license`` / ``license-file`` from the nearest
ancestor Cargo.toml that declares ``[workspace]``; the claim's evidence is that root manifest.
"""

from __future__ import annotations

import tomllib
from typing import Any

from license_check.collect.detectors._util import join
from license_check.collect.detectors.manifests._collect import SPDX_CONFIDENCE, Collector, type_name
from license_check.collect.reading import MANIFEST_CAP, read_text
from license_check.model import FileEntry, RawForm
from license_check.tomlio import safe as tomlsafe


def _load(text: str) -> dict[str, Any] | None:
    try:
        return tomlsafe.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def _workspace_root(c: Collector, entries: dict[str, FileEntry]) -> tuple[FileEntry, dict[str, Any]] | None:
    folder = c.folder
    while folder != ".":
        folder = folder.rsplit("/", 1)[0] if "/" in folder else "."
        entry = entries.get(join(folder, "Cargo.toml"))
        if entry is None:
            continue
        read = read_text(entry.abspath, MANIFEST_CAP)
        data = _load(read.text) if read.text is not None and not read.truncated else None
        if data is not None and isinstance(data.get("workspace"), dict):
            return entry, data
    return None


def _inherit(c: Collector, field: str, entries: dict[str, FileEntry]) -> None:
    key = f"package.{field}"
    root = _workspace_root(c, entries)
    package = root[1]["workspace"].get("package") if root else None
    value = package.get(field) if isinstance(package, dict) else None
    if root is None or not isinstance(value, str) or not value.strip():
        c.malformed(f"{key} is inherited from the workspace, but no ancestor Cargo.toml declares "
                    f"workspace.package.{field} as a string", key, line=c.line_of(rf"^\s*{field}"))
        return
    if field == "license-file":
        c.pointer(value, key, base=root[0].parent)
    else:  # the evidence is the workspace root's declaration
        c.claim(value.strip(), RawForm.SPDX, f"workspace.package.{field}", SPDX_CONFIDENCE, path=root[0].path)


def parse_cargo(c: Collector, entries: dict[str, FileEntry]) -> None:
    data = c.read_toml("Cargo.toml")
    if data is None:
        return
    package = data.get("package")
    if not isinstance(package, dict):
        return
    for field in ("license", "license-file"):
        if field not in package:
            continue
        value, key = package[field], f"package.{field}"
        line = c.line_of(rf"^\s*{field}\s*[=.]")
        if isinstance(value, dict) and value.get("workspace") is True:
            _inherit(c, field, entries)
        elif not isinstance(value, str) or not value.strip():
            shown = "an empty string" if isinstance(value, str) else type_name(value)
            c.malformed(f"{key} is {shown}, not a string", key, line=line)
        elif field == "license":
            c.claim(value.strip(), RawForm.SPDX, key, SPDX_CONFIDENCE, line)
        else:
            c.pointer(value, key)
