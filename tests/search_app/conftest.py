"""The app over the shipped corpus's index (built once per session), and its test client; and
the app over an archive of several editions (the contract tests' fictional Riverside bulletin,
three editions, 2018 to 2020)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.index import ArticleIndex
from search_app import create_app
from tests.conftest import CORPUS
from tests.contract.test_archive import FIRST, SECOND, THIRD, _write


@pytest.fixture(scope="session")
def app(shipped_index: ArticleIndex) -> Flask:
    assert shipped_index.path is not None
    return create_app(Settings(corpus_dir=CORPUS, index_dir=shipped_index.path))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def riverside_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from indexer.tagging.gazetteer import Gazetteer

    root = tmp_path_factory.mktemp("riverside")
    gazetteer = Gazetteer.load()
    written = ArticleIndex.create(root / "index")
    for edition in (FIRST, SECOND, THIRD):
        with written.batch() as writer:
            _write(writer, replace(edition), gazetteer)
    written.close()
    (root / "corpus").mkdir()
    return create_app(Settings(corpus_dir=root / "corpus", index_dir=root / "index"))
