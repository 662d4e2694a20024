"""Several server processes on one port: gunicorn's pre-fork master and its threaded workers.

``bulletins serve --processes N`` (N > 1) runs here; one process is waitress's (see
``search_app.serving``). The socket is bound by ``serving.listen`` before anything starts, so
a port in use is one line, and handed to gunicorn as ``fd://N``. ``ServeSettings`` map onto
gunicorn's settings as follows:

- ``processes`` → ``workers``, each a threaded worker (gunicorn's ``gthread``) with
  ``threads`` threads;
- ``connection_limit`` → ``worker_connections``: the connections each process holds at once;
  idle ones wait in the worker's poller, not in a thread, as with waitress;
- ``channel_timeout`` → ``keepalive``: seconds an idle connection (kept alive, or opened and
  not sent a request yet) stays open;
- ``timeout`` (a worker whose main loop is silent this long is replaced) and
  ``graceful_timeout`` (what a stop gives the requests under way, then the workers are killed)
  are gunicorn's 30 seconds, within systemd's 90 seconds to stop a service.

No access log: the app logs one escaped line per request itself, as under waitress;
gunicorn's own lines (workers started, replaced, stopped) go to standard error. No proxy
header is trusted (``X-Forwarded-Proto`` and the like), as under waitress, and gunicorn's
control socket is off.

The app is created in each worker, not in the master (``preload_app`` off), so the master holds
no index file when it forks: no file offset is shared between processes, and no thread of the
index's (a new generation warmed in the background) is lost in a fork. (Creating the app opens
nothing; a worker opens the index on its first request, and the workers share the index's
memory-mapped files through the page cache.)

Signals, as ``bulletins serve`` documents them: SIGTERM, SIGINT (Ctrl+C) and SIGHUP to the
master stop the server, the workers finishing the requests under way, and it exits with status
0 (gunicorn's SIGHUP would reload, and its SIGINT would not wait; a second Ctrl+C still stops
at once). A stop signal ignored by whoever started the master (``nohup``: SIGHUP) stays
ignored, by the workers too (SIGINT, SIGHUP: those a terminal sends the whole process group;
they take SIGTERM from their master). The workers end by themselves within a second or so of
the master's death (``kill -9``), each noticing it has a new parent. A worker that dies is
replaced; workers that fail as they start stop the server (:class:`ServeError`).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped,unused-ignore]
from gunicorn.arbiter import Arbiter  # type: ignore[import-untyped,unused-ignore]
from gunicorn.errors import HaltServer  # type: ignore[import-untyped,unused-ignore]
from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped,unused-ignore]

from indexer.config import ServeSettings
from indexer.processes import STOP_SIGNALS
from search_app.serving import ServeError

BACKLOG = 2048  # connections the kernel queues before a worker accepts them (gunicorn's)
WORKER_TIMEOUT = 30  # seconds
GRACEFUL_TIMEOUT = 30  # seconds


def run(options: ServeSettings, listener: socket.socket, make_app: Callable[[], Flask]) -> None:
    """Serve ``make_app()`` (called in each worker) on ``listener``, a bound socket (gunicorn
    takes it over), in ``options.processes`` processes, until a stop signal.

    :raise ServeError: if the server processes fail as they start, or the master does.
    """
    listener.listen(BACKLOG)
    fd = listener.detach()  # gunicorn's from now on (it closes it)
    os.set_inheritable(fd, True)
    ignored = tuple(s for s in STOP_SIGNALS if signal.getsignal(s) is signal.SIG_IGN)
    worker = type("gthread", (_Worker,), {"ignored": ignored})  # (as gunicorn logs it)
    application = _Application(make_app, settings(options, fd, worker))
    master = _Master(application, ignored)
    pid = os.getpid()
    try:
        master.run()  # (it ends with SystemExit, in the master and in each worker)
    except BaseException as exc:
        if os.getpid() != pid:  # a worker, done
            _end_worker(exc)
        if not isinstance(exc, SystemExit):
            raise
        if exc.code not in (None, 0):
            raise ServeError(_failure(master.halted, exc.code)) from None


def settings(options: ServeSettings, fd: int, worker: type[ThreadWorker]) -> dict[str, Any]:
    """gunicorn's settings for ``options``, listening on ``fd`` (see the module's notes)."""
    return {
        "bind": [f"fd://{fd}"],
        "backlog": BACKLOG,
        "workers": options.processes,
        "worker_class": worker,
        "threads": options.threads,
        "worker_connections": options.connection_limit,
        "keepalive": options.channel_timeout,
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "bulletins",
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "control_socket_disable": True,
    }


class _Application(BaseApplication):  # type: ignore[misc]
    """The app for gunicorn: its settings given here, the app made in each worker."""

    def __init__(self, make_app: Callable[[], Flask], options: dict[str, Any]) -> None:
        self._make_app = make_app
        self._options = options
        super().__init__()  # (which loads the configuration)

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self._make_app()


class _Master(Arbiter):  # type: ignore[misc]
    """gunicorn's master, stopped by SIGHUP and SIGINT as by SIGTERM (finishing the requests
    under way), leaving ignored the stop signals it was started with ignored."""

    def __init__(self, application: _Application, ignored: tuple[signal.Signals, ...]) -> None:
        self.WORKERS: dict[int, Any] = {}  # (the class's own are shared by every master)
        self.LISTENERS: list[Any] = []
        self.ignored = ignored
        self.halted: str | None = None  # why it stopped with an error
        self.stopping = False
        super().__init__(application)

    def init_signals(self) -> None:
        super().init_signals()
        for signum in self.ignored:
            signal.signal(signum, signal.SIG_IGN)

    def handle_hup(self) -> None:  # gunicorn's: reload the configuration and the workers
        self.log.info("Hang up: stopping")
        raise StopIteration

    def handle_int(self) -> None:  # gunicorn's: stop without waiting for requests under way
        raise StopIteration

    def handle_usr2(self) -> None:  # gunicorn's: start a new master (from this command line)
        self.log.warning("SIGUSR2 ignored: restart the service to upgrade it")

    def halt(self, reason: str | None = None, exit_status: int = 0) -> NoReturn:
        self.halted, self.stopping = reason, True
        super().halt(reason, exit_status)
        raise SystemExit(exit_status)  # (gunicorn's exits already)

    def reap_workers(self) -> None:
        try:
            super().reap_workers()
        except HaltServer:  # another worker that failed to start: stopping already
            if not self.stopping:
                raise


class _Worker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, stopping after the requests under way on SIGINT and SIGHUP
    too (a terminal sends them to the whole process group), except those ignored (``nohup``)."""

    ignored: tuple[signal.Signals, ...] = ()

    def init_signals(self) -> None:
        super().init_signals()
        for signum in (signal.SIGINT, signal.SIGHUP):
            if signum in self.ignored:
                signal.signal(signum, signal.SIG_IGN)
            else:
                signal.signal(signum, self.handle_exit)
                signal.siginterrupt(signum, False)  # (as gunicorn's SIGTERM)


def _end_worker(exc: BaseException) -> NoReturn:
    """End a worker with gunicorn's exit status (3: it could not start), without running
    what the master's command would run on its way out."""
    code = (exc.code or 0) if isinstance(exc, SystemExit) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)


def _failure(reason: str | None, code: object) -> str:
    if reason:  # gunicorn's: "Worker failed to boot." or "App failed to load."
        return f"server processes exit as soon as they start ({reason.rstrip('.')}); stopping"
    return f"the server's master process failed (exit status {code}); stopping"
