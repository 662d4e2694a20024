"""A copy of the index kept in step (``bulletins replicate``), for a web replica without the
shared folder: the source's generation published there whole, never half-copied."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import EXIT_LOCKED, EXIT_USAGE, cli
from indexer.config import Settings
from indexer.index import CACHE_DIR, ArticleIndex, writer_lock
from indexer.pipeline import BuildOptions, build_index
from tests.conftest import SHIPPED_PDF, corpus_of_copies, distinct_copy


def _replicate(source: Path, target: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["replicate", str(source), "--index", str(target)])
    return result.exit_code, result.output


def _generations(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("gen-")}


@pytest.mark.slow
def test_a_copy_serves_each_new_generation_whole_and_keeps_one_before(tmp_path: Path) -> None:
    corpus = corpus_of_copies(tmp_path, 1)
    source, copy = tmp_path / "source", tmp_path / "copy"
    settings = Settings(corpus_dir=corpus, index_dir=source)
    build_index(settings)
    code, output = _replicate(source, copy)
    assert code == 0, output
    first = (source / "CURRENT").read_text()
    assert output.strip() == f"{copy} now serves {first}, copied from {source}"
    served = ArticleIndex(copy)  # (as a web server holds it, across the updates)
    assert served.count() == 15
    assert [h.id for h in served.search("brothels").results] == [
        h.id for h in ArticleIndex(source).search("brothels").results
    ]
    assert not (copy / CACHE_DIR).exists()  # (the extraction cache stays behind)
    assert sorted(p.name for p in (copy / "pages").iterdir()) == sorted(
        p.name for p in (source / "pages").iterdir()
    )
    assert _replicate(source, copy) == (0, f"{copy} serves {first} already, as {source} does\n")

    distinct_copy(SHIPPED_PDF, corpus / "edition-99.pdf")
    build_index(settings)
    second = (source / "CURRENT").read_text()
    code, output = _replicate(source, copy)
    assert code == 0 and output.endswith(f"(it served {first})\n"), output
    assert served.count() == 30  # the server picked it up on its own
    assert _generations(copy) == {first, second}  # (the one before, for searches under way)
    assert (copy / "last-run.json").read_text() == (source / "last-run.json").read_text()

    (corpus / "edition-99.pdf").unlink()
    build_index(settings)
    _replicate(source, copy)
    assert served.count() == 15
    assert _generations(copy) == {second, (source / "CURRENT").read_text()}
    assert len(list((copy / "pages").iterdir())) == len(list((source / "pages").iterdir())) == 1
    served.close()


def test_a_copy_half_made_when_stopped_is_never_served_and_is_redone(tmp_path: Path) -> None:
    corpus = corpus_of_copies(tmp_path, 1)
    source, copy = tmp_path / "source", tmp_path / "copy"
    build_index(Settings(corpus_dir=corpus, index_dir=source))
    name = (source / "CURRENT").read_text()
    shutil.copytree(source / name, copy / f"{name}.tmp")  # (a copy killed half-way)
    shutil.copytree(source / name, copy / name, ignore=shutil.ignore_patterns("state.json"))
    assert _replicate(source, copy)[0] == 0
    assert ArticleIndex(copy).count() == 15
    assert _generations(copy) == {name}
    assert not (copy / f"{name}.tmp").exists()


def test_no_index_at_the_source_or_a_busy_copy_is_one_line(tmp_path: Path) -> None:
    code, output = _replicate(tmp_path / "nothing", tmp_path / "copy")
    assert (code, output) == (EXIT_USAGE, f"error: no published index at {tmp_path / 'nothing'}\n")
    corpus = corpus_of_copies(tmp_path, 1)
    build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "source"))
    with writer_lock(tmp_path / "copy"):
        code, output = _replicate(tmp_path / "source", tmp_path / "copy")
    assert code == EXIT_LOCKED
    assert output.startswith("error: Another indexing job is running on")


@pytest.mark.slow
def test_a_layout_written_again_at_the_source_is_copied_again(tmp_path: Path) -> None:
    corpus = corpus_of_copies(tmp_path, 1)
    source, copy = tmp_path / "source", tmp_path / "copy"
    settings = Settings(corpus_dir=corpus, index_dir=source)
    build_index(settings)
    _replicate(source, copy)
    [layout] = (source / "pages").iterdir()
    build_index(settings, options=BuildOptions(full=True))  # (each layout written again)
    layout.write_bytes(layout.read_bytes() + b"")  # (the same bytes, a new time)
    assert _replicate(source, copy)[0] == 0
    assert (copy / "pages" / layout.name).stat().st_mtime_ns == layout.stat().st_mtime_ns
