"""The SPDX templates file, rules/generated/spdx-templates.json (its ids: knowledge.data.load_spdx_ids).

Read once per process, only when a license text needs it: from its store (store.py: each template's parts read
when that template is asked for) when there is one for exactly these bytes, else parsed (and stored for the next
run).
"""

from __future__ import annotations

import functools
from typing import Any

from license_check.collect.textid.templates import store
from license_check.gcpause import paused
from license_check.knowledge.data import SPDX_TEMPLATES_FILE, DataError, parse_spdx_templates, rules_dir


def _read() -> bytes:
    path = rules_dir() / SPDX_TEMPLATES_FILE
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc


@functools.cache
@paused
def _loaded() -> store.Stored | dict[str, Any]:
    from license_check.collect.textid.reftokens import cache_root  # beside ScanCode's index, as the reference tokens

    raw = _read()
    root = cache_root()
    return store.load(raw, None if root is None else root / "license-check-templates",
                      lambda: parse_spdx_templates(rules_dir() / SPDX_TEMPLATES_FILE, raw))


@functools.cache
@paused
def _reparsed(named: str) -> dict[str, Any]:
    """The parsed file, for a stored part that does not check: read again, and only if it still has the bytes the
    store was named by (a rules file that changed during the scan stops it, as a broken one does)."""
    path = rules_dir() / SPDX_TEMPLATES_FILE
    raw = _read()
    if store.name(raw) != named:
        raise DataError(f"{path}: changed while it was being read; run the scan again")
    return parse_spdx_templates(path, raw)


def _whole() -> dict[str, Any]:
    loaded = _loaded()
    return _reparsed(loaded.path.stem) if isinstance(loaded, store.Stored) else loaded


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


def distinct(spdx_id: str) -> str | None:
    """The template's distinct required words, space-separated, as the file stores them (None: not stored)."""
    loaded, found = _loaded(), entry(spdx_id)
    words = loaded.distinct(found) if isinstance(loaded, store.Stored) and found is not None else None
    if words is not None:
        return words
    required = _whole().get("required", {}).get(spdx_id)
    return None if required is None else str(required[1])


@functools.cache
def nodes(spdx_id: str) -> list[Any]:
    """The template's nodes (KeyError for an id the file does not have)."""
    loaded, found = _loaded(), entry(spdx_id)
    stored = loaded.nodes(found) if isinstance(loaded, store.Stored) and found is not None else None
    return _whole()["templates"][spdx_id] if stored is None else stored


def list_version() -> str:
    return str(scalar("license_list_version", ""))
