"""How the license files of one folder combine into its one claim: a choice, the LGPL-3.0 pair, or AND.

``LICENSE-MIT`` + ``LICENSE-APACHE`` (files whose suffix names the license they hold) are a choice,
``MIT OR Apache-2.0``; ``COPYING`` (GPL-3.0 text) beside ``COPYING.LESSER`` (LGPL-3.0 text) is
``LGPL-3.0-only`` (the LGPL-3.0 is written as additional permissions on top of the GPL-3.0 text, which it
therefore ships with); otherwise different licenses in one folder all apply: ``A AND B``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from license_check.collect.detectors.license_names import _TEXT_EXTS, _parse
from license_check.model import FileEntry


class FileIdentification(Protocol):
    """What combining needs of license_files.FileIdentification."""

    @property
    def entry(self) -> FileEntry: ...
    @property
    def expression(self) -> str | None: ...
    @property
    def version_ambiguous(self) -> bool: ...


def _suffix_id(name: str) -> str | None:
    """The license named by a ``LICENSE-<ID>`` suffix ("mit", "apache20"), or None."""
    found = _parse(name)
    if found is None or not found.base.startswith("licen"):
        return None
    parts = found.rest.split(".")
    if parts and parts[-1] in _TEXT_EXTS:
        parts = parts[:-1]
    ident = re.sub(r"[^a-z0-9]", "", "".join(parts))
    return ident or None


def paren(expression: str) -> str:
    return f"({expression})" if " AND " in expression or " OR " in expression else expression


def join(expressions: list[str], operator: str) -> str:
    unique = list(dict.fromkeys(expressions))
    if len(unique) == 1:
        return unique[0]
    return f" {operator} ".join(paren(e) for e in unique)


def _names_its_license(ident: FileIdentification) -> bool:
    """LICENSE-MIT holding MIT, LICENSE.APACHE-2.0 holding Apache-2.0, LICENSE-BSD holding BSD-3-Clause."""
    suffix = _suffix_id(ident.entry.name)
    if suffix is None or ident.expression is None:
        return False
    plain = re.sub(r"[^a-z0-9]", "", ident.expression.lower())
    return plain.startswith(suffix) or (len(plain) >= 3 and suffix.startswith(plain))


def combine(idents: Sequence[FileIdentification]) -> tuple[str | None, bool]:
    """The folder's license expression from its license files, and whether a GPL version is ambiguous."""
    if any(i.expression is None for i in idents):
        return None, False
    by_id = {i.entry.path: i for i in idents}
    # LGPL-3.0 = GPL-3.0 + additional permissions: COPYING (GPL-3.0) beside COPYING.LESSER is part of it.
    exprs = {i.expression for i in idents}
    if "LGPL-3.0-only" in exprs:
        for path, ident in list(by_id.items()):
            if ident.expression == "GPL-3.0-only" and ident.version_ambiguous:
                del by_id[path]
    kept = list(by_id.values())
    choice = [i for i in kept if _names_its_license(i)]
    if len(choice) >= 2 and len({i.expression for i in choice}) >= 2:
        rest = [i for i in kept if i not in choice]
        parts = [join([str(i.expression) for i in choice], "OR")]
        parts += [str(i.expression) for i in rest]
        expression = join(parts, "AND")
    else:
        expression = join([str(i.expression) for i in kept], "AND")
    return expression, any(i.version_ambiguous for i in kept)


def primary_order(ident: FileIdentification) -> tuple[int, str]:
    """Plain LICENSE / COPYING first: it is the primary location of the folder's claim."""
    found = _parse(ident.entry.name)
    rest = found.rest if found else ""
    plain = rest == "" or rest in _TEXT_EXTS
    return (0 if plain else 1, ident.entry.path)
