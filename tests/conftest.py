"""Shared fixtures: the shipped corpus, an index built from it once per session, PDF makers."""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.query import searching_with

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHIPPED_PDF = CORPUS / "soc-local-partnerships-bulletin-07.pdf"
MANUSCRIPT = CORPUS / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("BULLETINS_SHARED_DIR", ROOT.parent / "shared"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="Rewrite tests/data/expected/* from the code."
    )
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="Save the browser test's screenshots here (docs/screenshots for the README).",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArticleIndex]:
    """The shipped corpus, indexed once for the whole session (read-only for tests), reading
    queries with the gazetteer as the app and the command line do."""
    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    report = build_index(Settings(corpus_dir=CORPUS, index_dir=index_dir))
    assert not report.failed, report.failed
    index = ArticleIndex(index_dir, **searching_with(Gazetteer.load()))
    yield index
    index.close()


def distinct_copy(source: Path, target: Path) -> None:
    """A copy of a PDF as another edition: other bytes (a comment after its end) and another
    edition number in the folder's manifest, so it is not taken for the same edition dropped
    in twice (the same bytes, or the same text with no other number or date stated)."""
    target.write_bytes(source.read_bytes() + f"\n% a copy as {target.name}\n".encode())
    declare_edition(target)


def declare_edition(target: Path) -> None:
    """Give the PDF ``target`` an edition number of its own in its folder's manifest."""
    number = 1000 + zlib.crc32(target.name.encode()) % 9000
    manifest = target.parent / "editions.toml"
    before = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
    entry = f'\n[[edition]]\nfile = "{target.name}"\nnumber = {number}\n'
    manifest.write_text(before + entry, encoding="utf-8")


def corpus_of_copies(folder: Path, copies: int) -> Path:
    """``folder``/corpus holding ``copies`` copies of the shipped edition (15 articles each)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    for number in range(copies):
        distinct_copy(SHIPPED_PDF, corpus / f"edition-{number:02d}.pdf")
    return corpus


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns("manuscripts"))
    return target
