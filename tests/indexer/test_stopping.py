"""Stopping a run, as an operator or the system does it: a signal to the main process alone.

Every signal, at moments drawn at random (the seed is in the test id), must leave no process
behind, no lock held, no caller's pipe kept open, the live index as it was, and a next run that
completes. The group is never signalled: that would hide workers that outlive their parent.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.index import ArticleIndex, writer_lock
from indexer.pipeline import build_index
from search_app import create_app
from tests.conftest import corpus_of_copies
from tests.indexer.test_serve import (
    answering,
    assert_all_stopped,
    children_of,
    free_port,
    port_is_free,
    running,
    serve_args,
    server,
    signal_during_a_request,
    workers_of,
)

pytestmark = pytest.mark.slow
COPIES = 30
BULLETINS = [sys.executable, "-c", "from indexer.cli import main; main()"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A corpus of copies of the edition, indexed once."""
    root = tmp_path_factory.mktemp("stopping")
    settings = Settings(corpus_dir=corpus_of_copies(root, COPIES), index_dir=root / "index")
    assert not build_index(settings).failed
    return settings


def processes_naming(text: str) -> list[int]:
    """Every process whose command line contains ``text`` (forked workers keep their
    parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except (OSError, IndexError):
            continue
        if text in command and state != "Z":
            found.append(int(entry.name))
    return found


def where(settings: Settings) -> list[str]:
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def start_index(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    command = [*BULLETINS, "index", *where(settings), *args]
    # a session of its own, as a job under cron or systemd: only the test signals it, and
    # only its main process
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def assert_gone(marker: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while processes_naming(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_naming(marker) == [], "processes left behind"


def lock_is_free(root: Path) -> bool:
    try:
        with writer_lock(root):
            return True
    except Exception:
        return False


SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL]


# A new moment every run, to be repeated with the seed the failure prints: STOP_SEED=N pytest
SEED = int(os.environ.get("STOP_SEED") or random.SystemRandom().randrange(1_000_000))


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_to_the_main_process_at_a_random_moment_leaves_nothing_behind(
    built: Settings, signum: int
) -> None:
    seed = SEED + signum
    print(f"STOP_SEED={SEED}")  # shown with a failure
    live = (built.index_dir / "CURRENT").read_text()
    job = start_index(built, "--full", "--workers", "2")
    marker = str(built.index_dir)
    # wait for the workers, then a moment drawn at random: reading, indexing or committing
    deadline = time.monotonic() + 30
    while not children_of(job.pid):
        assert job.poll() is None and time.monotonic() < deadline, job.communicate()
        time.sleep(0.01)
    time.sleep(random.Random(seed).uniform(0.0, 2.5))
    assert job.poll() is None, "the run finished before it could be stopped"
    os.kill(job.pid, signum)  # the main process alone
    _, err = job.communicate(timeout=30)  # EOF on its pipes: nothing else holds them
    if signum == signal.SIGKILL:
        assert job.returncode == -signal.SIGKILL
    else:
        assert job.returncode == 128 + signum, err.decode()
        assert b"nothing was published" in err and b"Traceback" not in err, err.decode()
    assert_gone(marker)
    assert lock_is_free(built.index_dir)
    assert (built.index_dir / "CURRENT").read_text() == live  # the old index serves
    assert ArticleIndex(built.index_dir).count() == COPIES * 15
    # the next run completes, without clean-up by hand
    after = subprocess.run(
        [*BULLETINS, "index", "--quiet", *where(built)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert after.returncode == 0, after.stderr.decode()
    assert ArticleIndex(built.index_dir).count() == COPIES * 15
    gens = [p for p in built.index_dir.iterdir() if p.name.startswith("gen-")]
    assert len(gens) <= 2, gens


def test_a_stopped_run_says_so_in_the_last_run_record(built: Settings) -> None:
    job = start_index(built, "--full", "--workers", "1")
    deadline = time.monotonic() + 30
    while not children_of(job.pid):
        assert job.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)
    os.kill(job.pid, signal.SIGTERM)
    job.communicate(timeout=30)
    status = subprocess.run(
        [*BULLETINS, "status", "--json", "--index", str(built.index_dir)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"code": "stopped"' in status and "SIGTERM" in status
    text = subprocess.run(
        [*BULLETINS, "status", "--index", str(built.index_dir)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ended without publishing: stopped by SIGTERM" in text
    page = create_app(built).test_client().get("/status")
    assert page.status_code == 200
    assert "without publishing anything: stopped by SIGTERM" in page.get_data(as_text=True)


def serving(settings: Settings, processes: int = 2) -> tuple[list[str], int]:
    """``bulletins serve`` arguments for ``processes`` processes on a free port, and the port."""
    port = free_port()
    args = serve_args(port, settings.corpus_dir, settings.index_dir)
    return [*args, "--processes", str(processes)], port


def test_kill_9_of_the_serving_master_stops_its_workers(built: Settings) -> None:
    """gunicorn's workers notice that their master is gone: they exit within a few seconds
    (none is left holding the port), and a new server can listen on it."""
    args, port = serving(built)
    with server(args, ready="Booting worker") as (process, _, _):
        workers = workers_of(process.pid, 2)
        assert answering(port) in workers
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(running(pid) for pid in workers), "server processes outlived their master"
        assert port_is_free(port)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_sighup_or_ctrl_c_to_the_serving_master_stops_them_all(
    built: Settings, signum: signal.Signals
) -> None:
    """SIGHUP (a closed terminal, ``kill -HUP``; gunicorn's own would reload) and SIGINT stop
    the server as SIGTERM does: the request under way is answered, then every process exits
    and the port is free."""
    args, port = serving(built)
    with server(args, ready="Booting worker") as (process, _, _):
        workers = workers_of(process.pid, 2)
        response = signal_during_a_request(process.pid, port, signum)
        assert response.startswith(b"HTTP/1.1 200 "), response[:200]
        assert_all_stopped(process, workers, port)


def test_a_killed_server_process_is_replaced(built: Settings) -> None:
    """A worker killed with ``kill -9`` (the out-of-memory killer) is replaced by a new one,
    and the server answers on."""
    args, port = serving(built)
    with server(args, ready="Booting worker") as (process, _, _):
        workers = workers_of(process.pid, 2)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while sorted(now := children_of(process.pid)) in ([], [workers[1]], sorted(workers)):
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.05)
        assert len(now) == 2 and workers[1] in now and workers[0] not in now, now
        answered = {answering(port) for _ in range(10)}
        assert answered <= set(now), answered
        assert process.poll() is None


def test_server_processes_that_fail_as_they_start_stop_it_with_one_line(
    built: Settings,
) -> None:
    """Workers that cannot start (here: the app cannot be made) stop the master with one error
    line and exit status 2, rather than being started again and again."""
    failing = (
        "import search_app.serving as serving\n"
        "def create_app(*args, **kwargs):\n"
        "    raise RuntimeError('no app today')\n"
        "serving.create_app = create_app\n"
        "from indexer.cli import main\n"
        "main()\n"
    )
    args, port = serving(built)
    job = subprocess.run(
        [sys.executable, "-c", failing, *args],
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
        check=False,
    )
    errors = [line for line in job.stderr.splitlines() if line.startswith("error:")]
    assert job.returncode == 2, job.stderr
    assert errors == [
        "error: server processes exit as soon as they start (Worker failed to boot); stopping"
    ], job.stderr
    assert "no app today" in job.stderr  # why, in the workers' log
    assert port_is_free(port)


def test_a_stop_while_publishing_lets_the_run_finish_and_says_so(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal that lands as the new generation is being published: the run finishes (the
    new index is live, the report true), and says so; it does not claim nothing changed."""
    from click.testing import CliRunner

    from indexer.cli import cli
    from indexer.pipeline import apply

    real = apply.publish
    before = (built.index_dir / "CURRENT").read_text()

    def publish_and_be_signalled(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # before the rename of CURRENT
        real(*args, **kwargs)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGHUP)  # and just after it

    monkeypatch.setattr(apply, "publish", publish_and_be_signalled)
    result = CliRunner().invoke(cli, ["index", "--full", "--quiet", *where(built)])
    assert result.exit_code == 0, result.output
    assert "note: SIGTERM arrived while the new index was being published" in result.output
    assert (built.index_dir / "CURRENT").read_text() != before
    last = json.loads((built.index_dir / "last-run.json").read_text())
    assert "error" not in last and last["published"] is True


FORKING = """
import sys
from indexer.errors import ExtractionError
from indexer.processes import Stopped, stop_on_signals
from indexer.workers import Limits, run_isolated

def work(job):
    raise ExtractionError("always", "corrupt")  # so a worker is forked for every job

try:
    with stop_on_signals():
        for _ in run_isolated(range(10**6), work, workers=2, limits=Limits()):
            pass
except Stopped as exc:
    sys.exit(exc.exit_status)
"""


def test_a_signal_during_a_fork_is_never_lost(tmp_path: Path) -> None:
    """Workers forked without a pause: a SIGTERM that lands inside a fork must still stop the
    job (not be dropped by Python's fork hooks), and no child may print a traceback."""
    for attempt in range(12):
        job = subprocess.Popen(
            [sys.executable, "-c", FORKING],
            stderr=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while not children_of(job.pid):  # forking has begun
            assert job.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep((attempt % 4) * 0.05)
        os.killpg(job.pid, signal.SIGTERM)  # the group: workers get it too, as from systemd
        try:
            _, err = job.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(job.pid, signal.SIGKILL)
            job.communicate()
            pytest.fail(f"attempt {attempt}: the stop signal was lost")
        assert job.returncode == 128 + signal.SIGTERM, err.decode()
        assert b"Traceback" not in err and b"Exception ignored" not in err, err.decode()


def test_nohup_keeps_a_served_site_up_when_the_terminal_closes(built: Settings) -> None:
    """SIGHUP ignored by whoever started the server (``nohup``) stays ignored: by gunicorn's
    master (which would reload) and by its workers."""
    args, port = serving(built)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it for the child
    try:
        with server(args, ready="Booting worker") as (process, _, _):
            signal.signal(signal.SIGHUP, previous)
            workers = workers_of(process.pid, 2)
            for pid in [process.pid, *workers]:  # as a terminal closing does
                os.kill(pid, signal.SIGHUP)
            time.sleep(1.5)
            assert process.poll() is None
            assert sorted(children_of(process.pid)) == sorted(workers)  # none stopped
            assert answering(port) in workers
    finally:
        signal.signal(signal.SIGHUP, previous)


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: signal.Signals(s).name
)
def test_a_signal_while_the_command_starts_is_one_line_too(built: Settings, signum: int) -> None:
    """Loading the command takes most of a second: a signal then ends it with one line, as
    the signal (a shell shows 128 + its number)."""
    job = subprocess.Popen(
        [sys.executable, "-m", "indexer", "index", *where(built)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(0.15)  # the launcher is in place after a few hundredths of a second
    os.kill(job.pid, signum)
    _, err = job.communicate(timeout=30)
    text = err.decode()
    assert "Traceback" not in text and "Aborted" not in text, text
    if job.returncode == -signum:  # stopped while loading: ended by the signal, as it said
        assert text.strip() == f"stopped by {signal.Signals(signum).name}", text
    else:  # (a fast machine: the run had begun) stopped by the run's own handling
        assert job.returncode == 128 + signum, text
        assert len([line for line in text.splitlines() if line.startswith("error:")]) == 1
