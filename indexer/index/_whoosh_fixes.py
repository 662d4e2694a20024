"""Fixes to Whoosh 2.7.4 (pinned), used by the codec every new segment is written with
(``pickled_v1.Codec``): nothing of Whoosh's own is changed, so an index written by plain
Whoosh, or before this codec, is read as Whoosh reads it.

Whoosh's per-document reader answers "how long is field F in document D" from a column file
(one byte per document), and:

- it asks the file system whether the column exists each time it is asked, unless it exists.
  Fields without lengths (ids, keywords, numbers) are asked once per posting when a segment
  is written or merged: 125,000 ``stat`` calls for 40 twelve-page editions;
- it reads each answer with a seek and a one-byte read.

Both are per posting when a segment is written, so together they took half of a commit. A
segment's files never change once written, so here a missing column is remembered like a
present one, and a length column is read into memory whole, once (one byte per document).

Writing a segment's postings then still spent most of its time per posting on the way to the
block buffer: a length asked through three method calls, four type assertions, two method
calls more. ``_add_postings`` does the same work with the length taken from the column in
memory and the posting appended in place; the files it writes are the same bytes
(``tests/indexer/test_whoosh_fixes.py`` compares them).

A segment whose directory cannot be read (a damaged file) leaves its file open; here it is
closed, so a damaged index is reported, not leaked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.filedb import compound
from whoosh.util.numeric import byte_to_length

_MISSING = object()


class LengthCodes:
    """A segment's length column for one field, in memory: the byte code of each document's
    field length (``whoosh.util.numeric.byte_to_length`` decodes one), 0 for none."""

    __slots__ = ("codes",)

    def __init__(self, codes: bytes) -> None:
        self.codes = codes

    @classmethod
    def read(cls, column: Any, doccount: int) -> LengthCodes:
        raw = bytes(column._dbfile.get(column._basepos, column._count))
        return cls(raw[:doccount] + bytes(max(0, doccount - len(raw))))

    def __getitem__(self, docnum: int) -> int:
        return self.codes[docnum] if docnum < len(self.codes) else 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.codes)


def cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = None
        if self.has_column(fieldname):
            reader = self.column_reader(fieldname, column)
            if column is whoosh3.LENGTHS_COLUMN:
                reader = LengthCodes.read(reader, self._doccount)
        self._readers[fieldname] = reader
    return reader


_LENGTHS = [byte_to_length(code) for code in range(256)]


def _length_lookup(lengths: Any, fieldname: str) -> Any:
    """``docnum -> length of fieldname`` as Whoosh's ``add_postings`` asks it, fast for a W3
    segment's own lengths; None when every length is 0 (a field without lengths)."""
    if lengths is None:
        return None
    if isinstance(lengths, whoosh3.W3PerDocReader):
        column = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if column is None:
            return None
        if isinstance(column, LengthCodes):
            codes, table = column.codes, _LENGTHS
            return lambda docnum: table[codes[docnum]] if docnum < len(codes) else 0
    return lambda docnum: lengths.doc_field_length(docnum, fieldname)


def add_postings(self: Any, schema: Any, lengths: Any, items: Any) -> None:
    """``FieldWriter.add_postings`` for the W3 codec: the same calls and the same block
    buffer, with each posting's length from memory and no per-posting method calls."""
    last_field: str | None = None
    last_text: bytes | None = None
    post: Any = None
    length_of: Any = None
    for fieldname, btext, docnum, weight, value in items:
        if last_field is not None and fieldname < last_field:
            raise OutOfOrderError(f"Field {last_field!r} .. {fieldname!r}")
        if fieldname == last_field and last_text and btext < last_text:
            raise OutOfOrderError(f"Term {last_field}:{last_text!r} .. {fieldname}:{btext!r}")
        if fieldname != last_field:
            if last_text is not None:
                self.finish_term()
            if last_field is not None:
                self.finish_field()
            self.start_field(fieldname, schema[fieldname])
            post = self._postwriter
            length_of = _length_lookup(lengths, fieldname)
            last_field, last_text = fieldname, None
        if docnum == -1:  # a spelling word (Whoosh's hack), not a posting
            continue
        if btext != last_text:
            if last_text is not None:
                self.finish_term()
            self.start_term(btext)
            last_text = btext
        # W3PostingsWriter.add_posting, in place
        if len(post._ids) >= post._blocklimit:
            post._write_block()
        post._ids.append(docnum)
        post._weights.append(weight)
        if weight > post._maxweight:
            post._maxweight = weight
        if value:
            post._values.append(value)
        length = length_of(docnum) if length_of is not None else 0
        if length:
            if post._minlength is None or length < post._minlength:
                post._minlength = length
            if length > post._maxlength:
                post._maxlength = length
    if last_text is not None:
        self.finish_term()
    if last_field is not None:
        self.finish_field()


def open_compound(segment: Any, storage: Any) -> Any:
    """``Segment.open_compound_file``, closing the segment's file when its directory cannot
    be read (a damaged or truncated segment), which Whoosh leaves to the garbage collector."""
    dbfile = storage.open_file(segment.make_filename(segment.COMPOUND_EXT))
    try:
        return compound.CompoundStorage(dbfile, use_mmap=storage.supports_mmap)
    except BaseException:
        dbfile.close()
        raise
