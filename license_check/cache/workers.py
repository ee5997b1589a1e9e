"""Forked workers for the per-file session: items handed to a pool now, results asked for later, in order.

A pool is started only when there is enough work and the process may fork (no other thread runs: forking a
threaded process can deadlock the child). Workers are forked explicitly, never spawned, so they share the
parent's memory, ScanCode's index included; each returns one pickle per batch of items (cache.store.encode).
A worker that dies breaks the pool at once instead of hanging it, and the items without a result are then
done in this process, once. session.py starts the file-local detectors here and identifies the license texts
while they run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from license_check.cache.store import decode, encode
from license_check.collect.detectors.base import ScanContext

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# In a worker process only: the job its pool's initializer installed. A forked worker inherits the
# initializer's arguments (the Process object is not pickled under fork), so the job may hold what cannot be
# pickled (the scan's Knowledge, ScanCode's index); the parent process never sets this.
_WORKER_JOB: list[Callable[[Any], Any]] = []


def _install(job: Callable[[Any], Any]) -> None:
    _WORKER_JOB[:] = [job]


def _in_worker(batch: list[Any]) -> bytes:
    """A batch of items, one pickle back: one decode per batch in the parent, not one per file (50,000 decodes
    cost the parent two seconds while the workers wait)."""
    return encode([_WORKER_JOB[0](item) for item in batch])


@dataclass(slots=True)
class Pending:
    """Work handed to forked workers (or left for this process): ``wait`` gives the results, in item order."""

    items: list[Any]
    work: Callable[[Any], Any]
    tick: Callable[[int], None]
    log: Callable[[str], None]
    pool: ProcessPoolExecutor | None = None
    blobs: Iterator[bytes] | None = None

    def wait(self) -> list[Any]:
        out: list[Any] = []
        if self.pool is not None and self.blobs is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                for blob in self.blobs:
                    results = decode(blob)
                    if not isinstance(results, list):
                        raise RuntimeError("a worker's result did not survive the trip back")
                    for result in results:
                        out.append(result)
                        self.tick(len(out))
            except BrokenProcessPool as exc:
                self.log(f"a worker process died ({exc}); analysing the {len(self.items) - len(out)} remaining "
                         "files here")
            finally:
                self.pool.shutdown(wait=True, cancel_futures=True)
        for item in self.items[len(out):]:
            out.append(self.work(item))
            self.tick(len(out))
        return out


def start(task: Callable[[Any, ScanContext], Any], items: list[Any], jobs: int, minimum: int, ctx: ScanContext,
           tick: Callable[[int], None]) -> Pending:
    """task(item, ctx) for every item: handed now to ``jobs`` forked processes when worth it (this process may
    do other work meanwhile), else done here when the result is asked for (Pending.wait). A worker that dies
    (the OOM killer, a signal) breaks the pool at once instead of hanging it: the items without a result are
    then done here, once."""

    def work(item: Any) -> Any:  # never pickled: forked workers inherit it (see _WORKER_JOB)
        return task(item, ctx)

    pending = Pending(items, work, tick, ctx.log)
    if jobs <= 1 or len(items) < minimum:
        return pending  # done here when asked for (and multiprocessing never imported: 8 ms of a rescan)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    use_pool = "fork" in multiprocessing.get_all_start_methods()
    if use_pool and threading.active_count() > 1:  # forking a threaded process can deadlock the child
        ctx.log("other threads are running: analysing in this process, without worker processes")
        use_pool = False
    if use_pool:
        try:
            # fork, explicitly (Python 3.14 defaults to forkserver): workers share the parent's memory,
            # ScanCode's index included, instead of loading it again (+5 s and +1 GB each). Under fork the
            # executor starts every worker at the first submit, before its own thread.
            pending.pool = ProcessPoolExecutor(min(jobs, len(items)), mp_context=multiprocessing.get_context("fork"),
                                               initializer=_install, initargs=(work,))
        except (OSError, AssertionError, ValueError) as exc:  # e.g. a daemonic process may not have children
            ctx.log(f"cannot start worker processes ({exc}); analysing in this process")
    if pending.pool is not None:
        chunk = max(1, min(64, len(items) // (jobs * 8)))
        batches = [items[start:start + chunk] for start in range(0, len(items), chunk)]
        try:
            pending.blobs = pending.pool.map(_in_worker, batches)  # every batch submitted now
        except BrokenProcessPool as exc:
            ctx.log(f"a worker process died ({exc}); analysing the files here")
            pending.pool.shutdown(wait=True, cancel_futures=True)
            pending.pool = None
    return pending


def run_all(task: Callable[[Any, ScanContext], Any], items: list[Any], jobs: int, minimum: int, ctx: ScanContext,
         tick: Callable[[int], None]) -> list[Any]:
    """task(item, ctx) for every item, in order (see start)."""
    return start(task, items, jobs, minimum, ctx, tick).wait()
