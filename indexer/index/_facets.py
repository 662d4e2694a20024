"""Facet counts from a table built once per index generation (no per-query field scans)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whoosh.searching import Searcher

from indexer.index._schema import ENTITY_TYPES, FACET_TYPES

# Facets listed newest first rather than by count.
_BY_VALUE = ("edition", "year")


@dataclass(frozen=True)
class FacetTable:
    """Per document number, the values it is filed under for every facet type."""

    ids: dict[int, dict[str, list[str]]]
    labels: dict[str, dict[str, str]]
    order: dict[str, dict[str, str]]  # for edition and year: a sort key per value (its date)

    @classmethod
    def build(cls, searcher: Searcher) -> FacetTable:
        ids: dict[int, dict[str, list[str]]] = {}
        labels: dict[str, dict[str, str]] = {t: {} for t in FACET_TYPES}
        order: dict[str, dict[str, str]] = {t: {} for t in _BY_VALUE}
        for docnum, stored in searcher.reader().iter_docs():
            doc_labels = stored.get("filter_labels") or {}
            values = {t: list(doc_labels.get(t, {})) for t in ENTITY_TYPES}
            for type_, mapping in doc_labels.items():
                labels.setdefault(type_, {}).update(mapping)
            edition_id = stored.get("edition_id", "")
            date = stored.get("date") or ""
            values["edition"] = [edition_id]
            labels["edition"][edition_id] = edition_label(stored)
            order["edition"][edition_id] = f"{date}\t{stored.get('edition') or 0:09d}"
            values["year"] = [date[:4]] if date else []
            if date:
                labels["year"][date[:4]] = date[:4]
                order["year"][date[:4]] = date[:4]
            section = stored.get("section") or ""
            values["section"] = [section] if section else []
            if section:
                labels["section"][section] = section
            ids[docnum] = values
        return cls(ids, labels, order)

    def label(self, type_: str, id_: str) -> str | None:
        return self.labels.get(type_, {}).get(id_)

    def counts(
        self, docnums: Iterable[int], limit: int | None = None, types: Iterable[str] = FACET_TYPES
    ) -> dict[str, list[dict[str, Any]]]:
        """{type: [{id, label, count}]} over ``docnums``: most frequent first (editions and
        years newest first), at most ``limit`` values per type."""
        wanted = tuple(types)
        tallies: dict[str, Counter[str]] = {t: Counter() for t in wanted}
        for docnum in docnums:
            values = self.ids.get(docnum, {})
            for type_ in wanted:
                tallies[type_].update(values.get(type_, ()))
        out: dict[str, list[dict[str, Any]]] = {}
        for type_, tally in tallies.items():
            names = self.labels.get(type_, {})
            if type_ in _BY_VALUE:
                keys = self.order[type_]
                ranked = sorted(tally.items(), key=lambda kv: keys.get(kv[0], ""), reverse=True)
            else:
                ranked = sorted(tally.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
            out[type_] = [
                {"id": id_, "label": names.get(id_, id_), "count": count}
                for id_, count in ranked[:limit]
            ]
        return out


def edition_label(stored: dict[str, Any]) -> str:
    """ "Edition 7 (October 2017)", or the edition's title when it has no number."""
    number = stored.get("edition")
    name = f"Edition {number}" if number else stored.get("edition_title") or stored["edition_id"]
    date = stored.get("date")
    return f"{name} ({month_name(date)})" if date else str(name)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(date: str) -> str:
    """ "2017-10" → "October 2017"; anything else unchanged."""
    year, _, month = date.partition("-")
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{_MONTHS[int(month) - 1]} {year}"
    return date
