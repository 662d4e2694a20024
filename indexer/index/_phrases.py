"""Phrases matched from the segments' postings tables (see ``_postings``), all at once.

A phrase of common words at 100,000 articles holds tens of thousands of documents, each word
hundreds of thousands of positions: ``DocSets._phrase`` picked each word's postings out of the
tables with index arithmetic, decoded them through ``TermPositions.positions_from`` and
intersected (document, start) keys, word by word, in the phrase's order; the first search of
such a phrase took a tenth of a second and more. Here, where every segment has a table:

- each word's postings are read once (a few positional reads per segment) and the documents
  holding every word found from their document numbers alone;
- the postings of those documents are picked with boolean masks (one pass over the bytes);
- they are decoded with one running sum over the bytes: a posting is a byte giving the width
  of its gaps (1, 2 or 4 bytes, little-endian) and then the gaps, so each byte adds its value
  times its weight in its gap (1, 256, ...) and the sum is read at each gap's last byte,
  less the sum before the posting (Whoosh's own encoding, from an index written before, is
  decoded by ``TermPositions.positions_from`` as before);
- the words are taken fewest positions first, and each next word's postings are read only in
  the documents where the phrase can still start (the first two words leave few).

The documents found are exactly those ``DocSets._phrase`` finds (tests/indexer/test_phrases.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from indexer.index._postings import Table
from indexer.index.pickled_v1 import TermPositions, _ranges

Mask = NDArray[np.bool_]
Ints = NDArray[np.int64]
# a word's postings over all segments: documents (in the whole index), encoded lengths, bytes
Read = tuple[Ints, Ints, NDArray[np.uint8]]

_WIDTHS = (1, 2, 4)


def read_word(
    tables: Sequence[Table | None], offsets: Sequence[int], fieldname: str, term: bytes
) -> Read | None:
    """A word's postings in every segment, in document order; None when a segment has no
    table or its table does not keep the word (then the caller reads Whoosh's blocks)."""
    ids: list[Ints] = []
    lengths: list[Ints] = []
    data: list[NDArray[np.uint8]] = []
    for table, offset in zip(tables, offsets, strict=True):
        stored = table.positions(fieldname, term) if table is not None else None
        if stored is None:
            return None
        ids.append(stored[0].astype(np.int64) + offset)
        lengths.append(stored[1].astype(np.int64))
        data.append(stored[2])
    if not ids:
        return None
    if len(ids) == 1:
        return ids[0], lengths[0], data[0]
    return np.concatenate(ids), np.concatenate(lengths), np.concatenate(data)


def phrase_mask(
    reads: dict[Any, Read],
    words: Sequence[Any],
    wanted: Mask,
    format_: TermPositions,
) -> Mask:
    """The documents of ``wanted`` holding ``words`` at consecutive positions, from each
    distinct word's postings (``read_word``). ``wanted`` is changed."""
    for docs, _, _ in sorted(reads.values(), key=lambda read: len(read[0])):
        if not wanted.any():
            return wanted
        holding = np.zeros(wanted.size, dtype=bool)
        holding[docs] = True
        wanted &= holding
    picked = {word: _picked(read, wanted) for word, read in reads.items()}
    # (word, shift) pairs, the words with the fewest positions' bytes first
    order = sorted(enumerate(words), key=lambda pair: (len(picked[pair[1]][2]), pair[0]))
    starts: Ints | None = None  # (document << 32) + where the phrase starts, ascending
    for shift, word in order:
        if starts is not None:
            if not starts.size:
                break
            wanted = np.zeros(wanted.size, dtype=bool)
            wanted[starts >> 32] = True
        # (a position before ``shift`` makes a key of the document before, with a position
        # no document reaches: it matches no key of the word at shift 0, so it never stays)
        keys = keys_of(_picked(picked[word], wanted), format_) - shift
        starts = keys if starts is None else _common(starts, keys)
    found = np.zeros(wanted.size, dtype=bool)
    if starts is not None:
        found[starts >> 32] = True
    return found


def _picked(read: Read, wanted: Mask) -> Read:
    """The postings of the ``wanted`` documents."""
    docs, lengths, data = read
    chosen = wanted[docs]
    picked = np.flatnonzero(chosen)
    if picked.size == docs.size:
        return read
    if picked.size * 8 > docs.size:  # many: a mask over the bytes
        return docs[picked], lengths[picked], data[np.repeat(chosen, lengths)]
    firsts = np.cumsum(lengths) - lengths  # few: their bytes gathered
    return docs[picked], lengths[picked], data[_ranges(firsts[picked], lengths[picked])]


def keys_of(read: Read, format_: TermPositions) -> Ints:
    """``(document << 32) + position`` of every position in the postings, ascending (postings
    come in document order, a posting's positions ascending)."""
    docs, lengths, data = read
    if not lengths.size:
        return docs[:0]
    firsts = np.cumsum(lengths) - lengths  # each posting's width byte
    widths = data[firsts] if bool(lengths.all()) else None
    if widths is None or not set(np.unique(widths).tolist()) <= set(_WIDTHS):
        counts, where = format_.positions_from(lengths, data)  # (Whoosh's encoding)
        return (np.repeat(docs, counts) << 32) + where
    values = data.astype(np.int64)
    values[firsts] = 0
    last = np.ones(values.size, dtype=bool)  # the bytes where a gap ends
    last[firsts] = False
    wide = np.flatnonzero(widths > 1)
    if wide.size:  # gaps of 2 or 4 bytes: each byte weighs 256 ** its place in its gap
        size = lengths[wide] - 1
        at = _ranges(firsts[wide] + 1, size)  # their gaps' bytes
        width = np.repeat(widths[wide].astype(np.int64), size)
        place = (at - np.repeat(firsts[wide] + 1, size)) & (width - 1)
        values[at] <<= 8 * place
        last[at[place != width - 1]] = False
    # Each width byte takes the running sum from the end of the posting before (its
    # document's key plus its last position) to its own document's key.
    ends = np.add.reduceat(values, firsts)  # each posting's last position
    heads = docs << 32
    heads[1:] -= (docs[:-1] << 32) + ends[:-1]
    values[firsts] = heads
    return np.cumsum(values)[last]


def _common(a: Ints, b: Ints) -> Ints:
    """The values in both of two ascending arrays of distinct values, ascending."""
    if not a.size or not b.size:
        return a[:0]
    small, large = (a, b) if a.size <= b.size else (b, a)
    if small.size * 16 < large.size:  # each of the few looked up in the many
        at = np.searchsorted(large, small)
        inside = at < large.size
        looked = small[inside]
        return np.asarray(looked[large[at[inside]] == looked], dtype=np.int64)
    # else merged (a stable sort of two ascending runs is one merge): a value in both is
    # next to itself
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return np.asarray(both[1:][both[1:] == both[:-1]], dtype=np.int64)
