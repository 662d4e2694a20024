"""The indexing shortcut gives exactly the terms, positions and weights of Whoosh's own chain
(which still analyses queries and highlights), so what is indexed is what is searched."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import analysis, formats

from indexer.index._analysis import StemmedText, TermPositions
from indexer.index._schema import TEXT_ANALYZER, build_schema

_CHARS = st.sampled_from(list("abcXYZ éÉçßİſﬁ_.,-'’0129 \n\t"))
_WORDS = st.sampled_from(["running", "Organised", "crimes", "U.K.", "3.5", "café", "İstanbul"])
texts = (
    st.text(_CHARS, max_size=80)
    | st.text(max_size=40)
    | st.lists(_WORDS | st.text(_CHARS, max_size=3), max_size=12).map(" ".join)
)


@given(texts)
def test_terms_are_whooshs_terms(text: str) -> None:
    assert TEXT_ANALYZER.terms(text) == [token.text for token in TEXT_ANALYZER(text)]
    assert TEXT_ANALYZER.terms(text) == TEXT_ANALYZER.terms(text)  # remembered words too


@pytest.mark.parametrize("boost", [1.0, 3.0, 0.5])
@given(text=texts)
def test_postings_are_whooshs_postings(boost: float, text: str) -> None:
    ours = TermPositions(field_boost=boost).word_values(text, TEXT_ANALYZER, mode="index")
    theirs = formats.Positions(field_boost=boost).word_values(text, TEXT_ANALYZER, mode="index")
    assert sorted(ours) == sorted(theirs)


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
