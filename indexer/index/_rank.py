"""Relevance ranking of every match at once: BM25F with numpy, as Whoosh scores one by one.

Whoosh finds a top ten by walking posting lists document by document in Python, which at tens
of thousands of articles costs tens of milliseconds for a common word. Here each word's
postings are read a block at a time, scored for every document holding it in one vector
expression (the same BM25F formula, statistics and quantised field lengths Whoosh uses), and
remembered for the index generation; a query's score is then a few array additions, and the
top ten a partial sort. The scores equal Whoosh's (up to the order of floating-point additions)
and ties go to the lower document number, as in Whoosh.

Query shapes outside what is scored here (a scaled OR over anything but words, disjunction-max,
wildcards, ranges) report ``supports() == False`` and are ranked by Whoosh itself.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query, scoring
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.index._mostof import MostOf, coordinated
from indexer.index._sets import ArrayCache, DocSets, Mask
from indexer.index._whoosh_fixes import LengthCodes

Scores = NDArray[np.float64]
CACHE_BYTES = 64 * 1024 * 1024  # remembered per-word scores, per index generation
_LENGTHS = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)
_NOT_SCORE = 1.0  # what Whoosh's inverse matcher gives each document a NOT clause matches


class Ranker:
    """BM25F scores over the document numbers of one searcher's index."""

    def __init__(self, searcher: Searcher, sets: DocSets, cache_bytes: int = CACHE_BYTES) -> None:
        self._searcher = searcher
        self._sets = sets
        self.size = sets.size
        self._leaves = list(searcher.reader().leaf_readers())
        weighting = searcher.weighting
        self._bm25 = weighting if type(weighting) is scoring.BM25F else None
        self._lengths: dict[str, Scores] = {}
        self._cache = ArrayCache(cache_bytes)
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Let go of every word's scores."""
        self._cache.clear()

    def prepare(self) -> None:
        """Read every scored field's lengths now (they are read on a field's first word)."""
        for name, field in self._searcher.schema.items():
            if field.scorable:
                self._field_lengths(name)

    # -- what can be ranked here ---------------------------------------------------------------
    def supports(self, q: query.Query) -> bool:
        """Whether ``q`` is scored here exactly as Whoosh would."""
        if self._bm25 is None:
            return False
        if isinstance(q, query.Term):
            return True
        if isinstance(q, MostOf):
            return all(self.supports(c) for c in q.children())
        if isinstance(q, query.Or) and q.scale:
            return _only_words(q) and q.minmatch == 0
        if isinstance(q, query.Or):
            return q.minmatch == 0 and all(self.supports(c) for c in q.children())
        if isinstance(q, query.And | query.AndNot | query.AndMaybe | query.Require):
            return all(self.supports(c) for c in q.children())
        if isinstance(q, query.Not):
            return True  # scored as a constant; its words are only matched
        return q is query.NullQuery or isinstance(q, type(query.NullQuery))

    # -- scoring ------------------------------------------------------------------------------
    def top(
        self, q: query.Query, mask: Mask, start: int, stop: int | None
    ) -> list[tuple[int, float]]:
        """(document number, score) of the documents in ``mask`` from ``start`` to ``stop``,
        best first, ties to the lower document number."""
        scores = self.scores(q)
        candidates = np.flatnonzero(mask)
        values = scores[candidates]
        if stop is not None and stop < len(candidates):
            kth = np.partition(values, len(values) - stop)[len(values) - stop]
            near = values >= kth  # every document that could be in the first ``stop``
            candidates, values = candidates[near], values[near]
        order = np.lexsort((candidates, -values))
        return [(int(candidates[i]), float(values[i])) for i in order[start:stop]]

    def scores(self, q: query.Query) -> Scores:
        """Each document's score for ``q`` (zero where it does not match)."""
        return self._score(q)[0]

    def _score(self, q: query.Query) -> tuple[Scores, Mask]:
        if isinstance(q, query.Term):
            ids, values = self.term(q.fieldname, q.text)
            scores = np.zeros(self.size)
            scores[ids] = values * q.boost if q.boost != 1.0 else values
            return scores, self._sets.term(q.fieldname, q.text)
        if isinstance(q, query.Not):
            matched = self._sets.of(q)
            return np.where(matched, _NOT_SCORE, 0.0), matched
        if isinstance(q, MostOf):
            total = np.zeros(self.size)
            counts = np.zeros(self.size, dtype=np.int64)
            for child in q.children():  # summed as they come: one part's arrays at a time
                scores, matched = self._score(child)
                total += scores
                counts += matched
            matched = counts >= q.minimum
            total = _boosted(coordinated(total, counts, len(q.subqueries)), q.boost)
            return np.where(matched, total, 0.0), matched
        if isinstance(q, query.AndNot | query.Require):
            scores, matched = self._score(q.a)
            other = self._sets.of(q.b)
            matched = matched & (other if isinstance(q, query.Require) else ~other)
            return _boosted(np.where(matched, scores, 0.0), q.boost), matched
        if isinstance(q, query.AndMaybe):
            scores, matched = self._score(q.a)
            maybe, _ = self._score(q.b)
            return _boosted(np.where(matched, scores + maybe, 0.0), q.boost), matched
        if isinstance(q, query.And | query.Or):
            parts = [self._score(child) for child in q.children()]
            if not parts:
                return np.zeros(self.size), self._sets.none()
            total = parts[0][0].copy()
            for scores, _ in parts[1:]:
                total += scores
            join = np.logical_and if isinstance(q, query.And) else np.logical_or
            matched = join.reduce([m for _, m in parts])
            total = _boosted(total, q.boost)
            if isinstance(q, query.Or) and q.scale:
                total = self._coordinated(q, total, q.scale)
            return np.where(matched, total, 0.0), matched
        return np.zeros(self.size), self._sets.none()  # NullQuery

    def _coordinated(self, q: query.Query, scores: Scores, scale: float) -> Scores:
        """Whoosh's coordination bonus (the "SQR" of its CoordMatcher): documents holding more
        of the query's words rank higher."""
        words = [leaf for leaf in q.leaves() if isinstance(leaf, query.Term)]
        present = [w for w in words if self.term(w.fieldname, w.text)[0].size]
        if not present:
            return scores
        count = len(present)
        matching = np.zeros(self.size)
        for word in present:
            matching += self._sets.term(word.fieldname, word.text)
        return (scores + (matching - 1) / (count - scale) ** 2) * ((count - 1) / count)

    def term(self, fieldname: str, text: Any) -> tuple[NDArray[np.int64], Scores]:
        """The documents holding a word (deleted included) and their BM25F scores for it."""
        key = (fieldname, text)
        found: tuple[NDArray[np.int64], Scores] | None = self._cache.get(key)
        if found is None:
            found = self._term(fieldname, text)
            self._cache.put(key, found, found[0].nbytes + found[1].nbytes)
        return found

    def _term(self, fieldname: str, text: Any) -> tuple[NDArray[np.int64], Scores]:
        schema = self._searcher.schema
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
        if fieldname not in schema:
            return empty
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return empty
        ids, found = self._sets.weighted(fieldname, text)
        if not ids.size:
            return empty
        weights = found.astype(np.float64)
        if not field.scorable:  # Whoosh scores unscorable fields by the posting's weight
            return ids, weights.astype(np.float64)
        assert self._bm25 is not None
        k1 = self._bm25.K1
        b = self._bm25._field_B.get(fieldname, self._bm25.B)
        idf = self._searcher.idf(fieldname, btext)
        average = self._searcher.avg_field_length(fieldname) or 1
        lengths = self._field_lengths(fieldname)[ids]
        values = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average)))
        return ids, values

    def _field_lengths(self, fieldname: str) -> Scores:
        """Each document's length in a field, quantised as Whoosh stores (and scores) it."""
        with self._lock:
            found = self._lengths.get(fieldname)
        if found is not None:
            return found
        parts = [_leaf_lengths(reader, fieldname) for reader, _ in self._leaves]
        lengths = np.concatenate(parts) if parts else np.zeros(0)
        with self._lock:
            self._lengths[fieldname] = lengths
        return lengths


def _leaf_lengths(reader: Any, fieldname: str) -> Scores:
    size = int(reader.doc_count_all())
    codes = np.zeros(size, dtype=np.uint8)
    column = _length_column(reader, fieldname)
    if column is not None:  # the column's bytes, read at once
        count = min(size, len(column.codes))
        codes[:count] = np.frombuffer(column.codes, dtype=np.uint8, count=count)
        return _LENGTHS[codes]
    return np.array(  # another codec: one document at a time
        [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(size)], dtype=np.float64
    )


def _length_column(reader: Any, fieldname: str) -> LengthCodes | None:
    """Whoosh 2.7's per-document length column for ``fieldname``, in memory (see
    ``_whoosh_fixes``), if that is what the segment uses."""
    from whoosh.codec import whoosh3

    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, whoosh3.W3PerDocReader):
        return None
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    return column if isinstance(column, LengthCodes) else None


def _only_words(q: query.Query) -> bool:
    """A tree of AND/OR over single words (what a scaled OR is scored over here)."""
    if isinstance(q, query.Term):
        return True
    if isinstance(q, query.And | query.Or) and not (isinstance(q, query.Or) and q.minmatch):
        return all(_only_words(child) for child in q.children())
    return False


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores * boost if boost != 1.0 else scores
