"""What a search backend answers with: the project's own types, the same whatever the engine.

Every backend (see ``indexer.backend``) returns these, and everything above the index (the
pipeline, the command line, the web app, its API and exports) reads only these. Each has a
``to_json`` giving the JSON contract of the API and of ``bulletins ... --json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from indexer.boilerplate import mask
from indexer.models import Article, Edition, Publication
from indexer.tagging.tagger import Mention


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    section: str | None
    edition: dict[str, Any]  # id, number, title, date, label, publication ({id, name} or None)
    pages: list[int]
    snippet: str  # HTML: escaped text with <mark> around matches
    entities: dict[str, list[dict[str, str]]]
    score: float
    source: str  # the PDF's path as the corpus folder was given (for the terminal)
    file: str = ""  # the PDF's path inside the corpus folder
    page: int = 1  # the page its best match is on (its first page when nothing matched)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "edition": self.edition,
            "pages": self.pages,
            "page": self.page,
            "snippet": self.snippet,
            "entities": self.entities,
            "score": round(self.score, 4),
            "file": self.file,
        }


@dataclass(frozen=True)
class Recognised:
    """A name in a query that the gazetteer knows: ``text`` (as typed, at ``start``:``end`` of
    the query as searched) names the entity ``type``/``id``, shown as ``label``."""

    type: str
    id: str
    label: str
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "label": self.label, "text": self.text}


# Finds the names in a query's text, with the tagger that tags the articles.
Recogniser = Callable[[str], Sequence[Recognised]]


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    results: list[SearchHit]
    # {type: [{id, label, count}]}: the matches counted per filter value
    facets: dict[str, Any] = field(default_factory=dict)
    # "all": every word searched for is in each match; "most": at least ``words_needed`` of
    # them; "any": at least one (see ``indexer.index._question``)
    match: str = "all"
    sort: str = "relevance"
    did_you_mean: str | None = None  # the query with misspelt words corrected, if that matches
    # the query as searched, when parts of it were read as words rather than syntax, and how
    read_as: str | None = None
    read_notes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the words and names searched for
    words_needed: int = 0  # how many of them each match holds at least
    with_every_word: int = 0  # how many matches hold every one of them
    required: list[str] = field(default_factory=list)  # phrases, fields, wildcards: all needed
    left_out: list[str] = field(default_factory=list)  # question and function words not searched
    recognised: list[Recognised] = field(default_factory=list)  # names the gazetteer knows

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def how_searched(self) -> str | None:
        """One sentence on how the query was searched, when that was not simply as typed
        (for the page and the terminal); None when it was."""
        notes = ([f"left out: {', '.join(self.left_out)}"] if self.left_out else []) + list(
            self.read_notes
        )
        aside = f" ({'; '.join(notes)})" if notes else ""
        if self.read_as == "" or (not self.words and not self.required and self.left_out):
            return f"Nothing to search for{aside}: every article is listed."
        if self.total and (self.left_out or self.match != "all"):
            words = (*(r.strip('"') for r in self.required), *self.words)
            quoted = ", ".join(f"\u201c{w}\u201d" for w in words)
            return f"Searched for {quoted}{self._loosened()}{aside}."
        if self.read_as:
            return f"Searched for \u201c{self.read_as}\u201d{aside}."
        return None

    def _loosened(self) -> str:
        """How many of the words the matches hold, when not every one."""
        if self.match == "all":
            return ""
        some = "any" if self.match == "any" else f"at least {self.words_needed}"
        count = self.with_every_word
        if count:
            have = "article has" if count == 1 else "articles have"
            return (
                f": only {count} {have} every one of the {len(self.words)}, so those with "
                f"{some} of them are shown too, best first"
            )
        return f": no article has every one, so those with {some} of them are shown, best first"

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "match": self.match,
            "did_you_mean": self.did_you_mean,
            "read_as": self.read_as,
            "read_notes": self.read_notes,
            "words": self.words,
            "words_needed": self.words_needed,
            "with_every_word": self.with_every_word,
            "required": self.required,
            "left_out": self.left_out,
            "recognised": [r.to_json() for r in self.recognised],
            "results": [hit.to_json() for hit in self.results],
            "facets": self.facets,
        }


@dataclass(frozen=True)
class PageView:
    """One page of an edition as printed, for showing its image with a search's words marked:
    ``marks`` are where they are printed, (x0, top, x1, bottom) as shares of the page's width
    and height; ``lines`` the page's text, escaped, the same words in <mark>."""

    edition: dict[str, Any]  # id, label, file, sha256
    number: int
    count: int  # pages in the edition
    width: float  # in points
    height: float
    marks: list[tuple[float, float, float, float]]
    lines: list[str]
    articles: list[SearchHit]  # the articles printed on the page, in order
    layout_known: bool = True  # False: the index kept no layout for the PDF (nothing marked)

    def to_json(self) -> dict[str, Any]:
        return {
            "edition": self.edition,
            "page": self.number,
            "pages": self.count,
            "width": self.width,
            "height": self.height,
            "marks": [[round(v, 5) for v in box] for box in self.marks],
            "lines": self.lines,
            "articles": [{"id": h.id, "title": h.title} for h in self.articles],
        }


@dataclass(frozen=True)
class ArticleView:
    """One article for reading: its stored fields, its text highlighted, and its neighbours."""

    hit: SearchHit
    body_html: str  # escaped, query terms in <mark>, paragraphs separated by blank lines
    title_html: str
    mentions: list[list[Any]]  # [type, id, field, start, end, how]
    related: list[SearchHit]  # more like this
    same_edition: list[SearchHit]  # the edition's other articles, in order
    named_at: int = 0  # places marked where an entity asked for (a filter) is named
    # the paragraphs (0-based, in body order) that are boilerplate: recurring in other editions
    boilerplate: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.hit.to_json(),
            "body": self.body_html,
            "mentions": self.mentions,
            "named_at": self.named_at,
            "boilerplate": self.boilerplate,
            "related": [h.to_json() for h in self.related],
            "same_edition": [h.to_json() for h in self.same_edition],
        }


@dataclass(frozen=True)
class EntityView:
    """Following one entity through the archive: its articles, timeline and company."""

    type: str
    id: str
    label: str
    articles: list[SearchHit]  # newest first
    direct: int  # how many of them name it (the others name a place within it, for a region)
    # one row per edition of the archive, oldest first: {edition, label, date, articles, mentions}
    timeline: list[dict[str, Any]]
    # {type: [{id, label, articles}]}: entities named in the same articles, counted per article
    co_mentions: dict[str, list[dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "label": self.label,
            "total": len(self.articles),
            "direct": self.direct,
            "articles": [hit.to_json() for hit in self.articles],
            "timeline": self.timeline,
            "co_mentions": self.co_mentions,
        }


@dataclass(frozen=True)
class EditionSummary:
    """An indexed edition: its record, how it is labelled, and its articles in order."""

    record: dict[str, Any]  # the Edition's fields as indexed (only ``id`` for an old index)
    label: str  # "SOC Local Partnerships Bulletin, Issue 7, October 2017"
    articles: list[SearchHit]
    publication: Publication | None = None  # the publication it is an edition of, if known

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def title(self) -> str | None:
        return self.record.get("title") or None

    @property
    def number(self) -> int | None:
        number = self.record.get("number")
        return number if isinstance(number, int) else None

    @property
    def date(self) -> str | None:
        return self.record.get("date") or None

    @property
    def publisher(self) -> str | None:
        return self.record.get("publisher") or None

    def to_json(self) -> dict[str, Any]:
        """The API's edition (``/api/editions``, which adds the link to its PDF): the record
        without the server's paths, the label and each article's id, title, section, pages."""
        publication = self.publication
        return {
            **{k: v for k, v in self.record.items() if k not in ("source", "file")},
            "publication": {"id": publication.id, "name": publication.name}
            if publication
            else None,
            "label": self.label,
            "articles": [
                {"id": a.id, "title": a.title, "section": a.section, "pages": a.pages}
                for a in self.articles
            ],
        }


@dataclass(frozen=True)
class PublicationSummary:
    """A publication the index holds editions of: its record, and how many editions and
    articles of it are indexed."""

    publication: Publication
    editions: int
    articles: int

    @property
    def id(self) -> str:
        return self.publication.id

    @property
    def name(self) -> str:
        return self.publication.name

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self.publication), "editions": self.editions, "articles": self.articles}


@dataclass(frozen=True)
class ArticleBody:
    """An article's body as stored, where it belongs, and its spans left out as boilerplate."""

    publication: str  # id; "" when not known
    edition_id: str
    article_id: str
    body: str
    boilerplate: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class StoredEdition:
    """An edition as an index holds it: enough to write it again without reading its PDF."""

    edition: Edition
    articles: tuple[Article, ...]
    # by article id, the entities it was filed under when written: {type: [(id, label)]}
    entities: dict[str, dict[str, list[tuple[str, str]]]]
    tagger_version: str
    pipeline_version: str
    # by article id, the spans of its body that are boilerplate (see indexer.boilerplate)
    boilerplate: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # by article id, the mentions its entities were found by (as written)
    mentions: dict[str, tuple[Mention, ...]] = field(default_factory=dict)

    @property
    def record(self) -> dict[str, Any]:
        return asdict(self.edition)

    def searched_articles(self) -> tuple[Article, ...]:
        """Its articles as they are searched and tagged: boilerplate paragraphs blanked."""
        return tuple(
            replace(a, body=mask(a.body, self.boilerplate[a.id]))
            if self.boilerplate.get(a.id)
            else a
            for a in self.articles
        )
