"""``bulletins serve``: a real server process, building the index on first run."""

from __future__ import annotations

import contextlib
import json
import os
import queue
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

from indexer.cli import cli


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


@contextlib.contextmanager
def server(
    args: list[str],
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str], list[str]]]:
    """``bulletins`` with ``args`` in a process, until it logs that it is serving: the process,
    its log lines as they come and those seen so far. Terminated at the end of the block."""
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
        assert read_until(lines, seen, "Serving on", 60), "".join(seen)
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = CliRunner().invoke(
            cli,
            serve_args(port, corpus_copy, tmp_path / "ix"),
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_help_names_the_pages(tmp_path: Path) -> None:
    text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--port" in text and "/api/search" in text and "waitress" in text


@pytest.mark.slow
def test_serve_with_two_processes_answers_and_stops_them_all(
    corpus_copy: Path, tmp_path: Path
) -> None:
    port = free_port()
    args = [*serve_args(port, corpus_copy, tmp_path / "index"), "--processes", "2"]
    with server(args) as (process, _, _):
        time.sleep(0.5)  # both processes listening
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2, children
        for _ in range(6):
            url = f"http://127.0.0.1:{port}/api/search?q=county+lines"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert json.load(response)["results"][0]["title"] == "Op GUARDIAN"
        process.terminate()
        assert process.wait(timeout=15) == 0
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


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
