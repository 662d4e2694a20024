"""Run one job per file in worker processes, each job under a time and a memory limit.

A hostile or pathological PDF (a decompression bomb, a page with thousands of text boxes, a
parser loop) can only take its own worker down: the job ends as ``timeout`` or
``out-of-memory``, that worker is replaced, and the batch goes on. Workers are forked, so they
share the parent's loaded data (the gazetteer) without pickling it; jobs go to them and results
come back through a pipe. A worker takes one job after another (up to ``JOBS_PER_WORKER``), so
what it learnt from one file (stemmed words, names checked against the gazetteer) speeds up the
next. It is replaced after any failure, and once it holds more memory than a job may take, so
no file is read by a worker in doubtful state; a reused worker that dies without a word has its
job run once more by a fresh one before the file is called failed.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from indexer.config import IndexingSettings
from indexer.errors import BulletinsError, ExtractionError
from indexer.processes import (
    check_stop,
    close_inherited,
    die_with_parent,
    ignore_stop_signals,
    stop_signals_blocked,
)

J = TypeVar("J")
R = TypeVar("R")

DEFAULT_SECONDS = IndexingSettings.job_seconds
DEFAULT_MEMORY_MB = IndexingSettings.job_memory_mb


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
_MIB = 1024 * 1024
_WAKE_SECONDS = 1.0
_FEED_SECONDS = 0.05


class JobFeed(Generic[J]):
    """Jobs for a ``run_isolated`` that is already running, put by another thread as each
    becomes ready; then closed, with an error to end the run with it. The run waits for
    more while the feed is open, with its workers kept for the jobs to come."""

    def __init__(self) -> None:
        self._items: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def put(self, job: J) -> None:
        self._items.put(("job", job))

    def put_done(self, done: Done[J, Any]) -> None:
        """A job with its outcome known already (it failed before it came here): the run
        gives it back as it comes, among the others."""
        self._items.put(("done", done))

    def close(self, error: BaseException | None = None) -> None:
        self._items.put(("end", error))

    def take(self, wait: float) -> tuple[list[J], list[Done[J, Any]], bool]:
        """The jobs and the outcomes put since the last call (waiting up to ``wait``
        seconds for one when none is there), and whether the feed is still open.

        :raise BaseException: the error the feed was closed with."""
        jobs: list[J] = []
        dones: list[Done[J, Any]] = []
        try:
            kind, value = self._items.get(timeout=wait) if wait > 0 else self._items.get_nowait()
            while kind != "end":
                (jobs if kind == "job" else dones).append(value)
                kind, value = self._items.get_nowait()
        except queue.Empty:
            return jobs, dones, True
        if value is not None:
            raise value
        return jobs, dones, False


@dataclass
class _Worker:
    process: Any
    channel: Connection
    jobs_done: int = 0
    job: Any = None  # (index, job) of the job it runs
    started: float = 0.0


@contextmanager
def _batch_collector() -> Iterator[None]:
    """While any batch runs: the objects that existed when the first began left alone by the
    cyclic collector, in the parent and in the forked workers (so a worker does not touch, and
    copy, every page of the parent's heap), and the collector run less often; as before once
    the last batch ends, whichever order they end in."""
    global _batches, _saved_thresholds
    with _batch_lock:
        if _batches == 0:
            _saved_thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
        _batches += 1
    try:
        yield
    finally:
        with _batch_lock:
            _batches -= 1
            if _batches == 0:
                gc.set_threshold(*_saved_thresholds)
                gc.unfreeze()


_batch_lock = threading.Lock()
_batches = 0  # batches running in this process
_saved_thresholds = gc.get_threshold()


def run_isolated(
    jobs: Iterable[J] | JobFeed[J],
    work: Callable[[J], R],
    *,
    workers: int,
    limits: Limits,
    jobs_per_worker: int = JOBS_PER_WORKER,
    start_method: str = "fork",
) -> Generator[Done[J, R], None, None]:
    """Run ``work(job)`` for every job in at most ``workers`` worker processes at a time; yield
    each as it finishes (not in order). Close the iterator (or use it to the end) to stop the
    workers. A reused worker that dies without a word (the kernel's out-of-memory killer picks
    the largest process, which may be a worker grown over many files) has its job run once
    more by a fresh worker before the job is called failed. ``start_method``: "forkserver"
    in a process with threads (a Celery worker's): a fork there may copy a lock another
    thread holds, and the worker then hangs on it. ``jobs`` may be a ``JobFeed``: the run
    then lasts until the feed is closed."""
    source = jobs if isinstance(jobs, JobFeed) else _closed_feed(jobs)
    with _batch_collector():
        yield from _run(source, work, max(1, workers), limits, jobs_per_worker, start_method)


def _closed_feed(jobs: Iterable[J]) -> JobFeed[J]:
    feed: JobFeed[J] = JobFeed()
    for job in jobs:
        feed.put(job)
    feed.close()
    return feed


def _run(
    feed: JobFeed[Any],
    work: Callable[[Any], Any],
    workers: int,
    limits: Limits,
    jobs_per_worker: int,
    start_method: str = "fork",
) -> Iterator[Done[Any, Any]]:
    context: Any = multiprocessing.get_context(start_method)
    # a forked worker's parent is this process; a forkserver's child's, the server
    parent = os.getpid() if start_method == "fork" else 0
    pending: deque[tuple[int, Any]] = deque()  # (a number for each job, the job)
    numbers = itertools.count()
    feeding = True  # (until the feed is closed)
    retried: set[int] = set()
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    alive: dict[int, _Worker] = {}  # every worker not yet stopped, whatever it is doing

    def spawn() -> _Worker:
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(
            target=_serve, args=(work, child_end, limits.memory_mb, parent), daemon=True
        )
        with stop_signals_blocked():  # the child unblocks them once it ignores them
            process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        alive[id(worker)] = worker
        return worker

    def stop(worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.channel.close()
        alive.pop(id(worker), None)  # last: a stop that cuts this short leaves it listed

    def refill(finished: list[Done[Any, Any]]) -> bool:
        """Take the jobs fed since (waiting a while for one when there is nothing to do),
        and the outcomes into ``finished``; whether more may come."""
        jobs, dones, still_open = feed.take(0.0 if pending or busy else _WAKE_SECONDS)
        pending.extend(zip(numbers, jobs, strict=False))
        finished += dones
        return still_open

    def assign() -> list[Done[Any, Any]]:
        unsent: list[Done[Any, Any]] = []
        while pending and len(busy) < workers:
            index, job = pending.popleft()
            try:
                payload = ForkingPickler.dumps(job)
            except Exception as exc:  # any pickling failure is this job's alone
                failure = JobFailure("error", f"the job cannot be sent to a worker: {exc}")
                unsent.append(Done(job, failure, 0.0))
                continue
            worker = idle.pop() if idle else spawn()
            try:
                worker.channel.send_bytes(payload)
            except OSError:  # it died while idle: a fresh one takes the job
                stop(worker)
                worker = spawn()
                worker.channel.send_bytes(payload)
            worker.job = (index, job)
            worker.started = time.monotonic()
            busy[worker.channel] = worker
        return unsent

    def finish(worker: _Worker, result: Any, retire: bool, now: float) -> Done[Any, Any] | None:
        index, job = worker.job
        reused = worker.jobs_done > 0
        worker.jobs_done += 1
        if isinstance(result, JobFailure) or retire or worker.jobs_done >= jobs_per_worker:
            stop(worker)
        else:
            idle.append(worker)
        if isinstance(result, _Died) and reused and index not in retried:
            retried.add(index)
            pending.appendleft((index, job))  # next, on a fresh worker
            return None
        if isinstance(result, _Died):
            result = result.failure
        return Done(job, result, round(now - worker.started, 3))

    try:
        while pending or busy or feeding:
            check_stop()  # a stop whose exception Python had to drop (raised in a finaliser)
            finished: list[Done[Any, Any]] = []
            if feeding:
                feeding = refill(finished)
            finished += assign()
            now = time.monotonic()
            soonest = min((w.started + limits.seconds for w in busy.values()), default=now)
            # (at least once a second, so a stop is acted on however long the files take)
            timeout = min(_WAKE_SECONDS, max(0.0, soonest - now))
            if feeding and len(busy) < workers:  # (a worker is free for a job still to come)
                timeout = min(timeout, _FEED_SECONDS)
            for ready in wait(list(busy), timeout=timeout) if busy else ():
                worker = busy.pop(cast(Connection, ready))
                result, retire = _receive(worker)
                done = finish(worker, result, retire, time.monotonic())
                if done is not None:
                    finished.append(done)
            now = time.monotonic()
            for channel, worker in list(busy.items()):
                if now - worker.started >= limits.seconds:
                    busy.pop(channel)
                    failure = JobFailure(
                        "timeout", f"stopped after {limits.seconds:g}s (the per-file time limit)"
                    )
                    done = finish(worker, failure, True, now)
                    if done is not None:
                        finished.append(done)
            finished += assign()  # keep the workers busy while the caller indexes what came back
            yield from finished
    finally:
        with stop_signals_blocked():  # a second Ctrl+C must not leave a worker running
            for worker in list(alive.values()):
                stop(worker)


@dataclass(frozen=True)
class _Died:
    """A worker that stopped without reporting, and what its job is called if it stays so."""

    failure: JobFailure


def _receive(worker: _Worker) -> tuple[Any, bool]:
    """(the job's result, JobFailure or _Died; whether the worker asks to be replaced)."""
    try:
        kind, payload, retire = worker.channel.recv()
    except (EOFError, OSError):
        kind, payload, retire = "died", None, True
    if kind == "ok":
        return payload, retire
    if kind == "failed":
        reason, message = payload
        return JobFailure(reason, message), True
    worker.process.join()
    code = worker.process.exitcode
    if code == -signal.SIGKILL:
        return _Died(JobFailure("out-of-memory", "the worker was killed (out of memory?)")), True
    failure = JobFailure("unreadable", f"the worker stopped unexpectedly (exit status {code})")
    return _Died(failure), True


def _address_space() -> int:
    try:
        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        return int(pages) * resource.getpagesize()
    except OSError:
        return 0


def _serve(work: Callable[[Any], Any], channel: Connection, memory_mb: int, parent: int) -> None:
    """A worker: run each job that comes, until the parent closes the pipe. Each job may use
    ``memory_mb`` on top of what the worker holds when it starts; a worker that has come to
    hold ``memory_mb`` more than when it began asks to be replaced.

    It never outlives its parent: the kernel kills it when the parent dies (``kill -9``
    included), and it holds no descriptor it inherited but its own pipe's end, so neither the
    index's lock nor the caller's output stays open through it, and the parent closing its
    end of the pipe is an end of file here."""
    ignore_stop_signals()  # Ctrl+C is the parent's to handle
    die_with_parent(parent or os.getppid())
    # (a forked worker has these from its parent's batch; one a forkserver starts must be told)
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()  # what the worker starts with (the readers' modules) is never garbage
    _detach_output()
    close_inherited({channel.fileno()})
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    baseline = _address_space()
    while True:
        try:
            job = channel.recv()
        except (EOFError, OSError):
            return
        if memory_mb > 0:
            limit = _address_space() + memory_mb * _MIB
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        message = _run_job(work, job, memory_mb)
        if memory_mb > 0:  # the limit is the job's: not for sending, nor for waiting
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        retire = memory_mb > 0 and _address_space() > baseline + memory_mb * _MIB
        try:
            channel.send((*message, retire))
        except MemoryError:
            failure = ("out-of-memory", f"needed more than {memory_mb} MiB")
            channel.send(("failed", failure, True))
        if message[0] != "ok" or retire:
            return  # the parent replaces this worker


def _detach_output() -> None:
    """Point standard input, output and error at /dev/null: a worker reports through its
    pipe, and must not hold the caller's terminal, log file or pipe open."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(null, descriptor)
        if null > 2:
            os.close(null)


def _run_job(work: Callable[[Any], Any], job: Any, memory_mb: int) -> tuple[str, Any]:
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
