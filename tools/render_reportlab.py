"""Render a bulletin manuscript to a newsletter-style PDF with reportlab platypus.

Every manuscript page becomes exactly one A4 page. The cover (a page with a ``masthead`` block)
opens with a full-width navy masthead band holding the masthead, the tagline and the edition line;
every other page is headed by a full-width coloured band holding the section in force
(``page.section``), drawn by the page template, so ``banner`` blocks are not repeated in the
flow. The body flows down one or two column frames. Partner logos that carry words are drawn as
PDF Form XObjects (extractors see their words inside a figure); word-free artwork is a vector
drawing, also a Form XObject. Content that does not fit its page raises
:class:`PageOverflowError` instead of spilling onto an extra page. Output is deterministic.

Usage::

    python -m tools.render_reportlab MANUSCRIPT OUT.pdf [--columns 1|2] [--edition-line ...]
        [--footer ...] [--title ...] [--author ...]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
)

from tools.manuscript import Block, ManuscriptPage, inline_spans, parse_manuscript

__all__ = [
    "FormFlowable",
    "PageOverflowError",
    "draw_emblem",
    "main",
    "render_reportlab",
    "split_long_token",
]

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN_X = 42.0
GUTTER = 24.0
FRAME_BOTTOM = 54.0
FOOTER_RULE_Y = 40.0
FOOTER_BASELINE_Y = 28.0
FOOTER_SIZE = 8.0
BAND_HEIGHT = 46.0
BAND_TEXT_SIZE = 14.0
COVER_STRIP_HEIGHT = 24.0
EDITION_SIZE = 10.0
MASTHEAD_SIZE = 30.0
TAGLINE_SIZE = 13.0
LOGO_TEXT_SIZE = 9.0
LOGO_MAX_WIDTH = 190.0
ARTWORK_SIZE = (150.0, 100.0)
CONTENT_GAP = 20.0
MIN_BALANCED_FRACTION = 0.2

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
ITALIC = "Helvetica-Oblique"
BULLET_FONT = "BulletinVera"
VERA_DIR = Path(reportlab.__file__).parent / "fonts"

NAVY = HexColor("#0B2545")
TITLE_COLOUR = HexColor("#005EA5")
TAGLINE_COLOUR = HexColor("#C9DCEE")
ACCENT = HexColor("#00A19A")
FOOTER_GREY = HexColor("#6F777B")
RULE_GREY = HexColor("#BFC1C3")
LOGO_FILL = HexColor("#F3F6F9")
SECTION_COLOURS = (
    HexColor("#1D5C96"),
    HexColor("#00796B"),
    HexColor("#7B2D8E"),
    HexColor("#B4491C"),
    HexColor("#3D5A80"),
)

DEFAULT_EDITION_LINE = "Issue 07 · October 2017"
DEFAULT_FOOTER = "SOC Local Partnerships Bulletin · October 2017"

_TOKEN = re.compile(r"\S+")
_BREAK_AFTER = re.compile(r"(?<=[/\-.@])")


class PageOverflowError(ValueError):
    """A manuscript page's content does not fit on one PDF page."""


def split_long_token(token: str, max_width: float, width: Callable[[str], float]) -> list[str]:
    """Split a token wider than ``max_width`` into pieces that fit, breaking after ``/ - . @``.

    Words (runs of word characters) are never cut: a piece that cannot be broken stays whole.
    """
    if width(token) <= max_width:
        return [token]
    pieces = [p for p in _BREAK_AFTER.split(token) if p]
    chunks: list[str] = []
    for piece in pieces:
        if chunks and width(chunks[-1] + piece) <= max_width:
            chunks[-1] += piece
        else:
            chunks.append(piece)
    return chunks


def _break_long_tokens(text: str, font: str, size: float, max_width: float) -> str:
    """Put a line break inside every token too wide for the column, at a safe break point."""

    def width(s: str) -> float:
        return float(stringWidth(s, font, size))

    def fix(match: re.Match[str]) -> str:
        return "\n".join(split_long_token(match.group(0), max_width - 1, width))

    return _TOKEN.sub(fix, text)


def _markup(text: str, size: float, max_width: float) -> str:
    """Reportlab Paragraph markup for inline-marked text: escaped, bold kept, breaks kept."""
    parts: list[str] = []
    for span, bold in inline_spans(text):
        font = BOLD if bold else REGULAR
        safe = escape(_break_long_tokens(span, font, size, max_width)).replace("\n", "<br/>")
        parts.append(f"<b>{safe}</b>" if bold else safe)
    return "".join(parts)


def _bullet_font() -> str:
    """Bitstream Vera (shipped with reportlab) for the bullet glyph.

    Helvetica's WinAnsi bullet has no Unicode mapping that extractors understand (pdfminer
    reads it as ``(cid:127)``); an embedded TrueType subset carries a ToUnicode map.
    """
    if BULLET_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(BULLET_FONT, str(VERA_DIR / "Vera.ttf")))
    return BULLET_FONT


@dataclass(frozen=True)
class _Styles:
    """Paragraph styles derived from the body size."""

    body: ParagraphStyle
    bullet: ParagraphStyle
    title: ParagraphStyle
    masthead: ParagraphStyle
    tagline: ParagraphStyle


def _styles(body_size: float) -> _Styles:
    """Build the paragraph styles for one render."""
    body = ParagraphStyle(
        "Body",
        fontName=REGULAR,
        fontSize=body_size,
        leading=round(body_size * 1.35, 2),
        spaceAfter=round(body_size * 0.6, 2),
        alignment=TA_LEFT,
        splitLongWords=0,
        allowWidows=1,
    )
    bullet = ParagraphStyle(
        "Bullet",
        parent=body,
        leftIndent=body_size * 1.3,
        bulletIndent=body_size * 0.2,
        bulletFontName=_bullet_font(),
        spaceAfter=round(body_size * 0.3, 2),
    )
    title_size = round(body_size * 1.8, 1)
    title = ParagraphStyle(
        "Title",
        parent=body,
        fontName=BOLD,
        fontSize=title_size,
        leading=round(title_size * 1.15, 2),
        textColor=TITLE_COLOUR,
        spaceBefore=round(body_size * 0.8, 2),
        spaceAfter=round(body_size * 0.6, 2),
        alignment=TA_LEFT,
        keepWithNext=1,
    )
    masthead = ParagraphStyle(
        "Masthead",
        fontName=BOLD,
        fontSize=MASTHEAD_SIZE,
        leading=MASTHEAD_SIZE * 1.1,
        textColor=white,
    )
    tagline = ParagraphStyle(
        "Tagline",
        fontName=ITALIC,
        fontSize=TAGLINE_SIZE,
        leading=TAGLINE_SIZE * 1.25,
        textColor=TAGLINE_COLOUR,
    )
    return _Styles(body, bullet, title, masthead, tagline)


class _PageEndCheck(Flowable):  # type: ignore[misc]
    """Zero-size marker that fails the build if its manuscript page spilled onto another page."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Take no space."""
        return 0, 0

    def draw(self) -> None:
        """Check that the manuscript page ended on its own PDF page."""
        actual = self.canv.getPageNumber()
        if actual != self.number:
            raise PageOverflowError(
                f"manuscript page {self.number} does not fit on one page "
                f"(its content runs onto PDF page {actual}); shorten it or add an @page"
            )


class FormFlowable(Flowable):  # type: ignore[misc]
    """A flowable drawn once as a named PDF Form XObject, then placed with ``doForm``."""

    def __init__(self, form_name: str) -> None:
        super().__init__()
        self.form_name = form_name
        self.width = self.height = 0.0

    def draw(self) -> None:
        """Define the form with a bounding box of this flowable's size, then place it."""
        canv: Canvas = self.canv
        canv.beginForm(self.form_name, 0, 0, self.width, self.height)
        self.draw_form(canv)
        canv.endForm()
        canv.doForm(self.form_name)

    def draw_form(self, canv: Canvas) -> None:
        """Draw the form's content in its own coordinates, origin bottom-left."""
        raise NotImplementedError


def draw_emblem(
    canv: Canvas,
    w: float,
    h: float,
    main: Color,
    second: Color,
    *,
    background: Color,
    border: Color,
    corner: float = 8,
) -> None:
    """Word-free artwork in a ``w`` by ``h`` box: a ring, a diamond and three bars."""
    canv.setFillColor(background)
    canv.setStrokeColor(border)
    canv.roundRect(0.5, 0.5, w - 1, h - 1, corner, stroke=1, fill=1)
    cx, cy, r = h / 2, h / 2, h * 0.34
    canv.setFillColor(main)
    canv.circle(cx, cy, r, stroke=0, fill=1)
    canv.setFillColor(white)
    canv.circle(cx, cy, r * 0.62, stroke=0, fill=1)
    path = canv.beginPath()
    path.moveTo(cx, cy + r * 0.5)
    path.lineTo(cx + r * 0.5, cy)
    path.lineTo(cx, cy - r * 0.5)
    path.lineTo(cx - r * 0.5, cy)
    path.close()
    canv.setFillColor(second)
    canv.drawPath(path, stroke=0, fill=1)
    for i, frac in enumerate((0.9, 0.65, 0.8)):
        canv.setFillColor(main if i % 2 == 0 else second)
        bar_w = (w - h - 12) * frac
        canv.roundRect(h + 2, h * (0.62 - 0.15 * i), bar_w, h * 0.09, 2, stroke=0, fill=1)


class LogoBox(FormFlowable):
    """A partner logo that carries words: a bordered tinted box with the words in bold."""

    PAD = 7.0
    STRIPE = 5.0

    def __init__(self, text: str, form_name: str, colour: Color) -> None:
        super().__init__(form_name)
        self.text = text
        self.colour = colour
        self.lines: list[str] = []
        self.spaceBefore = self.spaceAfter = LOGO_TEXT_SIZE

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Size the box to its wrapped words, at most ``LOGO_MAX_WIDTH`` wide."""
        inner = min(avail_width, LOGO_MAX_WIDTH) - 2 * self.PAD - self.STRIPE
        self.lines = simpleSplit(self.text, BOLD, LOGO_TEXT_SIZE, inner)
        widest = max(stringWidth(line, BOLD, LOGO_TEXT_SIZE) for line in self.lines)
        self.width = widest + 2 * self.PAD + self.STRIPE
        self.height = len(self.lines) * LOGO_TEXT_SIZE * 1.25 + 2 * self.PAD - 2
        return self.width, self.height

    def draw_form(self, canv: Canvas) -> None:
        """Tinted rounded box, coloured stripe on the left, words in bold navy."""
        canv.setFillColor(LOGO_FILL)
        canv.setStrokeColor(self.colour)
        canv.setLineWidth(1)
        canv.roundRect(0.5, 0.5, self.width - 1, self.height - 1, 3, stroke=1, fill=1)
        canv.setFillColor(self.colour)
        canv.rect(0.5, 0.5, self.STRIPE, self.height - 1, stroke=0, fill=1)
        canv.setFillColor(NAVY)
        canv.setFont(BOLD, LOGO_TEXT_SIZE)
        y = self.height - self.PAD - LOGO_TEXT_SIZE * 0.8
        for line in self.lines:
            canv.drawString(self.STRIPE + self.PAD, y, line)
            y -= LOGO_TEXT_SIZE * 1.25


class Artwork(FormFlowable):
    """A word-free emblem (shapes only) standing in for a logo without words."""

    def __init__(self, name: str, form_name: str) -> None:
        super().__init__(form_name)
        self.digest = hashlib.sha256(name.encode("utf-8")).digest()
        self.hAlign = "CENTER"
        self.spaceBefore = self.spaceAfter = 12.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """A fixed modest size."""
        self.width, self.height = ARTWORK_SIZE
        return self.width, self.height

    def draw_form(self, canv: Canvas) -> None:
        """A ring, a diamond and three bars in colours chosen from the artwork's name."""
        w, h = self.width, self.height
        main = SECTION_COLOURS[self.digest[0] % len(SECTION_COLOURS)]
        second = SECTION_COLOURS[(self.digest[0] + 1 + self.digest[1] % 3) % len(SECTION_COLOURS)]
        draw_emblem(canv, w, h, main, second, background=LOGO_FILL, border=RULE_GREY)


@dataclass(frozen=True)
class _Geometry:
    """Column geometry for one render."""

    columns: int

    @property
    def column_width(self) -> float:
        """Width of one column frame."""
        usable = PAGE_WIDTH - 2 * MARGIN_X
        return (usable - GUTTER * (self.columns - 1)) / self.columns

    def frames(self, page_id: str, top: float, height: float) -> list[Frame]:
        """Column frames side by side, ``height`` tall, hanging from ``top``."""
        return [
            Frame(
                MARGIN_X + i * (self.column_width + GUTTER),
                top - height,
                self.column_width,
                height,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=f"{page_id}-col{i + 1}",
            )
            for i in range(self.columns)
        ]


@dataclass(frozen=True)
class _Furniture:
    """Text drawn around the flow: edition line on the cover, footer on other pages."""

    edition_line: str
    footer: str


@dataclass(frozen=True)
class _Render:
    """Everything one render needs besides the pages themselves."""

    styles: _Styles
    geometry: _Geometry
    furniture: _Furniture
    colours: dict[str, Color]

    def colour(self, page: ManuscriptPage) -> Color:
        """The band (and logo) colour of a page's section."""
        return self.colours.get(page.section or "", NAVY)


def _section_colours(pages: Sequence[ManuscriptPage]) -> dict[str, Color]:
    """A band colour per section, in order of first appearance."""
    colours: dict[str, Color] = {}
    for page in pages:
        if page.section is not None and page.section not in colours:
            colours[page.section] = SECTION_COLOURS[len(colours) % len(SECTION_COLOURS)]
    return colours


def _check_header_blocks(page: ManuscriptPage) -> None:
    """Refuse pages whose header blocks the templates could not show without losing words."""
    kinds = [block.kind for block in page.blocks]
    if kinds.count("banner") > 1:
        raise ValueError(f"manuscript page {page.number} has more than one @banner")
    if "masthead" in kinds and "banner" in kinds:
        raise ValueError(f"manuscript page {page.number} has both @masthead and @banner")
    if kinds.count("masthead") > 1 or kinds.count("tagline") > int("masthead" in kinds):
        raise ValueError(f"manuscript page {page.number}: one @tagline per @masthead, on the cover")


def _is_cover(page: ManuscriptPage) -> bool:
    """A page with a masthead is a cover."""
    return any(block.kind == "masthead" for block in page.blocks)


# --- page furniture -------------------------------------------------------------------------

PageDrawer = Callable[[Canvas, BaseDocTemplate], None]


def _draw_footer(canv: Canvas, footer: str) -> None:
    """Thin rule, footer text on the left, page number on the right, small grey."""
    canv.setStrokeColor(RULE_GREY)
    canv.setLineWidth(0.5)
    canv.line(MARGIN_X, FOOTER_RULE_Y, PAGE_WIDTH - MARGIN_X, FOOTER_RULE_Y)
    canv.setFillColor(FOOTER_GREY)
    canv.setFont(REGULAR, FOOTER_SIZE)
    canv.drawString(MARGIN_X, FOOTER_BASELINE_Y, footer)
    canv.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE_Y, str(canv.getPageNumber()))


def _band_header(page: ManuscriptPage, render: _Render) -> tuple[float, PageDrawer]:
    """Frame top and drawer for a page headed by its section band (none without a section)."""
    section = page.section
    colour = render.colour(page)
    footer = render.furniture.footer

    def on_page(canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv.saveState()
        if section:
            canv.setFillColor(colour)
            canv.rect(0, PAGE_HEIGHT - BAND_HEIGHT, PAGE_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
            canv.setFillColor(ACCENT)
            canv.rect(0, PAGE_HEIGHT - BAND_HEIGHT - 3, PAGE_WIDTH, 3, stroke=0, fill=1)
            size = _fit_size(section, BOLD, BAND_TEXT_SIZE, PAGE_WIDTH - 2 * MARGIN_X)
            canv.setFillColor(white)
            canv.setFont(BOLD, size)
            canv.drawString(MARGIN_X, PAGE_HEIGHT - BAND_HEIGHT / 2 - size * 0.35, section)
        _draw_footer(canv, footer)
        canv.restoreState()

    top = PAGE_HEIGHT - (BAND_HEIGHT + CONTENT_GAP if section else MARGIN_X)
    return top, on_page


def _fit_size(text: str, font: str, size: float, width: float) -> float:
    """The largest size, at most ``size``, at which ``text`` fits ``width`` on one line."""
    natural = float(stringWidth(text, font, size))
    return size if natural <= width else max(size * width / natural, 6.0)


def _cover_header(page: ManuscriptPage, render: _Render) -> tuple[float, PageDrawer]:
    """Frame top and drawer for the cover: navy masthead band, edition strip beneath it."""
    width = PAGE_WIDTH - 2 * MARGIN_X
    heads: list[Paragraph] = []
    for block in page.blocks:
        if block.kind == "masthead":
            size = max(_fit_size(block.text, BOLD, MASTHEAD_SIZE, width), MASTHEAD_SIZE * 0.8)
            style = ParagraphStyle("MastheadFit", render.styles.masthead, fontSize=size)
            style.leading = size * 1.1
            heads.append(Paragraph(_markup(block.text, size, width), style))
        elif block.kind == "tagline":
            style = render.styles.tagline
            heads.append(Paragraph(_markup(block.text, style.fontSize, width), style))
    heights = [para.wrap(width, PAGE_HEIGHT)[1] for para in heads]
    pad, gap = 28.0, 10.0
    band = 2 * pad + sum(heights) + gap * (len(heads) - 1)
    strip_bottom = PAGE_HEIGHT - band - COVER_STRIP_HEIGHT
    edition_line = render.furniture.edition_line

    def on_page(canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, PAGE_HEIGHT - band, PAGE_WIDTH, band, stroke=0, fill=1)
        canv.setFillColor(ACCENT)
        canv.rect(0, strip_bottom, PAGE_WIDTH, COVER_STRIP_HEIGHT, stroke=0, fill=1)
        y = PAGE_HEIGHT - pad
        for para, height in zip(heads, heights, strict=True):
            para.drawOn(canv, MARGIN_X, y - height)
            y -= height + gap
        canv.setFillColor(white)
        canv.setFont(BOLD, EDITION_SIZE)
        baseline = strip_bottom + COVER_STRIP_HEIGHT / 2 - EDITION_SIZE * 0.35
        canv.drawString(MARGIN_X, baseline, edition_line)
        canv.restoreState()

    return strip_bottom - CONTENT_GAP, on_page


# --- flow -----------------------------------------------------------------------------------


def _flowables(page: ManuscriptPage, render: _Render) -> list[Flowable]:
    """Fresh flowables for one manuscript page; its template draws the header blocks."""
    flow: list[Flowable] = []
    for index, block in enumerate(page.blocks):
        flow += _block_flowables(block, f"P{page.number}B{index}", render, render.colour(page))
    return flow


def _block_flowables(
    block: Block, form_name: str, render: _Render, colour: Color
) -> list[Flowable]:
    """Flowables for one block (none for masthead, tagline and banner)."""
    styles, width = render.styles, render.geometry.column_width
    if block.kind in ("masthead", "tagline", "edition", "banner"):
        return []
    if block.kind == "logo":
        return [LogoBox(block.text, f"Logo{form_name}", colour)]
    if block.kind == "artwork":
        return [Artwork(block.text, f"Art{form_name}")]
    if block.kind == "title":
        return [Paragraph(_markup(block.text, styles.title.fontSize, width), styles.title)]
    if block.kind == "bullets":
        inner = width - styles.bullet.leftIndent
        items = [
            Paragraph(_markup(item, styles.bullet.fontSize, inner), styles.bullet, bulletText="•")
            for item in block.items
        ]
        items[-1].spaceAfter = styles.body.spaceAfter
        return items
    return [Paragraph(_markup(block.text, styles.body.fontSize, width), styles.body)]


# --- column balancing -----------------------------------------------------------------------


def _fits(page: ManuscriptPage, render: _Render, height: float) -> bool:
    """Whether the page's flow fits in its columns when they are ``height`` tall (a dry run)."""
    frames = render.geometry.frames("trial", PAGE_HEIGHT, height)
    doc = BaseDocTemplate(
        io.BytesIO(), pagesize=A4, pageTemplates=[PageTemplate("trial", frames)], invariant=1
    )
    try:
        doc.build([*_flowables(page, render), _PageEndCheck(1)])
    except (PageOverflowError, LayoutError):
        return False
    return bool(doc.page == 1)


def _column_height(page: ManuscriptPage, render: _Render, available: float) -> float:
    """The shortest column height (to 2pt) that holds the page's flow: balanced columns.

    Columns are never shorter than ``MIN_BALANCED_FRACTION`` of the page, so a short page keeps
    its few blocks together in the first column. One column, or a flow that needs the full
    height, gets ``available``.
    """
    columns = render.geometry.columns
    if columns == 1 or not _fits(page, render, available):
        return available
    width = render.geometry.column_width
    flow = _flowables(page, render)
    stacked = sum(float(f.wrap(width, PAGE_HEIGHT)[1] + f.getSpaceAfter()) for f in flow)
    shortest = available * MIN_BALANCED_FRACTION
    low, high = min(max(stacked / columns, shortest), available), available
    if _fits(page, render, low):
        return low
    while high - low > 2:
        middle = (low + high) / 2
        low, high = (low, middle) if _fits(page, render, middle) else (middle, high)
    return high


def _template(page: ManuscriptPage, render: _Render) -> PageTemplate:
    """The page template of one manuscript page: its header and its (balanced) columns."""
    _check_header_blocks(page)
    top, on_page = _cover_header(page, render) if _is_cover(page) else _band_header(page, render)
    height = _column_height(page, render, top - FRAME_BOTTOM)
    page_id = f"page{page.number}"
    return PageTemplate(page_id, render.geometry.frames(page_id, top, height), onPage=on_page)


def _story(pages: Sequence[ManuscriptPage], render: _Render) -> list[Flowable]:
    """All pages' flowables, with a template switch and page break at every ``@page``."""
    story: list[Flowable] = []
    for page in pages:
        if page.number > 1:
            story += [NextPageTemplate(f"page{page.number}"), PageBreak()]
        story += [*_flowables(page, render), _PageEndCheck(page.number)]
    return story


def render_reportlab(
    pages: Sequence[ManuscriptPage],
    out: Path,
    *,
    columns: int = 2,
    edition_line: str = DEFAULT_EDITION_LINE,
    footer: str = DEFAULT_FOOTER,
    title: str | None = None,
    author: str | None = None,
    body_size: float = 10.0,
) -> None:
    """Render manuscript pages to ``out``, one PDF page per manuscript page.

    Raises :class:`PageOverflowError` if a page's content does not fit, and ``ValueError`` for
    an unsupported column count or header blocks that cannot be shown. ``out`` is only written
    when the whole render succeeds.
    """
    if columns not in (1, 2):
        raise ValueError(f"columns must be 1 or 2, not {columns}")
    if not pages:
        raise ValueError("a bulletin needs at least one page")
    render = _Render(
        _styles(body_size),
        _Geometry(columns),
        _Furniture(edition_line, footer),
        _section_colours(pages),
    )
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[_template(page, render) for page in pages],
        invariant=1,
        title=title or "",
        author=author or "",
    )
    try:
        doc.build(_story(pages, render))
    except LayoutError as error:
        raise PageOverflowError(f"content does not fit its page: {error}") from error
    if doc.page != len(pages):
        raise PageOverflowError(f"rendered {doc.page} PDF pages for {len(pages)} manuscript pages")
    out.write_bytes(buffer.getvalue())


def _parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("manuscript", type=Path, help="manuscript file (.md)")
    parser.add_argument("out", type=Path, help="PDF to write")
    parser.add_argument("--columns", type=int, choices=(1, 2), default=2)
    parser.add_argument("--edition-line", default=DEFAULT_EDITION_LINE)
    parser.add_argument("--footer", default=DEFAULT_FOOTER)
    parser.add_argument("--title", default=None)
    parser.add_argument("--author", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: render one manuscript to one PDF."""
    args = _parser().parse_args(argv)
    pages = parse_manuscript(args.manuscript.read_text(encoding="utf-8"))
    render_reportlab(
        pages,
        args.out,
        columns=args.columns,
        edition_line=args.edition_line,
        footer=args.footer,
        title=args.title,
        author=args.author,
    )
    print(f"wrote {args.out} ({len(pages)} pages)")


if __name__ == "__main__":
    main()
