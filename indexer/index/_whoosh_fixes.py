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

A copy of Whoosh's ``add_postings`` that appended each posting in place saved only about
11 s more of a 400 s build of 100,000 articles (3 %), for 50 lines of Whoosh's internals:
dropped (docs/benchmarks.md).

A segment whose directory cannot be read (a damaged file) leaves its file open; here it is
closed, so a damaged index is reported, not leaked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import compound

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


def open_compound(segment: Any, storage: Any) -> Any:
    """``Segment.open_compound_file``, closing the segment's file when its directory cannot
    be read (a damaged or truncated segment), which Whoosh leaves to the garbage collector."""
    dbfile = storage.open_file(segment.make_filename(segment.COMPOUND_EXT))
    try:
        return compound.CompoundStorage(dbfile, use_mmap=storage.supports_mmap)
    except BaseException:
        dbfile.close()
        raise
