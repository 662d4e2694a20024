"""Run one job per file in worker processes, each job under a time and a memory limit.

A hostile or pathological PDF (a decompression bomb, a page with thousands of text boxes, a
parser loop) can only take its own worker down: the job ends as ``timeout`` or
``out-of-memory``, that worker is replaced, and the batch goes on. Workers are forked, so they
share the parent's loaded data (the gazetteer) without pickling it; jobs go to them and results
come back through a pipe. A worker takes one job after another (up to ``JOBS_PER_WORKER``), so
what it learnt from one file (stemmed words, names checked against the gazetteer) speeds up the
next; after a failure it is replaced, so no file is read by a worker in doubtful state.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from indexer.errors import BulletinsError, ExtractionError

J = TypeVar("J")
R = TypeVar("R")

DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 2048


@dataclass(frozen=True)
class Limits:
    """Per-file limits: wall-clock seconds and address space in MiB (0 = no memory limit)."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass(frozen=True)
class JobFailure:
    """Why a job produced no result: a reason (``timeout``, ``out-of-memory``, or the
    ExtractionError's) and a message for people."""

    reason: str
    message: str


@dataclass(frozen=True)
class Done(Generic[J, R]):
    job: J
    result: R | JobFailure
    seconds: float


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


JOBS_PER_WORKER = 100  # then a worker is replaced, so no slow leak can build up
# Reading a PDF allocates millions of short-lived objects; with Python's default thresholds
# (a collection every 700) the cyclic collector took 7-8 % of a worker's time. Every 100,000
# holds a few megabytes more at most.
GC_THRESHOLDS = (100_000, 10, 10)


@dataclass
class _Worker:
    process: Any
    channel: Connection
    jobs_done: int = 0
    job: Any = None
    started: float = field(default=0.0)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.channel.close()


def run_isolated(
    jobs: Iterable[J],
    work: Callable[[J], R],
    *,
    workers: int,
    limits: Limits,
    jobs_per_worker: int = JOBS_PER_WORKER,
) -> Iterator[Done[J, R]]:
    """Run ``work(job)`` for every job in at most ``workers`` worker processes at a time; yield
    each as it finishes (not in order)."""
    context = multiprocessing.get_context("fork")
    # Objects that exist now are left alone by the collector, in the parent and in the forked
    # workers, so a worker does not touch (and copy) every page of the parent's heap.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    pending = list(jobs)
    pending.reverse()
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}

    def spawn() -> _Worker:
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(
            target=_serve, args=(work, child_end, limits.memory_mb), daemon=True
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def assign() -> None:
        while pending and len(busy) < max(1, workers):
            worker = idle.pop() if idle else spawn()
            worker.job = pending.pop()
            worker.started = time.monotonic()
            try:
                worker.channel.send(worker.job)
            except (OSError, ValueError):  # it died while idle: a new one takes the job
                pending.append(worker.job)
                worker.stop()
                continue
            busy[worker.channel] = worker

    def finish(worker: _Worker, result: Any, now: float) -> Done[J, R]:
        worker.jobs_done += 1
        if isinstance(result, JobFailure) or worker.jobs_done >= jobs_per_worker:
            worker.stop()
        else:
            idle.append(worker)
        return Done(worker.job, result, round(now - worker.started, 3))

    try:
        while pending or busy:
            assign()
            now = time.monotonic()
            soonest = min(w.started + limits.seconds for w in busy.values())
            finished: list[Done[J, R]] = []
            for ready in wait(list(busy), timeout=max(0.0, soonest - now)):
                worker = busy.pop(cast(Connection, ready))
                result = _receive(worker)
                finished.append(finish(worker, result, time.monotonic()))
            now = time.monotonic()
            for channel, worker in list(busy.items()):
                if now - worker.started >= limits.seconds:
                    busy.pop(channel)
                    failure = JobFailure(
                        "timeout", f"stopped after {limits.seconds:g}s (the per-file time limit)"
                    )
                    finished.append(finish(worker, failure, now))
            assign()  # keep the workers busy while the caller indexes what came back
            yield from finished
    finally:
        for worker in [*busy.values(), *idle]:
            worker.stop()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _receive(worker: _Worker) -> Any:
    try:
        kind, payload = worker.channel.recv()
    except (EOFError, OSError):
        kind, payload = "died", None
    if kind == "ok":
        return payload
    if kind == "failed":
        reason, message = payload
        return JobFailure(reason, message)
    worker.process.join()
    code = worker.process.exitcode
    if code == -signal.SIGKILL:
        return JobFailure("out-of-memory", "the worker was killed (out of memory?)")
    return JobFailure("unreadable", f"the worker stopped unexpectedly (exit status {code})")


def _address_space() -> int:
    try:
        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        return int(pages) * resource.getpagesize()
    except OSError:
        return 0


def _serve(work: Callable[[Any], Any], channel: Connection, memory_mb: int) -> None:
    """A worker: run each job that comes, until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        try:
            job = channel.recv()
        except (EOFError, OSError):
            return
        if memory_mb > 0:  # each job may use this much on top of what the worker maps now
            limit = _address_space() + memory_mb * 1024 * 1024
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        message = _run(work, job, memory_mb)
        try:
            channel.send(message)
        except MemoryError:
            channel.send(("failed", ("out-of-memory", f"needed more than {memory_mb} MiB")))
        if message[0] != "ok":
            return  # the parent replaces a worker after a failure


def _run(work: Callable[[Any], Any], job: Any, memory_mb: int) -> tuple[str, Any]:
    try:
        return ("ok", work(job))
    except MemoryError:
        return ("failed", ("out-of-memory", f"needed more than {memory_mb} MiB"))
    except ExtractionError as exc:
        return ("failed", (exc.reason, str(exc)))
    except BulletinsError as exc:
        return ("failed", ("error", str(exc)))
    except RecursionError:
        return ("failed", ("corrupt", "damaged PDF (nesting too deep)"))
    except Exception as exc:  # any bug a PDF triggers is that file's failure
        return ("failed", ("unreadable", f"{type(exc).__name__}: {exc}"))
