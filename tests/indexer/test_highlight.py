"""Highlighting from remembered word analyses gives exactly what Whoosh's highlighter gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import analysis, highlight

from indexer.index._highlight import (
    SNIPPET_CHARS,
    MarkFormatter,
    _for_terms,
    _PassageScorer,
    _WholeFormatter,
    highlight_whole,
    passages,
    snippet,
    whoosh_passages,
    word_analyzer,
)
from indexer.index._schema import TEXT_ANALYZER

PIECES = ["County", "lines", "policing", "police", "Policed", "café", "CAFE", "naïve", "e.g.",
          "3.5", "U.K.", "<b>", "&", "fraud", "frauds", "—", "Wales's", "x", "\n\n", ", ", ". ",
          "Éire", "éclair", "ties", "ies", "Ωmega", "ßtraße", "Ies", "1st", "_x",
          "Cafés"]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=120).map(" ".join)
terms = st.sets(st.sampled_from(["counti", "line", "polic", "cafe", "naiv", "fraud", "e.g",
                                 "3.5", "x", "u.k", "wale", "eir", "eclair", "ti", "i",
                                 "ωmega", "1st", "_x", "cafe"]), max_size=4)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(text=texts, wanted=terms)
def test_snippets_equal_whoosh_highlighting(text: str, wanted: set[str]) -> None:
    assert word_analyzer(TEXT_ANALYZER) is not TEXT_ANALYZER  # the fast path is taken
    expected = highlight.highlight(
        text,
        frozenset(wanted),
        TEXT_ANALYZER,
        highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
        MarkFormatter(),
        top=2,
        scorer=_PassageScorer(),
    )
    got = highlight.highlight(
        text,
        frozenset(wanted),
        _for_terms(TEXT_ANALYZER, frozenset(wanted)),
        highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
        MarkFormatter(),
        top=2,
        scorer=_PassageScorer(),
    )
    assert got == expected
    assert snippet(text, wanted, TEXT_ANALYZER) or not text.strip()  # else the lead at least
    assert highlight_whole(text, wanted, TEXT_ANALYZER).count("<mark>") <= len(text.split())


def test_an_analyzer_that_looks_beyond_one_word_is_used_as_it_is() -> None:
    ngrams = analysis.RegexTokenizer() | analysis.ShingleFilter(size=2)
    assert word_analyzer(ngrams) is ngrams
    assert snippet("county lines in wales", ["county-lines"], ngrams)


def test_whole_text_highlighting_equals_whoosh() -> None:
    text = "Policing in Éire: policed ties, Cafés & <b>frauds</b>.\n\nThe police."
    wanted = frozenset({"polic", "eir", "ti", "cafe", "fraud"})
    expected = highlight.highlight(
        text, wanted, TEXT_ANALYZER, highlight.WholeFragmenter(charlimit=None),
        _WholeFormatter(), top=1,
    )  # fmt: skip
    assert highlight_whole(text, wanted, TEXT_ANALYZER) == expected.replace("</mark> <mark>", " ")


LONG_PIECES = [*PIECES, "a" * 250, "policing" + "x" * 80, "the", "of", "and", "in"]
long_texts = st.lists(st.sampled_from(LONG_PIECES), max_size=400).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=long_texts, wanted=terms, top=st.integers(1, 3))
def test_passages_from_offsets_equal_whoosh_s_fragmenter(
    text: str, wanted: set[str], top: int
) -> None:
    """The passages found from the matched words' offsets alone are Whoosh's: the same
    snippet and the same offset of the best passage's first match."""
    expected = whoosh_passages(text, frozenset(wanted), TEXT_ANALYZER, top)
    assert passages(text, wanted, TEXT_ANALYZER, top) == expected


def test_passages_past_whoosh_s_limit_of_characters_equal_whoosh() -> None:
    filler = "nothing here to see " * 1700  # 34,000 characters
    for text in (filler + "county lines", filler[:32_700] + " county lines county"):
        wanted = frozenset({"counti", "line"})
        assert passages(text, wanted, TEXT_ANALYZER) == whoosh_passages(text, wanted, TEXT_ANALYZER)
