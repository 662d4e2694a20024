"""``bulletins serve``: a real server process, building the index on first run; with
``--processes N``, gunicorn's master and its N workers."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import search_app
from indexer.cli import cli
from indexer.config import ServeSettings, Settings
from search_app.serving import ServeError, listen, serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_args(port: int, corpus: Path, index: Path) -> list[str]:
    return ["serve", "--port", str(port), "--corpus", str(corpus), "--index", str(index)]


def read_until(lines: queue.Queue[str], seen: list[str], text: str, seconds: float) -> bool:
    """Collect the server's log lines until one contains ``text``; False on timeout."""
    deadline = time.monotonic() + seconds
    while not any(text in line for line in seen):
        if time.monotonic() > deadline:
            return False
        with contextlib.suppress(queue.Empty):
            seen.append(lines.get(timeout=0.5))
    return True


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def workers_of(master: int, count: int, seconds: float = 15) -> list[int]:
    """The master's worker processes, once it has ``count`` of them."""
    deadline = time.monotonic() + seconds
    while len(found := children_of(master)) != count:
        assert time.monotonic() < deadline, f"{len(found)} workers, not {count}"
        time.sleep(0.05)
    return found


def running(pid: int) -> bool:
    """The process exists and has not exited (a zombie not reaped yet has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def port_is_free(port: int) -> bool:
    """Nothing listens on the port: a next ``bulletins serve`` could listen on it."""
    try:
        listen("127.0.0.1", port).close()
    except ServeError:
        return False
    return True


def answering(port: int) -> int:
    """The pid of the server process that answers a request (as /api/health names it)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=10) as response:
        return int(json.load(response)["server"].rsplit(":", 1)[1])


def read_response(connection: socket.socket) -> bytes:
    """One response (with a Content-Length) read off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, f"the connection closed: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length: *(\d+)", head)
    assert length, head
    while len(body) < int(length[1]):
        chunk = connection.recv(65536)
        assert chunk, f"the connection closed: {data!r}"
        body += chunk
    return head + b"\r\n\r\n" + body


def signal_during_a_request(master: int, port: int, signum: int) -> bytes:
    """Send ``signum`` to the master alone (not its group) while a request is under way on a
    connection a worker holds (it answered a first one): the request's first lines are sent
    before the signal, its end after it. The response, whole."""
    request = f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(f"{request}\r\n".encode())
        first = read_response(connection)
        assert first.startswith(b"HTTP/1.1 200 "), first
        connection.sendall(request.encode())
        time.sleep(0.3)  # the worker is reading the request
        os.kill(master, signum)
        time.sleep(0.5)  # the server is stopping
        connection.sendall(b"Connection: close\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def assert_all_stopped(process: subprocess.Popen[str], workers: list[int], port: int) -> None:
    """The master exited (status 0, a clean stop), and its workers with it; the port is free."""
    assert process.wait(timeout=20) == 0
    deadline = time.monotonic() + 5
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in workers), "server processes outlived their master"
    assert port_is_free(port)


@contextlib.contextmanager
def server(
    args: list[str], ready: str = "Serving on"
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str], list[str]]]:
    """``bulletins`` with ``args`` in a process, until it logs ``ready`` (waitress's line; with
    ``--processes N``, say ``Booting worker``): the process, its log lines as they come and
    those seen so far. Terminated at the end of the block."""
    command = [sys.executable, "-c", "from indexer.cli import main; main()", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stderr or ()], daemon=True
    ).start()
    seen: list[str] = []
    try:
        assert read_until(lines, seen, ready, 60), "".join(seen)
        yield process, lines, seen
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
        process.stderr.close()


@pytest.mark.slow
def test_serve_builds_the_index_on_first_run_and_answers(corpus_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    with server(serve_args(port, corpus_copy, tmp_path / "index")) as (_, lines, seen):
        assert any("building it (first run)" in line for line in seen), "".join(seen)
        url = f"http://127.0.0.1:{port}/api/search?q=county+lines"
        with urllib.request.urlopen(url, timeout=10) as response:
            data = json.load(response)
        assert data["results"][0]["title"] == "Op GUARDIAN"
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=county+AND", timeout=10)
        assert error.value.code == 400
        error.value.close()
        assert read_until(lines, seen, "GET /api/search?q=county+lines 200", 5), "request log"


def test_serve_reports_a_port_in_use(corpus_copy: Path, tmp_path: Path) -> None:
    """One line, before anything starts: with waitress, and with gunicorn (--processes 2)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        for processes in ("1", "2"):
            result = CliRunner().invoke(
                cli,
                [*serve_args(port, corpus_copy, tmp_path / "ix"), "--processes", processes],
            )
            assert result.exit_code == 2, result.output
            last = result.output.splitlines()[-1]  # (after the first run's build of the index)
            assert last == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
            assert "Bulletin Archive on" not in result.output  # nothing started


def test_serve_help_names_the_pages(tmp_path: Path) -> None:
    text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--port" in text and "/api/search" in text and "waitress" in text
    assert "gunicorn" in text  # (--processes N)


@pytest.mark.slow
def test_serve_with_two_processes_answers_and_sigterm_stops_them_all(
    corpus_copy: Path, tmp_path: Path
) -> None:
    """gunicorn's master and two workers answer; SIGTERM to the master alone stops them all,
    after the request under way is answered, and frees the port."""
    port = free_port()
    args = [*serve_args(port, corpus_copy, tmp_path / "index"), "--processes", "2"]
    with server(args, ready="Booting worker") as (process, _, seen):
        assert any("Starting gunicorn" in line for line in seen), "".join(seen)
        workers = workers_of(process.pid, 2)
        for _ in range(6):
            url = f"http://127.0.0.1:{port}/api/search?q=county+lines"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert json.load(response)["results"][0]["title"] == "Op GUARDIAN"
            assert answering(port) in workers  # a worker answers, not the master
        response = signal_during_a_request(process.pid, port, signal.SIGTERM)
        assert response.startswith(b"HTTP/1.1 200 "), response[:200]
        assert_all_stopped(process, workers, port)


def test_several_processes_where_gunicorn_cannot_be_imported_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """(gunicorn is Unix only.) One line, suggesting one process, before anything listens."""
    for name in ["gunicorn", *(n for n in sys.modules if n.startswith("gunicorn."))]:
        monkeypatch.setitem(sys.modules, name, None)  # an import of it fails
    monkeypatch.delitem(sys.modules, "search_app.gunicorn_server", raising=False)
    monkeypatch.delattr(search_app, "gunicorn_server", raising=False)
    port = free_port()
    settings = Settings(
        corpus_dir=tmp_path, index_dir=tmp_path / "ix", serve=ServeSettings(port=port, processes=3)
    )
    with pytest.raises(ServeError) as error:
        serve(settings)
    message = str(error.value)
    assert "--processes 3 needs gunicorn" in message and "--processes 1" in message, message
    assert "\n" not in message
    assert "Bulletin Archive on" not in capsys.readouterr().err  # nothing started
    assert port_is_free(port)


@pytest.mark.slow
def test_idle_connections_do_not_stop_it_answering(corpus_copy: Path, tmp_path: Path) -> None:
    """Browsers and load balancers keep connections open; 150 idle ones (some with half a
    request) must not keep a new request waiting (waitress's default limit is 100)."""
    port = free_port()
    with server(serve_args(port, corpus_copy, tmp_path / "index")):
        idle = []
        try:
            for number in range(150):
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                if number % 3 == 0:
                    connection.sendall(b"GET /api/search?q=county HTTP/1.1\r\nHost: loc")
                idle.append(connection)
            time.sleep(0.5)
            started = time.monotonic()
            url = f"http://127.0.0.1:{port}/api/search?q=county+lines"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
            assert time.monotonic() - started < 5
        finally:
            for connection in idle:
                connection.close()


def test_serve_help_documents_the_connection_settings() -> None:
    text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--connection-limit" in text and "--channel-timeout" in text
