"""Reading PDFs on several machines: Celery workers, a Redis broker, shared storage.

``bulletins worker --broker redis://HOST:PORT/N`` starts a Celery worker that reads the PDFs a
coordinator sends; ``bulletins index --broker ...`` is that coordinator: it plans the run as
always, sends the files that must be read (not in its extraction cache) to the queue, takes
each extraction back into its cache (under the hash of the bytes the worker read, checked),
then splits, tags and writes the generation in its one process as a local run does, finding
every extraction in the cache. A file a worker could not read gets its outcome from the worker
(the same reasons as a local run: timeout, out-of-memory, corrupt, ...).

On a worker each file is read as a local run reads it: in a process of its own under the
time and memory limits the coordinator sends (``indexer.workers``), so a hostile PDF takes
down that process, not the worker. A worker killed mid-file (its machine lost, ``kill -9``)
leaves the job unacknowledged (Celery's late acknowledgement): the coordinator, which asks the
live workers what they are reading every few seconds, sends a job no live worker holds again,
once; a job that a worker holds past its time limit and a margin is called ``timeout``.

Jobs and results travel as JSON through Redis; a result carries the extraction as the cache
keeps it (a pickle), which the coordinator loads: the broker must be one only the project's
machines can reach (a private network, a password in the URL), as for any Celery deployment.
"""

from __future__ import annotations

import base64
import contextlib
import multiprocessing
import pickle
import socket
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from indexer.errors import BrokerError
from indexer.extract import read_source
from indexer.models import ExtractedPdf
from indexer.workers import Done, JobFailure, Limits, run_isolated

QUEUE = "bulletins"
TASK = "bulletins.extract"
MARGIN_SECONDS = 60.0  # a job's time limit, plus this, before the coordinator gives up on it
LOST_CHECK_SECONDS = 5.0  # how often the jobs being read are checked against the live workers
POLL_SECONDS = 0.2


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
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=False,
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        task_track_started=True,  # (so a job being read is told from one still queued)
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
    entries: ``{"sha256", "entries": {name: bytes}, "worker"}``, or ``{"failure": [reason,
    message]}``."""
    limits = Limits(seconds, memory_mb)
    job = (path, ocr)
    isolated = run_isolated(
        [job], _extract_entries, workers=1, limits=limits, start_method="forkserver"
    )
    for done in isolated:
        if isinstance(done.result, JobFailure):
            reason, message = done.result.reason, done.result.message
            if reason in ("removed", "unreadable"):  # (the shared folder not mounted there?)
                message = f"the worker on {_name()} cannot open {path}: {message}"
            return {"failure": [reason, message], "worker": _name()}
        return {**done.result, "worker": _name()}
    raise RuntimeError("no result")  # (run_isolated gives one per job)


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
    return {"sha256": source.sha256, "entries": entries}


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
) -> Iterator[Done[Any, Any]]:
    """Send the jobs whose extraction is not in ``cache`` (every one with ``fresh``) to the
    cluster and take each extraction back into ``cache``; yield a ``Done`` with a
    ``JobFailure`` for each job a worker could not read or that never came back. Jobs are
    ``indexer.pipeline.plan.Job``s.

    :raise BrokerError: if the broker cannot be reached, or is lost while waiting.
    """
    from indexer.pipeline.cache import cache_entry

    app = celery_app(broker)
    check_broker(app, broker)
    wanted = [j for j in jobs if fresh or not cache_entry(cache, j.sha256).exists()]
    sent: dict[str, tuple[Any, Any, float]] = {}
    try:
        arguments = {
            job.relative: (str(job.path), job.relative, ocr, limits.seconds, limits.memory_mb)
            for job in wanted
        }
        for job in wanted:
            result = app.send_task(TASK, args=arguments[job.relative], queue=QUEUE)
            sent[result.id] = (job, result, time.monotonic())
        yield from _collect(app, sent, cache, limits, arguments)
    except BrokerError:
        raise
    except (OSError, ConnectionError) as exc:
        raise BrokerError(f"lost the broker at {_shown(broker)}: {exc}") from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("kombu", "redis", "celery")):
            raise BrokerError(f"lost the broker at {_shown(broker)}: {exc}") from exc
        raise
    finally:
        with contextlib.suppress(Exception):  # a stop: the jobs not begun are not wanted
            pending = [i for i, (_, r, _) in sent.items() if not r.ready()]
            if pending:
                app.control.revoke(pending)


def _collect(
    app: Any,
    sent: dict[str, tuple[Any, Any, float]],
    cache: Path,
    limits: Limits,
    arguments: dict[str, tuple[Any, ...]],
) -> Iterator[Done[Any, Any]]:
    from indexer.processes import check_stop

    waiting = dict(sent)
    patience = limits.seconds + MARGIN_SECONDS
    began: dict[str, float] = {}  # when each job was first seen being read
    resent: set[str] = set()  # the jobs (by file) sent again after their worker was lost
    checked = time.monotonic()
    while waiting:
        check_stop()
        for task_id, (job, result, since) in list(waiting.items()):
            over, failure = _over(result, cache, job, began, task_id, patience)
            if over:
                del waiting[task_id]
            if failure is not None:
                yield Done(job, failure, time.monotonic() - since)
        if time.monotonic() - checked > LOST_CHECK_SECONDS:
            checked = time.monotonic()
            yield from _send_again(app, waiting, began, resent, arguments)
        time.sleep(POLL_SECONDS)


def _send_again(
    app: Any,
    waiting: dict[str, tuple[Any, Any, float]],
    began: dict[str, float],
    resent: set[str],
    arguments: dict[str, tuple[Any, ...]],
) -> Iterator[Done[Any, Any]]:
    """The jobs being read by no live worker (their worker killed, its machine lost): each
    sent again once, to another worker; a job whose second worker is lost too fails."""
    started = [
        t for t in waiting if t in began and time.monotonic() - began[t] > LOST_CHECK_SECONDS
    ]
    if not started:
        return
    replies = app.control.inspect(timeout=1.0).active() or {}
    alive = {task["id"] for tasks in replies.values() for task in tasks}
    for task_id in started:
        if task_id in alive or waiting[task_id][1].ready():
            continue
        job, _, since = waiting.pop(task_id)
        began.pop(task_id, None)
        app.control.revoke(task_id)  # (its message, handed out again later, is dropped)
        if job.relative in resent:
            message = "the workers reading it were lost twice (killed, or their machines)"
            yield Done(job, JobFailure("error", message), time.monotonic() - since)
            continue
        resent.add(job.relative)
        again = app.send_task(TASK, args=arguments[job.relative], queue=QUEUE)
        waiting[again.id] = (job, again, since)


def _over(
    result: Any, cache: Path, job: Any, began: dict[str, float], task_id: str, patience: float
) -> tuple[bool, JobFailure | None]:
    """Is a job's wait over, and with what failure: its result taken into ``cache``, or a
    worker that started it and went silent for longer than ``patience`` (``timeout``)."""
    now = time.monotonic()
    if result.ready():
        return True, _taken(job, result.get(propagate=False), cache)
    if result.state == "STARTED" and now - began.setdefault(task_id, now) > patience:
        message = f"no worker returned it within {patience:.0f} s of starting it"
        return True, JobFailure("timeout", message)
    return False, None


def _taken(job: Any, answer: Any, cache: Path) -> JobFailure | None:
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
    args = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", QUEUE]
    # each job is read in a process of its own (indexer.workers): threads only wait for them
    args += ["--pool=threads", "--without-gossip", "--without-mingle"]
    if name:
        args.append(f"--hostname={name}")
    app.worker_main(args)
