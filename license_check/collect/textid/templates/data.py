"""The SPDX templates file, rules/generated/spdx-templates.json (its ids: knowledge.data.load_spdx_ids)."""

from __future__ import annotations

from typing import Any

from license_check.knowledge.data import load_spdx_templates, rules_dir


def data() -> dict[str, Any]:
    """The templates file (read once per process, only when a license text needs it)."""
    return load_spdx_templates(rules_dir())


def list_version() -> str:
    return str(data().get("license_list_version", ""))
