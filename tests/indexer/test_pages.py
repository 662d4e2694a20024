"""The page of a hit, the layout kept for each PDF, and pages drawn as images.

An article knows where each page's text begins in its body (``page_at``), so a result names the
page its best match is printed on, not only its first; the index keeps each page's lines and
boxes (``pages/<sha256>.json.gz``), so the words a search matched can be marked on the page.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from indexer.cli import cli
from indexer.extract import extract_pdf, read_source
from indexer.index import ArticleIndex
from indexer.index._pages import layout_file, marked_lines, read_layout, write_layout
from indexer.index._schema import TEXT_ANALYZER
from indexer.models import Edition, PageLayout, page_at_offset
from indexer.render import PageImages, RenderError, render_png
from indexer.split import split_articles
from tests.conftest import SHIPPED_PDF
from tools.zoo import build

EDITION = SHIPPED_PDF.stem


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _words_on_their_pages(pdf_path: Path) -> tuple[int, int]:
    """Of every word of 7 letters or more in the articles, how many are printed on the page
    the article's ``page_at`` says (and how many there are)."""
    pdf = extract_pdf(read_source(pdf_path))
    printed = {page.number: _norm(page.text) for page in pdf.pages}
    found = total = 0
    for article in split_articles(pdf, "e"):
        assert article.page_at[0][0] == 0
        offsets = [offset for offset, _ in article.page_at]
        assert offsets == sorted(set(offsets)) and offsets[-1] < max(len(article.body), 1)
        assert {page for _, page in article.page_at} <= set(article.pages)
        for word in re.finditer(r"[A-Za-z]{7,}", article.body):
            total += 1
            found += _norm(word.group()) in printed[article.page_of(word.start())]
    return found, total


def test_every_word_of_the_shipped_edition_is_on_the_page_its_article_says() -> None:
    found, total = _words_on_their_pages(SHIPPED_PDF)
    assert total > 800 and found == total


@pytest.mark.parametrize("layout", ["word-bold-titles-2col", "publisher-jump", "magazine-3col"])
def test_words_are_on_the_page_said_in_other_producers_layouts(tmp_path: Path, layout: str) -> None:
    (pdf,) = build(tmp_path, [f"northshire-csp-newsletter-05--{layout}"])
    found, total = _words_on_their_pages(pdf)
    assert total > 250 and found >= 0.99 * total


def test_page_at_offset_picks_the_page_the_offset_falls_in() -> None:
    page_at = ((0, 3), (100, 4), (250, 6))
    assert [page_at_offset(page_at, o, 1) for o in (0, 99, 100, 249, 250, 9999)] == [
        3,
        3,
        4,
        4,
        6,
        6,
    ]
    assert page_at_offset((), 50, 7) == 7


def test_a_hit_names_the_page_its_best_match_is_on() -> None:
    index = ArticleIndex(None)
    articles = split_articles(extract_pdf(read_source(SHIPPED_PDF)), EDITION)
    index.add_edition(Edition(EDITION, "T", 7, "2017-10", None, "x.pdf", "x.pdf"), articles)
    (hit,) = index.search("brothels").results  # printed on the article's second page
    assert hit.pages == [14, 15] and hit.page == 15
    opening = index.search('"gangmasters and labour abuse authority"').results[0]
    assert opening.page == opening.pages[0] == 13
    listed = index.search("").results[0]  # nothing matched: its first page
    assert listed.page == listed.pages[0]
    view = index.article(hit.id, "brothels")
    assert view is not None and view.hit.page == 15
    # matched by its title only: the page its title is printed on, not where its text begins
    (titled,) = index.search("title:aware").results
    assert titled.pages == [7, 8] and titled.page == 7


def _layout() -> PageLayout:
    return PageLayout(
        2,
        600.0,
        800.0,
        (
            ("South Wales Police ran a County Lines workshop", 50.0, 100.0, 330.0, 112.0),
            ("", 50.0, 120.0, 50.0, 130.0),
            ("Officers <met> at Cardiff", 50.0, 130.0, 200.0, 142.0),
        ),
    )


def test_marked_lines_mark_the_words_and_where_they_are_printed() -> None:
    lines, boxes = marked_lines(_layout(), {"wale", "counti", "cardiff"}, TEXT_ANALYZER)
    assert lines[0] == "South <mark>Wales</mark> Police ran a <mark>County</mark> Lines workshop"
    assert lines[2] == "Officers &lt;met&gt; at <mark>Cardiff</mark>"
    assert len(boxes) == 3
    for x0, top, x1, bottom in boxes:
        assert 0 <= x0 < x1 <= 1 and 0 <= top < bottom <= 1
    wales, county, cardiff = boxes
    assert wales[1] == pytest.approx(100 / 800) and wales[3] == pytest.approx(112 / 800)
    # counted along the line by the letters' widths: "South " before, "Wales" inside
    assert 50 / 600 < wales[0] < county[0] and wales[2] < county[0]
    assert cardiff[2] == pytest.approx(200 / 600)  # the line's last word ends where it does
    assert marked_lines(_layout(), set(), TEXT_ANALYZER)[1] == []


def test_a_layout_is_kept_by_content_hash_and_read_back(tmp_path: Path) -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    write_layout(tmp_path, sha, [_layout()])
    (back,) = read_layout(tmp_path, sha)
    assert back.number == 2 and back.lines[0][0].startswith("South Wales")
    assert back.lines[2][1:] == (50.0, 130.0, 200.0, 142.0)
    assert read_layout(tmp_path, "0" * 64) == ()  # none kept
    assert read_layout(tmp_path, "../../etc/passwd") == ()  # not a hash: never a path
    layout_file(tmp_path, sha).write_bytes(b"damaged")
    assert read_layout(tmp_path, sha) == ()


def test_indexing_keeps_each_pdfs_layout_and_prunes_it_with_the_pdf(
    corpus_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    (other,) = build(corpus_copy, ["northshire-csp-newsletter-05--word-bookmarks"])
    runner = CliRunner()
    args = ["index", "--corpus", str(corpus_copy), "--index", str(index_dir), "-q"]
    assert runner.invoke(cli, args).exit_code == 0
    sha = hashlib.sha256(SHIPPED_PDF.read_bytes()).hexdigest()
    layout = read_layout(index_dir, sha)
    assert len(layout) == 20 and any("Op GUARDIAN" in line[0] for line in layout[18].lines)
    opened = ArticleIndex(index_dir)
    view = opened.page(EDITION, 19, "county lines")
    assert view is not None and view.layout_known and view.count == 20
    assert len(view.marks) >= 2 and any(
        "<mark>County</mark> <mark>Lines</mark>" in ln for ln in view.lines
    )
    assert [a.title for a in view.articles] == ["Op GUARDIAN"]
    assert opened.page(EDITION, 21) is None and opened.page("no-such", 1) is None
    opened.close()
    other_sha = hashlib.sha256(other.read_bytes()).hexdigest()
    assert layout_file(index_dir, other_sha).exists()
    other.unlink()
    assert runner.invoke(cli, args).exit_code == 0
    assert not layout_file(index_dir, other_sha).exists() and layout_file(index_dir, sha).exists()


def test_pages_are_drawn_once_and_the_cache_stays_within_its_bytes(tmp_path: Path) -> None:
    pdf = tmp_path / "e.pdf"
    pdf.write_bytes(SHIPPED_PDF.read_bytes())
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    images = PageImages(limit=10**9)
    first = images.png(pdf, sha, 19)
    with Image.open(io.BytesIO(first)) as image:
        assert image.format == "PNG" and image.width == images.width
        assert image.height == pytest.approx(images.width * 842 / 595, abs=2)
    pdf.unlink()  # cached: the file is not read again
    assert images.png(pdf, sha, 19) == first
    assert images.use().hits == 1 and images.use().entries == 1
    with pytest.raises(RenderError, match="cannot be read"):
        images.png(pdf, sha, 18)
    pdf.write_bytes(SHIPPED_PDF.read_bytes())
    small = PageImages(limit=len(first) * 2)
    for number in (1, 2, 3, 4):
        small.png(pdf, sha, number)
    assert small.use().bytes <= small.limit and small.use().entries < 4


def test_a_file_that_changed_since_indexing_is_drawn_as_it_is_now(tmp_path: Path) -> None:
    pdf = tmp_path / "e.pdf"
    pdf.write_bytes(SHIPPED_PDF.read_bytes() + b"\n% re-saved\n")
    images = PageImages()
    images.png(pdf, "0" * 64, 1)
    assert images.png(pdf, "1" * 64, 1)  # another stale hash: the same bytes, from the cache
    assert images.use().entries == 1


def test_what_cannot_be_drawn_says_why(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="cannot be opened"):
        render_png(b"%PDF-1.4 not really", 1)
    with pytest.raises(RenderError, match="no page 21"):
        render_png(SHIPPED_PDF.read_bytes(), 21)


def test_a_file_that_fails_keeps_the_layout_of_the_edition_kept_for_it(
    corpus_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    args = ["index", "--corpus", str(corpus_copy), "--index", str(index_dir), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    sha = hashlib.sha256(SHIPPED_PDF.read_bytes()).hexdigest()
    (corpus_copy / SHIPPED_PDF.name).write_bytes(b"%PDF-1.4 damaged since")
    for _ in range(2):  # (and still on the run after)
        assert CliRunner().invoke(cli, args).exit_code == 1
        assert layout_file(index_dir, sha).exists()
    view = ArticleIndex(index_dir).page(EDITION, 19, "county lines")
    assert view is not None and view.layout_known and view.marks
