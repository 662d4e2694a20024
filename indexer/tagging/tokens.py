"""Tokens with character offsets, via NLTK's data-free RegexpTokenizer, and the match keys.

Names are compared on normalised tokens: lower case, "&" read as "and", hyphens dropped (so
"North-East" matches "North East"), a possessive "'s" split off ("Home Office's").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, NamedTuple

_PATTERN = r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]"
_SKIP = {"-", "–", "'s", "’s"}


# NLTK is imported on first use: importing any part of it runs its package's __init__, which
# loads nearly all of NLTK (NumPy, http.client, ssl...: about 0.3 s), and the modules that
# only name the tagger's types (the index's entity fields, the reports) must stay light.
@cache
def _tokenizer() -> Any:
    from nltk.tokenize import RegexpTokenizer

    class FixedPatternTokenizer(RegexpTokenizer):  # type: ignore[misc]  # NLTK is untyped
        """NLTK's RegexpTokenizer with the pattern compiled by ``re``. NLTK compiles through its
        ``redos`` guard (the ``regex`` engine with a timeout on every match), which is meant for
        patterns callers supply; ours is fixed, with no nested repetition to backtrack over, and
        ``re`` tokenises it 2.5x faster."""

        def _check_regexp(self) -> None:
            if self._regexp is None:
                self._regexp: re.Pattern[str] = re.compile(self._pattern, self._flags)

    return FixedPatternTokenizer(_PATTERN)


@cache
def _stemmer() -> Any:
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


class Token(NamedTuple):
    """A token and where it is in the text, with what the matching rules ask of it (computed
    once: a text's tokens are looked at many times)."""

    text: str
    start: int
    end: int
    norm: str  # the match form: lower case, "&" read as "and"
    is_word: bool  # starts with a letter or digit
    capitalised: bool  # starts with a capital or a digit


def tokenize(text: str) -> list[Token]:
    """Word and punctuation tokens of ``text``; hyphens and possessives are left out."""
    out: list[Token] = []
    for start, end in _tokenizer().span_tokenize(text):
        word = text[start:end]
        if word in _SKIP:
            continue
        first = word[:1]
        out.append(
            Token(
                word,
                start,
                end,
                "and" if word == "&" else word.lower(),
                first.isalnum(),
                first.isupper() or first.isdigit(),
            )
        )
    return out


def key(text: str) -> tuple[str, ...]:
    """The match key of a name: its normalised tokens."""
    return tuple(token.norm for token in tokenize(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stem(word.lower()))


def stem_key(text: str) -> tuple[str, ...]:
    """The match key of a vocabulary phrase: stemmed words ("trafficked" ~ "trafficking")."""
    return tuple(stem(token.norm) for token in tokenize(text))
