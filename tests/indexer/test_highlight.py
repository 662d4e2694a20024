"""Highlighting from remembered word analyses gives exactly what Whoosh's highlighter gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import analysis, highlight

from indexer.index._highlight import (
    SNIPPET_CHARS,
    MarkFormatter,
    _for_terms,
    _formatted,
    _PassageScorer,
    _WholeFormatter,
    _word_spans,
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


# Characters the word pattern treats in every way: full stops between, before and after words,
# underscores, digits and letters of other scripts, combining marks, a character beyond the BMP
HOSTILE = ["a.b", "..", ".", "x.", ".y", "_", "__init__", "٣٤", "²", "e\u0301", "日本語", "Ωmega",
           "😀", "a😀b", "\u200b", "\x00", "'", "-", "3.5.", "U.K..", "\ud800", " ", "\n", "police",
           "Police.", "county", "lines"]  # fmt: skip
hostile_texts = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=4), max_size=60).map(
    lambda pieces: "".join(pieces)
)


@settings(max_examples=300, deadline=None)
@given(text=hostile_texts)
def test_words_found_at_once_are_the_pattern_s(text: str) -> None:
    found = _word_spans(text)
    expected = [m.span() for m in TEXT_ANALYZER.items[0].expression.finditer(text)]
    if found is None:  # (a character beyond the BMP: the pattern is used)
        assert any(ord(c) >= 0x10000 for c in text)
        return
    firsts, starts, ends = found
    assert list(zip(starts, ends, strict=True)) == expected
    assert [chr(c) for c in firsts.tolist()] == [text[a] for a, _ in expected]


@settings(max_examples=200, deadline=None)
@given(text=hostile_texts, wanted=terms | st.just({"polic", "counti", "line", "a.b", "٣٤"}))
def test_passages_of_hostile_text_equal_plain_whoosh(text: str, wanted: set[str]) -> None:
    """Against Whoosh's own analyzer, token by token (not the remembered words)."""
    tokens = TEXT_ANALYZER(text, chars=True, mode="query", removestops=False)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    fragments = fragmenter.fragment_tokens(text, highlight.set_matched_filter(tokens, wanted))
    expected = (
        _formatted(text, fragments, _PassageScorer(), 2)
        if wanted
        else passages(text, (), TEXT_ANALYZER)
    )
    assert passages(text, wanted, TEXT_ANALYZER) == expected


def test_the_words_of_a_text_are_found_at_once() -> None:
    """The fast way is taken for the text fields' analyzer (a regression would fail here)."""
    fast = word_analyzer(TEXT_ANALYZER)
    assert fast._spans
    assert _word_spans("U.K. police, 3.5 ..x") is not None
    starts, ends, texts = fast.offsets("U.K. police, 3.5 ..x", frozenset({"polic"}))
    assert (starts, ends, texts) == ([0, 5, 13, 19], [3, 11, 16, 20], ["", "polic", "", ""])
