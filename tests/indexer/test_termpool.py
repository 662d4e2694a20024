"""A segment written a term at a time (indexer/index/_termpool.py) is the segment Whoosh's own
pool and field writer make from the same documents, byte for byte: in memory, spilled to many
runs, and when segments are merged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.codec import base
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import StructFile

from indexer.index import ArticleIndex, _backend, _termpool
from indexer.index._documents import restored
from indexer.index._postings import Table

COPIES = 12  # of the shipped edition's 15 articles


def _documents(
    shipped_index: ArticleIndex, copies: int, first: int = 0
) -> Iterator[dict[str, Any]]:
    edition_id = shipped_index.editions()[0].id
    docs = shipped_index._edition_docs(edition_id)
    for copy in range(first, first + copies):
        for doc in docs:
            again = restored(doc)
            again["id"] = f"{doc['id']}-fictional-{copy}"
            again["edition_id"] = f"fictional-{copy}"
            yield again


def _whoosh_s_pool(writer: Any, limitmb: int, folder: Path | None = None) -> Any:
    return writer  # Whoosh's SegmentWriter as it comes: its PostingPool and add_postings


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Each file in the index's segments (their order in a compound file follows the
    folder's listing, which the tables beside them change)."""
    files = {}
    for path in sorted(folder.glob("*.seg")):
        with path.open("rb") as handle:
            compound = CompoundStorage(StructFile(handle), use_mmap=False)
            files.update({name: compound.open_file(name).read() for name in compound.list()})
    return files


def _build(
    shipped_index: ArticleIndex,
    folder: Path,
    commits: int,
    monkeypatch: pytest.MonkeyPatch,
    deletions: bool = False,
) -> ArticleIndex:
    """An index of ``commits`` commits of COPIES copies each, the last merging them all; the
    segments' names numbered, not random, so two builds can be compared file by file. With
    ``deletions``, each commit after the first deletes an edition of the one before and
    writes another's articles again (the segments merged have deleted documents)."""
    names = iter(range(1000))
    monkeypatch.setattr(base.Segment, "_random_id", classmethod(lambda cls: f"s{next(names):04d}"))
    index = ArticleIndex.create(folder)
    for commit in range(commits):
        with index.batch(optimize=commit == commits - 1 and commits > 1) as batch:
            if deletions and commit:
                batch.delete_edition(f"fictional-{(commit - 1) * COPIES}")
                for doc in _documents(shipped_index, 1, first=(commit - 1) * COPIES + 1):
                    batch.add_document(doc)  # (replacing the one with its id)
            for doc in _documents(shipped_index, COPIES, first=commit * COPIES):
                batch.add_document(doc)
    return index


@pytest.mark.parametrize(
    ("commits", "limit_mb", "deletions"),
    [(1, 256, False), (1, 1, False), (3, 256, False), (3, 256, True), (3, 1, True)],
)
def test_segments_are_whoosh_s_byte_for_byte(
    shipped_index: ArticleIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    commits: int,
    limit_mb: int,
    deletions: bool,
) -> None:
    """One commit held in memory; one spilled to many runs on disk (a limit of 1 MB); three
    commits merged (Whoosh's merge adds the old segments' postings to the pool), their
    segments with deleted documents or not."""
    with monkeypatch.context() as patched:
        patched.setattr(_backend, "with_term_pool", _whoosh_s_pool)
        reference = _build(shipped_index, tmp_path / "whoosh", commits, patched, deletions)
    spilled: list[str] = []
    original = _termpool.TermPool.save

    def counted(self: _termpool.TermPool) -> None:
        spilled.append(self.segment.segid)
        original(self)

    monkeypatch.setattr(_termpool.TermPool, "save", counted)
    monkeypatch.setattr(_backend, "WRITER_MB", limit_mb)
    ours = _build(shipped_index, tmp_path / "ours", commits, monkeypatch, deletions)
    expected, got = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "ours")
    assert expected.keys() == got.keys() and any(name.endswith(".pst") for name in got)
    postings = {name for name in got if name.endswith((".pst", ".trm"))}
    if limit_mb == 1 and commits > 1:
        # Whoosh's pool loses the encoder's shared values between its runs, so a block of
        # postings from two runs pickles a value twice where ours refers back to it: the same
        # postings, in fewer bytes (and the term index's offsets into them differ)
        with reference._ix.reader() as theirs, ours._ix.reader() as mine:
            assert list(mine.iter_postings()) == list(theirs.iter_postings())
            assert list(mine.iter_docs()) == list(theirs.iter_docs())
        (pst,) = (name for name in postings if name.endswith(".pst"))
        assert len(got[pst]) < len(expected[pst])
    else:
        postings = set()
    for name, data in expected.items():
        assert name in postings or got[name] == data, name
    assert (len(spilled) > 3) == (limit_mb == 1)  # many runs, or none
    (segment,) = {name.split(".")[0].split("_")[-1] for name in got}
    assert Table.open(tmp_path / "ours", segment) is not None  # and its postings table
    assert ours.search("county lines").total == reference.search("county lines").total > 0
    reference.close()
    ours.close()


def test_a_cancelled_writer_leaves_no_runs(
    shipped_index: ArticleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_backend, "WRITER_MB", 1)
    index = ArticleIndex.create(tmp_path / "index")
    with pytest.raises(RuntimeError), index.batch() as batch:
        for doc in _documents(shipped_index, COPIES):
            batch.add_document(doc)
        raise RuntimeError("stopped")
    assert index.count() == 0
    leftovers = [p for p in (tmp_path / "index").rglob("*") if p.suffix in {".terms", ".run"}]
    assert leftovers == []
    index.close()


@pytest.mark.parametrize(("rewritten", "segments_after"), [(1, 2), (3, 1)])
def test_a_tidy_commit_merges_one_segment_only_when_much_of_it_is_deleted(
    shipped_index: ArticleIndex, tmp_path: Path, rewritten: int, segments_after: int
) -> None:
    """Ten copies, then ``rewritten`` of them written again (a tenth of the documents
    deleted: left as they are, beside a segment of the new ones; more: merged into one)."""
    index = ArticleIndex.create(tmp_path / "index")
    with index.batch() as batch:
        for doc in _documents(shipped_index, 10):
            batch.add_document(doc)
    [first] = index._ix._segments()
    with index.batch(tidy=True) as batch:
        for doc in _documents(shipped_index, rewritten):
            batch.add_document(doc)  # (replacing the one with its id)
    after = index._ix._segments()
    assert len(after) == segments_after
    assert (first.segid in {s.segid for s in after}) == (segments_after == 2)
    assert index.count() == 10 * len(list(_documents(shipped_index, 1)))
    assert index.search("county lines").total == 10
    with index.batch(tidy=True) as batch:  # two segments: merged whatever they hold
        pass
    assert len(index._ix._segments()) == 1
    index.close()
