"""One error shape for the API, one error page for people; user input never causes a 500."""

from __future__ import annotations

import enum
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
MACHINE_PATHS = ("/api/", "/export.csv", "/export.json", "/feed.atom")


class ErrorCode(enum.StrEnum):
    """Every ``code`` an error answers with: the one list, from which the API description's
    enum is made and against which the README is tested."""

    INVALID_QUERY = "invalid-query"
    UNKNOWN_ENTITY = "unknown-entity"
    UNTRUSTED_HOST = "untrusted-host"
    BAD_REQUEST = "bad-request"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    INTERNAL_ERROR = "internal-error"
    INDEX_UNAVAILABLE = "index-unavailable"


# Each code's status and what it means (for the API description and the README).
ERROR_CODES: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.INVALID_QUERY: (
        400,
        "the query or a parameter is malformed: an unclosed quote, an unknown field or sort, "
        "a bad date, a page out of range, a control character, a value too long",
    ),
    ErrorCode.UNKNOWN_ENTITY: (400, "a filter names no known entity (close matches are named)"),
    ErrorCode.UNTRUSTED_HOST: (400, "the Host header names a host the server does not answer for"),
    ErrorCode.BAD_REQUEST: (400, "any other request the server cannot answer as it stands"),
    ErrorCode.NOT_FOUND: (404, "nothing at this address: no such article, entity or route"),
    ErrorCode.METHOD_NOT_ALLOWED: (405, "a method other than GET or HEAD (see the Allow header)"),
    ErrorCode.INTERNAL_ERROR: (500, "a bug: logged on the server"),
    ErrorCode.INDEX_UNAVAILABLE: (
        503,
        "there is no index yet (run bulletins index), or its files cannot be read",
    ),
}
# The code of an HTTP error that no handler below names.
_HTTP_CODES = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}
UNTRUSTED_HOST = "The Host header names a host this site does not answer for."
# The error page when no URL can be built (an untrusted Host header) or error.html fails.
_PLAIN_PAGE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{status} {name} – Bulletin Archive</title></head>
<body><main><h1>{name}</h1><p role="alert">{message}</p></main></body>
</html>
"""


def error_body(status: int, message: str, code: ErrorCode) -> dict[str, Any]:
    """The JSON every API error answers with."""
    return {"error": {"status": status, "code": code, "message": display_text(message)}}


def _http_code(status: int) -> ErrorCode:
    if status in _HTTP_CODES:
        return _HTTP_CODES[status]
    return ErrorCode.INTERNAL_ERROR if status >= 500 else ErrorCode.BAD_REQUEST


def _respond(
    status: int,
    message: str,
    code: ErrorCode,
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
        return _respond(400, str(exc), ErrorCode.INVALID_QUERY)

    @app.errorhandler(UnknownEntityError)
    def unknown_entity(exc: UnknownEntityError) -> Response:
        return _respond(400, str(exc), ErrorCode.UNKNOWN_ENTITY)

    @app.errorhandler(IndexUnavailableError)
    @app.errorhandler(IndexDamagedError)
    @app.errorhandler(IndexNotFoundError)
    def unavailable(exc: BulletinsError) -> Response:
        return _respond(503, str(exc), ErrorCode.INDEX_UNAVAILABLE)

    @app.errorhandler(BulletinsError)
    def bad_input(exc: BulletinsError) -> Response:
        return _respond(400, str(exc), ErrorCode.BAD_REQUEST)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> Response:
        # Raised before routing, on every route, when TRUSTED_HOSTS refuses the Host header:
        # a 400 and the request's one log line, which names the host.
        host = escape_text(request.headers.get("Host", ""))
        g.log_note = f"untrusted host {display_text(host, 100)}"
        return _respond(400, UNTRUSTED_HOST, ErrorCode.UNTRUSTED_HOST)

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
        return _respond(status, message, _http_code(status), headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception(
            "unhandled error on %s %s", escape_text(request.method), escape_text(request.path)
        )
        return _respond(
            500, "Something went wrong on our side; it has been logged.", ErrorCode.INTERNAL_ERROR
        )
