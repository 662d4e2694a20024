"""What the app serves from: the index (reopened as it is rebuilt) and the gazetteer."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer import search_request
from indexer.config import Settings
from indexer.entity_types import internal_name
from indexer.errors import BulletinsError, IndexNotFoundError
from indexer.index import ENTITY_TYPES, ArticleIndex, index_health, read_state
from indexer.pipeline import copies, index_status
from indexer.render import PageImages
from indexer.results import PublicationSummary, SearchHit, SearchPage
from indexer.tagging.gazetteer import Gazetteer, resolve_filter
from indexer.tagging.query import searching_with
from search_app.params import SearchParams

MAX_SUGGESTIONS = 200  # entities offered while typing (each with its acronyms)


@dataclass(frozen=True)
class Suggestion:
    text: str  # what the search box is filled with
    type: str
    label: str
    articles: int


class IndexUnavailableError(BulletinsError):
    """There is no index to search yet."""


class Archive:
    """The app's one handle on the index; opened on first use and shared by all threads."""

    def __init__(self, settings: Settings, index: ArticleIndex | None = None) -> None:
        self.settings = settings
        self._index = index
        self._gazetteer: Gazetteer | None = None
        self._suggestions: tuple[str, list[Suggestion]] = ("", [])
        self._publications: tuple[str, list[PublicationSummary]] = ("", [])
        self._lock = threading.RLock()  # (opening the index loads the gazetteer under it)
        self.page_images = PageImages(settings.serve.page_cache_mb * 1024 * 1024)

    @property
    def index(self) -> ArticleIndex:
        """The open index. Its generation is opened at once: from then on it answers even if
        the index folder is damaged or its generation deleted (see ``ArticleIndex``).

        :raise IndexUnavailableError: if there is no index to open (yet).
        """
        with self._lock:
            if self._index is None:
                try:
                    reads = searching_with(self.gazetteer)  # names, and words never "corrected"
                    # a new generation is warmed before requests switch to it
                    opened = ArticleIndex(self.settings.index_dir, switch_when_warm=True, **reads)
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

    def warm_up(self) -> None:
        """Open the index and make it ready to answer at warm speed (a server, before its
        first request: its tables mapped, every scored field's lengths read); nothing when
        there is no index yet (it is opened by the first request after one is built)."""
        with suppress(BulletinsError):
            self.index.warm()

    @property
    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = Gazetteer.load()
            return self._gazetteer

    def search(
        self, params: SearchParams, *, facet_limit: int | None = -1, relax: bool = True
    ) -> tuple[SearchParams, SearchPage]:
        """One page of results with facets (``facet_limit`` values each, default: as the
        settings say; None: all), for the page, the API and the feed; with the search's
        filters as ids (see ``indexer.search_request.run``)."""
        limit = self.settings.search.facet_limit if facet_limit == -1 else facet_limit
        return search_request.run(
            params, self.index, lambda: self.gazetteer, facet_limit=limit, relax=relax
        )

    def every_match(self, params: SearchParams) -> Iterator[SearchHit]:
        """Every article the search matches, for exports (see ``every_match`` there)."""
        return search_request.every_match(params, self.index, lambda: self.gazetteer)

    def canonical_entity(self, type_: str, name: str) -> str | None:
        """The id an entity's label, alias or acronym names, when the index files articles
        under it and it is not ``name`` itself; None otherwise."""
        try:
            id_ = resolve_filter(self.gazetteer, type_, name)
        except BulletinsError:
            return None
        if id_ == name or self.index.label(type_, id_) is None:
            return None
        return id_

    def suggestions(self) -> list[Suggestion]:
        """What the search box suggests while typing: the entities the archive files articles
        under, most articles first, by their labels and acronyms (worked out once per
        generation served)."""
        index = self.index
        key = str(index.serving)
        with self._lock:
            if self._suggestions[0] == key:
                return self._suggestions[1]
        counts = index.entity_counts()
        ranked = sorted(
            ((v["count"], type_, v["id"], v["label"]) for type_, vs in counts.items() for v in vs),
            key=lambda item: (-item[0], item[3]),
        )[:MAX_SUGGESTIONS]
        out: list[Suggestion] = []
        for count, type_, id_, label in ranked:
            entity = self.gazetteer.get(internal_name(type_), id_)
            for text in dict.fromkeys([label, *(entity.acronyms if entity else ())]):
                out.append(Suggestion(text, type_, label, count))
        with self._lock:
            self._suggestions = (key, out)
        return out

    def publications(self) -> list[PublicationSummary]:
        """The publications the archive holds, most editions first, each with what the
        manifest said of it when it was indexed (its licence and attribution, for the footer
        of every page): from the index, worked out once per generation served.

        :raise IndexUnavailableError: if there is no index to open (yet).
        """
        index = self.index
        key = str(index.serving)
        with self._lock:
            if self._publications[0] == key:
                return self._publications[1]
        found = index.publications()
        with self._lock:
            self._publications = (key, found)
        return found

    def copies(self) -> dict[str, list[str]]:
        """The corpus's copies of each indexed file ({file: [its copies]}), from the state the
        last indexing run stored."""
        by_file: dict[str, list[str]] = {}
        for item in copies(read_state(self.settings.index_dir).get("files") or {}):
            by_file.setdefault(item["of"], []).append(item["file"])
        return by_file

    def named(self, args: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        """The entities the search an article was opened from filters by, from its URL's
        arguments ({type: [values]}; labels, aliases and acronyms read as the ids they name),
        to mark where the article names them: read on their own, so that another argument
        the search would refuse (a bad page number) does not lose them."""
        named: dict[str, list[str]] = {}
        limit = self.settings.search.max_query_chars
        for type_ in ENTITY_TYPES:
            values = [str(v)[:limit] for v in args.get(type_, ()) if v]
            if values:
                named[type_] = [self.canonical_entity(type_, v) or v for v in values]
        return named

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
        status["server"] = f"{socket.gethostname()}:{os.getpid()}"  # (behind a load balancer)
        return status

    def page_image(self, edition_id: str, number: int) -> tuple[str, bytes] | None:
        """Page ``number`` of an edition drawn as a PNG, with the hash of the bytes it was
        indexed from (what the image is cached by); None if there is no such page or its PDF
        is no longer in the corpus folder.

        :raise RenderError: if the PDF cannot be drawn.
        """
        sha256 = self.index.edition_sha256(edition_id)  # (not its layout: cached images are hot)
        path = self.pdf_path(edition_id)
        if sha256 is None or path is None or number < 1:
            return None
        return sha256, self.page_images.png(path, sha256, number)

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
