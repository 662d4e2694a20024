"""Each segment's postings table (indexer/index/_postings.py) holds exactly Whoosh's postings:
the same documents, weights and positions, word for word."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.index import ArticleIndex
from indexer.index._parallel import folder_of
from indexer.index._postings import FIELDS, Table, segment_ids
from indexer.index._sets import posting_arrays


def test_every_word_s_postings_equal_whoosh_s(shipped_index: ArticleIndex) -> None:
    generation = shipped_index._generation()
    folder = folder_of(generation.storage)
    reader = generation.searcher.reader()
    words = 0
    for leaf, _ in reader.leaf_readers():
        table = Table.open(folder, leaf._segment.segid)
        assert table is not None  # written with the segment
        for fieldname in sorted(FIELDS):
            fmt = leaf.schema[fieldname].format
            for term in leaf.lexicon(fieldname):
                ids, weights = posting_arrays(leaf.postings(fieldname, term), weights=True)
                kept = table.postings(fieldname, term)
                assert kept is not None
                assert kept[0].tolist() == ids.tolist()
                assert np.allclose(kept[1], weights)
                stored = table.positions(fieldname, term)
                assert stored is not None
                docs, lengths, data = stored
                assert docs.tolist() == ids.tolist()
                matcher = leaf.postings(fieldname, term)
                expected = []
                while matcher.is_active():
                    expected.append(list(fmt.decode_positions(matcher.value())))
                    matcher.next()
                counts, where = fmt.positions_from(lengths, data)
                got = np.split(where, np.cumsum(counts)[:-1]) if len(counts) else []
                assert [g.tolist() for g in got] == expected
                words += 1
    assert words > 1000
    assert table.postings("body", b"zzznothingzzz")[0].size == 0


def test_tables_go_with_their_segments(shipped_index: ArticleIndex, tmp_path: Path) -> None:
    """A segment merged away takes its table with it at the next commit."""
    index = ArticleIndex.create(tmp_path / "index")
    stored = shipped_index.stored_edition(shipped_index.editions()[0].id)
    assert stored is not None
    for copy in range(3):  # three commits, three segments, then merged
        edition_id = f"fictional-{copy}"
        with index.batch(optimize=copy == 2) as batch:
            batch.add_edition(
                stored.edition.__class__(**{**stored.edition.__dict__, "id": edition_id}),
                [a.__class__(**{**a.__dict__, "id": f"{edition_id}:{a.ordinal}",
                                "edition_id": edition_id}) for a in stored.articles],
            )  # fmt: skip
    live = segment_ids(index._searcher().reader())
    tabled = {
        p.name.split(".")[0].removeprefix("postings-")
        for p in (tmp_path / "index").glob("postings-*.keys.npy")
    }
    assert tabled == live and len(live) == 1
    assert index.search("county lines").total == 3 * shipped_index.search("county lines").total
    index.close()
