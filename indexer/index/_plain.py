"""The reference implementation: the same index answered by Whoosh's own search alone.

``PlainIndex`` reads and writes the same folders as ``ArticleIndex`` and shares its document
mapping, query language, highlighting and generation handling, but none of its acceleration:
matches, scores and sorting come from ``Searcher.search``, and facets and labels are counted
from the matches' stored fields, one document at a time. It is slow at scale, and simple
enough to be obviously right, so the contract tests (``tests/contract``) hold the accelerated
index to what it answers.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query, sorting

from indexer.index._backend import ArticleIndex, _consistent, _Match
from indexer.index._facets import edition_label, publication_name, stored_publication
from indexer.index._filters import restriction
from indexer.index._schema import ENTITY_TYPES, FACET_TYPES
from indexer.models import Publication
from indexer.results import PublicationSummary

_BY_VALUE = ("edition", "year")  # listed newest first rather than by count


@dataclass(frozen=True)
class _Ranked(_Match):
    ranked: tuple[tuple[int, float], ...] = ()  # (document number, score), in order


class PlainIndex(ArticleIndex):
    """An index folder searched with Whoosh alone (see the module's docstring)."""

    def _find(self, parsed: query.Query, restrict: query.Query | None, sort: str) -> _Match:
        ranked = self._search(parsed, restrict, sort)
        mask = np.zeros(self._searcher().doc_count_all(), dtype=bool)
        mask[[docnum for docnum, _ in ranked]] = True
        return _Ranked(parsed, mask, "all", sort, restrict is not None, ranked=ranked)

    def _search(
        self, parsed: query.Query, restrict: query.Query | None, sort: str
    ) -> tuple[tuple[int, float], ...]:
        searcher = self._searcher()
        if sort == "relevance":
            results = searcher.search(_summed(parsed), limit=None, filter=restrict)
            return tuple((int(d), float(s)) for s, d in results.top_n)
        results = searcher.search(
            parsed,
            limit=None,
            filter=restrict,
            sortedby=[
                sorting.FieldFacet("date", reverse=sort == "newest"),
                sorting.FieldFacet("ordinal"),
            ],
        )
        return tuple((int(docnum), 0.0) for _, docnum in results.top_n)

    def _ranked(self, match: _Match, start: int, stop: int | None) -> list[tuple[int, float]]:
        assert isinstance(match, _Ranked)
        return list(match.ranked[start:stop])

    def _facets_for(
        self,
        match: _Match,
        filters: Mapping[str, Sequence[str]] | None,
        date_from: str | None,
        date_to: str | None,
        limit: int | None,
    ) -> dict[str, list[dict[str, Any]]]:
        if limit == 0:
            return {}
        active = [t for t, values in (filters or {}).items() if values]
        counted = [t for t in FACET_TYPES if t not in active]
        facets = _count(self._stored(np.flatnonzero(match.mask)), counted, limit)
        for type_ in active:
            others = {t: v for t, v in (filters or {}).items() if t != type_}
            wanted = self._search(match.parsed, restriction(others, date_from, date_to), "newest")
            facets.update(_count(self._stored(d for d, _ in wanted), [type_], limit))
        return {t: facets[t] for t in FACET_TYPES if t in facets}

    def _stored(self, docnums: Iterable[Any]) -> list[dict[str, Any]]:
        searcher = self._searcher()
        return [dict(searcher.stored_fields(int(d))) for d in docnums]

    def _everything(self) -> list[dict[str, Any]]:
        return [dict(doc) for doc in self._searcher().documents()]

    @_consistent
    def entity_counts(self) -> dict[str, list[dict[str, Any]]]:
        return _count(self._everything(), ENTITY_TYPES, None)

    @_consistent
    def values(self, type_: str) -> dict[str, str]:
        return {v["id"]: v["label"] for v in _count(self._everything(), [type_], None)[type_]}

    @_consistent
    def label(self, type_: str, id_: str) -> str | None:
        return self.values(type_).get(id_) if type_ in FACET_TYPES else None

    @_consistent
    def publications(self) -> list[PublicationSummary]:
        """Counted over every article's stored fields."""
        records: dict[str, Publication] = {}
        editions: dict[str, set[str]] = {}
        articles: dict[str, int] = {}
        for doc in self._everything():
            id_ = doc.get("publication")
            if not id_:
                continue
            records.setdefault(id_, stored_publication(doc) or Publication(id_, id_))
            editions.setdefault(id_, set()).add(doc["edition_id"])
            articles[id_] = articles.get(id_, 0) + 1
        summaries = [
            PublicationSummary(p, len(editions[i]), articles[i]) for i, p in records.items()
        ]
        return sorted(summaries, key=lambda p: (-p.editions, p.publication.name.casefold()))

    def _edition_list(self) -> list[tuple[str, str, str]]:
        editions = {doc["edition_id"]: doc for doc in self._everything()}
        return [
            (edition_id, edition_label(doc), doc.get("date") or "")
            for edition_id, doc in sorted(editions.items(), key=lambda kv: _edition_key(kv[1]))
        ]


def _summed(parsed: query.Query) -> query.Query:
    """The query with every OR scored as the sum of its matching parts' scores (BM25F), as
    Whoosh's array matcher scores it. Left to choose, Whoosh picks a matcher by the index's
    size and query's shape, and its tree of union matchers scores the same OR lower (2.73
    against 3.54 for one document of ``tests/contract/test_archive.py``)."""

    def visit(node: query.Query) -> query.Query:
        if isinstance(node, query.Or):
            node = copy.copy(node)
            node.matcher_type = query.Or.ARRAY_MATCHER
        return node

    return parsed.accept(visit)


def _values(doc: Mapping[str, Any], type_: str) -> Iterable[tuple[str, str]]:
    """The (id, label) of each value of ``type_`` a document is filed under."""
    if type_ in ENTITY_TYPES:
        yield from ((doc.get("filter_labels") or {}).get(type_) or {}).items()
    elif type_ == "publication" and doc.get("publication"):
        yield doc["publication"], publication_name(doc) or doc["publication"]
    elif type_ == "edition":
        yield doc["edition_id"], edition_label(doc)
    elif type_ == "year" and doc.get("date"):
        yield doc["date"][:4], doc["date"][:4]
    elif type_ == "section" and doc.get("section"):
        yield doc["section"], doc["section"]


def _edition_key(doc: Mapping[str, Any]) -> str:
    return f"{doc.get('date') or ''}\t{doc.get('edition') or 0:09d}"


def _count(
    docs: Sequence[Mapping[str, Any]], types: Iterable[str], limit: int | None
) -> dict[str, list[dict[str, Any]]]:
    """{type: [{id, label, count}]}: most frequent first, editions and years newest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for type_ in types:
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        keys: dict[str, str] = {}
        for doc in docs:
            for id_, label in _values(doc, type_):
                counts[id_] = counts.get(id_, 0) + 1
                labels.setdefault(id_, label)
                keys.setdefault(id_, _edition_key(doc) if type_ == "edition" else id_)
        if type_ in _BY_VALUE:
            ranked = sorted(counts.items(), key=lambda kv: keys[kv[0]], reverse=True)
        else:
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
        out[type_] = [
            {"id": id_, "label": labels[id_], "count": count} for id_, count in ranked[:limit]
        ]
    return out
