"""Each segment's postings, decoded once when the segment is written, as arrays on disk.

Whoosh keeps a word's postings in blocks of 128, each a zlib-compressed pickle of the block's
document numbers, weights and word positions: a search of an uncommon word at 100,000 articles
unpickled and decompressed hundreds of blocks, and did so again in every process and after
every publish. While a segment is written its postings go past a word at a time, in order
(see ``_termpool``); for the text fields searched they are also
kept here, as arrays written beside the segment:

    postings-<segment>.keys.npy          each word as "field NUL term" (fixed width, sorted)
    postings-<segment>.starts.npy, .ends.npy, .value-starts.npy
                                         where each word's postings (and positions) are
    postings-<segment>.ids               the document numbers (int32, within the segment)
    postings-<segment>.weights           the weights (float32: frequency times field boost)
    postings-<segment>.lengths           each posting's encoded positions, in bytes (uint32)
    postings-<segment>.positions         those encoded positions, one after another

Looking a word up is a binary search of the keys (memory-mapped: a few pages) and positional
reads of its slices; nothing is unpickled. A word longer than ``KEY_BYTES`` is not kept (it is
read from Whoosh's blocks, as is every word of a segment without these files: one written
before them, or by plain Whoosh). The files are complete when ``keys.npy`` exists (written
last), and are removed with their segment (``remove_unused``).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import weakref
from array import array
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

FIELDS = frozenset({"title", "body", "entity_names"})  # the text fields queries search
KEY_BYTES = 48
_PREFIX = "postings-"
_BIG_ENDIAN = sys.byteorder == "big"


_FLUSH = 1 << 20  # postings held before they are appended to the files
_RAW = {"ids": "i", "weights": "f", "lengths": "I"}  # per-posting files: array code
_DTYPES = {"ids": np.dtype("<i4"), "weights": np.dtype("<f4"), "lengths": np.dtype("<u4")}


class Recorder:
    """Writes one segment's postings of ``FIELDS`` as they stream past, in order (the
    per-posting arrays appended to their files as they fill, so memory stays small)."""

    def __init__(self, folder: Path, segment: str) -> None:
        self._base = folder / f"{_PREFIX}{segment}"
        self._keys: list[bytes] = []
        self._starts = array("q")  # per word: where its postings begin
        self._value_starts = array("q")  # per word: where its positions begin
        self._kept: list[bool] = []
        self._buffers: dict[str, array[Any]] = {name: array(code) for name, code in _RAW.items()}
        self._positions = bytearray()
        self._files = {
            name: Path(f"{self._base}.{name}").open("wb")  # noqa: SIM115  (closed in write)
            for name in (*_RAW, "positions")
        }
        self._count = 0
        self._bytes = 0

    def add_term(
        self,
        fieldname: str,
        term: bytes,
        docnums: list[int],
        weights: list[float],
        values: list[Any],
    ) -> None:
        """One word's postings (its documents in order, weights and encoded positions); words
        come in order."""
        key = fieldname.encode() + b"\x00" + term
        keep = len(key) <= KEY_BYTES and not key.endswith(b"\x00")
        self._keys.append(key if keep else b"")
        self._kept.append(keep)
        self._starts.append(self._count)
        self._value_starts.append(self._bytes)
        if None in values:
            values = [value or b"" for value in values]
        encoded = b"".join(values)
        buffers = self._buffers
        buffers["ids"].extend(docnums)
        buffers["weights"].extend(weights)
        buffers["lengths"].extend(map(len, values))
        self._positions += encoded
        self._count += len(docnums)
        self._bytes += len(encoded)
        if len(buffers["ids"]) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        for name, buffer in self._buffers.items():
            if _BIG_ENDIAN:
                buffer.byteswap()
            buffer.tofile(self._files[name])
            self._buffers[name] = array(_RAW[name])
        self._files["positions"].write(self._positions)
        self._positions = bytearray()

    def write(self) -> None:
        """Finish the files (the keys last: then they are whole)."""
        self._flush()
        for handle in self._files.values():
            handle.close()
        self._starts.append(self._count)
        self._value_starts.append(self._bytes)
        starts = np.frombuffer(self._starts, dtype=np.int64)
        value_starts = np.frombuffer(self._value_starts, dtype=np.int64)
        kept = np.flatnonzero(np.array(self._kept, dtype=bool))
        arrays = {
            "starts": starts[kept],
            "ends": starts[kept + 1],
            "value-starts": value_starts[kept],
            "keys": np.array([self._keys[i] for i in kept.tolist()], dtype=f"S{KEY_BYTES}"),
        }
        for name, values in arrays.items():  # (keys last)
            np.save(f"{self._base}.{name}.npy", values, allow_pickle=False)

    def abandon(self) -> None:
        for handle in self._files.values():
            handle.close()


class Table:
    """One segment's postings arrays (see the module), read at positions."""

    def __init__(self, folder: Path, segment: str) -> None:
        base = folder / f"{_PREFIX}{segment}"
        mapped = {
            name: np.load(f"{base}.{name}.npy", mmap_mode="r").view(np.ndarray)
            for name in ("keys", "starts", "ends", "value-starts")
        }
        self._keys, self._starts = mapped["keys"], mapped["starts"]
        self._ends, self._value_starts = mapped["ends"], mapped["value-starts"]
        self._files = {name: _Raw(Path(f"{base}.{name}"), _DTYPES[name]) for name in _RAW}
        self._positions = _Raw(Path(f"{base}.positions"), np.dtype(np.uint8))

    @classmethod
    def open(cls, folder: Path | None, segment: str) -> Table | None:
        """The table of ``segment`` in ``folder``; None if it has none (or it is damaged)."""
        if folder is None or not (folder / f"{_PREFIX}{segment}.keys.npy").exists():
            return None
        try:
            return cls(folder, segment)
        except (OSError, ValueError):
            return None

    def _find(self, fieldname: str, term: bytes) -> int | None:
        """The word's row; -1 if the segment does not hold it; None if this table cannot say
        (a key too long to keep: read it from Whoosh's blocks)."""
        key = fieldname.encode() + b"\x00" + term
        if len(key) > KEY_BYTES or key.endswith(b"\x00"):
            return None
        at = int(np.searchsorted(self._keys, key))
        return at if at < len(self._keys) and self._keys[at] == key else -1

    def postings(
        self, fieldname: str, term: bytes
    ) -> tuple[NDArray[np.int32], NDArray[np.float32]] | None:
        """A word's document numbers and weights; None if not kept here."""
        row = self._find(fieldname, term)
        if row is None:
            return None
        if row < 0:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        first, end = int(self._starts[row]), int(self._ends[row])
        return self._files["ids"].read(first, end), self._files["weights"].read(first, end)

    def positions(
        self, fieldname: str, term: bytes
    ) -> tuple[NDArray[np.int32], NDArray[np.uint32], NDArray[np.uint8]] | None:
        """A word's document numbers, each posting's encoded positions' length in bytes, and
        those encoded positions one after another; None if not kept here."""
        row = self._find(fieldname, term)
        if row is None:
            return None
        if row < 0:
            empty = np.zeros(0, dtype=np.int32)
            return empty, np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint8)
        first, end = int(self._starts[row]), int(self._ends[row])
        lengths = self._files["lengths"].read(first, end)
        at = int(self._value_starts[row])
        data = self._positions.read(at, at + int(lengths.sum(dtype=np.int64)))
        return self._files["ids"].read(first, end), lengths, data


class _Raw:
    """A file of fixed-width numbers, read in slices by positional reads (not mapped: what
    it reads is never counted as the process's memory)."""

    def __init__(self, path: Path, dtype: np.dtype[Any]) -> None:
        self._dtype = dtype
        self._descriptor = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._descriptor)

    def read(self, first: int, end: int) -> NDArray[Any]:
        width = self._dtype.itemsize
        data = os.pread(self._descriptor, (end - first) * width, first * width)
        return np.frombuffer(data, dtype=self._dtype)


def remove_unused(folder: Path, segments: set[str]) -> None:
    """Remove the tables of segments not in ``segments`` (merged away, or never committed)."""
    for path in folder.glob(f"{_PREFIX}*"):
        match = re.match(rf"{_PREFIX}([0-9a-z]+)\.", path.name)
        if match and match.group(1) not in segments:
            with contextlib.suppress(OSError):
                path.unlink()


def segment_ids(reader: Any) -> set[str]:
    """The ids of the segments a Whoosh reader reads."""
    found = (getattr(leaf, "_segment", None) for leaf, _ in reader.leaf_readers())
    return {segment.segid for segment in found if segment is not None}


def table_of(folder: Path | None, leaf: Any) -> Table | None:
    """The postings table of a Whoosh segment reader's segment, if it has one."""
    segment = getattr(leaf, "_segment", None)
    return Table.open(folder, segment.segid) if segment is not None else None
