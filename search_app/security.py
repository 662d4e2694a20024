"""Security headers on every response, and one log line per request (escaped)."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from indexer.textnorm import escape_text

log = logging.getLogger("bulletins.http")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def register(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in _COMMON.items():
            response.headers.setdefault(name, value)
        # The original PDFs are shown by the browser's own viewer, which a page policy blocks.
        if response.mimetype != "application/pdf":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        # The path and query are the client's: escaped, so that a decoded %0a, %0d or %1b
        # can neither start a forged log line nor colour a terminal.
        note = g.get("log_note")
        log.info(
            "%s %s %s %.1fms%s",
            escape_text(request.method),
            escape_text(request.full_path.rstrip("?")),
            response.status_code,
            elapsed,
            f" ({note})" if note else "",
        )
        return response
