"""Phrases matched from the postings tables (indexer/index/_phrases.py) find exactly the
documents Whoosh finds, and the tables' positions decode to exactly Whoosh's positions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query

from indexer.index import ArticleIndex
from indexer.index._parallel import folder_of
from indexer.index._phrases import _common, keys_of, read_word
from indexer.index._postings import FIELDS, Table
from indexer.index._sets import DocSets
from indexer.models import Article, Edition

_WORDS = ["alpha", "beta", "gamma", "delta", "rare", "omega"]
_FILLER = "filler"  # far apart repeats: gaps of 2 and 4 bytes


def _edition(n: int) -> Edition:
    return Edition(f"e{n}", "T", n, f"2020-{n:02d}", None, f"e{n}.pdf", f"c/e{n}.pdf")


def _body(rng: random.Random, i: int) -> str:
    words = rng.choices(_WORDS[:4], k=rng.randint(3, 14))
    if rng.random() < 0.01:
        words.insert(rng.randint(0, len(words)), "rare")
    if i % 40 == 0:  # words apart by more than 255 positions (gaps of two bytes)
        words += [_FILLER] * rng.randint(256, 700) + rng.choices(_WORDS[:4], k=6)
    if i == 41:  # and by more than 65,535 (gaps of four bytes)
        words += [_FILLER] * 66_000 + ["alpha", "beta", "alpha", "beta"]
    return " ".join(words)


@pytest.fixture(scope="module")
def tabled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArticleIndex]:
    """An index in a folder (so every segment has a postings table): three segments, words
    with many postings, some far apart, a rare word, and replaced (deleted) documents."""
    rng = random.Random(11)
    index = ArticleIndex.create(tmp_path_factory.mktemp("phrases") / "index")
    for n in (1, 2, 3):
        edition = _edition(n)
        articles = [
            Article(f"e{n}:{i}", edition.id, i, "T", "heading", None, (1,), _body(rng, i))
            for i in range(250)
        ]
        with index.batch(optimize=False) as batch:
            batch.add_edition(edition, articles)
    with index.batch(optimize=False) as batch:
        batch.delete_edition("e2")
        edition = _edition(2)
        batch.add_edition(
            edition,
            [
                Article(f"e2:{i}", "e2", i, "T", "heading", None, (1,), "alpha beta rare gamma")
                for i in range(0, 250, 5)
            ],
        )
    yield index
    index.close()


def test_every_segment_has_a_table(tabled: ArticleIndex) -> None:
    sets = tabled._doc_sets()
    assert len(sets._tables) >= 3 and all(sets._tables)


def test_keys_decode_to_whoosh_s_positions(tabled: ArticleIndex) -> None:
    """Every word's postings, all of them and a few: gaps of one, two and four bytes."""
    generation = tabled._generation()
    folder = folder_of(generation.storage)
    widths: set[int] = set()
    for leaf, offset in generation.searcher.reader().leaf_readers():
        table = Table.open(folder, leaf._segment.segid)
        assert table is not None
        for fieldname in sorted(FIELDS & set(leaf.indexed_field_names())):
            fmt = leaf.schema[fieldname].format
            for term in leaf.lexicon(fieldname):
                read = read_word([table], [offset], fieldname, term)
                assert read is not None
                docs, lengths, data = read
                expected = []
                # (not ``leaf.postings``: that leaves out the deleted documents)
                matcher = leaf._terms.matcher(fieldname, term, fmt)
                while matcher.is_active():
                    expected += [
                        ((matcher.id() + offset) << 32) + p
                        for p in fmt.decode_positions(matcher.value())
                    ]
                    matcher.next()
                assert keys_of(read, fmt).tolist() == expected
                firsts = np.cumsum(lengths) - lengths
                widths.update(data[firsts].tolist())
                some = np.arange(docs.size) % 3 == 1
                starts = firsts[some]
                picked = (
                    docs[some],
                    lengths[some],
                    np.concatenate(
                        [data[a : a + n] for a, n in zip(starts, lengths[some], strict=True)]
                        or [data[:0]]
                    ),
                )
                assert keys_of(picked, fmt).tolist() == [
                    k for k in expected if (k >> 32) in set(docs[some].tolist())
                ]
    assert widths == {1, 2, 4}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from([*_WORDS, _FILLER]), min_size=2, max_size=4),
    known=st.lists(st.sampled_from(_WORDS), max_size=2),
    fieldname=st.sampled_from(["body", "body", "title"]),
)
def test_phrases_from_the_tables_equal_whoosh(
    tabled: ArticleIndex,
    words: list[str],
    known: list[str],
    fieldname: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sets = tabled._doc_sets()
    sets.forget()
    for word in known:  # some words' sets already remembered, as after earlier searches
        sets.term(fieldname, word)

    def unused(*args: object) -> None:
        raise AssertionError("a phrase read Whoosh's blocks though every segment has a table")

    monkeypatch.setattr(DocSets, "_postings", unused)
    phrase = query.Phrase(fieldname, words)
    expected = set(tabled._searcher().docs_for_query(phrase))
    assert set(np.flatnonzero(sets.of(phrase)).tolist()) == expected


def test_a_phrase_over_far_apart_words(tabled: ArticleIndex) -> None:
    sets = tabled._doc_sets()
    sets.forget()
    for words in (["filler", "alpha", "beta"], ["beta", "alpha", "beta"], ["filler", "filler"]):
        phrase = query.Phrase("body", words)
        expected = set(tabled._searcher().docs_for_query(phrase))
        assert expected
        assert set(np.flatnonzero(sets.of(phrase)).tolist()) == expected


def test_a_segment_without_a_table_is_read_from_whoosh_s_blocks(tabled: ArticleIndex) -> None:
    sets = tabled._doc_sets()
    plain = DocSets(tabled._searcher())  # (no folder: no tables)
    assert not any(plain._tables)
    for words in (["alpha", "beta"], ["rare", "gamma"], ["beta", "alpha", "beta"]):
        phrase = query.Phrase("body", words)
        sets.forget()
        assert np.array_equal(plain.of(phrase), sets.of(phrase))


@given(
    a=st.sets(st.integers(0, 1 << 40), max_size=60),
    b=st.sets(st.integers(0, 1 << 40), max_size=60),
    shared=st.sets(st.integers(0, 1 << 40), max_size=30),
    more=st.integers(0, 2000),
)
def test_common_values(a: set[int], b: set[int], shared: set[int], more: int) -> None:
    """Both ways of intersecting: looked up (one side far smaller) and merged."""
    b = b | shared | set(range(7, 7 + 3 * more, 3))
    a = a | shared
    left = np.array(sorted(a), dtype=np.int64)
    right = np.array(sorted(b), dtype=np.int64)
    assert _common(left, right).tolist() == sorted(a & b)
    assert _common(right, left).tolist() == sorted(a & b)


def test_the_shipped_index_s_phrases_from_tables(
    shipped_index: ArticleIndex, tmp_path: Path
) -> None:
    """The shipped corpus's phrases (three fields each), from its tables, equal Whoosh's."""
    sets = shipped_index._doc_sets()
    assert all(sets._tables)
    for text in (
        "county lines",
        "organised crime groups",
        "modern slavery",
        "the police",
        "serious and organised crime",
        "of the",
        "crime crime",
    ):
        words = [t.text for t in shipped_index._ix.schema["body"].analyzer(text)]
        for fieldname in ("title", "body", "entity_names"):
            phrase = query.Phrase(fieldname, words)
            sets.forget()
            fast = sets._table_phrase(
                phrase, shipped_index._ix.schema[fieldname].format, sets.live.copy()
            )
            assert fast is not None
            expected = set(shipped_index._searcher().docs_for_query(phrase))
            assert set(np.flatnonzero(fast & sets.live).tolist()) == expected
