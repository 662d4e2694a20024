"""The server holds: an untrusted Host header is a 400 with one log line on every route, 405s
say what is allowed, and the request log cannot be forged. Through Flask's test client and
through a real ``bulletins serve`` process spoken to over a socket."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app import create_app
from tests.conftest import SHIPPED_PDF
from tests.indexer.test_serve import free_port, read_until, serve_args, server

EDITION = SHIPPED_PDF.stem
ROUTES = [
    ("GET", "/"),
    ("GET", "/articles/x"),
    ("GET", "/api/search"),
    ("GET", "/feed.atom"),
    ("GET", "/export.csv"),
    ("GET", "/static/style.css"),
    ("GET", "/no/such/page"),
    ("GET", "/api/no-such-route"),
    ("GET", f"/editions/{EDITION}/pdf"),
    ("GET", "/status"),
    ("HEAD", "/"),
    ("HEAD", "/api/search"),
    ("POST", "/"),
    ("POST", "/api/search"),
    ("DELETE", "/articles/x"),
    ("OPTIONS", "/"),
]
MACHINE = ("/api/", "/feed.atom", "/export.csv")


@pytest.fixture(scope="module")
def guarded(app: Flask) -> FlaskClient:
    """The app answering only for localhost and 127.0.0.1, as ``bulletins serve`` runs it."""
    settings = app.extensions["bulletins"].settings
    return create_app(settings, trusted_hosts=["localhost", "127.0.0.1"]).test_client()


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_an_untrusted_host_is_a_400_with_one_log_line_on_every_route(
    guarded: FlaskClient, caplog: pytest.LogCaptureFixture, method: str, path: str
) -> None:
    caplog.set_level(logging.DEBUG)
    response = guarded.open(path, method=method, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the usual headers
    if method == "HEAD":
        assert response.data == b""
    elif path.startswith(MACHINE):
        assert response.get_json()["error"] == {
            "status": 400,
            "code": "untrusted-host",
            "message": "The Host header names a host this site does not answer for.",
        }
    else:
        html = response.get_data(as_text=True)
        assert response.mimetype == "text/html" and html.startswith("<!doctype html>")
        assert "Bad Request" in html and "does not answer for" in html
    [record] = caplog.records  # one line: no traceback, no second error
    assert record.name == "bulletins.http" and record.levelno == logging.INFO
    assert record.exc_info is None
    assert record.getMessage().startswith(f"{method} {path} 400 ")
    assert record.getMessage().endswith("(untrusted host evil.example)")


def test_a_trusted_host_is_answered(guarded: FlaskClient) -> None:
    for host in ("localhost", "127.0.0.1:8000"):
        assert guarded.get("/", headers={"Host": host}).status_code == 200
        assert guarded.get("/feed.atom", headers={"Host": host}).status_code == 200


def test_a_hostile_host_header_is_logged_escaped(
    guarded: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bulletins.http")
    host = "evil.example\x1b[31m\u202e" + "x" * 300
    assert guarded.get("/", headers={"Host": host}).status_code == 400
    [record] = caplog.records
    message = record.getMessage()
    assert "\x1b" not in message and "\u202e" not in message and len(message) < 200
    assert "evil.example\\x1b[31m\\u202e" in message


@pytest.mark.parametrize(
    ("method", "path", "mimetype"),
    [
        ("POST", "/api/search", "application/json"),
        ("POST", "/", "text/html"),
        ("DELETE", "/articles/x", "text/html"),
        ("PUT", "/feed.atom", "application/json"),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    client: FlaskClient, method: str, path: str, mimetype: str
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 405 and response.mimetype == mimetype
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    if mimetype == "application/json":
        assert response.get_json()["error"]["code"] == "method-not-allowed"
    else:
        assert "Not allowed" in response.get_data(as_text=True)


def test_the_request_log_cannot_be_forged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bulletins.http")
    client.get("/articles/x%0aGET%20/forged%20200%0d%1b[31m%e2%80%ae")
    client.get("/articles/back\\slash")
    first, second = (record.getMessage() for record in caplog.records)
    assert first.startswith("GET /articles/x\\nGET /forged 200\\r\\x1b[31m\\u202e 404 ")
    assert not {"\n", "\r", "\x1b", "\u202e"} & set(first)
    assert second.startswith("GET /articles/back\\\\slash 404 ")  # unambiguous


def http(port: int, request: bytes) -> bytes:
    """One raw HTTP/1.1 exchange (the request as given, byte for byte): the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_a_real_server_refuses_an_untrusted_host_and_logs_one_escaped_line(
    corpus_copy: Path, tmp_path: Path
) -> None:
    port = free_port()
    with server(serve_args(port, corpus_copy, tmp_path / "index")) as (_, lines, seen):
        start = len(seen)
        for method, path in (("GET", "/"), ("GET", "/api/search"), ("HEAD", "/articles/x")):
            headers = "Host: evil.example\r\nConnection: close\r\n\r\n"
            answer = http(port, f"{method} {path} HTTP/1.1\r\n{headers}".encode())
            assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
            if path == "/api/search":
                assert b'"code":"untrusted-host"' in answer
        forged = b"GET /x%0aFORGED%20line%1b[31m HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        assert http(port, forged + b"Connection: close\r\n\r\n").startswith(b"HTTP/1.1 404 ")
        done = b"GET /api/search?q=done HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        assert http(port, done).startswith(b"HTTP/1.1 200 ")
        assert read_until(lines, seen, "GET /api/search?q=done 200", 10), "".join(seen)
    logged = [line for line in seen[start:] if line.strip()]
    assert len(logged) == 5, "".join(logged)  # one line per request, nothing else
    for (method, path), line in zip(
        (("GET", "/"), ("GET", "/api/search"), ("HEAD", "/articles/x")), logged, strict=False
    ):
        assert f"INFO bulletins.http: {method} {path} 400 " in line, line
        assert line.rstrip().endswith("(untrusted host evil.example)"), line
    assert "bulletins.http: GET /x\\nFORGED line\\x1b[31m 404 " in logged[3], logged[3]
    assert not any("Traceback" in line or "ERROR" in line for line in seen), "".join(seen)
