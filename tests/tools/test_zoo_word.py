"""The Word-style zoo layouts keep every word of the 7th edition, deterministically.

Each layout renders the manuscript twice (same bytes), pdfminer reads the words back, and the
outline (PDF bookmarks) is there exactly in the layouts that imitate Word's "create bookmarks
using headings".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
from pdfminer.pdfparser import PDFParser

from tests.tools import zoo_checks
from tools.manuscript import manuscript_articles
from tools.zoo.word import LAYOUTS

BOOKMARKED = {"word-heading-1pt", "word-bookmarks", "word-bold-titles-2col"}


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
def test_layout_is_deterministic_and_keeps_every_word(name: str, tmp_path: Path) -> None:
    pages = zoo_checks.seventh_pages()
    first = zoo_checks.assert_deterministic(LAYOUTS[name], pages, tmp_path)

    missing = zoo_checks.missing_words(pages, first)
    assert not missing, f"{name}: words missing from the PDF's text: {missing}"

    titles = [article.title for article in manuscript_articles(pages) if article.title]
    assert outline_titles(first) == (titles if name in BOOKMARKED else [])
