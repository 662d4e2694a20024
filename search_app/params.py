"""A search as it lives in the URL: parsed and checked once, turned back into URLs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer.errors import SearchQueryError
from indexer.index import FACET_TYPES, SORTS
from indexer.textnorm import CONTROL

MAX_QUERY_CHARS = 500
MAX_VALUE_CHARS = 200
MAX_VALUES = 20
MAX_PAGE = 1000
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchParams:
    """Every state of a search: the query, filters, date range, sort and page."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def lenient(cls, args: MultiDict[str, str]) -> SearchParams:
        """The search in ``args`` as far as it can be read (to show again after an error)."""
        try:
            return cls.from_args(args)
        except SearchQueryError:
            q = str(args.get("q", ""))[:MAX_QUERY_CHARS]
            return cls(q=CONTROL.sub("", q))

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchParams:
        """Read and check a query string. :raise SearchQueryError: naming what is wrong."""
        q = _text(args.get("q", ""), "q", MAX_QUERY_CHARS)
        filters = []
        for type_ in FACET_TYPES:
            values = [_text(v, type_, MAX_VALUE_CHARS).strip() for v in args.getlist(type_)]
            values = list(dict.fromkeys(v for v in values if v))
            if len(values) > MAX_VALUES:
                raise SearchQueryError(f"At most {MAX_VALUES} {type_} filters at once.")
            if values:
                filters.append((type_, tuple(values)))
        sort = _text(args.get("sort", ""), "sort", 20).strip() or "relevance"
        if sort not in SORTS:
            raise SearchQueryError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
        return cls(
            q=q,
            filters=tuple(filters),
            date_from=_text(args.get("from", ""), "from", 20).strip(),
            date_to=_text(args.get("to", ""), "to", 20).strip(),
            sort=sort,
            page=_number(args.get("page"), "page", 1, MAX_PAGE, 1),
            per_page=_number(args.get("per_page"), "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
        )

    @property
    def filter_map(self) -> dict[str, list[str]]:
        return {type_: list(values) for type_, values in self.filters}

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.date_from or self.date_to)

    def has(self, type_: str, value: str) -> bool:
        return value in self.filter_map.get(type_, [])

    def with_filters(self, filters: Mapping[str, Sequence[str]]) -> SearchParams:
        ordered = tuple((t, tuple(filters[t])) for t in FACET_TYPES if filters.get(t))
        return replace(self, filters=ordered)

    def toggled(self, type_: str, value: str) -> SearchParams:
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
