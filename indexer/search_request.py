"""One search request, the same from every door: the web page, ``/api/search``, the exports
and the feed, and ``bulletins search``.

A request is read and checked once (``SearchRequest.from_args``: a URL's query string, or the
command line's options in the same shape), its filter values are resolved to the ids the
index holds (``resolve``: names, aliases and acronyms of entities, a section whatever its
case), and it is run against any backend (``run`` for a page of results, ``every_match`` for
exports), so every door answers the same articles in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from indexer.backend import FACET_TYPES, SORTS, ArchiveReader
from indexer.config import SearchSettings
from indexer.entity_types import IDS as ENTITY_TYPES
from indexer.errors import SearchQueryError
from indexer.publications import publication_id
from indexer.results import SearchHit, SearchPage
from indexer.textnorm import CONTROL

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from indexer.tagging.gazetteer import Gazetteer

# the defaults (see ``SearchSettings``; ``from_args`` takes the ones in force)
MAX_QUERY_CHARS = SearchSettings.max_query_chars
MAX_VALUE_CHARS = SearchSettings.max_value_chars
MAX_VALUES = SearchSettings.max_values
MAX_PAGE = SearchSettings.max_page
DEFAULT_PER_PAGE = SearchSettings.default_per_page
MAX_PER_PAGE = SearchSettings.max_per_page


class Args(Protocol):
    """A request's arguments: a URL's query string (werkzeug's ``MultiDict``) or ``Options``."""

    def get(self, key: str) -> Any: ...

    def getlist(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Options:
    """Arguments given as a mapping of lists (the command line's options)."""

    values: Mapping[str, Sequence[Any]]

    def get(self, key: str) -> Any:
        items = self.values.get(key) or ()
        return items[0] if items else None

    def getlist(self, key: str) -> list[Any]:
        return list(self.values.get(key) or ())


@dataclass(frozen=True)
class SearchRequest:
    """Every state of a search: the query, filters, date range, sort and page."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def lenient(cls, args: Args, limits: SearchSettings | None = None) -> SearchRequest:
        """The search in ``args`` as far as it can be read (to show again after an error)."""
        limits = limits or SearchSettings()
        try:
            return cls.from_args(args, limits)
        except SearchQueryError:
            q = str(args.get("q") or "")[: limits.max_query_chars]
            return cls(q=CONTROL.sub("", q))

    @classmethod
    def from_args(cls, args: Args, limits: SearchSettings | None = None) -> SearchRequest:
        """Read and check a request's arguments within ``limits`` (default: the defaults).

        :raise SearchQueryError: naming what is wrong.
        """
        limits = limits or SearchSettings()
        q = _text(args.get("q"), "q", limits.max_query_chars)
        filters = []
        for type_ in FACET_TYPES:
            values = [_text(v, type_, limits.max_value_chars).strip() for v in args.getlist(type_)]
            values = list(dict.fromkeys(v for v in values if v))
            if len(values) > limits.max_values:
                raise SearchQueryError(f"At most {limits.max_values} {type_} filters at once.")
            if values:
                filters.append((type_, tuple(values)))
        sort = _text(args.get("sort"), "sort", 20).strip() or "relevance"
        if sort not in SORTS:
            raise SearchQueryError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
        return cls(
            q=q,
            filters=tuple(filters),
            date_from=_text(args.get("from"), "from", 20).strip(),
            date_to=_text(args.get("to"), "to", 20).strip(),
            sort=sort,
            page=_number(args.get("page"), "page", 1, limits.max_page, 1),
            per_page=_number(
                args.get("per_page"),
                "per_page",
                1,
                limits.max_per_page,
                limits.default_per_page,
            ),
        )

    @property
    def filter_map(self) -> dict[str, list[str]]:
        return {type_: list(values) for type_, values in self.filters}

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.date_from or self.date_to)

    def has(self, type_: str, value: str) -> bool:
        return value in self.filter_map.get(type_, [])

    def with_filters(self, filters: Mapping[str, Sequence[str]]) -> SearchRequest:
        ordered = tuple((t, tuple(filters[t])) for t in FACET_TYPES if filters.get(t))
        return replace(self, filters=ordered)

    def toggled(self, type_: str, value: str) -> SearchRequest:
        """The same search with ``value`` added to, or removed from, its filters; page 1."""
        current = self.filter_map
        values = current.setdefault(type_, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return replace(self.with_filters(current), page=1)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments of this search (defaults left out), with ``changes``."""
        params = replace(self, **changes) if changes else self
        out: dict[str, Any] = {}
        if params.q:
            out["q"] = params.q
        for type_, values in params.filters:
            out[type_] = list(values)
        if params.date_from:
            out["from"] = params.date_from
        if params.date_to:
            out["to"] = params.date_to
        if params.sort != "relevance":
            out["sort"] = params.sort
        if params.page != 1:
            out["page"] = params.page
        if params.per_page != DEFAULT_PER_PAGE:
            out["per_page"] = params.per_page
        return out


def _text(value: Any, name: str, limit: int) -> str:
    text = str(value or "")
    if CONTROL.search(text):
        raise SearchQueryError(f"The {name!r} parameter contains a control character.")
    if len(text) > limit:
        raise SearchQueryError(f"The {name!r} parameter is too long (at most {limit} characters).")
    return text


def _number(value: Any, name: str, low: int, high: int, default: int) -> int:
    if value is None or str(value).strip() == "":
        return default
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise SearchQueryError(
            f"The {name!r} parameter must be a whole number from {low} to {high}."
        )
    return int(text)


def resolve(
    request: SearchRequest, reader: ArchiveReader, gazetteer: Callable[[], Gazetteer]
) -> SearchRequest:
    """The request with its filter values as the ids the index holds: a value the index knows
    is kept; an entity's name, alias or acronym becomes its id (``gazetteer`` is called only
    then); a section matches whatever its case, a publication its id or name whatever the
    case; other values (edition ids, years) are kept and simply match nothing when the index
    lacks them.

    :raise SearchQueryError, UnknownEntityError: for an entity value nothing matches.
    """
    from indexer.tagging.gazetteer import resolve_filter

    resolved: dict[str, list[str]] = {}
    for type_, values in request.filters:
        out = resolved.setdefault(type_, [])
        for value in values:
            if reader.label(type_, value) is not None:
                out.append(value)
            elif type_ in ENTITY_TYPES:
                out.append(resolve_filter(gazetteer(), type_, value))
            elif type_ == "section":
                out.append(_section(reader, value))
            elif type_ == "publication":
                out.append(_publication(reader, value))
            else:
                out.append(value)
    return request.with_filters(resolved)


def run(
    request: SearchRequest,
    reader: ArchiveReader,
    gazetteer: Callable[[], Gazetteer],
    *,
    facet_limit: int | None = 50,
    relax: bool = True,
) -> tuple[SearchRequest, SearchPage]:
    """One page of results with facets; with the request's filters as ids."""
    request = resolve(request, reader, gazetteer)
    return request, reader.search(
        request.q,
        page=request.page,
        per_page=request.per_page,
        filters=request.filter_map,
        sort=request.sort,
        date_from=request.date_from,
        date_to=request.date_to,
        facet_limit=facet_limit,
        relax=relax,
    )


def every_match(
    request: SearchRequest, reader: ArchiveReader, gazetteer: Callable[[], Gazetteer]
) -> Iterator[SearchHit]:
    """Every article the request matches (exports), checked before the first is given: the
    articles the page lists, in its order, loosened as the page's search is."""
    request = resolve(request, reader, gazetteer)
    return reader.matches(
        request.q,
        filters=request.filter_map,
        sort=request.sort,
        date_from=request.date_from,
        date_to=request.date_to,
    )


def _publication(reader: ArchiveReader, value: str) -> str:
    """The id of the publication ``value`` names: its id or name, in any case."""
    wanted = " ".join(value.split()).casefold()
    for id_, name in reader.values("publication").items():
        if wanted in (id_, name.casefold()) or publication_id(value) == id_:
            return id_
    return value


def _section(reader: ArchiveReader, value: str) -> str:
    for section in reader.values("section"):
        if section.casefold() == value.casefold():
            return section
    return value
