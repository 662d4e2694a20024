"""Facet counts from rows of bits (a value held by many documents) equal counting the
(document, value) pairs one by one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.index import ArticleIndex
from indexer.index._facets import _Column


def _by_pairs(column: _Column, matched: np.ndarray) -> list[int]:
    counts = [0] * len(column.values)
    for doc, code in zip(column.docs.tolist(), column.codes.tolist(), strict=True):
        counts[code] += bool(matched[doc])
    return counts


@pytest.mark.parametrize("share", [0.3, 0.5, 0.7, 0.9, 0.05])
def test_the_shipped_index_s_counts(shipped_index: ArticleIndex, share: float) -> None:
    table = shipped_index._facet_table()
    size = shipped_index._doc_sets().size
    rng = np.random.default_rng(int(share * 100))
    matched = rng.random(size) < share
    ids = np.flatnonzero(matched)
    split = [t for t, c in table.columns.items() if c.values and c._split is not None]
    assert "theme" in split  # the rows are used (a regression to pairs alone fails here)
    for type_, column in table.columns.items():
        assert column.tally(matched, ids).tolist() == _by_pairs(column, matched), type_


@settings(max_examples=60, deadline=None)
@given(
    held=st.lists(st.sets(st.integers(0, 199), min_size=1, max_size=120), min_size=1, max_size=8),
    twice=st.booleans(),
    share=st.floats(0.26, 0.74),
    seed=st.integers(0, 100),
)
def test_counts_of_dense_and_sparse_values(
    held: list[set[int]], twice: bool, share: float, seed: int
) -> None:
    """Values in many documents and in few, a document twice in a value (every value is in
    some document, as the tables are built)."""
    docs = [np.array(sorted(h), dtype=np.int32) for h in held]
    if twice:
        docs[0] = np.sort(np.concatenate([docs[0], docs[0][:1]]))
    codes = [np.full(len(d), code, dtype=np.int32) for code, d in enumerate(docs)]
    column = _Column.of(
        [f"v{i}" for i in range(len(docs))], np.concatenate(docs), np.concatenate(codes), 200
    )
    matched = np.random.default_rng(seed).random(200) < share
    assert column.tally(matched, np.flatnonzero(matched)).tolist() == _by_pairs(column, matched)
    if twice and len(docs[0]) * 32 >= 200:  # a value counted from bits holds one twice
        assert column._split is None
