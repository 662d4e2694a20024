"""Match sets: which documents a query matches, as a boolean array over document numbers.

Whoosh finds the best few matches quickly (it skips postings that cannot make the top), but
counting every match, and the facet values of every match, goes one posting at a time in
Python. Here a query is evaluated unscored, a whole posting block at a time, into numpy arrays
combined with vector operations; each term's array is remembered (per index generation, up to
a memory bound), so the words and filters that recur across searches cost nothing the second
time. Phrases are checked against word positions decoded only for the documents holding every
word; other query types with positions (proximity, slop) are handed back to Whoosh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from indexer.index._mostof import MostOf
from indexer.index._phrases import phrase_mask, read_word
from indexer.index._postings import FIELDS as TABLE_FIELDS
from indexer.index._postings import table_of
from indexer.index.pickled_v1 import TermPositions, _ranges, flattened

Mask = NDArray[np.bool_]
CACHE_BYTES = 128 * 1024 * 1024  # remembered term arrays, per index generation
Weighted = tuple[NDArray[np.int64], NDArray[np.float32]]  # a term's documents and weights


class ArrayCache:
    """Arrays remembered by key, least recently used first out, bounded in bytes."""

    def __init__(self, limit_bytes: int) -> None:
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._limit = limit_bytes
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def recent(self, count: int) -> list[Any]:
        """The keys used most lately, most recent first (at most ``count``)."""
        with self._lock:
            keys = list(reversed(self._items))
        return keys[:count]

    @property
    def nbytes(self) -> int:
        return self._bytes

    def put(self, key: Any, value: Any, nbytes: int) -> Any:
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._items[key] = (value, nbytes)
            self._bytes += nbytes
            while self._bytes > self._limit and len(self._items) > 1:
                _, (_, size) = self._items.popitem(last=False)
                self._bytes -= size
        return value


class DocSets:
    """Query → boolean array over the document numbers of one searcher's index."""

    def __init__(
        self, searcher: Searcher, cache_bytes: int = CACHE_BYTES, folder: Path | None = None
    ) -> None:
        """``folder``: the index's, whose segments' postings tables are read (``_postings``)
        rather than Whoosh's blocks."""
        self._searcher = searcher
        reader = searcher.reader()
        self.size = int(reader.doc_count_all())
        self._leaves = list(reader.leaf_readers())
        self._tables = [table_of(folder, leaf) for leaf, _ in self._leaves]
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live: Mask = live
        self._cache = ArrayCache(cache_bytes)

    def none(self) -> Mask:
        return np.zeros(self.size, dtype=bool)

    def forget(self) -> None:
        """Let go of every remembered array."""
        self._cache.clear()

    def recent_terms(self, count: int) -> list[tuple[str, Any]]:
        """The (field, text) of the words whose postings were read most lately."""
        return [(k[1], k[2]) for k in self._cache.recent(count * 4) if k[0] == "weights"][:count]

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
        if isinstance(q, MostOf):
            counts = np.zeros(self.size, dtype=np.int64)
            for child in q.children():
                counts += self._eval(child)
            return counts >= q.minimum
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
        if isinstance(q, query.Phrase) and q.slop == 1 and len(q.words) > 1:
            return self._phrase(q)
        return self._by_whoosh(q)

    def term(self, fieldname: str, text: Any) -> Mask:
        """The documents holding one term (all of them, deleted included; see ``of``)."""
        key = (fieldname, text)
        found = self._cached(key)
        if found is not None:
            return found
        mask = self.none()
        mask[self.weighted(fieldname, text)[0]] = True
        return self._remember(key, mask)

    def ids(self, fieldname: str, text: Any) -> NDArray[np.int64]:
        """The document numbers holding one term (deleted included), read without being
        remembered (for tables built once: they would only crowd out the searches' terms)."""
        found: Weighted | None = self._cache.get(("weights", fieldname, text))
        if found is not None:
            return found[0]
        parts = []
        for reader, offset in self._leaves:
            try:
                matcher = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            parts.append(posting_arrays(matcher)[0] + offset)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def weighted(self, fieldname: str, text: Any) -> Weighted:
        """Every posting of a term, deleted documents included: document numbers and weights
        (remembered; ranking scores them, so a word's blocks are read once for both)."""
        key = ("weights", fieldname, text)
        found: Weighted | None = self._cache.get(key)
        if found is not None:
            return found
        id_parts: list[NDArray[np.int64]] = []
        weight_parts: list[NDArray[np.float32]] = []
        btext = self._bytes(fieldname, text)
        for (reader, offset), table in zip(self._leaves, self._tables, strict=True):
            kept = table.postings(fieldname, btext) if table and btext is not None else None
            if kept is not None:  # decoded when the segment was written
                id_parts.append(kept[0].astype(np.int64) + offset)
                weight_parts.append(kept[1])
                continue
            try:
                matcher = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            ids, weights = posting_arrays(matcher, weights=True)
            id_parts.append(ids + offset)
            weight_parts.append(weights)
        return self._remember_weighted(key, id_parts, weight_parts)

    def _bytes(self, fieldname: str, text: Any) -> bytes | None:
        """A term as the postings tables key it; None for a field they do not keep."""
        if fieldname not in TABLE_FIELDS or fieldname not in self._searcher.schema:
            return None
        try:
            found: bytes = self._searcher.schema[fieldname].to_bytes(text)
        except (ValueError, TypeError, AttributeError):
            return None
        return found

    def _remember_weighted(
        self,
        key: tuple[str, str, Any],
        id_parts: list[NDArray[np.int64]],
        weight_parts: list[NDArray[np.float32]],
    ) -> Weighted:
        ids = np.concatenate(id_parts) if id_parts else np.zeros(0, dtype=np.int64)
        weights = np.concatenate(weight_parts) if weight_parts else np.zeros(0, dtype=np.float32)
        for array in (ids, weights):
            array.setflags(write=False)
        found: Weighted = self._cache.put(key, (ids, weights), ids.nbytes + weights.nbytes)
        return found

    def _cached(self, key: tuple[str, Any]) -> Mask | None:
        packed: NDArray[np.uint8] | None = self._cache.get(key)
        if packed is None:
            return None
        mask: Mask = np.unpackbits(packed, count=self.size).view(bool)
        return mask

    def _remember(self, key: tuple[str, Any], mask: Mask) -> Mask:
        """Remember a mask as bits (a phrase's takes a second to find at 100,000 articles and
        an eighth of its bytes to keep)."""
        packed = np.packbits(mask)
        self._cache.put(key, packed, packed.nbytes)
        return mask

    def _expanded(self, q: query.MultiTerm) -> Mask:
        """Prefix, wildcard, fuzzy and range queries: every term they stand for, any of them."""
        key = ("expanded", repr(q))
        found = self._cached(key)
        if found is not None:
            return found
        mask = self.none()
        for reader, offset in self._leaves:
            for btext in q._btexts(reader):
                try:
                    matcher = reader.postings(q.fieldname, btext)
                except TermNotFound:
                    continue
                mask[posting_arrays(matcher)[0] + offset] = True
        return self._remember(key, mask)

    def _phrase(self, q: query.Phrase) -> Mask:
        """The documents with the phrase's words at consecutive positions (remembered).

        Where every segment has a postings table, from the tables alone (``_phrases``).
        Otherwise the words are read rarest first, each posting block once: a block whose range of
        documents holds no document still in the running is skipped unread. Positions are then
        decoded only for the documents holding every word, and narrowed word by word with a
        vectorised intersection of (document, start position) keys.
        """
        try:
            field = self._searcher.schema[q.fieldname]
        except KeyError:
            return self.none()
        if not field.format.supports("positions"):
            return self._by_whoosh(q)
        key = ("query", repr(q))
        found = self._cached(key)
        if found is not None:
            return found
        words = list(q.words)
        wanted = self.live.copy()
        for word in dict.fromkeys(words):  # what is already known narrows the reading
            known = self._cached((q.fieldname, word))
            if known is not None:
                wanted &= known
        fast = self._table_phrase(q, field.format, wanted)
        if fast is not None:
            return self._remember(key, fast)
        postings: dict[Any, Encoded] = {}
        searcher = self._searcher
        for word in sorted(set(words), key=lambda w: searcher.doc_frequency(q.fieldname, w)):
            if not wanted.any():
                return self._remember(key, wanted)
            read = self._postings(q.fieldname, word, wanted)
            holding = self.none()
            holding[read[0]] = True
            wanted &= holding
            postings[word] = read
        starts: NDArray[np.int64] | None = None  # (document << 32) + where the phrase starts
        for shift, word in enumerate(words):
            if not wanted.any():
                break
            docs, lengths, data = _chosen(postings[word], wanted)
            doc_ids, where = _positions(docs, lengths, data, field.format)
            keep = where >= shift
            keys = (doc_ids[keep] << 32) + (where[keep] - shift)
            if keys.size > 1 and not bool(np.all(keys[1:] > keys[:-1])):
                keys = np.unique(keys)  # postings come in order; this is only a safeguard
            starts = keys if starts is None else _common(starts, keys)
            wanted = self.none()
            wanted[starts >> 32] = True
        return self._remember(key, wanted)

    def _table_phrase(self, q: query.Phrase, format_: Any, wanted: Mask) -> Mask | None:
        """``_phrase`` from the postings tables alone (see ``_phrases``); None when a
        segment has no table, or its table does not keep one of the words."""
        if not isinstance(format_, TermPositions):
            return None
        offsets = [offset for _, offset in self._leaves]
        reads = {}
        for word in dict.fromkeys(q.words):
            btext = self._bytes(q.fieldname, word)
            read = None if btext is None else read_word(self._tables, offsets, q.fieldname, btext)
            if read is None:
                return None
            reads[word] = read
        return phrase_mask(reads, q.words, wanted.copy(), format_)

    def _postings(self, fieldname: str, text: Any, wanted: Mask) -> Encoded:
        """(documents, encoded values' lengths, encoded values) of a word's postings in the
        ``wanted`` documents: from a segment's postings table where it has one, else from
        Whoosh's blocks, of which those whose documents are all unwanted are not read (when
        none was skipped, the word's document set is remembered as a by-product)."""
        docs: list[NDArray[np.int64]] = []
        values: list[bytes] = []
        kept: list[Encoded] = []  # from postings tables
        seen: list[NDArray[np.int64]] = []
        seen_weights: list[NDArray[np.float32]] = []
        skipped = False
        btext = self._bytes(fieldname, text)
        for (reader, offset), table in zip(self._leaves, self._tables, strict=True):
            stored = table.positions(fieldname, btext) if table and btext is not None else None
            if stored is not None:
                ids = stored[0].astype(np.int64) + offset
                kept.append(_chosen((ids, stored[1].astype(np.int64), stored[2]), wanted))
                skipped = True  # (its weights are read from the table when asked for)
                continue
            try:
                matcher = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            if not hasattr(matcher, "_read_ids"):  # a short list kept inline in the term index
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    seen.append(np.array([docnum], dtype=np.int64))
                    seen_weights.append(np.array([matcher.weight()], dtype=np.float32))
                    if wanted[docnum]:
                        docs.append(np.array([docnum], dtype=np.int64))
                        values.append(matcher.value())
                    matcher.next()
                continue
            low = offset
            while matcher.is_active():
                high = offset + int(matcher._maxid)
                if not wanted[low : high + 1].any():
                    skipped = True
                else:
                    ids = block_ids(matcher) + offset
                    seen.append(ids)
                    seen_weights.append(block_weights(matcher))
                    chosen = np.flatnonzero(wanted[ids])
                    if chosen.size:
                        matcher._read_values()
                        block = matcher._values
                        docs.append(ids[chosen])
                        if chosen.size == len(block):
                            values.extend(block)
                        else:
                            values.extend(block[i] for i in chosen.tolist())
                low = high + 1
                matcher._next_block()
        if not skipped:  # every posting was read: remember them, for ranking too
            self._remember_weighted(("weights", fieldname, text), seen, seen_weights)
        found = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        parts = [(found, lengths, np.frombuffer(b"".join(values), dtype=np.uint8)), *kept]
        if len(parts) == 1:
            return parts[0]
        order = np.argsort(np.concatenate([p[0] for p in parts]), kind="stable")
        merged = tuple(np.concatenate([p[i] for p in parts]) for i in range(2))
        data = np.concatenate([p[2] for p in parts])
        return _chosen((merged[0], merged[1], data), None, order)

    def _by_whoosh(self, q: query.Query) -> Mask:
        """Phrases and anything else that needs positions: Whoosh's own matcher (remembered,
        as a phrase costs far more than a word)."""
        key = ("query", repr(q))
        found = self._cached(key)
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
    if isinstance(q, MostOf):
        return q.apply(without_positions)
    if isinstance(q, query.BinaryQuery):  # (a CompoundQuery too, made from two parts)
        return q.__class__(without_positions(q.a), without_positions(q.b))
    if isinstance(q, query.CompoundQuery):
        return q.__class__([without_positions(child) for child in q.subqueries], boost=q.boost)
    return q


def posting_arrays(
    matcher: Any, *, weights: bool = False
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Every document number in a posting list (deleted ones included), a block at a time, and
    with ``weights`` each posting's weight (term frequency times field boost; else empty)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    id_blocks: list[NDArray[np.int64]] = []
    weight_blocks: list[NDArray[np.float32]] = []
    if not hasattr(matcher, "_read_ids"):  # a short list kept inline in the term index
        while matcher.is_active():
            id_blocks.append(np.array([matcher.id()], dtype=np.int64))
            if weights:
                weight_blocks.append(np.array([matcher.weight()], dtype=np.float32))
            matcher.next()
    else:
        while matcher.is_active():
            id_blocks.append(block_ids(matcher))
            if weights:
                weight_blocks.append(block_weights(matcher))
            matcher._next_block()
    ids = np.concatenate(id_blocks) if id_blocks else np.zeros(0, dtype=np.int64)
    found = np.concatenate(weight_blocks) if weight_blocks else np.zeros(0, dtype=np.float32)
    return ids, found


def block_ids(matcher: Any) -> NDArray[np.int64]:
    """The document numbers of the posting block a Whoosh (W3) matcher is at: its stored gaps
    summed at once, not one Python generator step per posting as Whoosh's ``_read_ids``."""
    if matcher._data is None:
        matcher._read_data()
    gaps = matcher._data[0]
    if matcher._byteids or not isinstance(gaps, tuple):  # not a document posting list
        matcher._read_ids()
        return np.asarray(matcher._ids, dtype=np.int64)
    return np.cumsum(np.array(gaps, dtype=np.int64))


def block_weights(matcher: Any) -> NDArray[np.float32]:
    """The weights of the block a W3 matcher is at (stored as None when all are 1, one number
    when all are the same, else one each)."""
    if matcher._data is None:
        matcher._read_data()
    stored = matcher._data[1]
    if stored is None or isinstance(stored, float):
        return np.full(matcher._blocklength, 1.0 if stored is None else stored, dtype=np.float32)
    return np.array(stored, dtype=np.float32)


Encoded = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.uint8]]


def _chosen(
    postings: Encoded, wanted: Mask | None, order: NDArray[np.int64] | None = None
) -> Encoded:
    """The postings (documents, encoded lengths, encodings one after another) of the
    ``wanted`` documents, or in the ``order`` given."""
    docs, lengths, data = postings
    picked = np.flatnonzero(wanted[docs]) if order is None and wanted is not None else order
    if picked is None:
        return postings
    starts = np.cumsum(lengths) - lengths
    return docs[picked], lengths[picked], data[_ranges(starts[picked], lengths[picked])]


def _positions(
    docs: NDArray[np.int64], lengths: NDArray[np.int64], data: NDArray[np.uint8], format_: Any
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(document, position) of every position in the encoded postings of ``docs``."""
    if isinstance(format_, TermPositions):
        counts, where = format_.positions_from(lengths, data)
    else:  # another format: its own decoder, one posting at a time
        blob, ends = data.tobytes(), np.cumsum(lengths).tolist()
        values = [blob[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        counts, where = flattened([format_.decode_positions(value) for value in values])
    return np.repeat(docs, counts), where


def _common(a: NDArray[np.int64], b: NDArray[np.int64]) -> NDArray[np.int64]:
    """The values in both of two ascending arrays of distinct values, ascending."""
    if not a.size or not b.size:
        return a[:0]
    at = np.searchsorted(a, b)
    inside = at < a.size
    found = b[inside]
    return np.asarray(found[a[at[inside]] == found], dtype=np.int64)
