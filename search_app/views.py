"""The pages people use: search, article, entity, editions, plus the feed, export and PDFs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)

from indexer.entity_types import chip_css
from indexer.errors import BulletinsError, SearchQueryError
from indexer.index import ENTITY_TYPES
from indexer.results import SearchHit
from indexer.tagging.gazetteer import UnknownEntityError
from indexer.textnorm import display_text
from search_app.archive import Archive
from search_app.exports import csv_rows, json_rows
from search_app.params import SearchParams

pages = Blueprint("pages", __name__)
FEED_ENTRIES = 50


def archive() -> Archive:
    archive: Archive = current_app.extensions["bulletins"]
    return archive


def pdf_url(hit: SearchHit, page: int | None = None, *, external: bool = False) -> str:
    """The original PDF, opened at ``page`` (by default the page of the hit's best match)."""
    url = url_for("pages.edition_pdf", edition_id=hit.edition["id"], _external=external)
    return f"{url}#page={page or hit.page}"


def page_url(
    hit: SearchHit, q: str = "", page: int | None = None, *, external: bool = False
) -> str:
    """The page view of ``page`` (by default the page of the hit's best match), the words of
    the search ``q`` marked."""
    return url_for(
        "page_view.page",
        edition_id=hit.edition["id"],
        number=page or hit.page,
        q=q or None,
        article=hit.id,
        _external=external,
    )


def article_url(hit: SearchHit, *, external: bool = False) -> str:
    return url_for("pages.article", article_id=hit.id, _external=external)


@pages.get("/")
def search() -> tuple[str, int]:
    try:
        params = SearchParams.from_args(request.args, archive().settings.search)
        resolved, results = archive().search(params)
    except (SearchQueryError, UnknownEntityError) as exc:
        # the search page again, with the query kept and what to fix said
        params = SearchParams.lenient(request.args, archive().settings.search)
        message = _WEB_HINT.sub("", str(exc)).strip()
        suggestions = _suggestions()
        page = render_template(
            "search.html", params=params, results=None, error=message, suggestions=suggestions
        )
        return page, 400
    page = render_template(
        "search.html", params=resolved, results=results, suggestions=_suggestions()
    )
    return page, 200


def _suggestions() -> list[Any]:
    """The search box's suggestions; none when the index cannot be read (the page says why)."""
    try:
        return list(archive().suggestions())
    except BulletinsError:
        return []


# The command-line hint that ends an unknown-entity message; the page links the list instead.
_WEB_HINT = re.compile(r"\(bulletins entities[^)]*\)")


@pages.get("/articles/<article_id>")
def article(article_id: str) -> str:
    search = SearchParams.lenient(
        request.args, archive().settings.search
    )  # the search the reader came from, if any
    related = archive().settings.search.related
    named = archive().named(request.args.to_dict(flat=False))
    view = archive().index.article(article_id, search.q, related, named)
    if view is None:
        abort(404)
    return render_template("article.html", view=view, q=search.q, search=search, named=named)


@pages.get("/entities")
def entities() -> str:
    return render_template("entities.html", counts=archive().index.entity_counts())


@pages.get("/entities/<type_>/<entity_id>")
def entity(type_: str, entity_id: str) -> Any:
    if type_ not in ENTITY_TYPES:
        abort(404)
    view = archive().index.entity(type_, entity_id)
    if view is None:
        canonical = archive().canonical_entity(type_, entity_id)
        if canonical is None:
            abort(404)
        return redirect(url_for(".entity", type_=type_, entity_id=canonical), 302)
    return render_template("entity.html", view=view)


@pages.get("/editions")
def editions() -> str:
    editions = archive().index.editions()
    return render_template(
        "editions.html",
        editions=editions,
        copies=archive().copies(),
        publications=archive().publications(),
    )


@pages.get("/publications/<publication_id>")
def publication(publication_id: str) -> str:
    """A publication: what the manifest says of it, and its editions, newest first."""
    editions = [
        edition
        for edition in archive().index.editions()
        if edition.publication is not None and edition.publication.id == publication_id
    ]
    found = next((p for p in archive().publications() if p.id == publication_id), None)
    if found is None:
        abort(404)
    return render_template("publication.html", publication=found, editions=editions)


@pages.get("/editions/<edition_id>/pdf")
def edition_pdf(edition_id: str) -> Response:
    # The file is looked up by edition id in the index; no path is taken from the request.
    path = archive().pdf_path(edition_id)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        download_name=download_name(path.name, edition_id),
        conditional=True,
        max_age=3600,
    )


def download_name(file_name: str, edition_id: str) -> str:
    """The name a browser saves an edition's PDF as (in Content-Disposition): the file's, on one
    line, without control, bidirectional or zero-width characters (a right-to-left override
    before "fdp.exe" shows "report<RLO>fdp.exe" as "reportexe.pdf"), quotes or backslashes;
    the edition's id when that leaves no name."""
    name = display_text(file_name).replace('"', "'").replace("\\", "_")
    stem = name[:-4].strip() if name.lower().endswith(".pdf") else ""
    return f"{stem}{name[-4:]}" if stem else f"{edition_id}.pdf"


@pages.get("/chips.css")
def chips_css() -> Response:
    """Each entity type's chip colour, from the registry of types."""
    response = Response(chip_css(), mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


@pages.get("/status")
def status() -> str:
    return render_template("status.html", status=archive().status())


@pages.get("/feed.atom")
def feed() -> Response:
    params = SearchParams.from_args(request.args, archive().settings.search)
    _, results = archive().search(
        replace(params, page=1, per_page=FEED_ENTRIES), facet_limit=0
    )  # the first entries of the same search as the page, in its order
    updated = datetime.fromtimestamp(archive().index.updated() or 0, UTC)
    body = render_template(
        "feed.xml",
        params=params,
        results=results,
        updated=updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        self_url=url_for("pages.feed", _external=True, **params.args(page=1, sort="relevance")),
        html_url=url_for("pages.search", _external=True, **params.args(page=1)),
    )
    return Response(body, mimetype="application/atom+xml")


@pages.get("/export.csv")
def export_csv() -> Response:
    return _export(csv_rows, "text/csv", "csv")


@pages.get("/export.json")
def export_json() -> Response:
    return _export(json_rows, "application/json", "json")


def _export(rows: Callable[..., Iterator[str]], mimetype: str, extension: str) -> Response:
    """Every article the search matches, in its order, streamed as a download."""
    params = SearchParams.from_args(request.args, archive().settings.search)
    hits = archive().every_match(params)  # raises on a bad query before anything is sent
    body = rows(
        hits,
        lambda hit: {
            "url": article_url(hit, external=True),
            "page_url": page_url(hit, params.q, external=True),
            "pdf_url": pdf_url(hit, external=True),
        },
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"bulletins-search-{stamp}.{extension}"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
