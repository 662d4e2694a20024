"""A new segment's postings, gathered by term as documents are added and written a term at a
time.

Whoosh's ``SegmentWriter`` hands every posting to its pool as one tuple ``(field, term,
document, weight, encoded positions)``. Its own pool sorts all of them (spilling sorted runs to
disk and merging them a posting at a time), and its field writer then takes them one by one:
a look-up of the document's field length and a block writer's call for each. At 100,000
articles that is 21 million postings, and most of a build's time went on those per-posting
steps, not on the words.

``TermPool`` keeps the postings of each term together as they arrive (``_add_document``, the
writer's ``add_document``, hands it each field's postings at once). A segment's documents are
added in order and each term comes at most once per document and field, so a term's postings
are already in Whoosh's order; only the terms are sorted. A run spilled to disk (when the pool
holds ``limitmb``) is its terms in order, each with its documents, weights and positions as
lists, ``marshal``-ed a few thousand terms at a time; runs are merged a term at a time.
``write_terms`` then writes each term's blocks exactly as Whoosh's ``W3PostingsWriter`` does
(the same bytes: ``tests/indexer/test_termpool.py`` compares the files), and gives the term to
the segment's postings table (``_postings.Recorder``).

``with_term_pool`` fits a pool to a new ``SegmentWriter``.
"""

from __future__ import annotations

import heapq
import marshal
import operator
import struct
import types
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.codec import whoosh3
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import OPTIMIZE

from indexer.index._postings import FIELDS as TABLE_FIELDS
from indexer.index._postings import Recorder
from indexer.index._sets import block_ids, block_weights
from indexer.index.pickled_v1 import SINGLE_POSITIONS, StemmedText, TermPositions

# (field, term, documents, weights, encoded positions): one term's postings
Term = tuple[str, bytes, list[int], list[float], list[Any]]

_TERMS_PER_RECORD = 4_000  # at most this many terms marshal-ed at once in a run
_POSTINGS_PER_RECORD = 20_000  # or terms with this many postings in all
_RECORD_SIZE = struct.Struct("<Q")  # each record's length in bytes, before it
# what the pool counts for a posting held (three list slots, its number and weight) and for a
# term (its bytes, list and dictionary slot): above the cost, 245 MB counted for a growth of 158
_POSTING_BYTES = 150
_TERM_BYTES = 200
_LENGTHS = [byte_to_length(code) if code else 0 for code in range(256)]
_KEY = operator.itemgetter(0, 1)
_SHARED = {value: value for value in SINGLE_POSITIONS}
_SINGLE = len(SINGLE_POSITIONS)


class TermPool:
    """What ``SegmentWriter`` needs of its pool (``add``, ``iter_postings``, ``cleanup``),
    keeping each term's postings together; ``terms()`` gives them a term at a time."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb << 20
        self.size = 0
        # field -> term -> its postings, flat: document, weight, encoded positions, document...
        self.fields: dict[str, dict[bytes, list[Any]]] = {}
        self.runs: list[str] = []

    def add(self, item: Any) -> None:
        """One posting: ``(field, term, document, weight, encoded positions)``."""
        terms = self.fields.get(item[0])
        if terms is None:
            terms = self.fields[item[0]] = {}
        postings = terms.get(item[1])
        if postings is None:
            terms[item[1]] = [item[2], item[3], item[4]]
            self.size += _TERM_BYTES + _POSTING_BYTES + len(item[1])
        else:
            postings += item[2:]
            self.size += _POSTING_BYTES
        if self.size > self.limit:
            self.save()

    def add_field(self, name: str, field: Any, value: Any, document: int, boost: float) -> int:
        """The postings of one document's ``value`` in field ``name``, each weight times
        ``boost``, as Whoosh's ``add_document`` adds them; returns the field's length (the
        frequencies' sum)."""
        fmt = field.format
        analyzer = field.analyzer
        if type(fmt) is not TermPositions or not isinstance(analyzer, StemmedText):
            return self._add_each(name, field, value, document, boost)
        if not isinstance(value, str):
            return self._add_each(name, field, value, document, boost)
        terms = self.fields.get(name)
        if terms is None:
            terms = self.fields[name] = {}
        encode = fmt.encode
        format_boost = fmt.field_boost
        length = 0
        added = 0
        positions = fmt.positions(value, analyzer)
        for term, found in positions.items():
            count = len(found)
            length += count
            key = term.encode("utf-8")
            postings = terms.get(key)
            if count == 1 and found[0] < _SINGLE:  # TermPositions.encode's first case, inline
                encoded = SINGLE_POSITIONS[found[0]]
            else:
                encoded = encode(found)
            posting = (document, float(count) * format_boost * boost, encoded)
            if postings is None:
                terms[key] = list(posting)
                added += _TERM_BYTES + len(key)
            else:
                postings += posting
        self.size += added + _POSTING_BYTES * len(positions)
        if self.size > self.limit:
            self.save()
        return length

    def add_term(
        self, name: str, text: bytes, documents: list[int], weights: list[float], values: list[Any]
    ) -> None:
        """Postings of one term, of documents after those it holds of that term."""
        terms = self.fields.get(name)
        if terms is None:
            terms = self.fields[name] = {}
        flat = [
            part for posting in zip(documents, weights, values, strict=True) for part in posting
        ]
        postings = terms.get(text)
        if postings is None:
            terms[text] = flat
            self.size += _TERM_BYTES + len(text)
        else:
            postings += flat
        self.size += _POSTING_BYTES * len(documents)
        if self.size > self.limit:
            self.save()

    def _add_each(self, name: str, field: Any, value: Any, document: int, boost: float) -> int:
        length = 0
        for text, frequency, weight, encoded in field.index(value):
            length += frequency
            self.add((name, text, document, weight * boost, encoded))
        return length

    def save(self) -> None:
        """Spill the postings held to a sorted run on disk."""
        if not self.fields:
            return
        path = f"{random_name()}.terms"
        handle = self.tempstore.create_file(path).raw_file()
        self.runs.append(path)
        try:
            batch: list[Term] = []
            postings = 0
            for term in self._held():
                batch.append(term)
                postings += len(term[2])
                if len(batch) >= _TERMS_PER_RECORD or postings >= _POSTINGS_PER_RECORD:
                    _write_record(handle, batch)
                    batch, postings = [], 0
            _write_record(handle, batch)
        finally:
            handle.close()
        self.fields = {}
        self.size = 0

    def terms(self) -> Iterator[Term]:
        """Every term's postings, in Whoosh's order (field, term; then document); each run is
        deleted once read."""
        if self.runs:  # what is held goes to a run too, so the merge holds little
            self.save()
        sources: list[Iterator[Term]] = [self._read_run(path) for path in self.runs]
        if self.fields:
            sources.append(self._held())
        if not sources:
            return
        merged = sources[0] if len(sources) == 1 else heapq.merge(*sources, key=_KEY)
        last: Term | None = None
        for term in merged:
            if last is not None and term[0] == last[0] and term[1] == last[1]:
                last[2].extend(term[2])  # the later run's documents come after
                last[3].extend(term[3])
                last[4].extend(term[4])
                continue
            if last is not None:
                yield last
            last = term
        if last is not None:
            yield last
        self.fields = {}
        self.runs = []

    def iter_postings(self) -> Iterator[Any]:
        """Whoosh's interface: every posting as its tuple, in order."""
        for field, text, documents, weights, values in self.terms():
            for document, weight, value in zip(documents, weights, values, strict=True):
                yield field, text, document, weight, value

    def cleanup(self) -> None:
        """Delete the runs not read (a writer cancelled)."""
        for path in self.runs:
            if self.tempstore.file_exists(path):
                self.tempstore.delete_file(path)
        self.runs = []
        self.fields = {}

    def _held(self) -> Iterator[Term]:
        """The postings in memory, a term at a time, in order."""
        fields = self.fields
        for field in sorted(fields):
            terms = fields[field]
            for text in sorted(terms):
                postings = terms[text]
                documents = postings[0::3]
                if not all(map(operator.lt, documents, documents[1:])):  # never, from documents
                    # added in order; Whoosh's order all the same
                    ordered = sorted(zip(documents, postings[1::3], postings[2::3], strict=True))
                    postings = [part for posting in ordered for part in posting]
                    documents = postings[0::3]
                yield field, text, documents, postings[1::3], postings[2::3]

    def _read_run(self, path: str) -> Iterator[Term]:
        handle = self.tempstore.open_file(path).raw_file()
        try:
            while len(head := handle.read(_RECORD_SIZE.size)) == _RECORD_SIZE.size:
                terms: list[Term] = marshal.loads(handle.read(_RECORD_SIZE.unpack(head)[0]))
                for term in terms:
                    # the encoder's shared values again, as held in memory: a block's pickle
                    # refers back to a value met before in it rather than repeating it
                    term[4][:] = [_SHARED.get(value, value) for value in term[4]]
                yield from terms
        finally:
            handle.close()
            self.tempstore.delete_file(path)


def _write_record(handle: Any, terms: list[Term]) -> None:
    if terms:
        data = marshal.dumps(terms)
        handle.write(_RECORD_SIZE.pack(len(data)))
        handle.write(data)


def write_terms(
    fieldwriter: Any, schema: Any, lengths: Any, terms: Iterator[Term], recorder: Recorder | None
) -> None:
    """Write each term's postings through ``fieldwriter`` (Whoosh's ``W3FieldWriter``) as its
    ``add_postings`` would, block by block; and to ``recorder``, for the table's fields."""
    field_now: str | None = None
    codes: Any = None
    for field, text, documents, weights, values in terms:
        if field != field_now:
            if field_now is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(field, schema[field])
            field_now = field
            codes = _length_codes(lengths, field)
        skipped = _spelling_only(documents)  # Whoosh's marker for words that are not postings
        if skipped:
            del documents[:skipped], weights[:skipped], values[:skipped]
        if not documents:
            continue
        fieldwriter.start_term(text)
        _add_postings(fieldwriter._postwriter, documents, weights, values, codes)
        fieldwriter.finish_term()
        if recorder is not None and field in TABLE_FIELDS:
            recorder.add_term(field, text, documents, weights, values)
    if field_now is not None:
        fieldwriter.finish_field()


def _spelling_only(documents: list[int]) -> int:
    """How many postings at the start are numbered -1 (sorted first)."""
    count = 0
    while count < len(documents) and documents[count] == -1:
        count += 1
    return count


def _length_codes(lengths: Any, field: str) -> bytes | None:
    """The byte code of each document's length in ``field`` (Whoosh's length column), or None
    when the segment keeps none."""
    if lengths is None:
        return None
    column = lengths._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return None
    return bytes(column.codes) if hasattr(column, "codes") else bytes(column)


def _add_postings(
    writer: Any, documents: list[int], weights: list[float], values: list[Any], codes: bytes | None
) -> None:
    """What ``W3PostingsWriter.add_posting`` makes of these postings, a block at a time: each
    full block is written, the last left for ``finish_postings``."""
    limit = writer._blocklimit
    count = len(documents)
    table = _LENGTHS
    for start in range(0, count, limit):
        end = min(start + limit, count)
        block_weights = weights[start:end]
        writer._ids = array("I", documents[start:end])
        writer._weights = array("f", block_weights)
        writer._values = [value for value in values[start:end] if value]
        writer._maxweight = max(0, max(block_weights))
        found = [] if codes is None else [table[codes[d]] for d in documents[start:end]]
        found = list(filter(None, found))  # as Whoosh: a length of 0 is none
        writer._minlength = min(found) if found else None
        writer._maxlength = max(found) if found else 0
        if end < count:
            writer._write_block()


def with_term_pool(writer: Any, limitmb: int, folder: Path | None = None) -> Any:
    """``writer`` (a new ``SegmentWriter``, nothing added yet) with a ``TermPool``; with
    ``folder`` (the index's), its segment's postings table is written there too."""
    writer.pool = TermPool(writer._tempstorage, writer.newsegment, limitmb)
    writer._flush_segment = types.MethodType(_flush_segment, writer)
    fields = writer.schema.items()
    if not any(field.separate_spelling() or field.vector for _, field in fields):
        writer.add_document = types.MethodType(_add_document, writer)
        writer.add_postings_to_pool = types.MethodType(_add_postings_to_pool, writer)
    writer.table_folder = folder
    return writer


# the share of a lone segment's documents deleted above which a commit that optimizes merges it
# again (below, dropping them would mean writing every posting again for little)
UNTIDY = 0.1


def merge_unless_tidy(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh merge policy: every segment merged into the writer's new one (``OPTIMIZE``),
    unless the index is one segment with at most ``UNTIDY`` of its documents deleted: that
    one is kept as it is, and what the writer adds is a second segment."""
    if len(segments) == 1 and segments[0].deleted_count() <= UNTIDY * segments[0].doc_count_all():
        return list(segments)
    return list(OPTIMIZE(writer, segments))


def _add_document(writer: Any, **fields: Any) -> None:
    """``SegmentWriter.add_document`` (for a schema with no separate spelling field and no
    term vectors), handing the pool each field's postings at once."""
    writer._check_state()
    perdocwriter = writer.perdocwriter
    schema = writer.schema
    docnum = writer.docnum
    docboost = writer._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, names)
    perdocwriter.start_doc(docnum)
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            boost = writer._field_boost(fields, name, docboost)
            length = writer.pool.add_field(name, field, value, docnum, boost)
            if not field.scorable:
                length = 0
        custom = fields.get(f"_stored_{name}", value)
        perdocwriter.add_field(name, field, custom if field.stored else None, length)
        if field.column_type and custom is not None:
            perdocwriter.add_column_value(name, field.column_type, field.to_column_value(custom))
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def _add_postings_to_pool(
    writer: Any, reader: Any, startdoc: int, docmap: dict[int, int] | None
) -> None:
    """``SegmentWriter.add_postings_to_pool`` (a segment merged into the new one), a term at
    a time: each term's postings read a block at a time, renumbered (``docmap``: the segment
    has deletions, and the documents kept are its keys), and handed to the pool at once."""
    schema = writer.schema
    pool = writer.pool
    terms = getattr(reader, "_terms", None)  # a segment's: matchers without a deletions filter
    for name, text in reader.all_terms():
        if name not in schema:
            continue
        if terms is not None:
            matcher = terms.matcher(name, text, schema[name].format)
        else:
            matcher = reader.postings(name, text)
        if isinstance(matcher, FilterMatcher):  # (leaving deleted documents out: docmap does)
            matcher = matcher.child
        documents, weights, values = _read_postings(matcher)
        if docmap is None:
            documents = [startdoc + document for document in documents]
        else:
            kept = [i for i, document in enumerate(documents) if document in docmap]
            if len(kept) < len(documents):
                weights = [weights[i] for i in kept]
                values = [values[i] for i in kept]
            documents = [docmap[documents[i]] for i in kept]
        if documents:
            pool.add_term(name, text, documents, weights, values)


def _read_postings(matcher: Any) -> tuple[list[int], list[float], list[Any]]:
    """Every posting of a term's matcher (deleted documents' too): its documents, weights and
    values, as Whoosh's ``iter_postings`` gives them one by one."""
    documents: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    if not hasattr(matcher, "_read_ids"):  # a short list kept inline in the term index
        while matcher.is_active():
            documents.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
        return documents, weights, values
    while matcher.is_active():
        documents += block_ids(matcher).tolist()
        weights += block_weights(matcher).tolist()
        matcher._read_values()
        values += matcher._values
        matcher._next_block()
    return documents, weights, values


def _flush_segment(writer: Any) -> None:
    """``SegmentWriter._flush_segment``, writing the pool a term at a time."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    folder = writer.table_folder
    recorder = None if folder is None else Recorder(folder, writer.newsegment.segid)
    try:
        write_terms(writer.fieldwriter, writer.schema, lengths, writer.pool.terms(), recorder)
        writer.fieldwriter.close()
    except BaseException:
        if recorder is not None:
            recorder.abandon()
        raise
    finally:
        if lengths is not None:
            lengths.close()
    if recorder is not None:
        recorder.write()
