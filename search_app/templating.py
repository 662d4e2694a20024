"""What templates may call: URLs for a search's states, names and labels, and the ``display``
and ``safe_text`` filters that every text from the index or the request goes through."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import Flask, current_app, url_for
from markupsafe import Markup

from indexer.entity_types import BY_ID, CHIP_TYPES
from indexer.entity_types import FACET_ORDER as ENTITY_FACET_ORDER
from indexer.errors import BulletinsError
from indexer.index import month_name
from indexer.models import Publication
from indexer.pipeline import FAILURE_REASONS
from indexer.results import Recognised, SearchHit, SearchPage
from indexer.textnorm import LABEL_CHARS, MESSAGE_CHARS, TITLE_CHARS, display_text, safe_text
from search_app.params import SearchParams

# The longest title, and the longest label, section, edition title or file name, shown in a
# list (results, feed entries, facets, editions, status); longer ones end with an ellipsis.

FACET_NAMES = {
    **{t: BY_ID[t].label for t in ENTITY_FACET_ORDER},
    "publication": "Publication",
    "edition": "Edition",
    "year": "Year",
    "section": "Section",
}
FACET_ORDER = tuple(FACET_NAMES)
FACETS_SHOWN = 8
# "themes, agencies, operations, places, programmes and legislation", in running text
_PLURALS = [BY_ID[t].plural for t in ENTITY_FACET_ORDER]
ENTITY_KINDS = ", ".join(_PLURALS[:-1]) + " and " + _PLURALS[-1]
SORT_NAMES = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}


CHIPS_PER_TYPE = 4  # entities shown on a result per type, besides those that matched


@dataclass(frozen=True)
class Chip:
    type: str
    id: str
    label: str
    matched: bool  # the query names it or the search filters by it


def hit_chips(
    hit: SearchHit, params: SearchParams, recognised: Sequence[Recognised] = ()
) -> tuple[list[Chip], int]:
    """The entities to show on a result: per type, every one the query names or the search
    filters by (first), then others up to ``CHIPS_PER_TYPE``; and how many are left out."""
    matched = {(r.type, r.id) for r in recognised}
    matched |= {(t, v) for t, values in params.filters for v in values}
    chips: list[Chip] = []
    left_out = 0
    for type_ in CHIP_TYPES:
        entities = hit.entities.get(type_) or []
        hits = [e for e in entities if (type_, e["id"]) in matched]
        others = [e for e in entities if (type_, e["id"]) not in matched]
        shown = others[: max(0, CHIPS_PER_TYPE - len(hits))]
        chips += [Chip(type_, e["id"], e["label"], True) for e in hits]
        chips += [Chip(type_, e["id"], e["label"], False) for e in shown]
        left_out += len(others) - len(shown)
    return chips, left_out


@dataclass(frozen=True)
class Bar:
    label: str  # "2019", or an edition's label
    tick: str  # under the bar
    count: int
    href: str  # the search narrowed to it


MAX_EDITION_BARS = 24  # more editions than this with matches: a bar per year instead


def results_chart(results: SearchPage, params: SearchParams) -> list[Bar]:
    """Matching articles over time, oldest first: a bar per year from the first to the last
    year with matches (years without any included, at zero), or a bar per edition when the
    matches are all of one year (and in several editions); empty when one bar would say
    nothing. Each bar narrows the search to its year or edition."""
    years = {int(v["id"]): int(v["count"]) for v in results.facets.get("year") or []}
    editions = list(reversed(results.facets.get("edition") or []))  # listed newest first
    if len(years) > 1 or (years and len(editions) > MAX_EDITION_BARS):
        first, last = min(years), max(years)
        return [
            Bar(str(y), str(y), years.get(y, 0), _narrowed(params, "year", str(y)))
            for y in range(first, last + 1)
        ]
    if len(editions) > 1:
        return [
            Bar(
                display_text(str(e["label"]), LABEL_CHARS),
                str(i),
                int(e["count"]),
                _narrowed(params, "edition", str(e["id"])),
            )
            for i, e in enumerate(editions, 1)
        ]
    return []


def _narrowed(params: SearchParams, type_: str, value: str) -> str:
    """The search with ``type_`` filtered to ``value`` alone; page 1."""
    filters = {**params.filter_map, type_: [value]}
    return url_for("pages.search", **replace(params.with_filters(filters), page=1).args())


def search_url(params: SearchParams, **changes: Any) -> str:
    return url_for("pages.search", **params.args(**changes))


def toggle_url(params: SearchParams, type_: str, value: str) -> str:
    """The search with ``value`` added to or removed from its ``type_`` filter."""
    return url_for("pages.search", **params.toggled(type_, value).args())


def filter_label(type_: str, value: str) -> str:
    label = current_app.extensions["bulletins"].index.label(type_, value)
    return display_text(str(label or value), LABEL_CHARS)


def edition_text(hit: SearchHit) -> str:
    """The label of a hit's edition, as the index makes it: "SOC Local Partnerships Bulletin,
    Issue 7, October 2017" (see ``indexer.index.edition_label``)."""
    edition = hit.edition
    label = edition.get("label") or edition.get("title") or edition["id"]
    return display_text(str(label), LABEL_CHARS)


def edition_link(hit: SearchHit) -> Markup:
    """The label of a hit's edition, its publication's name a link to the publication's
    page (when it is known)."""
    label = edition_text(hit)
    publication = hit.edition.get("publication") or {}
    name = display_text(str(publication.get("name") or ""), LABEL_CHARS)
    if not name or not label.startswith(name):
        return Markup("{}").format(label)
    href = url_for("pages.publication", publication_id=publication["id"])
    return Markup('<a href="{}">{}</a>{}').format(href, name, label[len(name) :])


def site_licences() -> list[Publication]:
    """The publications of the archive whose attribution or licence the manifest states, for
    the footer (most editions first; none when the index cannot be read)."""
    try:
        held = current_app.extensions["bulletins"].publications()
    except (BulletinsError, OSError):
        return []
    return [p.publication for p in held if p.publication.licence or p.publication.attribution]


def display(value: Any, limit: int | None = None) -> str:
    """The ``display`` filter: ``display_text`` of any value (None is empty). The app's own
    HTML (``Markup``, or a snippet piped on to ``safe``) keeps its markup; give it no limit."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(display_text(str(value)))
    return display_text(str(value), limit)


def safe_lines(value: Any) -> str:
    """The ``safe_text`` filter: ``safe_text`` of any value, its lines kept (article bodies)."""
    if value is None:
        return ""
    text = safe_text(str(value))
    return Markup(text) if isinstance(value, Markup) else text


def atom_date(date: str | None) -> str | None:
    """An edition date (YYYY, YYYY-MM or YYYY-MM-DD) as an RFC 3339 timestamp."""
    if not date:
        return None
    parts = [*date.split("-"), "01", "01"][:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def pages_text(pages: list[int]) -> str:
    if not pages:
        return ""
    return f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}–{pages[-1]}"


def register_filters(app: Flask) -> None:
    from search_app.views import article_url, page_url, pdf_url

    app.jinja_env.globals.update(
        search_url=search_url,
        toggle_url=toggle_url,
        hit_chips=hit_chips,
        results_chart=results_chart,
        filter_label=filter_label,
        edition_text=edition_text,
        edition_link=edition_link,
        site_licences=site_licences,
        pages_text=pages_text,
        atom_date=atom_date,
        FAILURE_REASONS=FAILURE_REASONS,
        pdf_url=pdf_url,
        page_url=page_url,
        article_url=article_url,
        FACET_NAMES=FACET_NAMES,
        CHIP_TYPES=CHIP_TYPES,
        ENTITY_KINDS=ENTITY_KINDS,
        TITLE_CHARS=TITLE_CHARS,
        LABEL_CHARS=LABEL_CHARS,
        MESSAGE_CHARS=MESSAGE_CHARS,
        FACET_ORDER=FACET_ORDER,
        FACETS_SHOWN=FACETS_SHOWN,
        SORT_NAMES=SORT_NAMES,
    )
    app.jinja_env.filters["month_name"] = month_name
    app.jinja_env.filters["display"] = display
    app.jinja_env.filters["safe_text"] = safe_lines
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
