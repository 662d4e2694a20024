"""The indexing shortcut gives exactly the terms, positions and weights of Whoosh's own chain
(which still analyses queries and highlights), so what is indexed is what is searched."""

from __future__ import annotations

import pickle
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import analysis, formats
from whoosh.support.charset import accent_map

from indexer.index._schema import TEXT_ANALYZER, build_schema
from indexer.index.pickled_v1 import CommaTerms, StemmedText, TermPositions

_CHARS = st.sampled_from(list("abcXYZ éÉçßİſﬁ_.,-'’0129 \n\t"))
_WORDS = st.sampled_from(["running", "Organised", "crimes", "U.K.", "3.5", "café", "İstanbul"])
texts = (
    st.text(_CHARS, max_size=80)
    | st.text(max_size=40)
    | st.lists(_WORDS | st.text(_CHARS, max_size=3), max_size=12).map(" ".join)
)


WHOOSH_DEFAULT = analysis.StemmingAnalyzer(stoplist=None, minsize=1) | analysis.CharsetFilter(
    accent_map
)


@given(texts)
def test_terms_are_whooshs_terms(text: str) -> None:
    assert TEXT_ANALYZER.terms(text) == [token.text for token in TEXT_ANALYZER(text)]
    assert TEXT_ANALYZER.terms(text) == [token.text for token in WHOOSH_DEFAULT(text)]
    assert TEXT_ANALYZER.terms(text) == TEXT_ANALYZER.terms(text)  # remembered words too


@pytest.mark.parametrize("boost", [1.0, 3.0, 0.5])
@given(text=texts)
def test_postings_are_whooshs_postings(boost: float, text: str) -> None:
    ours_format = TermPositions(field_boost=boost)
    ours = ours_format.word_values(text, TEXT_ANALYZER, mode="index")
    theirs_format = formats.Positions(field_boost=boost)
    theirs = theirs_format.word_values(text, TEXT_ANALYZER, mode="index")

    def decoded(fmt: formats.Format, postings: Iterable[tuple[str, int, float, bytes]]) -> list:
        return sorted(
            (
                term,
                freq,
                weight,
                fmt.decode_positions(value),
                fmt.decode_frequency(value),
                fmt.decode_weight(value),
            )
            for term, freq, weight, value in postings
        )

    assert decoded(ours_format, ours) == decoded(theirs_format, theirs)


position_lists = st.lists(
    st.integers(0, 70_000) | st.integers(0, 300), max_size=30, unique=True
).map(sorted)


@given(st.lists(position_lists, max_size=12), st.booleans())
def test_many_postings_decode_at_once(lists: list[list[int]], legacy: bool) -> None:
    ours = TermPositions()
    encoder = formats.Positions() if legacy else ours  # an index written before, or now
    values = [encoder.encode(found) for found in lists]
    assert [ours.decode_positions(value) for value in values] == lists
    counts, positions = ours.positions_of(values)
    assert counts.tolist() == [len(found) for found in lists]
    assert positions.tolist() == [p for found in lists for p in found]


def test_gaps_take_one_two_or_four_bytes() -> None:
    encode = TermPositions().encode
    assert encode([3, 10, 200]) == bytes([1, 3, 7, 190])
    assert len(encode([3, 1000])) == 1 + 2 * 2
    assert len(encode([0, 100_000])) == 1 + 2 * 4


def test_the_schema_survives_pickling_without_the_memo() -> None:
    TEXT_ANALYZER.terms("remembered words")
    schema = pickle.loads(pickle.dumps(build_schema()))  # as Whoosh stores it in the index
    analyzer = schema["body"].analyzer
    assert isinstance(analyzer, StemmedText)
    assert isinstance(schema["body"].format, TermPositions)
    assert analyzer._memo == {}
    assert analyzer.terms("Organised crimes") == ["organis", "crime"]


def test_another_chain_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the chain"):
        StemmedText(analysis.StandardAnalyzer())


comma_values = st.lists(st.sampled_from(["a", " b", "c ", "", " ", "Met,Police", "x y"])).map(
    ",".join
)


@given(comma_values | st.text(st.sampled_from(list("ab, \t")), max_size=20))
def test_comma_keywords_are_whooshs_postings(text: str) -> None:
    analyzer = analysis.KeywordAnalyzer(commas=True)
    ours = CommaTerms(field_boost=2.0).word_values(text, analyzer, mode="index")
    theirs = formats.Frequency(field_boost=2.0).word_values(text, analyzer, mode="index")
    assert sorted(ours) == sorted(theirs)


def test_a_keyword_field_that_lowercases_goes_through_whoosh() -> None:
    analyzer = analysis.KeywordAnalyzer(commas=True, lowercase=True)
    ours = CommaTerms().word_values("A,b", analyzer, mode="index")
    assert sorted(term for term, *_ in ours) == ["a", "b"]


@given(texts, texts)
def test_spelling_words_are_each_texts_own(first: str, second: str) -> None:
    fresh = StemmedText(
        analysis.StemmingAnalyzer(stoplist=None, minsize=1), analysis.CharsetFilter(accent_map)
    )
    for text in (first, second, first, "".join(first)):  # equal texts, other objects
        expected = {
            token.text
            for token in (
                analysis.RegexTokenizer()
                | analysis.LowercaseFilter()
                | analysis.CharsetFilter(accent_map)
            )(text)
        }
        assert fresh.spelling_words(text) == expected
        assert fresh.terms(text) == [token.text for token in fresh(text)]
