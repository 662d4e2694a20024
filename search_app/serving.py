"""Serving the app on one port: in one process with waitress, a production WSGI server, or
in several with gunicorn's pre-fork master and threaded workers (``search_app.gunicorn_server``).

``serve(settings)`` is what ``bulletins serve`` runs; everything it needs to know is in
``settings.serve`` (see ``indexer.config.ServeSettings``).
"""

from __future__ import annotations

import contextlib
import logging
import resource
import socket
import sys
from collections.abc import Callable

from flask import Flask

from indexer.config import ServeSettings, Settings
from indexer.errors import BulletinsError
from search_app import create_app


class ServeError(BulletinsError):
    """The server cannot start or keep running (the port is taken, processes keep dying)."""


def serve(settings: Settings) -> None:
    """Listen on ``settings.serve.host``/``port`` and answer until stopped (Ctrl+C, SIGTERM,
    SIGHUP), finishing the requests under way: with waitress in this process, or with
    gunicorn in ``settings.serve.processes`` worker processes and a master that watches them
    (see ``search_app.gunicorn_server`` for how the settings map onto gunicorn's).

    :raise ServeError: if the address cannot be listened on, if several processes are asked
        for where gunicorn cannot run, or if server processes keep dying as they start.
    """
    options = settings.serve
    several = _gunicorn_run(options.processes) if options.processes > 1 else None
    listener = listen(options.host, options.port)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    trusted = list(options.trusted_hosts) or loopback_names(options.host)

    def make_app() -> Flask:
        made = create_app(settings, trusted_hosts=trusted)
        made.extensions["bulletins"].warm_up()  # the first request answers at warm speed
        return made

    app = make_app() if several is None else None  # (gunicorn's workers make their own)
    shown = f"[{options.host}]" if ":" in options.host else options.host
    sys.stderr.write(f"Bulletin Archive on http://{shown}:{options.port}/ (Ctrl+C to stop)\n")
    # connections, index files and some spare
    raise_open_files_limit(options.connection_limit + 256)
    if several is not None:
        several(options, listener, make_app)
        return

    from waitress import serve as waitress_serve

    waitress_serve(
        app,
        sockets=[listener],
        threads=options.threads,
        ident="bulletins",
        connection_limit=options.connection_limit,
        channel_timeout=options.channel_timeout,
        cleanup_interval=max(1, min(30, options.channel_timeout // 2)),
        asyncore_use_poll=True,  # select() stops at descriptor 1024
    )


def _gunicorn_run(
    processes: int,
) -> Callable[[ServeSettings, socket.socket, Callable[[], Flask]], None]:
    """``search_app.gunicorn_server.run``, which serves ``processes`` processes with gunicorn
    (Unix only).

    :raise ServeError: if gunicorn cannot be imported here.
    """
    try:
        from search_app import gunicorn_server
    except ImportError as exc:
        raise ServeError(
            f"--processes {processes} needs gunicorn, which cannot be imported here ({exc}); "
            "serve with --processes 1 (waitress) instead"
        ) from exc
    return gunicorn_server.run


def raise_open_files_limit(wanted: int) -> None:
    """Raise this process's soft limit of open files towards ``wanted`` (never past the hard
    limit), so a full set of connections does not run it out of descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def loopback_names(host: str) -> list[str] | None:
    """The names a loopback-only server is reached by; None (any) for other addresses."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return ["localhost", "127.0.0.1", "::1", "[::1]"]
    return None


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``.

    :raise ServeError: naming why not (the port is in use, the host is unknown).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return listener
