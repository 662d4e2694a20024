"""The article index: the only code that opens, writes or searches Whoosh indexes."""

from __future__ import annotations

import html
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, index, query, sorting
from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Hit, Searcher

from indexer.errors import IndexNotFoundError
from indexer.index._query import is_plain, parse_query
from indexer.index._schema import DEFAULT_FIELDS, ENTITY_TYPES, QUERY_FIELDS, build_schema
from indexer.models import Article, Edition
from indexer.tagging.tagger import Tagged

SNIPPET_CHARS = 240
_ADJACENT_MARKS = re.compile(r"</mark>(\s+)<mark>")
_ELLIPSES = re.compile(r"…(?:\s*…)+")


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    section: str | None
    edition: dict[str, Any]
    pages: list[int]
    snippet: str  # HTML: escaped text with <mark> around matches
    entities: dict[str, list[dict[str, str]]]
    score: float
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "edition": self.edition,
            "pages": self.pages,
            "snippet": self.snippet,
            "entities": self.entities,
            "score": round(self.score, 4),
            "source": self.source,
        }


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    results: list[SearchHit]
    facets: dict[str, Any] = field(default_factory=dict)
    match: str = "all"  # "any" when no article had every word and the words were relaxed

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [hit.to_json() for hit in self.results],
            "facets": self.facets,
            "match": self.match,
        }


class _MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Escapes all text and wraps matched terms in <mark>."""

    between = " "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        out = super().format_fragment(fragment, replace)
        prefix = "… " if fragment.startchar > 0 else ""
        suffix = " …" if fragment.endchar < len(fragment.text) else ""
        return f"{prefix}{' '.join(out.split())}{suffix}"


def article_document(
    article: Article,
    edition: Edition,
    tags: Tagged | None = None,
    tagger_version: str = "",
    pipeline_version: str = "",
) -> dict[str, Any]:
    """The stored and indexed fields for one article."""
    doc: dict[str, Any] = {
        "id": article.id,
        "edition_id": edition.id,
        "edition_title": edition.title,
        "date": edition.date or "",
        "ordinal": article.ordinal,
        "section": article.section or "",
        "title": article.title,
        "title_from": article.title_from,
        "body": article.body,
        "pages": ",".join(str(p) for p in article.pages),
        "source": edition.source,
        "file": edition.file,
        "edition_record": asdict(edition),
        "pipeline_version": pipeline_version,
    }
    if tags is not None:
        doc.update(tag_fields(tags, tagger_version))
    if edition.number is not None:
        doc["edition"] = edition.number
    if edition.date:
        doc["year"] = int(edition.date[:4])
    return doc


def tag_fields(tags: Tagged, tagger_version: str) -> dict[str, Any]:
    """The entity fields of an article's document."""
    doc: dict[str, Any] = {t: ",".join(tags.filters.get(t, [])) for t in ENTITY_TYPES}
    doc["entity_names"] = tags.names
    doc["entities"] = {t: [list(item) for item in items] for t, items in tags.entities.items()}
    doc["filter_labels"] = tags.labels
    doc["mentions"] = [[m.type, m.id, m.field, m.start, m.end, m.how] for m in tags.mentions]
    doc["tagger_version"] = tagger_version
    return doc


@dataclass(frozen=True)
class FacetTable:
    """Per document number, the entity ids it is filed under; built once per index generation."""

    ids: dict[int, dict[str, list[str]]]
    labels: dict[str, dict[str, str]]

    @classmethod
    def build(cls, searcher: Searcher) -> FacetTable:
        ids: dict[int, dict[str, list[str]]] = {}
        labels: dict[str, dict[str, str]] = {t: {} for t in ENTITY_TYPES}
        for docnum, stored in searcher.reader().iter_docs():
            doc_labels = stored.get("filter_labels") or {}
            ids[docnum] = {t: list(doc_labels.get(t, {})) for t in ENTITY_TYPES}
            for type_, mapping in doc_labels.items():
                labels.setdefault(type_, {}).update(mapping)
        return cls(ids, labels)

    def counts(
        self, docnums: Iterable[int], limit: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        tallies: dict[str, Counter[str]] = {t: Counter() for t in ENTITY_TYPES}
        for docnum in docnums:
            for type_, ids in self.ids.get(docnum, {}).items():
                tallies[type_].update(ids)
        return {
            type_: [
                {"id": id_, "label": self.labels[type_].get(id_, id_), "count": count}
                for id_, count in sorted(
                    tally.items(), key=lambda kv: (-kv[1], self.labels[type_].get(kv[0], kv[0]))
                )[:limit]
            ]
            for type_, tally in tallies.items()
        }


class ArticleIndex:
    """An index directory of articles. ``path=None`` keeps the index in memory (tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._facets: FacetTable | None = None
        self._generation: tuple[str, int] | None = None
        if path is None:
            self._ix = RamStorage().create_index(build_schema())
        elif index.exists_in(str(path)):
            self._ix = index.open_dir(str(path))
        else:
            raise IndexNotFoundError(f"No index at {path}. Build one with: bulletins index")

    @classmethod
    def create(cls, path: Path) -> ArticleIndex:
        """Create an empty index at ``path`` (which must not hold one already)."""
        path.mkdir(parents=True, exist_ok=True)
        index.create_in(str(path), build_schema())
        return cls(path)

    @staticmethod
    def exists(path: Path) -> bool:
        return path.is_dir() and index.exists_in(str(path))

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[_Batch]:
        """One writer; commits only if the block finishes without an exception."""
        writer = self._ix.writer(limitmb=256)
        try:
            yield _Batch(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)

    def add_edition(
        self,
        edition: Edition,
        articles: Iterable[Article],
        tags: Mapping[str, Tagged] | None = None,
        tagger_version: str = "",
        pipeline_version: str = "",
    ) -> int:
        """Replace everything indexed for ``edition`` with ``articles`` (and their entity tags,
        keyed by article id); returns how many articles were written."""
        count = 0
        with self.batch() as batch:
            batch.delete_edition(edition.id)
            for article in articles:
                tagged = tags.get(article.id) if tags else None
                batch.add_document(
                    article_document(article, edition, tagged, tagger_version, pipeline_version)
                )
                count += 1
        return count

    def carry_over(self, other: ArticleIndex, edition_id: str) -> int:
        """Copy every article of ``edition_id`` from ``other`` into this index."""
        docs = [dict(d) for d in other.searcher().documents(edition_id=edition_id)]
        with self.batch() as batch:
            for doc in docs:
                batch.add_stored(doc)
        return len(docs)

    def stored_edition(
        self, edition_id: str
    ) -> tuple[Edition, list[Article], dict[str, dict[str, Any]]] | None:
        """An edition as indexed: its record, its articles and each article's stored fields."""
        docs = sorted(
            (dict(d) for d in self.searcher().documents(edition_id=edition_id)),
            key=lambda d: d["ordinal"],
        )
        if not docs or not docs[0].get("edition_record"):
            return None
        try:
            edition = Edition(**docs[0]["edition_record"])
        except TypeError:  # written by another version: read the PDF again
            return None
        articles = [
            Article(
                id=d["id"],
                edition_id=d["edition_id"],
                ordinal=d["ordinal"],
                title=d["title"],
                title_from=d.get("title_from", "heading"),
                section=d.get("section") or None,
                pages=tuple(int(p) for p in d.get("pages", "").split(",") if p),
                body=d["body"],
            )
            for d in docs
        ]
        return edition, articles, {d["id"]: d for d in docs}

    # -- reading ------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """A searcher for the newest committed generation, reused until that changes."""
        with self._lock:
            latest = self._ix.latest_generation()
            key = (str(self.path.resolve()) if self.path else "", latest)
            if self._searcher is None or key != self._generation:
                if self._searcher is not None:
                    self._searcher.close()
                if self.path is not None:
                    self._ix = index.open_dir(str(self.path))
                self._searcher = self._ix.searcher()
                self._facets = None
                self._generation = key
            return self._searcher

    def facet_table(self) -> FacetTable:
        searcher = self.searcher()
        with self._lock:
            if self._facets is None:
                self._facets = FacetTable.build(searcher)
            return self._facets

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def count(self) -> int:
        return int(self.searcher().doc_count())

    def search(
        self,
        text: str,
        *,
        page: int = 1,
        per_page: int = 10,
        filters: Mapping[str, Sequence[str]] | None = None,
        facet_limit: int | None = 50,
    ) -> SearchPage:
        """Run a user's query within ``filters`` ({type: ids}: any id of a type, every type).

        An empty query lists the matching articles newest first.

        :raise SearchQueryError: if the query is malformed.
        """
        page = max(1, page)
        per_page = max(1, min(per_page, 100))
        searcher = self.searcher()
        restrict = _filter_query(filters)
        parsed = parse_query(text, self._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS)
        match = "all"
        matched = list(searcher.docs_for_query(_within(parsed, restrict)))
        if not matched and is_plain(text):  # no article has every word: rank by how many
            parsed = parse_query(text, self._ix.schema, DEFAULT_FIELDS, QUERY_FIELDS, any_word=True)
            matched = list(searcher.docs_for_query(_within(parsed, restrict)))
            match = "any"
        sortedby = None
        if isinstance(parsed, query.Every):
            sortedby = [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("ordinal")]
        results = searcher.search(
            parsed, limit=page * per_page, sortedby=sortedby, terms=True, filter=restrict
        )
        results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
        results.formatter = _MarkFormatter()
        hits = [_hit(hit) for hit in results[(page - 1) * per_page : page * per_page]]
        facets = self.facet_table().counts(matched, facet_limit)
        return SearchPage(text, len(results), page, per_page, hits, facets, match=match)

    def entity_counts(self) -> dict[str, list[dict[str, Any]]]:
        """Every entity with the number of articles filed under it, by type."""
        return self.facet_table().counts(self.searcher().reader().all_doc_ids())

    def get(self, article_id: str) -> dict[str, Any] | None:
        stored = self.searcher().document(id=article_id)
        return dict(stored) if stored else None

    def all_documents(self) -> list[dict[str, Any]]:
        return [dict(doc) for doc in self.searcher().documents()]


class _Batch:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def add_document(self, doc: dict[str, Any]) -> None:
        self._writer.update_document(**doc)

    def add_stored(self, stored: dict[str, Any]) -> None:
        """Re-add a document from its stored fields (derived fields recomputed)."""
        doc = dict(stored)
        if doc.get("date"):
            doc["year"] = int(doc["date"][:4])
        for type_, ids in (doc.get("filter_labels") or {}).items():
            doc[type_] = ",".join(ids)
        self._writer.update_document(**doc)

    def delete_edition(self, edition_id: str) -> None:
        self._writer.delete_by_term("edition_id", edition_id)


def _filter_query(filters: Mapping[str, Sequence[str]] | None) -> query.Query | None:
    """OR within a type, AND across types."""
    groups = [
        query.Or([query.Term(type_, id_) for id_ in ids])
        for type_, ids in (filters or {}).items()
        if ids
    ]
    return query.And(groups) if groups else None


def _within(parsed: query.Query, restrict: query.Query | None) -> query.Query:
    return parsed if restrict is None else query.And([parsed, restrict])


def _hit(hit: Hit) -> SearchHit:
    stored = hit.fields()
    snippet = hit.highlights("body", top=2) if hit.matched_terms() else ""
    if not snippet:
        snippet = _lead(stored.get("body", ""))
    snippet = _ELLIPSES.sub("…", _ADJACENT_MARKS.sub(r"\1", snippet))
    return SearchHit(
        id=stored["id"],
        title=stored["title"],
        section=stored.get("section") or None,
        edition={
            "id": stored["edition_id"],
            "number": stored.get("edition"),
            "title": stored.get("edition_title"),
            "date": stored.get("date") or None,
        },
        pages=[int(p) for p in stored.get("pages", "").split(",") if p],
        snippet=snippet,
        entities={
            type_: [{"id": id_, "label": label} for id_, label in items]
            for type_, items in (stored.get("entities") or {}).items()
        },
        score=float(hit.score) if isinstance(hit.score, int | float) else 0.0,  # 0 when sorted
        source=stored.get("source", ""),
    )


def _lead(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return html.escape(cut, quote=False) + " …"
