"""The contract every search backend passes: each test here runs once per implementation.

A second engine is added to ``ENGINES`` (a class with the constructor and ``create`` of
``ArticleIndex``, implementing ``indexer.backend.ArchiveIndex``) and passes the same tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.backend import ArchiveIndex
from indexer.index import ArticleIndex, PlainIndex

ENGINES: dict[str, type[ArticleIndex]] = {"whoosh": ArticleIndex, "plain-whoosh": PlainIndex}


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> type[ArticleIndex]:
    """The implementation under test (its class: ``engine(path)``, ``engine.create(path)``)."""
    return ENGINES[request.param]


@pytest.fixture
def shipped(shipped_index: ArticleIndex, engine: type[ArticleIndex]) -> Iterator[ArchiveIndex]:
    """The shipped corpus's index, read by the implementation under test."""
    assert shipped_index.path is not None
    opened = engine(shipped_index.path)
    yield opened
    opened.close()
