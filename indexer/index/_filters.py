"""Filters, date ranges and query leaves as Whoosh queries (shared by both implementations)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from whoosh import query

from indexer.errors import SearchQueryError
from indexer.index._schema import FACET_TYPES

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def restriction(
    filters: Mapping[str, Sequence[str]] | None, date_from: str | None, date_to: str | None
) -> query.Query | None:
    """OR within a type, AND across types, and the date range."""
    groups: list[query.Query] = []
    for type_, values in (filters or {}).items():
        if not values:
            continue
        if type_ not in FACET_TYPES:
            raise SearchQueryError(
                f"Unknown filter {type_!r}: use one of {', '.join(FACET_TYPES)}."
            )
        groups.append(query.Or([_filter_term(type_, value) for value in values]))
    if date_from or date_to:
        start, end = _bound(date_from, "from", first=True), _bound(date_to, "to", first=False)
        if start and end and start > end:
            raise SearchQueryError(f"The date range is empty: {date_from} is after {date_to}.")
        groups.append(query.TermRange("date", start or "0000", end or "9999-99-99"))
    return query.And(groups) if groups else None


def _filter_term(type_: str, value: str) -> query.Query:
    if type_ == "edition":
        return query.Term("edition_id", value)
    if type_ == "publication":
        return query.Term("publication", value)
    if type_ == "section":
        return query.Term("section_key", value)
    if type_ == "year":
        if not re.fullmatch(r"\d{4}", value.strip()):
            raise SearchQueryError(f"A year is four digits, not {value!r}.")
        return query.Term("date", value.strip()) | query.Prefix("date", value.strip() + "-")
    return query.Term(type_, value)


def _bound(value: str | None, name: str, *, first: bool) -> str | None:
    """A date bound comparable, as text, with edition dates written YYYY, YYYY-MM or YYYY-MM-DD:
    a start as given; an end padded past the last day it covers ("2017" → "2017-12-99")."""
    if not value or not value.strip():
        return None
    found = _DATE.match(value.strip())
    if not found or (found.group(2) and not 1 <= int(found.group(2)) <= 12):
        raise SearchQueryError(f"The {name!r} date must be YYYY or YYYY-MM, not {value!r}.")
    year, month = found.group(1), found.group(2)
    if first:
        return f"{year}-{month}" if month else year
    return f"{year}-{month or '12'}-99"


def wanted_leaves(q: query.Query) -> Iterator[query.Query]:
    """The query's leaves, except those under NOT (words the articles must not contain)."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from wanted_leaves(q.a)
    elif q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from wanted_leaves(child)
