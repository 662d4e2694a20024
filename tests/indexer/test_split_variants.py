"""The same edition, rendered by other producers and layouts, splits into the same articles.

Nothing in the splitter knows this edition: headings come from layout alone. Each render here
differs in producer (reportlab, fpdf2, Chromium's Skia), fonts, sizes, columns, where the
section name is drawn and how logos are drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.extract import extract_pdf
from indexer.split import split_edition
from tests.conftest import MANUSCRIPT
from tests.indexer.test_split import EXPECTED
from tools.manuscript import ManuscriptPage, parse_manuscript
from tools.render_fpdf import render_fpdf
from tools.render_html import find_chromium, render_chromium
from tools.render_reportlab import render_reportlab

Render = Callable[[tuple[ManuscriptPage, ...], Path], None]
FOOTER = "Bulletin · October 2017"  # the running footer both renderers print

VARIANTS: dict[str, Render] = {
    "reportlab-1col": lambda p, out: render_reportlab(p, out, columns=1),
    "reportlab-2col-9pt": lambda p, out: render_reportlab(p, out, columns=2, body_size=9.0),
    "reportlab-1col-11pt-no-info": lambda p, out: render_reportlab(
        p, out, columns=1, body_size=11.0
    ),
    "fpdf-1col": lambda p, out: render_fpdf(p, out, columns=1),
    "fpdf-2col": lambda p, out: render_fpdf(p, out, columns=2),
    "chromium-1col": lambda p, out: render_chromium(p, out, columns=1),
    "chromium-2col": lambda p, out: render_chromium(p, out, columns=2),
}


@pytest.fixture(scope="module")
def manuscript() -> tuple[ManuscriptPage, ...]:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(VARIANTS))
def test_variant_splits_into_the_same_articles(
    name: str, manuscript: tuple[ManuscriptPage, ...], tmp_path: Path
) -> None:
    if name.startswith("chromium") and find_chromium() is None:
        pytest.skip("Chromium not installed (Debian: apt-get install chromium)")
    out = tmp_path / f"{name}.pdf"
    VARIANTS[name](manuscript, out)
    articles = split_edition(extract_pdf(out), "variant").articles
    got = [(a.title if a.title_from == "heading" else None, a.section) for a in articles]
    assert got == [(title, section) for title, section, _ in EXPECTED]
    for article in articles:
        assert FOOTER not in article.body, article.title
        assert article.body, article.title
    # Page ranges may shift by the odd logo line, but each article starts on its own page.
    assert [a.pages[0] for a in articles] == [pages[0] for _, _, pages in EXPECTED]
