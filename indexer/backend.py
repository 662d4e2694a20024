"""The search-backend seam: what the rest of the project asks of a search engine.

Two protocols, in the project's own types only (``indexer.models``, ``indexer.results``):

- :class:`ArchiveReader` answers searches (filters, sorting, pages, facets), shows an
  article, an entity over time, the editions, and gives back what was stored for an edition;
- :class:`GenerationWriter` writes one generation of the index: add an edition's articles,
  remove an edition, carry one over unchanged from the live generation, or write it again
  with new entity tags.

:class:`ArchiveIndex` is a reader that can also open a writer on itself. The Whoosh engine
(``indexer.index``) implements both; ``tests/contract`` runs every behaviour the app and the
command line rely on against each implementation, so another engine is added by passing the
same tests. Nothing here imports an engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from indexer.entity_types import IDS as ENTITY_TYPES
from indexer.models import Article, Edition, Publication
from indexer.results import (
    ArticleView,
    EditionSummary,
    EntityView,
    PageView,
    PublicationSummary,
    SearchHit,
    SearchPage,
)
from indexer.results import StoredEdition as StoredEdition
from indexer.tagging.tagger import Tagged

Filters = Mapping[str, Sequence[str]]
# Everything a search can be filtered and faceted by: the entity types, then the publication
# and the edition (their ids), the year and the section (as printed); and the orders results
# can be listed in.
FACET_TYPES = (*ENTITY_TYPES, "publication", "edition", "year", "section")
SORTS = ("relevance", "newest", "oldest")


@runtime_checkable
class ArchiveReader(Protocol):
    """Reading an index. Each call answers from one generation, from start to end, even when a
    newer one is published meanwhile; the next call answers from the newest.

    Filters are ``{type: values}``: any value of a type, every type. Types are the entity
    types (``indexer.entity_types``), ``publication`` and ``edition`` (ids), ``year`` and
    ``section``; a value is an id as indexed (see ``indexer.search_request.resolve`` for
    names, aliases and case).
    """

    def search(
        self,
        text: str,
        *,
        page: int = 1,
        per_page: int = 10,
        filters: Filters | None = None,
        sort: str = "relevance",
        date_from: str | None = None,
        date_to: str | None = None,
        facet_limit: int | None = 50,
        relax: bool = True,
    ) -> SearchPage:
        """One page of ranked results with the total, facets and "did you mean".

        ``text`` is the query language of the README (words, "phrases", AND/OR/NOT, field:,
        wildcards); empty lists every article newest first. ``sort``: relevance, newest or
        oldest. ``date_from``/``date_to``: "YYYY" or "YYYY-MM", inclusive. A plain query or
        question is searched for its words and names (``indexer.index._question``): all of
        them, and when too few articles hold them all (and ``relax``), one fewer at a time
        (``match`` "most", then "any").
        Facets count the matches per filter value; a filtered type is counted without its own
        filter. ``facet_limit`` values per type (None: all; 0: no facets).

        :raise SearchQueryError: if the query, a filter type, the sort or a date is malformed.
        """
        ...

    def matches(
        self,
        text: str,
        *,
        filters: Filters | None = None,
        sort: str = "relevance",
        date_from: str | None = None,
        date_to: str | None = None,
        relax: bool = True,
    ) -> Iterator[SearchHit]:
        """Every match of a search in the order ``search`` gives, with snippets (exports).
        The query is checked before this returns; the iterator has ``close()``.

        :raise SearchQueryError: as ``search``.
        """
        ...

    def article(
        self,
        article_id: str,
        text: str = "",
        related: int = 5,
        named: Mapping[str, Sequence[str]] | None = None,
    ) -> ArticleView | None:
        """An article with ``text``'s words marked, and where it names the entities of
        ``named`` ({type: ids}, a search's filters); ``related`` similar articles and its
        edition's other articles; None if there is no such article."""
        ...

    def page(self, edition_id: str, number: int, text: str = "") -> PageView | None:
        """Page ``number`` of an edition as printed, with ``text``'s words marked where they
        are; None if there is no such edition or page."""
        ...

    def entity(self, type_: str, id_: str) -> EntityView | None:
        """An entity's articles (newest first), timeline over every edition, and the entities
        named with it; None if no article is filed under it."""
        ...

    def entity_counts(self) -> dict[str, list[dict[str, Any]]]:
        """Every entity with its number of articles, by type: ``[{id, label, count}]``."""
        ...

    def values(self, type_: str) -> dict[str, str]:
        """Every value of a filter type the index holds, ``{id: label}``."""
        ...

    def label(self, type_: str, id_: str) -> str | None:
        """The display name of a filter value the index holds, else None."""
        ...

    def editions(self) -> list[EditionSummary]:
        """Every edition, newest first, with its articles in order and its publication."""
        ...

    def publications(self) -> list[PublicationSummary]:
        """Every publication the index holds editions of, most editions first (then by
        name): its record as written (name, licence, attribution...) and its counts."""
        ...

    def edition_file(self, edition_id: str) -> str | None:
        """The PDF of an edition, relative to the corpus folder; None if not indexed."""
        ...

    def stored_edition(self, edition_id: str) -> StoredEdition | None:
        """An edition as written (record, articles, the entities each was filed under); None
        if absent, or written by a version that did not store it whole (the pipeline then
        carries its articles over as they are)."""
        ...

    def count(self) -> int:
        """How many articles are indexed."""
        ...

    def health(self) -> dict[str, Any]:
        """The generation served and what is wrong with the index folder, if anything:
        ``{"generation": ..., "problem": ...}``."""
        ...

    def updated(self) -> float:
        """When the generation served was written (seconds since the epoch; 0 if unknown)."""
        ...

    def close(self) -> None:
        """Let go of open files (a stream still being read closes when it ends)."""
        ...


@runtime_checkable
class GenerationWriter(Protocol):
    """The changes to one generation, applied together when the writer's block ends without
    an exception, and not at all otherwise."""

    def add_edition(
        self,
        edition: Edition,
        articles: Iterable[Article],
        tags: Mapping[str, Tagged] | None = None,
        tagger_version: str = "",
        pipeline_version: str = "",
    ) -> int:
        """Add an edition's articles (with their entity tags by article id); how many."""
        ...

    def delete_edition(self, edition_id: str) -> None:
        """Remove every article of an edition."""
        ...

    def carry_over(self, source: ArchiveReader, edition_id: str) -> int:
        """Copy an edition's articles as they are, entity tags included, from ``source``: the
        live generation of the same engine, whatever version wrote it; how many.

        :raise TypeError: for a reader of another engine (write what its ``stored_edition``
            gives with ``add_edition`` instead).
        """
        ...

    def retag(self, stored: StoredEdition, tags: Mapping[str, Tagged], tagger_version: str) -> int:
        """Write a stored edition again with new entity tags (by article id); how many."""
        ...


class ArchiveIndex(ArchiveReader, Protocol):
    """A reader that writes: ``with index.batch() as writer: ...`` commits a generation.
    ``publications``: what the manifest says of them; the writer files each edition under
    the one its ``publication`` names (``indexer.publications.resolve``)."""

    def batch(
        self, *, optimize: bool = True, publications: Sequence[Publication] = ()
    ) -> AbstractContextManager[GenerationWriter]: ...
