"""Reading PDFs on a cluster: a real Redis (Debian's ``redis-server``, started here on a free
port in a temporary folder) and real ``bulletins worker`` processes (Celery)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import EXIT_BROKER, cli
from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import BuildOptions, BuildReport, build_index
from tests.conftest import SHIPPED_PDF
from tools.zoo import build

pytest.importorskip("celery", reason="pip install -e '.[dev]' (Celery and the Redis client)")
REDIS = shutil.which("redis-server")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        REDIS is None, reason="redis-server is not installed (apt-get install redis-server)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """A Redis server of its own, for this test only."""
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    command = [str(REDIS), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def start_worker(
    broker: str, cwd: Path, concurrency: int = 2, name: str = "worker"
) -> subprocess.Popen[bytes]:
    """A ``bulletins worker`` process (Celery node ``name@host``), once it answers a ping."""
    from indexer.cluster import celery_app

    command = [sys.executable, "-c", "from indexer.cli import main; main()", "worker"]
    command += ["--broker", broker, "--concurrency", str(concurrency)]
    command += ["--name", f"{name}@{socket.gethostname()}"]
    log = (cwd / "worker.log").open("ab")  # (kept with the test's folder, to look into)
    worker = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=log)
    log.close()
    app = celery_app(broker)
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, "the worker did not start"
    return worker


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The shipped edition, two fictional ones by other producers, a damaged file and a copy."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SHIPPED_PDF, folder / SHIPPED_PDF.name)
    list(build(folder, ["northshire-csp-newsletter-05--word-bookmarks"]))
    list(build(folder, ["eastmarsh-safer-homes-news-03--publisher-grid"]))
    for truth in folder.glob("*.json"):
        truth.unlink()
    (folder / "damaged.pdf").write_bytes(SHIPPED_PDF.read_bytes()[:3000])
    shutil.copy(SHIPPED_PDF, folder / "a copy.pdf")
    return folder


def _outcomes(report: BuildReport) -> dict[str, tuple[str, str | None]]:
    return {o.file: (o.status, o.reason) for o in report.outcomes}


def _articles(index_dir: Path) -> list[tuple[str, str, tuple[int, ...], int]]:
    index = ArticleIndex(index_dir)
    found = [(h.id, h.title, tuple(h.pages), h.page) for h in index.matches("")]
    index.close()
    return sorted(found)


def test_a_cluster_run_gives_what_a_local_run_gives(
    broker: str, corpus: Path, tmp_path: Path
) -> None:
    local = build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "local"))
    worker = start_worker(broker, tmp_path)
    try:
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "cluster")
        distributed = build_index(settings, options=BuildOptions(broker=broker))
    finally:
        stop(worker)
    assert _outcomes(distributed) == _outcomes(local)
    assert _outcomes(distributed)["damaged.pdf"] == ("failed", "corrupt")
    assert _articles(tmp_path / "cluster") == _articles(tmp_path / "local")
    assert distributed.articles == local.articles == 15 + 8 + 7


def test_a_worker_that_cannot_see_a_file_says_so(
    broker: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coordinator names its files by a path relative to where it runs; a worker that
    runs elsewhere (a machine without the shared folder) cannot open them."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    worker = start_worker(broker, elsewhere)
    monkeypatch.chdir(corpus.parent)
    try:
        settings = Settings(corpus_dir=Path(corpus.name), index_dir=tmp_path / "index")
        report = build_index(settings, options=BuildOptions(broker=broker))
    finally:
        stop(worker)
    failed = {o.file: o for o in report.failed}
    assert set(failed) == {"a copy.pdf", "damaged.pdf", *(p.name for p in corpus.glob("*--*"))}
    assert all(o.reason == "removed" for o in failed.values())
    assert f"cannot open {corpus.name}/a copy.pdf" in (failed["a copy.pdf"].message or "")
    assert report.articles == 0


def test_an_unreachable_broker_is_one_line_and_its_own_exit_status(
    corpus: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    args = ["index", "--corpus", str(corpus), "--index", str(index_dir), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 1  # (damaged.pdf)
    live = (index_dir / "CURRENT").read_text()
    port = _free_port()  # nothing listens there
    result = CliRunner().invoke(cli, [*args, "--full", "--broker", f"redis://127.0.0.1:{port}/0"])
    assert result.exit_code == EXIT_BROKER
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"error: cannot reach the broker at redis://127.0.0.1:{port}/0")
    assert lines[-1].endswith("nothing was published, the live index is as it was")
    assert (index_dir / "CURRENT").read_text() == live


def test_the_broker_lost_mid_run_leaves_the_live_index_serving(
    broker: str, corpus: Path, tmp_path: Path
) -> None:
    """No worker takes the jobs; the broker goes away while the coordinator waits."""
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings)
    live = (settings.index_dir / "CURRENT").read_text()
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "index", "-q"]
    command += ["--corpus", str(corpus), "--index", str(settings.index_dir), "--full"]
    command += ["--broker", broker]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(3)
    assert run.poll() is None  # waiting for workers
    port = int(broker.rsplit(":", 1)[1].split("/")[0])
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False)
    output, _ = run.communicate(timeout=120)
    assert run.returncode == EXIT_BROKER, output
    assert b"lost the broker" in output
    assert (settings.index_dir / "CURRENT").read_text() == live
    assert ArticleIndex(settings.index_dir).count() == 30


def test_a_worker_killed_mid_run_loses_no_file(broker: str, tmp_path: Path) -> None:
    """kill -9 to one of two workers while it reads: its job goes to the other worker, and
    the run gives every file the outcome a local run gives."""
    from indexer.cluster import celery_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("northshire-csp-newsletter-05", "eastmarsh-safer-homes-news-03", "soc-07"):
        list(build(corpus, [f"{name}--word", f"{name}--publisher"]))
    for truth in corpus.glob("*.json"):
        truth.unlink()
    local = build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "local"))
    doomed = start_worker(broker, tmp_path, concurrency=1, name="doomed")
    survivor_folder = tmp_path / "survivor"
    survivor_folder.mkdir()
    survivor = start_worker(broker, survivor_folder, concurrency=1, name="survivor")
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "index", "-q"]
    command += ["--corpus", str(corpus), "--index", str(tmp_path / "cluster"), "--broker", broker]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    app = celery_app(broker)
    deadline = time.monotonic() + 60
    while True:  # until the doomed worker is reading a file
        active = app.control.inspect(timeout=0.5).active() or {}
        if active.get(f"doomed@{socket.gethostname()}"):
            break
        assert time.monotonic() < deadline and run.poll() is None
    os.kill(doomed.pid, signal.SIGKILL)  # the worker's main process alone
    doomed.wait()
    output, _ = run.communicate(timeout=300)
    stop(survivor)
    assert run.returncode == 0, output
    report = ArticleIndex(tmp_path / "cluster")
    assert report.count() == local.articles
    report.close()
