"""Tokens with character offsets, via NLTK's data-free RegexpTokenizer, and the match keys.

Names are compared on normalised tokens: lower case, "&" read as "and", hyphens dropped (so
"North-East" matches "North East"), a possessive "'s" split off ("Home Office's").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nltk.stem.porter import PorterStemmer
from nltk.tokenize import RegexpTokenizer

_TOKENIZER = RegexpTokenizer(r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]")
_STEMMER = PorterStemmer()
_SKIP = {"-", "–", "'s", "’s"}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def norm(self) -> str:
        return "and" if self.text == "&" else self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper() or self.text[:1].isdigit()


def tokenize(text: str) -> list[Token]:
    """Word and punctuation tokens of ``text``; hyphens and possessives are left out."""
    return [
        Token(text[start:end], start, end)
        for start, end in _TOKENIZER.span_tokenize(text)
        if text[start:end] not in _SKIP
    ]


def key(text: str) -> tuple[str, ...]:
    """The match key of a name: its normalised tokens."""
    return tuple(token.norm for token in tokenize(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stem(word.lower()))


def stem_key(text: str) -> tuple[str, ...]:
    """The match key of a vocabulary phrase: stemmed words ("trafficked" ~ "trafficking")."""
    return tuple(stem(token.norm) for token in tokenize(text))
