"""The normalized words of the fast path's reference texts: worked out once per install, kept beside ScanCode's index.

Every scan that reads a license file needs the reference texts of specs.REFERENCE_SPECS as normalized words
(tokens.normalize_tokens): the fast path's fingerprints (fastpath) and the bundles' license-name words
(bundles). Normalizing the 76 texts (900 KB) takes a tenth of a second on each run. Their words depend on
nothing but the texts and the tokenizer's code, so they are stored, sealed (storage.seal), under a name that
is the SHA-256 of exactly those inputs: every text's bytes and tokens.py's source. A text or tokenizer that
changed gives another name, so a stored entry can only ever hold the words a fresh normalization gives.

Like the compact index (compact_index), the entry is derived from the installed data and license-check's own
code, never from a scanned repository, and lives beside ScanCode's own index (``$SCANCODE_LICENSE_INDEX_CACHE``,
else ``licensedcode/data/cache``), which ``--no-cache`` leaves on; ``$LICENSE_CHECK_CACHE=0`` or a folder that
cannot be written keeps it in memory for the process only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from license_check import storage
from license_check.collect.textid import tokens as tokenizer
from license_check.collect.textid.specs import REFERENCE_SPECS, RefSpec
from license_check.collect.textid.tokens import normalize_tokens
from license_check.gcpause import paused

FORMAT = "reference-tokens-2"  # each text's words joined by spaces
_CAP = 16 << 20
SCANCODE_INDEX_ENV = "SCANCODE_LICENSE_INDEX_CACHE"


def scancode_data_dir() -> Path | None:
    """``licensedcode/data`` of the installed ScanCode, found without importing it."""
    try:
        spec = importlib.util.find_spec("licensedcode")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        data = Path(location) / "data"
        if data.is_dir():
            return data
    return None


def strip_front_matter(raw: str) -> str:
    """The text of a LicenseDB ``.LICENSE``/``.RULE`` file, without its YAML front matter."""
    lines = raw.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return "".join(lines[i + 1:])
    return raw


def reference_texts(directory: Path) -> list[tuple[RefSpec, str]]:
    """Each reference spec with its raw text (front matter kept); specs whose file is missing are left out.
    ``directory``: the rules folder (its texts/ holds the project's own reference texts)."""
    data = scancode_data_dir()
    if data is None:
        return []
    texts = directory / "texts"
    out = []
    for spec in REFERENCE_SPECS:
        try:
            parts = [(texts / part.removeprefix("project:") if part.startswith("project:") else data / part)
                     .read_text(encoding="utf-8") for part in spec.source.split("+")]
        except OSError:
            continue
        out.append((spec, parts[0] if len(parts) == 1 else "\n\n".join(strip_front_matter(p) for p in parts)))
    return out


def _name(texts: list[tuple[RefSpec, str]]) -> str:
    digest = hashlib.sha256(FORMAT.encode() + b"\0" + Path(tokenizer.__file__).read_bytes() + b"\0")
    for spec, raw in texts:
        digest.update(f"{spec.spdx}\0{spec.source}\0".encode() + hashlib.sha256(raw.encode()).digest())
    return digest.hexdigest()[:40]


def cache_root() -> Path | None:
    """The folder of ScanCode's own index cache, where the stores derived from the installed data live (None:
    ``$LICENSE_CHECK_CACHE=0``, or no ScanCode)."""
    if os.environ.get(storage.ENABLE_ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return None
    data = scancode_data_dir()
    where = os.environ.get(SCANCODE_INDEX_ENV) or (str(data / "cache") if data is not None else "")
    return Path(where) if where else None


def _path(name: str) -> Path | None:
    root = cache_root()
    return root / "license-check-reftokens" / f"{name}.json" if root is not None else None


def _read(path: Path, count: int) -> list[tuple[str, ...]] | None:
    blob = storage.read_regular(path, _CAP)
    payload = None if blob is None else storage.unseal(path.name.encode(), blob)
    try:
        loaded = None if payload is None else json.loads(payload.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(loaded, list) or len(loaded) != count or not all(isinstance(words, str) for words in loaded):
        return None
    return [tuple(words.split(" ")) if words else () for words in loaded]  # a word is [a-z0-9]+: never a space


@functools.cache
@paused
def reference_tokens(directory: Path) -> tuple[tuple[RefSpec, str, tuple[str, ...]], ...]:
    """Each reference spec, its raw text, and the normalized words of that text without its front matter."""
    texts = reference_texts(directory)
    try:
        path = _path(_name(texts))
    except OSError:
        path = None
    words = _read(path, len(texts)) if path is not None else None
    if words is None:
        words = [tuple(normalize_tokens(strip_front_matter(raw))) for _, raw in texts]
        stored = json.dumps([" ".join(w) for w in words]).encode()
        sealed = storage.seal(path.name.encode(), stored) if path is not None else None
        if path is not None and sealed is not None and len(sealed) <= _CAP:
            with contextlib.suppress(OSError):
                storage.write_private(path, sealed)
    return tuple((spec, raw, w) for (spec, raw), w in zip(texts, words, strict=True))
