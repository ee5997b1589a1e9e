"""The whole-report cache: a rescan of an unchanged repository with the same settings prints the stored report.

The per-file cache (session.py) spares the detectors; a warm run still imports and runs the whole pipeline.
This layer sits in front of it, in the CLI. Its key covers every input of a report:

* the tool's code and rules (the stat of every file of the package and of rules/, as git's index keeps it:
  tree_digest), the versions of Python and of the libraries that shape results, and today's date (waivers
  expire);
* the settings that shape the report: the PATH as given, the format, --exclude, --no-scancode, and the
  effective policy (every key, as echoed in the report);
* the tree: what discovery found (every file's path, size, device, inode, mtime and ctime in ns, as git's
  index; the trees left out; discovery's own findings), the SHA-256 of every license-bearing file
  (storage.always_hashed: a write through a shared mmap changes no stat field), and the stat of each file a
  policy pin names.

A report is stored only when every answer in it is final: a scan with ScanCode unavailable or timing out,
or with a failed detector, is never stored. Entries are small JSON files written atomically (0600, in a 0700
folder), each holding the key it was stored under and sealed with a MAC (storage.seal, a per-user secret
kept outside the cache folder); one that is not a regular file of at most MAX_ENTRY_BYTES, whose MAC or key
does not match, or that is damaged, is a miss; at most MAX_ENTRIES are kept (the oldest go). Only this
module reads them, and only the CLI uses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from license_check import __version__
from license_check.collect.digests import regular_stat_line, stat_line
from license_check.collect.discover import Discovery
from license_check.knowledge.data import rules_dir
from license_check.model import Finding
from license_check.storage import (
    ALWAYS_HASH_MAX,
    always_hashed,
    cache_dir,
    dependency_versions,
    read_regular,
    seal,
    tree_digest,
    unseal,
    write_private,
)

MAX_ENTRIES = 128  # a scan stores its report under two keys (key, evidence_key)
MAX_ENTRY_BYTES = 64 << 20
FOLDER = "reports-v2"  # v2: entries hold the verdict line too
# Findings that say an answer is not final (it could differ on the next run with the same inputs).
_TRANSIENT_RULES = frozenset({"scancode-unavailable", "detector-error"})
_DIGESTS: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Stored:
    text: str
    exit_code: int
    verdict: str = ""  # the verdict line (render.table.verdict_line)


def tool_digest(rules: Path | None = None) -> str:
    """The tool's version and code, and the rules folder the scan judges with (``rules``: the Knowledge's
    directory; None: the shipped rules): a stored report never outlives any of them."""
    folder = (rules or rules_dir()).resolve()
    tag = f"tool {folder}"
    if tag not in _DIGESTS:
        package = Path(__file__).resolve().parents[1]  # the license_check package
        parts = [__version__, dependency_versions(), tree_digest(package, (".py", ".json", ".toml"))]
        if not folder.is_relative_to(package):  # a checkout (rules/ beside the package), or another folder
            parts += [str(folder), tree_digest(folder, (".toml", ".json"))]
        _DIGESTS[tag] = "\0".join(parts)
    return _DIGESTS[tag]


def _content(path: str, abspath: str, size: int) -> str:
    """The SHA-256 of a license-bearing file, or "" for a file whose stat is enough (source code, large files)."""
    if size == 0 or not always_hashed(path, size):
        return ""  # an empty file cannot change through a mapping (nothing is mapped): its stat says it all
    data = read_regular(abspath, ALWAYS_HASH_MAX)
    return " unread" if data is None else " " + hashlib.sha256(data).hexdigest()


def _finding_line(f: Finding) -> str:
    return json.dumps([f.rule, f.message, [(loc.path, loc.line) for loc in f.locations]], ensure_ascii=False)


def key(label: str, found: Discovery, settings: dict[str, object], pins: Mapping[str, str], today: date,
        rules: Path | None = None) -> str:
    """The digest of every input of the report (see the module docstring). ``label`` is the root as the
    report names it; ``pins`` are the stat lines of the pinned files (collect.digests.pin_stats); ``rules``
    the folder of the scan's Knowledge (None: the shipped rules)."""
    digest = hashlib.blake2b(digest_size=24)

    def add(text: str) -> None:
        digest.update(text.encode("utf-8", "surrogateescape") + b"\n")

    add(tool_digest(rules))
    add(today.isoformat())
    add(label)
    add(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str))
    stats = found.stats
    for entry in found.files:
        content = _content(entry.path, entry.abspath, entry.size)
        seen = stats.get(entry.path)  # the walk's own stat of the file
        line = regular_stat_line(seen) if seen is not None else stat_line(entry.abspath)
        add(f"{entry.path}\0{entry.abspath}\0{entry.size}\0{line}{content}")
    add(json.dumps([list(found.ignored_dirs), list(found.excluded), found.gitignored, found.complete]))
    for finding in found.findings:
        add(_finding_line(finding))
    for rel in sorted(pins):
        add(f"pin {rel} {pins[rel]}")
    return digest.hexdigest()


def evidence_key(label: str, evidence: bytes, settings: dict[str, object], today: date,
                 rules: Path | None = None) -> str:
    """The second key of a report: the tool, rules, date, root and settings as in ``key``, but the tree as the
    detectors read it (pipeline.collect's evidence digest: every detector's result, discovery's paths and
    findings, the pinned files' digests) instead of as stat lines, so that a rescan after an edit that changed
    no detector's result (a comment, a code change) finds the report the last scan stored."""
    digest = hashlib.blake2b(b"evidence\n", digest_size=24)
    for text in (tool_digest(rules), today.isoformat(), label,
                 json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)):
        digest.update(text.encode("utf-8", "surrogateescape") + b"\n")
    digest.update(evidence)
    return digest.hexdigest()


def _folder() -> Path | None:
    try:
        return cache_dir() / FOLDER
    except Exception:  # noqa: BLE001 - no usable cache folder: no report cache
        return None


def load(digest: str) -> Stored | None:
    folder = _folder()
    if folder is None:
        return None
    target = folder / f"{digest}.json"
    blob = read_regular(target, MAX_ENTRY_BYTES)  # a FIFO, device or symlink there is a miss, never a hang
    payload = None if blob is None else unseal(digest.encode(), blob)
    if payload is None:
        return None
    try:
        data = json.loads(payload.decode("utf-8"))
    except ValueError:
        return None
    if (not isinstance(data, dict) or data.get("key") != digest or not isinstance(data.get("text"), str)
            or data.get("exit_code") not in (0, 1) or not isinstance(data.get("verdict"), str)):
        return None
    with contextlib.suppress(OSError, NotImplementedError):
        os.utime(target, follow_symlinks=False)  # recently used: kept longest
    return Stored(data["text"], data["exit_code"], data["verdict"])


def final(findings: Sequence[Finding]) -> bool:
    """Whether every answer of a report is final (nothing timed out, failed or lacked ScanCode)."""
    from license_check.collect.textid import NOT_FINAL_DETAILS  # not the matchers themselves

    return not any(f.rule in _TRANSIENT_RULES or any(w in f.message for w in NOT_FINAL_DETAILS) for f in findings)


def store(digest: str, text: str, exit_code: int, verdict: str = "") -> None:
    """Keep a report (sealed, atomically; a failure to write is no error), and at most MAX_ENTRIES of them."""
    folder = _folder()
    if folder is None:
        return
    payload = json.dumps({"key": digest, "exit_code": exit_code, "text": text, "verdict": verdict},
                         ensure_ascii=False).encode("utf-8")
    sealed = seal(digest.encode(), payload)
    if sealed is None or len(sealed) > MAX_ENTRY_BYTES or not write_private(folder / f"{digest}.json", sealed):
        return
    try:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.lstat().st_mtime_ns)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
