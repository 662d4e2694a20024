"""A running site whose index folder is damaged under it: no request fails, ``/status`` says
what is wrong, and the next ``bulletins index`` is picked up without a restart.

Each test opens the app and uses every kind of page first (searcher, facet tables, ranker
built), then damages the folder, as ``rm -rf`` or a garbling editor would under a server.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.errors import IndexNotFoundError
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from search_app import create_app
from tests.indexer.test_damaged_index import BOTH, copy_of, live, previous, two_generations
from tests.indexer.test_serve import free_port, serve_args, server

ARTICLE = "soc-local-partnerships-bulletin-07:3"  # in both generations
PAGES = [
    "/api/search?q=county+lines",
    "/?q=guardian&sort=newest",
    "/?q=countee",  # "did you mean" reads the generation's vocabulary
    "/?q=exploit*&theme=county-lines",
    f"/articles/{ARTICLE}?q=county",
    f"/api/articles/{ARTICLE}",
    "/entities/agency/home-office",
    "/api/entities/agency/home-office",
    "/entities",
    "/editions",
    "/feed.atom?q=county",
    "/export.csv?q=county",
    "/status",
    "/api/status",
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return two_generations(tmp_path_factory.mktemp("damaged-app"))


@pytest.fixture
def settings(pristine: Settings, tmp_path: Path) -> Settings:
    return copy_of(pristine, tmp_path)


def answers(client: FlaskClient) -> None:
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, (page, response.get_data(as_text=True)[:300])


def matches(client: FlaskClient) -> int:
    response = client.get("/api/search?q=county+lines")
    assert response.status_code == 200
    return int(response.get_json()["total"])


def status(client: FlaskClient) -> dict[str, object]:
    response = client.get("/api/status")
    assert response.status_code == 200
    data: dict[str, object] = response.get_json()
    return data


def test_the_live_generation_deleted_under_the_app_falls_back_to_the_one_before(
    settings: Settings,
) -> None:
    root = settings.index_dir
    client = create_app(settings).test_client()
    answers(client)
    gone, before = live(root), previous(root)
    shutil.rmtree(gone)

    answers(client)
    assert matches(client) == 1  # the one before holds the first edition only
    data = status(client)
    assert data["generation"] == before.name and data["articles"] == 15
    assert f"CURRENT names {gone.name}, which is missing" in str(data["problem"])

    build_index(settings)
    answers(client)
    assert matches(client) == 2
    data = status(client)
    assert data["generation"] == live(root).name and data["problem"] is None
    assert data["articles"] == BOTH


def test_the_only_generation_deleted_under_the_app_is_still_served(settings: Settings) -> None:
    root = settings.index_dir
    shutil.rmtree(previous(root))
    (root / "PREVIOUS").unlink()
    client = create_app(settings).test_client()
    answers(client)
    gone = live(root)
    shutil.rmtree(gone)

    answers(client)  # from the files the searcher still has open
    assert matches(client) == 2
    data = status(client)
    assert data["generation"] == gone.name
    assert "was deleted while in use" in str(data["problem"])
    with pytest.raises(IndexNotFoundError):
        ArticleIndex(root)
    fresh = create_app(settings).test_client()  # a server started now: nothing to serve
    assert fresh.get("/api/search?q=county+lines").status_code == 503
    assert "no intact generation is left" in str(status(fresh)["problem"])

    report = build_index(settings)  # from nothing: every file (from the extraction cache)
    assert report.published and report.counts()["added"] == 2
    answers(client)
    assert matches(client) == 2
    data = status(client)
    assert data["generation"] == live(root).name and data["problem"] is None


def test_current_garbled_under_the_app(settings: Settings) -> None:
    root = settings.index_dir
    client = create_app(settings).test_client()
    answers(client)
    served = live(root)
    (root / "CURRENT").write_bytes(b"\x00\xff\xfegarbage")

    answers(client)
    assert matches(client) == 2
    data = status(client)
    assert data["generation"] == served.name and data["articles"] == BOTH
    assert "CURRENT is damaged" in str(data["problem"])

    assert not build_index(settings).published  # nothing changed: CURRENT is only repaired
    assert live(root) == served
    answers(client)
    assert status(client)["problem"] is None


def test_no_request_fails_while_the_live_generation_is_deleted(settings: Settings) -> None:
    root = settings.index_dir
    app = create_app(settings)
    failures: list[str] = []
    asked: list[str] = []
    done = threading.Event()

    def load() -> None:
        client = app.test_client()
        while not done.is_set():
            for page in ("/api/search?q=county+lines", f"/api/articles/{ARTICLE}", "/api/status"):
                try:
                    code = client.get(page).status_code
                    asked.append(page)
                except Exception as exc:  # anything at all is what this test looks for
                    failures.append(f"{page}: {type(exc).__name__}: {exc}")
                else:
                    if code != 200:
                        failures.append(f"{page}: HTTP {code}")

    answers(app.test_client())
    threads = [threading.Thread(target=load, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        shutil.rmtree(live(root))
        shutil.rmtree(previous(root))  # nothing intact left at all
        before = len(asked)
        deadline = time.monotonic() + 30  # (a busy machine answers slowly, never wrongly)
        while len(asked) < before + 30 and time.monotonic() < deadline and not failures:
            time.sleep(0.05)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []
    assert len(asked) >= before + 30  # requests went on after the deletion


@pytest.mark.slow
def test_a_real_server_survives_its_live_generation_deleted(settings: Settings) -> None:
    root = settings.index_dir
    port = free_port()

    def get(page: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=10) as response:
            assert response.status == 200, page
            body: bytes = response.read()
            return body

    with server(serve_args(port, settings.corpus_dir, root)):
        for page in PAGES:
            get(page)
        gone, before = live(root), previous(root)
        shutil.rmtree(gone)
        for page in PAGES:
            get(page)  # an HTTP error raises
        data = json.loads(get("/api/status"))
        assert data["generation"] == before.name and gone.name in data["problem"]
        assert json.loads(get("/api/search?q=county+lines"))["total"] == 1
