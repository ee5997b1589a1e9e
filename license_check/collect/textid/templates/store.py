"""SPDX's templates file in a faster form: each template's parts kept on their own, beside ScanCode's index.

A scan that reads a license text needs, of rules/generated/spdx-templates.json (7 MB), a pre-filter over every
template (identify.candidates) and the words and nodes of the few templates whose words the text has; parsing
the whole JSON costs a tenth of a second and 30 MB. The store holds the same data, split: a header (the file's
other top-level values, and for each template, in the file's order, its id, its count of required words, a few
of its rarest required words and where its parts are, with the SHA-256 of each) and, for each template, its
distinct required words and its nodes (a pickle), read only when that template is asked for. Everything in it
is what parsing the file gives (pickle keeps JSON's values exactly).

An entry is named by the SHA-256 of the JSON file's bytes, this module's source and the Python version; its
header is sealed (storage.seal) and each part is checked against the header's SHA-256 when read, so an entry can
only ever hold what parsing exactly those bytes gives, and only a file whose shape was checked
(knowledge.data.parse_spdx_templates) is ever stored. A part that does not check (an entry rewritten under
another user's secret, a truncated file) is not used: the JSON is parsed then. It lives where the fast path's
reference tokens do (reftokens.cache_root: beside ScanCode's own index, which ``--no-cache`` leaves on, as it is
derived from the installed tool's data, never from a scanned repository); ``$LICENSE_CHECK_CACHE=0``, no
ScanCode, or a folder that cannot be written: the JSON is parsed, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from license_check import storage

FORMAT = b"spdx-templates-store-2"
_HEADER_CAP = 4 << 20
PROBES = 3  # rarest required words per template: a text lacking one of them cannot match it
Part = tuple[int, int, bytes]  # where in the body (start, end) and the SHA-256 of those bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """One template as the header lists it."""

    id: str
    size: int  # how many required words (the file's "required"[id][0])
    probe: tuple[str, ...]  # a few of its distinct required words, the rarest among the templates
    distinct: Part  # its distinct required words, space-separated, UTF-8 ("required"[id][1])
    nodes: Part  # its nodes, pickled ("templates"[id])


@dataclass(frozen=True, slots=True)
class Stored:
    """The file's data: ``scalars`` (every top-level key but "required" and "templates"), ``entries`` in the
    file's order; each template's parts are read from ``path`` (its body at ``body``) when asked for."""

    scalars: dict[str, Any]
    entries: tuple[Entry, ...]
    path: Path
    body: int

    def distinct(self, entry: Entry) -> str | None:
        """The template's distinct required words, space-separated (None: the stored part does not check)."""
        data = _part(self.path, self.body, entry.distinct)
        return None if data is None else data.decode("utf-8")

    def nodes(self, entry: Entry) -> list[Any] | None:
        """The template's nodes (None: the stored part does not check)."""
        data = _part(self.path, self.body, entry.nodes)
        return None if data is None else pickle.loads(data)  # noqa: S301 - checked against the sealed header


def _read_at(fd: int, offset: int, size: int) -> bytes | None:
    try:
        data = os.pread(fd, size, offset)
    except OSError:
        return None
    return data if len(data) == size else None


def _part(path: Path, body: int, part: Part) -> bytes | None:
    start, end, digest = part
    fd = storage.open_regular(path)
    if fd is None:
        return None
    try:
        data = _read_at(fd, body + start, end - start)
    finally:
        os.close(fd)
    return data if data is not None and hashlib.sha256(data).digest() == digest else None


def probes(required: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """For each template, its PROBES distinct required words that the fewest templates require (ties: by word)."""
    sets = {k: str(v[1]).split() for k, v in required.items()}
    counts: Counter[str] = Counter(w for words in sets.values() for w in set(words))
    return {k: tuple(sorted(set(words), key=lambda w: (counts[w], w))[:PROBES]) for k, words in sets.items()}


def encode(data: dict[str, Any]) -> tuple[bytes, bytes]:
    """The header (to be sealed) and the body (every template has its "required" entry: gen_spdx.py writes one
    for each; a KeyError otherwise, and nothing is stored)."""
    required: dict[str, Any] = data["required"]
    chosen = probes(required)
    body = bytearray()

    def put(piece: bytes) -> Part:
        start = len(body)
        body.extend(piece)
        return start, len(body), hashlib.sha256(piece).digest()

    rows = []
    for spdx_id, nodes in data["templates"].items():
        size, distinct = required[spdx_id]
        rows.append((spdx_id, int(size), chosen[spdx_id], put(str(distinct).encode("utf-8")),
                     put(pickle.dumps(nodes, protocol=pickle.HIGHEST_PROTOCOL))))
    scalars = {k: v for k, v in data.items() if k not in ("required", "templates")}
    return pickle.dumps((FORMAT, scalars, rows), protocol=pickle.HIGHEST_PROTOCOL), bytes(body)


def decode(header: bytes, path: Path, body: int) -> Stored | None:
    """The header ``encode`` wrote (its body in ``path`` at ``body``), or None (another format)."""
    try:
        form, scalars, rows = pickle.loads(header)  # noqa: S301 - sealed: only our own writes
        if form != FORMAT or not isinstance(scalars, dict):
            return None
        return Stored(scalars, tuple(Entry(*row) for row in rows), path, body)
    except Exception:  # noqa: BLE001 - not an entry of this format: parse the JSON
        return None


def name(raw: bytes) -> str:
    digest = hashlib.sha256(FORMAT + b"\0" + Path(__file__).read_bytes() + b"\0" + sys.version.encode() + b"\0")
    digest.update(raw)
    return digest.hexdigest()[:40]


def _read_header(path: Path) -> Stored | None:
    fd = storage.open_regular(path)
    if fd is None:
        return None
    try:
        head = _read_at(fd, 0, 8)
        size = int.from_bytes(head, "big") if head is not None else _HEADER_CAP + 1
        sealed = _read_at(fd, 8, size) if size <= _HEADER_CAP else None
    finally:
        os.close(fd)
    header = None if sealed is None else storage.unseal(path.name.encode(), sealed)
    return None if header is None else decode(header, path, 8 + size)


def load(raw: bytes, where: Path | None, parse: Callable[[], dict[str, Any]]) -> Stored | dict[str, Any]:
    """The templates of the file whose bytes are ``raw``: from the store in ``where`` (a folder, None: no store),
    else ``parse()`` (which raises on a file of the wrong shape), stored there for the next run."""
    path = None
    with contextlib.suppress(OSError):
        path = None if where is None else where / f"{name(raw)}.bin"
    if path is not None:
        stored = _read_header(path)
        if stored is not None:
            return stored
    data = parse()
    if path is not None:
        with contextlib.suppress(Exception):  # a store that cannot be written: parsed again next time
            header, body = encode(data)
            sealed = storage.seal(path.name.encode(), header)
            if sealed is not None and len(sealed) <= _HEADER_CAP:
                storage.write_private(path, len(sealed).to_bytes(8, "big") + sealed + body)
    return data
