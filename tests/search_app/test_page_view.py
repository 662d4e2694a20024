"""The page view: a result opens the page its words are printed on, as an image with them
outlined, with the pages before and after, the PDF there, the articles on it and its text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from PIL import Image

from indexer.config import Settings
from search_app import create_app
from tests.conftest import SHIPPED_PDF

EDITION = SHIPPED_PDF.stem
MARK = re.compile(r'<rect class="page-mark" x="([\d.-]+)" y="([\d.-]+)"')


def _links(html: str) -> list[str]:
    return [u.replace("&amp;", "&") for u in re.findall(r'href="([^"]*/pages/[^"]*)"', html)]


def test_a_result_links_to_the_page_its_words_are_on(client: FlaskClient) -> None:
    html = client.get("/?q=brothels").get_data(as_text=True)
    link = _links(html)[0]  # the article begins on page 14; "brothels" is on page 15
    assert link == f"/editions/{EDITION}/pages/15?q=brothels&article={EDITION}:11"
    assert "Matched on page 15" in html and f"/editions/{EDITION}/pdf#page=15" in html


def test_the_page_view_outlines_the_words_on_the_page_image(client: FlaskClient) -> None:
    article = f"{EDITION}:14"
    response = client.get(f"/editions/{EDITION}/pages/19?q=county+lines+workshop&article={article}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<image href="/editions/{EDITION}/pages/19.png?v=' in html
    marks = [(float(x), float(y)) for x, y in MARK.findall(html)]
    assert len(marks) == 4  # County, Lines, Workshop; workshop
    assert all(0 < x < 595 and 0 < y < 842 for x, y in marks)
    assert "marked in 4 places on this page" in html
    assert "<mark>County</mark> <mark>Lines</mark> Practitioner <mark>Workshop</mark>" in html
    # the pages around it, the PDF there, the article the reader came from and the page's
    assert f'rel="prev" href="/editions/{EDITION}/pages/18?' in html
    assert f'rel="next" href="/editions/{EDITION}/pages/20?' in html
    assert f"/editions/{EDITION}/pdf#page=19" in html
    assert 'aria-current="true">Op GUARDIAN</a>' in html
    assert "Page 19 of 20" in html


def test_the_first_and_last_pages_and_a_page_without_the_words(client: FlaskClient) -> None:
    first = client.get(f"/editions/{EDITION}/pages/1?q=brothels").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert "None of your search words is printed on this page." in first
    assert not MARK.search(first)
    last = client.get(f"/editions/{EDITION}/pages/20").get_data(as_text=True)
    assert 'rel="next"' not in last and "search words" not in last
    for missing in (
        f"/editions/{EDITION}/pages/21",
        f"/editions/{EDITION}/pages/0",
        "/editions/x/pages/1",
    ):
        assert client.get(missing).status_code == 404


def test_the_page_image_is_served_with_a_validator(client: FlaskClient) -> None:
    response = client.get(f"/editions/{EDITION}/pages/19.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.width == 1100
    etag = response.headers["ETag"]
    again = client.get(f"/editions/{EDITION}/pages/19.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # without the PDF's hash in the URL, a cache asks again (the file may be replaced); the
    # page view links the image by its hash, which may be kept for good
    assert "no-cache" in response.headers["Cache-Control"]
    html = client.get(f"/editions/{EDITION}/pages/19").get_data(as_text=True)
    (linked,) = re.findall(r'<image href="([^"]+)"', html)
    assert "?v=" in linked
    assert "immutable" in client.get(linked.replace("&amp;", "&")).headers["Cache-Control"]
    assert client.get(f"/editions/{EDITION}/pages/21.png").status_code == 404


def test_the_article_links_each_of_its_pages_and_the_page_it_matched_on(
    client: FlaskClient,
) -> None:
    html = client.get(f"/articles/{EDITION}:11?q=brothels").get_data(as_text=True)
    assert "See the page it matched on (page 15)" in html
    links = _links(html)
    assert any("/pages/14?q=brothels" in u for u in links)
    assert any("/pages/15?q=brothels" in u for u in links)


def test_exports_give_the_page_of_the_hit_and_its_page_view(client: FlaskClient) -> None:
    rows = list(
        csv.DictReader(io.StringIO(client.get("/export.csv?q=brothels").data.decode("utf-8-sig")))
    )
    assert rows[0]["pages"] == "14 15" and rows[0]["page"] == "15"
    assert rows[0]["page_url"].endswith(
        f"/editions/{EDITION}/pages/15?q=brothels&article={EDITION}:11"
    )
    assert rows[0]["pdf_url"].endswith("#page=15")
    item = json.loads(client.get("/export.json?q=brothels").data)[0]
    assert item["page"] == 15 and "/pages/15?" in item["page_url"]


def test_a_page_whose_pdf_left_the_corpus_shows_its_text(
    shipped_index: object, tmp_path: Path
) -> None:
    from indexer.index import ArticleIndex

    assert isinstance(shipped_index, ArticleIndex) and shipped_index.path is not None
    empty = tmp_path / "corpus"
    empty.mkdir()
    app = create_app(Settings(corpus_dir=empty, index_dir=shipped_index.path))
    html = app.test_client().get(f"/editions/{EDITION}/pages/19?q=county").get_data(as_text=True)
    assert "no longer in the corpus folder" in html and "<mark>County</mark>" in html
    assert app.test_client().get(f"/editions/{EDITION}/pages/19.png").status_code == 404
