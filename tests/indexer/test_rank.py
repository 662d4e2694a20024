"""Relevance scores computed with numpy over every match equal Whoosh's own, order included."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query

from indexer.index import ArticleIndex
from indexer.index._backend import Batch
from indexer.index._query import parse_query
from indexer.index._schema import DEFAULT_FIELDS, QUERY_FIELDS
from indexer.index._sets import without_positions
from indexer.models import Article, Edition

WORDS = ["county", "lines", "police", "fraud", "wales", "crime", "organised", "partners",
         "slavery", "exploitation", "cyber", "zzznothing", "the"]  # fmt: skip


def _query(words: list[str], ops: list[str]) -> str:
    out = words[0]
    for word, op in zip(words[1:], ops, strict=False):
        out += {"and": " AND ", "or": " OR ", "not": " -", "space": " "}[op] + word
    return out


queries = st.builds(
    _query,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    st.lists(st.sampled_from(["and", "or", "not", "space"]), max_size=3),
) | st.sampled_from(['"county lines"', '"organised crime" OR fraud', "title:crime police^2",
                     "(police OR crime) AND wales", "agency:nca", "NOT fraud"])  # fmt: skip


def _assert_same_ranking(index: ArticleIndex, parsed: query.Query) -> None:
    ranking = without_positions(parsed)
    ranker = index._ranker()
    assert ranker.supports(ranking), ranking
    mask = index._doc_sets().of(parsed)
    ours = ranker.top(ranking, mask, 0, None)
    theirs = index._searcher().search(ranking, limit=None, filter=set(mask.nonzero()[0].tolist()))
    expected = {int(docnum): float(score) for score, docnum in theirs.top_n}
    assert {d for d, _ in ours} == set(expected)
    for docnum, score in ours:
        assert score == pytest.approx(expected[docnum], rel=1e-9, abs=1e-12)
    keys = [(-round(score, 9), docnum) for docnum, score in ours]
    assert keys == sorted(keys)  # best first, ties to the lower document number
    top = ranker.top(ranking, mask, 2, 7)  # a page out of the middle: the same slice
    assert [d for d, _ in top] == [d for d, _ in ours[2:7]]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries, any_word=st.booleans())
def test_scores_equal_whoosh(shipped_index: ArticleIndex, text: str, any_word: bool) -> None:
    parsed = parse_query(
        text, shipped_index._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS, any_word=any_word
    )
    _assert_same_ranking(shipped_index, parsed)


def test_scores_equal_whoosh_across_segments_with_deletions() -> None:
    index = ArticleIndex(None)
    words = ["fraud police", "fraud fraud wales", "county lines fraud", "police crime"]
    for n in range(1, 6):
        edition = Edition(f"e{n}", "T", n, f"2020-{n:02d}", None, f"e{n}.pdf", f"c/e{n}.pdf")
        articles = [
            Article(f"e{n}:{i}", edition.id, i, f"Title {i} {words[(n + i) % 4]}", "heading",
                    "NEWS", (1,), " ".join(words[(n * i + j) % 4] for j in range(n + i)))
            for i in range(1, 5)
        ]  # fmt: skip
        writer = index._ix.writer()
        Batch(writer).add_edition(edition, articles)
        writer.commit(merge=False)  # one segment per edition
    writer = index._ix.writer()
    Batch(writer).delete_edition("e3")
    writer.commit(merge=False)
    assert len(list(index._searcher().reader().leaf_readers())) > 1
    for text, any_word in [("fraud", False), ("fraud wales", True), ("police -crime", False),
                           ("title:fraud OR lines", False)]:  # fmt: skip
        schema = index._ix.schema
        parsed = parse_query(text, schema, DEFAULT_FIELDS, QUERY_FIELDS, any_word=any_word)
        _assert_same_ranking(index, parsed)
    assert all(h.edition["id"] != "e3" for h in index.search("fraud", per_page=100).results)


@pytest.mark.parametrize("text", ["exploit*", "polise~1", "county NEAR lines"])
def test_other_query_shapes_are_ranked_by_whoosh(shipped_index: ArticleIndex, text: str) -> None:
    parsed = parse_query(text, shipped_index._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS)
    if not shipped_index._ranker().supports(without_positions(parsed)):
        page = shipped_index.search(text, per_page=5, relax=False)
        expected = [h["id"] for h in shipped_index._searcher().search(parsed, limit=5)]
        assert [h.id for h in page.results] == expected


@pytest.mark.parametrize("text", ['"county lines" ANDNOT police', "crime ANDMAYBE fraud"])
def test_binary_operators_with_phrases_are_searched(shipped_index: ArticleIndex, text: str) -> None:
    """Whoosh's ANDNOT and ANDMAYBE join two parts: ranked without positions as two parts
    (once, ANDNOT failed with a TypeError). Each part's matches come from Whoosh (whose own
    ANDNOT matcher keeps an article holding the phrase and the word: it is not asked)."""
    parsed = parse_query(text, shipped_index._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS)
    searcher = shipped_index._searcher()
    first, second = (set(searcher.docs_for_query(part)) for part in (parsed.a, parsed.b))
    page = shipped_index.search(text, per_page=100, relax=False)
    expected = first - second if "ANDNOT" in text else first
    assert first and second
    assert {h.id for h in page.results} == {searcher.stored_fields(d)["id"] for d in expected}
