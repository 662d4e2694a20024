"""One error shape for the API, one error page for people; user input never causes a 500."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, NotFound, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from indexer.errors import (
    BulletinsError,
    IndexDamagedError,
    IndexNotFoundError,
    SearchQueryError,
)
from indexer.tagging.gazetteer import UnknownEntityError
from indexer.textnorm import display_text, escape_text
from search_app.archive import IndexUnavailableError

log = logging.getLogger("bulletins.http")

# Answered with the JSON error shape rather than an HTML page.
MACHINE_PATHS = ("/api/", "/export.csv", "/feed.atom")
_CODES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    500: "internal-error",
    503: "index-unavailable",
}
UNTRUSTED_HOST = "The Host header names a host this site does not answer for."
# The error page when no URL can be built (an untrusted Host header) or error.html fails.
_PLAIN_PAGE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{status} {name} – Bulletin Archive</title></head>
<body><main><h1>{name}</h1><p role="alert">{message}</p></main></body>
</html>
"""


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """The JSON every API error answers with."""
    return {
        "error": {
            "status": status,
            "code": code or _CODES.get(status, "error"),
            "message": display_text(message),
        }
    }


def _respond(
    status: int,
    message: str,
    code: str | None = None,
    *,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    if request.path.startswith(MACHINE_PATHS):
        response = jsonify(error_body(status, message, code))
    else:
        response = make_response(_page(status, message))
    response.status_code = status
    for name, value in headers:
        response.headers[name] = value
    return response


def _page(status: int, message: str) -> str:
    """The error page; a plain one when the request's host is refused, since the site's pages
    link with ``url_for``, which needs a trusted host."""
    if not isinstance(request.routing_exception, SecurityError):
        try:
            return render_template("error.html", status=status, message=message)
        except Exception:
            log.exception("the error page could not be shown")
    name = HTTP_STATUS_CODES.get(status, "Error")
    return _PLAIN_PAGE.format(
        status=status, name=escape(name), message=escape(display_text(message))
    )


def register(app: Flask) -> None:
    @app.errorhandler(SearchQueryError)
    def bad_query(exc: SearchQueryError) -> Response:
        return _respond(400, str(exc), "invalid-query")

    @app.errorhandler(UnknownEntityError)
    def unknown_entity(exc: UnknownEntityError) -> Response:
        return _respond(400, str(exc), "unknown-entity")

    @app.errorhandler(IndexUnavailableError)
    @app.errorhandler(IndexDamagedError)
    @app.errorhandler(IndexNotFoundError)
    def unavailable(exc: BulletinsError) -> Response:
        return _respond(503, str(exc))

    @app.errorhandler(BulletinsError)
    def bad_input(exc: BulletinsError) -> Response:
        return _respond(400, str(exc))

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> Response:
        # Raised before routing, on every route, when TRUSTED_HOSTS refuses the Host header:
        # a 400 and the request's one log line, which names the host.
        host = escape_text(request.headers.get("Host", ""))
        g.log_note = f"untrusted host {display_text(host, 100)}"
        return _respond(400, UNTRUSTED_HOST, "untrusted-host")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 404 and message == NotFound.description:
            message = "There is nothing at this address. It may have been removed in a reindex."
        # the exception's own headers (Allow on a 405), not its HTML page's Content-Type
        headers = [
            (name, value)
            for name, value in exc.get_headers(request.environ)
            if name.lower() != "content-type"
        ]
        return _respond(status, message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception(
            "unhandled error on %s %s", escape_text(request.method), escape_text(request.path)
        )
        return _respond(500, "Something went wrong on our side; it has been logged.")
