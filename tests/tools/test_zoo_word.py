"""The Word-style zoo layouts keep every word of the 7th edition, deterministically.

Each layout renders the manuscript twice (same bytes), pdfminer reads the words back, and the
outline (PDF bookmarks) is there exactly in the layouts that imitate Word's "create bookmarks
using headings".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
from pdfminer.pdfparser import PDFParser

from tools.manuscript import ManuscriptPage, manuscript_articles, parse_manuscript, words
from tools.zoo.common import Cover
from tools.zoo.word import LAYOUTS

ROOT = Path(__file__).resolve().parents[2]
MANUSCRIPT = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
COVER = Cover(
    masthead="SOC LOCAL PARTNERSHIPS BULLETIN",
    tagline="Working together to tackle serious and organised crime",
    edition_line="Issue 07 | October 2017",
    footer="SOC Local Partnerships Bulletin · October 2017",
)
BOOKMARKED = {"word-heading-1pt", "word-bookmarks", "word-bold-titles-2col"}


@pytest.fixture(scope="module")
def pages() -> tuple[ManuscriptPage, ...]:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


def found_words(text: str) -> Counter[str]:
    """Words in extracted text, reading a line-end hyphen both as a hyphen and as a break."""
    text = text.replace("\u00ad", "")
    kept = Counter(words(re.sub(r"-\n", "-", text)))
    joined = Counter(words(re.sub(r"-\n", "", text)))
    return kept | joined


def outline_titles(pdf: Path) -> list[str]:
    with pdf.open("rb") as handle:
        try:
            return [title for _level, title, *_ in PDFDocument(PDFParser(handle)).get_outlines()]
        except PDFNoOutlines:
            return []


def test_the_family_has_enough_layouts() -> None:
    assert len(LAYOUTS) >= 4
    assert all(name.startswith("word-") for name in LAYOUTS)
    assert set(LAYOUTS) > BOOKMARKED


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_is_deterministic_and_keeps_every_word(
    name: str, pages: tuple[ManuscriptPage, ...], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    LAYOUTS[name](pages, first, COVER)
    LAYOUTS[name](pages, second, COVER)
    assert first.read_bytes() == second.read_bytes()

    articles = manuscript_articles(pages)
    needed = Counter(
        w for article in articles for w in [*words(article.title or ""), *words(article.body)]
    )
    missing = needed - found_words(extract_text(first))
    assert not missing, f"{name}: words missing from the PDF's text: {dict(missing)}"

    titles = [article.title for article in articles if article.title]
    assert outline_titles(first) == (titles if name in BOOKMARKED else [])
