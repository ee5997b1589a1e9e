"""The SPDX templates file, rules/generated/spdx-templates.json (its ids: knowledge.data.load_spdx_ids)."""

from __future__ import annotations

import functools
import json
from typing import Any

from license_check.knowledge.data import rules_dir

TEMPLATES_FILE = ("generated", "spdx-templates.json")


@functools.cache
def data() -> dict[str, Any]:
    """The templates file (read once per process, only when a license text needs it)."""
    with open(rules_dir().joinpath(*TEMPLATES_FILE), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def list_version() -> str:
    return str(data().get("license_list_version", ""))
