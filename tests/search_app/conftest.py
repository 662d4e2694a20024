"""The app over the shipped corpus's index (built once per session), and its test client."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.index import ArticleIndex
from search_app import create_app
from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def app(shipped_index: ArticleIndex) -> Flask:
    assert shipped_index.path is not None
    return create_app(Settings(corpus_dir=CORPUS, index_dir=shipped_index.path))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
