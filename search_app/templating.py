"""What templates may call: URLs for a search's states, names and labels."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for

from indexer.index import SearchHit, month_name
from indexer.pipeline import FAILURE_REASONS
from search_app.params import SearchParams

FACET_NAMES = {
    "theme": "Crime theme",
    "agency": "Agency",
    "operation": "Operation",
    "region": "Region or place",
    "programme": "Programme",
    "legislation": "Legislation",
    "edition": "Edition",
    "year": "Year",
    "section": "Section",
}
FACET_ORDER = tuple(FACET_NAMES)
FACETS_SHOWN = 8
SORT_NAMES = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}


def search_url(params: SearchParams, **changes: Any) -> str:
    return url_for("pages.search", **params.args(**changes))


def toggle_url(params: SearchParams, type_: str, value: str) -> str:
    """The search with ``value`` added to or removed from its ``type_`` filter."""
    return url_for("pages.search", **params.toggled(type_, value).args())


def filter_label(type_: str, value: str) -> str:
    label = current_app.extensions["bulletins"].index.label(type_, value)
    return str(label or value)


def edition_text(hit: SearchHit) -> str:
    """ "Edition 7 · October 2017" """
    edition = hit.edition
    parts = [f"Edition {edition['number']}" if edition.get("number") else edition.get("title")]
    if edition.get("date"):
        parts.append(month_name(edition["date"]))
    return " · ".join(p for p in parts if p)


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
    from search_app.views import article_url, pdf_url

    app.jinja_env.globals.update(
        search_url=search_url,
        toggle_url=toggle_url,
        filter_label=filter_label,
        edition_text=edition_text,
        pages_text=pages_text,
        atom_date=atom_date,
        FAILURE_REASONS=FAILURE_REASONS,
        pdf_url=pdf_url,
        article_url=article_url,
        FACET_NAMES=FACET_NAMES,
        FACET_ORDER=FACET_ORDER,
        FACETS_SHOWN=FACETS_SHOWN,
        SORT_NAMES=SORT_NAMES,
    )
    app.jinja_env.filters["month_name"] = month_name
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
