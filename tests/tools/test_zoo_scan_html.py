"""The fictional zoo manuscripts, and the scan and browser families of zoo layouts.

The fictional editions parse into the articles they were written with. The scan layouts write
image-only PDFs (no text layer: they are read with OCR) with the same bytes on every run. The
browser layouts keep every article word as text, deterministically; the tagged one has a
structure tree and an outline of its headings.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from tests.tools import zoo_checks
from tools.manuscript import edition_line, manuscript_articles, parse_manuscript, words
from tools.render_html import find_chromium
from tools.zoo import FICTIONAL, html, scan
from tools.zoo.common import Render

# file stem: (articles, the cover's edition line)
EDITIONS = {
    "northshire-csp-newsletter-05": (8, "Issue 05 | December 2016"),
    "regional-economic-crime-bulletin-10": (
        7,
        "Regional Economic Crime Partnership Bulletin — April 2019 — Issue 10",
    ),
    "harbourside-licensing-update-08": (7, "Eighth edition, January 2018"),
    "eastmarsh-safer-homes-news-03": (7, "No. 3 · March 2020"),  # held out while tuning
}

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (poppler-utils)"
)


def assert_names_what_is_missing(render: Render, message: str, tmp_path: Path) -> None:
    """With its tool missing, the layout raises an error whose message matches ``message``."""
    pages = zoo_checks.fictional_pages("harbourside-licensing-update-08")
    with pytest.raises(RuntimeError, match=message):
        render(pages, tmp_path / "out.pdf", zoo_checks.cover_of(pages))


# --- the fictional manuscripts ----------------------------------------------------------------


def test_every_fictional_manuscript_is_checked() -> None:
    assert {path.stem for path in FICTIONAL.glob("*.md")} == set(EDITIONS)


@pytest.mark.parametrize("stem", sorted(EDITIONS))
def test_fictional_manuscript_parses_into_its_articles(stem: str) -> None:
    text = (FICTIONAL / f"{stem}.md").read_text(encoding="utf-8")
    head = text.split("\n@", 1)[0]
    assert "FICTIONAL" in head and "software testing" in head and "not a real publication" in head
    pages = parse_manuscript(text)
    count, line = EDITIONS[stem]
    articles = manuscript_articles(pages)
    assert len(articles) == count
    assert edition_line(pages) == line
    assert 6 <= len(pages) <= 10
    tagline = next(b.text for p in pages for b in p.blocks if b.kind == "tagline")
    assert tagline.endswith("(fictional edition for testing)")
    assert all(80 <= len(words(a.body)) <= 350 for a in articles), [
        (a.title, len(words(a.body))) for a in articles
    ]
    assert sum(a.title is None for a in articles) == 1  # the one headed by artwork
    assert 2 <= len({a.section for a in articles if a.section}) <= 4
    assert any("**" in b.text for p in pages for b in p.blocks if b.kind == "para")
    assert any(b.kind == "bullets" for p in pages for b in p.blocks)


def test_fictional_titles_vary() -> None:
    titles = [
        a.title
        for stem in EDITIONS
        for a in manuscript_articles(zoo_checks.fictional_pages(stem))
        if a.title
    ]
    assert any(t.endswith("?") for t in titles)
    assert any(":" in t for t in titles)
    assert any(re.search(r"\d", t) for t in titles)
    assert any(len(t.split()) == 2 for t in titles) and any(len(t.split()) >= 8 for t in titles)


# --- scan layouts -----------------------------------------------------------------------------


def test_scan_family() -> None:
    assert scan.needs_ocr is True
    assert set(scan.LAYOUTS) == {"scan-skewed", "scan-noisy"}


def test_scan_without_pdftoppm_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert_names_what_is_missing(scan.LAYOUTS["scan-skewed"], "poppler-utils", tmp_path)


@pytest.mark.slow
@needs_pdftoppm
@pytest.mark.parametrize("layout", sorted(scan.LAYOUTS))
def test_scan_is_image_only_and_deterministic(layout: str, tmp_path: Path) -> None:
    # three pages are enough, and quick
    pages = zoo_checks.fictional_pages("harbourside-licensing-update-08")[:3]
    first = zoo_checks.assert_deterministic(
        scan.LAYOUTS[layout], pages, tmp_path, zoo_checks.cover_of(pages)
    )
    assert extract_text(first).strip() == ""
    with pikepdf.open(first) as pdf:
        assert len(pdf.pages) == len(pages)
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20180101")
        for page in pdf.pages:
            assert "/Font" not in page.Resources
            assert len(page.get_images()) == 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
@needs_pdftoppm
@pytest.mark.parametrize("layout", sorted(scan.LAYOUTS))
def test_scan_is_readable_with_ocr(layout: str, tmp_path: Path) -> None:
    from indexer.extract import extract_pdf, read_source
    from indexer.ocr import ocr_pdf

    pages = zoo_checks.fictional_pages("northshire-csp-newsletter-05")[:1]  # OCR: seconds a page
    out = tmp_path / "scan.pdf"
    scan.LAYOUTS[layout](pages, out, zoo_checks.cover_of(pages))
    source = read_source(out)
    recognised = ocr_pdf(source, extract_pdf(source))
    found = Counter(words("\n".join(line.text for p in recognised.pages for line in p.lines)))
    needed = zoo_checks.article_words(pages)
    assert sum((needed & found).values()) >= 0.95 * sum(needed.values())


# --- browser layouts --------------------------------------------------------------------------


def test_html_family() -> None:
    assert set(html.LAYOUTS) == {"html-tagged-outline", "html-cards"}


def test_html_without_chromium_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("tools.zoo.html.find_chromium", lambda: None)
    assert_names_what_is_missing(html.LAYOUTS["html-cards"], "apt-get install chromium", tmp_path)


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("layout", sorted(html.LAYOUTS))
def test_html_keeps_every_word_deterministically(layout: str, tmp_path: Path) -> None:
    pages = zoo_checks.seventh_pages()
    first = zoo_checks.assert_deterministic(html.LAYOUTS[layout], pages, tmp_path)
    missing = zoo_checks.missing_words(pages, first)
    assert not missing, f"{layout}: words missing from the PDF's text: {missing}"
    with pikepdf.open(first) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == html.PDF_DATE
        tagged = "/StructTreeRoot" in pdf.Root and "/Outlines" in pdf.Root
        assert tagged == (layout == "html-tagged-outline")


@needs_chromium
def test_html_tagged_outline_lists_the_headings(tmp_path: Path) -> None:
    pages = zoo_checks.fictional_pages("northshire-csp-newsletter-05")
    out = tmp_path / "tagged.pdf"
    html.LAYOUTS["html-tagged-outline"](pages, out, zoo_checks.cover_of(pages))
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        with pdf.open_outline() as outline:
            titles: list[str] = []
            stack = list(reversed(outline.root))
            while stack:
                item = stack.pop()
                titles.append(item.title)
                stack.extend(reversed(item.children))
    # Chromium joins a wrapped heading's lines with no space ("SAFETYPARTNERSHIP"): compare
    # titles without spaces.
    found = [re.sub(r"\s", "", title) for title in titles]
    expected = [re.sub(r"\s", "", a.title) for a in manuscript_articles(pages) if a.title]
    assert found[0] == "NORTHSHIRECOMMUNITYSAFETYPARTNERSHIPNEWSLETTER"
    assert [t for t in found if t in expected] == expected
    assert "Protectingpeople" in found  # a section name, in small caps on the page


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("layout", sorted(html.LAYOUTS))
@pytest.mark.parametrize("stem", sorted(EDITIONS))
def test_html_keeps_every_word_of_fictional_editions(
    layout: str, stem: str, tmp_path: Path
) -> None:
    pages = zoo_checks.fictional_pages(stem)
    out = tmp_path / "out.pdf"
    html.LAYOUTS[layout](pages, out, zoo_checks.cover_of(pages))
    missing = zoo_checks.missing_words(pages, out)
    assert not missing, f"{stem} in {layout}: words missing from the PDF's text: {missing}"
