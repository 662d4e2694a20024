"""The JSON API: the pages' searches, in the JSON contract of ``bulletins search --json``.

Every string answered goes through ``safe_json``: no control, bidirectional or zero-width
character from a PDF (or an index built before they were dropped at extraction) reaches a
client."""

from __future__ import annotations

import os
import socket
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, request, url_for

from indexer.errors import BulletinsError
from indexer.index import ENTITY_TYPES
from indexer.textnorm import safe_json
from search_app.openapi import openapi_document
from search_app.params import SearchParams
from search_app.views import archive, pdf_url

api = Blueprint("api", __name__, url_prefix="/api")


def safe_jsonify(data: Any) -> Response:
    """``data`` as a JSON response, every string in it made safe to show."""
    return jsonify(safe_json(data))


@api.get("/search")
def search() -> Any:
    _, results = archive().search(SearchParams.from_args(request.args, archive().settings.search))
    return safe_jsonify(results.to_json())


@api.get("/articles/<article_id>")
def article(article_id: str) -> Any:
    limits = archive().settings.search
    search = SearchParams.lenient(request.args, limits)  # the search it was opened from
    named = archive().named(request.args.to_dict(flat=False))
    view = archive().index.article(article_id, search.q, limits.related, named)
    if view is None:
        abort(404)
    return safe_jsonify({**view.to_json(), "pdf": pdf_url(view.hit)})


@api.get("/entities")
def entities() -> Any:
    return safe_jsonify(archive().index.entity_counts())


@api.get("/entities/<type_>/<entity_id>")
def entity(type_: str, entity_id: str) -> Any:
    if type_ not in ENTITY_TYPES:
        abort(404, f"Unknown entity type {type_!r}: use one of {', '.join(ENTITY_TYPES)}.")
    view = archive().index.entity(type_, entity_id)
    if view is None:
        canonical = archive().canonical_entity(type_, entity_id)
        if canonical is None:
            abort(404, f"No article mentions the {type_} {entity_id!r}.")
        return redirect(url_for(".entity", type_=type_, entity_id=canonical), 302)
    return safe_jsonify(view.to_json())


@api.get("/editions")
def editions() -> Any:
    out = []
    for edition in archive().index.editions():
        data = edition.to_json()
        data["pdf"] = url_for("pages.edition_pdf", edition_id=edition.id)
        data["articles"] = data.pop("articles")  # (after the link, as it always was)
        out.append(data)
    return safe_jsonify(out)


@api.get("/status")
def status() -> Any:
    return safe_jsonify(archive().status())


@api.get("/health")
def health() -> Any:
    """For a load balancer in front of several servers: 200 while this one answers searches
    from an index it can read (which generation, how many articles, which server), 503 while
    it cannot (no index yet, or its files unreadable), so traffic goes to the others."""
    server = f"{socket.gethostname()}:{os.getpid()}"
    try:
        index = archive().index
        articles = index.count()
        found = index.health()
    except BulletinsError as exc:
        return safe_jsonify({"status": "unavailable", "message": str(exc), "server": server}), 503
    return safe_jsonify(
        {
            "status": "ok",
            "generation": found["generation"],
            "articles": articles,
            "problem": found["problem"],
            "server": server,
        }
    )


@api.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())
