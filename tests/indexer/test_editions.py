from dataclasses import asdict
from pathlib import Path

import pytest

from indexer.editions import (
    apply_manifest,
    describe_edition,
    edition_id,
    infer_from_filename,
    load_manifest,
)
from indexer.errors import ManifestError
from indexer.models import Edition, ExtractedPdf
from indexer.split import split_edition
from tests.conftest import CORPUS
from tests.indexer.layout_kit import Column, document, page


def test_shipped_manifest_describes_the_edition() -> None:
    entry = load_manifest(CORPUS)["soc-local-partnerships-bulletin-07.pdf"]
    assert entry["number"] == 7 and entry["date"] == "2017-10"
    assert entry["licence"] == "Open Government Licence v3.0"


def test_every_shipped_pdf_has_a_manifest_entry() -> None:
    manifest = load_manifest(CORPUS)
    assert sorted(p.name for p in CORPUS.glob("*.pdf")) == sorted(manifest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[edition]\n", "not valid TOML"),
        ("[[edition]]\nnumber = 3\n", "needs a file"),
        ('[[edition]]\nfile = "a.pdf"\ncolour = "red"\n', "unknown keys"),
        ('[[edition]]\nfile = "a.pdf"\nnumber = "seven"\n', "whole number"),
        ('[[edition]]\nfile = "a.pdf"\ndate = "Oct 2017"\n', "YYYY-MM"),
    ],
)
def test_bad_manifests_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "editions.toml").write_text(text)
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)


def test_no_manifest_is_fine(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}


def test_ids_and_file_names() -> None:
    assert edition_id("2019/SOC Bulletin Issue 10.PDF") == "2019-soc-bulletin-issue-10"
    assert infer_from_filename("soc-bulletin-issue-10.pdf")["number"] == 10
    dated = infer_from_filename("newsletter_2019_04.pdf")
    assert dated["date"] == "2019-04" and "number" not in dated


# --- publications --------------------------------------------------------------------------
# The publications below are FICTIONAL ("Northshire Safety Newsletter", "Riverside Gazette").

TWO_PUBLICATIONS = """
[[edition]]
file = "gazette-04.pdf"
publication = "riverside gazette"

[[edition]]
file = "news-02.pdf"
title = "Northshire Safety Newsletter"

[[publication]]
name = "Riverside Gazette"
id = "gazette"
attribution = "Riverside Partnership (fictional)"
licence = "CC BY 4.0"
licence_url = "https://creativecommons.org/licenses/by/4.0/"

[[publication]]
name = "Northshire Safety Newsletter"
publisher = "Northshire Council (fictional)"
"""


def test_the_shipped_manifest_describes_its_publication_and_licence() -> None:
    (publication,) = load_manifest(CORPUS).publications
    assert publication.id == "soc-local-partnerships-bulletin"
    assert publication.name == "SOC Local Partnerships Bulletin"
    assert publication.attribution == "Crown copyright"
    assert publication.licence == "Open Government Licence v3.0"
    assert publication.licence_url == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )


def test_publication_tables_are_read_with_their_ids(tmp_path: Path) -> None:
    (tmp_path / "editions.toml").write_text(TWO_PUBLICATIONS)
    manifest = load_manifest(tmp_path)
    gazette, newsletter = manifest.publications
    assert (gazette.id, gazette.licence, gazette.publisher) == ("gazette", "CC BY 4.0", None)
    assert newsletter.id == "northshire-safety-newsletter"  # made from the name
    assert newsletter.publisher == "Northshire Council (fictional)" and not newsletter.licence
    assert sorted(manifest) == ["gazette-04.pdf", "news-02.pdf"]  # the editions, as before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[publication]]\nid = "x"\n', "needs a name"),
        ('[[publication]]\nname = "  "\n', "needs a name"),
        ('[[publication]]\nname = "A"\nlogo = "a.png"\n', r"unknown keys \['logo'\]"),
        ('[[publication]]\nname = "A"\nlicence = 3\n', "licence must be text"),
        ('[[publication]]\nname = "A"\nid = "Not A Slug"\n', "must be lower-case letters"),
        ('[[publication]]\nname = "A"\nlicence_url = "javascript:x"\n', "http:// or https://"),
        ('[[publication]]\nname = "A"\n[[publication]]\nname = "a"\n', "described twice"),
        ('[[publication]]\nname = "A"\nid = "b"\n[[publication]]\nname = "B"\n', "twice"),
        ('publication = "A"\n', "must be \\[\\[publication\\]\\] tables"),
        ('[[edition]]\nfile = "a.pdf"\npublication = 7\n', "publication must be a name"),
        (
            '[[edition]]\nfile = "a.pdf"\npublication = "Gazete"\n'
            '[[publication]]\nname = "Gazette"\n',
            "'Gazete' names no \\[\\[publication\\]\\] of the manifest .*'Gazette'",
        ),
    ],
)
def test_bad_publications_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "editions.toml").write_text(text)
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)


def test_an_edition_may_name_a_publication_no_table_describes(tmp_path: Path) -> None:
    (tmp_path / "editions.toml").write_text(
        '[[edition]]\nfile = "a.pdf"\npublication = "Gazette"\n'
    )
    manifest = load_manifest(tmp_path)
    assert manifest["a.pdf"]["publication"] == "Gazette" and manifest.publications == ()


def _masthead_pdf() -> ExtractedPdf:
    """A FICTIONAL newsletter's cover: its masthead, its issue and month, an article."""
    col = Column()
    col.add("NORTHSHIRE SAFETY NEWSLETTER", size=26, bold=True)
    col.add("Issue 12, March 2019", size=10, bold=True, width=180, gap=4)
    col.add("Rogue traders", size=15, bold=True, width=100, gap=12)
    col.paragraph()
    return document(page(1, col))


def _plain_pdf() -> ExtractedPdf:
    """A page of body text: no masthead."""
    col = Column()
    col.paragraph()
    return document(page(1, col))


def test_the_publication_is_the_manifest_s_else_its_title_else_the_masthead() -> None:
    pdf = _masthead_pdf()
    front = split_edition(pdf, "news-12").front_matter
    from_pdf = describe_edition("news-12.pdf", pdf, front, None)
    assert from_pdf.publication == "Northshire Safety Newsletter" and from_pdf.number == 12
    titled = describe_edition("news-12.pdf", pdf, front, {"file": "x", "title": "Safety News"})
    assert titled.publication == "Safety News"
    named = {"file": "x", "title": "Safety News", "publication": "Northshire News"}
    assert describe_edition("news-12.pdf", pdf, front, named).publication == "Northshire News"
    # no masthead, no entry: the file name gives a title, but names no publication
    bare = describe_edition("notes.pdf", _plain_pdf(), "", None)
    assert bare.title == "Notes" and bare.publication is None
    # an edition described earlier takes what its entry says now
    assert apply_manifest(from_pdf, named).publication == "Northshire News"
    assert apply_manifest(from_pdf, None).publication == "Northshire Safety Newsletter"


def test_an_edition_stored_before_publications_still_loads() -> None:
    record = asdict(describe_edition("notes.pdf", _plain_pdf(), "", None))
    del record["publication"]
    assert Edition(**record).publication is None
