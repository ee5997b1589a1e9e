"""The SPDX templates file, rules/generated/spdx-templates.json (its ids: knowledge.data.load_spdx_ids).

Read once per process, only when a license text needs it: from its store (store.py, each template's nodes
unpickled when asked for) when there is one for exactly these bytes, else parsed (and stored for the next run).
"""

from __future__ import annotations

import functools
from typing import Any

from license_check.collect.textid.loadtime import paused
from license_check.collect.textid.templates import store
from license_check.knowledge.data import SPDX_TEMPLATES_FILE, DataError, parse_spdx_templates, rules_dir


@functools.cache
@paused
def _loaded() -> store.Stored | dict[str, Any]:
    path = rules_dir() / SPDX_TEMPLATES_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    from license_check.collect.textid.reftokens import cache_root  # beside ScanCode's index, as the reference tokens

    root = cache_root()
    return store.load(raw, None if root is None else root / "license-check-templates",
                      lambda: parse_spdx_templates(path, raw))


def scalar(key: str, default: Any) -> Any:
    """A top-level value of the file other than "required" and "templates" ("license_list_version", ...)."""
    loaded = _loaded()
    return (loaded.scalars if isinstance(loaded, store.Stored) else loaded).get(key, default)


@functools.cache
def entries() -> tuple[store.Entry, ...] | None:
    """Each template's header entry, in the file's order (None: the file was parsed, see ``parsed``)."""
    loaded = _loaded()
    return loaded.entries if isinstance(loaded, store.Stored) else None


def parsed() -> dict[str, Any] | None:
    """The parsed file when there is no store for it (else None)."""
    loaded = _loaded()
    return None if isinstance(loaded, store.Stored) else loaded


@functools.cache
def _by_id() -> dict[str, store.Entry]:
    return {e.id: e for e in entries() or ()}


def entry(spdx_id: str) -> store.Entry | None:
    """The template's header entry (None: no such template, or the file was parsed)."""
    return _by_id().get(spdx_id)


@functools.cache
def nodes(spdx_id: str) -> list[Any]:
    """The template's nodes (KeyError for an id the file does not have)."""
    loaded = _loaded()
    if isinstance(loaded, store.Stored):
        return loaded.nodes(_by_id()[spdx_id])
    return loaded["templates"][spdx_id]  # type: ignore[no-any-return]


def list_version() -> str:
    return str(scalar("license_list_version", ""))
