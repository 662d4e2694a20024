"""The fictional test archive of tests/archive_kit.py: it is deterministic, says true things
about itself, extracts, and indexes end to end as the pipeline does today (copies reported as
duplicates, every distinct edition's articles indexed once)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.extract import extract_pdf, read_source
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from tests.archive_kit import (
    BOILERPLATE_ENTITY,
    BOILERPLATE_WORD,
    HARBOURSIDE,
    NORTHSHIRE,
    REPRINT_WORD,
    Archive,
    EditionPdf,
    build_archive,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("archive") / "corpus")


def _has(word: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def _paragraphs(edition: EditionPdf) -> Iterator[tuple[str, str]]:
    """(article title, paragraph) for every paragraph of the edition's truth articles."""
    for article in edition.articles:
        for paragraph in article.body.split("\n\n"):
            yield article.title or "", paragraph


def _files(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.slow
def test_two_builds_write_the_same_bytes(tmp_path: Path) -> None:
    first = build_archive(tmp_path / "one")
    second = build_archive(tmp_path / "two")
    assert _files(first.folder) == _files(second.folder)
    assert set(_files(first.folder)) == {*first.files, "editions.toml"}
    plain = build_archive(tmp_path / "plain", copies=False)
    assert plain.copies == ()
    assert set(_files(plain.folder)) == {e.file for e in plain.editions} | {"editions.toml"}


def test_the_archive_holds_two_publications_and_their_editions(archive: Archive) -> None:
    assert [p.name for p in archive.publications] == [NORTHSHIRE, HARBOURSIDE]
    assert [e.number for e in archive.editions_of(NORTHSHIRE)] == [12, 15, 18, 21]
    assert [e.number for e in archive.editions_of(HARBOURSIDE)] == [4, 5, 6]
    for publication in archive.publications:
        producers = [e.producer for e in archive.editions_of(publication.name)]
        assert len(set(producers)) == len(producers)  # a layout of its own each
    for edition in archive.editions:
        assert 4 <= len(edition.articles) <= 7
        assert edition.manuscript.startswith("// FICTIONAL EDITION.")
    # every original sorts before its copies: the pipeline indexes the first of a set of copies
    for copy in archive.copies:
        assert copy.of < copy.file
        assert archive.manifest.read_text(encoding="utf-8").count(copy.file) == 0


def test_the_probe_words_are_where_the_archive_says(archive: Archive) -> None:
    for edition in archive.editions:
        holding = [
            (other.key, a.title)
            for other in archive.editions
            for a in other.articles
            if _has(edition.unique_word, f"{a.title} {a.body}")
        ]
        assert holding == [(edition.key, edition.unique_title)]
        declared = {b.text for b in edition.boilerplate}
        word = archive.publication(edition.publication).boilerplate_word
        for probe in (BOILERPLATE_WORD, word, BOILERPLATE_ENTITY[2]):
            found = [p for _, p in _paragraphs(edition) if _has(probe, p)]
            assert found, (edition.key, probe)
            assert set(found) <= declared, (edition.key, probe)
        kinds = {b.kind for b in edition.boilerplate}
        assert kinds == {"contact", "more-info", "disclaimer"}
        assert edition.boilerplate[-1].article == edition.articles[-1].title
        assert edition.articles[-1].body.endswith(edition.boilerplate[-1].text)
    reprints = [
        (edition.key, a)
        for edition in archive.editions
        for a in edition.articles
        if _has(REPRINT_WORD, a.body)
    ]
    assert [key for key, _ in reprints] == list(archive.reprint_editions)
    assert reprints[0][1].body == reprints[1][1].body  # (in another section)
    assert reprints[0][1].title == archive.reprint_title


def test_boilerplate_detection_on_the_manuscripts_finds_what_is_declared(
    archive: Archive,
) -> None:
    from indexer.boilerplate import find_boilerplate  # (issue 18, part 3)

    for publication in archive.publications:
        editions = archive.editions_of(publication.name)
        bodies = {e.key: [a.body for a in e.articles] for e in editions}
        found = find_boilerplate(bodies)
        for edition in editions:
            spans = [body[s:t] for body in bodies[edition.key] for s, t in found.spans(body)]
            assert sorted(spans) == sorted(b.text for b in edition.boilerplate), edition.key


def test_every_edition_extracts_with_its_probe_words(archive: Archive) -> None:
    for edition in archive.editions:
        pdf = extract_pdf(read_source(archive.path(edition.file)))
        assert 3 <= len(pdf.pages) <= 5, edition.key
        text = "\n".join(page.text for page in pdf.pages)
        word = archive.publication(edition.publication).boilerplate_word
        for probe in (BOILERPLATE_WORD, word, edition.unique_word, edition.edition_line):
            assert probe in text, (edition.key, probe)
    for copy in archive.copies:
        original = archive.path(copy.of).read_bytes()
        copied = archive.path(copy.file).read_bytes()
        assert (copied == original) == (copy.same == "bytes")
        texts = [
            [page.text for page in extract_pdf(read_source(archive.path(f))).pages]
            for f in (copy.of, copy.file)
        ]
        assert texts[0] == texts[1]


def test_the_archive_indexes_end_to_end(archive: Archive, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = build_index(Settings(corpus_dir=archive.folder, index_dir=index_dir))
    assert not report.failed, report.failed
    statuses = {o.file: o.status for o in report.outcomes}
    assert set(statuses) == set(archive.files)
    assert {o.file for o in report.duplicates} == {c.file for c in archive.copies}
    for edition in archive.editions:
        assert statuses[edition.file] == "ok"
    assert report.editions == len(archive.editions)
    assert report.articles == archive.article_count
    index = ArticleIndex(index_dir)
    try:
        assert index.count() == archive.article_count
        for edition in archive.editions:
            found = index.search(edition.unique_word)
            assert found.total == 1, (edition.key, edition.unique_word)
            assert found.results[0].title == edition.unique_title
            assert found.results[0].file == edition.file
        reprinted = index.search(REPRINT_WORD)
        assert sorted(hit.file for hit in reprinted.results) == sorted(
            archive.edition(key).file for key in archive.reprint_editions
        )
    finally:
        index.close()
