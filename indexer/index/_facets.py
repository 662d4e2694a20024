"""Facet counts from arrays built once per index generation from the filter fields' postings.

For every facet type: a code per value, and the (document, value code) pairs, so counting the
values of a match set is one numpy gather and one bincount, however many documents match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from indexer.index._schema import ENTITY_TYPES, FACET_TYPES
from indexer.index._sets import DocSets, Mask
from indexer.models import Publication
from indexer.results import PublicationSummary

# Facets listed newest first rather than by count.
_BY_VALUE = ("edition", "year")
# The index field each facet type is read from.
_FIELD = {
    **{t: t for t in ENTITY_TYPES},
    "publication": "publication",
    "edition": "edition_id",
    "section": "section_key",
}


@dataclass(frozen=True)
class _Column:
    values: list[str]  # value ids, by code
    docs: NDArray[np.int64]  # document number of each (document, value) pair
    codes: NDArray[np.int64]  # value code of each pair


@dataclass(frozen=True)
class FacetTable:
    """Every facet type's values, labels and (document, value) pairs."""

    columns: dict[str, _Column]
    labels: dict[str, dict[str, str]]
    order: dict[str, dict[str, str]]  # for edition and year: a sort key per value (its date)

    @classmethod
    def build(cls, sets: DocSets, stored: Any) -> FacetTable:
        """From the index's terms; ``stored(docnum)`` gives a document's stored fields (read
        once per value, for its label)."""
        columns: dict[str, _Column] = {}
        labels: dict[str, dict[str, str]] = {t: {} for t in FACET_TYPES}
        order: dict[str, dict[str, str]] = {t: {} for t in _BY_VALUE}
        for type_ in FACET_TYPES:
            field = "date" if type_ == "year" else _FIELD[type_]
            grouped: dict[str, list[Mask]] = {}
            for text in sets.terms(field):
                if not text:
                    continue
                value = text[:4] if type_ == "year" else text
                grouped.setdefault(value, []).append(sets.term(field, text) & sets.live)
            values: list[str] = []
            docs: list[NDArray[np.int64]] = []
            codes: list[NDArray[np.int64]] = []
            for value, masks in grouped.items():
                ids = np.flatnonzero(np.logical_or.reduce(masks))
                if not len(ids):
                    continue
                first = stored(int(ids[0]))
                labels[type_][value] = _label(type_, value, first)
                if type_ == "edition":
                    order["edition"][value] = (
                        f"{first.get('date') or ''}\t{first.get('edition') or 0:09d}"
                    )
                elif type_ == "year":
                    order["year"][value] = value
                docs.append(ids)
                codes.append(np.full(len(ids), len(values), dtype=np.int64))
                values.append(value)
            columns[type_] = _Column(
                values,
                np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64),
                np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64),
            )
        return cls(columns, labels, order)

    def label(self, type_: str, id_: str) -> str | None:
        return self.labels.get(type_, {}).get(id_)

    def counts(
        self, matched: Mask, limit: int | None = None, types: Iterable[str] = FACET_TYPES
    ) -> dict[str, list[dict[str, Any]]]:
        """{type: [{id, label, count}]} over the documents in ``matched``: most frequent first
        (editions and years newest first), at most ``limit`` values per type."""
        out: dict[str, list[dict[str, Any]]] = {}
        for type_ in types:
            column = self.columns[type_]
            tally = np.bincount(column.codes[matched[column.docs]], minlength=len(column.values))
            present = [(column.values[i], int(tally[i])) for i in np.flatnonzero(tally)]
            names = self.labels.get(type_, {})
            if type_ in _BY_VALUE:
                keys = self.order[type_]
                ranked = sorted(present, key=lambda kv: keys.get(kv[0], ""), reverse=True)
            else:
                ranked = sorted(present, key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
            out[type_] = [
                {"id": id_, "label": names.get(id_, id_), "count": count}
                for id_, count in ranked[:limit]
            ]
        return out


def publication_summaries(sets: DocSets, stored: Any) -> list[PublicationSummary]:
    """Each publication's record (from one of its articles' stored fields, ``stored(docnum)``)
    and how many editions and articles it has, most editions first: from the publication and
    edition terms alone (what every page's footer needs, without the whole facet table)."""
    out = []
    edition_of = np.full(sets.size, -1, dtype=np.int64)  # each document's edition, by code
    for code, text in enumerate(sets.terms("edition_id")):
        edition_of[sets.term("edition_id", text)] = code
    for value in sets.terms("publication"):
        ids = np.flatnonzero(sets.term("publication", value) & sets.live)
        if not value or not len(ids):
            continue
        publication = stored_publication(stored(int(ids[0]))) or Publication(value, value)
        editions = int(np.count_nonzero(np.unique(edition_of[ids]) >= 0))
        out.append(PublicationSummary(publication, editions, len(ids)))
    return sorted(out, key=lambda p: (-p.editions, p.publication.name.casefold()))


def _label(type_: str, value: str, stored: dict[str, Any]) -> str:
    if type_ == "edition":
        return edition_label(stored)
    if type_ == "publication":
        return publication_name(stored) or value
    if type_ in ENTITY_TYPES:
        return str((stored.get("filter_labels") or {}).get(type_, {}).get(value, value))
    return value


def stored_publication(stored: Mapping[str, Any]) -> Publication | None:
    """The publication an article was written with; None if none (or an older version's)."""
    record = stored.get("publication_record")
    if not isinstance(record, Mapping):
        return None
    try:
        return Publication(**record)
    except TypeError:
        return None


def publication_name(stored: Mapping[str, Any]) -> str | None:
    """The name of the publication an article's stored fields say it is of, if any."""
    publication = stored_publication(stored)
    return publication.name if publication else None


def edition_label(stored: Mapping[str, Any]) -> str:
    """An edition's label, from one of its articles' stored fields: "SOC Local Partnerships
    Bulletin, Issue 7, October 2017" when its publication is known (the parts it lacks left
    out); else "Edition 7 (October 2017)", or its title when it has no number."""
    number = stored.get("edition")
    date = stored.get("date")
    publication = publication_name(stored)
    if publication:
        parts = [publication, f"Issue {number}" if number else "", month_name(date or "")]
        return ", ".join(part for part in parts if part)
    name = f"Edition {number}" if number else stored.get("edition_title") or stored["edition_id"]
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
