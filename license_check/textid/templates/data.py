"""The SPDX list data the templates use: rules/generated/spdx-templates.json and spdx-ids.json."""

from __future__ import annotations

import functools
import json
from typing import Any

from license_check.ruledata import rules_dir

TEMPLATES_FILE = ("generated", "spdx-templates.json")
IDS_FILE = ("generated", "spdx-ids.json")


@functools.cache
def data() -> dict[str, Any]:
    """The templates file (read once per process, only when a license text needs it)."""
    with open(rules_dir().joinpath(*TEMPLATES_FILE), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@functools.cache
def ids() -> tuple[dict[str, Any], ...]:
    """Every SPDX license and exception: id, name, exception, deprecated, obsoleted_by."""
    with open(rules_dir().joinpath(*IDS_FILE), encoding="utf-8") as handle:
        return tuple(json.load(handle)["licenses"])


def list_version() -> str:
    return str(data().get("license_list_version", ""))


@functools.cache
def exception_ids() -> frozenset[str]:
    """The ids of SPDX's license exceptions (current and deprecated)."""
    return frozenset(str(e["id"]) for e in ids() if e["exception"])
