"""A page of an edition as printed, with a search's words marked on it, and its image."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from indexer.render import RenderError
from search_app.archive import Archive

page_view = Blueprint("page_view", __name__)
IMAGE_MAX_AGE = 365 * 24 * 3600  # an image whose URL names the hash of the PDF it is drawn from


def _archive() -> Archive:
    archive: Archive = current_app.extensions["bulletins"]
    return archive


@page_view.get("/editions/<edition_id>/pages/<int:number>")
def page(edition_id: str, number: int) -> str:
    """Page ``number``: its image with the words of ``q`` marked, links to the pages before
    and after and to the PDF, the articles printed on it and its text. ``article`` (an id)
    names the article the reader came from."""
    archive = _archive()
    q = request.args.get("q", "")[: archive.settings.search.max_query_chars]
    view = archive.index.page(edition_id, number, q)
    if view is None:
        abort(404)
    came_from = request.args.get("article", "")
    article = next((a for a in view.articles if a.id == came_from), None)
    return render_template(
        "page.html", view=view, q=q, article=article, has_pdf=archive.pdf_path(edition_id)
    )


@page_view.get("/editions/<edition_id>/pages/<int:number>.png")
def page_image(edition_id: str, number: int) -> Response:
    try:
        found = _archive().page_image(edition_id, number)
    except RenderError as exc:
        abort(404, f"This page cannot be drawn: {exc}")
    if found is None:
        abort(404)
    sha256, png = found
    response = Response(png, mimetype="image/png")
    response.set_etag(f"{sha256[:32]}-{number}")
    if request.args.get("v") == sha256[:16]:  # the page view's link: this image for good
        response.cache_control.max_age = IMAGE_MAX_AGE
        response.cache_control.public = True
        response.cache_control.immutable = True
    else:  # the PDF at this path may be replaced: ask again each time (304 if the same)
        response.cache_control.no_cache = True
    response.make_conditional(request)
    return response
