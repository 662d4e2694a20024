"""Searches keep working while the index is rebuilt, and while a rebuild is killed (kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from search_app import create_app
from tests.conftest import corpus_of_copies

pytestmark = pytest.mark.slow
COPIES = 16


class SearchLoop(threading.Thread):
    """Searches in a loop, through the index and through the app, recording what went wrong."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.index = ArticleIndex(settings.index_dir)
        self.client = create_app(settings).test_client()
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.searches = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                total = self.index.search("county lines").total
                response = self.client.get("/api/search?q=guardian")
                if total < COPIES or response.status_code != 200:
                    self.errors.append(f"total {total}, HTTP {response.status_code}")
                elif response.get_json()["total"] < COPIES:
                    self.errors.append(f"API total {response.get_json()['total']}")
            except Exception as exc:  # any failure at all is what this test looks for
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self.searches += 1

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=30)
        self.index.close()


def index_process(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "index", "--quiet"]
    command += ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def generations(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.name.startswith("gen-")}


def test_searches_survive_a_rebuild_and_a_killed_rebuild(tmp_path: Path) -> None:
    corpus = corpus_of_copies(tmp_path, COPIES)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert not build_index(settings).failed
    live = (settings.index_dir / "CURRENT").read_text()
    loop = SearchLoop(settings)
    loop.start()
    try:
        # kill -9 in the middle of a full rebuild
        before = generations(settings.index_dir)
        job = index_process(settings, "--full", "--workers", "1")
        deadline = time.monotonic() + 60
        while generations(settings.index_dir) == before and job.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)
        assert job.poll() is None, "the rebuild finished before it could be killed"
        os.kill(job.pid, signal.SIGKILL)  # the main process alone, as the OOM killer does
        job.wait()
        assert (settings.index_dir / "CURRENT").read_text() == live  # the old index serves
        time.sleep(0.5)
        searched = loop.searches

        # the next run completes without clean-up by hand, while searches go on
        job = index_process(settings, "--full")
        assert job.wait(timeout=120) == 0
        time.sleep(0.5)
        assert (settings.index_dir / "CURRENT").read_text() != live
        assert loop.searches > searched
    finally:
        loop.finish()
    assert loop.errors == []
    assert loop.searches > 20
    # the killed run's half-built generation is gone: only the live one and the one before
    assert len(generations(settings.index_dir)) <= 2
    assert ArticleIndex(settings.index_dir).count() == COPIES * 15
