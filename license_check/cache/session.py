"""Speed at repository scale: one read per file, a per-file result cache, --jobs workers, progress.

scan_session() runs before the detectors. Every file that a file-local detector (FILE_LOCAL: its
result for a list of files is the concatenation of its results for each file) or the license-file
detector will read is read up to the largest cap those detectors use, and hashed (plans.py: a file whose
stat did not change keeps its digest unread). That hash, the file's path and size, the tool (version, a
digest of its code, the versions of the libraries that shape results) and the rules (RuleBook.version) key
the file's results in the cache (store.ResultStore). Files the cache does not know are analysed by the
detectors, in ``jobs`` forked worker processes when there are enough of them, on one read per file that all
of them share (a file whose bytes changed since it was hashed is analysed but not cached). License texts the
fast path does not know go to ScanCode's compact index (compact_matcher), and what it cannot settle to
ScanCode's full index, which the parent loads once before forking, so the workers share it.

The tree's snapshot (snapshot.py) says which files are as the last scan left them: their results stay in the
cache, unloaded, until a detector needs them, and the digest of all the file-local results together (the
session's ``fingerprint``) lets pipeline.collect find a stored report made from the same evidence without
loading any of it (a rescan after an edit that changed no result is that fast).

run_detector() then answers each detector from those per-file results, merged in file order: the
output is byte-identical with or without the cache and for every ``jobs``. Anything that goes wrong
here falls back to running the detectors as usual; the cache never changes a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from license_check import __version__
from license_check.cache import snapshot
from license_check.cache.plans import Plan, Plans, Progress, content_key, read_plans, reread
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
from license_check.errors import LicenseCheckError
from license_check.model import FileEntry
from license_check.storage import dependency_versions

POOL_MIN_FILES = 200  # fewer files to analyse than this: forking workers costs more than it saves
SCANCODE_POOL_MIN = 2  # license texts for ScanCode (seconds each): two are enough for workers

_EMPTY = DetectorResult()
Local = dict[str, DetectorResult | None]  # detector -> a file's result (None: an empty one)


@dataclass(slots=True)
class Session:
    """One scan's per-file results, for run_detector. ``fingerprint``: the digest of every file-local result,
    in file order, when each is known for sure (None: some file's are not, e.g. it changed while being read)."""

    per_file: dict[str, dict[str, DetectorResult]] = field(default_factory=dict)  # detector -> path -> result
    idents: dict[str, license_files.FileIdentification] = field(default_factory=dict)  # license texts by path
    fingerprint: bytes | None = None
    unloaded: dict[str, Plan] = field(default_factory=dict)  # path -> plan: unchanged since the tree's last scan,
    # its results still in the store (under the key content_key makes with ``prefix``)
    prefix: bytes = b""
    store: ResultStore | None = None
    pending: Callable[[], None] | None = None  # what is left once the file-local workers are done (settle)

    def settle(self, log: Callable[[str], None]) -> None:
        """Wait for the file-local workers and take their results in (the fingerprint is known after this). A
        failure costs only speed: what the session lacks, run_detector leaves to the detectors."""
        rest, self.pending = self.pending, None
        if rest is None:
            return
        try:
            rest()
        except LicenseCheckError:
            raise
        except Exception:  # noqa: BLE001 - speed-ups must never cost a result
            log(f"per-file analysis failed; running the detectors without it:\n{traceback.format_exc()}")
            self.fingerprint = None

    def put(self, path: str, results: Local) -> None:
        for name, result in results.items():
            self.per_file[name][path] = _EMPTY if result is None else result

    def load(self) -> None:
        """Load the results of the unchanged files; one that is gone from the store (evicted, damaged) is left
        to the detectors' own run in run_detector, as an unreadable file is."""
        if not self.unloaded:
            return
        keys = {path: content_key(self.prefix, "+".join(plan.detectors), plan) for path, plan in self.unloaded.items()}
        found = self.store.get_many(list(keys.values())) if self.store else {}
        for path, plan in self.unloaded.items():
            results = decode(found[keys[path]]) if keys[path] in found else None
            if isinstance(results, dict) and set(results) == set(plan.detectors):
                self.put(path, results)
        self.unloaded = {}


_ACTIVE: ContextVar[Session | None] = ContextVar("license_check_scan_session", default=None)


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


def _work_local(plan: Plan, ctx: ScanContext) -> tuple[Local, bool | None]:
    """The file-local detectors' results for one file; None for an empty one (most files say nothing to most
    detectors: a worker sends back None, not an object to unpickle)."""
    with reread(plan) as same:
        if same is None and plan.digest is None:  # unreadable, never hashed: left to the detectors' own run,
            return {}, None  # as a file the hashing pass could not read is
        results = {name: FILE_LOCAL[name].detect([plan.entry], ctx) for name in plan.detectors}
        return {name: None if result == _EMPTY else result for name, result in results.items()}, same


def _work_scancode(item: tuple[FileEntry, str], ctx: ScanContext) -> license_files.FileIdentification:
    entry, text = item
    return license_files.identify_scancode(entry, text, ctx)


def _fingerprint(with_detectors: Sequence[Plan], digests: dict[str, bytes]) -> bytes:
    found = hashlib.blake2b(b"file-local results", digest_size=20)
    for plan in with_detectors:
        found.update(f"{plan.entry.path}\0{'+'.join(plan.detectors)}\0".encode("utf-8", "surrogateescape"))
        found.update(digests[plan.entry.path])
    return found.digest()


STALE_RECORDS = 64  # files the snapshot may be out of date for before it is written again


def _keep_snapshot(store: ResultStore, tree_key: bytes, with_detectors: Sequence[Plan], digests: dict[str, bytes],
                   last: snapshot.Snapshot) -> None:
    """Write the tree's snapshot again when more than a few files differ from it: a file it is out of date for
    (edited, added) is found through the per-file cache instead (a stat memo and a result look-up), so the
    rescan after a small edit does not rewrite a record of every file."""
    known = [p for p in with_detectors if p.digest is not None and p.entry.path in digests]
    stale = len(last.keys() - {p.entry.path for p in known})
    for plan in known:
        record = last.get(plan.entry.path)
        if record is None or record.stat != plan.stat or record.results != digests[plan.entry.path] or \
                not record.matches(plan.entry.size, plan.truncated, plan.digest, plan.detectors):
            stale += 1
    if stale > (STALE_RECORDS if last else 0):
        snapshot.save(store, tree_key, {p.entry.path: snapshot.Record(
            p.stat, p.entry.size, p.truncated, p.digest, p.detectors, digests[p.entry.path])
            for p in known if p.digest is not None})  # (all of them: for the type checker)


def _prepare(files: Sequence[FileEntry], ctx: ScanContext, rules_version: str, jobs: int,
             store: ResultStore | None, report: Progress, tree: str | None = None,
             seen: Mapping[str, tuple[int, int, int, int, int]] | None = None) -> Session:
    start = time.perf_counter()
    prefix = "\0".join((SCHEMA, code_digest(), rules_version)).encode()
    session = Session({name: {} for name in FILE_LOCAL}, store=store, prefix=prefix)
    tree_key = snapshot.key(prefix, tree, ctx.use_scancode) if store and tree is not None else None
    last = snapshot.load(store, tree_key) if store and tree_key is not None else {}
    read = read_plans(files, report, store, prefix, last, seen)
    digests: dict[str, bytes] = {}  # path -> digest of its file-local results' cache entry, when known for sure
    keys: dict[int, tuple[bytes | None, bytes | None]] = {}
    lookups: list[bytes] = []
    for plan in read.plans:  # the snapshot first: a file as the last scan left it has the results it had then
        record = last.get(plan.entry.path)
        license_key = content_key(prefix, f"license-text scancode={ctx.use_scancode}", plan) \
            if store and plan.license_text else None
        if store and plan.detectors and record is not None and \
                record.matches(plan.entry.size, plan.truncated, plan.digest, plan.detectors):
            session.unloaded[plan.entry.path] = plan  # its key is made only if it is loaded
            digests[plan.entry.path] = record.results
            keys[id(plan)] = (None, license_key)
        else:
            local_key = content_key(prefix, "+".join(plan.detectors), plan) if store and plan.detectors else None
            keys[id(plan)] = (local_key, license_key)
            if local_key is not None:
                lookups.append(local_key)
        if license_key is not None:
            lookups.append(license_key)
    found = store.get_many(lookups) if store and lookups else {}
    local_misses: list[Plan] = []
    license_misses: list[Plan] = []
    new: dict[bytes, bytes] = {}
    for plan in read.plans:
        local_key, license_key = keys[id(plan)]
        if plan.detectors and plan.entry.path not in session.unloaded:
            blob = found.get(local_key) if local_key is not None else None
            results = decode(blob) if blob is not None else None
            if blob is not None and isinstance(results, dict) and set(results) == set(plan.detectors):
                session.put(plan.entry.path, results)
                digests[plan.entry.path] = snapshot.results_digest(blob)
            else:
                local_misses.append(plan)
        if plan.license_text:
            ident = decode(found[license_key]) if license_key is not None and license_key in found else None
            if isinstance(ident, license_files.FileIdentification):
                session.idents[plan.entry.path] = replace(ident, entry=plan.entry)
            else:
                license_misses.append(plan)
    if store:
        reused, misses = len(found) + len(session.unloaded), len(local_misses) + len(license_misses)
        ctx.log(f"cache: {reused} results reused, {misses} files to analyse ({len(session.unloaded)} files as the "
                f"tree's last scan left them; {len(read.plans)} files read and looked up in "
                f"{time.perf_counter() - start:.2f} s)")
    # The workers start on the file-local detectors; meanwhile this process identifies the license texts.
    pending = _start(_work_local, local_misses, jobs, POOL_MIN_FILES, ctx,
                     lambda n: report("analysing files", n, len(local_misses)) if n % 100 == 0 else None)
    done: list[list[Any]] = []

    def finish() -> None:  # before ScanCode's full index loads, so that its own workers can fork
        if not done:
            done.append(pending.wait())

    try:
        _identify_licenses(license_misses, ctx, jobs, session, new if store else None, keys, report, finish)
    except BaseException:
        finish()
        raise

    def rest() -> None:  # once the workers are done (Session.settle): while they run, the other detectors do
        finish()
        _complete(session, store, local_misses, done[0], keys, new, digests, read, tree_key, last)
        ctx.log(f"per-file analysis: {len(read.plans)} files, {len(local_misses)} analysed by the detectors with "
                f"jobs={jobs}, {len(license_misses)} license texts identified, {time.perf_counter() - start:.2f} s")

    session.pending = rest
    return session


def _complete(session: Session, store: ResultStore | None, local_misses: list[Plan], computed: list[Any],
              keys: dict[int, tuple[bytes | None, bytes | None]], new: dict[bytes, bytes], digests: dict[str, bytes],
              read: Plans, tree_key: bytes | None, last: snapshot.Snapshot) -> None:
    """The workers' results into the session and the cache; the fingerprint; the tree's snapshot."""
    for plan, (results, same) in zip(local_misses, computed, strict=True):
        if same is None and plan.digest is None:
            continue  # unreadable: run_detector leaves it to the detectors
        session.put(plan.entry.path, results)
        key = keys[id(plan)][0]
        if store and key is not None and same:  # most files say nothing to most detectors: None, not a result
            new[key] = encode(results)
            digests[plan.entry.path] = snapshot.results_digest(new[key])
    if store and new:
        store.put_many(new)
    with_detectors = [p for p in read.plans if p.detectors]
    if store and not read.unread and all(p.entry.path in digests for p in with_detectors):
        session.fingerprint = _fingerprint(with_detectors, digests)
    if store and tree_key is not None:
        _keep_snapshot(store, tree_key, with_detectors, digests, last)


def _identify_licenses(misses: list[Plan], ctx: ScanContext, jobs: int, session: Session,
                       new: dict[bytes, bytes] | None, keys: dict[int, tuple[bytes | None, bytes | None]],
                       report: Progress, before_scancode: Callable[[], None] = lambda: None) -> None:
    """The fast path and ScanCode's compact index here, then ScanCode's full index (loaded here once, then
    shared by forked workers) for what they leave; ``before_scancode`` runs first (the file-local workers
    finish: a process with their pool's thread may not fork again)."""
    for_scancode: list[tuple[Plan, str]] = []
    changed: set[str] = set()
    for plan in misses:
        with reread(plan) as same:
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
                 use_cache: bool = True, progress: Progress | None = None,
                 tree: str | None = None, seen: Mapping[str, tuple[int, int, int, int, int]] | None = None,
                 ) -> Iterator[Session | None]:
    """Prepare the per-file work of one scan (cache look-ups, parallel analysis) for run_detector. ``tree``: the
    scanned folder's absolute path, which names its snapshot (None: no snapshot); ``seen``: the walk's stat of
    each file (Discovery.stats)."""
    report = progress or _no_progress
    jobs = jobs if jobs > 0 else available_cores()
    store: ResultStore | None = None
    try:
        store = ResultStore.open(ctx.log) if use_cache else None
        session: Session | None = _prepare(files, ctx, rules_version, jobs, store, report, tree, seen)
    except LicenseCheckError:  # broken rules: the scan stops (exit 2), as it would without the cache
        if store:
            store.close()
        raise
    except Exception:  # noqa: BLE001 - speed-ups must never cost a result: the detectors run as usual
        ctx.log(f"per-file preparation failed; running the detectors without it:\n{traceback.format_exc()}")
        session = None
    token = _ACTIVE.set(session)
    try:
        with license_files.prepared(session.idents if session else {}):
            yield session
    finally:
        if session is not None and session.pending is not None:  # no detector asked (or one raised): the
            with contextlib.suppress(Exception):  # workers reaped, their results cached, the store still open
                session.settle(ctx.log)
        _ACTIVE.reset(token)
        if store:  # open until here: the unchanged files' results load when a detector first needs them
            store.close()
        report("", 0, 0)


def run_detector(name: str, detect: Detector, files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    """``detect(files, ctx)``, served from the active scan session's per-file results where it has them."""
    session = _ACTIVE.get()
    if session is None or name not in session.per_file:
        return detect(files, ctx)
    session.settle(ctx.log)
    try:
        session.load()
    except Exception:  # noqa: BLE001 - what does not load is analysed again below, never guessed
        ctx.log(f"loading cached results failed; analysing those files again:\n{traceback.format_exc()}")
        session.unloaded = {}
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
