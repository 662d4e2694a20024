"""Per-generation tables (indexer/index/_tables.py) and warming a generation before serving it.

The indexer writes each commit's tables (facets, date orders, publications) beside Whoosh's
files; a server maps them rather than building them, and a server (``switch_when_warm``)
opens and warms a newly published generation in a thread while requests go on being answered
from the one before, then lets the old one's caches go.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from indexer.index import ArticleIndex, _backend, _tables, new_generation, publish
from indexer.index._tables import build_tables, read_tables


def _folder_copy(shipped_index: ArticleIndex, tmp_path: Path) -> Path:
    """A writable copy of the shipped index folder (its live generation and CURRENT)."""
    assert shipped_index.path is not None
    root = tmp_path / "index"
    shutil.copytree(shipped_index.path, root, ignore=shutil.ignore_patterns("cache", ".lock"))
    return root


def _publish_copy_edition(root: Path, number: int) -> str:
    """Publish a new generation holding the shipped edition again under another (fictional)
    edition id, as a reindex would; returns the new generation's name."""
    reader = ArticleIndex(root)
    edition_id = reader.editions()[0].id
    stored = reader.stored_edition(edition_id)
    reader.close()
    assert stored is not None
    fictional = f"fictional-copy-{number}"
    edition = replace(stored.edition, id=fictional, number=900 + number)
    articles = [
        replace(a, id=f"{fictional}-{a.ordinal}", edition_id=fictional) for a in stored.articles
    ]
    generation = new_generation(root, copy_live=True)
    writer = ArticleIndex(generation)
    with writer.batch(optimize=False) as batch:
        batch.add_edition(edition, articles)
    writer.close()
    publish(root, generation, {"test": True})
    return generation.name


def _tables_never_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("tables built in the serving process")

    monkeypatch.setattr(_backend, "build_tables", refuse)


def test_the_indexer_writes_tables_that_equal_building_them(shipped_index: ArticleIndex) -> None:
    generation = shipped_index._generation()
    folder = Path(generation.storage.folder)
    commit = generation.searcher.reader().generation()
    assert (folder / f"tables-{commit}.json").exists()
    read = read_tables(folder, commit)
    assert read is not None
    built = build_tables(generation.searcher, shipped_index._doc_sets())
    for sort in ("newest", "oldest"):
        assert np.array_equal(read.orders[sort], built.orders[sort])
    assert read.publications == built.publications
    live = shipped_index._doc_sets().live
    assert read.facets.counts(live) == built.facets.counts(live)
    assert read.facets.labels == built.facets.labels
    # mapped from the file, not copied into the process
    docs = read.facets.columns["edition"].docs
    assert isinstance(docs.base, np.memmap) and not docs.flags.owndata


def test_a_server_maps_the_tables_and_never_builds_them(
    shipped_index: ArticleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _folder_copy(shipped_index, tmp_path)
    _tables_never_built(monkeypatch)
    index = ArticleIndex(root)
    page = index.search("county lines", sort="newest")
    assert page.total and page.facets["edition"] and index.publications()
    index.close()


def test_an_index_without_tables_builds_them_in_the_process(
    shipped_index: ArticleIndex, tmp_path: Path
) -> None:
    """An index written by an earlier version (no tables) is served the same."""
    root = _folder_copy(shipped_index, tmp_path)
    for path in root.glob("gen-*/tables-*"):
        path.unlink()
    index = ArticleIndex(root)
    assert index.search("county lines").facets == shipped_index.search("county lines").facets
    assert index.publications() == shipped_index.publications()
    index.close()


def test_tables_follow_each_commit(
    shipped_index: ArticleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _folder_copy(shipped_index, tmp_path)
    _publish_copy_edition(root, 1)
    _tables_never_built(monkeypatch)
    index = ArticleIndex(root)
    assert "fictional-copy-1" in index.values("edition")
    assert index.search("").total == 2 * shipped_index.search("").total
    index.close()


def test_damaged_tables_are_built_again_in_the_process(
    shipped_index: ArticleIndex, tmp_path: Path
) -> None:
    root = _folder_copy(shipped_index, tmp_path)
    for path in root.glob("gen-*/tables-*.json"):
        path.write_text("{not json", encoding="utf-8")
    index = ArticleIndex(root)
    assert index.search("county lines").facets == shipped_index.search("county lines").facets
    index.close()


def test_a_server_answers_from_the_old_generation_until_the_new_one_is_warm(
    shipped_index: ArticleIndex, tmp_path: Path
) -> None:
    root = _folder_copy(shipped_index, tmp_path)
    index = ArticleIndex(root, switch_when_warm=True)
    index.warm()
    before = index.search("county lines").total
    old = index._current
    assert old is not None and old.sets is not None
    name = _publish_copy_edition(root, 1)
    # the first search after the publish is answered at once, from the generation before
    assert index.search("county lines").total == before
    index.settle()
    assert index.serving is not None and index.serving.name == name
    assert index.search("county lines").total == 2 * before
    # the words searched lately were read in the new generation before it was switched to
    fresh = index._current
    assert fresh is not None and fresh.sets is not None
    assert ("body", "counti") in fresh.sets.recent_terms(50)
    # the generation replaced let go of its caches at once
    assert old.sets is None or old.sets._cache.nbytes == 0
    assert old.tables is None
    # and the one before that is closed once a third is served
    _publish_copy_edition(root, 2)
    index.search("county lines")
    index.settle()
    assert old.closing and old.sets is None
    assert index.search("county lines").total == 3 * before
    index.close()


def test_a_new_generation_that_fails_to_open_leaves_the_old_one_serving(
    shipped_index: ArticleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _folder_copy(shipped_index, tmp_path)
    index = ArticleIndex(root, switch_when_warm=True)
    before = index.search("county lines").total
    served = index.serving
    original = ArticleIndex._prepare

    def broken(self: ArticleIndex, generation: object, previous: object) -> None:
        raise OSError("a segment file went away")

    monkeypatch.setattr(ArticleIndex, "_prepare", broken)
    _publish_copy_edition(root, 1)
    index.search("county lines")
    index.settle()
    assert index.serving == served
    assert index.search("county lines").total == before  # and it is not retried each search
    monkeypatch.setattr(ArticleIndex, "_prepare", original)
    name = _publish_copy_edition(root, 2)  # the next publish is warmed and served
    index.search("county lines")
    index.settle()
    assert index.serving is not None and index.serving.name == name
    assert index.search("county lines").total == 3 * before
    index.close()


def test_old_tables_are_removed_with_their_commit(tmp_path: Path) -> None:
    folder = tmp_path
    for commit in (1, 2, 3):
        (folder / f"tables-{commit}.json").write_text("{}", encoding="utf-8")
        (folder / f"tables-{commit}.order-newest.npy").write_bytes(b"")
    _tables._remove_older(folder, 2)
    assert sorted(p.name for p in folder.iterdir()) == [
        "tables-2.json",
        "tables-2.order-newest.npy",
        "tables-3.json",
        "tables-3.order-newest.npy",
    ]


@pytest.mark.parametrize("share", [0.0, 0.05, 0.2, 0.5, 0.8, 0.97, 1.0])
def test_facet_counts_equal_counting_every_pair(shipped_index: ArticleIndex, share: float) -> None:
    """However many articles match (few: their own values; most: all less the others; else
    every pair), each value's count is the number of matched articles holding it."""
    table = shipped_index._facet_table()
    size = shipped_index._doc_sets().size
    rng = np.random.default_rng(7)
    for _ in range(5):
        matched = rng.random(size) < share
        ids = np.flatnonzero(matched)
        for type_, column in table.columns.items():
            expected = np.bincount(column.codes[matched[column.docs]], minlength=len(column.values))
            assert column.tally(matched, ids).tolist() == expected.tolist(), type_


def test_an_index_in_memory_writes_no_tables_anywhere(
    shipped_index: ArticleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Whoosh gives an index in memory a folder of "": its tables once went to the working
    folder.)"""
    monkeypatch.chdir(tmp_path)
    index = ArticleIndex(None)
    stored = shipped_index.stored_edition(shipped_index.editions()[0].id)
    assert stored is not None
    with index.batch() as batch:
        batch.add_edition(stored.edition, stored.articles)
    assert index.search("county lines").total and index.search("").facets["edition"]
    assert list(tmp_path.iterdir()) == []
