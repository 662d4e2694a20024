"""Compose the stages: find PDFs → extract → split → describe → tag → index.

One bad file never stops a batch: its failure is recorded as data, and whatever the previous
index held for it is kept, so a failure never loses indexed articles. Runs are incremental:
only new and changed PDFs are read (in worker processes, under time and memory limits), and
each PDF's extraction is cached by its content hash.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.corpus import Corpus, discover
from indexer.editions import (
    MANIFEST_NAME,
    apply_manifest,
    describe_edition,
    edition_id,
    load_manifest,
)
from indexer.errors import BulletinsError, ExtractionError, IndexDamagedError, IndexNotFoundError
from indexer.extract import extract_pdf, file_identity, read_error, read_source
from indexer.index import (
    CACHE_DIR,
    SCHEMA_VERSION,
    ArticleIndex,
    Batch,
    clean_up,
    live_dir,
    new_generation,
    publish,
    read_state,
    write_last_run,
    writer_lock,
)
from indexer.models import Article, Edition, ExtractedPdf
from indexer.ocr import INSTALL_HINT, ocr_pdf
from indexer.pipeline.cache import EXTRACT_CACHE_VERSION, cache_entry, cached, prune_cache
from indexer.pipeline.report import (
    FAILURE_REASONS,
    OCR_REASONS,
    RETRY_REASONS,
    BuildReport,
    EntityChange,
    FileOutcome,
    edition_count,
    failed_run_record,
    kept,
    record_of,
    run_record,
    storage_error,
    unchanged_outcome,
)
from indexer.pipeline.status import index_status
from indexer.processes import check_stop, defer_stops
from indexer.split import split_edition
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import TAGGER_VERSION, Tagged, tag_article
from indexer.workers import JobFailure, Limits, default_workers, run_isolated

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
    "index_status",
    "ingest_file",
    "only_furniture",
    "storage_error",
    "tag_articles",
    "tagger_version",
]


@dataclass(frozen=True)
class Ingested:
    edition: Edition
    articles: tuple[Article, ...]
    tags: dict[str, Tagged]  # by article id
    repaired: bool = False
    size: int = 0  # the file's size and modification time when its bytes were read
    mtime_ns: int = 0


PIPELINE_VERSION = "4"  # bump when extraction or splitting changes: every PDF is read again


def ingest_file(
    path: Path, corpus_dir: Path, manifest: dict[str, dict[str, Any]], gazetteer: Gazetteer
) -> Ingested:
    """Extract, split and describe one PDF.

    :raise BulletinsError: if the file cannot be read or has no text to index.
    """
    relative = path.relative_to(corpus_dir).as_posix()
    source = read_source(path)
    ingested = _ingest_extracted(
        relative, extract_pdf(source), manifest, gazetteer, corpus_dir, source.sha256
    )
    return replace(ingested, size=source.size, mtime_ns=source.mtime_ns)


def _ingest_extracted(
    relative: str,
    pdf: ExtractedPdf,
    manifest: dict[str, dict[str, Any]],
    gazetteer: Gazetteer,
    corpus_dir: Path,
    sha256: str,
) -> Ingested:
    check_text(pdf)
    split = split_edition(pdf, edition_id(relative))
    if not split.articles or only_furniture(pdf):
        raise ExtractionError(
            "no article was found: all of its text is page furniture (lines repeated on every "
            "page, such as running headers, footers and page numbers) or cover text",
            "no-articles",
        )
    edition = describe_edition(
        relative, pdf, split.front_matter, manifest.get(relative), corpus_dir
    )
    edition = replace(edition, sha256=sha256)
    return Ingested(edition, split.articles, tag_articles(split.articles, gazetteer), pdf.repaired)


_DIGITS = re.compile(r"\d+")
FURNITURE_LINES = 4  # a header, a footer, a masthead, a watermark


def only_furniture(pdf: ExtractedPdf) -> bool:
    """Whether all the text of a PDF of two or more pages is a few lines a page, each repeated
    on several pages (page numbers aside): running headers, footers, a masthead, a watermark,
    and no article however the splitter cut them."""
    pages_of: dict[str, set[int]] = {}
    for page in pdf.pages:
        for line in page.lines:
            key = _DIGITS.sub("#", line.text.casefold()).strip()
            if key:
                pages_of.setdefault(key, set()).add(page.number)
    lines = sum(len(page.lines) for page in pdf.pages)
    return (
        len(pdf.pages) >= 2
        and 0 < len(pages_of) <= FURNITURE_LINES
        and lines <= FURNITURE_LINES * len(pdf.pages)
        and all(len(pages) >= 2 for pages in pages_of.values())
    )


_CID = re.compile(r"\(cid:\d+\)")
_UNMAPPED = re.compile("[\ufffd\ue000-\uf8ff]")  # replacement and private-use characters
GARBLED_SHARE = 0.3


def check_text(pdf: ExtractedPdf) -> None:
    """:raise ExtractionError: if the PDF has no pages, no text, or text that is mostly
    unmapped glyphs ("(cid:12)", U+FFFD, private-use characters)."""
    if not pdf.pages:
        raise ExtractionError("the PDF has no pages", "no-pages")
    if pdf.char_count == 0:
        raise ExtractionError(
            "no text layer (a scan, or text drawn as shapes): index it with "
            f"`bulletins index --ocr` (needs {INSTALL_HINT})",
            "no-text-layer",
        )
    text = "".join(line.text for page in pdf.pages for line in page.lines)
    letters = len(text) - text.count(" ")
    unmapped = sum(len(m) for m in _CID.findall(text))
    unmapped += len(_UNMAPPED.findall(text))
    if letters and unmapped / letters > GARBLED_SHARE:
        raise ExtractionError(
            f"{unmapped / letters:.0%} of the text is unmapped glyphs (fonts without a Unicode "
            "map): index it with `bulletins index --ocr`",
            "garbled-text",
        )


def tag_articles(articles: tuple[Article, ...], gazetteer: Gazetteer) -> dict[str, Tagged]:
    return {a.id: tag_article(a.title, a.body, gazetteer) for a in articles}


def tagger_version(gazetteer: Gazetteer) -> str:
    """Changes whenever tagging an unchanged article could give a different answer."""
    return f"{TAGGER_VERSION}:{gazetteer.version}"


STATE_VERSION = 1


@dataclass(frozen=True)
class BuildOptions:
    """How to run a build: ``full`` reads every PDF again; ``workers`` extraction processes;
    ``limits`` per file."""

    full: bool = False
    workers: int = field(default_factory=default_workers)
    limits: Limits = field(default_factory=Limits)
    ocr: bool = False  # read pages without usable text with Tesseract
    follow_symlinks: bool = False  # read PDFs that links point to outside the corpus folder


@dataclass(frozen=True)
class _Job:
    path: Path
    relative: str
    sha256: str
    change: str
    size: int = 0  # as planned: a failed job's record, so a later change is seen
    mtime_ns: int = 0
    kept: int = 0  # articles indexed for the file before, which a failure keeps
    follow: bool = False  # it was a link when the corpus was listed: read through it


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
                _record_failed_run(settings, started, exc)
                raise
            report = replace(report, seconds=round(time.perf_counter() - started, 3))
            with contextlib.suppress(OSError):  # published already: a report is not worth failing
                write_last_run(root, run_record(settings, report))
    except OSError as exc:
        raise storage_error(exc, root) from exc
    return report


def _record_failed_run(settings: Settings, started: float, exc: BaseException) -> None:
    """Say in ``last-run.json`` why a run ended without publishing, where that can be written."""
    with contextlib.suppress(OSError):
        write_last_run(settings.index_dir, failed_run_record(settings, started, exc))


@dataclass
class _Plan:
    """What a run has to do, file by file."""

    jobs: list[_Job] = field(default_factory=list)  # to read
    unchanged: list[tuple[Path, str, dict[str, Any]]] = field(default_factory=list)
    vanished: list[tuple[_Job, ExtractionError]] = field(default_factory=list)  # not readable
    removed: tuple[str, ...] = ()  # indexed before, gone from the corpus


def _plan(
    corpus: Corpus,
    corpus_dir: Path,
    records: dict[str, dict[str, Any]],
    state: dict[str, Any],
    options: BuildOptions,
) -> _Plan:
    plan = _Plan()
    for path in corpus.paths:
        relative = path.relative_to(corpus_dir).as_posix()
        record = records.get(relative)
        follow = path in corpus.links
        try:
            sha, size, mtime_ns = _content_hash(path, record, follow)
        except ExtractionError as exc:  # gone, or unreadable, since the folder was listed
            plan.vanished.append((_unread_job(path, relative, record, follow), exc))
            continue
        change = (
            "added" if record is None else "updated" if record["sha256"] != sha else "unchanged"
        )
        # unchanged bytes: not read again, unless --full or splitting changed since (a file
        # that failed stays failed until it changes or --full, but for a failure of the moment)
        current = state.get("pipeline") == PIPELINE_VERSION
        retry_ocr = options.ocr and record is not None and record.get("reason") in OCR_REASONS
        retry = record is not None and record.get("reason") in RETRY_REASONS
        keep = (
            record is not None
            and change == "unchanged"
            and not options.full
            and not retry_ocr
            and not retry
        )
        if record is not None and keep and (current or record.get("status") == "failed"):
            identity = {"sha256": sha, "size": size, "mtime_ns": mtime_ns}
            plan.unchanged.append((path, relative, {**record, **identity}))
            continue
        plan.jobs.append(
            _Job(path, relative, sha, change, size, mtime_ns, kept(record or {}), follow)
        )
    present = {path.relative_to(corpus_dir).as_posix() for path in corpus.paths}
    hidden = corpus.hidden_under()
    removed = []
    for relative in sorted(set(records) - present):
        folder = next((h for h in hidden if h == "." or relative.startswith(f"{h}/")), None)
        if folder is None:
            removed.append(relative)
            continue
        # not seen, but not known to be gone either: what was indexed for it stays
        error = ExtractionError(f"its folder {folder!r} could not be listed", "unreadable")
        job = _unread_job(corpus_dir / relative, relative, records[relative], False)
        plan.vanished.append((job, error))
    plan.removed = tuple(removed)
    return plan


def _unread_job(path: Path, relative: str, record: dict[str, Any] | None, follow: bool) -> _Job:
    """A file that could not be read at all, as a job that failed: its last record's
    identity, so the next run compares with that."""
    old = record or {}
    return _Job(
        path,
        relative,
        str(old.get("sha256", "")),
        "added" if record is None else "updated",
        int(old.get("size") or 0),
        int(old.get("mtime_ns") or 0),
        kept(old),
        follow,
    )


def _build(
    settings: Settings,
    gazetteer: Gazetteer,
    options: BuildOptions,
    on_file: Callable[[FileOutcome], None] | None,
    on_start: Callable[[int], None] | None,
) -> BuildReport:
    root = settings.index_dir
    corpus_dir = settings.corpus_dir
    try:  # (an OSError here is the corpus folder's, not the index's)
        manifest = load_manifest(corpus_dir)
        corpus = discover(corpus_dir, follow_symlinks=options.follow_symlinks)
    except OSError as exc:
        raise BulletinsError(
            f"cannot read the corpus folder {corpus_dir}: {exc.strerror or exc}; "
            "the index was left as it was"
        ) from exc
    state = read_state(root)
    records: dict[str, dict[str, Any]] = dict(state.get("files") or {})
    if not corpus.paths:
        raise BulletinsError(_no_pdfs_message(corpus_dir, corpus, len(records)))
    if on_start:
        on_start(len(corpus.paths))
    version = tagger_version(gazetteer)
    config: dict[str, Any] = {
        "state": STATE_VERSION,
        "schema": SCHEMA_VERSION,
        "pipeline": PIPELINE_VERSION,
        "tagger": version,
        "manifest": _manifest_digest(corpus_dir),
    }
    same_config = all(state.get(k) == v for k, v in config.items())
    old = _readable_live(root)
    if old is None and ArticleIndex.exists(root):  # damaged: rebuilt from the PDFs
        same_config, records = False, {}
    plan = _plan(corpus, corpus_dir, records, state, options)

    check_stop()  # (one whose exception Python had to drop while planning)
    if not (plan.jobs or plan.removed or plan.vanished) and same_config and old is not None:
        kept = [unchanged_outcome(relative, record) for _, relative, record in plan.unchanged]
        for outcome in kept:
            if on_file:
                on_file(outcome)
        count = old.count()
        old.close()
        return BuildReport(
            tuple(kept),
            count,
            0.0,
            published=False,
            editions=edition_count(records),
            skipped=corpus.skipped,
        )

    copy_live = same_config and old is not None and not options.full
    try:
        generation = new_generation(root, copy_live=copy_live)
    except BaseException:
        if old is not None:
            old.close()
        clean_up(root)  # a half-made copy of the live generation
        raise
    new: ArticleIndex | None = None
    writing = _Writing(old if not copy_live else None, version, on_file)
    try:
        new = ArticleIndex(generation) if copy_live else ArticleIndex.create(generation)
        with new.batch(optimize=not copy_live) as batch:
            for relative in plan.removed:
                batch.delete_edition(edition_id(relative))
            for path, relative, record in plan.unchanged:
                outcome = unchanged_outcome(relative, record)
                if writing.old is not None:
                    outcome = _rewrite_unchanged(
                        batch,
                        writing.old,
                        path,
                        relative,
                        record,
                        manifest,
                        gazetteer,
                        version,
                        writing.changes,
                    )
                writing.record(relative, {**record, **record_of(outcome)}, outcome)
            for job, error in plan.vanished:
                writing.failed(batch, job, JobFailure(error.reason, str(error)), 0.0)
            work = functools.partial(
                _ingest_job,
                corpus=corpus_dir,
                manifest=manifest,
                gazetteer=gazetteer,
                cache=root / CACHE_DIR,
                ocr=options.ocr,
                fresh=options.full,
            )
            done = run_isolated(plan.jobs, work, workers=options.workers, limits=options.limits)
            with contextlib.closing(done):  # its workers stop even if indexing fails
                for finished in done:
                    if isinstance(finished.result, JobFailure):
                        writing.failed(batch, finished.job, finished.result, finished.seconds)
                    else:
                        writing.indexed(batch, finished.job, finished.result, finished.seconds)
                    check_stop()  # a stop whose exception Python had to drop
        count = new.count()
        new.close()
        if old is not None:
            old.close()
        check_stop()
        defer_stops()  # from here on, finishing is the clean way to stop
        publish(root, generation, {**config, "files": dict(sorted(writing.records.items()))})
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
    with contextlib.suppress(OSError):  # published: a cache left as it was is no fault
        prune_cache(root / CACHE_DIR, {r["sha256"] for r in writing.records.values()})
    return BuildReport(
        tuple(sorted(writing.outcomes, key=lambda o: o.file)),
        count,
        0.0,
        tuple(writing.changes),
        removed=plan.removed,
        editions=edition_count(writing.records),
        skipped=corpus.skipped,
    )


@dataclass
class _Writing:
    """The outcomes and state records of a run as its files are written into a generation.
    ``old``: the live index, when the new generation starts empty (what a failing file keeps
    is copied from it)."""

    old: ArticleIndex | None
    version: str
    on_file: Callable[[FileOutcome], None] | None
    outcomes: list[FileOutcome] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[EntityChange] = field(default_factory=list)

    def record(self, relative: str, record: dict[str, Any], outcome: FileOutcome) -> None:
        self.records[relative] = record
        self.outcomes.append(outcome)
        if self.on_file:
            self.on_file(outcome)

    def failed(self, batch: Batch, job: _Job, failure: JobFailure, seconds: float) -> None:
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
        self.record(
            job.relative,
            {
                **identity,
                "edition_id": edition_id(job.relative),
                **record_of(outcome),
                "kept": kept,
            },
            outcome,
        )

    def indexed(self, batch: Batch, job: _Job, ingested: Ingested, seconds: float) -> None:
        batch.delete_edition(ingested.edition.id)
        batch.add_edition(
            ingested.edition, ingested.articles, ingested.tags, self.version, PIPELINE_VERSION
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
        self.record(
            job.relative,
            {**identity, "edition_id": edition_id(job.relative), **record_of(outcome)},
            outcome,
        )


def _readable_live(root: Path) -> ArticleIndex | None:
    """The live index, if there is one and its files can be read; None makes a new one."""
    if not ArticleIndex.exists(root):
        return None
    try:
        opened = ArticleIndex(root)
    except IndexNotFoundError:
        return None
    try:
        opened.count()
    except (IndexDamagedError, IndexNotFoundError):
        opened.close()
        return None
    return opened


def _is_live(root: Path, generation: Path) -> bool:
    try:
        return live_dir(root) == generation
    except OSError:
        return False


def _no_pdfs_message(corpus_dir: Path, corpus: Corpus, indexed: int) -> str:
    message = f"no PDF files found in {corpus_dir}"
    if corpus.skipped:
        first = corpus.skipped[0]
        message += f" ({len(corpus.skipped)} passed over, e.g. {first.file}: {first.message})"
    if indexed:
        message += (
            f"; the index, which holds {indexed} files, was left as it was (is the folder "
            "mounted? to empty the index on purpose, delete the index folder)"
        )
    return message


def _content_hash(path: Path, record: dict[str, Any] | None, follow: bool) -> tuple[str, int, int]:
    """The file's SHA-256, size and modification time (the hash taken from the last run when
    size and modification time match).

    :raise ExtractionError: ``removed`` or ``unreadable``.
    """
    try:
        stat = path.stat(follow_symlinks=follow)
    except OSError as exc:
        raise read_error(exc) from exc
    identity = (stat.st_size, stat.st_mtime_ns)
    if record and (record.get("size"), record.get("mtime_ns")) == identity:
        return str(record["sha256"]), *identity
    return file_identity(path, follow=follow)


def _rewrite_unchanged(
    batch: Batch,
    old: ArticleIndex,
    path: Path,
    relative: str,
    record: dict[str, Any],
    manifest: dict[str, dict[str, Any]],
    gazetteer: Gazetteer,
    version: str,
    changes: list[EntityChange],
) -> FileOutcome:
    """Write an unchanged file's articles again, re-tagged and re-described from stored text."""
    outcome = unchanged_outcome(relative, record)
    stored = old.stored_edition(edition_id(relative))
    if stored is None:
        return outcome
    edition, articles, docs = stored
    if record.get("status") == "failed":  # failing now, but indexed from an earlier version
        batch.carry_over(old, edition.id)
        return outcome
    tags = tag_articles(tuple(articles), gazetteer)
    changes.extend(_entity_changes(articles, tags, docs))
    edition = apply_manifest(edition, manifest.get(relative))
    batch.add_edition(edition, articles, tags, version, PIPELINE_VERSION)
    return replace(outcome, articles=len(articles))


def _ingest_job(
    job: _Job,
    *,
    corpus: Path,
    manifest: dict[str, dict[str, Any]],
    gazetteer: Gazetteer,
    cache: Path,
    ocr: bool = False,
    fresh: bool = False,
) -> Ingested:
    """In a worker: read the file's bytes once, then extract them (or take the cached
    extraction of the same bytes, unless ``fresh``), split, describe and tag; with ``ocr``,
    pages without usable text are read by Tesseract first. Everything is keyed by the hash
    of the bytes read here, whatever the file holds by now."""
    source = read_source(job.path, follow=job.follow)
    pdf = cached(cache_entry(cache, source.sha256), source, extract_pdf, fresh)
    if ocr:
        try:
            check_text(pdf)
        except ExtractionError as exc:
            if exc.reason not in OCR_REASONS:
                raise
            garbled = exc.reason == "garbled-text"
            pdf = cached(
                cache_entry(cache, source.sha256, ocr=True),
                source,
                lambda source: ocr_pdf(source, pdf, every_page=garbled),
                fresh,
            )
    ingested = _ingest_extracted(job.relative, pdf, manifest, gazetteer, corpus, source.sha256)
    return replace(ingested, size=source.size, mtime_ns=source.mtime_ns)


def _manifest_digest(corpus: Path) -> str:
    manifest = corpus / MANIFEST_NAME
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
    except OSError as exc:
        raise BulletinsError(f"cannot read {manifest}: {exc.strerror or exc}") from exc


def _entity_changes(
    articles: list[Article], tags: dict[str, Tagged], docs: dict[str, dict[str, Any]]
) -> Iterator[EntityChange]:
    for article in articles:
        before = {
            (type_, id_, label)
            for type_, items in (docs[article.id].get("entities") or {}).items()
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
