"""Render a bulletin manuscript to PDF with fpdf2: a second, deliberately plainer producer.

Same manuscript, same words, different PDF internals and look, so tests can check that the
indexer does not depend on one producer. Every manuscript page becomes exactly one A4 page:

* the cover opens with the masthead (large bold), the tagline (italic), the edition line and a
  rule; other pages open with the section as a bold all-caps line over a thin rule (a ``banner``
  block is that line, drawn where it stands; pages without one repeat the section in force);
* article titles are bold at 1.5x the body size, body text is Bitstream Vera (shipped inside
  reportlab: fpdf2's core fonts cannot encode curly quotes, dashes or the pound sign);
* one column by default, two with ``columns=2`` (fpdf2 ``text_columns``);
* logos are a bold small line of their words inside a drawn rectangle, artwork a drawn shape;
* a centred footer with the page number on every page but the cover.

Content that does not fit its page raises :class:`PageOverflowError`. Output is deterministic
(fixed creation date).

Usage::

    python -m tools.render_fpdf MANUSCRIPT OUT.pdf [--columns 1|2] [--edition-line ...]
        [--footer ...]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import reportlab
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.text_region import Paragraph, TextColumns

from tools.manuscript import Block, ManuscriptPage, inline_spans, parse_manuscript
from tools.render_reportlab import (
    DEFAULT_EDITION_LINE,
    DEFAULT_FOOTER,
    PageOverflowError,
    split_long_token,
)

__all__ = ["main", "render_fpdf"]

FONT = "Vera"
VERA_DIR = Path(reportlab.__file__).parent / "fonts"
CREATION_DATE = datetime(2017, 10, 1, tzinfo=UTC)
MARGIN_X = 50.0
MARGIN_TOP = 48.0
MARGIN_BOTTOM = 60.0
FOOTER_Y = -36.0
GUTTER = 22.0
SECTION_SIZE = 13.0
MASTHEAD_SIZE = 24.0
TAGLINE_SIZE = 12.0
EDITION_SIZE = 10.0
LOGO_SIZE = 9.0
FOOTER_SIZE = 8.0
ARTWORK_SIZE = (120.0, 80.0)
LINE_HEIGHT = 1.3

Rgb = tuple[int, int, int]
TEXT: Rgb = (34, 34, 34)
TITLE: Rgb = (138, 21, 56)
SECTION: Rgb = (0, 96, 107)
GREY: Rgb = (110, 110, 110)
TEXT_BLOCKS = ("title", "para", "bullets")
_TOKEN = re.compile(r"\S+")


class _BulletinPDF(FPDF):
    """FPDF that refuses automatic page breaks and draws the footer on non-cover pages."""

    def __init__(self, footer_text: str, cover_pages: frozenset[int]) -> None:
        super().__init__(orientation="P", unit="pt", format="A4")
        self.footer_text = footer_text
        self.cover_pages = cover_pages
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.set_creation_date(CREATION_DATE)
        for style, name in (("", "Vera.ttf"), ("B", "VeraBd.ttf"), ("I", "VeraIt.ttf")):
            self.add_font(FONT, style, str(VERA_DIR / name))

    @property
    def accept_page_break(self) -> bool:
        """Never break a page automatically: page breaks come only from the manuscript."""
        raise PageOverflowError(
            f"manuscript page {self.page} does not fit on one page; shorten it or add an @page"
        )

    def footer(self) -> None:
        """Centred small grey line: footer text and page number."""
        if self.page in self.cover_pages:
            return
        self.set_y(FOOTER_Y)
        self.set_font(FONT, "", FOOTER_SIZE)
        self.set_text_color(*GREY)
        self.cell(0, FOOTER_SIZE * 1.5, f"{self.footer_text}  —  {self.page_no()}", align="C")

    @property
    def text_width(self) -> float:
        """Width between the side margins."""
        return float(self.w - self.l_margin - self.r_margin)


def _broken(pdf: _BulletinPDF, text: str, max_width: float) -> str:
    """Text with a line break inside every token too wide for ``max_width`` (current font)."""

    def width(s: str) -> float:
        return float(pdf.get_string_width(s))

    usable = max_width - 2 * pdf.c_margin - 2

    return _TOKEN.sub(lambda m: "\n".join(split_long_token(m.group(0), usable, width)), text)


def _runs(blocks: Sequence[Block]) -> Iterator[Block | list[Block]]:
    """Blocks grouped so that consecutive text blocks share one text region."""
    run: list[Block] = []
    for block in blocks:
        if block.kind in TEXT_BLOCKS:
            run.append(block)
            continue
        if run:
            yield run
            run = []
        yield block
    if run:
        yield run


def _section_line(pdf: _BulletinPDF, text: str) -> None:
    """The section as a bold all-caps line over a thin rule."""
    pdf.set_font(FONT, "B", SECTION_SIZE)
    pdf.set_text_color(*SECTION)
    pdf.multi_cell(pdf.text_width, SECTION_SIZE * 1.3, text, align="L")
    pdf.set_draw_color(*SECTION)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.y + 2, pdf.l_margin + pdf.text_width, pdf.y + 2)
    pdf.ln(14)


def _cover_line(pdf: _BulletinPDF, block: Block) -> None:
    """Masthead (large bold) or tagline (italic) across the cover."""
    style, size = ("B", MASTHEAD_SIZE) if block.kind == "masthead" else ("I", TAGLINE_SIZE)
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*(TITLE if block.kind == "masthead" else TEXT))
    pdf.multi_cell(pdf.text_width, size * 1.25, block.text, align="L")
    pdf.ln(4)


def _edition(pdf: _BulletinPDF, edition_line: str) -> None:
    """The edition line under the masthead, then a heavy rule."""
    pdf.set_font(FONT, "", EDITION_SIZE)
    pdf.set_text_color(*GREY)
    pdf.cell(0, EDITION_SIZE * 1.4, edition_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*TITLE)
    pdf.set_line_width(2)
    pdf.line(pdf.l_margin, pdf.y + 4, pdf.l_margin + pdf.text_width, pdf.y + 4)
    pdf.ln(20)


def _logo(pdf: _BulletinPDF, text: str) -> None:
    """A bold small line of the logo's words inside a drawn rectangle."""
    pdf.set_font(FONT, "B", LOGO_SIZE)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(*TEXT)
    pdf.set_line_width(0.8)
    pad = 6
    width = min(pdf.get_string_width(text) + 2 * pad + 1, pdf.text_width)
    pdf.multi_cell(width, LOGO_SIZE * 1.6, text, border=1, align="C", padding=(3, pad))
    pdf.ln(10)


def _artwork(pdf: _BulletinPDF) -> None:
    """A word-free drawing: a framed circle and triangle, centred."""
    w, h = ARTWORK_SIZE
    x, y = pdf.l_margin + (pdf.text_width - w) / 2, pdf.y
    if y + h > pdf.page_break_trigger:
        raise PageOverflowError(f"artwork does not fit on manuscript page {pdf.page}")
    pdf.set_draw_color(*SECTION)
    pdf.set_fill_color(*SECTION)
    pdf.set_line_width(1.5)
    pdf.rect(x, y, w, h, style="D")
    pdf.ellipse(x + 12, y + 12, h - 24, h - 24, style="F")
    pdf.set_fill_color(*TITLE)
    triangle = [(x + h, y + h - 14), (x + w - 12, y + h - 14), (x + (h + w) / 2, y + 14)]
    pdf.polygon(triangle, style="F")
    pdf.set_y(y + h + 14)


def _text_run(pdf: _BulletinPDF, run: list[Block], columns: int, body_size: float) -> None:
    """Titles, paragraphs and bullet lists flowing through one text region."""
    col_width = (pdf.text_width - GUTTER * (columns - 1)) / columns
    with pdf.text_columns(
        ncols=columns, gutter=GUTTER, balance=False, line_height=LINE_HEIGHT
    ) as cols:
        for block in run:
            if block.kind == "title":
                _title(pdf, cols, block.text, body_size, col_width)
            elif block.kind == "bullets":
                _bullets(pdf, cols, block, body_size, col_width)
            else:
                with cols.paragraph(bottom_margin=body_size * 0.55) as par:
                    _write_spans(pdf, par, block.text, body_size, col_width)


def _title(pdf: _BulletinPDF, cols: TextColumns, text: str, body_size: float, width: float) -> None:
    """An article title: bold, 1.5x the body size, in the title colour."""
    pdf.set_font(FONT, "B", body_size * 1.5)
    pdf.set_text_color(*TITLE)
    with cols.paragraph(top_margin=body_size * 0.6, bottom_margin=body_size * 0.4) as par:
        par.write(_broken(pdf, text, width))
    pdf.set_text_color(*TEXT)


def _bullets(
    pdf: _BulletinPDF, cols: TextColumns, block: Block, body_size: float, width: float
) -> None:
    """One indented paragraph per bullet item, each with a bullet."""
    indent = body_size * 1.2
    pdf.set_font(FONT, "", body_size)
    for number, item in enumerate(block.items, start=1):
        after = body_size * (0.55 if number == len(block.items) else 0.3)
        with cols.paragraph(indent=indent, bullet_string="•", bottom_margin=after) as par:
            _write_spans(pdf, par, item, body_size, width - indent)


def _write_spans(pdf: _BulletinPDF, par: Paragraph, text: str, size: float, width: float) -> None:
    """Write inline-marked text into a text-region paragraph, bold runs in Vera Bold."""
    pdf.set_text_color(*TEXT)
    for span, bold in inline_spans(text):
        pdf.set_font(FONT, "B" if bold else "", size)
        par.write(_broken(pdf, span, width))
    pdf.set_font(FONT, "", size)


def _cover_header(pdf: _BulletinPDF, page: ManuscriptPage, edition_line: str) -> list[Block]:
    """Draw the cover's leading masthead and tagline, then the edition line; the rest is flow."""
    blocks = list(page.blocks)
    while blocks and blocks[0].kind in ("masthead", "tagline"):
        _cover_line(pdf, blocks.pop(0))
    _edition(pdf, edition_line)
    return blocks


def _render_page(
    pdf: _BulletinPDF, page: ManuscriptPage, columns: int, edition_line: str, body_size: float
) -> None:
    """Lay out one manuscript page on the current PDF page."""
    if page.number in pdf.cover_pages:
        blocks = _cover_header(pdf, page, edition_line)
    else:
        blocks = list(page.blocks)
        if page.section and not any(b.kind == "banner" for b in blocks):
            _section_line(pdf, page.section)
    for item in _runs(blocks):
        if isinstance(item, list):
            _text_run(pdf, item, columns, body_size)
        elif item.kind == "banner":
            _section_line(pdf, item.text)
        elif item.kind in ("masthead", "tagline"):
            _cover_line(pdf, item)
        elif item.kind == "edition":  # drawn from ``edition_line`` on the cover
            continue
        elif item.kind == "logo":
            _logo(pdf, item.text)
        else:
            _artwork(pdf)


def _close_fonts(pdf: FPDF) -> None:
    """Close the TrueType files fpdf2 opened lazily (it leaves them open)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def render_fpdf(
    pages: Sequence[ManuscriptPage],
    out: Path,
    *,
    columns: int = 1,
    edition_line: str = DEFAULT_EDITION_LINE,
    footer: str = DEFAULT_FOOTER,
    body_size: float = 11.0,
) -> None:
    """Render manuscript pages to ``out`` with fpdf2, one PDF page per manuscript page.

    Raises :class:`PageOverflowError` if a page's content does not fit (``out`` is then not
    written) and ``ValueError`` for an unsupported column count.
    """
    if columns not in (1, 2):
        raise ValueError(f"columns must be 1 or 2, not {columns}")
    if not pages:
        raise ValueError("a bulletin needs at least one page")
    covers = frozenset(p.number for p in pages if any(b.kind == "masthead" for b in p.blocks))
    pdf = _BulletinPDF(footer, covers)
    try:
        for page in pages:
            pdf.add_page()
            _render_page(pdf, page, columns, edition_line, body_size)
        data = bytes(pdf.output())
    finally:
        _close_fonts(pdf)
    if pdf.pages_count != len(pages):
        raise PageOverflowError(f"{pdf.pages_count} PDF pages for {len(pages)} manuscript pages")
    out.write_bytes(data)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: render one manuscript to one PDF with fpdf2."""
    parser = argparse.ArgumentParser(description="Render a bulletin manuscript with fpdf2.")
    parser.add_argument("manuscript", type=Path, help="manuscript file (.md)")
    parser.add_argument("out", type=Path, help="PDF to write")
    parser.add_argument("--columns", type=int, choices=(1, 2), default=1)
    parser.add_argument("--edition-line", default=DEFAULT_EDITION_LINE)
    parser.add_argument("--footer", default=DEFAULT_FOOTER)
    args = parser.parse_args(argv)
    pages = parse_manuscript(args.manuscript.read_text(encoding="utf-8"))
    render_fpdf(
        pages, args.out, columns=args.columns, edition_line=args.edition_line, footer=args.footer
    )
    print(f"wrote {args.out} ({len(pages)} pages)")


if __name__ == "__main__":
    main()
