"""The PDF renderers keep every word of a manuscript, on its own page, in order.

The shipped corpus PDF is rendered from its manuscript by ``tools.render_reportlab``; the fpdf2
renderer is a second producer with different internals. Text is read back with pdfminer.six as
the indexer reads it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LAParams, LTChar, LTContainer, LTFigure, LTItem
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from tools.manuscript import ManuscriptPage, parse_manuscript, words
from tools.render_fpdf import main as fpdf_main
from tools.render_fpdf import render_fpdf
from tools.render_reportlab import PageOverflowError, render_reportlab, split_long_token
from tools.render_reportlab import main as reportlab_main

ROOT = Path(__file__).resolve().parents[2]
NAME = "soc-local-partnerships-bulletin-07"
MANUSCRIPT = ROOT / "corpus" / "manuscripts" / f"{NAME}.md"
CORPUS_PDF = ROOT / "corpus" / f"{NAME}.pdf"
SHARED = Path(
    os.environ.get("BULLETINS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
SOURCE_TEXT = SHARED / "data" / f"{NAME}.txt"
# The documented command that renders the shipped corpus PDF (see tools/render_reportlab.py).
CORPUS_TITLE = "SOC Local Partnerships Bulletin, Issue 07, October 2017"
CORPUS_AUTHOR = "Home Office"
LAPARAMS = LAParams(boxes_flow=-0.5, char_margin=4.0, all_texts=True)

Renderer = Callable[[Sequence[ManuscriptPage], Path, int], None]


def _reportlab(pages: Sequence[ManuscriptPage], out: Path, columns: int) -> None:
    render_reportlab(pages, out, columns=columns)


def _fpdf(pages: Sequence[ManuscriptPage], out: Path, columns: int) -> None:
    render_fpdf(pages, out, columns=columns)


@pytest.fixture(scope="module")
def pages() -> tuple[ManuscriptPage, ...]:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


def page_count(pdf: Path) -> int:
    with pdf.open("rb") as handle:
        return sum(1 for _ in PDFPage.get_pages(handle))


def page_words(pdf: Path, index: int) -> list[str]:
    """The words pdfminer extracts from one page (0-based), figures' text included."""
    return words(extract_text(pdf, page_numbers=[index], laparams=LAPARAMS))


def expected_words(page: ManuscriptPage, *, logos_last: bool) -> list[str]:
    """A page's words in reading order; artwork names are not rendered.

    With ``logos_last``, logo words come after all other words: the reportlab renderer draws
    logos as Form XObjects, and pdfminer emits a figure's text after the page's text boxes.
    """
    blocks = [block for block in page.blocks if block.kind != "artwork"]
    if logos_last:
        blocks = [b for b in blocks if b.kind != "logo"] + [b for b in blocks if b.kind == "logo"]
    return [word for block in blocks for word in words(block.text)]


def first_missing(needed: list[str], found: list[str]) -> int | None:
    """Index of the first needed word not found in order in ``found`` (None: a subsequence)."""
    remaining = iter(found)
    for position, word in enumerate(needed):
        if word not in remaining:
            return position
    return None


def assert_pages_hold_their_words(
    pdf: Path, pages: Sequence[ManuscriptPage], *, logos_last: bool
) -> None:
    assert page_count(pdf) == len(pages)
    for page in pages:
        needed = expected_words(page, logos_last=logos_last)
        found = page_words(pdf, page.number - 1)
        missing = first_missing(needed, found)
        assert missing is None, (
            f"{pdf.name} page {page.number}: word {missing} {needed[missing]!r} missing or out "
            f"of order; context {needed[max(0, missing - 5) : missing + 5]}"
        )


def test_manuscript_has_the_words_of_the_source_text(pages: Sequence[ManuscriptPage]) -> None:
    if not SOURCE_TEXT.exists():
        pytest.skip(f"{SOURCE_TEXT} not present (set BULLETINS_SHARED_DIR)")
    source = words(SOURCE_TEXT.read_text(encoding="utf-8"))
    manuscript = [
        w for page in pages for b in page.blocks if b.kind != "artwork" for w in words(b.text)
    ]
    assert manuscript == source


def test_corpus_pdf_has_every_manuscript_page_with_its_words(
    pages: Sequence[ManuscriptPage],
) -> None:
    assert len(pages) == 20
    assert_pages_hold_their_words(CORPUS_PDF, pages, logos_last=True)


def test_corpus_pdf_is_the_current_render_of_its_manuscript(tmp_path: Path) -> None:
    out = tmp_path / "corpus.pdf"
    reportlab_main([str(MANUSCRIPT), str(out), "--title", CORPUS_TITLE, "--author", CORPUS_AUTHOR])
    assert out.read_bytes() == CORPUS_PDF.read_bytes(), (
        "corpus PDF is stale: re-run the render command in tools/render_reportlab.py"
    )


def test_corpus_pdf_has_document_info() -> None:
    with CORPUS_PDF.open("rb") as handle:
        info = PDFDocument(PDFParser(handle)).info[0]
    assert info["Title"] == CORPUS_TITLE.encode()
    assert info["Author"] == CORPUS_AUTHOR.encode()


@pytest.mark.parametrize(
    ("renderer", "columns", "logos_last"),
    [
        pytest.param(_reportlab, 1, True, id="reportlab-1col"),
        pytest.param(_reportlab, 2, True, id="reportlab-2col"),
        pytest.param(_fpdf, 1, False, id="fpdf-1col"),
        pytest.param(_fpdf, 2, False, id="fpdf-2col"),
    ],
)
@pytest.mark.slow
def test_every_variant_keeps_each_page_and_its_words(
    pages: Sequence[ManuscriptPage],
    tmp_path: Path,
    renderer: Renderer,
    columns: int,
    logos_last: bool,
) -> None:
    out = tmp_path / "variant.pdf"
    renderer(pages, out, columns)
    assert_pages_hold_their_words(out, pages, logos_last=logos_last)


def _figure_words(figure: LTFigure) -> list[str]:
    """Words of the characters inside a figure (a Form XObject)."""

    def chars(item: LTItem) -> list[str]:
        if isinstance(item, LTChar):
            return [item.get_text()]
        if isinstance(item, LTContainer):
            return [text for child in item for text in chars(child)]
        return []

    return words("".join(chars(figure)))


def test_reportlab_logos_and_artwork_are_form_xobjects(pages: Sequence[ManuscriptPage]) -> None:
    layouts = list(extract_pages(CORPUS_PDF, laparams=LAPARAMS))
    for page in pages:
        figures = [item for item in layouts[page.number - 1] if isinstance(item, LTFigure)]
        logos = [b for b in page.blocks if b.kind == "logo"]
        artworks = [b for b in page.blocks if b.kind == "artwork"]
        assert len(figures) == len(logos) + len(artworks), f"page {page.number}"
        texts = [_figure_words(figure) for figure in figures]
        assert sorted(t for t in texts if t) == sorted(words(b.text) for b in logos)
        assert sum(1 for t in texts if not t) == len(artworks)


@pytest.mark.parametrize("renderer", [_reportlab, _fpdf], ids=["reportlab", "fpdf"])
@pytest.mark.parametrize("columns", [1, 2])
def test_overflowing_page_raises_instead_of_adding_pages(
    tmp_path: Path, renderer: Renderer, columns: int
) -> None:
    long_text = " ".join(["Far too many words for a single page of the bulletin."] * 250)
    overflowing = parse_manuscript(f"# Short page\n\nFits.\n\n@page\n# Too long\n\n{long_text}\n")
    out = tmp_path / "overflow.pdf"
    with pytest.raises(PageOverflowError, match="page 2"):
        renderer(overflowing, out, columns)
    assert not out.exists()


def test_fpdf_render_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    fpdf_main([str(MANUSCRIPT), str(first)])
    fpdf_main([str(MANUSCRIPT), str(second)])
    assert first.read_bytes() == second.read_bytes()


def test_reportlab_leaves_document_info_empty_without_title(
    pages: Sequence[ManuscriptPage], tmp_path: Path
) -> None:
    out = tmp_path / "untitled.pdf"
    render_reportlab(pages[:1], out)
    with out.open("rb") as handle:
        info = PDFDocument(PDFParser(handle)).info[0]
    assert info.get("Title", b"") == b""
    assert info.get("Author", b"") == b""


def test_long_tokens_split_between_words_only() -> None:
    url = "https://www.gov.uk/government/statistics/asset-recovery-statistical-bulletin"
    chunks = split_long_token(url, 100.0, lambda text: 5.0 * len(text))
    assert "".join(chunks) == url
    assert all(5.0 * len(chunk) <= 100.0 for chunk in chunks)
    assert [w for chunk in chunks for w in words(chunk)] == words(url)
    assert split_long_token("short", 100.0, lambda text: 5.0 * len(text)) == ["short"]


@pytest.mark.parametrize("renderer", [_reportlab, _fpdf], ids=["reportlab", "fpdf"])
def test_unsupported_column_count_is_refused(
    pages: Sequence[ManuscriptPage], tmp_path: Path, renderer: Renderer
) -> None:
    with pytest.raises(ValueError, match="columns"):
        renderer(pages, tmp_path / "three.pdf", 3)
