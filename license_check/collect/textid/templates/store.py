"""SPDX's templates file in a faster form: each template's nodes pickled on their own, kept beside ScanCode's index.

A scan that reads a license text needs, of rules/generated/spdx-templates.json (7 MB), the required words of
every template (identify.candidates, a pre-filter) and the nodes of the few templates whose words the text has;
parsing the whole JSON costs a tenth of a second. The store holds the same data, split: a header (the file's
scalar fields, SPDX's equivalent words, each template's id, count of required words, distinct required words,
a few of its rarest words and where its nodes are) and each template's nodes as one pickle, unpickled when that
template is asked for. Everything in it is what parsing the file gives (pickle keeps JSON's values exactly).

An entry is named by the SHA-256 of the JSON file's bytes, this module's source and the Python version, and
sealed (storage.seal): it can only hold what parsing exactly those bytes gives, and only a file whose shape was
checked (knowledge.data.parse_spdx_templates) is ever stored. It lives where the fast path's reference tokens do
(reftokens.cache_root: beside ScanCode's own index, which ``--no-cache`` leaves on, as it is derived from the
installed tool's data, never from a scanned repository); ``$LICENSE_CHECK_CACHE=0``, no ScanCode or a folder that
cannot be written: the JSON is parsed, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from license_check import storage

FORMAT = b"spdx-templates-store-1"
_CAP = 64 << 20
PROBES = 3  # rarest required words per template: a text lacking one of them cannot match it


@dataclass(frozen=True, slots=True)
class Entry:
    """One template as the header lists it."""

    id: str
    size: int  # how many required words (knowledge "required"[id][0])
    distinct: str  # its distinct required words, space-separated ("required"[id][1])
    probe: tuple[str, ...]  # a few of those words, the rarest among the templates
    start: int  # where its pickled nodes are in the body
    end: int


@dataclass(frozen=True, slots=True)
class Stored:
    """The file's data: ``scalars`` (every top-level key but "required" and "templates"), ``entries`` in the
    file's order, and each template's nodes from ``nodes(id)``."""

    scalars: dict[str, Any]
    entries: tuple[Entry, ...]
    body: bytes

    def nodes(self, entry: Entry) -> list[Any]:
        return pickle.loads(self.body[entry.start:entry.end])  # type: ignore[no-any-return]  # noqa: S301 - sealed


def probes(required: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """For each template, its PROBES distinct required words that the fewest templates require (ties: by word)."""
    sets = {k: str(v[1]).split() for k, v in required.items()}
    counts: Counter[str] = Counter(w for words in sets.values() for w in set(words))
    return {k: tuple(sorted(set(words), key=lambda w: (counts[w], w))[:PROBES]) for k, words in sets.items()}


def encode(data: dict[str, Any]) -> bytes:
    """One bytes value: the header's length, the header, then each template's nodes (every template has its
    "required" entry: gen_spdx.py writes one for each)."""
    required: dict[str, Any] = data["required"]
    chosen = probes(required)
    body: list[bytes] = []
    entries: list[tuple[str, int, str, tuple[str, ...], int, int]] = []
    offset = 0
    for spdx_id, nodes in data["templates"].items():
        piece = pickle.dumps(nodes, protocol=pickle.HIGHEST_PROTOCOL)
        size, distinct = required[spdx_id]
        entries.append((spdx_id, int(size), str(distinct), chosen[spdx_id], offset, offset + len(piece)))
        body.append(piece)
        offset += len(piece)
    scalars = {k: v for k, v in data.items() if k not in ("required", "templates")}
    header = pickle.dumps((FORMAT, scalars, entries), protocol=pickle.HIGHEST_PROTOCOL)
    return len(header).to_bytes(8, "big") + header + b"".join(body)


def decode(blob: bytes) -> Stored | None:
    """What ``encode`` wrote, or None (another format, truncated)."""
    try:
        size = int.from_bytes(blob[:8], "big")
        form, scalars, rows = pickle.loads(blob[8:8 + size])  # noqa: S301 - sealed: only our own writes
        body = blob[8 + size:]
        if form != FORMAT or not isinstance(scalars, dict):
            return None
        entries = tuple(Entry(*row) for row in rows)
        if entries and entries[-1].end != len(body):
            return None
    except Exception:  # noqa: BLE001 - not an entry of this format: parse the JSON
        return None
    return Stored(scalars, entries, body)


def _name(raw: bytes) -> str:
    digest = hashlib.sha256(FORMAT + b"\0" + Path(__file__).read_bytes() + b"\0" + sys.version.encode() + b"\0")
    digest.update(raw)
    return digest.hexdigest()[:40]


def load(raw: bytes, where: Path | None, parse: Callable[[], dict[str, Any]]) -> Stored | dict[str, Any]:
    """The templates of the file whose bytes are ``raw``: from the store in ``where`` (a folder, None: no store),
    else ``parse()`` (which raises on a file of the wrong shape), stored there for the next run."""
    path = None
    with contextlib.suppress(OSError):
        path = None if where is None else where / f"{_name(raw)}.bin"
    if path is not None:
        blob = storage.read_regular(path, _CAP)
        payload = None if blob is None else storage.unseal(path.name.encode(), blob)
        stored = None if payload is None else decode(payload)
        if stored is not None:
            return stored
    data = parse()
    if path is not None:
        with contextlib.suppress(Exception):  # a store that cannot be written: parsed again next time
            sealed = storage.seal(path.name.encode(), encode(data))
            if sealed is not None and len(sealed) <= _CAP:
                storage.write_private(path, sealed)
    return data
