"""What the app serves from: the index (reopened as it is rebuilt) and the gazetteer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.errors import BulletinsError, IndexNotFoundError
from indexer.index import ENTITY_TYPES, ArticleIndex, index_health
from indexer.pipeline import index_status
from indexer.results import SearchHit, SearchPage
from indexer.tagging.gazetteer import Gazetteer, resolve_filter
from search_app.params import SearchParams


class IndexUnavailableError(BulletinsError):
    """There is no index to search yet."""


class Archive:
    """The app's one handle on the index; opened on first use and shared by all threads."""

    def __init__(self, settings: Settings, index: ArticleIndex | None = None) -> None:
        self.settings = settings
        self._index = index
        self._gazetteer: Gazetteer | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> ArticleIndex:
        """The open index. Its generation is opened at once: from then on it answers even if
        the index folder is damaged or its generation deleted (see ``ArticleIndex``).

        :raise IndexUnavailableError: if there is no index to open (yet).
        """
        with self._lock:
            if self._index is None:
                try:
                    opened = ArticleIndex(self.settings.index_dir)
                    try:
                        opened.count()
                    except BaseException:
                        opened.close()
                        raise
                except IndexNotFoundError as exc:
                    raise IndexUnavailableError(
                        f"There is no index at {self.settings.index_dir.name!r} yet. "
                        "Build it with: bulletins index"
                    ) from exc
                self._index = opened
            return self._index

    @property
    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = Gazetteer.load()
            return self._gazetteer

    def resolve(self, params: SearchParams) -> SearchParams:
        """Filter values as ids: a value the index knows is kept; an entity's name, alias or
        acronym becomes its id; a section matches whatever its case.

        :raise SearchQueryError, UnknownEntityError: for a value nothing matches.
        """
        index = self.index
        resolved: dict[str, list[str]] = {}
        for type_, values in params.filters:
            out = resolved.setdefault(type_, [])
            for value in values:
                if index.label(type_, value) is not None:
                    out.append(value)
                elif type_ in ENTITY_TYPES:
                    out.append(resolve_filter(self.gazetteer, type_, value))
                elif type_ == "section":
                    out.append(self._section(value))
                else:  # edition ids and years the index does not have simply match nothing
                    out.append(value)
        return params.with_filters(resolved)

    def search(
        self, params: SearchParams, *, facet_limit: int | None = 50, relax: bool = True
    ) -> tuple[SearchParams, SearchPage]:
        """One page of results with facets, for the page, the API and the feed; with the
        search's filters as ids."""
        params = self.resolve(params)
        return params, self.index.search(
            params.q,
            page=params.page,
            per_page=params.per_page,
            filters=params.filter_map,
            sort=params.sort,
            date_from=params.date_from,
            date_to=params.date_to,
            facet_limit=facet_limit,
            relax=relax,
        )

    def every_match(self, params: SearchParams) -> Iterator[SearchHit]:
        """Every article the search matches (for exports), checked before the first is given;
        no "any word" relaxation: an export holds only articles with every word."""
        params = self.resolve(params)
        matches = self.index.matches(
            params.q,
            filters=params.filter_map,
            sort=params.sort,
            date_from=params.date_from,
            date_to=params.date_to,
            relax=False,
        )
        return matches

    def _section(self, value: str) -> str:
        for section in self.index.values("section"):
            if section.casefold() == value.casefold():
                return section
        return value

    def status(self) -> dict[str, Any]:
        """The index's status (see ``index_status``), using the open index when there is one,
        with the generation this server answers from and what is wrong with the index folder
        (``generation``, ``problem``: see ``index_health``)."""
        try:
            index: ArticleIndex | None = self.index
        except IndexUnavailableError:
            index = None
        root = self.settings.index_dir
        status = index_status(root, index)
        status.update(index.health() if index is not None else index_health(root))
        return status

    def pdf_path(self, edition_id: str) -> Path | None:
        """The PDF of an indexed edition, if it is still in the corpus folder."""
        relative = self.index.edition_file(edition_id)
        if relative is None:
            return None
        corpus = self.settings.corpus_dir.resolve()
        path = (corpus / relative).resolve()
        if not path.is_relative_to(corpus) or not path.is_file():
            return None
        return path
