"""A batch written by several processes, a segment each (indexer/index/_parallel.py): the same
index as one process writes, and all or nothing when a process fails or dies."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.index import ArticleIndex, _parallel
from indexer.index._documents import restored
from indexer.index._parallel import ParallelWriteError
from indexer.index._spelling import read_vocabulary

COPIES = 40  # of the shipped edition's 15 articles: 600 documents, three shares


def _documents(shipped_index: ArticleIndex) -> Iterator[dict[str, Any]]:
    """The shipped edition's articles again and again, as fictional editions of their own."""
    edition_id = shipped_index.editions()[0].id
    docs = shipped_index._edition_docs(edition_id)
    for copy in range(COPIES):
        for doc in docs:
            again = restored(doc)
            again["id"] = f"{doc['id']}-fictional-{copy}"
            again["edition_id"] = f"fictional-{copy}"
            yield again


def _built(shipped_index: ArticleIndex, folder: Path, processes: int) -> ArticleIndex:
    index = ArticleIndex.create(folder)
    with index.batch(processes=processes) as batch:
        for doc in _documents(shipped_index):
            batch.add_document(doc)
    return index


@pytest.mark.slow
def test_several_processes_write_the_same_index_as_one(
    shipped_index: ArticleIndex, tmp_path: Path
) -> None:
    one = _built(shipped_index, tmp_path / "one", 1)
    two = _built(shipped_index, tmp_path / "two", 2)
    assert len(list(two._searcher().reader().leaf_readers())) == 2  # a segment per process
    assert two.count() == one.count() == COPIES * 15
    for text in ("county lines", '"organised crime"', "police -fraud", "exploitation"):
        a, b = one.search(text, per_page=100), two.search(text, per_page=100)
        assert a.total == b.total
        assert a.facets == b.facets
        scores = [{h.id: round(h.score, 6) for h in i.matches(text)} for i in (one, two)]
        assert scores[0] == scores[1]  # (ties are in another order: documents' numbers)
    vocabulary = [
        read_vocabulary(index._ix.storage, index._searcher().reader().generation())
        for index in (one, two)
    ]
    assert vocabulary[0] == vocabulary[1] and vocabulary[0]
    one.close()
    two.close()


@pytest.mark.slow
def test_a_failing_process_commits_nothing(shipped_index: ArticleIndex, tmp_path: Path) -> None:
    index = _built(shipped_index, tmp_path / "index", 1)
    before = index.count()
    with (
        pytest.raises(ParallelWriteError, match="UnknownFieldError"),
        index.batch(processes=2) as batch,
    ):
        for doc in _documents(shipped_index):
            batch.add_document({**doc, "id": doc["id"] + "-again"})
        batch.add_document({"id": "broken", "no_such_field": "x"})
    assert index.count() == before
    index.close()


@pytest.mark.slow
def test_a_killed_process_commits_nothing(shipped_index: ArticleIndex, tmp_path: Path) -> None:
    index = _built(shipped_index, tmp_path / "index", 1)
    before = index.count()
    with pytest.raises(ParallelWriteError, match=r"died|gone"), index.batch(processes=2) as batch:
        writer = batch._writer
        for doc in _documents(shipped_index):
            batch.add_document({**doc, "id": doc["id"] + "-again"})
        child = writer._children[1][0]
        os.kill(child.pid, signal.SIGKILL)  # a process killed as it writes (out of memory)
        time.sleep(0.2)
    assert index.count() == before
    index.close()


@pytest.mark.slow
def test_bulletins_index_writes_a_large_new_index_in_parallel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.config import Settings
    from indexer.pipeline import BuildOptions, apply, build_index
    from tests.conftest import corpus_of_copies

    corpus = corpus_of_copies(tmp_path, 3)
    serial = Settings(corpus_dir=corpus, index_dir=tmp_path / "serial")
    parallel = Settings(corpus_dir=corpus, index_dir=tmp_path / "parallel")
    assert not build_index(serial, options=BuildOptions(workers=2)).failed
    monkeypatch.setattr(apply, "PARALLEL_FILES", 2)
    monkeypatch.setattr(_parallel, "_SHARE", 10)  # (45 articles: both processes get some)
    assert not build_index(parallel, options=BuildOptions(workers=2)).failed
    one, two = ArticleIndex(serial.index_dir), ArticleIndex(parallel.index_dir)
    assert len(list(one._searcher().reader().leaf_readers())) == 1
    assert len(list(two._searcher().reader().leaf_readers())) == 2
    for text in ("county lines", "brothels arrests", '"modern slavery"'):
        a, b = one.search(text, per_page=100), two.search(text, per_page=100)
        assert (a.total, a.facets) == (b.total, b.facets)
        assert {h.id for h in a.results} == {h.id for h in b.results}
    one.close()
    two.close()
