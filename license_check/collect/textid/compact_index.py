"""A compact index of ScanCode's license texts and notices: token fingerprints, built once from its data.

ScanCode's own index takes seconds and about a gigabyte to load. Most license files that reach it are one of
its license texts or long notice rules, word for word; finding those needs only a fingerprint of each:

* for every ``.LICENSE`` text and every ``is_license_text`` / ``is_license_notice`` rule of at least
  MIN_RULE_TOKENS tokens (ScanCode's own tokens: lowercase words, its stopwords dropped), the hash of its
  first ANCHOR tokens, the hash of all its tokens and its length; a file is matched by looking its
  ANCHOR-token windows up, then hashing the span a candidate would cover (compact_matcher);
* for every other rule (references, tags, intros, clues, false positives, short or low-relevance rules), a
  hash of its first ANCHOR tokens (or of all of them when shorter), with its length and the hash of all its
  tokens: the matcher defers when one of them could also match outside what it found, since ScanCode would
  then report more than it does.

The index proposes; it never decides. A candidate is re-read from ScanCode's data file and compared token
by token before it counts (compact_matcher), so a stale, colliding or edited index can only make the matcher
defer to the full index. It is kept in the user cache folder (storage: sealed, private), under the installed
ScanCode's version and the state of its data folders, and rebuilt when either changes (a few seconds, once).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from license_check import storage

FORMAT = "compact-index-4"  # bump when what is stored, or how tokens are made, changes
ANCHOR = 8  # tokens hashed to find where a rule may begin
MIN_RULE_TOKENS = 20  # shorter rules have ScanCode relevance below 100 or detection quirks: never settled here
_INDEX_CAP = 64 << 20
_MASK = (1 << 64) - 1
# ScanCode's query and index tokenizer (licensedcode.tokenize.query_pattern), lowercase text in.
_WORD = re.compile(r"[^_\W]+\+?[^_\W]*", re.UNICODE)
# Rule flags that make a match something other than a plain statement of its license.
_NOT_SETTLED = ("is_license_reference", "is_license_tag", "is_license_intro", "is_license_clue",
                "is_false_positive", "is_required_phrase", "is_deprecated", "referenced_filenames")


@dataclass(frozen=True, slots=True)
class CompactIndex:
    """The fingerprints: rule ``i`` is ``names[i]`` (relative to licensedcode/data), ``lengths[i]`` tokens
    long, with the hash of all its tokens ``fulls[i]``; ``anchors`` maps a window hash to rule numbers.
    ``others`` holds, for the rules that are never settled here, by window length, each first-window hash
    with the (length, hash of all tokens) of every such rule."""

    version: str
    names: tuple[str, ...]
    lengths: array  # type: ignore[type-arg]  # array('I')
    fulls: array  # type: ignore[type-arg]  # array('Q')
    anchors: dict[int, tuple[int, ...]]
    others: dict[int, dict[int, tuple[tuple[int, int], ...]]]  # window length -> window hash -> (length, full)


def stopwords() -> frozenset[str]:
    """ScanCode's stopwords (licensedcode.stopwords imports nothing else of ScanCode)."""
    from licensedcode.stopwords import STOPWORDS

    return frozenset(STOPWORDS)


def tokens(text: str, stop: frozenset[str]) -> list[str]:
    """ScanCode's tokens of ``text`` (licensedcode.tokenize.index_tokenizer, also what queries see)."""
    return [t for t in _WORD.findall(text.lower()) if t not in stop]


@functools.lru_cache(maxsize=1 << 16)
def _token_id(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def token_ids(words: Iterable[str]) -> tuple[int, ...]:
    """Each token as a stable 64-bit number (Python's own str hash changes with every process; an int's does not)."""
    return tuple(map(_token_id, words))


def fingerprint(ids: tuple[int, ...]) -> int:
    """A stable 64-bit hash of a sequence of token ids: the tuple hash of ints, the same in every process of a
    Python version (which is part of the index's name). A collision only costs a look at the rule's file."""
    return hash(ids) & _MASK


def split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """The top-level scalars of a LicenseDB file's YAML front matter (a list's first line counts as present),
    and the text after it."""
    lines = raw.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + lines[-1:]
    if not lines or lines[0].rstrip() != "---":
        return {}, raw
    meta: dict[str, str] = {}
    for i in range(1, len(lines)):
        line = lines[i]
        if line.rstrip() == "---":  # the closing line; an indented "---" is inside a block value
            return meta, "".join(lines[i + 1:])
        if line[:1].isalpha() and ":" in line:
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip().strip("'\"") or "(list)"
    return {}, raw


def settles(meta: dict[str, str], is_license_file: bool) -> bool:
    """Whether a match of this rule alone states its license plainly (the matcher may settle it)."""
    expression = meta.get("key" if is_license_file else "license_expression", "")
    if not expression or "unknown" in expression or any(meta.get(flag, "") not in ("", "no") for flag in _NOT_SETTLED):
        return False
    if meta.get("is_unknown", "") not in ("", "no") or meta.get("is_generic", "") not in ("", "no"):
        return False
    if not is_license_file and "is_license_text" not in meta and "is_license_notice" not in meta:
        return False
    return meta.get("relevance", "100") == "100"


def data_state(data: Path) -> str:
    """The installed ScanCode's version and the state of its data folders: part of the index's name."""
    from importlib import metadata

    try:
        version = metadata.version("scancode-toolkit")
    except metadata.PackageNotFoundError:
        version = "none"
    stamps = []
    for sub in ("licenses", "rules"):
        try:
            st = os.stat(data / sub)
            stamps.append(f"{st.st_mtime_ns}:{st.st_nlink}")
        except OSError:
            stamps.append("-")
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"  # the tuple hash of fingerprint()
    return f"{version}\0{python}\0{data.resolve()}\0{';'.join(stamps)}"


def build(data: Path, version: str) -> CompactIndex:
    """Read every license text and rule of ``data`` (licensedcode/data) and fingerprint it (a few seconds)."""
    stop = stopwords()
    names: list[str] = []
    lengths = array("I")
    fulls = array("Q")
    anchor_of: list[int] = []
    others: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for sub, suffix in (("licenses", ".LICENSE"), ("rules", ".RULE")):
        try:
            entries = sorted(e.name for e in os.scandir(data / sub) if e.name.endswith(suffix))
        except OSError:
            continue
        for name in entries:
            try:
                raw = (data / sub / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            meta, text = split_front_matter(raw)
            words = token_ids(tokens(text, stop))
            if not words:
                continue
            if len(words) >= MIN_RULE_TOKENS and settles(meta, sub == "licenses"):
                names.append(f"{sub}/{name}")
                lengths.append(len(words))
                fulls.append(fingerprint(words))
                anchor_of.append(fingerprint(words[:ANCHOR]))
            elif meta.get("is_deprecated", "") in ("", "no"):
                window = min(ANCHOR, len(words))
                table = others.setdefault(window, {})
                table.setdefault(fingerprint(words[:window]), []).append((len(words), fingerprint(words)))
    anchors: dict[int, list[int]] = {}
    for number, anchor in enumerate(anchor_of):
        anchors.setdefault(anchor, []).append(number)
    frozen = {w: {h: tuple(sorted(set(rules))) for h, rules in table.items()} for w, table in others.items()}
    return CompactIndex(version, tuple(names), lengths, fulls, {a: tuple(n) for a, n in anchors.items()}, frozen)


def encode(index: CompactIndex) -> bytes:
    """One bytes value: a JSON header line (version, names, counts), then the arrays."""
    anchor_of = array("Q", [0] * len(index.names))
    for anchor, numbers in index.anchors.items():
        for number in numbers:
            anchor_of[number] = anchor
    windows = sorted(index.others)
    rows = {w: [(h, n, f) for h in sorted(index.others[w]) for n, f in index.others[w][h]] for w in windows}
    header = {"format": FORMAT, "version": index.version, "names": list(index.names),
              "others": [[w, len(rows[w])] for w in windows]}
    parts = [json.dumps(header).encode("utf-8"), b"\n", index.lengths.tobytes(), index.fulls.tobytes(),
             anchor_of.tobytes()]
    for w in windows:
        parts += [array("Q", [r[0] for r in rows[w]]).tobytes(), array("I", [r[1] for r in rows[w]]).tobytes(),
                  array("Q", [r[2] for r in rows[w]]).tobytes()]
    return b"".join(parts)


def decode(blob: bytes) -> CompactIndex | None:
    """The index ``encode`` wrote, or None when the bytes are not one (another format, truncated)."""
    try:
        line, _, body = blob.partition(b"\n")
        header = json.loads(line.decode("utf-8"))
        if header.get("format") != FORMAT:
            return None
        names = tuple(str(n) for n in header["names"])
        count = len(names)
        offset = 0

        def take(code: str, n: int) -> array:  # type: ignore[type-arg]
            nonlocal offset
            out = array(code)
            size = out.itemsize * n
            out.frombytes(body[offset:offset + size])
            offset += size
            if len(out) != n:
                raise ValueError("truncated")
            return out

        lengths, fulls, anchor_of = take("I", count), take("Q", count), take("Q", count)
        others: dict[int, dict[int, tuple[tuple[int, int], ...]]] = {}
        for w, n in header["others"]:
            heads, sizes, wholes = take("Q", int(n)), take("I", int(n)), take("Q", int(n))
            table: dict[int, list[tuple[int, int]]] = {}
            for head, size, whole in zip(heads, sizes, wholes, strict=True):
                table.setdefault(head, []).append((size, whole))
            others[int(w)] = {h: tuple(rules) for h, rules in table.items()}
        if offset != len(body):
            raise ValueError("trailing bytes")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    anchors: dict[int, list[int]] = {}
    for number, anchor in enumerate(anchor_of):
        anchors.setdefault(anchor, []).append(number)
    return CompactIndex(str(header["version"]), names, lengths, fulls, {a: tuple(n) for a, n in anchors.items()},
                        others)


# Where ScanCode keeps its own license index (scancode_config.licensedcode_cache_dir, read without importing
# scancode_config, which creates folders on import): $SCANCODE_LICENSE_INDEX_CACHE, else licensedcode/data/cache.
SCANCODE_INDEX_ENV = "SCANCODE_LICENSE_INDEX_CACHE"


def _cache_path(data: Path, state: str) -> Path | None:
    """Beside ScanCode's own index: like it, the compact index is derived from the installed ScanCode only,
    so it lives with ScanCode's data, not among license-check's caches (which ``--no-cache`` leaves alone)."""
    try:
        digest = hashlib.sha256(f"{FORMAT}\0{state}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
        where = Path(os.environ.get(SCANCODE_INDEX_ENV) or data / "cache")
        return where / "license-check-compact" / f"{digest}.bin"
    except Exception:  # noqa: BLE001 - no usable folder: build in memory
        return None


def load(data: Path, log: Callable[[str], None]) -> CompactIndex:
    """The compact index of the installed ScanCode data: from ScanCode's index folder, else built (and stored
    there).

    It is derived from the installed ScanCode alone, never from a scanned repository, like ScanCode's own
    index file, which it sits beside (``_cache_path``), and nothing in it decides an answer (every candidate
    is verified against the data files). So ``--no-cache`` and ``CI=true``, which concern license-check's
    caches of scan results and rules, leave it on, as they leave ScanCode's own index cache; only
    ``$LICENSE_CHECK_CACHE=0`` or a folder that cannot be written turns the stored copy off, and then it
    is built in memory for the process."""
    state = data_state(data)
    off = os.environ.get(storage.ENABLE_ENV, "").strip().lower() in ("0", "false", "no", "off")
    path = None if off else _cache_path(data, state)
    if path is not None:
        blob = storage.read_regular(path, _INDEX_CAP)
        payload = None if blob is None else storage.unseal(path.name.encode(), blob)
        index = None if payload is None else decode(payload)
        if index is not None and index.version == state:
            return index
    log("building the compact index of ScanCode's license texts (once per ScanCode install, a few seconds)")
    index = build(data, state)
    if path is not None:
        sealed = storage.seal(path.name.encode(), encode(index))
        if sealed is not None and len(sealed) <= _INDEX_CAP:
            storage.write_private(path, sealed)
    return index
