"""Match sets and facet counts from numpy arrays agree with Whoosh and with counting by hand."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.index import ArticleIndex
from indexer.index._documents import restored
from indexer.index._query import parse_query
from indexer.index._schema import DEFAULT_FIELDS, QUERY_FIELDS
from indexer.models import Article, Edition

WORDS = ["county", "lines", "police", "fraud", "wales", "crime", "organised", "partners",
         "slavery", "exploitation", "cyber", "zzznothing"]  # fmt: skip


def _query(words: list[str], ops: list[str]) -> str:
    out = words[0]
    for word, op in zip(words[1:], ops, strict=False):
        out += {"and": " AND ", "or": " OR ", "not": " -", "space": " "}[op] + word
    return out


phrases = st.lists(st.sampled_from([*WORDS, "and", "the", "of"]), min_size=2, max_size=4).map(
    lambda words: '"' + " ".join(words) + '"'
)
queries = st.builds(
    _query,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    st.lists(st.sampled_from(["and", "or", "not", "space"]), max_size=3),
) | phrases | st.sampled_from(['"county lines"', '"organised crime" OR fraud', "exploit*",
                     "title:op*", "polise~1", "*", "agency:nca", "year:2017",
                     '"organised crime groups"', '"crime crime"',
                     '"serious and organised crime"'])  # fmt: skip


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries)
def test_match_sets_equal_whoosh(shipped_index: ArticleIndex, text: str) -> None:
    """For the query as typed and for each step of loosening it (most of its words)."""
    plan = shipped_index._plan(text)
    for step in plan.steps():
        parsed = plan.query(step)
        expected = set(shipped_index._searcher().docs_for_query(parsed))
        mask = shipped_index._doc_sets().of(parsed)
        assert {int(d) for d in mask.nonzero()[0]} == expected
        if step == len(plan.parts):  # not loosened
            page = shipped_index.search(text, relax=False, per_page=100)
            assert page.total == len(expected)


def test_facet_counts_equal_counting_stored_fields(shipped_index: ArticleIndex) -> None:
    page = shipped_index.search("police OR crime", facet_limit=None, relax=False)
    hits = {h.id for h in shipped_index.matches("police OR crime", relax=False)}
    expected: dict[str, Counter[str]] = {}
    for doc in shipped_index._searcher().documents():
        if doc["id"] not in hits:
            continue
        for type_, ids in (doc.get("filter_labels") or {}).items():
            expected.setdefault(type_, Counter()).update(list(ids))
        expected.setdefault("edition", Counter())[doc["edition_id"]] += 1
        if doc.get("section"):
            expected.setdefault("section", Counter())[doc["section"]] += 1
    for type_, counts in expected.items():
        got = {v["id"]: v["count"] for v in page.facets[type_]}
        assert got == dict(counts), type_


def _edition(n: int) -> Edition:
    return Edition(f"e{n}", "T", n, f"2020-{n:02d}", None, f"e{n}.pdf", f"c/e{n}.pdf")


def test_deleted_documents_are_neither_matched_nor_counted() -> None:
    index = ArticleIndex(None)
    for n in (1, 2, 3):
        edition = _edition(n)
        articles = [
            Article(f"e{n}:{i}", edition.id, i, f"Fraud {i}", "heading", "NEWS", (1,), "fraud")
            for i in (1, 2)
        ]
        index.add_edition(edition, articles)
    with index.batch(optimize=False) as batch:  # keeps the deleted documents in the segment
        batch.delete_edition("e2")
    page = index.search("fraud", per_page=10)
    assert page.total == 4
    assert {h.edition["id"] for h in page.results} == {"e1", "e3"}
    assert {v["id"]: v["count"] for v in page.facets["edition"]} == {"e1": 2, "e3": 2}
    newest = index.search("", sort="newest", per_page=10)
    assert [h.id for h in newest.results] == ["e3:1", "e3:2", "e1:1", "e1:2"]
    oldest = index.search("fraud", sort="oldest", per_page=3, page=2)
    assert [h.id for h in oldest.results] == ["e3:2"]


@pytest.mark.parametrize("text", ['"county lines"', '"organised crime" police'])
def test_phrase_ranking_keeps_only_phrase_matches(shipped_index: ArticleIndex, text: str) -> None:
    parsed = parse_query(text, shipped_index._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS)
    expected = {shipped_index._searcher().stored_fields(d)["id"]
                for d in shipped_index._searcher().docs_for_query(parsed)}  # fmt: skip
    page = shipped_index.search(text, per_page=100, relax=False)
    assert {h.id for h in page.results} == expected


_PHRASE_WORDS = ["alpha", "beta", "gamma", "delta", "rare", "omega"]


@pytest.fixture(scope="module")
def long_postings() -> ArticleIndex:
    """Three segments of documents whose common words have many posting blocks (Whoosh
    writes 128 postings a block), a rare word in few of them, and deleted documents."""
    import random

    rng = random.Random(7)
    index = ArticleIndex(None)
    for n in (1, 2, 3):
        edition = _edition(n)
        articles = []
        for i in range(300):
            words = rng.choices(_PHRASE_WORDS[:4], k=rng.randint(3, 12))
            if rng.random() < 0.004:
                words.insert(rng.randint(0, len(words)), "rare")
            body = " ".join(words)
            articles.append(Article(f"e{n}:{i}", edition.id, i, "T", "heading", None, (1,), body))
        index.add_edition(edition, articles)
    with index.batch(optimize=False) as batch:
        for i in range(0, 300, 7):
            batch.add_document(
                restored({**index._searcher().document(id=f"e2:{i}"), "body": "alpha beta rare"})
            )  # replaced
    return index


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(_PHRASE_WORDS), min_size=2, max_size=4),
    known=st.lists(st.sampled_from(_PHRASE_WORDS), max_size=2),
)
def test_phrases_over_many_blocks_equal_whoosh(
    long_postings: ArticleIndex, words: list[str], known: list[str]
) -> None:
    from whoosh import query

    sets = long_postings._doc_sets()
    for word in known:  # some words' sets already remembered, as after earlier searches
        sets.term("body", word)
    phrase = query.Phrase("body", words)
    expected = set(long_postings._searcher().docs_for_query(phrase))
    assert set(np.flatnonzero(sets.of(phrase)).tolist()) == expected
