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
import weakref
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile, StructFile
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
    if isinstance(dbfile, SliceFile):
        return dbfile.get(position, length)
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
    be read (a damaged or truncated segment), which Whoosh leaves to the garbage collector;
    its files read by positional reads (see ``Compound``)."""
    dbfile = storage.open_file(segment.make_filename(segment.COMPOUND_EXT))
    try:
        if getattr(dbfile, "is_real", False):
            return Compound(dbfile)
        return compound.CompoundStorage(dbfile, use_mmap=storage.supports_mmap)
    except BaseException:
        dbfile.close()
        raise


class Compound(compound.CompoundStorage):  # type: ignore[misc]  # Whoosh is untyped
    """A segment's compound file whose inner files are read with ``os.pread`` at their offsets.

    Whoosh maps the whole file and gives each inner file as a ``BufferFile``, which copies it
    into a ``BytesIO``: a serving process held a private copy of every segment's postings and
    stored fields (266 MB at 100,000 articles, per process and per generation), and the map's
    pages, once touched, counted as its own memory too. Read this way, the file's pages stay
    in the operating system's file cache, shared by every process and never the process's."""

    def __init__(self, dbfile: Any) -> None:
        super().__init__(dbfile, use_mmap=False)
        # its own descriptor, closed with the storage or when it is dropped (as Whoosh's map
        # is); the file object is closed at once, as Whoosh closes it once mapped
        self._descriptor = os.dup(dbfile.fileno())
        self._closer = weakref.finalize(self, os.close, self._descriptor)
        dbfile.close()
        self._file: Any = None

    def close(self) -> None:
        super().close()
        self._closer()

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.is_closed:
            raise compound.StorageError("Storage was closed")
        offset, length = self.range(name)
        return SliceFile(_Slice(self._descriptor, offset, length), name=name)


class _Slice:
    """``length`` bytes of an open file from ``base``, as a read-only file with a position of
    its own; every read is a positional read of the shared descriptor. (No ``fileno``: Whoosh
    would take it for the whole file.)"""

    def __init__(self, descriptor: int, base: int, length: int) -> None:
        self._descriptor, self._base, self._length, self._position = descriptor, base, length, 0

    def pread(self, position: int, size: int) -> bytes:
        size = max(0, min(size, self._length - position))
        return os.pread(self._descriptor, size, self._base + position) if size else b""

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._length - self._position
        data = self.pread(self._position, size)
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        """(Pickle asks for it; Whoosh's files hold no lines: read in small steps.)"""
        out = bytearray()
        while size < 0 or len(out) < size:
            piece = self.pread(self._position, 256 if size < 0 else min(256, size - len(out)))
            if not piece:
                break
            end = piece.find(b"\n")
            taken = piece if end < 0 else piece[: end + 1]
            out += taken
            self._position += len(taken)
            if end >= 0:
                break
        return bytes(out)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._length}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        """(The descriptor is the compound file's, closed with it.)"""


class SliceFile(StructFile):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's ``StructFile`` over a ``_Slice``: ``get`` (and every ``get_*``) reads at its
    position without moving the file's, so threads share it safely."""

    def get(self, position: int, length: int) -> bytes:
        data: bytes = self.file.pread(position, length)
        return data

    def subset(self, position: int, length: int, name: str | None = None) -> SliceFile:
        inner = self.file
        sliced = _Slice(inner._descriptor, inner._base + position, length)
        return SliceFile(sliced, name=name or self._name)
