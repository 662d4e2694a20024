"""'Did you mean': replace query words the index has never seen with close words it has.

The close words are found by comparing with every word of the spelling fields in compiled
code (rapidfuzz), which takes milliseconds where Whoosh's Levenshtein automaton over its term
index takes a fifth of a second for two edits at tens of thousands of articles.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from nltk.metrics.distance import edit_distance
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.searching import Searcher

from indexer.index._schema import DEFAULT_FIELDS, TEXT_ANALYZER

_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
# A word, unless it names a field ("title:") or is a field's value ("title:gaurdian" is left).
_WORD = re.compile(r"(?<![\w:*?])([^\W\d_][\w'’-]*)(?![\w:*?])")
_SPELLING_FIELDS = ("spell_body", "spell_title")
MIN_LENGTH = 4


class Speller:
    """The spelling words of one index generation, and the closest word found for each word
    asked about."""

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self._words: list[str] | None = None
        self.memo: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def words(self) -> list[str]:
        with self._lock:
            if self._words is None:
                reader = self._searcher.reader()
                found: set[str] = set()
                for field in _SPELLING_FIELDS:
                    if field in reader.schema:
                        found.update(
                            reader.schema[field].from_bytes(b) for b in reader.lexicon(field)
                        )
                self._words = sorted(found)
            return self._words

    def suggest(self, text: str) -> str | None:
        return suggest(self._searcher, text, self.memo, self)


def suggest(
    searcher: Searcher,
    text: str,
    remembered: dict[str, str | None] | None = None,
    speller: Speller | None = None,
) -> str | None:
    """``text`` with each unknown word replaced by the closest, most common indexed word, or
    ``None`` when every word is known or none has a close match. ``remembered`` keeps the
    closest word found for each word (for one index generation)."""
    memo = remembered if remembered is not None else {}
    reader = searcher.reader()
    words = (speller or Speller(searcher)).words
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS or len(word) < MIN_LENGTH or _known(reader, word):
            return word
        lower = word.lower()
        if lower not in memo:
            if len(memo) > 10_000:
                memo.clear()
            memo[lower] = _closest(reader, lower, words())
        best = memo[lower]
        if best is None:
            return word
        changed = True
        return _same_case(word, best)

    corrected = _WORD.sub(replace, text)
    return corrected if changed else None


def _stems(word: str) -> list[str]:
    return [token.text for token in TEXT_ANALYZER(word)]


def _known(reader: Any, word: str) -> bool:
    stems = _stems(word)
    return bool(stems) and all(
        any(reader.doc_frequency(field, stem) for field in DEFAULT_FIELDS) for stem in stems
    )


def _closest(reader: Any, word: str, words: list[str]) -> str | None:
    candidates: set[str] = set()
    # one edit first; two (a swap of two letters is two) only if that finds nothing
    for maxdist in (1, 2) if len(word) >= 5 else (1,):
        found = process.extract(
            word, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        candidates.update(choice for choice, _, _ in found)
        if candidates:
            break
    if not candidates:
        return None

    def rank(candidate: str) -> tuple[int, int, str]:
        frequency = sum(reader.doc_frequency("body", stem) for stem in _stems(candidate))
        return (edit_distance(word, candidate, transpositions=True), -frequency, candidate)

    return min(candidates, key=rank)


def _same_case(original: str, word: str) -> str:
    if original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
