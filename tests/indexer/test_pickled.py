"""What an index's files name of this project's code, and opening one another version wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.errors import IndexVersionError
from indexer.index import ArticleIndex, _analysis, live_dir, pickled_v1
from indexer.pipeline import build_index
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
