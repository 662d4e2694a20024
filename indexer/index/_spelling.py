"""'Did you mean': replace query words the index has never seen with close words it has.

The words as written (unstemmed) of every title and body are kept in a vocabulary file beside
each index generation, written with it by the index module. Whoosh's own spelling fields
would post every distinct word of every article, a third of all postings, to give the same
word list.

The close words are found by comparing with every word of the vocabulary in compiled code
(rapidfuzz), which takes milliseconds where Whoosh's Levenshtein automaton over its term index
takes a fifth of a second for two edits at tens of thousands of articles.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

from nltk.metrics.distance import edit_distance
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.filedb.filestore import Storage
from whoosh.searching import Searcher

from indexer.index._question import FUNCTION_WORDS
from indexer.index._schema import DEFAULT_FIELDS, TEXT_ANALYZER

_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
# A word, unless it names a field ("title:") or is a field's value ("title:gaurdian" is left).
_WORD = re.compile(r"(?<![\w:*?])([^\W\d_][\w'’-]*)(?![\w:*?])")
MIN_LENGTH = 4
MAX_ONE_EDIT_LENGTH = 5  # words this long or shorter are corrected by one edit at most
_VOCABULARY = "spelling-{}.words"  # per Whoosh generation; not a name Whoosh cleans up


def spelling_words(text: str) -> set[str]:
    """The distinct words of ``text`` as a search would spell them, before stemming."""
    return TEXT_ANALYZER.spelling_words(text)


def document_words(doc: dict[str, Any]) -> set[str]:
    """The spelling words of an article's document: its title's and its body's."""
    return spelling_words(doc.get("title") or "") | spelling_words(doc.get("body") or "")


def write_vocabulary(storage: Storage, generation: int, words: set[str]) -> None:
    """Write the vocabulary of ``generation``: ``words`` and the previous generation's (the
    words of deleted articles stay until the index is rebuilt, as in Whoosh's own spelling
    fields until a merge). Generations older than the previous one lose theirs."""
    words = words | set(read_vocabulary(storage, generation - 1))
    name = _VOCABULARY.format(generation)
    temporary = f"{name}.tmp"
    handle = storage.create_file(temporary)
    try:
        handle.write("\n".join(sorted(words)).encode("utf-8"))
    finally:
        handle.close()
    storage.rename_file(temporary, name)
    for old in list(storage.list()):
        match = re.fullmatch(r"spelling-(\d+)\.words", old)
        if match and int(match.group(1)) < generation - 1:
            with contextlib.suppress(OSError):
                storage.delete_file(old)


def read_vocabulary(storage: Storage, generation: int) -> list[str]:
    """The sorted vocabulary of ``generation`` (empty if it has none)."""
    name = _VOCABULARY.format(generation)
    if not storage.file_exists(name):
        return []
    handle = storage.open_file(name)
    try:
        text = bytes(handle.read()).decode("utf-8")
    finally:
        handle.close()
    return text.split("\n") if text else []


class Speller:
    """The vocabulary of one index generation, and the closest word found for each word asked
    about."""

    def __init__(
        self, searcher: Searcher, storage: Storage, known: frozenset[str] = frozenset()
    ) -> None:
        self._searcher = searcher
        self._storage = storage
        self._known = known  # words that are no misspelling (the gazetteer's), lower case
        self._words: list[str] | None = None
        self.memo: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def words(self) -> list[str]:
        with self._lock:
            if self._words is None:
                generation = self._searcher.reader().generation()
                words = read_vocabulary(self._storage, generation)
                self._words = sorted(set(words) | self._known)
            return self._words

    def suggest(self, text: str) -> str | None:
        """``text`` with each unknown word replaced by the closest, most common word of the
        vocabulary, or ``None`` when every word is known or none has a close match. The
        closest word found for each word is remembered (for this generation)."""
        reader = self._searcher.reader()
        memo = self.memo
        changed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group(1)
            if word in _OPERATORS or len(word) < MIN_LENGTH or word.lower() in self._known:
                return word
            if word.lower() in FUNCTION_WORDS:  # not searched for: nothing to correct
                return word
            if _known(reader, word):
                return word
            lower = word.lower()
            best = memo.get(lower, "")  # (another request may clear the memo meanwhile)
            if best == "":
                if len(memo) > 10_000:
                    memo.clear()
                best = memo[lower] = _closest(reader, lower, self.words())
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
    # one edit first (a swap of two letters is one); two only for words longer than five
    # letters, and only if one finds nothing (the rule of Elasticsearch's "AUTO" fuzziness:
    # "welsh" is not a misspelling of "well")
    for maxdist in (1, 2) if len(word) > MAX_ONE_EDIT_LENGTH else (1,):
        found = process.extract(word, words, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
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
