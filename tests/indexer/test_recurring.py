"""Boilerplate left out of search, end to end, on a fictional archive of two publications
(``tests/archive_kit.py``): paragraphs that recur nearly word for word in three or more
editions of a publication are kept in the articles' text and left out of ranking, snippets,
related articles and entity counts; ``bulletins status`` lists them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index, index_status
from search_app import create_app
from tests.archive_kit import (
    BOILERPLATE_ENTITY,
    BOILERPLATE_WORD,
    HARBOURSIDE,
    NORTHSHIRE,
    REPRINT_WORD,
    Archive,
    build_archive,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("archive") / "corpus", copies=False)


@pytest.fixture(scope="module")
def indexed(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(
        corpus_dir=archive.folder, index_dir=tmp_path_factory.mktemp("ix") / "index"
    )
    assert not build_index(settings).failed
    return settings


def test_boilerplate_is_found_per_publication_and_listed(
    archive: Archive, indexed: Settings
) -> None:
    found = index_status(indexed.index_dir)["boilerplate"]
    by_publication = {item["publication"] for item in found}
    assert by_publication == {archive.publication(n).id for n in (NORTHSHIRE, HARBOURSIDE)}
    assert all(item["editions"] >= 3 for item in found)
    texts = " ".join(item["text"] for item in found)
    assert "Crimestoppers" in texts and BOILERPLATE_WORD in texts
    assert REPRINT_WORD not in texts  # a story reprinted in two editions is content
    result = CliRunner().invoke(cli, ["status", "--index", str(indexed.index_dir)])
    assert f"Boilerplate: {len(found)} paragraphs recur in 3 or more editions" in result.output


def test_boilerplate_is_left_out_of_search_and_entity_counts(indexed: Settings) -> None:
    index = ArticleIndex(indexed.index_dir)
    assert index.search(BOILERPLATE_WORD).total == 0  # only ever in boilerplate
    assert index.search(REPRINT_WORD).total == 2  # the story reprinted twice is found
    type_, id_, _ = BOILERPLATE_ENTITY
    assert index.search("", filters={type_: [id_]}).total == 0
    named = {item["id"] for item in index.entity_counts().get(type_, [])}
    assert id_ not in named
    for hit in index.search("information contact").results:  # snippets are the stories'
        assert "For more information contact" not in hit.snippet.replace("<mark>", "").replace(
            "</mark>", ""
        )
    index.close()


def test_the_article_keeps_its_boilerplate_for_reading(indexed: Settings) -> None:
    index = ArticleIndex(indexed.index_dir)
    contact = next(h for h in index.matches("") if h.title.lower().startswith("contact"))
    view = index.article(contact.id)
    assert view is not None and "Crimestoppers" in view.body_html
    assert view.boilerplate  # its recurring paragraphs, shown muted on the page
    assert view.related == []  # nothing is like it once its boilerplate is left out
    html = create_app(indexed).test_client().get(f"/articles/{contact.id}").get_data(as_text=True)
    assert 'class="boilerplate"' in html and "left out of search" in html
    index.close()


def test_a_paragraph_becomes_boilerplate_with_its_third_edition_and_stops_with_it(
    archive: Archive, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(archive.folder, corpus)
    northshire = archive.editions_of(NORTHSHIRE)
    held_back = [corpus / e.file for e in northshire[2:]]
    for path in held_back:
        path.rename(path.with_suffix(".held"))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings)
    word = archive.publication(NORTHSHIRE).boilerplate_word
    index = ArticleIndex(settings.index_dir)
    assert index.search(word).total >= 2  # two editions: not boilerplate yet
    index.close()
    for path in held_back:  # the third and fourth arrive: the first two are written again
        path.with_suffix(".held").rename(path)
    report = build_index(settings)
    assert report.counts()["unchanged"] >= 2
    index = ArticleIndex(settings.index_dir)
    assert index.search(word).total == 0
    index.close()
    for path in held_back:
        path.unlink()
    build_index(settings)
    index = ArticleIndex(settings.index_dir)
    assert index.search(word).total >= 2  # back to two editions
    index.close()


def test_the_api_says_which_paragraphs_are_boilerplate(indexed: Settings) -> None:
    client = create_app(indexed).test_client()
    hits = client.get("/api/search?q=&per_page=100").get_json()["results"]
    contact = next(h for h in hits if h["title"].lower().startswith("contact"))
    data = client.get(f"/api/articles/{contact['id']}").get_json()
    assert data["boilerplate"] and json.dumps(data).count("Crimestoppers") >= 1


def test_what_mentions_add_up_to_is_what_the_tagger_gives() -> None:
    """Boilerplate's mentions are left out by counting the others again (``tagged_from``),
    not by tagging the text again: the same mentions give the same entities and filters."""
    from indexer.extract import extract_pdf, read_source
    from indexer.split import split_articles
    from indexer.tagging.gazetteer import Gazetteer
    from indexer.tagging.tagger import tag_article, tagged_from
    from tests.conftest import SHIPPED_PDF

    gazetteer = Gazetteer.load()
    for article in split_articles(extract_pdf(read_source(SHIPPED_PDF)), "e"):
        tagged = tag_article(article.title, article.body, gazetteer)
        assert tagged_from(tagged.mentions, gazetteer) == tagged


@pytest.mark.slow
def test_editions_that_reprint_each_other_keep_their_text_searchable(tmp_path: Path) -> None:
    """Four editions with the same stories (declared apart in the manifest): every paragraph
    recurs, but an edition that is mostly recurring paragraphs is a reprint, not boilerplate."""
    from tests.conftest import corpus_of_copies

    settings = Settings(corpus_dir=corpus_of_copies(tmp_path, 4), index_dir=tmp_path / "ix")
    build_index(settings)
    assert index_status(settings.index_dir)["boilerplate"]  # found, and listed
    index = ArticleIndex(settings.index_dir)
    assert index.search("county lines").total == 4
    index.close()
