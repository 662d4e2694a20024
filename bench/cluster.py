"""The cluster section of ``python -m bench``: reading the ingest corpus on a Celery cluster
on this machine (a Redis server and 1 or 2 ``bulletins worker`` processes, one PDF at a time
each) against local worker processes.

Two stages are timed apart, because on one machine they share its cores: the **read stage**
(every PDF read into an empty extraction cache: what the workers do, and what more machines
multiply) and the **coordinator's stage** (splitting, tagging and writing the generation from
a full cache: what stays on one machine); and the whole run, both overlapped as a run does.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Row, Scale, free_port
from bench.pdfs import render_corpus
from indexer.config import Settings
from indexer.extract import read_source
from indexer.index import CACHE_DIR
from indexer.pipeline import BuildOptions, build_index
from indexer.pipeline.run import extracted_for
from indexer.workers import Limits, run_isolated

SECTION = "cluster"


@dataclass(frozen=True)
class _ReadJob:  # (what indexer.cluster needs of a plan's job)
    path: Path
    relative: str
    sha256: str


def cluster_ingest(work: Path, scale: Scale, seed: int, log: Callable[[str], None]) -> list[Row]:
    """Read stage, coordinator's stage and whole runs, local against Celery; pages/s."""
    redis = shutil.which("redis-server")
    if redis is None:
        log("cluster: redis-server is not installed (apt-get install redis-server); skipped")
        return []
    corpus = render_corpus(work / "ingest-corpus", scale.editions, seed, scale.pages)
    pages = scale.editions * scale.pages
    paths = sorted(corpus.rglob("*.pdf"))
    read: dict[tuple[str, int], float] = {}  # ("local" or "Celery", worker processes): s
    whole: dict[tuple[str, int], float] = {}
    with _redis(redis) as broker:
        for count in (1, 2):
            read["local", count] = _timed(functools.partial(_read_locally, paths, work, count))
            whole["local", count] = _timed(functools.partial(_build, work, corpus, None, count))
            log(f"cluster bench: local, {count}: read {read['local', count]:.1f} s")
        for count in (1, 2):
            with _workers(broker, work, count):
                read["Celery", count] = _timed(
                    functools.partial(_read_on_cluster, paths, work, broker)
                )
                whole["Celery", count] = _timed(functools.partial(_build, work, corpus, broker, 1))
            log(f"cluster bench: Celery, {count}: read {read['Celery', count]:.1f} s")
    cpu = time.process_time()  # (this process's: the coordinator's own, its workers apart)
    coordinator = _timed(functools.partial(_build, work, corpus, None, 2, keep_cache=True))
    return _rows(read, whole, (coordinator, time.process_time() - cpu), pages)


def _rows(
    read: dict[tuple[str, int], float],
    whole: dict[tuple[str, int], float],
    coordinator: tuple[float, float],  # the stage's seconds, and its one process's CPU seconds
    pages: int,
) -> list[Row]:
    def named(key: tuple[str, int]) -> str:
        return f"{key[0]}, {key[1]} worker process{'es' if key[1] > 1 else ''}"

    rows = [
        Row(SECTION, f"read stage, {named(k)}: pages/s", f"{pages / s:.1f}")
        for k, s in read.items()
    ]
    rows += [
        Row(SECTION, f"whole run, {named(k)}: pages/s", f"{pages / s:.1f}")
        for k, s in whole.items()
    ]
    rows += [
        Row(
            SECTION,
            "coordinator's stage alone (split, tag, write from the cache; 2 local workers): "
            "pages/s",
            f"{pages / coordinator[0]:.1f}",
        ),
        Row(
            SECTION,
            "coordinator's own process alone (plan, write, publish; the bound however many "
            "cores split and tag): pages per CPU second",
            f"{pages / coordinator[1]:.1f}",
        ),
    ]
    scaling = read["Celery", 1] / read["Celery", 2]
    rows.append(
        Row(SECTION, "read stage, Celery 2 / 1", f"{scaling:.2f}x", "≥ 1.7x", scaling >= 1.7)
    )
    overhead = (read["Celery", 1] - read["local", 1]) / whole["local", 1]
    rows.append(
        Row(
            SECTION,
            "the queue's overhead: (Celery read - local read, 1 worker) / local run",
            f"{overhead:.1%}",
            "< 10%",
            overhead < 0.1,
        )
    )
    ratios = (
        ("whole run, Celery 2 / 1 (pages/s)", whole["Celery", 1] / whole["Celery", 2]),
        ("whole run, local 2 / 1 (on the same two cores)", whole["local", 1] / whole["local", 2]),
        ("read stage, Celery / local pages/s, 1 worker", read["local", 1] / read["Celery", 1]),
        ("whole run, Celery / local pages/s, 1 worker", whole["local", 1] / whole["Celery", 1]),
        ("whole run, Celery / local pages/s, 2 workers", whole["local", 2] / whole["Celery", 2]),
    )
    rows += [Row(SECTION, label, f"{ratio:.2f}x") for label, ratio in ratios]
    return rows


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _read_into(path: Path, cache: Path) -> int:
    """What a local run's worker does to read a PDF: extract it into the cache."""
    return len(extracted_for(read_source(path), cache, ocr=False, fresh=True).pages)


def _read_locally(paths: list[Path], work: Path, workers: int) -> None:
    cache = _empty(work / "read-cache")
    read = functools.partial(_read_into, cache=cache)
    for done in run_isolated(paths, read, workers=workers, limits=Limits()):
        if not isinstance(done.result, int):
            raise RuntimeError(f"the bench could not read {done.job}: {done.result}")


def _read_on_cluster(paths: list[Path], work: Path, broker: str) -> None:
    from indexer.cluster import extract_on_cluster

    cache = _empty(work / "read-cache")
    jobs = [_ReadJob(p, p.name, "") for p in paths]
    for done in extract_on_cluster(broker, jobs, cache, ocr=False, limits=Limits(), fresh=True):
        if done.result is not None:
            raise RuntimeError(f"the cluster could not read {done.job.path}: {done.result}")


def _empty(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _build(
    work: Path, corpus: Path, broker: str | None, workers: int, *, keep_cache: bool = False
) -> None:
    """A ``--full`` run into an empty index; ``keep_cache``: a run into an index folder
    holding only the extraction cache of the run before (the coordinator's stage alone)."""
    root = work / "cluster-index"
    if keep_cache:
        for entry in root.iterdir():
            if entry.name != CACHE_DIR:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    else:
        shutil.rmtree(root, ignore_errors=True)
    options = BuildOptions(full=not keep_cache, workers=workers, broker=broker)
    report = build_index(Settings(corpus_dir=corpus, index_dir=root), options=options)
    if report.failed:
        raise RuntimeError(f"the bench run failed on {report.failed} files (see {root})")


@contextlib.contextmanager
def _redis(redis: str) -> Iterator[str]:
    port = free_port()
    command = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    server = subprocess.Popen(
        [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def _workers(broker: str, work: Path, count: int) -> Iterator[None]:
    started = [_worker(broker, work, n) for n in range(count)]
    try:
        yield
    finally:
        for worker in started:
            worker.terminate()
            worker.wait(timeout=60)


def _worker(broker: str, work: Path, number: int) -> subprocess.Popen[bytes]:
    from indexer.cluster import celery_app

    command = [sys.executable, "-m", "indexer.cli", "worker", "--broker", broker]
    command += ["--concurrency", "1", "--name", f"bench{number}@{socket.gethostname()}"]
    log_file = (work / f"worker-{number}.log").open("ab")
    worker = subprocess.Popen(command, stdout=log_file, stderr=log_file)
    log_file.close()
    app = celery_app(broker)
    deadline = time.monotonic() + 60
    while not any(
        f"bench{number}@" in name
        for reply in (app.control.ping(timeout=0.5) or [])
        for name in reply
    ):
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError(f"the bench worker {number} did not start (see {work})")
    return worker
