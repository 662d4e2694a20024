"""Writing one batch's documents as several segments at once, one per process.

Whoosh analyses and writes documents one at a time in Python, in one process: building a
large index keeps one core busy for minutes. Here the batch's one writer (it holds the index's
lock, makes every deletion and commits) hands the documents to ``processes`` child processes,
each writing a segment of its own with Whoosh's ``SegmentWriter`` (no lock: the parent holds
it), and commits their segments with its own, in one new table of contents. Until then the
index is as it was: a batch that fails (or a child that fails or dies) commits nothing.

The documents are sent in turns of ``_SHARE`` documents, so each segment holds every other
share; document numbers follow the segments, not the order documents were added in (nothing
reads meaning into them). Each child also gathers the spelling vocabulary of what it wrote.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.errors import BulletinsError
from indexer.index._termpool import with_term_pool

_SHARE = 250  # documents sent to a child at a time


class ParallelWriteError(BulletinsError):
    """A process writing part of a batch failed or died; nothing was committed."""


def _child(
    folder: str,
    limitmb: int,
    connection: Connection,
    parent: int,
    codec: Any,
    words: Callable[[dict[str, Any]], set[str]],
) -> None:
    """Write every document received into a segment of the index in ``folder``; send back
    ("ok", segment, words), or ("error", message)."""
    from indexer.processes import die_with_parent, ignore_stop_signals

    die_with_parent(parent)
    ignore_stop_signals()  # the parent decides: it cancels the batch and ends this process
    try:
        ix = FileStorage(folder).open_index()
        writer = with_term_pool(
            SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=codec), limitmb, Path(folder)
        )
        vocabulary: set[str] = set()
        while (share := connection.recv()) is not None:
            for doc in share:
                vocabulary |= words(doc)
                writer.add_document(**doc)
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        connection.send(("ok", segment, vocabulary))
    except BaseException as exc:  # told to the parent, which fails the batch
        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
        connection.send(("error", message, set()))
    finally:
        connection.close()


class ParallelWriter:
    """The writer of one batch whose added documents are written by child processes (see the
    module's docstring); deletions and the commit are the parent's ``SegmentWriter``'s."""

    def __init__(
        self,
        ix: Any,
        processes: int,
        limitmb: int,
        codec: Any,
        words: Callable[[dict[str, Any]], set[str]],
    ) -> None:
        self._writer = with_term_pool(
            ix.writer(limitmb=limitmb, codec=codec), limitmb, folder_of(ix.storage)
        )
        self.generation: int = self._writer.generation
        self._unique = [name for name, field in self._writer.schema.items() if field.unique]
        self.words: set[str] = set()
        self._segments: list[Any] = []
        context = multiprocessing.get_context("spawn")  # nothing of this process's state
        self._children: list[tuple[Any, Connection]] = []
        try:
            for _ in range(processes):
                ours, theirs = context.Pipe()
                child = context.Process(
                    target=_child,
                    args=(ix.storage.folder, limitmb, theirs, os.getpid(), codec, words),
                    name="bulletins-segment-writer",
                    daemon=True,
                )
                child.start()
                theirs.close()
                self._children.append((child, ours))
        except BaseException:
            self.cancel()
            raise
        self._share: list[dict[str, Any]] = []
        self._turn = 0

    # -- the writer's interface, as Batch uses it ---------------------------------------------
    def update_document(self, **doc: Any) -> None:
        for name in self._unique:
            if name in doc:
                self._writer.delete_by_term(name, doc[name])
        self._share.append(doc)
        if len(self._share) >= _SHARE:
            self._send()

    def delete_by_term(self, fieldname: str, text: Any) -> None:
        self._writer.delete_by_term(fieldname, text)

    def finish(self) -> None:
        """Wait for every child's segment and vocabulary.

        :raise ParallelWriteError: if a child failed or died.
        """
        if self._share:
            self._send()
        for _, connection in self._children:
            self._tell(connection, None)
        problems = []
        for child, connection in self._children:
            try:
                status, found, words = connection.recv()
            except (EOFError, OSError):
                child.join()
                problems.append(f"a segment writer died (exit status {child.exitcode})")
                continue
            child.join()
            if status == "ok":
                if found is not None:
                    self._segments.append(found)
                self.words |= words
            else:
                problems.append(str(found))
        if problems:
            raise ParallelWriteError("writing the index failed: " + "; ".join(problems))

    def commit(self, optimize: bool = False, merge: bool = True) -> None:
        """Commit the segments the children wrote with the parent's deletions; ``optimize``
        or ``merge`` merge the segments the index already had as Whoosh's commit does (the
        new ones stay as they were written)."""
        writer = self._writer
        writer._check_state()
        final = writer._merge_segments(None, optimize, merge)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + self._segments)
        writer._finish()

    def cancel(self) -> None:
        for child, connection in self._children:
            connection.close()
            if child.is_alive():
                child.kill()
            child.join()
        self._children = []
        if not self._writer.is_closed:
            self._writer.cancel()

    # -- sending ----------------------------------------------------------------------------
    def _send(self) -> None:
        _, connection = self._children[self._turn % len(self._children)]
        self._turn += 1
        share, self._share = self._share, []
        self._tell(connection, share)

    def _tell(self, connection: Connection, message: Any) -> None:
        try:
            connection.send(message)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise ParallelWriteError(f"a segment writer is gone: {exc}") from exc


def folder_of(storage: Any) -> Path | None:
    """The folder of an index on disk (where child processes can open it); None for one in
    memory (Whoosh gives that a folder of "", which is not "here")."""
    folder = getattr(storage, "folder", "")
    return Path(folder) if isinstance(storage, FileStorage) and folder else None
