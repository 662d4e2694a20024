"""Compose the stages: find PDFs → extract → split → describe → index.

One bad file never stops a batch: its failure is recorded as data, and whatever the previous
index held for it is carried into the new one, so a failure never loses indexed articles.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.editions import apply_manifest, describe_edition, edition_id, load_manifest
from indexer.errors import BulletinsError, ExtractionError
from indexer.extract import extract_pdf
from indexer.index import ArticleIndex
from indexer.models import Article, Edition
from indexer.split import split_edition
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import TAGGER_VERSION, Tagged, tag_article


@dataclass(frozen=True)
class Ingested:
    edition: Edition
    articles: tuple[Article, ...]
    tags: dict[str, Tagged]  # by article id


PIPELINE_VERSION = "1"  # bump when extraction or splitting changes: every PDF is read again


@dataclass(frozen=True)
class EntityChange:
    """What re-tagging changed on one article: entities added and removed, as (type, id, label)."""

    article_id: str
    title: str
    added: tuple[tuple[str, str, str], ...]
    removed: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one PDF. ``status`` is ``ok`` or ``failed``."""

    file: str  # relative to the corpus directory
    status: str
    articles: int = 0
    reason: str | None = None  # for failures: not-a-pdf, needs-password, corrupt, no-text, ...
    message: str | None = None
    seconds: float = 0.0
    extracted: bool = True  # False: unchanged since the last run, re-tagged from stored text

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class BuildReport:
    outcomes: tuple[FileOutcome, ...]
    articles: int
    seconds: float
    entity_changes: tuple[EntityChange, ...] = ()

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status != "ok")


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
    pdf = extract_pdf(path)
    if not pdf.pages:
        raise ExtractionError("the PDF has no pages", "no-pages")
    if pdf.char_count == 0:
        raise ExtractionError(
            "no text layer (a scan, or text drawn as shapes); it needs OCR", "no-text"
        )
    split = split_edition(pdf, edition_id(relative))
    edition = describe_edition(
        relative, pdf, split.front_matter, manifest.get(relative), corpus_dir
    )
    edition = replace(edition, sha256=file_sha256(path))
    return Ingested(edition, split.articles, tag_articles(split.articles, gazetteer))


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


Reuse = Callable[[Path, str, dict[str, Any] | None], Ingested | None]


def ingest_corpus(
    corpus_dir: Path,
    gazetteer: Gazetteer,
    on_file: Callable[[FileOutcome], None] | None = None,
    reuse: Reuse | None = None,
) -> Iterator[tuple[FileOutcome, Ingested | None]]:
    """Ingest every PDF of the corpus, yielding an outcome for each (failures included).

    ``reuse(path, relative, manifest_entry)`` may return an edition ingested before, when the
    file has not changed; it is then re-tagged but not read again.
    """
    manifest = load_manifest(corpus_dir)
    for path in discover(corpus_dir):
        relative = path.relative_to(corpus_dir).as_posix()
        started = time.perf_counter()
        ingested: Ingested | None = None
        try:
            ingested = reuse(path, relative, manifest.get(relative)) if reuse else None
            extracted = ingested is None
            if ingested is None:
                ingested = ingest_file(path, corpus_dir, manifest, gazetteer)
            outcome = FileOutcome(
                relative, "ok", articles=len(ingested.articles), extracted=extracted
            )
        except ExtractionError as exc:
            outcome = FileOutcome(relative, "failed", reason=exc.reason, message=str(exc))
        except BulletinsError as exc:
            outcome = FileOutcome(relative, "failed", reason="error", message=str(exc))
        outcome = replace(outcome, seconds=round(time.perf_counter() - started, 3))
        if on_file:
            on_file(outcome)
        yield outcome, ingested


def build_index(
    settings: Settings,
    on_file: Callable[[FileOutcome], None] | None = None,
    gazetteer: Gazetteer | None = None,
    *,
    full: bool = False,
) -> BuildReport:
    """Rebuild the index from the corpus beside the live one, then swap it in.

    Searches keep using the old index until the swap. A PDF unchanged since the last run (same
    bytes, same pipeline version) is not read again: its stored articles are re-tagged with the
    current gazetteer, and the entities that changed are reported. ``full`` reads every PDF.
    A file that fails keeps the articles the old index held for it.
    """
    started = time.perf_counter()
    gazetteer = gazetteer or Gazetteer.load()
    version = tagger_version(gazetteer)
    target = settings.index_dir
    building = target.parent / f".{target.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    new = ArticleIndex.create(building)
    old = ArticleIndex(target) if ArticleIndex.exists(target) else None
    outcomes: list[FileOutcome] = []
    changes: list[EntityChange] = []

    def reuse(path: Path, relative: str, entry: dict[str, Any] | None) -> Ingested | None:
        stored = old.stored_edition(edition_id(relative)) if old is not None and not full else None
        if stored is None:
            return None
        edition, articles, docs = stored
        first = docs[articles[0].id] if articles else {}
        if first.get("pipeline_version") != PIPELINE_VERSION or edition.sha256 != file_sha256(path):
            return None
        tags = tag_articles(tuple(articles), gazetteer)
        changes.extend(_entity_changes(articles, tags, docs))
        return Ingested(apply_manifest(edition, entry), tuple(articles), tags)

    try:
        for outcome, ingested in ingest_corpus(settings.corpus_dir, gazetteer, on_file, reuse):
            outcomes.append(outcome)
            if ingested is not None:
                new.add_edition(
                    ingested.edition, ingested.articles, ingested.tags, version, PIPELINE_VERSION
                )
            elif old is not None:
                new.carry_over(old, edition_id(outcome.file))
        articles = new.count()
        new.close()
        if old is not None:
            old.close()
        _swap(building, target)
    except BaseException:
        new.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    seconds = round(time.perf_counter() - started, 3)
    return BuildReport(tuple(outcomes), articles, seconds, tuple(changes))


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


def _swap(building: Path, target: Path) -> None:
    retired = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(retired)
    building.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
