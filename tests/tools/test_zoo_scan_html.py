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

from tools.manuscript import (
    ManuscriptPage,
    TruthArticle,
    edition_line,
    manuscript_articles,
    parse_manuscript,
    words,
)
from tools.render_html import find_chromium
from tools.zoo import html, scan
from tools.zoo.common import Cover

ROOT = Path(__file__).resolve().parents[2]
SEVENTH = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
FICTIONAL = ROOT / "tools" / "zoo" / "manuscripts"
# file stem: (articles, the cover's edition line)
EDITIONS = {
    "northshire-csp-newsletter-05": (8, "Issue 05 | December 2016"),
    "regional-economic-crime-bulletin-10": (
        7,
        "Regional Economic Crime Partnership Bulletin — April 2019 — Issue 10",
    ),
    "harbourside-licensing-update-08": (7, "Eighth edition, January 2018"),
}
SEVENTH_COVER = Cover(
    masthead="SOC LOCAL PARTNERSHIPS BULLETIN",
    tagline="Working together to tackle serious and organised crime",
    edition_line="Issue 07 | October 2017",
    footer="SOC Local Partnerships Bulletin · October 2017",
)

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (poppler-utils)"
)


def load(stem: str) -> tuple[ManuscriptPage, ...]:
    return parse_manuscript((FICTIONAL / f"{stem}.md").read_text(encoding="utf-8"))


def cover_of(pages: tuple[ManuscriptPage, ...]) -> Cover:
    blocks = {b.kind: b.text for p in pages for b in p.blocks if b.kind in ("masthead", "tagline")}
    line = edition_line(pages)
    assert line is not None
    return Cover(blocks["masthead"], blocks.get("tagline"), line, f"{blocks['masthead']} · {line}")


def article_words(articles: list[TruthArticle]) -> Counter[str]:
    return Counter(w for a in articles for w in words(f"{a.title or ''}\n{a.body}"))


def found_words(text: str) -> Counter[str]:
    """Words in extracted text, reading a line-end hyphen both as a hyphen and as a break."""
    text = text.replace("\u00ad", "")
    return Counter(words(re.sub(r"-\n", "-", text))) | Counter(words(re.sub(r"-\n", "", text)))


def missing_words(pdf: Path, pages: tuple[ManuscriptPage, ...]) -> Counter[str]:
    return article_words(manuscript_articles(pages)) - found_words(extract_text(pdf))


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
    titles = [a.title for stem in EDITIONS for a in manuscript_articles(load(stem)) if a.title]
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
    pages = load("harbourside-licensing-update-08")
    with pytest.raises(RuntimeError, match="poppler-utils"):
        scan.LAYOUTS["scan-skewed"](pages, tmp_path / "out.pdf", cover_of(pages))


@needs_pdftoppm
@pytest.mark.parametrize("layout", sorted(scan.LAYOUTS))
def test_scan_is_image_only_and_deterministic(layout: str, tmp_path: Path) -> None:
    pages = load("harbourside-licensing-update-08")[:3]  # three pages are enough, and quick
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    for out in (first, second):
        scan.LAYOUTS[layout](pages, out, cover_of(pages))
    assert first.read_bytes() == second.read_bytes()
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

    pages = load("northshire-csp-newsletter-05")[:3]
    out = tmp_path / "scan.pdf"
    scan.LAYOUTS[layout](pages, out, cover_of(pages))
    source = read_source(out)
    recognised = ocr_pdf(source, extract_pdf(source))
    found = Counter(words("\n".join(line.text for p in recognised.pages for line in p.lines)))
    needed = article_words(manuscript_articles(pages))
    assert sum((needed & found).values()) >= 0.95 * sum(needed.values())


# --- browser layouts --------------------------------------------------------------------------


def test_html_family() -> None:
    assert set(html.LAYOUTS) == {"html-tagged-outline", "html-cards"}


def test_html_without_chromium_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("tools.zoo.html.find_chromium", lambda: None)
    pages = load("harbourside-licensing-update-08")
    with pytest.raises(RuntimeError, match="apt-get install chromium"):
        html.LAYOUTS["html-cards"](pages, tmp_path / "out.pdf", cover_of(pages))


@needs_chromium
@pytest.mark.parametrize("layout", sorted(html.LAYOUTS))
def test_html_keeps_every_word_deterministically(layout: str, tmp_path: Path) -> None:
    pages = parse_manuscript(SEVENTH.read_text(encoding="utf-8"))
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    for out in (first, second):
        html.LAYOUTS[layout](pages, out, SEVENTH_COVER)
    assert first.read_bytes() == second.read_bytes()
    assert not missing_words(first, pages)
    with pikepdf.open(first) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == html.PDF_DATE
        tagged = "/StructTreeRoot" in pdf.Root and "/Outlines" in pdf.Root
        assert tagged == (layout == "html-tagged-outline")


@needs_chromium
def test_html_tagged_outline_lists_the_headings(tmp_path: Path) -> None:
    pages = load("northshire-csp-newsletter-05")
    out = tmp_path / "tagged.pdf"
    html.LAYOUTS["html-tagged-outline"](pages, out, cover_of(pages))
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
    pages = load(stem)
    out = tmp_path / "out.pdf"
    html.LAYOUTS[layout](pages, out, cover_of(pages))
    assert not missing_words(out, pages)
