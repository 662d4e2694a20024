"""Tokens with character offsets, via NLTK's data-free RegexpTokenizer, and the match keys.

Names are compared on normalised tokens: lower case, "&" read as "and", hyphens dropped (so
"North-East" matches "North East"), a possessive "'s" split off ("Home Office's").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from nltk.stem.porter import PorterStemmer
from nltk.tokenize import RegexpTokenizer


class _FixedPatternTokenizer(RegexpTokenizer):  # type: ignore[misc]  # NLTK is untyped
    """NLTK's RegexpTokenizer with the pattern compiled by ``re``. NLTK compiles through its
    ``redos`` guard (the ``regex`` engine with a timeout on every match), which is meant for
    patterns callers supply; ours is fixed, with no nested repetition to backtrack over, and
    ``re`` tokenises it 2.5x faster."""

    def _check_regexp(self) -> None:
        if self._regexp is None:
            self._regexp: re.Pattern[str] = re.compile(self._pattern, self._flags)


_TOKENIZER = _FixedPatternTokenizer(r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]")
_STEMMER = PorterStemmer()
_SKIP = {"-", "–", "'s", "’s"}


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
    for start, end in _TOKENIZER.span_tokenize(text):
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
    return str(_STEMMER.stem(word.lower()))


def stem_key(text: str) -> tuple[str, ...]:
    """The match key of a vocabulary phrase: stemmed words ("trafficked" ~ "trafficking")."""
    return tuple(stem(token.norm) for token in tokenize(text))
