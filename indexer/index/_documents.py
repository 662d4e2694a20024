"""An article as the index stores it, and back: the stored fields of one document.

The one place that maps the project's types (``Article``, ``Edition``, ``Tagged``) to a
document's fields and the stored fields back to the result types (``indexer.results``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from indexer.boilerplate import mask
from indexer.index._facets import edition_label, stored_publication
from indexer.index._schema import ENTITY_TYPES
from indexer.models import Article, Edition, Publication, page_at_offset
from indexer.results import SearchHit, StoredEdition
from indexer.tagging.tagger import Mention, Tagged


def article_document(
    article: Article,
    edition: Edition,
    tags: Tagged | None = None,
    tagger_version: str = "",
    pipeline_version: str = "",
    publication: Publication | None = None,
    boilerplate: Sequence[tuple[int, int]] = (),
) -> dict[str, Any]:
    """The stored and indexed fields for one article (of ``publication``, if known), its
    ``boilerplate`` paragraphs (spans of its body) stored but not indexed."""
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
        "section_key": article.section or "",
        "pages": ",".join(str(p) for p in article.pages),
        "page_at": [list(start) for start in article.page_at],
        "source": edition.source,
        "file": edition.file,
        "edition_record": asdict(edition),
        "pipeline_version": pipeline_version,
    }
    if tags is not None:
        doc.update(tag_fields(tags, tagger_version))
    if boilerplate:
        doc["boilerplate"] = [list(span) for span in boilerplate]
        _leave_out_boilerplate(doc)
    if publication is not None:
        doc["publication"] = publication.id
        doc["publication_record"] = asdict(publication)
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


def stored_pages(stored: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(int(p) for p in str(stored.get("pages", "")).split(",") if p)


def stored_page_at(stored: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((int(offset), int(page)) for offset, page in stored.get("page_at") or ())


def hit_from_stored(
    stored: Mapping[str, Any], snippet: str, score: float, offset: int | None = None
) -> SearchHit:
    """A result from an article's stored fields; ``offset``: where in its body its best
    match is, which gives the page it is on (None: its first page, where its title is)."""
    pages = stored_pages(stored)
    first = pages[0] if pages else 1
    return SearchHit(
        id=stored["id"],
        title=stored["title"],
        section=stored.get("section") or None,
        edition={
            "id": stored["edition_id"],
            "number": stored.get("edition"),
            "title": stored.get("edition_title"),
            "date": stored.get("date") or None,
            "label": edition_label(stored),
            "publication": publication_ref(stored),
        },
        pages=list(pages),
        snippet=snippet,
        entities={
            type_: [{"id": id_, "label": label} for id_, label in items]
            for type_, items in (stored.get("entities") or {}).items()
        },
        score=score,
        source=stored.get("source", ""),
        file=stored.get("file", ""),
        page=first if offset is None else page_at_offset(stored_page_at(stored), offset, first),
    )


def publication_ref(stored: Mapping[str, Any]) -> dict[str, str] | None:
    """``{id, name}`` of an article's publication, for results; None if none is known."""
    publication = stored_publication(stored)
    return {"id": publication.id, "name": publication.name} if publication else None


def stored_edition(docs: Sequence[Mapping[str, Any]]) -> StoredEdition | None:
    """An edition from its articles' stored fields (in order); None when they were written by
    a version that did not store the edition whole."""
    if not docs or not docs[0].get("edition_record"):
        return None
    try:
        edition = Edition(**docs[0]["edition_record"])
        articles = tuple(
            Article(
                id=d["id"],
                edition_id=d["edition_id"],
                ordinal=d["ordinal"],
                title=d["title"],
                title_from=d.get("title_from", "heading"),
                section=d.get("section") or None,
                pages=stored_pages(d),
                body=d["body"],
                page_at=stored_page_at(d),
            )
            for d in docs
        )
        entities = {
            d["id"]: {
                t: [(str(i), str(label)) for i, label in items]
                for t, items in (d.get("entities") or {}).items()
            }
            for d in docs
        }
    except (TypeError, KeyError, ValueError):  # written by another version: read the PDF again
        return None
    first = docs[0]
    return StoredEdition(
        edition,
        articles,
        entities,
        str(first.get("tagger_version") or ""),
        str(first.get("pipeline_version") or ""),
        {d["id"]: stored_boilerplate(d) for d in docs if d.get("boilerplate")},
        {d["id"]: stored_mentions(d) for d in docs},
    )


def stored_mentions(stored: Mapping[str, Any]) -> tuple[Mention, ...]:
    """The mentions an article was tagged with, from its stored fields."""
    labels = {
        (type_, str(id_)): str(label)
        for type_, items in (stored.get("entities") or {}).items()
        for id_, label in items
    }
    texts = {"title": str(stored.get("title", "")), "body": str(stored.get("body", ""))}
    out = []
    for type_, id_, field, start, end, how in stored.get("mentions") or ():
        text = texts.get(field, "")[start:end]
        out.append(
            Mention(type_, id_, labels.get((type_, id_), text), field, start, end, text, how)
        )
    return tuple(out)


def stored_boilerplate(stored: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in stored.get("boilerplate") or ())


def searched_body(stored: Mapping[str, Any]) -> str:
    """The body as it is searched: its boilerplate paragraphs blanked (same offsets)."""
    return mask(str(stored.get("body", "")), stored_boilerplate(stored))


def _leave_out_boilerplate(doc: dict[str, Any]) -> None:
    """Index the body without its boilerplate paragraphs; store it whole."""
    doc["_stored_body"] = doc["body"]
    doc["body"] = searched_body(doc)


def restored(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A document to index again from its stored fields (the fields that are indexed but not
    stored recomputed), whatever version wrote it."""
    doc = dict(stored)
    if doc.get("boilerplate"):
        _leave_out_boilerplate(doc)
    if doc.get("date"):
        doc["year"] = int(doc["date"][:4])
    doc["section_key"] = doc.get("section") or ""
    for type_, ids in (doc.get("filter_labels") or {}).items():
        doc[type_] = ",".join(ids)
    return doc
