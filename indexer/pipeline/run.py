"""Do the work of reading PDFs, in worker processes: each job reads one file's bytes, extracts
its text (or takes the cached extraction of the same bytes; with OCR, pages without usable
text are read by Tesseract), checks there is text to index, splits it into articles, describes
the edition and tags the articles. The jobs run under the per-file time and memory limits of
``indexer.workers``, and come back one by one as they finish.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from indexer.config import IndexingSettings
from indexer.editions import describe_edition, edition_id
from indexer.errors import ExtractionError
from indexer.extract import extract_pdf, read_source
from indexer.index import CACHE_DIR
from indexer.models import Article, Edition, ExtractedPdf, PageLayout, SourceFile
from indexer.ocr import INSTALL_HINT, ocr_pdf
from indexer.pipeline.cache import cache_entry, cached
from indexer.pipeline.plan import Job, Plan
from indexer.pipeline.report import OCR_REASONS
from indexer.split import split_edition
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import TAGGER_VERSION, Tagged, tag_article
from indexer.workers import Done, JobFeed, Limits, run_isolated


@dataclass(frozen=True)
class Ingested:
    edition: Edition
    articles: tuple[Article, ...]
    tags: dict[str, Tagged]  # by article id
    repaired: bool = False
    size: int = 0  # the file's size and modification time when its bytes were read
    mtime_ns: int = 0
    layout: tuple[PageLayout, ...] = ()  # where each page's lines are printed


Results = Generator[Done[Job, Ingested], None, None]
READER_JOIN_SECONDS = 30.0  # (the cluster's reader thread ends within a poll of being told)


def run_jobs(
    plan: Plan,
    gazetteer: Gazetteer,
    *,
    workers: int,
    limits: Limits,
    ocr: bool,
    fresh: bool,
    broker: str | None = None,
    worker_wait: float = IndexingSettings.worker_wait_seconds,
) -> Results:
    """The plan's jobs, run in at most ``workers`` worker processes; each result as it
    finishes. Nothing starts until the first result is asked for; closing the iterator (or
    using it to the end) stops the workers. With ``broker`` (a Celery broker's URL), the PDFs
    are read on the cluster first (``indexer.cluster``), then split and tagged here from the
    extraction cache."""
    if broker is not None:
        return _on_cluster(
            plan,
            gazetteer,
            broker,
            workers=workers,
            limits=limits,
            ocr=ocr,
            fresh=fresh,
            worker_wait=worker_wait,
        )
    return run_isolated(
        plan.jobs, _work(plan, gazetteer, ocr, fresh), workers=workers, limits=limits
    )


def _work(plan: Plan, gazetteer: Gazetteer, ocr: bool, fresh: bool) -> functools.partial[Ingested]:
    return functools.partial(
        ingest_job,
        corpus=plan.survey.corpus_dir,
        manifest=plan.survey.manifest,
        gazetteer=gazetteer,
        cache=plan.survey.index_dir / CACHE_DIR,
        ocr=ocr,
        fresh=fresh,
    )


def _on_cluster(
    plan: Plan,
    gazetteer: Gazetteer,
    broker: str,
    *,
    workers: int,
    limits: Limits,
    ocr: bool,
    fresh: bool,
    worker_wait: float,
) -> Results:
    """The jobs' PDFs read by the cluster's workers into the extraction cache (those a worker
    could not read given their outcome), each split and tagged here as it comes back (the
    local workers splitting while the cluster reads)."""
    from indexer.cluster import extract_on_cluster, preload

    preload()
    cache = plan.survey.index_dir / CACHE_DIR
    feed: JobFeed[Job] = JobFeed()
    stop = threading.Event()

    def read() -> None:
        """Each job to the local workers as its extraction comes back; a failure as is."""
        try:
            for done in extract_on_cluster(
                broker,
                plan.jobs,
                cache,
                ocr=ocr,
                limits=limits,
                fresh=fresh,
                worker_wait=worker_wait,
                stop=stop,
            ):
                if done.result is None:
                    feed.put(done.job)
                else:
                    feed.put_done(done)
        except BaseException as exc:  # (the run ends with it, in the caller's thread)
            feed.close(exc)
        else:
            feed.close()

    reader = threading.Thread(target=read, name="bulletins-cluster", daemon=True)
    reader.start()
    work = _work(plan, gazetteer, ocr, fresh=False)  # (read just now, by the cluster)
    try:
        # not forked: the broker's client has threads of its own (see run_isolated)
        yield from run_isolated(
            feed, work, workers=workers, limits=limits, start_method="forkserver"
        )
    finally:
        stop.set()
        reader.join(timeout=READER_JOIN_SECONDS)


def ingest_job(
    job: Job,
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
    pdf = extracted_for(source, cache, ocr=ocr, fresh=fresh)
    ingested = _ingest_extracted(job.relative, pdf, manifest, gazetteer, corpus, source.sha256)
    return replace(ingested, size=source.size, mtime_ns=source.mtime_ns)


def extracted_for(source: SourceFile, cache: Path, *, ocr: bool, fresh: bool) -> ExtractedPdf:
    """The extraction of ``source``'s bytes: from ``cache``, or read now and kept there (with
    ``ocr``, by Tesseract when the text layer will not do, kept too)."""
    pdf = cached(cache_entry(cache, source.sha256), source, extract_pdf, fresh)
    return _with_ocr(pdf, source, cache, fresh) if ocr else pdf


def _with_ocr(pdf: ExtractedPdf, source: SourceFile, cache: Path, fresh: bool) -> ExtractedPdf:
    """``pdf``, or, when it has no usable text, its pages read by Tesseract (cached too):
    those without text, or every page when the text is garbled."""
    try:
        check_text(pdf)
    except ExtractionError as exc:
        if exc.reason not in OCR_REASONS:
            raise
        garbled = exc.reason == "garbled-text"
        return cached(
            cache_entry(cache, source.sha256, ocr=True),
            source,
            lambda source: ocr_pdf(source, pdf, every_page=garbled),
            fresh,
        )
    return pdf


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
    return Ingested(
        edition,
        split.articles,
        tag_articles(split.articles, gazetteer),
        pdf.repaired,
        layout=tuple(PageLayout.of(page) for page in pdf.pages),
    )


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
