"""Match sets: which documents a query matches, as a boolean array over document numbers.

Whoosh finds the best few matches quickly (it skips postings that cannot make the top), but
counting every match, and the facet values of every match, goes one posting at a time in
Python. Here a query is evaluated unscored, a whole posting block at a time, into numpy arrays
combined with vector operations; each term's array is remembered (per index generation, up to
a memory bound), so the words and filters that recur across searches cost nothing the second
time. Query types with positions (phrases, proximity) are handed back to Whoosh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

Mask = NDArray[np.bool_]
CACHE_BYTES = 64 * 1024 * 1024  # remembered term arrays, per index generation


class DocSets:
    """Query → boolean array over the document numbers of one searcher's index."""

    def __init__(self, searcher: Searcher, cache_bytes: int = CACHE_BYTES) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        self.size = int(reader.doc_count_all())
        self._leaves = list(reader.leaf_readers())
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live: Mask = live
        self._cache: OrderedDict[tuple[str, Any], Mask] = OrderedDict()
        self._cache_limit = max(1, cache_bytes // max(1, self.size))
        self._lock = threading.Lock()

    def none(self) -> Mask:
        return np.zeros(self.size, dtype=bool)

    def of(self, q: query.Query) -> Mask:
        """The live documents ``q`` matches."""
        return self._eval(q) & self.live

    def terms(self, fieldname: str) -> list[str]:
        """Every term of a field, as text, in order."""
        reader = self._searcher.reader()
        if fieldname not in reader.indexed_field_names():
            return []
        field = reader.schema[fieldname]
        return [field.from_bytes(b) for b in reader.lexicon(fieldname)]

    # -- evaluation ---------------------------------------------------------------------------
    def _eval(self, q: query.Query) -> Mask:
        if isinstance(q, query.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, query.And | query.Require):
            parts = [self._eval(child) for child in q.children()]
            return np.logical_and.reduce(parts) if parts else self.none()
        if isinstance(q, query.Or | query.DisjunctionMax):
            parts = [self._eval(child) for child in q.children()]
            return np.logical_or.reduce(parts) if parts else self.none()
        if isinstance(q, query.AndNot):
            return self._eval(q.a) & ~self._eval(q.b)
        if isinstance(q, query.AndMaybe):
            return self._eval(q.a)
        if isinstance(q, query.Not):
            return self.live & ~self._eval(q.query)
        if isinstance(q, query.Every) and not q.fieldname:
            return self.live.copy()
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            return self.none()
        if isinstance(q, query.MultiTerm) and not isinstance(q, query.NumericRange):
            return self._expanded(q)
        return self._by_whoosh(q)

    def term(self, fieldname: str, text: Any) -> Mask:
        """The documents holding one term (all of them, deleted included; see ``of``)."""
        key = (fieldname, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        mask = self.none()
        for reader, offset in self._leaves:
            try:
                matcher = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            mask[_posting_ids(matcher) + offset] = True
        return self._remember(key, mask)

    def _remember(self, key: tuple[str, Any], mask: Mask) -> Mask:
        mask.setflags(write=False)
        with self._lock:
            self._cache[key] = mask
            while len(self._cache) > self._cache_limit:
                self._cache.popitem(last=False)
        return mask

    def _expanded(self, q: query.MultiTerm) -> Mask:
        """Prefix, wildcard, fuzzy and range queries: every term they stand for, any of them."""
        key = ("expanded", repr(q))
        with self._lock:
            found = self._cache.get(key)
        if found is not None:
            return found
        mask = self.none()
        for reader, offset in self._leaves:
            for btext in q._btexts(reader):
                try:
                    matcher = reader.postings(q.fieldname, btext)
                except TermNotFound:
                    continue
                mask[_posting_ids(matcher) + offset] = True
        return self._remember(key, mask)

    def _by_whoosh(self, q: query.Query) -> Mask:
        """Phrases and anything else that needs positions: Whoosh's own matcher (remembered,
        as a phrase costs far more than a word)."""
        key = ("query", repr(q))
        with self._lock:
            found = self._cache.get(key)
        if found is not None:
            return found
        mask = self.none()
        ids = np.fromiter(self._searcher.docs_for_query(q), dtype=np.int64)
        mask[ids] = True
        return self._remember(key, mask)


def without_positions(q: query.Query) -> query.Query:
    """``q`` with each phrase as all of its words: for ranking matches already known to hold
    the phrase, without Whoosh checking positions in every candidate again."""
    if isinstance(q, query.Phrase):
        return query.And([query.Term(q.fieldname, word, boost=q.boost) for word in q.words])
    if isinstance(q, query.CompoundQuery):
        return q.__class__([without_positions(child) for child in q.subqueries], boost=q.boost)
    if isinstance(q, query.BinaryQuery):
        return q.__class__(without_positions(q.a), without_positions(q.b))
    return q


def _posting_ids(matcher: Any) -> NDArray[np.int64]:
    """Every document number in a posting list (deleted ones included), a block at a time."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not hasattr(matcher, "_read_ids"):  # a short list kept inline in the term index
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while matcher.is_active():
        matcher._read_ids()
        blocks.append(np.asarray(matcher._ids, dtype=np.int64))
        matcher._next_block()
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
