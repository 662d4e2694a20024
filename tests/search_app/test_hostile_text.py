"""Hostile text stays harmless everywhere the site shows it: controls, bidirectional overrides
and zero-width characters in titles, sections, snippets, edition metadata, entity labels and
file names never reach a page, the Atom feed (always well-formed XML), a CSV cell or the JSON
API; long titles are capped; failing and downloaded files with such names are served safely.

The index here is written directly (an index built before extraction dropped these
characters), and also built from a PDF that holds them (see tests/indexer/test_hostile_text.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.models import Article, Edition
from indexer.pipeline import build_index
from indexer.tagging.tagger import Tagged
from search_app import create_app
from search_app.exports import csv_cell
from search_app.views import download_name
from tests.contract.test_search import article as index_article
from tests.indexer.test_hostile_text import hostile_pdf, never_shown

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "Operation NIGHT\x07JAR\u202e\u200b\x1b[2J\x00"
HOSTILE_SECTION = "NEWS\x1b[0m\u2067 \x9bIN\x85BRIEF"
LONG_TITLE = "Serious\x1b[31m organised\u2066 crime " * 20  # 500+ characters
FORMULA_TITLE = '\u200b\x1b=HYPERLINK("http://evil.example", "click")'
LABEL = "Operation NIGHT\x07JAR\u202e"
EDITION = Edition(
    id="night-owl-3",
    title="Night\x1b[31m\u202eOwl\x07 Bulletin\u200b",
    number=None,  # so that pages show the edition's title
    date="2019-04",
    publisher="Evil\x00 Publisher\u2067",
    file="night\nowl\x1b[31m\u202e.pdf",
    source="corpus/night\nowl.pdf",
)


def article(ordinal: int, title: str, body: str) -> Article:
    return index_article(EDITION, ordinal, title, body, section=HOSTILE_SECTION)


ARTICLES = [
    article(
        1,
        HOSTILE_TITLE,
        "Police\x00 ran a county\x07 lines\x1b[31m workshop\u202e in Wales\u200b.\r\n\r\n"
        "Operation NIGHT\x07JAR\u202e found county lines\x9b[0m gangs\ufeff.",
    ),
    article(2, LONG_TITLE, "A county lines\u2066 case\x1b]0;pwned\x07 in the North East."),
    article(3, FORMULA_TITLE, "County lines\x00 and fraud\u200f."),
]


def tags(item: Article) -> Tagged:
    """What an old tagger might have stored: an operation labelled with the hostile text."""
    entities = {"operation": [("nightjar", LABEL)]}
    return Tagged((), entities, {"operation": ["nightjar"]}, {"operation": {"nightjar": LABEL}}, "")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    index = ArticleIndex(None)
    index.add_edition(EDITION, ARTICLES, {a.id: tags(a) for a in ARTICLES})
    folder = tmp_path_factory.mktemp("hostile")
    settings = Settings(corpus_dir=folder, index_dir=folder / "unused")
    return create_app(settings, index=index).test_client()


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_clean(text: str, where: str) -> None:
    bad = never_shown(text)
    assert not bad, f"{where}: {sorted(map(hex, map(ord, bad)))}"


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


PAGES = [
    "/",
    "/?q=county+lines",
    "/?q=county&sort=oldest&per_page=1",
    f"/articles/{EDITION.id}:1",
    f"/articles/{EDITION.id}:1?q=county",
    f"/articles/{EDITION.id}:2?q=gangs",
    "/editions",
    "/entities",
    "/entities/operation/nightjar",
    f"/?edition={EDITION.id}&operation=nightjar",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_no_hostile_character(hostile: FlaskClient, url: str) -> None:
    assert_clean(get(hostile, url), url)


def test_pages_still_show_the_text_around_them(hostile: FlaskClient) -> None:
    html = get(hostile, "/?q=county+lines")
    assert "Operation NIGHTJAR[2J</a>" in html  # the title, without what was dropped
    assert "Night[31mOwl Bulletin" in html  # the edition's title
    assert "NEWS[0m IN BRIEF" in html  # the section: NEL is a line break, so a space
    assert re.search(r"<mark>county</mark> <mark>lines</mark>", html, re.IGNORECASE)
    article = get(hostile, f"/articles/{EDITION.id}:1?q=county")
    assert '<h1 id="article-title">Operation NIGHTJAR[2J</h1>' in article  # not capped
    assert "<p>Police ran a <mark>county</mark> lines[31m workshop in Wales.</p>" in article
    assert "Operation NIGHTJAR found" in article  # the second paragraph, kept apart


def test_titles_in_lists_are_capped_at_200_characters(hostile: FlaskClient) -> None:
    for url in ("/?q=organised", "/editions", "/entities/operation/nightjar"):
        html = get(hostile, url)
        [shown] = re.findall(r">(Serious[^<]*)</a>", html)
        assert len(shown) <= 200 and shown.endswith("…"), (url, len(shown))
    full = get(hostile, f"/articles/{EDITION.id}:2")
    assert "Serious[31m organised crime Serious" in full
    heading = re.search(r"<h1 id=\"article-title\">(Serious[^<]*)</h1>", full)
    assert heading and heading.group(1) == ("Serious[31m organised crime " * 20).strip()


@pytest.mark.parametrize("query", ["", "county", "county lines", "operation:nightjar"])
def test_the_feed_is_well_formed_xml_without_hostile_characters(
    hostile: FlaskClient, query: str
) -> None:
    response = hostile.get("/feed.atom", query_string={"q": query} if query else None)
    assert response.status_code == 200
    feed = ET.fromstring(response.data)  # raises on a NUL, ESC or other control
    assert_clean(response.get_data(as_text=True), "feed")
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    if query in ("", "county"):
        assert "Operation NIGHTJAR[2J" in titles
    for entry in feed.findall(f"{ATOM}entry"):
        assert len(entry.findtext(f"{ATOM}title") or "") <= 200


def test_the_feed_of_a_hostile_query(hostile: FlaskClient) -> None:
    response = hostile.get("/feed.atom", query_string={"q": "county\u202e\u200b \u2066lines"})
    assert response.status_code == 200
    feed = ET.fromstring(response.data)
    assert feed.findtext(f"{ATOM}title") == "Bulletin Archive: county lines"
    assert_clean(response.get_data(as_text=True), "feed")
    for control in ("\x00", "\x07", "\x1b[31m", "\x9b", "\x85", "\x7f"):
        refused = hostile.get("/feed.atom", query_string={"q": f"county{control}"})
        assert refused.status_code == 400, repr(control)
        assert refused.get_json()["error"]["code"] == "invalid-query"
    page = hostile.get("/", query_string={"q": "county\u202e lines\u200b"})
    assert page.status_code == 200
    assert_clean(page.get_data(as_text=True), "search page of a hostile query")


@pytest.mark.parametrize("query", ["", "county"])
def test_csv_cells_hold_no_hostile_character_and_never_run(
    hostile: FlaskClient, query: str
) -> None:
    response = hostile.get("/export.csv", query_string={"q": query})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4
    for row in rows:
        for cell in row:
            assert_clean(cell, "CSV cell")
            assert not cell.startswith(("=", "+", "-", "@")), cell
    titles = {row[1] for row in rows[1:]}
    assert "Operation NIGHTJAR[2J" in titles
    assert '\'=HYPERLINK("http://evil.example", "click")' in titles


def test_csv_cell_cleans_before_it_checks_for_a_formula() -> None:
    assert csv_cell("\u200b=1+1") == "'=1+1"
    assert csv_cell("\x1b=1+1") == "'=1+1"
    assert csv_cell(" \t=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert csv_cell("Op\x00 NIGHT\u202eJAR\r\nnext") == "Op NIGHTJAR next"
    assert csv_cell(None) == "" and csv_cell(3) == "3"


@pytest.mark.parametrize(
    "url",
    [
        "/api/search",
        "/api/search?q=county+lines",
        f"/api/articles/{EDITION.id}:1?q=county",
        "/api/editions",
        "/api/entities",
        "/api/entities/operation/nightjar",
        "/api/search?q=county%E2%80%AE",
        "/api/entities/operation/night%E2%80%AEjar",
    ],
)
def test_the_api_answers_no_hostile_character(hostile: FlaskClient, url: str) -> None:
    response = hostile.get(url)
    assert response.status_code in (200, 404)
    for text in strings(json.loads(response.data)):
        assert_clean(text.replace("\n", ""), url)


def test_the_api_keeps_the_article_paragraphs(hostile: FlaskClient) -> None:
    data = hostile.get(f"/api/articles/{EDITION.id}:1").get_json()
    assert data["title"] == "Operation NIGHTJAR[2J"
    assert data["body"].count("\n\n") == 1  # CR LF CR LF: one paragraph break


# -- files with hostile names: the status page, the PDF download ---------------------------

BROKEN = "broken\n\x1b[31m\u202e\u200bfdp.exe.pdf"
PDF_NAME = 'night\nowl "3"\x1b[0m\u202e.pdf'


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An index built from a corpus with a hostile PDF under a hostile name, and a file that
    fails under another."""
    folder = tmp_path_factory.mktemp("files")
    corpus = folder / "corpus"
    corpus.mkdir()
    hostile_pdf(corpus / PDF_NAME)
    (corpus / BROKEN).write_bytes(b"<!doctype html><html>Not found</html>")
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index")
    report = build_index(settings)
    assert [o.file for o in report.failed] == [BROKEN]
    return create_app(settings)


def test_the_status_page_and_api_show_failing_file_names_safely(hostile_files: Flask) -> None:
    client = hostile_files.test_client()
    html = get(client, "/status")
    assert_clean(html, "/status")
    assert "<td>broken [31mfdp.exe.pdf</td>" in html
    status = client.get("/api/status").get_json()
    assert [item["file"] for item in status["failed"]] == ["broken\n[31mfdp.exe.pdf"]
    for text in strings(status):
        assert_clean(text.replace("\n", ""), "/api/status")


def test_an_index_built_from_the_hostile_pdf_shows_nothing_hostile(hostile_files: Flask) -> None:
    client = hostile_files.test_client()
    results = client.get("/api/search?q=county+lines").get_json()["results"]
    assert results and results[0]["file"] == 'night\nowl "3"[0m.pdf'
    edition = results[0]["edition"]["id"]
    for url in (
        "/",
        "/?q=county+lines",
        f"/articles/{results[0]['id']}?q=county",
        "/editions",
        "/entities",
    ):
        assert_clean(get(client, url), url)
    feed = client.get("/feed.atom?q=county")
    ET.fromstring(feed.data)
    assert_clean(feed.get_data(as_text=True), "feed")
    for row in csv.reader(io.StringIO(client.get("/export.csv").data.decode("utf-8-sig"))):
        for cell in row:
            assert_clean(cell, "CSV")
    with client.get(f"/editions/{edition}/pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert pdf.headers["Content-Disposition"] == "inline; filename=\"night owl '3'[0m.pdf\""


def test_download_names_are_one_safe_line() -> None:
    assert download_name("report.pdf", "report") == "report.pdf"
    assert download_name('a "quoted"\\name\n.pdf', "x") == "a 'quoted'_name.pdf"
    assert download_name("report\u202efdp.exe", "report-exe") == "report-exe.pdf"
    assert download_name("\u202e\u200b.pdf", "ed-1") == "ed-1.pdf"
    assert download_name("Café – 2019.PDF", "cafe") == "Café – 2019.PDF"
