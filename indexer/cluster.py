"""Reading PDFs on several machines: Celery workers, a Redis broker, shared storage.

``bulletins worker --broker redis://HOST:PORT/N`` starts a Celery worker that reads the PDFs a
coordinator sends; ``bulletins index --broker ...`` is that coordinator: it plans the run as
always, sends the files that must be read (not in its extraction cache) to the queue, takes
each extraction back into its cache (under the hash of the bytes the worker read, checked),
and hands that file at once to its own worker processes, which split and tag it from the cache
while the cluster reads the rest (``indexer.pipeline.run``); it writes the generation in its
one process as a local run does. A file a worker could not read gets its outcome from the
worker (the same reasons as a local run: timeout, out-of-memory, corrupt, ...).

On a worker each file is read as a local run reads it: in a process of its own under the
time and memory limits the coordinator sends (``indexer.workers``), so a hostile PDF takes
down that process, not the worker; each slot keeps its process from one file to the next, as
a local run keeps its workers. A worker killed mid-file (its machine lost, ``kill -9``)
leaves the job unacknowledged (Celery's late acknowledgement): the coordinator, which asks the
live workers what they are reading every few seconds, sends a job no live worker holds again,
once; a job that a worker holds past its time limit and a margin is called ``timeout``. The
coordinator learns of results by one read of all their states every 0.2 s (one round trip to
Redis however many jobs are out), and deletes each result once taken.

Jobs and results travel as JSON through Redis; a result carries the extraction as the cache
keeps it (a pickle), which the coordinator loads: the broker must be one only the project's
machines can reach (a private network, a password in the URL), as for any Celery deployment.
"""

from __future__ import annotations

import base64
import contextlib
import multiprocessing
import os
import pickle
import socket
import tempfile
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.config import IndexingSettings
from indexer.errors import BrokerError
from indexer.extract import read_source
from indexer.models import ExtractedPdf
from indexer.workers import Done, JobFailure, JobFeed, Limits, run_isolated

QUEUE = "bulletins"
TASK = "bulletins.extract"
MARGIN_SECONDS = 60.0  # a job's time limit, plus this, before the coordinator gives up on it
LOST_CHECK_SECONDS = 5.0  # how often the jobs being read are checked against the live workers
POLL_SECONDS = 0.2
POLL_WINDOW = 1000  # the jobs sent first, whose states each poll reads
FULL_POLL = 25  # every so many polls, the states of every job out are read
INSPECT_SECONDS = 0.5  # how long the workers have to say what they are reading
WORKER_WAIT_SECONDS = IndexingSettings.worker_wait_seconds
_READY = frozenset({"SUCCESS", "FAILURE", "REVOKED"})  # (celery.states.READY_STATES)


def celery_app(broker: str) -> Any:
    """The Celery application of coordinator and workers: the broker is also where results
    wait; jobs are acknowledged when done, so a worker lost mid-job has it redelivered."""
    try:
        from celery import Celery
    except ImportError as exc:  # pragma: no cover - an optional dependency
        raise BrokerError(
            "reading on a cluster needs Celery and the Redis client: "
            "pip install -e '.[cluster]' in the project folder (or: pip install celery redis)"
        ) from exc
    app = Celery("bulletins", broker=broker, backend=broker)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_acks_late=True,  # a job is acknowledged once done: a lost worker's is redelivered
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one job at a time
        task_default_queue=QUEUE,
        result_expires=3600,  # (taken within a poll; one left by a killed coordinator goes)
        broker_connection_retry_on_startup=False,
        broker_connection_max_retries=None,  # a worker waits for a lost broker to come back
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        task_track_started=True,  # (so a job being read is told from one still queued)
        # (its own: workers of other Celery apps on the same Redis neither answer nor listen)
        control_exchange=QUEUE,
    )
    app.task(name=TASK, bind=True)(_extract_task)
    return app


def check_broker(app: Any, broker: str) -> None:
    """:raise BrokerError: if the broker cannot be reached now."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # kombu raises the transport's own errors
        raise BrokerError(f"cannot reach the broker at {_shown(broker)}: {exc}") from exc


def _shown(broker: str) -> str:
    """The broker's URL without its password."""
    scheme, _, rest = broker.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else broker


# -- the worker's side ----------------------------------------------------------------------


def _extract_task(
    task: Any, path: str, relative: str, ocr: bool, seconds: float, memory_mb: int
) -> dict[str, Any]:
    """Read one PDF as a local run does, in a process of its own under the limits; its
    extractions (the text layer's, and with ``ocr`` Tesseract's when needed) as cache
    entries: ``{"reader" (the pid of the process that read it), "sha256", "entries": {name:
    bytes}, "worker"}``, or ``{"failure": [reason, message], "worker"}``."""
    done = _read_isolated((path, ocr), Limits(seconds, memory_mb))
    if isinstance(done.result, JobFailure):
        reason, message = done.result.reason, done.result.message
        if reason in ("removed", "unreadable"):  # (the shared folder not mounted there?)
            message = f"the worker on {_name()} cannot open {path}: {message}"
        return {"failure": [reason, message], "worker": _name()}
    return {**done.result, "worker": _name()}


@dataclass
class _Slot:
    """One of a worker's slots (a thread of its pool): the process that reads its jobs,
    kept from one job to the next as a local run keeps its workers (replaced after a
    failure, after 100 jobs, or when it has grown by the memory limit)."""

    limits: Limits
    feed: JobFeed[tuple[str, bool]]
    results: Generator[Done[tuple[str, bool], Any], None, None]


_slots = threading.local()


def _read_isolated(job: tuple[str, bool], limits: Limits) -> Done[tuple[str, bool], Any]:
    """``job`` read by this slot's process, under ``limits``."""
    slot: _Slot | None = getattr(_slots, "slot", None)
    if slot is None or slot.limits != limits:
        if slot is not None:
            slot.results.close()
        feed: JobFeed[tuple[str, bool]] = JobFeed()
        results = run_isolated(
            feed, _extract_entries, workers=1, limits=limits, start_method="forkserver"
        )
        slot = _slots.slot = _Slot(limits, feed, results)
    slot.feed.put(job)
    try:
        return next(slot.results)  # (one job at a time: this one's)
    except BaseException:
        _slots.slot = None
        slot.results.close()
        raise


def _extract_entries(job: tuple[str, bool]) -> dict[str, Any]:
    from indexer.pipeline.cache import cache_entry
    from indexer.pipeline.run import extracted_for

    path, ocr = job
    source = read_source(path)
    with tempfile.TemporaryDirectory(prefix="bulletins-") as folder:
        cache = Path(folder)
        extracted_for(source, cache, ocr=ocr, fresh=True)
        names = [cache_entry(cache, source.sha256).name]
        if ocr:
            names.append(cache_entry(cache, source.sha256, ocr=True).name)
        entries = {
            n: base64.b64encode((cache / n).read_bytes()).decode()
            for n in names
            if (cache / n).exists()
        }
    # (the process that read it first: the worker's log shows which read what)
    return {"reader": os.getpid(), "sha256": source.sha256, "entries": entries}


PRELOADED = ["indexer.extract", "indexer.ocr", "indexer.pipeline.run", "indexer.cluster"]


def preload() -> None:
    """Have the forkserver (which starts each PDF's process: see ``run_isolated``) import the
    readers once, so each process starts in milliseconds, not the second imports take."""
    multiprocessing.set_forkserver_preload(PRELOADED)


def _name() -> str:
    return socket.gethostname()


# -- the coordinator's side -----------------------------------------------------------------


def extract_on_cluster(
    broker: str,
    jobs: Sequence[Any],
    cache: Path,
    *,
    ocr: bool,
    limits: Limits,
    fresh: bool,
    worker_wait: float = WORKER_WAIT_SECONDS,
    stop: threading.Event | None = None,
) -> Iterator[Done[Any, JobFailure | None]]:
    """Send the jobs whose extraction is not in ``cache`` (every one with ``fresh``) to the
    cluster and take each extraction back into ``cache``; yield a ``Done`` for every job as
    it is ready: ``None`` when its extraction is in the cache (there already, or taken back
    now), a ``JobFailure`` when a worker could not read it or it never came back. Jobs are
    ``indexer.pipeline.plan.Job``s. Setting ``stop`` ends the wait (the jobs not read yet are
    withdrawn).

    :raise BrokerError: if the broker cannot be reached, is lost while waiting, or no worker
        has answered for ``worker_wait`` seconds.
    """
    from indexer.pipeline.cache import cache_entry

    app = celery_app(broker)
    wanted = [job for job in jobs if fresh or not cache_entry(cache, job.sha256).exists()]
    if wanted:  # (a run with nothing to read does not need the broker)
        check_broker(app, broker)
    sent = {job.relative for job in wanted}
    for job in jobs:
        if job.relative not in sent:
            yield Done(job, None, 0.0)
    run = _Run(app, cache, limits, ocr, worker_wait)
    try:
        for job in wanted:
            if stop is not None and stop.is_set():
                break
            run.send(job, time.monotonic())
        while run.waiting and not (stop is not None and stop.is_set()):
            yield from run.poll()
            time.sleep(POLL_SECONDS)
    except BrokerError:
        raise
    except Exception as exc:  # kombu and redis raise their own errors, or OSError's
        if isinstance(exc, OSError) or type(exc).__module__.startswith(_BROKER_MODULES):
            raise BrokerError(f"lost the broker at {_shown(broker)}: {exc}") from exc
        raise
    finally:
        with contextlib.suppress(Exception):  # a stop: the jobs not read yet are not wanted
            if run.waiting:
                app.control.revoke(list(run.waiting))


_BROKER_MODULES = ("kombu", "redis", "celery")


@dataclass
class _Sent:
    job: Any
    since: float  # when it was first sent
    began: float | None = None  # when it was first seen being read


class _Run:
    """The jobs sent and not back yet: what the result backend says of them (one round trip
    a poll), and, every few seconds, what the live workers are reading."""

    def __init__(self, app: Any, cache: Path, limits: Limits, ocr: bool, worker_wait: float):
        self.app = app
        self.cache = cache
        self.limits = limits
        self.ocr = ocr
        self.worker_wait = worker_wait
        self.patience = limits.seconds + MARGIN_SECONDS
        self.waiting: dict[str, _Sent] = {}
        self.resent: set[str] = set()  # the jobs (by file) sent again after their worker was lost
        self.checked = time.monotonic()
        self.answered = time.monotonic()  # when a worker last answered
        self.idle_checks = 0  # checks in a row that found every worker idle
        self.polls = 0

    def send(self, job: Any, since: float) -> None:
        limits = self.limits
        arguments = (str(job.path), job.relative, self.ocr, limits.seconds, limits.memory_mb)
        try:
            result = self.app.send_task(TASK, args=arguments, queue=QUEUE)
        except Exception as exc:  # (Celery's own RuntimeError once its retries are spent)
            raise BrokerError(f"cannot send a job to the broker: {exc}") from exc
        self.waiting[result.id] = _Sent(job, since)

    def drop(self, task_id: str) -> _Sent:
        """No longer wait for ``task_id``; its result, if one comes, is not kept."""
        self.app.backend.forget(task_id)  # (a result is big: the broker's memory)
        return self.waiting.pop(task_id)

    def poll(self) -> Iterator[Done[Any, JobFailure | None]]:
        """The jobs back or given up since the last poll: those sent first (jobs are read
        about in the order sent), every one each ``FULL_POLL``-th time."""
        now = time.monotonic()
        self.polls += 1
        ids = list(self.waiting)
        if self.polls % FULL_POLL:
            ids = ids[:POLL_WINDOW]
        for task_id, meta in zip(ids, _metas(self.app, ids), strict=True):
            sent = self.waiting[task_id]
            status = meta["status"] if meta else "PENDING"
            if meta is not None and status in _READY:
                self.drop(task_id)
                yield Done(sent.job, _taken(meta.get("result"), self.cache), now - sent.since)
            elif status == "STARTED" and now - (sent.began or now) > self.patience:
                self.drop(task_id)
                message = f"no worker returned it within {self.patience:.0f} s of starting it"
                yield Done(sent.job, JobFailure("timeout", message), now - sent.since)
            elif status == "STARTED" and sent.began is None:
                sent.began = now
        if now - self.checked > LOST_CHECK_SECONDS:
            self.checked = now
            yield from self._check_workers(now)

    def _check_workers(self, now: float) -> Iterator[Done[Any, JobFailure | None]]:
        """Send again, once, each job no live worker holds though one began it (its worker
        killed, its machine lost), or that no worker took while all were idle twice in a row
        (a worker lost as it took it); a job lost twice fails.

        :raise BrokerError: when no worker has answered for ``worker_wait`` seconds."""
        replies = self.app.control.inspect(timeout=INSPECT_SECONDS).active() or {}
        if not replies:
            self.idle_checks = 0
            if now - self.answered > self.worker_wait:
                raise BrokerError(
                    f"no worker has answered for {self.worker_wait:.0f} s: start one with "
                    "`bulletins worker --broker URL` on a machine that sees the corpus"
                )
            return
        self.answered = now
        alive = {task["id"] for tasks in replies.values() for task in tasks}
        self.idle_checks = 0 if alive else self.idle_checks + 1
        lost = [
            task_id
            for task_id, sent in self.waiting.items()
            if task_id not in alive
            and (
                (sent.began is not None and now - sent.began > LOST_CHECK_SECONDS)
                or (sent.began is None and self.idle_checks >= 2)
            )
        ]
        metas = dict(zip(lost, _metas(self.app, lost), strict=True))
        for task_id in lost:
            meta = metas[task_id]
            if meta is not None and meta["status"] in _READY:
                continue  # (it came back just now: the next poll takes it)
            sent = self.drop(task_id)
            self.app.control.revoke(task_id)  # (its message, handed out again later, is dropped)
            if sent.job.relative in self.resent:
                message = "the workers reading it were lost twice (killed, or their machines)"
                yield Done(sent.job, JobFailure("error", message), now - sent.since)
                continue
            self.resent.add(sent.job.relative)
            self.send(sent.job, sent.since)
        if lost:
            self.idle_checks = 0  # (two more idle checks before the next are sent again)


def _metas(app: Any, task_ids: list[str]) -> list[dict[str, Any] | None]:
    """What the result backend holds for each task (None: nothing yet), in one round trip."""
    if not task_ids:
        return []
    backend = app.backend
    values = backend.mget([backend.get_key_for_task(task_id) for task_id in task_ids])
    return [backend.decode_result(value) if value else None for value in values]


def _taken(answer: Any, cache: Path) -> JobFailure | None:
    """Put a worker's answer for ``job`` into ``cache``; the failure it reports, if any."""
    if isinstance(answer, BaseException) or not isinstance(answer, dict):
        return JobFailure("error", f"the worker failed: {answer}")
    if "failure" in answer:
        reason, message = answer["failure"]
        return JobFailure(str(reason), str(message))
    sha256 = str(answer["sha256"])
    for name, encoded in dict(answer["entries"]).items():
        if not name.startswith(f"{sha256}-") or "/" in name:
            return JobFailure("error", f"the worker sent an entry not of its bytes: {name}")
        try:
            data = base64.b64decode(encoded)
            extracted = pickle.loads(data)
        except Exception:
            return JobFailure("error", "the worker sent an extraction that cannot be read")
        if not isinstance(extracted, ExtractedPdf):
            return JobFailure("error", "the worker sent something else than an extraction")
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f"{name}.coordinator.tmp"
        temporary.write_bytes(data)
        temporary.replace(cache / name)
    return None


def run_worker(broker: str, concurrency: int, name: str | None = None) -> None:
    """A Celery worker for the cluster (blocking); Ctrl+C or SIGTERM stop it."""
    app = celery_app(broker)
    check_broker(app, broker)
    preload()
    from multiprocessing import forkserver

    forkserver.ensure_running()  # (now, with the readers imported: not at the first job)
    args = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", QUEUE]
    # each job is read in a process of its own (indexer.workers): threads only wait for them
    args += ["--pool=threads", "--without-gossip", "--without-mingle"]
    if name:
        args.append(f"--hostname={name}")
    app.worker_main(args)


def __getattr__(name: str) -> Any:
    """``celery -A indexer.cluster inspect active`` (the broker from ``$BULLETINS_BROKER``):
    Celery's own commands, on the cluster's application (its control exchange)."""
    if name in ("app", "celery"):
        return celery_app(os.environ.get("BULLETINS_BROKER", "redis://localhost:6379/0"))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
