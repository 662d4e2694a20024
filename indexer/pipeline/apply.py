"""Carry out a plan: write a new index generation from it and from the workers' results, as
they come, and publish it. Removed files are dropped, unchanged ones kept (re-tagged and
re-described from their stored text when the generation starts empty), a file that fails keeps
whatever was indexed for it, and each file's outcome and state record is collected for the
report. A generation that is not published is deleted; the live index is never written to.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer.editions import apply_manifest, edition_id, publications_of
from indexer.index import (
    CACHE_DIR,
    ArticleIndex,
    Batch,
    clean_up,
    live_dir,
    new_generation,
    prune_layouts,
    publish,
    write_layout,
)
from indexer.models import Article, Edition
from indexer.pipeline.cache import prune_cache
from indexer.pipeline.plan import Job, Plan
from indexer.pipeline.recurring import leave_out_boilerplate
from indexer.pipeline.report import (
    BuildReport,
    EntityChange,
    FileOutcome,
    edition_count,
    record_of,
    unchanged_outcome,
)
from indexer.pipeline.run import Ingested, Results, tag_articles
from indexer.processes import check_stop, defer_stops
from indexer.results import StoredEdition
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import Tagged
from indexer.workers import Done, JobFailure

OnFile = Callable[[FileOutcome], None] | None
Finished = Done[Job, Ingested]


def left_as_is(plan: Plan, on_file: OnFile) -> BuildReport:
    """The report of a run with nothing to do (``plan.nothing_to_do``): every file unchanged,
    the live index not touched."""
    live = plan.live
    assert live is not None  # (there is nothing to do only when there is a live index)
    outcomes = [unchanged_outcome(relative, record) for relative, record in plan.unchanged]
    outcomes += [
        unchanged_outcome(job.relative, plan.records[job.relative]) for job, _, _ in plan.duplicates
    ]
    for outcome in outcomes:
        if on_file:
            on_file(outcome)
    count = live.count()
    live.close()
    return BuildReport(
        tuple(outcomes),
        count,
        0.0,
        published=False,
        editions=edition_count(plan.records),
        skipped=plan.survey.corpus.skipped,
    )


PARALLEL_FILES = 50  # a new index of this many editions or more is written by several processes


def writes_in_parallel(plan: Plan) -> bool:
    """Whether the plan writes a new index large enough to be written by several processes
    at once (a segment each, see ``indexer.index``): starting them costs about a second."""
    return not plan.copy_live and len(plan.jobs) + len(plan.unchanged) >= PARALLEL_FILES


def write_generation(
    plan: Plan, gazetteer: Gazetteer, results: Results, on_file: OnFile, writers: int = 1
) -> BuildReport:
    """Write the plan and the workers' ``results`` into a new generation and publish it; the
    live index the plan holds is closed. ``on_file`` hears of each file as it is written;
    ``writers`` processes write the articles (a segment each)."""
    root = plan.survey.index_dir
    generation = _new_generation(root, plan)
    writing = _Writing(None if plan.copy_live else plan.live, plan, gazetteer, on_file)
    count = _write_and_publish(root, generation, writing, results, writers)
    with contextlib.suppress(OSError):  # published: a cache left as it was is no fault
        kept = {
            r[k] for r in writing.records.values() for k in ("sha256", "kept_sha256") if r.get(k)
        }
        prune_cache(root / CACHE_DIR, kept)
        prune_layouts(root, kept)
    return BuildReport(
        tuple(sorted(writing.outcomes, key=lambda o: o.file)),
        count,
        0.0,
        tuple(writing.changes),
        removed=plan.removed,
        editions=edition_count(writing.records),
        skipped=plan.survey.corpus.skipped,
    )


def _new_generation(root: Path, plan: Plan) -> Path:
    try:
        return new_generation(root, copy_live=plan.copy_live)
    except BaseException:
        if plan.live is not None:
            plan.live.close()
        clean_up(root)  # a half-made copy of the live generation
        raise


def _write_and_publish(
    root: Path, generation: Path, writing: _Writing, results: Results, writers: int
) -> int:
    """Write ``generation``, close it and the live index, and publish it; how many articles
    it holds. A generation that was not published is deleted. A new index written by one
    process is one segment, and the articles the boilerplate pass writes again a second (the
    two merged when it deletes more than a tenth of the first's); by several, it keeps their
    segments (merging would read and write every posting again in one process)."""
    plan = writing.plan
    old = plan.live
    new: ArticleIndex | None = None
    try:
        new = ArticleIndex(generation) if plan.copy_live else ArticleIndex.create(generation)
        publications = publications_of(plan.survey.manifest)  # editions are filed under them
        with new.batch(  # (its tables are made with the next commit's)
            optimize=False, publications=publications, processes=writers, tables=False
        ) as batch:
            _write(batch, writing, results)
        check_stop()
        several = not plan.copy_live and writers > 1  # segments: leave them as written
        with new.batch(
            optimize=not plan.copy_live and not several,
            merge=not several,
            publications=publications,
            tidy=True,  # (the one segment just written, with a few articles written again)
        ) as batch:
            writing.boilerplate = leave_out_boilerplate(
                new, batch, writing.gazetteer, plan.tagger_version
            )
        count = new.count()
        new.close()
        if old is not None:
            old.close()
        check_stop()
        defer_stops()  # from here on, finishing is the clean way to stop
        files = dict(sorted(writing.records.items()))
        publish(
            root, generation, {**plan.config, "files": files, "boilerplate": writing.boilerplate}
        )
    except BaseException as exc:
        if new is not None:
            new.close()
        if old is not None:
            old.close()
        if not _is_live(root, generation):
            shutil.rmtree(generation, ignore_errors=True)
            raise
        if not isinstance(exc, OSError):
            raise
        # CURRENT names the new generation: it is published, though a flush after the switch
        # failed (the disk filled up, say); the run is reported as it is
    return count


def _write(batch: Batch, writing: _Writing, results: Results) -> None:
    plan = writing.plan
    for relative in plan.removed:
        batch.delete_edition(edition_id(relative))
    for relative, record in plan.unchanged:
        writing.unchanged(batch, relative, record)
    for job, error in plan.vanished:
        writing.failed(batch, job, JobFailure(error.reason, str(error)), 0.0)
    for job, primary, same in plan.duplicates:
        writing.duplicate(batch, job, primary, same)
    with contextlib.closing(results):  # its workers stop even if indexing fails
        for finished in in_job_order(results, plan.jobs):
            if isinstance(finished.result, JobFailure):
                writing.failed(batch, finished.job, finished.result, finished.seconds)
            else:
                writing.indexed(batch, finished.job, finished.result, finished.seconds)
            check_stop()  # a stop whose exception Python had to drop


REORDER_WINDOW = 256  # results held back at most, waiting for an earlier file's


def in_job_order(results: Iterable[Finished], jobs: Sequence[Job]) -> Iterator[Finished]:
    """The workers' ``results`` in the order of ``jobs`` (the plan's: files indexed before
    first, then by path), so that of two files with the same text the same one is indexed
    whichever worker finished first. A file that holds up more than ``REORDER_WINDOW`` later
    results (a slow one) lets them go ahead."""
    position = {job.relative: i for i, job in enumerate(jobs)}
    waiting: dict[int, Finished] = {}
    given: set[int] = set()
    next_ = 0
    for finished in results:
        waiting[position.get(finished.job.relative, len(jobs))] = finished
        if len(waiting) > REORDER_WINDOW:
            for key in sorted(waiting):
                given.add(key)
                yield waiting.pop(key)
        while next_ in waiting or next_ in given:
            if next_ in waiting:
                given.add(next_)
                yield waiting.pop(next_)
            next_ += 1
    for key in sorted(waiting):
        yield waiting.pop(key)


def _is_live(root: Path, generation: Path) -> bool:
    try:
        return live_dir(root) == generation
    except OSError:
        return False


@dataclass
class _Writing:
    """The outcomes and state records of a run as its files are written into a generation.
    ``old``: the live index, when the new generation starts empty (what a failing file keeps
    is copied from it)."""

    old: ArticleIndex | None
    plan: Plan
    gazetteer: Gazetteer
    on_file: OnFile
    outcomes: list[FileOutcome] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[EntityChange] = field(default_factory=list)
    # the files indexed by the text of their articles (see ``text_fingerprint``): {text:
    # [(file, its number and date)]}, those left as they are first
    texts: dict[str, list[tuple[str, list[Any]]]] = field(default_factory=dict)
    boilerplate: list[dict[str, Any]] = field(default_factory=list)  # what was found

    def record(self, relative: str, record: dict[str, Any], outcome: FileOutcome) -> None:
        self.records[relative] = record
        self.outcomes.append(outcome)
        if self.on_file:
            self.on_file(outcome)

    def unchanged(self, batch: Batch, relative: str, record: dict[str, Any]) -> None:
        """A file left as it is (written again from what is stored when the generation starts
        empty); its text is known, for the files read after it (see ``_same_text``)."""
        outcome = unchanged_outcome(relative, record)
        stated = list(record.get("stated") or [None, None])
        if self.old is not None:
            outcome, edition = self._rewrite_unchanged(batch, self.old, outcome, record)
            if edition is not None:  # described again: the manifest may say otherwise now
                stated = [edition.number, edition.date]
        written = {**record, **record_of(outcome)}
        if record.get("text"):
            written["stated"] = stated
            if outcome.status in ("ok", "repaired"):
                self.texts.setdefault(str(record["text"]), []).append((relative, stated))
        self.record(relative, written, outcome)

    def _rewrite_unchanged(
        self, batch: Batch, old: ArticleIndex, outcome: FileOutcome, record: dict[str, Any]
    ) -> tuple[FileOutcome, Edition | None]:
        """Write an unchanged file's articles again, re-tagged and re-described from stored
        text; the edition as described now (None: kept as it was)."""
        stored = old.stored_edition(edition_id(outcome.file))
        if stored is None or record.get("status") == "failed":
            # written by a version that did not store the edition whole, or failing now but
            # indexed from an earlier version: what was indexed for it is kept as it was
            batch.carry_over(old, edition_id(outcome.file))
            return outcome, None

        tags = tag_articles(stored.searched_articles(), self.gazetteer)
        self.changes.extend(_entity_changes(stored, tags))
        edition = apply_manifest(stored.edition, self.plan.survey.manifest.get(outcome.file))
        rewritten = replace(stored, edition=edition, pipeline_version=self.plan.pipeline_version)
        written = batch.retag(rewritten, tags, self.plan.tagger_version)
        return replace(outcome, articles=written), edition

    def duplicate(self, batch: Batch, job: Job, primary: str, same: str = "bytes") -> None:
        """A file with the same bytes, or the same text, as ``primary``: indexed once, under
        that file."""
        batch.delete_edition(edition_id(job.relative))  # (if it was indexed on its own before)
        outcome = FileOutcome(
            job.relative,
            "duplicate",
            message=f"the same {same} as {primary}, indexed under that file",
            extracted=same == "text" and job.change != "unchanged",
            change=job.change,
        )
        identity = {"size": job.size, "mtime_ns": job.mtime_ns, "sha256": job.sha256}
        copy = {**identity, **record_of(outcome), "of": primary, "same": same}
        self.record(job.relative, copy, outcome)

    def _same_text(self, relative: str, ingested: Ingested) -> tuple[str, str | None]:
        """The text fingerprint of what ``relative`` holds, and the file already indexed with
        the same text, if any: a re-saved or re-exported copy of it. Files that state other
        numbers or dates (in the manifest or on their covers) are other editions whatever
        their text."""
        text = text_fingerprint(ingested.articles)
        stated = [ingested.edition.number, ingested.edition.date]
        for other, other_stated in self.texts.get(text, []):
            if other != relative and all(
                a is None or b is None or a == b for a, b in zip(stated, other_stated, strict=True)
            ):
                return text, other
        self.texts.setdefault(text, []).append((relative, stated))
        return text, None

    def failed(self, batch: Batch, job: Job, failure: JobFailure, seconds: float) -> None:
        """A file that could not be indexed keeps what was indexed for it before."""
        outcome = FileOutcome(
            job.relative,
            "failed",
            reason=failure.reason,
            message=failure.message,
            seconds=seconds,
            change=job.change,
        )
        kept = job.kept
        if self.old is not None:
            kept = batch.carry_over(self.old, edition_id(job.relative))
        identity = {"size": job.size, "mtime_ns": job.mtime_ns, "sha256": job.sha256}
        before = self.plan.records.get(job.relative) or {}
        # the bytes what is kept was read from: their page layouts and cache stay
        kept_sha256 = before.get("kept_sha256") or before.get("sha256") if kept else None
        record = {**identity, "edition_id": edition_id(job.relative), **record_of(outcome)}
        record["kept"] = kept
        if kept_sha256:
            record["kept_sha256"] = kept_sha256
        self.record(job.relative, record, outcome)

    def indexed(self, batch: Batch, job: Job, ingested: Ingested, seconds: float) -> None:
        text, primary = self._same_text(job.relative, ingested)
        if primary is not None:
            self.duplicate(batch, replace(job, sha256=ingested.edition.sha256), primary, "text")
            return
        with contextlib.suppress(OSError):  # (a page is then shown without marks)
            write_layout(self.plan.survey.index_dir, ingested.edition.sha256, ingested.layout)
        batch.delete_edition(ingested.edition.id)
        batch.add_edition(
            ingested.edition,
            ingested.articles,
            ingested.tags,
            self.plan.tagger_version,
            self.plan.pipeline_version,
        )
        outcome = FileOutcome(
            job.relative,
            "repaired" if ingested.repaired else "ok",
            articles=len(ingested.articles),
            seconds=seconds,
            change=job.change,
        )
        # the identity of the bytes that were read, not of the file now: a file replaced
        # during the run differs from this record, and is read again by the next run
        identity = {
            "size": ingested.size,
            "mtime_ns": ingested.mtime_ns,
            "sha256": ingested.edition.sha256,
        }
        stated = [ingested.edition.number, ingested.edition.date]
        self.record(
            job.relative,
            {
                **identity,
                "edition_id": edition_id(job.relative),
                **record_of(outcome),
                "text": text,
                "stated": stated,
            },
            outcome,
        )


def text_fingerprint(articles: Iterable[Article]) -> str:
    """What an edition's articles say, word for word in reading order, as a hash: the same
    for a PDF saved again (by another program, with other metadata, fonts, line breaks or
    paragraphs) with the same text."""
    digest = hashlib.sha256()
    for article in articles:
        for text in (article.title, article.body):
            for word in _WORDS.findall(text.casefold()):
                digest.update(word.encode() + b" ")
    return digest.hexdigest()


_WORDS = re.compile(r"\w+")


def _entity_changes(stored: StoredEdition, tags: dict[str, Tagged]) -> Iterator[EntityChange]:
    for article in stored.articles:
        before = {
            (type_, id_, label)
            for type_, items in stored.entities.get(article.id, {}).items()
            for id_, label in items
        }
        after = {
            (type_, id_, label)
            for type_, items in tags[article.id].entities.items()
            for id_, label in items
        }
        if before != after:
            yield EntityChange(
                article.id,
                article.title,
                tuple(sorted(after - before)),
                tuple(sorted(before - after)),
            )
