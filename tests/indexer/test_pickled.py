"""What an index's files name of this project's code, and opening one another version wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.errors import IndexVersionError
from indexer.index import ArticleIndex, _analysis, live_dir, pickled_v1
from indexer.pipeline import build_index, index_status
from tests.contract.test_search import EDITION, article

# where Whoosh 2.7.4's table of contents keeps the release that wrote it: three varints after
# three size varints and two 4-byte ints
_RELEASE = slice(11, 14)


def _toc(folder: Path) -> Path:
    return sorted(folder.glob("_MAIN_*.toc"))[-1]


def _named_modules(folder: Path) -> set[str]:
    return {
        m.decode()
        for f in folder.iterdir()
        if f.is_file()
        for m in re.findall(rb"indexer\.[\w.]+", f.read_bytes())
    }


def _written_by(folder: Path, release: bytes) -> None:
    toc = _toc(folder)
    data = bytearray(toc.read_bytes())
    assert bytes(data[_RELEASE]) == b"\x02\x07\x04"  # the pinned Whoosh wrote it
    data[_RELEASE] = release
    toc.write_bytes(bytes(data))


def test_index_files_name_only_the_stable_module(tmp_path: Path) -> None:
    index = ArticleIndex.create(tmp_path / "ix")
    index.add_edition(EDITION, [article(EDITION, 1, "County lines", "Police in Wales.")])
    assert _named_modules(tmp_path / "ix") == {"indexer.index.pickled_v1"}


def test_indexes_that_name_the_old_module_still_find_their_classes() -> None:
    for name in ("CommaTerms", "StemmedText", "TermPositions"):
        assert getattr(_analysis, name) is getattr(pickled_v1, name)


def test_an_index_another_whoosh_wrote_is_refused_with_how_to_rebuild(tmp_path: Path) -> None:
    ArticleIndex.create(tmp_path / "ix")
    _written_by(tmp_path / "ix", b"\x02\x07\x03")
    with pytest.raises(IndexVersionError, match=r"Whoosh 2\.7\.3.*bulletins index"):
        ArticleIndex(tmp_path / "ix")


def test_bulletins_index_rebuilds_an_index_another_whoosh_wrote(
    tmp_path: Path, corpus_copy: Path
) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    build_index(settings)
    live = live_dir(settings.index_dir)
    assert live is not None
    _written_by(live, b"\x02\x06\x00")
    with pytest.raises(IndexVersionError):
        ArticleIndex(settings.index_dir)
    report = build_index(settings)
    assert report.published and not report.failed
    assert ArticleIndex(settings.index_dir).count() == report.articles == 15


def test_a_server_keeps_answering_when_another_version_publishes(
    tmp_path: Path, corpus_copy: Path
) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    build_index(settings)
    serving = ArticleIndex(settings.index_dir)
    before = [hit.id for hit in serving.search("county lines").results]
    (corpus_copy / "copy.pdf").write_bytes(next(corpus_copy.glob("*.pdf")).read_bytes())
    build_index(settings)  # a new generation is published...
    live = live_dir(settings.index_dir)
    assert live is not None
    _written_by(live, b"\x02\x07\x03")  # ...by another Whoosh
    assert [hit.id for hit in serving.search("county lines").results] == before
    assert serving.count() == 15
    status = index_status(settings.index_dir)  # a fresh look reports it, without failing
    assert "Whoosh 2.7.3" in status["problem"] and "bulletins index" in status["problem"]


def test_an_index_naming_classes_this_version_lacks_says_so(tmp_path: Path) -> None:
    ArticleIndex.create(tmp_path / "ix")
    toc = _toc(tmp_path / "ix")
    data = toc.read_bytes()
    assert data.count(b"pickled_v1") >= 1
    toc.write_bytes(data.replace(b"pickled_v1", b"pickled_v9"))  # same length: still a pickle
    with pytest.raises(IndexVersionError, match="another version of Bulletin Archive"):
        ArticleIndex(tmp_path / "ix")
