"""Compose the stages: find PDFs → extract → split → describe → tag → index.

One bad file never stops a batch: its failure is recorded as data, and whatever the previous
index held for it is kept, so a failure never loses indexed articles. Runs are incremental:
only new and changed PDFs are read (in worker processes, under time and memory limits), and
each PDF's extraction is cached by its content hash.

A run is ``plan`` (what changed in the corpus against the stored state) → ``run`` (the PDFs
read in worker processes) → ``apply`` (the new index generation written and published), with
``report`` (what a run did), ``cache`` (the extraction cache) and ``status`` (how the index
stands) beside them. Those that read PDFs or the index load pdfminer and Whoosh: they are
imported when a build runs or one of their names is first used, so that importing the light
ones (``indexer.pipeline.report``) loads neither.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from indexer.config import IndexingSettings, Settings
from indexer.pipeline.report import (
    FAILURE_REASONS,
    BuildReport,
    EntityChange,
    FileOutcome,
    failed_run_record,
    run_record,
    storage_error,
)
from indexer.processes import check_stop
from indexer.tagging.gazetteer import Gazetteer
from indexer.workers import Limits, default_workers

if TYPE_CHECKING:
    from indexer.pipeline.cache import EXTRACT_CACHE_VERSION
    from indexer.pipeline.plan import PIPELINE_VERSION, STATE_VERSION
    from indexer.pipeline.run import (
        FURNITURE_LINES,
        GARBLED_SHARE,
        Ingested,
        check_text,
        ingest_file,
        only_furniture,
        tag_articles,
        tagger_version,
    )
    from indexer.pipeline.status import copies, index_status

# The names of the heavy stages, by module: imported on first use (see the module docstring).
_LAZY = {
    "EXTRACT_CACHE_VERSION": "cache",
    "PIPELINE_VERSION": "plan",
    "STATE_VERSION": "plan",
    "FURNITURE_LINES": "run",
    "GARBLED_SHARE": "run",
    "Ingested": "run",
    "check_text": "run",
    "ingest_file": "run",
    "only_furniture": "run",
    "tag_articles": "run",
    "tagger_version": "run",
    "index_status": "status",
    "copies": "status",
}

__all__ = [
    "EXTRACT_CACHE_VERSION",
    "FAILURE_REASONS",
    "FURNITURE_LINES",
    "GARBLED_SHARE",
    "PIPELINE_VERSION",
    "STATE_VERSION",
    "BuildOptions",
    "BuildReport",
    "EntityChange",
    "FileOutcome",
    "Ingested",
    "build_index",
    "check_text",
    "copies",
    "index_status",
    "ingest_file",
    "only_furniture",
    "storage_error",
    "tag_articles",
    "tagger_version",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"indexer.pipeline.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'indexer.pipeline' has no attribute {name!r}")


@dataclass(frozen=True)
class BuildOptions:
    """How to run a build: ``full`` reads every PDF again; ``workers`` extraction processes;
    ``limits`` per file."""

    full: bool = False
    workers: int = field(default_factory=default_workers)
    limits: Limits = field(default_factory=Limits)
    ocr: bool = False  # read pages without usable text with Tesseract
    follow_symlinks: bool = False  # read PDFs that links point to outside the corpus folder
    broker: str | None = None  # a Celery broker's URL: PDFs are read on its workers
    # with a broker: stop (BrokerError) when no worker has answered for this long
    worker_wait: float = IndexingSettings.worker_wait_seconds


def build_index(
    settings: Settings,
    on_file: Callable[[FileOutcome], None] | None = None,
    gazetteer: Gazetteer | None = None,
    *,
    full: bool = False,
    options: BuildOptions | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BuildReport:
    """Bring the index up to date with the corpus, safely while it is being searched.

    Under the index's writer lock: new and changed PDFs are read (in worker processes, each
    under the time and memory limits), removed ones are dropped, unchanged ones are left alone.
    The result is written as a new index generation and published atomically; when nothing
    changed, the live index is not touched. A PDF that fails keeps whatever was indexed for
    it. When the gazetteer or the manifest changed, unchanged PDFs are re-tagged and
    re-described from their stored text, and the entities that changed are reported.

    A run that is stopped (``KeyboardInterrupt``, which the command line raises for SIGTERM
    and SIGHUP too) or cannot write the index leaves the live index as it was, and says so in
    ``last-run.json`` where that can still be written.

    :raise IndexLockedError: if another indexing job is running on the same index.
    :raise StorageError: if the index folder cannot be written (disk full, a file-size limit,
        read-only, not a folder); nothing was published.
    :raise BulletinsError: if the corpus folder or its manifest is unusable.
    """
    from indexer.index import clean_up, writer_lock  # (Whoosh: see the module docstring)

    options = options or BuildOptions(full=full)
    if full and not options.full:
        options = replace(options, full=True)
    started = time.perf_counter()
    root = settings.index_dir
    try:
        with writer_lock(root):
            try:
                clean_up(root)
                report = _build(settings, gazetteer or Gazetteer.load(), options, on_file, on_start)
            except BaseException as exc:
                _write_last_run(settings, failed_run_record(settings, started, exc))
                raise
            report = replace(report, seconds=round(time.perf_counter() - started, 3))
            # published already: a report is not worth failing
            _write_last_run(settings, run_record(settings, report))
    except OSError as exc:
        raise storage_error(exc, root) from exc
    return report


def _build(
    settings: Settings,
    gazetteer: Gazetteer,
    options: BuildOptions,
    on_file: Callable[[FileOutcome], None] | None,
    on_start: Callable[[int], None] | None,
) -> BuildReport:
    """Plan the run, read the PDFs it needs in worker processes, and apply the results."""
    from indexer.pipeline import apply, plan, run  # (pdfminer and Whoosh: see above)

    survey = plan.survey(
        settings.corpus_dir, settings.index_dir, follow_symlinks=options.follow_symlinks
    )
    if on_start:
        on_start(len(survey.corpus.paths))
    todo = plan.plan_run(survey, run.tagger_version(gazetteer), full=options.full, ocr=options.ocr)
    check_stop()  # (one whose exception Python had to drop while planning)
    if todo.nothing_to_do:
        return apply.left_as_is(todo, on_file)
    results = run.run_jobs(
        todo,
        gazetteer,
        workers=options.workers,
        limits=options.limits,
        ocr=options.ocr,
        fresh=options.full,
        broker=options.broker,
        worker_wait=options.worker_wait,
    )
    writers = options.workers if apply.writes_in_parallel(todo) else 1
    return apply.write_generation(todo, gazetteer, results, on_file, writers=writers)


def _write_last_run(settings: Settings, record: dict[str, Any]) -> None:
    """Say how the run went in ``last-run.json``, where that can be written: a record of a
    run is not worth failing it for."""
    from indexer.index import write_last_run

    with contextlib.suppress(OSError):
        write_last_run(settings.index_dir, record)
