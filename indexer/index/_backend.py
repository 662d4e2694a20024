"""The Whoosh implementation of the search-backend seam (``indexer.backend``).

``ArticleIndex`` opens an index folder (the generation ``CURRENT`` names, reopened when a new
one is published), writes generations through ``Batch``, and answers searches with the
package's acceleration: match sets (``_sets``), BM25F over every match (``_rank``) and facet
tables (``_facets``), built once per generation. ``PlainIndex`` (``_plain``) answers the same
questions with Whoosh's own search, as the reference the acceleration is checked against.
"""

from __future__ import annotations

import functools
import logging
import pickle
import struct
import threading
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import whoosh
from numpy.typing import NDArray
from whoosh import index, query, sorting
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.searching import Hit, Searcher

from indexer.backend import ArchiveReader
from indexer.errors import (
    IndexDamagedError,
    IndexNotFoundError,
    IndexVersionError,
    SearchQueryError,
)
from indexer.index._documents import (
    article_document,
    hit_from_stored,
    restored,
    searched_body,
    stored_boilerplate,
    stored_edition,
    stored_pages,
)
from indexer.index._entity import entity_view
from indexer.index._facets import (
    FacetTable,
    edition_label,
    stored_publication,
)
from indexer.index._filters import restriction, wanted_leaves
from indexer.index._heap import trim_heap
from indexer.index._highlight import highlight_whole, lead, passages
from indexer.index._pages import marked_lines, read_layout
from indexer.index._parallel import ParallelWriter, folder_of
from indexer.index._postings import remove_unused, segment_ids
from indexer.index._query import Reading, parse_query
from indexer.index._question import Plan, plan_query
from indexer.index._rank import Ranker
from indexer.index._schema import (
    DEFAULT_FIELDS,
    ENTITY_TYPES,
    FACET_TYPES,
    QUERY_FIELDS,
    SORTS,
    build_schema,
)
from indexer.index._sets import DocSets, Mask, without_positions
from indexer.index._spelling import Speller, document_words, write_vocabulary
from indexer.index._store import index_health, live_dir, read_pointer, read_toc
from indexer.index._tables import Tables, build_tables, read_tables, write_tables
from indexer.index._termpool import merge_unless_tidy, with_term_pool
from indexer.index.pickled_v1 import Codec
from indexer.models import Article, Edition, Publication
from indexer.publications import resolve
from indexer.results import (
    ArticleBody,
    ArticleView,
    EditionSummary,
    EntityView,
    PageView,
    PublicationSummary,
    Recogniser,
    SearchHit,
    SearchPage,
    StoredEdition,
)
from indexer.tagging.tagger import Tagged

_T = TypeVar("_T")
_log = logging.getLogger(__name__)
WRITER_MB = 256  # a writer's postings held in memory before they go to a run on disk (_termpool)
MORE_LIKE_TERMS = 25
# What a generation may keep of its words' postings, in bytes (see docs/serving.md): match
# sets (each word's documents and weights, phrases' documents) and ranking (each word's
# scores). Only the generation requests read keeps them; the one it replaced lets them go.
SETS_CACHE_BYTES = 96 * 1024 * 1024
RANK_CACHE_BYTES = 48 * 1024 * 1024
# Warming a newly published generation: the words searched most lately, read again.
WARM_TERMS = 400
WARM_SECONDS = 5.0


@dataclass(frozen=True)
class _Match:
    parsed: query.Query
    mask: Mask  # every match, filters applied
    match: str
    sort: str  # as applied: an empty query is listed newest first
    restricted: bool  # filters or dates narrowed the matches
    plan: Plan = field(default_factory=lambda: Plan(Reading(""), None))  # see _question
    need: int = 0  # how many of the plan's parts each match holds at least
    # the largest share of the parts any article held, and how many articles held it
    strictest: tuple[float, int] = (0.0, 0)
    holding_all: int = 0  # matches (within the filters) holding every part

    @property
    def reading(self) -> Reading:
        return self.plan.reading

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.mask))


class _FolderIndex(index.FileIndex):  # type: ignore[misc]  # Whoosh is untyped
    """A Whoosh index in a folder whose schema is read once.

    Whoosh reads the schema from the folder's table of contents each time it is asked, which
    fails once the folder is deleted from under a running server; the generation's open files
    stay readable, so with the schema kept its searcher goes on answering. The schema of an
    index never changes after it is created.
    """

    _kept_schema: Any = None

    @property
    def schema(self) -> Any:
        return self.keep_schema()

    def keep_schema(self) -> Any:
        if self._kept_schema is None:
            self._kept_schema = super().schema
        return self._kept_schema


def _open_folder(folder: Path) -> Any:
    """``whoosh.index.open_dir``, keeping the schema (see ``_FolderIndex``), after checking
    that this Whoosh wrote it.

    :raise OSError, whoosh.index.IndexError: if the folder holds no readable index.
    :raise IndexVersionError: if another version of Whoosh, or of the classes an index
        pickles (``pickled_v1``), wrote it.
    """
    try:
        written = read_toc(folder).release  # (which unpickles the schema too)
        opened = _FolderIndex(FileStorage(str(folder)), indexname=index._DEF_INDEX_NAME)
        opened.keep_schema()  # read now: the folder may be deleted before the first search
    except (OSError, index.IndexError):
        raise
    except (ImportError, AttributeError) as exc:  # a pickled class no longer where it was
        raise IndexVersionError(
            f"The index at {folder} was written by another version of Bulletin Archive "
            f"({exc}). Rebuild it with: bulletins index"
        ) from exc
    except Exception as exc:  # a damaged table of contents raises anything (EOFError...)
        raise index.IndexError(f"unreadable index in {folder}: {exc!r}") from exc
    check_release(tuple(written), folder)
    return opened


def check_release(written: tuple[int, ...], folder: Path) -> None:
    """:raise IndexVersionError: unless the running Whoosh (pinned) wrote the index."""
    if tuple(written)[:3] != tuple(whoosh.__version__)[:3]:
        raise IndexVersionError(
            f"The index at {folder} was written by Whoosh "
            f"{'.'.join(map(str, written))}; this installation has Whoosh "
            f"{whoosh.versionstring()}. Rebuild it with: bulletins index"
        )


# What opening or reading a generation that is being deleted or is damaged raises.
# (a damaged segment file fails in whatever way its unpickling or decoding does)
_UNREADABLE = (
    OSError,
    index.IndexError,
    EOFError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
    ValueError,
)


@dataclass
class _Generation:
    """One generation as it is searched: its searcher and everything computed from it, so a
    request that began on it ends on it, even when a new one is published (or the folder is
    damaged) meanwhile."""

    searcher: Searcher
    key: tuple[str, int]
    storage: Any
    tables: Tables | None = None  # facets, date orders, publications (see _tables)
    sets: DocSets | None = None
    ranker: Ranker | None = None
    speller: Speller | None = None  # "did you mean"
    users: int = 0  # requests (and export streams) reading it now
    closing: bool = False  # replaced twice since: closed when its last user is done


def _consistent(method: Callable[..., _T]) -> Callable[..., _T]:
    """Run a reading method on one generation from start to end (see ArticleIndex._pinned)."""

    @functools.wraps(method)
    def pinned(self: ArticleIndex, *args: Any, **kwargs: Any) -> _T:
        with self._pinned():
            return method(self, *args, **kwargs)

    return pinned


EXPORT_SNIPPETS = 10_000  # rows of an export with the page's snippet; later ones, the opening


class _Rows:
    """The matches of a search, read row by row (an export), holding their generation open
    until the last row is read, the stream is closed, or it is dropped unread."""

    def __init__(
        self,
        index: ArticleIndex,
        generation: _Generation,
        ranked: list[tuple[int, float]],
        terms: set[str],
    ) -> None:
        self._index: ArticleIndex | None = index
        self._generation = generation
        self._ranked = iter(ranked)
        self._terms = terms  # the query's words in the body, for each row's snippet
        self._count = 0
        self._analyzer = generation.searcher.schema["body"].analyzer

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> SearchHit:
        if self._index is None:
            raise StopIteration
        try:
            docnum, score = next(self._ranked)
        except StopIteration:
            self.close()
            raise
        stored = self._generation.searcher.stored_fields(docnum)
        body = searched_body(stored)
        self._count += 1
        if self._count > EXPORT_SNIPPETS:  # a snippet costs about a millisecond: the opening
            return hit_from_stored(stored, lead(body), score)
        shown, offset = passages(body, self._terms, self._analyzer)
        return hit_from_stored(stored, shown, score, offset)

    def close(self) -> None:
        index, self._index = self._index, None
        if index is not None:
            index._release(self._generation)

    def __del__(self) -> None:
        self.close()


class ArticleIndex:
    """An index directory of articles. ``path=None`` keeps the index in memory (tests)."""

    def __init__(
        self,
        path: Path | None,
        *,
        known_words: Iterable[str] = (),
        recognise: Recogniser | None = None,
        switch_when_warm: bool = False,
    ) -> None:
        """Open the index at ``path``: an index folder (the generation it serves, see
        ``resolve_live``: the live one, or the newest intact one if ``CURRENT`` is damaged) or
        one generation's folder; ``None`` for a new one in memory. ``known_words`` (the
        gazetteer's, in lower case) are words "did you mean" never corrects, and may offer;
        ``recognise`` finds the gazetteer's names in a query (see ``_question``).

        ``switch_when_warm`` (a server): a newly published generation is opened and warmed in
        a thread of its own (its tables mapped, the words searched lately read again) while
        requests go on being answered from the one before, and requests switch to it once it
        is ready (see ``settle``). Otherwise the first read after a publish opens it."""
        self.path = path
        self._switch_when_warm = switch_when_warm
        self._warming: tuple[str, int] | None = None  # the generation being warmed
        self._unusable: tuple[str, int] | None = None  # one that failed to open: not retried
        self._warmed = threading.Condition(threading.Lock())
        self._known_words = frozenset(known_words)
        self._recognise = recognise
        # reentrant: a stream's rows released by the garbage collector may run under it
        self._lock = threading.RLock()
        self._current: _Generation | None = None
        self._retired: _Generation | None = None
        self._local = threading.local()  # the generation a thread's request is pinned to
        self._live: Path | None = None  # the folder read (see serving)
        self._pointer: bytes | str | None = None  # what CURRENT held when it was opened
        if path is None:
            self._ix = RamStorage().create_index(build_schema())
            return
        if not self._open_live(path):
            raise IndexNotFoundError(f"No index at {path}. Build one with: bulletins index")

    @classmethod
    def create(cls, path: Path) -> ArticleIndex:
        """Create an empty index at ``path`` (which must not hold one already)."""
        path.mkdir(parents=True, exist_ok=True)
        index.create_in(str(path), build_schema())
        return cls(path)

    @staticmethod
    def exists(path: Path) -> bool:
        return live_dir(path) is not None

    @property
    def serving(self) -> Path | None:
        """The folder this index reads: a generation, or the index folder itself in the
        earlier layout (or when opened on one generation's folder); None in memory."""
        with self._lock:
            if self._current is not None and self._current.key[0]:
                return Path(self._current.key[0])  # (while a newer one warms, this one)
            return self._live

    def health(self) -> dict[str, Any]:
        """Which generation this index serves and what is wrong with its folder (the keys of
        ``index_health``), after looking for a newly published generation."""
        if self.path is None:
            return {"generation": None, "problem": None}
        with suppress(IndexNotFoundError):
            self._searcher()
        return index_health(self.path, self.serving)

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def batch(
        self,
        *,
        optimize: bool = True,
        merge: bool = True,
        publications: Sequence[Publication] = (),
        processes: int = 1,
        tables: bool = True,
        tidy: bool = False,
    ) -> Iterator[Batch]:
        """One writer; commits only if the block finishes without an exception. ``optimize``
        merges everything into one segment (for a new index; an updated copy merges as
        Whoosh sees fit: with four segments or fewer, all of them); ``merge`` false merges
        nothing. ``publications``: the manifest's, that editions are filed under.

        ``processes`` > 1 (an index on disk): the documents added are written by that many
        processes at once, as a segment each (see ``_parallel``); ``optimize`` then merges the
        segments the index had, and the new ones stay as written. ``tables`` false: the commit's
        tables are not made (another commit follows at once, whose tables replace them).
        ``tidy`` (with ``optimize``, one process): an index of one segment with few deleted
        documents is left as it is, the documents added a segment of their own (see
        ``merge_unless_tidy``)."""
        writer: Any
        if processes > 1 and folder_of(self._ix.storage) is not None:
            writer = ParallelWriter(self._ix, processes, WRITER_MB, Codec(), document_words)
        else:
            writer = with_term_pool(
                self._ix.writer(limitmb=WRITER_MB, codec=Codec()),
                WRITER_MB,
                folder_of(self._ix.storage),
            )
        try:
            batch = Batch(writer, publications)
            yield batch
            if isinstance(writer, ParallelWriter):
                writer.finish()
                batch.words |= writer.words
            # named after the generation the commit makes, so it is there before the commit
            write_vocabulary(self._ix.storage, writer.generation, batch.words)
        except BaseException:
            writer.cancel()
            raise
        if optimize and tidy and not isinstance(writer, ParallelWriter):
            writer.commit(mergetype=merge_unless_tidy)
        else:
            writer.commit(optimize=optimize, merge=merge)
        if tables:
            self._write_tables(writer.generation)

    def add_edition(
        self,
        edition: Edition,
        articles: Iterable[Article],
        tags: Mapping[str, Tagged] | None = None,
        tagger_version: str = "",
        pipeline_version: str = "",
    ) -> int:
        """Replace everything indexed for ``edition`` with ``articles`` (and their entity tags,
        keyed by article id); returns how many articles were written."""
        with self.batch() as batch:
            batch.delete_edition(edition.id)
            return batch.add_edition(edition, articles, tags, tagger_version, pipeline_version)

    def carry_over(self, other: ArchiveReader, edition_id: str) -> int:
        """Copy every article of ``edition_id`` from ``other`` into this index."""
        with self.batch() as batch:
            return batch.carry_over(other, edition_id)

    @_consistent
    def stored_edition(self, edition_id: str) -> StoredEdition | None:
        """An edition as indexed: its record, its articles and the entities each was filed
        under; None if absent or written by a version that did not store it whole."""
        return stored_edition(self._edition_docs(edition_id))

    # -- reading ------------------------------------------------------------------------------
    def _searcher(self) -> Searcher:
        """A searcher for the newest committed index, reused until that changes.

        Each call checks which generation is live (a rebuilt index is published as a new
        folder) and that folder's latest commit. The searcher it replaces is closed at the
        following change, so requests still using it can finish. When the index folder is
        damaged (``CURRENT`` garbled, the live generation deleted), the newest intact
        generation is searched; when none is left, the searcher already open goes on.

        :raise IndexNotFoundError: if there is nothing to search, not even an open searcher.
        """
        return self._generation().searcher

    def _generation(self, *, hold: bool = False) -> _Generation:
        """The generation this thread's request is pinned to, or else the newest (see
        ``searcher``); ``hold``: counted as in use until :meth:`_release`."""
        pinned: _Generation | None = getattr(self._local, "generation", None)
        with self._lock:
            if pinned is None:
                pinned = self._newest()
            if hold:
                pinned.users += 1
            return pinned

    def _newest(self) -> _Generation:
        """The newest generation, opened if it changed (call with the lock held). The one it
        replaces stays open for the requests still reading it; the one before that is closed
        once no request reads it."""
        fresh = None
        try:
            key = self._key()
        except IndexVersionError:  # published by another version: keep this one
            if self._current is not None:
                return self._current
            raise
        except _UNREADABLE as exc:  # being replaced right now, or gone: keep this one
            if self._current is not None:
                return self._current
            raise IndexNotFoundError(
                f"No index at {self.path}. Build one with: bulletins index"
            ) from exc
        if self._current is not None and key != self._current.key and self._switch_when_warm:
            if key not in (self._warming, self._unusable):
                self._warming = key
                warming = threading.Thread(
                    target=self._warm_up,
                    args=(self._ix, key, self._current),
                    name="bulletins-warm-up",
                    daemon=True,
                )
                warming.start()
            return self._current
        try:
            if self._current is None or key != self._current.key:
                fresh = _Generation(self._ix.searcher(), key, self._ix.storage)
        except _UNREADABLE as exc:  # its files are damaged, or went away: keep this one
            if self._current is not None:
                return self._current
            raise IndexDamagedError(
                f"The index at {self.path} cannot be read ({type(exc).__name__}: {exc}); "
                "rebuild it with: bulletins index"
            ) from exc
        if fresh is None:
            assert self._current is not None  # (fresh is made when there is none)
            return self._current
        self._switch(fresh)
        return fresh

    def _switch(self, fresh: _Generation) -> None:
        """Make ``fresh`` the generation requests read (call with the lock held). The one it
        replaces lets go of its caches at once (requests still reading it compute what they
        need afresh) and the one before that is closed once no request reads it."""
        if self._retired is not None:
            self._retired.closing = True
            if not self._retired.users:
                _close(self._retired)
        if self._current is not None:
            _let_go(self._current)
        self._retired, self._current = self._current, fresh

    def _warm_up(self, ix: Any, key: tuple[str, int], previous: _Generation) -> None:
        """Open the generation ``key`` of ``ix``, warm it (see ``_prepare``) and switch
        requests to it, unless another switch happened meanwhile. One that cannot be read is
        left alone (requests stay on ``previous``) until another is published."""
        fresh = None
        try:
            fresh = _Generation(ix.searcher(), key, ix.storage)
            self._prepare(fresh, previous)
        except Exception as exc:  # damaged or deleted meanwhile: keep serving the one before
            if fresh is not None:
                _close(fresh)
            _log.warning("cannot open the new index generation %s: %s", key[0], exc)
            with self._lock:
                self._unusable = key
                self._warming = None
            with self._warmed:
                self._warmed.notify_all()
            return
        with self._lock:
            if self._current is previous:
                self._switch(fresh)
            else:
                _close(fresh)
            self._warming = None
        with self._warmed:
            self._warmed.notify_all()

    def _prepare(self, generation: _Generation, previous: _Generation | None) -> None:
        """Make ``generation`` ready to answer at warm speed: its tables read, its match sets
        and ranking set up with every scored field's lengths, and the words ``previous`` read
        most lately read again (at most WARM_TERMS of them, for at most WARM_SECONDS)."""
        generation.tables = self._read_tables(generation)
        sets = generation.sets = _sets_of(generation)
        ranker = generation.ranker = Ranker(generation.searcher, sets, RANK_CACHE_BYTES)
        ranker.prepare()
        recent = previous.sets.recent_terms(WARM_TERMS) if previous and previous.sets else []
        deadline = time.monotonic() + WARM_SECONDS
        for fieldname, text in recent:
            if time.monotonic() > deadline:
                break
            ranker.term(fieldname, text)

    def warm(self) -> None:
        """Make the generation requests read now ready to answer at warm speed (a server, at
        start-up: see ``_prepare``)."""
        with self._pinned() as generation, self._lock:
            if generation.tables is None or generation.ranker is None:
                self._prepare(generation, None)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the newest generation is the one requests read (a server warms a new
        one first, see ``switch_when_warm``), or it failed to open, or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        while self._still_warming() and time.monotonic() < deadline:
            with self._warmed:
                self._warmed.wait(0.05)

    def _still_warming(self) -> bool:
        """Look for a newly published generation (starting to warm it); whether one is being
        warmed."""
        with self._lock:
            with suppress(IndexNotFoundError, IndexDamagedError):
                self._newest()
            return self._warming is not None

    def _release(self, generation: _Generation) -> None:
        with self._lock:
            generation.users -= 1
            if generation.closing and not generation.users:
                _close(generation)

    @contextmanager
    def _pinned(self) -> Iterator[_Generation]:
        """Within the block, every read in this thread uses one generation, which stays open
        until the block ends."""
        pinned: _Generation | None = getattr(self._local, "generation", None)
        if pinned is not None:
            yield pinned
            return
        generation = self._generation(hold=True)
        self._local.generation = generation
        try:
            yield generation
        finally:
            self._local.generation = None
            self._release(generation)

    def _key(self) -> tuple[str, int]:
        """The folder to search and its latest commit, reopening the folder to serve when
        ``CURRENT`` changed or the open folder was deleted; cheap when neither happened (one
        small read and one listing).

        :raise FileNotFoundError: if the open folder is gone and nothing intact is left.
        """
        latest = self._ix.latest_generation()
        if self.path is not None and (latest < 0 or read_pointer(self.path) != self._pointer):
            if not self._open_live(self.path):
                raise FileNotFoundError(f"no intact index under {self.path}")
            latest = self._ix.latest_generation()
        if latest < 0:
            raise FileNotFoundError(f"no index in {self._live}")
        return (str(self._live or ""), latest)

    def _open_live(self, path: Path) -> bool:
        """Open the folder to serve under ``path`` (see ``resolve_live``); False if there is
        none. A generation replaced or deleted while it is opened is looked for again."""
        for _ in range(3):
            pointer = read_pointer(path)
            live = live_dir(path)
            if live is None:
                return False
            try:
                self._ix = _open_folder(live)
            except _UNREADABLE:
                continue
            self._live, self._pointer = live, pointer
            return True
        return False

    def _facet_table(self) -> FacetTable:
        return self._tables().facets

    def _tables(self) -> Tables:
        """The generation's tables: the files its indexer wrote, memory-mapped, else (an index
        of an earlier version, or in memory) built here once."""
        with self._pinned() as generation, self._lock:
            if generation.tables is None:
                generation.tables = self._read_tables(generation)
            return generation.tables

    def _read_tables(self, generation: _Generation) -> Tables:
        folder = folder_of(generation.storage)
        commit = generation.searcher.reader().generation()  # (None: an empty index)
        if folder is not None and commit is not None:
            found = read_tables(folder, commit)
            if found is not None:
                return found
        return build_tables(generation.searcher, self._doc_sets())

    def _write_tables(self, commit: int) -> None:
        """Make the tables of the commit just made (see _tables), when the index is a folder."""
        folder = folder_of(self._ix.storage)
        if folder is None:
            return
        with self._ix.searcher() as searcher:
            tables = build_tables(searcher, DocSets(searcher))
            write_tables(folder, commit, tables)
            remove_unused(folder, segment_ids(searcher.reader()))

    def _doc_sets(self) -> DocSets:
        """Unscored match sets over the current generation (see _sets)."""
        generation = self._generation()
        with self._lock:
            if generation.sets is None:
                generation.sets = _sets_of(generation)
            return generation.sets

    def _ranker(self) -> Ranker:
        """Relevance scores over the current generation (see _rank)."""
        with self._pinned() as generation:
            sets = self._doc_sets()
            with self._lock:
                if generation.ranker is None:
                    generation.ranker = Ranker(generation.searcher, sets, RANK_CACHE_BYTES)
                return generation.ranker

    def _order(self, sort: str) -> NDArray[np.int32]:
        """Each document's position when listed newest (or oldest) first, then in edition
        order."""
        return self._tables().orders[sort]

    def close(self) -> None:
        """Close the searchers; one a stream still reads is closed when that stream ends."""
        with self._lock:
            for generation in (self._current, self._retired):
                if generation is not None:
                    generation.closing = True
                    if not generation.users:
                        _close(generation)
            self._current = self._retired = None

    @_consistent
    def count(self) -> int:
        return int(self._searcher().doc_count())

    @_consistent
    def search(
        self,
        text: str,
        *,
        page: int = 1,
        per_page: int = 10,
        filters: Mapping[str, Sequence[str]] | None = None,
        sort: str = "relevance",
        date_from: str | None = None,
        date_to: str | None = None,
        facet_limit: int | None = 50,
        relax: bool = True,
    ) -> SearchPage:
        """Run a user's query within ``filters``: {type: values}, any value of a type, every
        type; types are the entity types, ``publication`` and ``edition`` (ids), ``year`` and
        ``section``.

        ``date_from``/``date_to`` ("YYYY" or "YYYY-MM", inclusive) bound the edition date.
        ``sort`` is relevance, newest or oldest; an empty query lists newest first. A plain
        query or question needs all its words and names, then (unless ``relax`` is false) one
        fewer at a time (see ``_match``). When a word is in no article and a close one is, the
        corrected query is offered as ``did_you_mean`` if some article holds a larger share of
        its words than of the query's.

        :raise SearchQueryError: if the query or a parameter is malformed.
        """
        page = max(1, page)
        per_page = max(1, min(per_page, 100))
        match = self._match(text, filters, sort, date_from, date_to, relax)
        terms = self._terms(match.parsed)["body"]
        analyzer = self._ix.schema["body"].analyzer
        searcher = self._searcher()
        hits = []
        for docnum, score in self._ranked(match, (page - 1) * per_page, page * per_page):
            stored = searcher.stored_fields(docnum)
            shown, offset = passages(searched_body(stored), terms, analyzer)
            hits.append(hit_from_stored(stored, shown, score, offset))
        total = match.total
        facets = self._facets_for(match, filters, date_from, date_to, facet_limit)
        did_you_mean = None
        if match.match != "all" or not total:
            did_you_mean = self._did_you_mean(text, filters, date_from, date_to, match)
        return SearchPage(
            text,
            total,
            page,
            per_page,
            hits,
            facets,
            match=match.match,
            sort=match.sort,
            did_you_mean=did_you_mean,
            read_as=match.reading.text if match.reading.notes else None,
            read_notes=list(match.reading.notes),
            words=list(match.plan.words),
            words_needed=match.need,
            with_every_word=match.holding_all,
            required=list(match.plan.required_words),
            left_out=list(match.plan.left_out),
            recognised=list(match.plan.recognised),
        )

    def _facets_for(
        self,
        match: _Match,
        filters: Mapping[str, Sequence[str]] | None,
        date_from: str | None,
        date_to: str | None,
        limit: int | None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Counts per facet value over the matches. A type with an active filter is counted
        without its own filter (values of one type are alternatives), so its other values show
        how many articles adding them would bring."""
        if limit == 0:
            return {}
        table = self._facet_table()
        sets = self._doc_sets()
        active = [t for t, values in (filters or {}).items() if values]
        facets = table.counts(match.mask, limit, [t for t in FACET_TYPES if t not in active])
        for type_ in active:
            others = {t: v for t, v in (filters or {}).items() if t != type_}
            restrict = restriction(others, date_from, date_to)
            wanted = sets.of(match.parsed)
            if restrict is not None:
                wanted &= sets.of(restrict)
            facets.update(table.counts(wanted, limit, [type_]))
        return {t: facets[t] for t in FACET_TYPES if t in facets}

    @_consistent
    def matches(
        self,
        text: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        sort: str = "relevance",
        date_from: str | None = None,
        date_to: str | None = None,
        relax: bool = True,
    ) -> Iterator[SearchHit]:
        """Every article a search matches, in order, with the snippets the page shows (for exports).

        The query is checked before this returns, so a malformed one raises here, not midway.
        """
        match = self._match(text, filters, sort, date_from, date_to, relax)
        ranked = self._ranked(match, 0, None)
        terms = self._terms(match.parsed)["body"]
        return _Rows(self, self._generation(hold=True), ranked, terms)

    def _ranked(self, match: _Match, start: int, stop: int | None) -> list[tuple[int, float]]:
        """(document number, score) of the matches from ``start`` to ``stop`` in order: by
        relevance, BM25F over every match at once (see _rank), or Whoosh's own top-N search
        for the query shapes that does not score; by date, from the generation's precomputed
        order."""
        if match.sort != "relevance":
            ids = np.flatnonzero(match.mask)
            ranked = ids[np.argsort(self._order(match.sort)[ids], kind="stable")]
            return [(int(d), 0.0) for d in ranked[start:stop]]
        if not match.mask.any():  # (an empty filter set would be no filter to Whoosh)
            return []
        ranking = without_positions(match.parsed)
        ranker = self._ranker()
        if ranker.supports(ranking):
            return ranker.top(ranking, match.mask, start, stop)
        allowed = None
        if match.restricted or ranking is not match.parsed:
            allowed = set(np.flatnonzero(match.mask).tolist())
        results = self._searcher().search(ranking, limit=stop, filter=allowed)
        return [(int(docnum), float(score)) for score, docnum in results.top_n[start:stop]]

    def _match(
        self,
        text: str,
        filters: Mapping[str, Sequence[str]] | None,
        sort: str,
        date_from: str | None,
        date_to: str | None,
        relax: bool = True,
    ) -> _Match:
        """The matches of a search within its filters and dates: those holding the parts its
        plan needs (see ``_question``). How many parts are needed is chosen over the whole
        archive (all, and when none or, for a question, too few articles hold them all, one
        fewer at a time; not when ``relax`` is false), so that a facet's count is what
        clicking it finds; within the filters, only while nothing matches, one fewer again.
        """
        if sort not in SORTS:
            raise SearchQueryError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
        restrict = restriction(filters, date_from, date_to)
        plan = self._plan(text)
        steps = list(plan.steps() if relax else plan.steps()[:1])
        if sort == "relevance" and isinstance(plan.query(steps[0]), query.Every):
            sort = "newest"
        found = None
        strictest: tuple[float, int] = (0.0, 0)
        for need in steps:
            found = self._find(plan.query(need), None, sort)
            if found.total and not strictest[1]:
                strictest = (need / max(1, len(plan.parts)), found.total)
            if plan.enough(found.total):
                break
        assert found is not None
        if restrict is not None:
            chosen = steps.index(need)
            for need in steps[chosen:]:  # on from the step chosen over the archive
                found = self._find(plan.query(need), restrict, sort)
                if found.total:
                    break
        parts = len(plan.parts)
        kind = "all" if need >= parts else "any" if need == 1 else "most"
        holding_all = (
            found.total if kind == "all" else self._find(plan.query(parts), restrict, sort).total
        )
        return replace(
            found,
            match=kind,
            plan=plan,
            need=min(need, parts),
            strictest=strictest,
            holding_all=holding_all,
        )

    def _plan(self, text: str) -> Plan:
        """How ``text`` is searched (see ``_question``)."""
        searcher = self._searcher()

        def weight(type_: str, id_: str) -> float:
            return float(searcher.idf(type_, id_)) if type_ in self._ix.schema else 0.0

        return plan_query(
            text, self._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS, self._recognise, weight
        )

    def _find(self, parsed: query.Query, restrict: query.Query | None, sort: str) -> _Match:
        """The documents ``parsed`` matches within ``restrict``, from the match sets."""
        sets = self._doc_sets()
        mask = sets.of(parsed)
        if restrict is not None:
            mask &= sets.of(restrict)
        return _Match(parsed, mask, "all", sort, restrict is not None)

    @_consistent
    def _bare_top(
        self, text: str, filters: Mapping[str, Sequence[str]] | None = None, limit: int = 10
    ) -> list[str]:
        """The ids of the best ``limit`` matches by Whoosh alone: no count, facets, snippets or
        relaxation (the baseline that benchmarks compare ``search`` with)."""
        parsed = parse_query(text, self._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS)
        restrict = restriction(filters, None, None)
        results = self._searcher().search(parsed, limit=limit, filter=restrict)
        return [hit["id"] for hit in results]

    def _did_you_mean(
        self,
        text: str,
        filters: Mapping[str, Sequence[str]] | None,
        date_from: str | None,
        date_to: str | None,
        found: _Match,
    ) -> str | None:
        """The query with its unknown words corrected, when that matches better than the
        query itself (``found``): some article holds more of its parts, or as many parts in
        more articles; else None."""
        generation = self._generation()
        with self._lock:
            if generation.speller is None:
                generation.speller = Speller(
                    generation.searcher, generation.storage, self._known_words
                )
            speller = generation.speller
        corrected = speller.suggest(text)
        if corrected is None:
            return None
        try:
            again = self._match(corrected, filters, "relevance", date_from, date_to)
        except SearchQueryError:
            return None
        better = again.strictest > found.strictest
        return corrected if better else None

    @_consistent
    def entity_counts(self) -> dict[str, list[dict[str, Any]]]:
        """Every entity with the number of articles filed under it, by type."""
        return self._facet_table().counts(self._doc_sets().live, types=ENTITY_TYPES)

    @_consistent
    def label(self, type_: str, id_: str) -> str | None:
        """The display name of a filter value the index knows, else None."""
        return self._facet_table().label(type_, id_)

    @_consistent
    def values(self, type_: str) -> dict[str, str]:
        """Every value of a filter type the index holds, ``{id: label}``."""
        return dict(self._facet_table().labels.get(type_, {}))

    @_consistent
    def article(
        self,
        article_id: str,
        text: str = "",
        related: int = 5,
        named: Mapping[str, Sequence[str]] | None = None,
    ) -> ArticleView | None:
        """An article with ``text``'s terms marked in it, and where it names the entities of
        ``named`` ({type: ids}); related articles and its edition's others; ``None`` if there
        is no such article. A malformed ``text`` marks nothing."""
        searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        stored = dict(searcher.stored_fields(docnum))
        parsed: query.Query = query.NullQuery
        if text.strip():
            with suppress(SearchQueryError):  # a malformed query marks nothing
                parsed = self._plan(text).query(1)  # every part it searched for
        terms = self._terms(parsed)
        schema = self._ix.schema
        mentions = list(stored.get("mentions") or [])
        wanted = {(t, i) for t, ids in (named or {}).items() for i in ids}
        spans = {
            field: [(m[3], m[4]) for m in mentions if (m[0], m[1]) in wanted and m[2] == field]
            for field in ("title", "body")
        }
        body, searched = stored.get("body", ""), searched_body(stored)
        body_html = highlight_whole(body, terms["body"], schema["body"].analyzer, spans["body"])
        analyzer = schema["body"].analyzer
        offset = passages(searched, terms["body"], analyzer)[1] if terms["body"] else None
        title_html = highlight_whole(
            stored["title"], terms["title"], schema["title"].analyzer, spans["title"]
        )
        similar = searcher.more_like(
            docnum, "body", text=searched, top=related, numterms=MORE_LIKE_TERMS
        )
        neighbours = [
            hit_from_stored(d, lead(searched_body(d)), 0.0)
            for d in self._edition_docs(stored["edition_id"])
            if d["id"] != article_id
        ]
        boilerplate = stored_boilerplate(stored)
        return ArticleView(
            hit=hit_from_stored(stored, lead(searched), 0.0, offset),
            body_html=body_html,
            title_html=title_html,
            mentions=mentions,
            named_at=len(spans["title"]) + len(spans["body"]),
            related=[
                hit_from_stored(h.fields(), lead(searched_body(h.fields())), _score(h))
                for h in similar
            ],
            same_edition=neighbours,
            boilerplate=[body.count("\n\n", 0, start) for start, _ in boilerplate],
        )

    @_consistent
    def page(self, edition_id: str, number: int, text: str = "") -> PageView | None:
        """Page ``number`` of an edition as printed, with the words of the query ``text``
        marked where they are; None if there is no such edition or page. A malformed ``text``
        marks nothing."""
        docs = self._edition_docs(edition_id)
        if not docs:
            return None
        record = dict(docs[0].get("edition_record") or {})
        sha256 = str(record.get("sha256") or "")
        layout = read_layout(self.path, sha256) if self.path is not None else ()
        count = len(layout) or max((max(stored_pages(d), default=1) for d in docs), default=1)
        if not 1 <= number <= count:
            return None
        terms: set[str] = set()
        if text.strip():
            with suppress(SearchQueryError):  # a malformed query marks nothing
                found = self._terms(self._plan(text).query(1))
                terms = found["body"] | found["title"]
        analyzer = self._ix.schema["body"].analyzer
        printed = next((p for p in layout if p.number == number), None)
        lines, marks = marked_lines(printed, terms, analyzer) if printed else ([], [])
        return PageView(
            edition={
                "id": edition_id,
                "label": edition_label(docs[0]),
                "file": docs[0].get("file", ""),
                "sha256": sha256,
            },
            number=number,
            count=count,
            width=printed.width if printed else 0.0,
            height=printed.height if printed else 0.0,
            marks=marks,
            lines=lines,
            articles=[hit_from_stored(d, "", 0.0) for d in docs if number in stored_pages(d)],
            layout_known=printed is not None,
        )

    def _terms(self, parsed: query.Query) -> dict[str, set[str]]:
        """The words a query looks for in the title and body (analysed forms), wildcards
        expanded against the index."""
        terms: dict[str, set[str]] = {"title": set(), "body": set()}
        reader = self._searcher().reader()
        for leaf in wanted_leaves(parsed):
            if leaf.field() not in terms:
                continue
            if isinstance(leaf, query.MultiTerm):  # prefix*, wild?card, fuzzy~: what they match
                found = list(leaf._btexts(reader))
            else:
                found = [t for _, t in leaf.terms(phrases=True)]
            terms[leaf.field()].update(t.decode() if isinstance(t, bytes) else t for t in found)
        return terms

    @_consistent
    def editions(self) -> list[EditionSummary]:
        """Every edition, newest first: its record, label and articles in order."""
        by_edition: dict[str, list[dict[str, Any]]] = {}
        for doc in self._searcher().documents():
            by_edition.setdefault(doc["edition_id"], []).append(dict(doc))
        out = []
        for edition_id, docs in by_edition.items():
            docs.sort(key=lambda d: d["ordinal"])
            first = docs[0]
            out.append(
                EditionSummary(
                    dict(first.get("edition_record") or {"id": edition_id}),
                    edition_label(first),
                    [hit_from_stored(d, "", 0.0) for d in docs],
                    stored_publication(first),
                )
            )
        out.sort(key=lambda e: (e.date or "", e.number or 0), reverse=True)
        return out

    @_consistent
    def publications(self) -> list[PublicationSummary]:
        """Every publication with editions indexed, most editions first, with its record and
        counts (worked out once per generation)."""
        return list(self._tables().publications)

    @_consistent
    def edition_file(self, edition_id: str) -> str | None:
        """The PDF of an indexed edition, relative to the corpus folder, or None."""
        stored = self._searcher().document(edition_id=edition_id)
        return str(stored["file"]) if stored and stored.get("file") else None

    @_consistent
    def edition_sha256(self, edition_id: str) -> str | None:
        """The hash of the bytes an indexed edition was read from, or None."""
        stored = self._searcher().document(edition_id=edition_id)
        record = (stored or {}).get("edition_record") or {}
        return str(record.get("sha256") or "") or None

    @_consistent
    def entity(self, type_: str, id_: str) -> EntityView | None:
        """An entity's articles, mentions per edition and co-mentioned entities; None if no
        article is filed under it."""
        if type_ not in ENTITY_TYPES:
            return None
        results = self._searcher().search(
            query.Term(type_, id_),
            limit=None,
            sortedby=[sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("ordinal")],
        )
        docs = [dict(hit.fields()) for hit in results]
        if not docs:
            return None
        label = self.label(type_, id_) or id_
        hits = [hit_from_stored(d, lead(searched_body(d)), 0.0) for d in docs]
        return entity_view(type_, id_, label, docs, hits, self._edition_list())

    def _edition_list(self) -> list[tuple[str, str, str]]:
        """Every edition as (id, label, date), oldest first."""
        table = self._facet_table()
        order = table.order["edition"]
        return [
            (edition_id, label, order.get(edition_id, "").split("\t")[0])
            for edition_id, label in sorted(
                table.labels["edition"].items(), key=lambda kv: order.get(kv[0], "")
            )
        ]

    @_consistent
    def updated(self) -> float:
        """When the index was last written (seconds since the epoch)."""
        if self._live is None:
            return 0.0
        return max((p.stat().st_mtime for p in self._live.glob("_MAIN_*.toc")), default=0.0)

    @_consistent
    def bodies(self) -> Iterator[ArticleBody]:
        """Every article's body as stored, with its publication, edition and the spans of it
        recorded as boilerplate (for finding boilerplate: see indexer.boilerplate)."""
        for doc in self._searcher().documents():
            yield ArticleBody(
                str(doc.get("publication") or ""),
                str(doc["edition_id"]),
                str(doc["id"]),
                str(doc.get("body", "")),
                stored_boilerplate(doc),
            )

    def _edition_docs(self, edition_id: str) -> list[dict[str, Any]]:
        return sorted(
            (dict(d) for d in self._searcher().documents(edition_id=edition_id)),
            key=lambda d: d["ordinal"],
        )


class Batch:
    """The changes of one writer (see ArticleIndex.batch)."""

    def __init__(self, writer: Any, publications: Sequence[Publication] = ()) -> None:
        self._writer = writer
        self.words: set[str] = set()  # the spelling vocabulary of what was added
        self.publications = tuple(publications)  # the manifest's, editions are filed under

    def add_edition(
        self,
        edition: Edition,
        articles: Iterable[Article],
        tags: Mapping[str, Tagged] | None = None,
        tagger_version: str = "",
        pipeline_version: str = "",
        boilerplate: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    ) -> int:
        """Add ``articles`` of ``edition`` (with their entity tags, keyed by article id),
        filed under the publication it names (the manifest's record of it, if any);
        ``boilerplate``: by article id, the spans of its body left out of ranking, snippets
        and more-like-this (kept for reading)."""
        publication = resolve(edition.publication, self.publications)
        if publication is not None:
            edition = replace(edition, publication=publication.name)
        count = 0
        for article in articles:
            tagged = tags.get(article.id) if tags else None
            spans = (boilerplate or {}).get(article.id, ())
            self.add_document(
                article_document(
                    article, edition, tagged, tagger_version, pipeline_version, publication, spans
                )
            )
            count += 1
        return count

    def carry_over(self, other: ArchiveReader, edition_id: str) -> int:
        """Copy every article of ``edition_id`` from ``other``, its stored fields as they are
        (whatever version wrote them, entity tags included).

        :raise TypeError: if ``other`` is not a Whoosh index (another engine's articles are
            written with ``add_edition`` from its ``stored_edition``).
        """
        if not isinstance(other, ArticleIndex):
            raise TypeError(f"cannot carry articles over from {type(other).__name__}")
        docs = other._edition_docs(edition_id)
        for doc in docs:
            self.add_document(restored(doc))
        return len(docs)

    def rewrite(
        self,
        stored: StoredEdition,
        ids: Collection[str],
        tags: Mapping[str, Tagged],
        tagger_version: str,
    ) -> int:
        """Write the articles ``ids`` of a stored edition again, in place, with ``tags`` and
        the edition's boilerplate as ``stored`` has it (the others are left as they are)."""
        publication = resolve(stored.edition.publication, self.publications)
        edition = stored.edition
        if publication is not None:
            edition = replace(edition, publication=publication.name)
        count = 0
        for article in stored.articles:
            if article.id in ids:
                doc = article_document(
                    article,
                    edition,
                    tags[article.id],
                    tagger_version,
                    stored.pipeline_version,
                    publication,
                    stored.boilerplate.get(article.id, ()),
                )
                self.add_document(doc)  # (replacing the one with its id)
                count += 1
        return count

    def retag(self, stored: StoredEdition, tags: Mapping[str, Tagged], tagger_version: str) -> int:
        """Write a stored edition again with new entity tags."""
        self.delete_edition(stored.edition.id)
        return self.add_edition(
            stored.edition,
            stored.articles,
            tags,
            tagger_version,
            stored.pipeline_version,
            stored.boilerplate,
        )

    def add_document(self, doc: dict[str, Any]) -> None:
        if not isinstance(self._writer, ParallelWriter):  # (its processes gather the words)
            self.words |= document_words(doc)
        self._writer.update_document(**doc)

    def delete_edition(self, edition_id: str) -> None:
        self._writer.delete_by_term("edition_id", edition_id)


def _sets_of(generation: _Generation) -> DocSets:
    """The match sets of a generation, reading its segments' postings tables (``_postings``)."""
    return DocSets(
        generation.searcher, cache_bytes=SETS_CACHE_BYTES, folder=folder_of(generation.storage)
    )


def _let_go(generation: _Generation) -> None:
    """Drop what a generation computed (its tables are mapped files; the rest is caches)."""
    generation.tables = None
    generation.speller = None
    if generation.sets is not None:
        generation.sets.forget()
    if generation.ranker is not None:
        generation.ranker.forget()


def _close(generation: _Generation) -> None:
    _let_go(generation)
    generation.sets = generation.ranker = None
    generation.searcher.close()
    trim_heap()


def _score(hit: Hit) -> float:
    return float(hit.score) if isinstance(hit.score, int | float) else 0.0  # 0 when sorted


def bare_whoosh_top(
    index: ArticleIndex,
    text: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    limit: int = 10,
) -> list[str]:
    """The ids of the best ``limit`` matches by Whoosh alone, without counts, facets, snippets
    or relaxation: the baseline the benchmarks compare ``search`` with."""
    return index._bare_top(text, filters, limit)
