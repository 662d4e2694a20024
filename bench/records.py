"""Synthetic article records, tagged by the real tagger, cached on disk; and index builds."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Iterator
from pathlib import Path

from bench.synth import editions_for
from indexer.index import ArticleIndex, clean_up, new_generation, publish
from indexer.models import Article, Edition
from indexer.pipeline import PIPELINE_VERSION, tag_articles, tagger_version
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import Tagged

Record = tuple[Edition, tuple[Article, ...], dict[str, Tagged]]
_GAZETTEER: Gazetteer | None = None


def records_file(work: Path, count: int, seed: int) -> Path:
    """A file of ``count`` tagged article records (made once per work folder, seed and count)."""
    path = work / f"records-{count}-{seed}.pickle"
    if path.exists():
        return path
    work.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with (
        multiprocessing.get_context("fork").Pool(2) as pool,
        partial.open("wb") as handle,
    ):
        editions = ((e, tuple(a)) for e, a in editions_for(count, seed))
        for record in pool.imap(_tag, editions, chunksize=4):
            pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return path


def _tag(item: tuple[Edition, tuple[Article, ...]]) -> Record:
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = Gazetteer.load()
    edition, articles = item
    return edition, articles, tag_articles(articles, _GAZETTEER)


def read_records(path: Path) -> Iterator[Record]:
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def build_index_from(records: Path, root: Path, processes: int = 2) -> int:
    """A new published index at ``root`` holding every record in the file, written in one
    batch (by ``processes`` processes, a segment each) as ``bulletins index`` writes a new
    index; returns the number of articles."""
    version = tagger_version(Gazetteer.load())
    clean_up(root)
    generation = new_generation(root, copy_live=False)
    index = ArticleIndex.create(generation)
    count = 0
    with index.batch(optimize=True, processes=processes) as batch:
        for edition, articles, tags in read_records(records):
            count += batch.add_edition(edition, articles, tags, version, PIPELINE_VERSION)
    index.close()
    publish(root, generation, {"benchmark": True})
    return count
