"""How article text becomes index terms: Whoosh's stemming analyzer, with a shortcut for
indexing. STABLE MODULE PATH: read this before renaming anything here.

Index files pickle the schema, and with it ``indexer.index.pickled_v1.<Class>`` for each class
below (``tests/indexer/test_pickled.py`` lists what an index names). Renaming or moving this
module or a class in it makes every existing index unreadable, so neither is ever done. A
change to a class's pickled state goes into a new module, ``pickled_v2``, with a new
``SCHEMA_VERSION`` (existing indexes are then rebuilt by ``bulletins index``).

Whoosh analyses a field through a chain of generators (tokenizer, lower case, stemmer, accent
folding), one ``Token`` object per word, then groups positions per term. Writing an article
spent most of its time there. ``StemmedText`` is that same chain, for queries and highlighting,
plus ``terms()``: the same terms in the same order from one regular-expression pass and one
dictionary look-up per word (each distinct word is analysed once). ``TermPositions`` uses it
to index. ``tests/indexer/test_analysis.py`` checks both give exactly what Whoosh gives.
"""

from __future__ import annotations

import operator
import sys
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import analysis, fields, formats
from whoosh.codec import whoosh3
from whoosh.system import pack_uint

from indexer.index import _whoosh_fixes

_MEMO_LIMIT = 200_000  # distinct words remembered per analyzer


class StemmedText(analysis.CompositeAnalyzer):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's RegexTokenizer | LowercaseFilter | StemFilter | CharsetFilter, with
    ``terms()``."""

    def __init__(self, *composables: Any) -> None:
        super().__init__(*composables)
        kinds = [type(item) for item in self.items]
        expected = [
            analysis.RegexTokenizer,
            analysis.LowercaseFilter,
            analysis.StemFilter,
            analysis.CharsetFilter,
        ]
        if kinds != expected or self.items[0].gaps:
            raise ValueError(f"StemmedText needs the chain {expected}, not {kinds}")
        self._reset()

    def _reset(self) -> None:
        self._memo: dict[str, str] = {}  # word -> term
        self._spellings: dict[str, str] = {}  # word -> spelling word
        # the words of the last text read: indexing reads each title and body twice, for the
        # spelling vocabulary and for the terms
        self._last: tuple[str, list[str]] = ("", [])

    def __getstate__(self) -> dict[str, Any]:  # the schema is pickled: not the memos
        remembered = ("_memo", "_spellings", "_last")
        return {key: value for key, value in self.__dict__.items() if key not in remembered}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in order, as ``[t.text for t in self(text)]``."""
        memo = self._memo
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        words = self._words(text)
        out: list[str | None] = list(map(memo.get, words))
        if None in out:  # words not met before
            for index, term in enumerate(out):
                if term is None:
                    word = words[index]
                    out[index] = memo[word] = self._term(word)
        return out  # type: ignore[return-value]  # no None left

    def spelling_words(self, text: str) -> set[str]:
        """The distinct words of ``text`` before stemming (lower case, accents folded), as
        Whoosh's ``spellable_words`` gives them."""
        spellings = self._spellings
        if len(spellings) > _MEMO_LIMIT:
            spellings.clear()
        distinct = set(self._words(text))
        found: set[str | None] = set(map(spellings.get, distinct))
        if None in found:
            found.discard(None)
            charmap = self.items[3].charmap
            for word in distinct:
                spelt = spellings.get(word)
                if spelt is None:
                    spelt = spellings.setdefault(word, word.lower().translate(charmap))
                found.add(spelt)
        return found  # type: ignore[return-value]  # no None left

    def _words(self, text: str) -> list[str]:
        last_text, last_words = self._last  # one tuple: safe to read while another thread sets it
        if text is last_text:
            return last_words
        expression = self.items[0].expression
        if expression.groups:
            words = [match.group(0) for match in expression.finditer(text)]
        else:  # findall gives the whole matches
            words = expression.findall(text)
        self._last = (text, words)
        return words

    def _term(self, word: str) -> str:
        _, _, stemmer, charset = self.items
        word = word.lower()
        if word not in stemmer.ignore:
            word = stemmer.stemfn(word)
        return str(word.translate(charset.charmap))


class TermPositions(formats.Positions):  # type: ignore[misc]  # Whoosh is untyped
    """Word positions in each posting, stored so that many postings decode at once.

    Whoosh's ``Positions`` pickles each posting's list of position gaps; a phrase of common
    words at 100,000 articles unpickled hundreds of thousands of them, one Python list each.
    Here a posting is one byte giving the width of its gaps (1, 2 or 4 bytes) and then the gaps,
    little-endian: ``positions_of`` decodes any number of postings with a few numpy operations,
    and Whoosh's own decoders (used for proximity queries) read it too. A posting whose first
    byte is 0 is in Whoosh's encoding (a 4-byte count, then the pickle), from an index written
    before, and is still read. A field analysed by ``StemmedText`` is indexed through its
    ``terms()``.
    """

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, StemmedText) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for term, found in self.positions(value, analyzer).items():
            yield term, len(found), float(len(found)) * boost, encode(found)

    @staticmethod
    def positions(value: str, analyzer: StemmedText) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, in the order the terms first come."""
        positions: dict[str, list[int]] = {}
        start = positions.setdefault
        for position, term in enumerate(analyzer.terms(value)):
            start(term, []).append(position)
        return positions

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1 and poslist[0] < 0x100:  # most postings: one early position
            return SINGLE_POSITIONS[poslist[0]]
        try:  # the gaps between positions, as bytes
            return b"\x01" + bytes(map(operator.sub, poslist, chain((0,), poslist)))
        except ValueError:  # a gap of 256 or more
            pass
        gaps = [b - a for a, b in zip([0, *poslist], poslist, strict=False)]
        code = "H" if max(gaps) < 0x10000 else "I"
        packed = array(code, gaps)
        if _BIG_ENDIAN:
            packed.byteswap()
        return _WIDTH_BYTE[code] + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        if not valuestring[0]:  # Whoosh's own encoding, from an index written before
            return list(super().decode_positions(valuestring))
        gaps = array(_CODES[valuestring[0]], valuestring[1:])
        if _BIG_ENDIAN:
            gaps.byteswap()
        return list(accumulate(gaps))

    def decode_frequency(self, valuestring: bytes) -> int:
        if not valuestring[0]:
            return int(super().decode_frequency(valuestring))
        return (len(valuestring) - 1) // valuestring[0]

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring) * self.field_boost)

    def positions_of(self, values: Sequence[bytes]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(how many positions each posting has, all their positions in order), for the
        encoded postings ``values``."""
        count = len(values)
        if not count:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=count)
        return self.positions_from(lengths, np.frombuffer(b"".join(values), dtype=np.uint8))

    def positions_from(
        self, lengths: NDArray[Any], data: NDArray[np.uint8]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """``positions_of`` for postings given as their encoded lengths in bytes and their
        encodings one after another (as a postings table keeps them)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        if not lengths.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        starts = np.cumsum(lengths) - lengths
        widths = data[starts].astype(np.int64)
        if not set(np.unique(widths).tolist()) <= set(_DTYPES):  # some in Whoosh's encoding
            blob = data.tobytes()
            ends = (starts + lengths).tolist()
            values = [blob[a:b] for a, b in zip(starts.tolist(), ends, strict=True)]
            return flattened([self.decode_positions(value) for value in values])
        counts = (lengths - 1) // widths
        firsts = np.cumsum(counts) - counts  # where each posting's gaps go in the output
        gaps = np.zeros(int(counts.sum()), dtype=np.int64)
        for width, dtype in _DTYPES.items():
            chosen = widths == width
            if chosen.any():
                raw = data[_ranges(starts[chosen] + 1, counts[chosen] * width)]
                gaps[_ranges(firsts[chosen], counts[chosen])] = raw.view(dtype)
        running = np.cumsum(gaps)
        before = np.concatenate(([0], running))[firsts]  # the sum of earlier postings' gaps
        return counts, running - np.repeat(before, counts)


def flattened(lists: Sequence[Sequence[int]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(the length of each list, all their items in order), as arrays."""
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(counts.sum())
    return counts, np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total)


def _ranges(starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """The indices ``starts[i] .. starts[i] + lengths[i] - 1`` for every ``i``, in order."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    found: NDArray[np.int64] = np.arange(total, dtype=np.int64)
    found += np.repeat(starts - (ends - lengths), lengths)
    return found


_BIG_ENDIAN = sys.byteorder == "big"
_WIDTH_BYTE = {"H": b"\x02", "I": b"\x04"}
SINGLE_POSITIONS = [bytes((1, position)) for position in range(0x100)]  # shared: one each
_CODES = {1: "B", 2: "H", 4: "I"}
_DTYPES: dict[int, np.dtype[Any]] = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
if array("I").itemsize != 4 or array("H").itemsize != 2:  # true of every platform Python runs on
    raise ImportError("TermPositions needs 2- and 4-byte array codes H and I")


class CommaTerms(formats.Frequency):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's ``Frequency`` format; a comma-separated keyword field (``KEYWORD(commas=True)``,
    as the entity filters are) is split with ``str.split`` instead of a chain of generators."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(value, str) or not _is_comma_analyzer(analyzer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        counts: dict[str, int] = {}
        for piece in value.split(","):
            if piece:  # Whoosh's pattern [^,]+ skips empty pieces, then strips
                term = piece.strip()
                counts[term] = counts.get(term, 0) + 1
        boost = self.field_boost
        for term, count in counts.items():
            yield term, count, float(count) * boost, pack_uint(count)


def _is_comma_analyzer(analyzer: Any) -> bool:
    """Is ``analyzer`` Whoosh's ``KeywordAnalyzer(commas=True)`` (not lower-cased)?"""
    if not isinstance(analyzer, analysis.CompositeAnalyzer):
        return False
    items = analyzer.items
    return (
        [type(item) for item in items] == [analysis.RegexTokenizer, analysis.StripFilter]
        and items[0].expression.pattern == "[^,]+"
        and not items[0].gaps
    )


def keyword_field(**kwargs: Any) -> fields.KEYWORD:
    """Whoosh's comma-separated KEYWORD field, indexed through ``CommaTerms``."""
    field = fields.KEYWORD(commas=True, **kwargs)
    field.format = CommaTerms(field_boost=field.format.field_boost)
    return field


def text_field(**kwargs: Any) -> fields.TEXT:
    """Whoosh's TEXT field (positions kept, for phrases), indexed through ``TermPositions``."""
    field = fields.TEXT(**kwargs)
    field.format = TermPositions(field_boost=field.format.field_boost)
    return field


class Codec(whoosh3.W3Codec):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's W3 codec (the same files), with the reader and segment below
    (``_whoosh_fixes`` says what they change). Every segment pickles the codec it was written
    with, so a segment written with this one is read with it."""

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return PerDocReader(storage, segment)

    postings_reader = _whoosh_fixes.postings_reader

    def new_segment(self, storage: Any, indexname: str) -> Any:
        return Segment(self, indexname)


class Segment(whoosh3.W3Segment):  # type: ignore[misc]  # Whoosh is untyped
    """A W3 segment that closes its file when the file is damaged."""

    open_compound_file = _whoosh_fixes.open_compound


class PerDocReader(whoosh3.W3PerDocReader):  # type: ignore[misc]  # Whoosh is untyped
    """Field lengths read from memory; a missing column asked about once."""

    _cached_reader = _whoosh_fixes.cached_reader
