"""One error shape for the API, one error page for people; user input never causes a 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from indexer.errors import BulletinsError, SearchQueryError
from indexer.tagging.gazetteer import UnknownEntityError
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


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """The JSON every API error answers with."""
    return {
        "error": {"status": status, "code": code or _CODES.get(status, "error"), "message": message}
    }


def _respond(status: int, message: str, code: str | None = None) -> tuple[Any, int]:
    if request.path.startswith(MACHINE_PATHS):
        return jsonify(error_body(status, message, code)), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(SearchQueryError)
    def bad_query(exc: SearchQueryError) -> tuple[Any, int]:
        return _respond(400, str(exc), "invalid-query")

    @app.errorhandler(UnknownEntityError)
    def unknown_entity(exc: UnknownEntityError) -> tuple[Any, int]:
        return _respond(400, str(exc), "unknown-entity")

    @app.errorhandler(IndexUnavailableError)
    def unavailable(exc: IndexUnavailableError) -> tuple[Any, int]:
        return _respond(503, str(exc))

    @app.errorhandler(BulletinsError)
    def bad_input(exc: BulletinsError) -> tuple[Any, int]:
        return _respond(400, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 404 and message == NotFound.description:
            message = "There is nothing at this address. It may have been removed in a reindex."
        response: Response | tuple[Any, int] = _respond(status, message)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Any, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "Something went wrong on our side; it has been logged.")
