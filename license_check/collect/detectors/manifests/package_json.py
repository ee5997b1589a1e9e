"""package.json (source ``package-json``), parsed as JSON (never run).

- ``license`` string: an SPDX expression (SPDX, 0.95); ``"UNLICENSED"`` is kept as a name (NAME,
  0.95: npm's "not licensed for use by others"); ``"SEE LICENSE IN <file>"`` points to a license file
  (recorded, no claim of its own).
- legacy ``license`` object ``{"type": ..., "url": ...}``: the type as a name (NAME, 0.8, key
  ``license.type``).
- legacy ``licenses`` array of ``{"type": ...}`` objects (or strings): one claim joining the types
  with `` OR `` (key ``licenses``), as npm itself reads the array (npm/cli#9010, npm's SBOM output):
  SPDX form when every type is a bare id, NAME form otherwise.
"""

from __future__ import annotations

import json
import re

from license_check.collect.detectors.manifests._collect import (
    NAME_CONFIDENCE,
    SPDX_CONFIDENCE,
    Collector,
    type_name,
)
from license_check.model import RawForm

_SEE_LICENSE_IN = re.compile(r"^\s*SEE\s+LICEN[CS]E\s+IN\s+(?P<file>.+?)\s*$", re.IGNORECASE)
_BARE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def _license_string(c: Collector, value: str, key: str, line: int | None) -> None:
    pointer = _SEE_LICENSE_IN.match(value)
    if pointer:
        c.pointer(pointer.group("file"), key)
    elif value.strip().upper() == "UNLICENSED":
        c.claim(value.strip(), RawForm.NAME, key, SPDX_CONFIDENCE, line)
    elif value.strip():
        c.claim(value.strip(), RawForm.SPDX, key, SPDX_CONFIDENCE, line)
    else:
        c.malformed("the license is an empty string", key, line=line)


def _type_of(item: object) -> str | None:
    if isinstance(item, str):
        return item.strip() or None
    if isinstance(item, dict) and isinstance(item.get("type"), str):
        return str(item["type"]).strip() or None
    return None


def parse_package_json(c: Collector) -> None:
    text = c.read("package.json")
    if text is None:
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        c.parse_failed(f"it is not valid JSON ({type(exc).__name__}: {str(exc)[:200]})")
        return
    if not isinstance(data, dict):
        c.parse_failed(f"its top level is {type_name(data)}, not an object")
        return
    if "license" in data:
        value = data["license"]
        line = c.line_of(r'^\s*"license"\s*:')
        if isinstance(value, str):
            _license_string(c, value, "license", line)
        elif isinstance(value, dict) and _type_of(value):
            c.claim(str(_type_of(value)), RawForm.NAME, "license.type", NAME_CONFIDENCE, line)
        elif isinstance(value, list) and value and all(_type_of(v) for v in value):
            _licenses_array(c, value, "license", line)
        else:
            c.malformed(f"the license is {type_name(value)}, not a license expression string", "license",
                        line=line)
    if "licenses" in data:
        value = data["licenses"]
        line = c.line_of(r'^\s*"licenses"\s*:')
        if isinstance(value, list) and value and all(_type_of(v) for v in value):
            _licenses_array(c, value, "licenses", line)
        else:
            c.malformed(f"'licenses' is {type_name(value)}, not a list of {{\"type\": ...}} objects",
                        "licenses", line=line)


def _licenses_array(c: Collector, value: list[object], key: str, line: int | None) -> None:
    types = [t for t in (_type_of(v) for v in value) if t]
    bare = all(_BARE_ID.match(t) for t in types)
    c.claim(" OR ".join(types), RawForm.SPDX if bare else RawForm.NAME, key, NAME_CONFIDENCE, line)
