"""Run one job per file in worker processes, each under a time and a memory limit.

A hostile or pathological PDF (a decompression bomb, a page with thousands of text boxes, a
parser loop) can only take its own worker down: the job ends as ``timeout`` or
``out-of-memory`` and the batch goes on. Workers are forked, so they share the parent's
loaded data (the gazetteer) without pickling it; results come back through a pipe.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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


def run_isolated(
    jobs: Iterable[J], work: Callable[[J], R], *, workers: int, limits: Limits
) -> Iterator[Done[J, R]]:
    """Run ``work(job)`` for every job, at most ``workers`` at a time, each in its own process;
    yield each as it finishes (not in order)."""
    context = multiprocessing.get_context("fork")
    # Objects that exist now are left alone by the collector, in the parent and in the forked
    # workers, so a worker does not touch (and copy) every page of the parent's heap.
    gc.freeze()
    pending = list(jobs)
    pending.reverse()
    running: dict[Connection, tuple[J, Any, float]] = {}

    def start(job: J) -> None:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(work, job, sender, limits.memory_mb), daemon=True
        )
        process.start()
        sender.close()
        running[receiver] = (job, process, time.monotonic())

    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                start(pending.pop())
            now = time.monotonic()
            soonest = min(started + limits.seconds for _, _, started in running.values())
            finished: list[Done[J, R]] = []
            for ready in wait(list(running), timeout=max(0.0, soonest - now)):
                receiver = cast(Connection, ready)
                job, process, started = running.pop(receiver)
                result = _receive(receiver, process)
                finished.append(Done(job, result, round(time.monotonic() - started, 3)))
            now = time.monotonic()
            for receiver, (job, process, started) in list(running.items()):
                if now - started >= limits.seconds:
                    running.pop(receiver)
                    process.kill()
                    process.join()
                    receiver.close()
                    failure = JobFailure(
                        "timeout", f"stopped after {limits.seconds:g}s (the per-file time limit)"
                    )
                    finished.append(Done(job, failure, round(now - started, 3)))
            # keep the workers busy while the caller indexes what came back
            while pending and len(running) < max(1, workers):
                start(pending.pop())
            yield from finished
    finally:
        for receiver, (_, process, _) in running.items():
            process.kill()
            process.join()
            receiver.close()
        gc.unfreeze()


def _receive(receiver: Connection, process: Any) -> Any:
    try:
        kind, payload = receiver.recv()
    except (EOFError, OSError):
        kind, payload = "died", None
    finally:
        receiver.close()
    process.join()
    if kind == "ok":
        return payload
    if kind == "failed":
        reason, message = payload
        return JobFailure(reason, message)
    code = process.exitcode
    if code == -signal.SIGKILL:
        return JobFailure("out-of-memory", "the worker was killed (out of memory?)")
    return JobFailure("unreadable", f"the worker stopped unexpectedly (exit status {code})")


def _address_space() -> int:
    try:
        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        return int(pages) * resource.getpagesize()
    except OSError:
        return 0


def _child(work: Callable[[Any], Any], job: Any, sender: Connection, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    if memory_mb > 0:  # on top of what the fork already maps
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        message: tuple[str, Any] = ("ok", work(job))
    except MemoryError:
        message = ("failed", ("out-of-memory", f"needed more than {memory_mb} MiB"))
    except ExtractionError as exc:
        message = ("failed", (exc.reason, str(exc)))
    except BulletinsError as exc:
        message = ("failed", ("error", str(exc)))
    except RecursionError:
        message = ("failed", ("corrupt", "damaged PDF (nesting too deep)"))
    except Exception as exc:  # any bug a PDF triggers is that file's failure
        message = ("failed", ("unreadable", f"{type(exc).__name__}: {exc}"))
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("failed", ("out-of-memory", f"needed more than {memory_mb} MiB")))
    finally:
        sender.close()
