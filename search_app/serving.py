"""Serving the app: a production WSGI server (waitress), on one port, in one process or in
several forked ones that share it and are supervised here.

``serve(settings)`` is what ``bulletins serve`` runs; everything it needs to know is in
``settings.serve`` (see ``indexer.config.ServeSettings``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from indexer.config import Settings
from indexer.errors import BulletinsError
from indexer.processes import STOP_SIGNALS, die_with_parent, stop_signals_blocked
from search_app import create_app

QUICK_DEATH_SECONDS = 2.0  # a server process that exits sooner than this after starting...
QUICK_DEATHS = 3  # ...this many times in a row stops the whole server


class ServeError(BulletinsError):
    """The server cannot start or keep running (the port is taken, processes keep dying)."""


def serve(settings: Settings) -> None:
    """Listen on ``settings.serve.host``/``port`` and answer until stopped (Ctrl+C, SIGTERM,
    SIGHUP), finishing the requests under way.

    :raise ServeError: if the address cannot be listened on, or server processes keep dying.
    """
    from waitress import serve as waitress_serve

    options = settings.serve
    listener = listen(options.host, options.port)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    trusted = list(options.trusted_hosts) or loopback_names(options.host)
    app = create_app(settings, trusted_hosts=trusted)
    shown = f"[{options.host}]" if ":" in options.host else options.host
    sys.stderr.write(f"Bulletin Archive on http://{shown}:{options.port}/ (Ctrl+C to stop)\n")
    # connections, index files and some spare
    raise_open_files_limit(options.connection_limit + 256)

    def run() -> None:
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

    if options.processes == 1:
        run()
        return
    prefork(options.processes, run)


def raise_open_files_limit(wanted: int) -> None:
    """Raise this process's soft limit of open files towards ``wanted`` (never past the hard
    limit), so a full set of connections does not run it out of descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def prefork(processes: int, run: Callable[[], None]) -> None:
    """Run ``run`` in ``processes`` forked children sharing the listening socket; a child that
    dies is replaced (unless children keep dying at once), and Ctrl+C, SIGTERM or SIGHUP stops
    all. A child dies with the master, even when the master is killed with ``kill -9``.

    :raise ServeError: if children keep exiting as soon as they start.
    """
    children: dict[int, float] = {}
    master = os.getpid()
    # a signal ignored by whoever started the master (nohup: SIGHUP) stays ignored, in all
    handled = [s for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]

    def start() -> None:
        with stop_signals_blocked():  # no handler of the master's may run in a child
            pid = os.fork()
            if pid == 0:  # the child serves until it is told to stop
                _child(master, handled, run)
            children[pid] = time.monotonic()  # known before a held-back stop is delivered

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for signum in handled:
        if signum != signal.SIGINT:  # (Python raises KeyboardInterrupt for it already)
            signal.signal(signum, stop)
    try:
        for _ in range(processes):
            start()
        _supervise(children, start)
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in list(children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _child(master: int, handled: list[signal.Signals], run: Callable[[], None]) -> None:
    die_with_parent(master, signal.SIGTERM)
    for signum in handled:
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        run()
    finally:
        os._exit(0)


def _supervise(children: dict[int, float], start: Callable[[], None]) -> None:
    """Replace each child that exits, until none is left or they keep dying at once."""
    quick_deaths = 0
    while children:
        pid, status = os.wait()
        started = children.pop(pid, None)
        if started is None:
            continue
        quick = time.monotonic() - started < QUICK_DEATH_SECONDS
        quick_deaths = quick_deaths + 1 if quick else 0
        if quick_deaths >= QUICK_DEATHS:
            raise ServeError(f"server processes keep exiting (last status {status}); stopping")
        sys.stderr.write(f"server process {pid} exited (status {status}); starting another\n")
        start()


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
