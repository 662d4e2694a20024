import shutil
from pathlib import Path

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index


def test_a_failing_file_keeps_what_was_indexed_for_it(corpus_copy: Path, tmp_path: Path) -> None:
    """A file that breaks after it was indexed must not lose its articles on the next build."""
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "ix")
    assert not build_index(settings).failed
    pdf = corpus_copy / "soc-local-partnerships-bulletin-07.pdf"
    pdf.write_bytes(pdf.read_bytes()[:4000])  # truncated by a bad copy
    report = build_index(settings)
    assert [(o.file, o.reason) for o in report.failed] == [
        ("soc-local-partnerships-bulletin-07.pdf", "corrupt")
    ]
    index = ArticleIndex(settings.index_dir)
    assert index.count() == 15
    assert index.search("county lines").results[0].title == "Op GUARDIAN"


def test_rebuild_leaves_no_temporary_folders(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "ix")
    build_index(settings)
    build_index(settings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "ix"]


def test_pdf_without_manifest_entry_is_described_from_its_text(
    corpus_copy: Path, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"  # a folder without a manifest
    alone.mkdir()
    shutil.copy(corpus_copy / "soc-local-partnerships-bulletin-07.pdf", alone / "dropped-in.pdf")
    settings = Settings(corpus_dir=alone, index_dir=tmp_path / "ix")
    report = build_index(settings)
    assert not report.failed and report.articles == 15
    (hit,) = ArticleIndex(settings.index_dir).search("title:guardian").results
    assert {k: hit.edition[k] for k in ("id", "number", "title", "date")} == {
        "id": "dropped-in",
        "number": 7,  # "seventh edition" / "Issue 07" in the text
        "title": "SOC Local Partnerships Bulletin",  # the masthead
        "date": "2017-10",  # "October 2017" on the cover
    }
