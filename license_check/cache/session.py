"""Speed at repository scale: one read per file, a per-file result cache, --jobs workers, progress.

scan_session() runs before the detectors. Every file that a file-local detector (FILE_LOCAL: its
result for a list of files is the concatenation of its results for each file) or the license-file
detector will read is read up to the largest cap those detectors use, and hashed. That hash, the
file's path and size, the tool (version, a digest of its code, the versions of the libraries that shape
results) and the rules (RuleBook.version) key the file's results in the cache (cache_store.ResultStore).
Files the cache does not know are analysed by the detectors, in ``jobs`` forked worker processes when
there are enough of them, on one read per file that all of them share (a file whose bytes changed since
it was hashed is analysed but not cached). License texts the fast path does not know go to ScanCode's
compact index (compact_matcher), and what it cannot settle to ScanCode's full index, which the parent
loads once before forking, so the workers share it.

run_detector() then answers each detector from those per-file results, merged in file order: the
output is byte-identical with or without the cache and for every ``jobs``. Anything that goes wrong
here falls back to running the detectors as usual; the cache never changes a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from license_check import __version__
from license_check.cache.store import CACHE_DIR_ENV as CACHE_DIR_ENV
from license_check.cache.store import DEFAULT_MAX_MB as DEFAULT_MAX_MB
from license_check.cache.store import MAX_MB_ENV as MAX_MB_ENV
from license_check.cache.store import SCHEMA as SCHEMA
from license_check.cache.store import ResultStore, decode, encode
from license_check.cache.store import cache_dir as cache_dir
from license_check.cache.store import max_bytes as max_bytes
from license_check.cache.workers import run_all as _map
from license_check.cache.workers import start as _start
from license_check.collect.detectors import FILE_LOCAL, license_files
from license_check.collect.detectors.base import Detector, DetectorResult, ScanContext
from license_check.collect.reading import LICENSE_TEXT_CAP, preloaded, read_bytes
from license_check.errors import LicenseCheckError
from license_check.model import FileEntry
from license_check.storage import always_hashed, dependency_versions

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage "" = finished

POOL_MIN_FILES = 200  # fewer files to analyse than this: forking workers costs more than it saves
SCANCODE_POOL_MIN = 2  # license texts for ScanCode (seconds each): two are enough for workers

# The file-local detectors of the registry (collect.detectors.FILE_LOCAL): which files each reads, the
# most bytes it reads of one, and how its per-file results combine.
_EMPTY = DetectorResult()


@dataclass(slots=True)
class _Session:
    per_file: dict[str, dict[str, DetectorResult]] = field(default_factory=dict)  # detector -> path -> result
    idents: dict[str, license_files.FileIdentification] = field(default_factory=dict)  # license texts by path


_ACTIVE: ContextVar[_Session | None] = ContextVar("license_check_scan_session", default=None)


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """The tool's version and a digest of its code: a cached result never outlives the code that made it."""
    if not _CODE_DIGEST:
        from license_check.storage import tree_digest

        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the license_check package
        _CODE_DIGEST.append(f"{__version__}\0{dependency_versions()}\0{tree_digest(Path(package), ('.py', '.json'))}")
    return _CODE_DIGEST[0]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A file the session handles: which detectors read it, and what its bytes were when it was read."""

    entry: FileEntry
    detectors: tuple[str, ...]  # FILE_LOCAL detectors that read it
    license_text: bool  # license_files identifies it
    cap: int  # the most bytes any of them reads
    truncated: bool
    digest: bytes | None  # of the first ``cap`` bytes: with path and size, what the result depends on (None:
    # no store, so no key: the file is read once, by the detectors' shared read, and never hashed)


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()  # SHA-256: hardware-accelerated on most CPUs, faster than BLAKE2 here


def _key(prefix: bytes, kind: str, plan: _Plan) -> bytes:
    digest = hashlib.blake2b(prefix, digest_size=20)
    for part in (kind, plan.entry.path, str(plan.entry.size), str(plan.truncated)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(plan.digest or b"")
    return digest.digest()


@contextlib.contextmanager
def _reread(plan: _Plan) -> Iterator[bool | None]:
    """Read the file (again, when it was hashed: only the digest was kept) for the detectors and share that one
    read with all of them; yields whether it still holds the bytes the key was made from (if not, the result
    is not cached), or None when it cannot be read."""
    data, truncated, _error = read_bytes(plan.entry.abspath, plan.cap)
    if data is None:  # gone or unreadable: the detectors find out themselves and report it
        yield None
        return
    with preloaded({plan.entry.abspath: (data, truncated)}):
        yield plan.digest is None or (truncated == plan.truncated and _digest(data) == plan.digest)


def _work_local(plan: _Plan, ctx: ScanContext) -> tuple[dict[str, DetectorResult | None], bool | None]:
    """The file-local detectors' results for one file; None for an empty one (most files say nothing to most
    detectors: a worker sends back None, not an object to unpickle)."""
    with _reread(plan) as same:
        if same is None and plan.digest is None:  # unreadable, never hashed: left to the detectors' own run,
            return {}, None  # as a file the hashing pass could not read is
        results = {name: FILE_LOCAL[name].detect([plan.entry], ctx) for name in plan.detectors}
        return {name: None if result == _EMPTY else result for name, result in results.items()}, same


def _work_scancode(item: tuple[FileEntry, str], ctx: ScanContext) -> license_files.FileIdentification:
    entry, text = item
    return license_files.identify_scancode(entry, text, ctx)


def _stat_key(prefix: bytes, entry: FileEntry, cap: int) -> bytes | None:
    """What says a file is unchanged without reading it (as git's index does): device, inode, size, and the
    modification and change times in ns (the kernel sets ctime on every write; nobody can set it back)."""
    try:
        st = os.stat(entry.abspath, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    text = f"stat\0{entry.path}\0{entry.abspath}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0" \
        f"{st.st_ctime_ns}\0{cap}"
    return hashlib.blake2b(prefix + b"\0" + text.encode("utf-8", "surrogateescape"), digest_size=20).digest()


def _read_plans(files: Sequence[FileEntry], ctx: ScanContext, report: Progress, store: ResultStore | None = None,
                prefix: bytes = b"") -> list[_Plan]:
    """Read and hash every file a file-local detector or license_files reads. A source or large file whose stat
    is what it was when it was last hashed keeps that digest (looked up in ``store``) and is not read now;
    license-bearing files (storage.always_hashed) are always read and hashed again."""
    licenses = {e.path for e in license_files.text_candidates(files)}
    wanted: list[tuple[FileEntry, tuple[str, ...], bool, int, bytes | None]] = []
    for entry in files:
        is_license = entry.path in licenses
        if entry.size == 0 and not is_license:
            continue  # an empty file states nothing: nothing to read, hash or analyse (100,000 of them cost 26 s)
        names = tuple(name for name, d in FILE_LOCAL.items() if d.wants is not None and d.wants(entry))
        if names or is_license:
            cap = max([FILE_LOCAL[name].cap for name in names] + ([LICENSE_TEXT_CAP] if is_license else []))
            by_stat = store is not None and not is_license and not always_hashed(entry.path, entry.size)
            wanted.append((entry, names, is_license, cap, _stat_key(prefix, entry, cap) if by_stat else None))
    known = store.get_many([w[4] for w in wanted if w[4] is not None]) if store else {}
    plans: list[_Plan] = []
    hashed: dict[bytes, bytes] = {}
    for n, (entry, names, is_license, cap, key) in enumerate(wanted, 1):
        if n % 500 == 0:
            report("reading files", n, len(wanted))
        memo = known.get(key) if key is not None else None
        if memo is not None and len(memo) == 33 and memo[0] in (0, 1):
            plans.append(_Plan(entry, names, is_license, cap, memo[0] == 1, memo[1:]))
            continue
        if store is None and not is_license:  # nothing to key: the detectors' shared read is the only one
            plans.append(_Plan(entry, names, is_license, cap, False, None))
            continue
        data, truncated, _error = read_bytes(entry.abspath, cap)
        if data is not None:  # else the detectors read it themselves and report why they cannot
            digest = _digest(data)
            plans.append(_Plan(entry, names, is_license, cap, truncated, digest))
            if key is not None:
                hashed[key] = bytes([int(truncated)]) + digest
    if store and hashed:
        store.put_many(hashed)
    return plans


def _prepare(files: Sequence[FileEntry], ctx: ScanContext, rules_version: str, jobs: int,
             store: ResultStore | None, report: Progress) -> _Session:
    start = time.perf_counter()
    session = _Session({name: {} for name in FILE_LOCAL})
    prefix = "\0".join((SCHEMA, code_digest(), rules_version)).encode()
    plans = _read_plans(files, ctx, report, store, prefix)
    keys: dict[int, tuple[bytes | None, bytes | None]] = {
        id(p): (_key(prefix, "+".join(p.detectors), p) if p.detectors else None,
                _key(prefix, f"license-text scancode={ctx.use_scancode}", p) if p.license_text else None)
        for p in plans} if store else {id(p): (None, None) for p in plans}
    found = store.get_many([k for pair in keys.values() for k in pair if k is not None]) if store else {}
    local_misses: list[_Plan] = []
    license_misses: list[_Plan] = []
    new: dict[bytes, bytes] = {}
    for plan in plans:
        local_key, license_key = keys[id(plan)]
        if plan.detectors:
            results = decode(found[local_key]) if local_key is not None and local_key in found else None
            if isinstance(results, dict) and set(results) == set(plan.detectors):
                for name, result in results.items():
                    session.per_file[name][plan.entry.path] = _EMPTY if result is None else result
            else:
                local_misses.append(plan)
        if plan.license_text:
            ident = decode(found[license_key]) if license_key is not None and license_key in found else None
            if isinstance(ident, license_files.FileIdentification):
                session.idents[plan.entry.path] = replace(ident, entry=plan.entry)
            else:
                license_misses.append(plan)
    if store:
        ctx.log(f"cache: {len(found)} results reused, {len(local_misses) + len(license_misses)} files to analyse "
                f"({len(plans)} files read and looked up in {time.perf_counter() - start:.2f} s)")
    # The workers start on the file-local detectors; meanwhile this process identifies the license texts.
    pending = _start(_work_local, local_misses, jobs, POOL_MIN_FILES, ctx,
                     lambda n: report("analysing files", n, len(local_misses)) if n % 100 == 0 else None)
    done: list[list[Any]] = []

    def finish() -> None:  # before ScanCode's full index loads, so that its own workers can fork
        if not done:
            done.append(pending.wait())

    try:
        _identify_licenses(license_misses, ctx, jobs, session, new if store else None, keys, report, finish)
    finally:
        finish()
    computed = done[0]
    for plan, (results, same) in zip(local_misses, computed, strict=True):
        if same is None and plan.digest is None:
            continue  # unreadable: run_detector leaves it to the detectors
        for name, result in results.items():
            session.per_file[name][plan.entry.path] = _EMPTY if result is None else result
        key = keys[id(plan)][0]
        if store and key is not None and same:  # most files say nothing to most detectors: None, not a result
            new[key] = encode(results)
    if store and new:
        store.put_many(new)
    ctx.log(f"per-file analysis: {len(plans)} files, {len(local_misses)} analysed by the detectors with "
            f"jobs={jobs}, {len(license_misses)} license texts identified, {time.perf_counter() - start:.2f} s")
    return session


def _identify_licenses(misses: list[_Plan], ctx: ScanContext, jobs: int, session: _Session,
                       new: dict[bytes, bytes] | None, keys: dict[int, tuple[bytes | None, bytes | None]],
                       report: Progress, before_scancode: Callable[[], None] = lambda: None) -> None:
    """The fast path and ScanCode's compact index here, then ScanCode's full index (loaded here once, then
    shared by forked workers) for what they leave; ``before_scancode`` runs first (the file-local workers
    finish: a process with their pool's thread may not fork again)."""
    for_scancode: list[tuple[_Plan, str]] = []
    changed: set[str] = set()
    for plan in misses:
        with _reread(plan) as same:
            first = license_files.identify_fast(plan.entry, ctx)
        if not same:
            changed.add(plan.entry.path)
        if isinstance(first, str):  # the compact index first: the full one loads only for what it leaves
            first = license_files.identify_compact(plan.entry, first, ctx) or first
        if isinstance(first, str):
            for_scancode.append((plan, first))
        else:
            session.idents[plan.entry.path] = first
            key = keys[id(plan)][1]
            if new is not None and key is not None and first.cacheable and same:
                new[key] = encode(first)
    if not for_scancode:
        return
    before_scancode()
    from license_check.collect.textid import scancode_matcher  # loaded only for a text the others leave

    first_path = for_scancode[0][0].entry.path
    others = f" (and {len(for_scancode) - 1} more)" if len(for_scancode) > 1 else ""
    scancode_matcher.ensure_loaded(f"{first_path}{others} is not a license text the fast path knows", ctx.log)
    idents = _map(_work_scancode, [(p.entry, text) for p, text in for_scancode], jobs, SCANCODE_POOL_MIN, ctx,
                  lambda n: report("license texts (ScanCode)", n, len(for_scancode)))
    for (plan, _), ident in zip(for_scancode, idents, strict=True):
        session.idents[plan.entry.path] = replace(ident, entry=plan.entry)
        key = keys[id(plan)][1]
        if new is not None and key is not None and ident.cacheable and plan.entry.path not in changed:
            new[key] = encode(ident)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@contextlib.contextmanager
def scan_session(files: Sequence[FileEntry], ctx: ScanContext, *, rules_version: str, jobs: int = 0,
                 use_cache: bool = True, progress: Progress | None = None) -> Iterator[None]:
    """Prepare the per-file work of one scan (cache look-ups, parallel analysis) for run_detector."""
    report = progress or _no_progress
    jobs = jobs if jobs > 0 else available_cores()
    try:
        store = ResultStore.open(ctx.log) if use_cache else None
        try:
            session: _Session | None = _prepare(files, ctx, rules_version, jobs, store, report)
        finally:
            if store:
                store.close()
    except LicenseCheckError:  # broken rules: the scan stops (exit 2), as it would without the cache
        raise
    except Exception:  # noqa: BLE001 - speed-ups must never cost a result: the detectors run as usual
        ctx.log(f"per-file preparation failed; running the detectors without it:\n{traceback.format_exc()}")
        session = None
    token = _ACTIVE.set(session)
    try:
        with license_files.prepared(session.idents if session else {}):
            yield None
    finally:
        _ACTIVE.reset(token)
        report("", 0, 0)


def run_detector(name: str, detect: Detector, files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    """``detect(files, ctx)``, served from the active scan session's per-file results where it has them."""
    session = _ACTIVE.get()
    if session is None or name not in session.per_file:
        return detect(files, ctx)
    known = session.per_file[name]
    parts: list[DetectorResult] = []
    pending: list[FileEntry] = []  # files the session did not analyse (unreadable, or not this detector's)
    for entry in files:
        result = known.get(entry.path)
        if result is None:
            pending.append(entry)
            continue
        if pending:
            parts.append(detect(pending, ctx))
            pending = []
        parts.append(result)
    if pending:
        parts.append(detect(pending, ctx))
    if any(p.extra for p in parts):  # not file-local after all: never guess how to merge
        return detect(files, ctx)
    return FILE_LOCAL[name].merge(parts) or detect(files, ctx)
