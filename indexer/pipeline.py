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
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.editions import (
    MANIFEST_NAME,
    apply_manifest,
    describe_edition,
    edition_id,
    load_manifest,
)
from indexer.errors import BulletinsError, ExtractionError
from indexer.extract import extract_pdf
from indexer.index import (
    CACHE_DIR,
    SCHEMA_VERSION,
    ArticleIndex,
    Batch,
    clean_up,
    new_generation,
    publish,
    read_last_run,
    read_state,
    write_last_run,
    writer_lock,
)
from indexer.models import Article, Edition, ExtractedPdf
from indexer.ocr import INSTALL_HINT, ocr_pdf
from indexer.split import split_edition
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import TAGGER_VERSION, Tagged, tag_article
from indexer.workers import JobFailure, Limits, default_workers, run_isolated


@dataclass(frozen=True)
class Ingested:
    edition: Edition
    articles: tuple[Article, ...]
    tags: dict[str, Tagged]  # by article id
    repaired: bool = False


PIPELINE_VERSION = "1"  # bump when extraction or splitting changes: every PDF is read again


@dataclass(frozen=True)
class EntityChange:
    """What re-tagging changed on one article: entities added and removed, as (type, id, label)."""

    article_id: str
    title: str
    added: tuple[tuple[str, str, str], ...]
    removed: tuple[tuple[str, str, str], ...]


# Why a file could not be indexed (FileOutcome.reason).
FAILURE_REASONS = {
    "not-a-pdf": "the file is not a PDF",
    "needs-password": "the PDF is encrypted with a password",
    "corrupt": "the PDF is damaged beyond repair",
    "unreadable": "the file could not be read, or the reader failed on it",
    "no-text-layer": "the pages are images (a scan) with no text: it needs OCR",
    "garbled-text": "the text is unreadable (fonts without a Unicode map)",
    "no-pages": "the PDF has no pages",
    "timeout": "reading it took longer than the per-file time limit",
    "out-of-memory": "reading it needed more than the per-file memory limit",
    "error": "bad input",
}


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one PDF.

    ``status`` is ``ok``, ``repaired`` (damaged, but its text was recovered) or ``failed``
    (``reason`` says why, one of FAILURE_REASONS). ``change`` says how the file differs from
    the last run: ``added``, ``updated`` or ``unchanged``.
    """

    file: str  # relative to the corpus directory
    status: str
    articles: int = 0
    reason: str | None = None
    message: str | None = None
    seconds: float = 0.0
    extracted: bool = True  # False: not read this run (unchanged since the last one)
    change: str = "added"

    @property
    def outcome(self) -> str:
        """One word for the report: ok, repaired, or the failure's reason."""
        return self.reason or "failed" if self.status == "failed" else self.status

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["outcome"] = self.outcome
        return data


@dataclass(frozen=True)
class BuildReport:
    outcomes: tuple[FileOutcome, ...]
    articles: int
    seconds: float
    entity_changes: tuple[EntityChange, ...] = ()
    removed: tuple[str, ...] = ()  # files indexed before and gone from the corpus now
    published: bool = True  # False: nothing had changed, the live index was left as it was
    editions: int = 0

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    def counts(self) -> dict[str, int]:
        ok = [o for o in self.outcomes if o.status != "failed"]
        return {
            "added": sum(1 for o in ok if o.change == "added"),
            "updated": sum(1 for o in ok if o.change == "updated"),
            "removed": len(self.removed),
            "unchanged": sum(1 for o in ok if o.change == "unchanged"),
            "failed": len(self.failed),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "counts": self.counts(),
            "files": len(self.outcomes),
            "editions": self.editions,
            "articles": self.articles,
            "published": self.published,
            "failed": [o.to_json() for o in self.failed],
            "removed": list(self.removed),
            "outcomes": [o.to_json() for o in self.outcomes],
            "entity_changes": [
                {
                    "article": c.article_id,
                    "title": c.title,
                    "added": [list(e) for e in c.added],
                    "removed": [list(e) for e in c.removed],
                }
                for c in self.entity_changes
            ],
        }


def discover(corpus_dir: Path) -> list[Path]:
    """Every PDF under the corpus directory, in a stable order.

    :raise BulletinsError: if the directory does not exist.
    """
    if not corpus_dir.is_dir():
        raise BulletinsError(f"Corpus directory not found: {corpus_dir}")
    return sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")


def ingest_file(
    path: Path, corpus_dir: Path, manifest: dict[str, dict[str, Any]], gazetteer: Gazetteer
) -> Ingested:
    """Extract, split and describe one PDF.

    :raise BulletinsError: if the file cannot be read or has no text to index.
    """
    relative = path.relative_to(corpus_dir).as_posix()
    return _ingest_extracted(path, relative, extract_pdf(path), manifest, gazetteer, corpus_dir)


def _ingest_extracted(
    path: Path,
    relative: str,
    pdf: ExtractedPdf,
    manifest: dict[str, dict[str, Any]],
    gazetteer: Gazetteer,
    corpus_dir: Path,
    sha256: str | None = None,
) -> Ingested:
    check_text(pdf)
    split = split_edition(pdf, edition_id(relative))
    edition = describe_edition(
        relative, pdf, split.front_matter, manifest.get(relative), corpus_dir
    )
    edition = replace(edition, sha256=sha256 or file_sha256(path))
    return Ingested(edition, split.articles, tag_articles(split.articles, gazetteer), pdf.repaired)


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tag_articles(articles: tuple[Article, ...], gazetteer: Gazetteer) -> dict[str, Tagged]:
    return {a.id: tag_article(a.title, a.body, gazetteer) for a in articles}


def tagger_version(gazetteer: Gazetteer) -> str:
    """Changes whenever tagging an unchanged article could give a different answer."""
    return f"{TAGGER_VERSION}:{gazetteer.version}"


STATE_VERSION = 1
EXTRACT_CACHE_VERSION = "1"  # bump when extract.py's output changes: the cache is not reused


@dataclass(frozen=True)
class BuildOptions:
    """How to run a build: ``full`` reads every PDF again; ``workers`` extraction processes;
    ``limits`` per file."""

    full: bool = False
    workers: int = field(default_factory=default_workers)
    limits: Limits = field(default_factory=Limits)
    ocr: bool = False  # read pages without usable text with Tesseract


@dataclass(frozen=True)
class _Job:
    path: Path
    relative: str
    sha256: str
    change: str


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

    :raise IndexLockedError: if another indexing job is running on the same index.
    :raise BulletinsError: if the corpus folder or its manifest is unusable.
    """
    options = options or BuildOptions(full=full)
    if full and not options.full:
        options = replace(options, full=True)
    started = time.perf_counter()
    root = settings.index_dir
    with writer_lock(root):
        clean_up(root)
        report = _build(settings, gazetteer or Gazetteer.load(), options, on_file, on_start)
        report = replace(report, seconds=round(time.perf_counter() - started, 3))
        write_last_run(root, _run_record(settings, report))
    return report


def _build(
    settings: Settings,
    gazetteer: Gazetteer,
    options: BuildOptions,
    on_file: Callable[[FileOutcome], None] | None,
    on_start: Callable[[int], None] | None,
) -> BuildReport:
    root = settings.index_dir
    corpus = settings.corpus_dir
    manifest = load_manifest(corpus)
    paths = discover(corpus)
    if on_start:
        on_start(len(paths))
    state = read_state(root)
    records: dict[str, dict[str, Any]] = dict(state.get("files") or {})
    version = tagger_version(gazetteer)
    config: dict[str, Any] = {
        "state": STATE_VERSION,
        "schema": SCHEMA_VERSION,
        "pipeline": PIPELINE_VERSION,
        "tagger": version,
        "manifest": _manifest_digest(corpus),
    }
    same_config = all(state.get(k) == v for k, v in config.items())
    old = ArticleIndex(root) if ArticleIndex.exists(root) else None

    jobs: list[_Job] = []
    unchanged: list[tuple[Path, str, dict[str, Any]]] = []
    for path in paths:
        relative = path.relative_to(corpus).as_posix()
        record = records.get(relative)
        sha = _content_hash(path, record)
        change = (
            "added" if record is None else "updated" if record["sha256"] != sha else "unchanged"
        )
        # unchanged bytes: not read again, unless --full or splitting changed since (a file
        # that failed stays failed until it changes or --full)
        current = state.get("pipeline") == PIPELINE_VERSION
        retry_ocr = options.ocr and record is not None and record.get("reason") in _OCR_REASONS
        keep = record is not None and change == "unchanged" and not options.full and not retry_ocr
        if record is not None and keep and (current or record.get("status") == "failed"):
            unchanged.append((path, relative, {**record, "sha256": sha}))
            continue
        jobs.append(_Job(path, relative, sha, change))
    present = {path.relative_to(corpus).as_posix() for path in paths}
    removed = tuple(sorted(set(records) - present))

    if not jobs and not removed and same_config and old is not None:
        kept = [_unchanged_outcome(relative, record) for _, relative, record in unchanged]
        for outcome in kept:
            if on_file:
                on_file(outcome)
        count = old.count()
        old.close()
        return BuildReport(
            tuple(kept), count, 0.0, published=False, editions=_edition_count(records)
        )

    copy_live = same_config and old is not None and not options.full
    generation = new_generation(root, copy_live=copy_live)
    new = ArticleIndex(generation) if copy_live else ArticleIndex.create(generation)
    outcomes: list[FileOutcome] = []
    changes: list[EntityChange] = []
    new_records: dict[str, dict[str, Any]] = {}
    try:
        with new.batch(optimize=not copy_live) as batch:
            for relative in removed:
                batch.delete_edition(edition_id(relative))
            for path, relative, record in unchanged:
                outcome = _unchanged_outcome(relative, record)
                if not copy_live and old is not None:
                    outcome = _rewrite_unchanged(
                        batch, old, path, relative, record, manifest, gazetteer, version, changes
                    )
                new_records[relative] = {**record, **_record_of(outcome)}
                outcomes.append(outcome)
                if on_file:
                    on_file(outcome)
            work = functools.partial(
                _ingest_job,
                corpus=corpus,
                manifest=manifest,
                gazetteer=gazetteer,
                cache=root / CACHE_DIR,
                ocr=options.ocr,
                fresh=options.full,
            )
            done = run_isolated(jobs, work, workers=options.workers, limits=options.limits)
            with contextlib.closing(done):  # its workers stop even if indexing fails
                for finished in done:
                    job = finished.job
                    if isinstance(finished.result, JobFailure):
                        failure = finished.result
                        outcome = FileOutcome(
                            job.relative,
                            "failed",
                            reason=failure.reason,
                            message=failure.message,
                            seconds=finished.seconds,
                            change=job.change,
                        )
                        if not copy_live and old is not None:  # keep what was indexed for it
                            batch.carry_over(old, edition_id(job.relative))
                    else:
                        ingested = finished.result
                        batch.delete_edition(ingested.edition.id)
                        batch.add_edition(
                            ingested.edition,
                            ingested.articles,
                            ingested.tags,
                            version,
                            PIPELINE_VERSION,
                        )
                        outcome = FileOutcome(
                            job.relative,
                            "repaired" if ingested.repaired else "ok",
                            articles=len(ingested.articles),
                            seconds=finished.seconds,
                            change=job.change,
                        )
                    new_records[job.relative] = {
                        **_stat_of(job.path),
                        "sha256": job.sha256,
                        "edition_id": edition_id(job.relative),
                        **_record_of(outcome),
                    }
                    outcomes.append(outcome)
                    if on_file:
                        on_file(outcome)
        count = new.count()
        new.close()
        if old is not None:
            old.close()
        outcomes.sort(key=lambda o: o.file)
        publish(root, generation, {**config, "files": dict(sorted(new_records.items()))})
    except BaseException:
        new.close()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _prune_cache(root / CACHE_DIR, {r["sha256"] for r in new_records.values()})
    return BuildReport(
        tuple(outcomes),
        count,
        0.0,
        tuple(changes),
        removed=removed,
        editions=_edition_count(new_records),
    )


def _content_hash(path: Path, record: dict[str, Any] | None) -> str:
    """The file's SHA-256; taken from the last run when size and modification time match."""
    stat = path.stat()
    if record and (record.get("size"), record.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns):
        return str(record["sha256"])
    return file_sha256(path)


def _stat_of(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _record_of(outcome: FileOutcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "reason": outcome.reason,
        "message": outcome.message,
        "articles": outcome.articles,
    }


def _unchanged_outcome(relative: str, record: dict[str, Any]) -> FileOutcome:
    return FileOutcome(
        relative,
        record.get("status", "ok"),
        articles=int(record.get("articles") or 0),
        reason=record.get("reason"),
        message=record.get("message"),
        extracted=False,
        change="unchanged",
    )


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
    outcome = _unchanged_outcome(relative, record)
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
    """In a worker: extract (or take the cached extraction, unless ``fresh``), split, describe
    and tag; with ``ocr``, pages without usable text are read by Tesseract first."""
    entry = cache / f"{job.sha256}-{EXTRACT_CACHE_VERSION}.pickle"
    pdf = _cached(entry, job.path, extract_pdf, fresh)
    if ocr:
        try:
            check_text(pdf)
        except ExtractionError as exc:
            if exc.reason not in _OCR_REASONS:
                raise
            garbled = exc.reason == "garbled-text"
            pdf = _cached(
                cache / f"{job.sha256}-{EXTRACT_CACHE_VERSION}-ocr.pickle",
                job.path,
                lambda path: ocr_pdf(path, pdf, every_page=garbled),
                fresh,
            )
    return _ingest_extracted(job.path, job.relative, pdf, manifest, gazetteer, corpus, job.sha256)


_OCR_REASONS = ("no-text-layer", "garbled-text")


def _cached(
    entry: Path, path: Path, produce: Callable[[Path], ExtractedPdf], fresh: bool = False
) -> ExtractedPdf:
    """``produce(path)``, or what it gave for the same bytes before (cached as ``entry``);
    ``fresh`` produces it again and replaces the cached copy."""
    if not fresh:
        try:
            with entry.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, ExtractedPdf):
                return replace(cached, source=str(path))
        except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
            pass
    pdf = produce(path)
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(pdf, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(entry)
    return pdf


def _prune_cache(cache: Path, keep: set[str]) -> None:
    """Drop cached extractions of PDFs no longer in the corpus."""
    if not cache.is_dir():
        return
    for entry in cache.iterdir():
        if entry.name.split("-", 1)[0] not in keep:
            entry.unlink(missing_ok=True)


def _manifest_digest(corpus: Path) -> str:
    manifest = corpus / MANIFEST_NAME
    return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""


def _edition_count(records: dict[str, dict[str, Any]]) -> int:
    return sum(1 for r in records.values() if r.get("status") != "failed" or r.get("articles"))


def _run_record(settings: Settings, report: BuildReport) -> dict[str, Any]:
    return {
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": str(settings.corpus_dir),
        **report.to_json(),
    }


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


def index_status(root: Path, index: ArticleIndex | None = None) -> dict[str, Any]:
    """What ``bulletins status`` and the web status page show: the live index's editions and
    articles, the last run's report, and the files that currently fail. ``index``: one already
    open on ``root`` (the web app's), so its cached searcher and facet table are reused."""
    state = read_state(root)
    files = state.get("files") or {}
    failed = [
        {"file": name, "reason": r.get("reason"), "message": r.get("message")}
        for name, r in sorted(files.items())
        if r.get("status") == "failed"
    ]
    status: dict[str, Any] = {
        "exists": ArticleIndex.exists(root),
        "editions": _edition_count(files),
        "articles": 0,
        "files": len(files),
        "failed": failed,
        "last_run": read_last_run(root),
    }
    if status["exists"]:
        opened = index or ArticleIndex(root)
        try:
            status["articles"] = opened.count()
            status["editions"] = len(opened.facet_table().labels.get("edition", {}))
        finally:
            if index is None:
                opened.close()
    return status
