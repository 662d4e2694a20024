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

Whoosh's postings matcher reads each block's header with a seek and reads through the file
object it shares with every other matcher of the segment (a memory map's buffer file keeps a
position too). Two threads reading postings of one segment at once (a server answering
several requests) could each read at the other's position: a request failed with "zlib:
incomplete or truncated stream", and a bad offset that still decoded would match the wrong
documents. Here every block is read at its offset, never through the shared position; so is
a column reader's set-up, once, under a lock.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import threading
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.util.numeric import byte_to_length

_MISSING = object()
_INT = struct.Struct(">i")  # Whoosh's big-endian int
_SHARED_FILES = threading.Lock()  # reads of a file with no positional read of its own
_COLUMNS = threading.Lock()
_HEADER_BYTES = 256  # a posting block's header (its pickled statistics) is about 40 bytes


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
    if reader is not _MISSING:
        return reader
    with _COLUMNS:  # a column reader's set-up reads the shared file through its position
        reader = self._readers.get(fieldname, _MISSING)
        if reader is _MISSING:
            reader = self._readers[fieldname] = _column(self, fieldname, column)
    return reader


def _column(self: Any, fieldname: str, column: Any) -> Any:
    if not self.has_column(fieldname):
        return None
    reader = self.column_reader(fieldname, column)
    if column is whoosh3.LENGTHS_COLUMN:
        return LengthCodes.read(reader, self._doccount)
    return reader


def read_at(dbfile: Any, position: int, length: int) -> bytes:
    """``length`` bytes of a Whoosh file at ``position``, without moving (or racing for) its
    shared position."""
    if isinstance(dbfile, BufferFile):
        return bytes(dbfile._buf[position : position + length])
    if getattr(dbfile, "is_real", False):
        return os.pread(dbfile.fileno(), length, position)
    with _SHARED_FILES:
        return bytes(dbfile.get(position, length))


class LeafMatcher(whoosh3.W3LeafMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's postings matcher, every block read at its offset (see the module)."""

    def _read_header(self) -> None:
        magic = read_at(self._postfile, self._startoffset, 4)
        if magic != whoosh3.WHOOSH3_HEADER_MAGIC:
            raise Exception(f"Block tag error {magic!r}")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position: int) -> None:
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        (length,) = _INT.unpack(read_at(self._postfile, position, _INT.size))
        if length < 0:  # the last block
            self._lastblock = True
            length = -length
        start = position + _INT.size
        self._nextoffset = start + length
        try:  # the header is a small pickle at the block's start: read a little of the block
            block = io.BytesIO(read_at(self._postfile, start, min(length, _HEADER_BYTES)))
            info = pickle.load(block)
        except (EOFError, pickle.UnpicklingError):  # a header longer than that: all of it
            block = io.BytesIO(read_at(self._postfile, start, length))
            info = pickle.load(block)
        self._dataoffset = start + block.tell()
        (self._blocklength, self._maxid, self._maxweight, self._compression, shortest, longest) = (
            info
        )
        self._minlength = byte_to_length(shortest)
        self._maxlength = byte_to_length(longest)

    def _read_data(self) -> None:
        data = read_at(self._postfile, self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression:
            data = zlib.decompress(data)
        self._data = pickle.loads(data)


def postings_reader(
    self: Any, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
) -> Any:
    """``W3Codec.postings_reader`` with ``LeafMatcher`` for postings kept in blocks."""
    if terminfo.is_inlined():
        return whoosh3.W3Codec.postings_reader(self, dbfile, terminfo, format_, term, scorer)
    offset, length = terminfo.extent()
    return LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def open_compound(segment: Any, storage: Any) -> Any:
    """``Segment.open_compound_file``, closing the segment's file when its directory cannot
    be read (a damaged or truncated segment), which Whoosh leaves to the garbage collector."""
    dbfile = storage.open_file(segment.make_filename(segment.COMPOUND_EXT))
    try:
        return compound.CompoundStorage(dbfile, use_mmap=storage.supports_mmap)
    except BaseException:
        dbfile.close()
        raise
