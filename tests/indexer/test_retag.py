"""When the gazetteer changes, reindexing re-tags stored text without reading any PDF."""

from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index, run
from indexer.tagging.gazetteer import Entity, Gazetteer


def no_extraction(*args: object, **kwargs: object) -> None:
    raise AssertionError("a PDF was read again")


@pytest.fixture
def settings(corpus_copy: Path, tmp_path: Path) -> Settings:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "ix")
    assert not build_index(settings).failed
    return settings


def test_gazetteer_change_retags_without_reading_pdfs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = Gazetteer.load()
    changed = Gazetteer.build(
        [e for e in current.entities.values() if e.id != "hmrc"]
        + [
            Entity(
                "agency",
                "traveller-liaison",
                "Traveller Liaison Team",
                aliases=("Organised Crime Advisors",),
            )
        ]
    )
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    report = build_index(settings, gazetteer=changed)
    assert [o.extracted for o in report.outcomes] == [False]
    changes = {c.title: c for c in report.entity_changes}
    assert ("agency", "hmrc", "HM Revenue & Customs") in changes["Operation SLATE"].removed
    met = changes["Metropolitan Police Service Organised Crime Advisors"]
    assert ("agency", "traveller-liaison", "Traveller Liaison Team") in met.added
    index = ArticleIndex(settings.index_dir)
    slate = index.search("title:slate").results[0]
    assert "hmrc" not in {e["id"] for e in slate.entities["agency"]}
    assert index.search("", filters={"agency": ["hmrc"]}).total == 0


def test_unchanged_gazetteer_reports_no_changes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    report = build_index(settings)
    assert report.entity_changes == () and report.articles == 15


def test_a_changed_pdf_is_read_again(settings: Settings) -> None:
    pdf = settings.corpus_dir / "soc-local-partnerships-bulletin-07.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended\n")
    assert [o.extracted for o in build_index(settings).outcomes] == [True]


def test_full_reads_every_pdf(settings: Settings) -> None:
    assert [o.extracted for o in build_index(settings, full=True).outcomes] == [True]


def test_manifest_edits_apply_to_unchanged_pdfs(settings: Settings) -> None:
    manifest = settings.corpus_dir / "editions.toml"
    manifest.write_text(manifest.read_text().replace('date = "2017-10"', 'date = "2017-11"'))
    build_index(settings)
    hit = ArticleIndex(settings.index_dir).search("county lines").results[0]
    assert hit.edition["date"] == "2017-11"


def test_articles_stored_without_their_edition_are_kept_when_retagged(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written by a version that did not store the edition whole (no record to write
    the articles again from) keeps them as they were, rather than losing them."""
    from indexer.index import live_dir
    from indexer.index._documents import restored

    old = ArticleIndex(live_dir(settings.index_dir))
    docs = [dict(d) for d in old._searcher().documents()]
    with old.batch() as batch:
        for doc in docs:
            del doc["edition_record"]
            batch.add_document(restored(doc))
    old.close()
    assert ArticleIndex(settings.index_dir).stored_edition(docs[0]["edition_id"]) is None
    changed = Gazetteer.build(
        [e for e in Gazetteer.load().entities.values() if e.id != "hmrc"]
    )  # a new tagger version: every unchanged file is written again
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    report = build_index(settings, gazetteer=changed)
    assert report.published and not report.failed
    assert ArticleIndex(settings.index_dir).count() == 15
