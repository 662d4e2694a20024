"""Reading PDFs on a cluster: a real Redis (Debian's ``redis-server``, started here on a free
port in a temporary folder) and real ``bulletins worker`` processes (Celery)."""

from __future__ import annotations

import contextlib
import os
import random
import re
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


class RedisServer:
    """Debian's ``redis-server`` on a free port, in a folder of its own, saving nothing: a
    broker that can be killed and started again (empty, as a machine's restart leaves it)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(REDIS), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--dir", str(self.folder), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of its own, for this test only."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def broker(redis_server: RedisServer) -> str:
    return redis_server.url


def start_worker(
    broker: str, cwd: Path, concurrency: int = 2, name: str = "worker"
) -> subprocess.Popen[bytes]:
    """A ``bulletins worker`` process (Celery node ``name@host``), once it answers a ping."""
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "worker"]
    command += ["--broker", broker, "--concurrency", str(concurrency)]
    command += ["--name", f"{name}@{socket.gethostname()}"]
    log = (cwd / "worker.log").open("ab")  # (kept with the test's folder, to look into)
    worker = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=log)
    log.close()
    wait_for_worker(broker, name, worker)
    return worker


def wait_for_worker(broker: str, name: str, worker: subprocess.Popen[bytes]) -> None:
    """Until the worker ``name`` answers a ping (after its start, or the broker's)."""
    from indexer.cluster import celery_app

    node = f"{name}@{socket.gethostname()}"
    deadline = time.monotonic() + 60
    while True:
        try:  # (a new client each time: one made before a restart of the broker is stale)
            if any(node in reply for reply in celery_app(broker).control.ping(timeout=0.5)):
                return
        except Exception:  # kombu's and redis's errors while the broker restarts
            time.sleep(0.2)
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, f"the worker {node} does not answer"


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _index_command(corpus: Path, index_dir: Path, broker: str, *more: str) -> list[str]:
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "index", "-q"]
    return [*command, "--corpus", str(corpus), "--index", str(index_dir), "--broker", broker, *more]


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


def test_a_run_with_nothing_to_read_does_not_need_the_broker(corpus: Path, tmp_path: Path) -> None:
    """Every extraction is in the cache (an index folder whose generations were lost): the
    files are split and tagged here, and the broker, unreachable, is never asked."""
    (corpus / "damaged.pdf").unlink()  # (a file that failed has no extraction to keep)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    local = build_index(settings)
    for generation in settings.index_dir.glob("gen-*"):
        shutil.rmtree(generation)
    (settings.index_dir / "CURRENT").unlink()
    unreachable = f"redis://127.0.0.1:{_free_port()}/0"
    rebuilt = build_index(settings, options=BuildOptions(broker=unreachable))
    assert _outcomes(rebuilt) == _outcomes(local)
    assert rebuilt.articles == local.articles


def test_the_broker_lost_mid_run_leaves_the_live_index_serving(
    broker: str, corpus: Path, tmp_path: Path
) -> None:
    """No worker takes the jobs; the broker goes away while the coordinator waits."""
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings)
    live = (settings.index_dir / "CURRENT").read_text()
    command = _index_command(corpus, settings.index_dir, broker, "--full")
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
    command = _index_command(corpus, tmp_path / "cluster", broker)
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


def _zoo_corpus(folder: Path) -> Path:
    """Fictional editions by three producers (renders of three manuscripts each), and the
    shipped one."""
    folder.mkdir()
    for name in ("northshire-csp-newsletter-05", "eastmarsh-safer-homes-news-03", "soc-07"):
        list(build(folder, [f"{name}--word", f"{name}--publisher", f"{name}--magazine"]))
    for truth in folder.glob("*.json"):
        truth.unlink()
    shutil.copy(SHIPPED_PDF, folder / SHIPPED_PDF.name)
    return folder


def test_no_worker_answering_stops_the_run_with_the_broker_s_status(
    broker: str, corpus: Path, tmp_path: Path
) -> None:
    """Only a worker of another Celery application uses the same Redis: it is not ours."""
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings)
    live = (settings.index_dir / "CURRENT").read_text()
    foreign = [sys.executable, "-m", "celery", "-b", broker, "worker", "-Q", "other", "-P", "solo"]
    log = (tmp_path / "foreign.log").open("ab")
    other = subprocess.Popen(
        [*foreign, "--without-gossip", "--without-mingle", "-n", "foreign@%h"],
        stdout=log,
        stderr=log,
    )
    command = _index_command(corpus, settings.index_dir, broker, "--full", "--worker-wait", "2")
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        stop(other)
        log.close()
    assert run.returncode == EXIT_BROKER, run.stdout + run.stderr
    assert "no worker has answered for 2 s: start one with `bulletins worker" in run.stderr
    assert (settings.index_dir / "CURRENT").read_text() == live


def test_the_coordinator_splits_while_the_cluster_reads_and_a_slot_keeps_its_reader(
    broker: str, tmp_path: Path
) -> None:
    """The first file is written before the last is read; the worker's one slot reads every
    file in one process (started once, as a local run's worker is)."""
    corpus = _zoo_corpus(tmp_path / "corpus")
    worker = start_worker(broker, tmp_path, concurrency=1)
    indexed: list[float] = []
    try:
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
        options = BuildOptions(broker=broker, workers=1)
        build_index(settings, lambda outcome: indexed.append(time.time()), options=options)
    finally:
        stop(worker)
    log = (tmp_path / "worker.log").read_text()
    read = [  # when the worker finished each file, by its log's clock
        time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(ms) / 1000
        for stamp, ms in re.findall(r"\[(\S+ \S+),(\d+): INFO/\S+\] Task \S+ succeeded", log)
    ]
    assert len(read) == len(indexed) == len(list(corpus.glob("*.pdf")))
    assert min(indexed) < max(read) - 1
    readers = set(re.findall(r"'reader': (\d+)", log))
    assert len(readers) == 1, readers


def _served(index_dir: Path) -> str:
    """The generation ``CURRENT`` names ("" before the first is published)."""
    current = index_dir / "CURRENT"
    return current.read_text() if current.exists() else ""


CHAOS_ROUNDS = int(os.environ.get("BULLETINS_CHAOS_ROUNDS", "4"))
CHAOS_SEED = int(os.environ.get("BULLETINS_CHAOS_SEED", "19"))


def test_random_kills_of_workers_and_the_broker_lose_no_file(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Round after round, a run on two workers; at a random moment one of them is killed
    (``kill -9`` to its main process; started again, as systemd would) or the broker is
    (started again a moment later, empty). Each run gives what a local run gives, or, its
    broker lost, stops with exit status 5 and leaves the live index as it was.
    ``BULLETINS_CHAOS_ROUNDS`` and ``BULLETINS_CHAOS_SEED`` set how many rounds, and which."""
    rng = random.Random(CHAOS_SEED)
    corpus = _zoo_corpus(tmp_path / "corpus")
    build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "local"))
    expected = _articles(tmp_path / "local")
    index_dir = tmp_path / "cluster"
    names = ("one", "two")
    folders = {name: tmp_path / name for name in names}
    for folder in folders.values():
        folder.mkdir()
    workers = {name: start_worker(redis_server.url, folders[name], 1, name) for name in names}
    rounds: list[tuple[str, float, int]] = []
    try:
        for _ in range(CHAOS_ROUNDS):
            live = _served(index_dir)
            victim, at = rng.choice([*names, "broker"]), rng.uniform(0.5, 8.0)
            command = _index_command(corpus, index_dir, redis_server.url, "--full")
            run = subprocess.Popen(
                [*command, "--worker-wait", "120"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.wait(timeout=at)
            if run.poll() is None and victim == "broker":
                redis_server.kill()
                time.sleep(rng.uniform(0.0, 2.0))
                redis_server.start()
            elif run.poll() is None:
                os.kill(workers[victim].pid, signal.SIGKILL)  # its main process alone
                workers[victim].wait()
                workers[victim] = start_worker(redis_server.url, folders[victim], 1, victim)
            output, _ = run.communicate(timeout=300)
            rounds.append((victim, round(at, 1), run.returncode))
            if run.returncode == 0:
                assert _articles(index_dir) == expected, rounds
            else:
                assert (victim, run.returncode) == ("broker", EXIT_BROKER), (rounds, output)
                assert b"nothing was published" in output
                assert _served(index_dir) == live
            for name in names:  # (back after the broker's restart, or started again)
                wait_for_worker(redis_server.url, name, workers[name])
        run_after = subprocess.run(
            _index_command(corpus, index_dir, redis_server.url, "--full"), capture_output=True
        )
        assert run_after.returncode == 0, run_after
        assert _articles(index_dir) == expected
        print("chaos rounds (victim, at s, exit status):", rounds)
    finally:
        for worker in workers.values():
            stop(worker)
