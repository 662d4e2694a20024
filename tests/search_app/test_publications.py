"""Publications in the app: the facet and filter (page and API), a publication's page, the
editions page grouped by publication, the edition line of a result, and the footer's licences
from the manifest (the shipped corpus's; two publications'; none).

The two-publication archive is FICTIONAL (see ``tests/contract/test_publications.py``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.models import Publication
from indexer.tagging.gazetteer import Gazetteer
from search_app import create_app
from tests.contract.test_publications import NORTHSHIRE, RIVERSIDE, write_publications

NORTHSHIRE_TABLE = Publication(
    id=NORTHSHIRE,
    name="Northshire Gazette",
    licence="CC BY 4.0",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
)
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def publications_app(root: Path, publications: tuple[Publication, ...]) -> Flask:
    """The app over the FICTIONAL archive of two publications, written under ``root``."""
    index = ArticleIndex.create(root / "index")
    write_publications(index, Gazetteer.load(), publications)
    index.close()
    (root / "corpus").mkdir()
    return create_app(Settings(corpus_dir=root / "corpus", index_dir=root / "index"))


TWO_TABLES = (RIVERSIDE, NORTHSHIRE_TABLE)  # each publication with its licence


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """Two publications, each with its licence in the manifest, and an edition of none."""
    return publications_app(tmp_path_factory.mktemp("two"), TWO_TABLES).test_client()


def _footer(html: str) -> str:
    found = re.search(r"<footer.*?</footer>", html, re.S)
    return " ".join(found.group(0).split()) if found else ""


def test_the_shipped_corpus_s_footer_states_its_licence(client: FlaskClient) -> None:
    for url in ("/", "/editions", "/status", "/no-such-page"):
        footer = _footer(client.get(url).get_data(as_text=True))
        assert footer == (
            '<footer class="site"> <p class="licence">SOC Local Partnerships Bulletin: Crown '
            f'copyright, published under the <a href="{OGL}">Open Government Licence v3.0</a>.'
            "</p> </footer>"
        ), url


def test_two_publications_footer_states_each_licence(two: FlaskClient) -> None:
    footer = _footer(two.get("/").get_data(as_text=True))
    riverside = (
        '<p class="licence">Riverside Partnerships Bulletin: Riverside Partnership (fictional), '
        'published under the <a href="https://example.org/riverside-licence">Riverside Open '
        "Licence 1.0 (fictional)</a>.</p>"
    )
    northshire = (
        '<p class="licence">Northshire Gazette: published under the '
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>'
    )
    assert riverside in footer and northshire in footer
    assert footer.index(riverside) < footer.index(northshire)  # most editions first
    assert "Crown copyright" not in footer


def test_no_publication_known_no_licence_claimed(
    riverside_app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> None:
    html = riverside_app.test_client().get("/").get_data(as_text=True)
    assert "<footer" not in html and "Licence" not in html and "copyright" not in html
    # publications the manifest names without a licence: none claimed either
    bare = publications_app(tmp_path_factory.mktemp("bare"), ()).test_client()
    assert "<footer" not in bare.get("/").get_data(as_text=True)
    # and no index at all
    empty = tmp_path_factory.mktemp("empty")
    missing = create_app(Settings(corpus_dir=empty, index_dir=empty / "index")).test_client()
    answer = missing.get("/")
    assert answer.status_code == 503 and "<footer" not in answer.get_data(as_text=True)


def test_the_publication_facet_and_filter_in_the_api(two: FlaskClient) -> None:
    data = two.get("/api/search?q=fraud").get_json()
    assert data["facets"]["publication"] == [
        {"id": "riverside", "label": "Riverside Partnerships Bulletin", "count": 2},
        {"id": NORTHSHIRE, "label": "Northshire Gazette", "count": 1},
    ]
    for value in (NORTHSHIRE, "northshire gazette", "Northshire  GAZETTE"):  # id or name
        only = two.get("/api/search", query_string={"publication": value}).get_json()
        assert only["total"] == 2, value
        assert {r["edition"]["publication"]["id"] for r in only["results"]} == {NORTHSHIRE}
    assert two.get("/api/search?publication=nothing").get_json()["total"] == 0
    hit = two.get("/api/search?edition=riverside-02").get_json()["results"][0]
    assert hit["edition"]["label"] == "Riverside Partnerships Bulletin, Issue 2, July 2019"
    assert hit["edition"]["publication"] == {"id": "riverside", "name": RIVERSIDE.name}
    editions = {e["id"]: e for e in two.get("/api/editions").get_json()}
    assert editions["riverside-03"]["publication"] == {
        "id": NORTHSHIRE,
        "name": "Northshire Gazette",
    }
    assert editions["loose-notes"]["publication"] is None
    status = two.get("/api/status").get_json()
    assert [(p["id"], p["editions"], p["articles"]) for p in status["publications"]] == [
        ("riverside", 2, 5),
        (NORTHSHIRE, 1, 2),
    ]
    assert status["publications"][0]["attribution"] == RIVERSIDE.attribution


def test_the_publication_facet_and_filter_on_the_page(two: FlaskClient) -> None:
    html = two.get("/?q=fraud").get_data(as_text=True)
    facet = re.search(
        r'<section class="facet" aria-labelledby="facet-publication">.*?</section>', html, re.S
    )
    assert facet is not None and '<h3 id="facet-publication">Publication</h3>' in facet.group(0)
    link = re.search(r'href="(/\?q=fraud&amp;publication=riverside)"', facet.group(0))
    assert link is not None  # a value adds its filter
    assert 'href="/publications/riverside">Riverside Partnerships Bulletin</a>' in facet.group(0)
    filtered = two.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "2 articles" in filtered and "Publication: Riverside Partnerships Bulletin" in filtered
    # each result's edition line: its publication's page, then the rest of its label
    assert (
        '<span><a href="/publications/riverside">Riverside Partnerships Bulletin</a>, Issue 1, '
        "March 2018</span>"
    ) in filtered


def test_a_publication_s_page_lists_its_editions_newest_first(two: FlaskClient) -> None:
    answer = two.get("/publications/riverside")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "<h1>Riverside Partnerships Bulletin</h1>" in html
    assert "Fictional Partnerships Unit" in html and "2 editions" in html and "5 articles" in html
    assert 'href="/?publication=riverside"' in html
    assert 'href="https://example.org/riverside-licence"' in html
    listed = re.findall(
        r'<li><a href="/editions#([\w-]+)">([^<]+)</a>\s*<span class="muted">(\d+) article', html
    )
    assert listed == [
        ("riverside-02", "Riverside Partnerships Bulletin, Issue 2, July 2019", "3"),
        ("riverside-01", "Riverside Partnerships Bulletin, Issue 1, March 2018", "2"),
    ]
    assert 'href="/?edition=riverside-02"' in html
    assert two.get("/publications/no-such-publication").status_code == 404
    assert two.get("/publications/Riverside").status_code == 404  # by its id only


def test_the_editions_page_groups_editions_by_publication(
    two: FlaskClient, client: FlaskClient
) -> None:
    html = two.get("/editions").get_data(as_text=True)
    headings = re.findall(r"<h([23]) id=\"[^\"]+\">(.*?)</h\1>", html)
    assert [(level, re.sub(r"<[^>]+>", "", text)) for level, text in headings] == [
        ("2", "Riverside Partnerships Bulletin"),
        ("3", "Riverside Partnerships Bulletin, Issue 2, July 2019"),
        ("3", "Riverside Partnerships Bulletin, Issue 1, March 2018"),
        ("2", "Northshire Gazette"),
        ("3", "Northshire Gazette, Issue 3, November 2020"),
        ("2", "Editions of no known publication"),
        ("3", "Loose notes: Loose notes (January 2020)"),
    ]
    assert f'<a href="/publications/{NORTHSHIRE}">Northshire Gazette</a></h2>' in html
    # one publication: the editions as a list, each linking to its publication's page
    shipped = client.get("/editions").get_data(as_text=True)
    assert ">SOC Local Partnerships Bulletin, Issue 7, October 2017</h2>" in shipped
    assert 'href="/publications/soc-local-partnerships-bulletin">' in shipped


def test_exports_and_feeds_carry_the_label_and_publication(two: FlaskClient) -> None:
    text = two.get("/export.csv?edition=riverside-03").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["publication"], r["edition_label"]) for r in rows} == {
        ("Northshire Gazette", "Northshire Gazette, Issue 3, November 2020")
    }
    feed = two.get("/feed.atom?edition=riverside-03").get_data(as_text=True)
    assert '<content type="text">Northshire Gazette, Issue 3, November 2020, page' in feed


def test_the_status_page_lists_the_publications(two: FlaskClient) -> None:
    html = " ".join(two.get("/status").get_data(as_text=True).split())
    assert (
        '<dt>Publications</dt><dd><a href="/publications/riverside">Riverside Partnerships '
        f'Bulletin</a> (2 editions), <a href="/publications/{NORTHSHIRE}">Northshire Gazette</a>'
        " (1 edition)</dd>"
    ) in html
