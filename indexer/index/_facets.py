"""Facet counts from arrays built once per index generation from the filter fields' postings.

For every facet type: a code per value, and the (document, value code) pairs, so counting the
values of a match set is one numpy gather and one bincount, however many documents match.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from indexer.index._schema import ENTITY_TYPES, FACET_TYPES
from indexer.index._sets import DocSets, Mask
from indexer.index.pickled_v1 import _ranges
from indexer.models import Publication
from indexer.results import PublicationSummary

# A value held by at least one document in this many is counted from a row of bits (one per
# document: 12.5 kB at 100,000 articles, and-ed with the matches' and counted), not from its
# (document, value) pairs (one gather each); the commonest such values first, as many as
# _ROWS_BYTES holds, per type.
_DENSE = 32
_ROWS_BYTES = 4 << 20
Ints = NDArray[np.int64]
# Facets listed newest first rather than by count.
_BY_VALUE = ("edition", "year")
# The index field each facet type is read from.
_FIELD = {
    **{t: t for t in ENTITY_TYPES},
    "publication": "publication",
    "edition": "edition_id",
    "section": "section_key",
}


@dataclass(frozen=True, eq=False)
class _Column:
    values: list[str]  # value ids, by code
    docs: NDArray[np.int32]  # document number of each (document, value) pair
    codes: NDArray[np.int32]  # value code of each pair
    # the same pairs by document: document d's value codes are by_doc[starts[d]:starts[d + 1]]
    starts: NDArray[np.int32]
    by_doc: NDArray[np.int32]

    @classmethod
    def of(
        cls, values: list[str], docs: NDArray[np.int32], codes: NDArray[np.int32], size: int
    ) -> _Column:
        """The column of these pairs in an index of ``size`` documents."""
        order = np.argsort(docs, kind="stable")
        starts = np.searchsorted(docs[order], np.arange(size + 1)).astype(np.int32)
        return cls(values, docs, codes, starts, codes[order].astype(np.int32))

    def tally(self, matched: Mask, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """How many of the documents in ``matched`` (numbered ``ids``) hold each value: from
        those documents' own values when they are few, from the values of the documents not
        matched when those are few, else from every pair at once (a value's pairs are
        consecutive: one gather and one sum per value)."""
        documents = self.starts.size - 1
        if not self.values:
            return np.zeros(0, dtype=np.int64)
        if len(ids) * 4 < documents:
            return self._of_documents(ids)
        if (documents - len(ids)) * 4 < documents:
            return self._every() - self._of_documents(np.flatnonzero(~matched))
        split = self._split
        if split is None:
            groups = self._groups()
            return np.add.reduceat(matched.view(np.uint8)[self.docs], groups, dtype=np.int64)
        dense, rows, sparse, docs, groups = split
        out = np.zeros(len(self.values), dtype=np.int64)
        if dense.size:  # a value in many documents: its row of bits and-ed with the matches'
            out[dense] = np.bitwise_count(rows & np.packbits(matched)).sum(axis=1)
        if sparse.size:
            out[sparse] = np.add.reduceat(matched.view(np.uint8)[docs], groups, dtype=np.int64)
        return out

    def _of_documents(self, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        first = self.starts[ids].astype(np.int64)
        lengths = self.starts[ids + 1] - first
        where = _ranges(first, lengths)
        return np.bincount(self.by_doc[where], minlength=len(self.values))

    @functools.cached_property
    def _split(self) -> tuple[Ints, NDArray[np.uint8], Ints, NDArray[np.int32], Ints] | None:
        """The values held by at least one document in ``_DENSE`` (their codes, and each one's
        documents as a row of bits), and the others (their codes, their (document, value)
        pairs' documents, where each one's pairs begin); None when no value is that common,
        or a value holds a document twice, or a value has no pair."""
        documents = self.starts.size - 1
        every, groups = self._everything
        if not every.all():
            return None
        width = (documents + 7) // 8
        dense = np.flatnonzero(every * _DENSE >= documents)
        dense = np.sort(dense[np.argsort(-every[dense], kind="stable")][: _ROWS_BYTES // width])
        if not dense.size:
            return None
        rows = np.zeros((dense.size, width), dtype=np.uint8)
        for row, code in enumerate(dense.tolist()):
            held = np.zeros(documents, dtype=bool)
            held[self.docs[groups[code] : groups[code] + every[code]]] = True
            if int(np.count_nonzero(held)) != every[code]:
                return None
            rows[row] = np.packbits(held)
        kept = np.ones(every.size, dtype=bool)
        kept[dense] = False
        sparse = np.flatnonzero(kept)
        pairs = np.repeat(kept, every)  # (the pairs come value by value, in code order)
        starts = np.cumsum(every[sparse]) - every[sparse]
        return dense, rows, sparse, self.docs[pairs], starts

    @functools.cached_property
    def _everything(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(each value's count over every document, where each value's pairs begin)."""
        every = np.bincount(self.codes, minlength=len(self.values))
        groups = (np.cumsum(every) - every).astype(np.int64)
        return every, groups

    def _every(self) -> NDArray[np.int64]:
        return self._everything[0]

    def _groups(self) -> NDArray[np.int64]:
        return self._everything[1]


@dataclass(frozen=True)
class FacetTable:
    """Every facet type's values, labels and (document, value) pairs."""

    columns: dict[str, _Column]
    labels: dict[str, dict[str, str]]
    order: dict[str, dict[str, str]]  # for edition and year: a sort key per value (its date)
    # each type's value codes in the order shown when counts tie (by label), or always
    # (editions and years: newest first), as a rank per code
    ranks: dict[str, NDArray[np.int64]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ranks = {}
        for type_, column in self.columns.items():
            names = self.labels.get(type_, {})
            if type_ in _BY_VALUE:
                keys = self.order.get(type_, {})
                shown = sorted(
                    range(len(column.values)),
                    key=lambda c: keys.get(column.values[c], ""),
                    reverse=True,
                )
            else:
                shown = sorted(
                    range(len(column.values)),
                    key=lambda c: names.get(column.values[c], column.values[c]),
                )
            rank = np.empty(len(column.values), dtype=np.int64)
            rank[np.array(shown, dtype=np.int64)] = np.arange(len(shown), dtype=np.int64)
            ranks[type_] = rank
        object.__setattr__(self, "ranks", ranks)

    @classmethod
    def build(cls, sets: DocSets, stored: Any) -> FacetTable:
        """From the index's terms; ``stored(docnum)`` gives a document's stored fields (read
        once per value, for its label). Each value's documents are read as numbers, never as
        a mask over the whole index (thousands of values times every document)."""
        columns: dict[str, _Column] = {}
        labels: dict[str, dict[str, str]] = {t: {} for t in FACET_TYPES}
        order: dict[str, dict[str, str]] = {t: {} for t in _BY_VALUE}
        for type_ in FACET_TYPES:
            field = "date" if type_ == "year" else _FIELD[type_]
            grouped: dict[str, list[NDArray[np.int64]]] = {}
            for text in sets.terms(field):
                if not text:
                    continue
                value = text[:4] if type_ == "year" else text
                ids = sets.ids(field, text)
                grouped.setdefault(value, []).append(ids[sets.live[ids]])
            values: list[str] = []
            docs: list[NDArray[np.int32]] = []
            codes: list[NDArray[np.int32]] = []
            for value, parts in grouped.items():
                found = np.unique(np.concatenate(parts)).astype(np.int32)
                if not len(found):
                    continue
                first = stored(int(found[0]))
                labels[type_][value] = _label(type_, value, first)
                if type_ == "edition":
                    order["edition"][value] = (
                        f"{first.get('date') or ''}\t{first.get('edition') or 0:09d}"
                    )
                elif type_ == "year":
                    order["year"][value] = value
                docs.append(found)
                codes.append(np.full(len(found), len(values), dtype=np.int32))
                values.append(value)
            columns[type_] = _Column.of(
                values,
                np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32),
                sets.size,
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
        ids = np.flatnonzero(matched)
        for type_ in types:
            column = self.columns[type_]
            tally = column.tally(matched, ids)
            present = np.flatnonzero(tally)
            rank = self.ranks[type_][present]
            if type_ in _BY_VALUE:
                shown = present[np.argsort(rank, kind="stable")]
            else:  # most first, then by label
                shown = present[np.lexsort((rank, -tally[present]))]
            names = self.labels.get(type_, {})
            out[type_] = []
            for code in shown[:limit].tolist():
                id_ = column.values[code]
                out[type_].append(
                    {"id": id_, "label": names.get(id_, id_), "count": int(tally[code])}
                )
        return out


def publication_summaries(sets: DocSets, stored: Any) -> list[PublicationSummary]:
    """Each publication's record (from one of its articles' stored fields, ``stored(docnum)``)
    and how many editions and articles it has, most editions first: from the publication and
    edition terms alone (what every page's footer needs, without the whole facet table)."""
    out = []
    edition_of = np.full(sets.size, -1, dtype=np.int64)  # each document's edition, by code
    for code, text in enumerate(sets.terms("edition_id")):
        edition_of[sets.ids("edition_id", text)] = code
    for value in sets.terms("publication"):
        ids = sets.ids("publication", value)
        ids = ids[sets.live[ids]]
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
