"""Word-style layouts: newsletters typed in Microsoft Word (or LibreOffice Writer) from a
newsletter template and exported with "Save as PDF".

What these producers do, and the zoo imitates:

* Article titles are paragraphs in the template's "Heading 1" style: only one or two points
  larger than the 10-11pt body (or bold at body size, told apart by weight and colour alone),
  coloured, with space before and "keep with next".
* Section names live only in the running page header (Word's header is per section, so after a
  continuous section break the header still shows the section the page *started* in); nothing
  in the text flow marks a new section.
* The footer holds the publication's name and a "Page N" or bare "N" page number; the cover is a
  "different first page" with no header or footer.
* Two-column passages are Word sections with two columns, set off by section breaks; columns
  are not balanced (the last page of a section leaves the right column short).
* Contact lists typed as "name / email" paragraph pairs are turned into a bordered table, and a
  boxed "Contacts" table of the (fictional) editorial team is part of the template.
* "Create bookmarks using headings" adds a PDF outline entry for every Heading 1.
* Emails and web addresses are auto-formatted as blue underlined hyperlinks; authors make the
  first few words of an article's opening paragraph bold as a lead-in.

The layouts (every feature appears in more than one):

``word-heading-1pt``
    Helvetica 11pt body (the usual stand-in for Calibri), titles bold 12pt blue; one column
    throughout with continuous section breaks; section name right-aligned in capitals in the
    header; footer name left, "Page N" right; bookmarks; contact paragraphs as a table.
``word-heading-2pt-2col``
    Times 11pt justified, titles regular 13pt coloured; every other section in two columns
    behind next-page section breaks; header "Publication | Section name"; footer centred with a
    bare number; no bookmarks; "Contacts" box at the end.
``word-bold-colour-titles``
    Vera 10pt, titles bold 10pt coloured (body size); one column, continuous breaks; bold
    lead-ins; right-aligned capitals header; "Page N"; contact table and "Contacts" box on the
    cover; no bookmarks.
``word-bookmarks``
    Vera 10pt, titles bold 12pt; two columns in alternate sections, next-page breaks; pipe
    header; "Page N"; bookmarks; bold lead-ins; contact table; "Contacts" box at the end.
``word-bold-titles-2col``
    Times 11pt justified, titles bold 11pt coloured (body size); all sections after the cover in
    two columns, continuous breaks; right-aligned capitals header; bare number; bookmarks; bold
    lead-ins; "Contacts" box on the cover.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from tools.manuscript import Block, ManuscriptPage, inline_spans, plain_text
from tools.render_reportlab import FormFlowable, split_long_token
from tools.zoo.common import Cover, Render

__all__ = ["LAYOUTS"]

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN_X = 54.0  # 1.9 cm, the "narrow-ish" margins of Word's newsletter templates
MARGIN_TOP = 72.0  # 2.54 cm
MARGIN_BOTTOM = 72.0
COVER_TOP = 48.0
HEADER_BASELINE = PAGE_HEIGHT - 38.0  # header 1.25 cm from the edge
FOOTER_BASELINE = 34.0
FURNITURE_SIZE = 8.5
COLUMN_GAP = 35.4  # Word's default column spacing, 1.25 cm
LOGO_SIZE = 9.0
LOGO_MAX_WIDTH = 200.0
ARTWORK_SIZE = (160.0, 96.0)

HYPERLINK_BLUE = "#0563C1"  # Word's "Hyperlink" character style
GREY = HexColor("#595959")
RULE = HexColor("#A6A6A6")
TABLE_SHADE = HexColor("#DEEAF6")
LOGO_FILL = HexColor("#F2F2F2")

VERA_DIR = Path(reportlab.__file__).parent / "fonts"
BULLET_FONT = "WordVera"  # Helvetica's bullet glyph extracts as (cid:127); Vera maps to U+2022

# Fictional editorial contacts (Ofcom's drama numbers, example.org): template furniture.
TEAM_CONTACTS = (
    ("Alex Morgan", "Bulletin editor", "editor@example.org", "01632 960 101"),
    ("Priya Shah", "Regional engagement", "regions@example.org", "01632 960 102"),
    ("Tom Hughes", "Partnership support", "partners@example.org", "01632 960 103"),
)

_LINK_CORE = re.compile(r"^(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$")
_TRAILING = re.compile(r"^(.*?)([.,;:)\]”’\"']*)$", re.DOTALL)
_PHONE = re.compile(r"^(?:tel[.:]?\s*)?\+?[\d ()-]{7,}$", re.IGNORECASE)
_TERMINAL = tuple('.!?:;"”’)')


# --- fonts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    """The faces of one family."""

    regular: str
    bold: str
    italic: str


def _fonts(family: str) -> _Fonts:
    """Font names for Helvetica, Times or Vera (registered from reportlab's own TTFs)."""
    if family == "Helvetica":
        return _Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
    if family == "Times":
        return _Fonts("Times-Roman", "Times-Bold", "Times-Italic")
    _register_vera()
    return _Fonts("WordVera", "WordVera-Bold", "WordVera-Italic")


def _register_vera() -> None:
    """Register the bundled Vera faces as one family, so ``<b>`` picks Vera Bold."""
    if "WordVera" in pdfmetrics.getRegisteredFontNames():
        return
    faces = (
        ("WordVera", "Vera.ttf", 0, 0),
        ("WordVera-Bold", "VeraBd.ttf", 1, 0),
        ("WordVera-Italic", "VeraIt.ttf", 0, 1),
        ("WordVera-BoldItalic", "VeraBI.ttf", 1, 1),
    )
    for name, filename, bold, italic in faces:
        pdfmetrics.registerFont(TTFont(name, str(VERA_DIR / filename)))
        addMapping("WordVera", bold, italic, name)


# --- the layouts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """One combination of Word habits."""

    name: str
    family: Literal["Helvetica", "Times", "Vera"]
    body_size: float
    title_size: float  # body_size: titles told apart by weight and colour only
    title_bold: bool
    title_colour: str
    two_columns: Literal["none", "odd", "even", "all"]  # which sections after the cover
    section_break: Literal["continuous", "next-page"]
    header: Literal["right-caps", "pipe"]
    page_number: Literal["page-n", "n"]
    bookmarks: bool
    contact_tables: bool  # name/email paragraph groups become a bordered table
    contacts_box: Literal["none", "cover", "end"]
    lead_ins: bool
    justify: bool
    cover_style: Literal["left", "centred"]
    accent: str

    def columns(self, run_index: int) -> int:
        """Column count of the ``run_index``-th section run (0: the cover's run)."""
        if run_index == 0 or self.two_columns == "none":
            return 1
        if self.two_columns == "all":
            return 2
        return 2 if (run_index % 2 == 1) == (self.two_columns == "odd") else 1


SPECS = (
    _Spec(
        name="word-heading-1pt",
        family="Helvetica",
        body_size=11.0,
        title_size=12.0,
        title_bold=True,
        title_colour="#2F5496",
        two_columns="none",
        section_break="continuous",
        header="right-caps",
        page_number="page-n",
        bookmarks=True,
        contact_tables=True,
        contacts_box="none",
        lead_ins=False,
        justify=False,
        cover_style="left",
        accent="#2F5496",
    ),
    _Spec(
        name="word-heading-2pt-2col",
        family="Times",
        body_size=11.0,
        title_size=13.0,
        title_bold=False,
        title_colour="#C45911",
        two_columns="odd",
        section_break="next-page",
        header="pipe",
        page_number="n",
        bookmarks=False,
        contact_tables=False,
        contacts_box="end",
        lead_ins=False,
        justify=True,
        cover_style="centred",
        accent="#833C0B",
    ),
    _Spec(
        name="word-bold-colour-titles",
        family="Vera",
        body_size=10.0,
        title_size=10.0,
        title_bold=True,
        title_colour="#2E74B5",
        two_columns="none",
        section_break="continuous",
        header="right-caps",
        page_number="page-n",
        bookmarks=False,
        contact_tables=True,
        contacts_box="cover",
        lead_ins=True,
        justify=False,
        cover_style="left",
        accent="#1F4E79",
    ),
    _Spec(
        name="word-bookmarks",
        family="Vera",
        body_size=10.0,
        title_size=12.0,
        title_bold=True,
        title_colour="#1F4E79",
        two_columns="even",
        section_break="next-page",
        header="pipe",
        page_number="page-n",
        bookmarks=True,
        contact_tables=True,
        contacts_box="end",
        lead_ins=True,
        justify=False,
        cover_style="centred",
        accent="#1F4E79",
    ),
    _Spec(
        name="word-bold-titles-2col",
        family="Times",
        body_size=11.0,
        title_size=11.0,
        title_bold=True,
        title_colour="#538135",
        two_columns="all",
        section_break="continuous",
        header="right-caps",
        page_number="n",
        bookmarks=True,
        contact_tables=False,
        contacts_box="cover",
        lead_ins=True,
        justify=True,
        cover_style="left",
        accent="#385623",
    ),
)


# --- styles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    """Paragraph styles of one layout (Word's Normal, Heading 1, List Bullet, ...)."""

    fonts: _Fonts
    body: ParagraphStyle
    bullet: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    masthead: ParagraphStyle
    tagline: ParagraphStyle
    edition: ParagraphStyle


def _styles(spec: _Spec) -> _Styles:
    """Build the styles of a layout."""
    fonts = _fonts(spec.family)
    size = spec.body_size
    body = ParagraphStyle(
        "Normal",
        fontName=fonts.regular,
        fontSize=size,
        leading=round(size * 1.3, 2),
        spaceAfter=8.0,  # Word 2013+: 8pt after every paragraph
        alignment=TA_JUSTIFY if spec.justify else TA_LEFT,
        splitLongWords=0,
        allowWidows=0,
        allowOrphans=0,
    )
    bullet = ParagraphStyle(
        "ListBullet",
        parent=body,
        leftIndent=18.0,  # 0.63 cm hanging indent
        bulletIndent=0.0,
        bulletFontName=BULLET_FONT,
        spaceAfter=3.0,
    )
    title = ParagraphStyle(
        "Heading1",
        parent=body,
        fontName=fonts.bold if spec.title_bold else fonts.regular,
        fontSize=spec.title_size,
        leading=round(spec.title_size * 1.25, 2),
        textColor=HexColor(spec.title_colour),
        alignment=TA_LEFT,
        spaceBefore=12.0,
        spaceAfter=4.0,
        keepWithNext=1,
    )
    cell = ParagraphStyle(
        "TableText",
        parent=body,
        fontSize=size - 1,
        leading=round((size - 1) * 1.25, 2),
        spaceAfter=0.0,
        alignment=TA_LEFT,
    )
    cell_head = ParagraphStyle("TableHead", parent=cell, fontName=fonts.bold)
    centred = TA_CENTER if spec.cover_style == "centred" else TA_LEFT
    masthead = ParagraphStyle(
        "Masthead",
        fontName=fonts.bold,
        fontSize=28.0,
        leading=32.0,
        textColor=HexColor(spec.accent),
        alignment=centred,
        spaceAfter=6.0,
    )
    tagline = ParagraphStyle(
        "Tagline",
        fontName=fonts.italic,
        fontSize=13.0,
        leading=16.0,
        textColor=GREY,
        alignment=centred,
        spaceBefore=4.0,
        spaceAfter=4.0,
    )
    edition = ParagraphStyle(
        "Edition",
        fontName=fonts.bold,
        fontSize=10.0,
        leading=13.0,
        textColor=white if spec.cover_style == "left" else HexColor(spec.accent),
        alignment=centred,
    )
    _register_vera()  # the bullet glyph's font, whatever the family
    return _Styles(fonts, body, bullet, title, cell, cell_head, masthead, tagline, edition)


# --- inline markup --------------------------------------------------------------------------

Spans = list[tuple[str, bool]]


def _with_lead_in(spans: Spans) -> Spans:
    """Make the opening words bold: up to the first comma or stop within seven words, else
    the first four words."""
    tokens = re.findall(r"\S+\s*", "".join(text for text, _ in spans))
    count = 4
    for index, token in enumerate(tokens[:7]):
        if token.rstrip().endswith((",", ".", ":", ";")):
            count = index + 1
            break
    lead_chars = len("".join(tokens[:count]).rstrip())
    out: Spans = []
    position = 0
    for text, bold in spans:
        cut = max(0, min(len(text), lead_chars - position))
        if cut:
            out.append((text[:cut], True))
        if text[cut:]:
            out.append((text[cut:], bold))
        position += len(text)
    return out


def _token_markup(token: str, font: str, size: float, width: float) -> str:
    """One whitespace-free token: escaped, broken where too wide, hyperlinked if an address."""
    match = _TRAILING.match(token)
    core = match.group(1) if match else token
    is_link = bool(core) and _LINK_CORE.match(core) is not None

    def measure(text: str) -> float:
        return float(stringWidth(text, font, size))

    pieces = split_long_token(token, width - 1.0, measure)
    if not is_link:
        return "<br/>".join(escape(piece) for piece in pieces)
    if core.startswith(("http://", "https://")):
        href = core
    elif core.startswith("www."):
        href = "http://" + core
    else:
        href = "mailto:" + core
    attr = escape(href, {'"': "&quot;"})
    out: list[str] = []
    consumed = 0
    for piece in pieces:
        linked = piece[: max(0, len(core) - consumed)]
        rest = piece[len(linked) :]
        consumed += len(piece)
        text = ""
        if linked:
            text += f'<link href="{attr}" color="{HYPERLINK_BLUE}"><u>{escape(linked)}</u></link>'
        out.append(text + escape(rest))
    return "<br/>".join(out)


def _markup(spans: Spans, fonts: _Fonts, size: float, width: float) -> str:
    """Paragraph markup: bold runs kept, line breaks kept, long tokens broken, links blue."""
    parts: list[str] = []
    for text, bold in spans:
        font = fonts.bold if bold else fonts.regular
        chunk: list[str] = []
        for piece in re.split(r"(\s+)", text):
            if not piece:
                continue
            if piece.isspace():
                chunk.append("<br/>" * piece.count("\n") if "\n" in piece else " ")
            else:
                chunk.append(_token_markup(piece, font, size, width))
        joined = "".join(chunk)
        parts.append(f"<b>{joined}</b>" if bold else joined)
    return "".join(parts)


# --- flowables ------------------------------------------------------------------------------


class _Heading(Paragraph):  # type: ignore[misc]
    """A Heading 1 paragraph that, if asked, drops a PDF bookmark at its first line."""

    outline: tuple[str, str] | None = None  # (key, title)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Keep the bookmark on the first part only."""
        parts: list[Any] = super().split(avail_width, avail_height)
        if parts and isinstance(parts[0], _Heading):
            parts[0].outline = self.outline
        return parts

    def draw(self) -> None:
        """Bookmark this position (Word's 'create bookmarks using headings'), then draw."""
        if self.outline is not None:
            key, title = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=0, closed=None)
        super().draw()


class _SectionMark(Flowable):  # type: ignore[misc]
    """Zero-size marker where a Word section (and so the running header's words) begins."""

    def __init__(self, section: str | None) -> None:
        super().__init__()
        self.section = section
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Take no space."""
        return 0, 0

    def draw(self) -> None:
        """Nothing to draw: the document template reads the marker after it is placed."""


class _Logo(FormFlowable):
    """A partner logo that carries words: a thin-bordered box with the words in bold, like a
    logo pasted into a Word document."""

    PAD = 8.0

    def __init__(self, text: str, form_name: str, font: str, colour: Color) -> None:
        super().__init__(form_name)
        self.text = text
        self.font = font
        self.colour = colour
        self.lines: list[str] = []
        self.hAlign = "RIGHT"
        self.spaceBefore = self.spaceAfter = 8.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Size the box to its wrapped words."""
        inner = min(avail_width, LOGO_MAX_WIDTH) - 2 * self.PAD
        words = self.text.split()
        lines: list[str] = []
        for word in words:
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and stringWidth(candidate, self.font, LOGO_SIZE) <= inner:
                lines[-1] = candidate
            else:
                lines.append(word)
        self.lines = lines or [""]
        widest = max(stringWidth(line, self.font, LOGO_SIZE) for line in self.lines)
        self.width = widest + 2 * self.PAD + 10
        self.height = len(self.lines) * LOGO_SIZE * 1.3 + 2 * self.PAD
        return self.width, self.height

    def draw_form(self, canv: Canvas) -> None:
        """Light box, coloured square mark, words beside it."""
        canv.setFillColor(LOGO_FILL)
        canv.setStrokeColor(self.colour)
        canv.setLineWidth(0.75)
        canv.rect(0.5, 0.5, self.width - 1, self.height - 1, stroke=1, fill=1)
        canv.setFillColor(self.colour)
        canv.rect(self.PAD - 3, self.height / 2 - 3, 6, 6, stroke=0, fill=1)
        canv.setFont(self.font, LOGO_SIZE)
        y = self.height - self.PAD - LOGO_SIZE * 0.85
        for line in self.lines:
            canv.drawString(self.PAD + 8, y, line)
            y -= LOGO_SIZE * 1.3


class _Artwork(FormFlowable):
    """A word-free emblem: arcs and a chevron in colours chosen from the artwork's name."""

    def __init__(self, name: str, form_name: str, colour: Color) -> None:
        super().__init__(form_name)
        self.digest = hashlib.sha256(name.encode("utf-8")).digest()
        self.colour = colour
        self.hAlign = "LEFT"
        self.spaceBefore = self.spaceAfter = 10.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """A fixed size, narrowed to the column."""
        self.width = min(ARTWORK_SIZE[0], avail_width)
        self.height = ARTWORK_SIZE[1]
        return self.width, self.height

    def draw_form(self, canv: Canvas) -> None:
        """Concentric arcs, a chevron and a band."""
        w, h = self.width, self.height
        second = HexColor(0x404040 + (self.digest[0] << 16) % 0xBF0000)
        canv.setStrokeColor(self.colour)
        canv.setLineWidth(4)
        for i in range(3):
            r = h * (0.42 - 0.11 * i)
            canv.arc(h / 2 - r, h / 2 - r, h / 2 + r, h / 2 + r, 30 + 20 * i, 270)
        path = canv.beginPath()
        path.moveTo(h * 0.9, h * 0.25)
        path.lineTo(h * 1.15, h * 0.5)
        path.lineTo(h * 0.9, h * 0.75)
        path.lineTo(h * 1.05, h * 0.75)
        path.lineTo(h * 1.3, h * 0.5)
        path.lineTo(h * 1.05, h * 0.25)
        path.close()
        canv.setFillColor(second)
        canv.drawPath(path, stroke=0, fill=1)
        canv.setFillColor(self.colour)
        canv.rect(h * 1.35, h * 0.45, max(w - h * 1.4, 4), h * 0.1, stroke=0, fill=1)


# --- the document ---------------------------------------------------------------------------


@dataclass
class _Running:
    """What the header and footer of the page being laid out show."""

    section: str | None = None  # the section in force (last marker placed)
    page_section: str | None = None  # the header's section: in force at the page's top
    form_count: int = 0
    keys: set[str] = field(default_factory=set)


class _WordDoc(BaseDocTemplate):  # type: ignore[misc]
    """Document template that follows section markers for the running header."""

    def __init__(self, buffer: io.BytesIO, running: _Running, **kw: Any) -> None:
        super().__init__(buffer, **kw)
        self.running = running

    def beforePage(self) -> None:
        """A page starts in the section in force at its top."""
        self.running.page_section = self.running.section

    def afterFlowable(self, flowable: Any) -> None:
        """A section that begins as the page's first content heads the page."""
        if isinstance(flowable, _SectionMark):
            self.running.section = flowable.section
            if self._curPageFlowableCount <= 1:
                self.running.page_section = flowable.section


def _publication(cover: Cover) -> str:
    """The publication's name as the footer spells it (before its date), else the masthead."""
    for separator in (" · ", " | ", " – ", " - "):
        if separator in cover.footer:
            return cover.footer.split(separator, 1)[0].strip()
    return cover.footer.strip() or cover.masthead


def _sentence_case(text: str) -> str:
    """'WHAT'S NEW' -> 'What's new', as a header typed by hand would have it."""
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def _page_furniture(spec: _Spec, styles: _Styles, cover: Cover) -> Any:
    """The onPageEnd callback drawing the running header and footer of body pages."""
    publication = _publication(cover)
    regular = styles.fonts.regular
    accent = HexColor(spec.accent)

    def on_page_end(canv: Canvas, doc: _WordDoc) -> None:
        canv.saveState()
        section = doc.running.page_section
        canv.setFont(regular, FURNITURE_SIZE)
        if spec.header == "right-caps":
            if section:
                canv.setFillColor(accent)
                canv.drawRightString(PAGE_WIDTH - MARGIN_X, HEADER_BASELINE, section.upper())
        else:
            text = publication + (f" | {_sentence_case(section)}" if section else "")
            canv.setFillColor(GREY)
            canv.drawString(MARGIN_X, HEADER_BASELINE, text)
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.5)
            canv.line(MARGIN_X, HEADER_BASELINE - 5, PAGE_WIDTH - MARGIN_X, HEADER_BASELINE - 5)
        number = canv.getPageNumber()
        canv.setFillColor(GREY)
        if spec.page_number == "page-n":
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.5)
            canv.line(MARGIN_X, FOOTER_BASELINE + 12, PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE + 12)
            canv.drawString(MARGIN_X, FOOTER_BASELINE, cover.footer)
            canv.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE, f"Page {number}")
        else:
            canv.drawCentredString(PAGE_WIDTH / 2, FOOTER_BASELINE, cover.footer)
            canv.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE, str(number))
        canv.restoreState()

    return on_page_end


def _frames(template_id: str, columns: int, top: float) -> list[Frame]:
    """Word's section columns: equal width, Word's default spacing."""
    usable = PAGE_WIDTH - 2 * MARGIN_X
    width = (usable - COLUMN_GAP * (columns - 1)) / columns
    return [
        Frame(
            MARGIN_X + i * (width + COLUMN_GAP),
            MARGIN_BOTTOM,
            width,
            top - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"{template_id}-col{i + 1}",
        )
        for i in range(columns)
    ]


def _column_width(columns: int) -> float:
    """Width of one column when the page has ``columns`` of them."""
    usable = PAGE_WIDTH - 2 * MARGIN_X
    return (usable - COLUMN_GAP * (columns - 1)) / columns


def _templates(spec: _Spec, styles: _Styles, cover: Cover) -> list[PageTemplate]:
    """The cover (different first page: no header or footer), one- and two-column pages."""
    furniture = _page_furniture(spec, styles, cover)
    top = PAGE_HEIGHT - MARGIN_TOP
    return [
        PageTemplate(
            "cover", _frames("cover", 1, PAGE_HEIGHT - COVER_TOP), autoNextPageTemplate="cols1"
        ),
        PageTemplate("cols1", _frames("cols1", 1, top), onPageEnd=furniture),
        PageTemplate("cols2", _frames("cols2", 2, top), onPageEnd=furniture),
    ]


# --- the story ------------------------------------------------------------------------------


@dataclass
class _Run:
    """The blocks of one Word section: a stretch of the manuscript under one banner."""

    section: str | None
    blocks: list[Block] = field(default_factory=list)


def _runs(pages: Sequence[ManuscriptPage]) -> list[_Run]:
    """Section runs in order; cover lines and banners are dropped from the flow."""
    runs = [_Run(None)]
    for page in pages:
        for block in page.blocks:
            if block.kind == "banner":
                if block.text != runs[-1].section:
                    runs.append(_Run(block.text))
            elif block.kind not in ("masthead", "tagline", "edition"):
                runs[-1].blocks.append(block)
    return [run for index, run in enumerate(runs) if run.blocks or index == 0]


def _merge_broken(blocks: list[Block]) -> list[Block]:
    """Join a paragraph the original's page break cut mid-sentence with its continuation."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == block.kind == "para"
            and "\n" not in previous.text
            and "\n" not in block.text
            and not plain_text(previous.text).rstrip().endswith(_TERMINAL)
            and not _LINK_CORE.match(plain_text(previous.text).split()[-1])
            and len(plain_text(previous.text).split()) >= 12
        ):
            out[-1] = Block("para", f"{previous.text} {block.text}")
        else:
            out.append(block)
    return out


def _is_contact(block: Block) -> bool:
    """A 'name (area)' line followed by email or phone lines."""
    if block.kind != "para" or "\n" not in block.text:
        return False
    first, *rest = [plain_text(line).strip() for line in block.items]
    if "@" in first or first.endswith(":"):
        return False
    return all("@" in line or _PHONE.match(line) for line in rest)


class _FlowBuilder:
    """Turns section runs into flowables for one layout."""

    def __init__(self, spec: _Spec, styles: _Styles, running: _Running) -> None:
        self.spec = spec
        self.styles = styles
        self.running = running
        self.titles = 0

    def para(self, text: str, style: ParagraphStyle, width: float, lead_in: bool = False) -> Any:
        """A paragraph of inline-marked text, optionally with a bold lead-in."""
        spans = inline_spans(text)
        if lead_in:
            spans = _with_lead_in(spans)
        return Paragraph(_markup(spans, self.styles.fonts, style.fontSize, width), style)

    def title(self, block: Block, width: float) -> Any:
        """A Heading 1 title, bookmarked when the layout makes bookmarks."""
        style = self.styles.title
        spans = inline_spans(block.text)
        heading = _Heading(_markup(spans, self.styles.fonts, style.fontSize, width), style)
        if self.spec.bookmarks:
            self.titles += 1
            heading.outline = (f"h{self.titles}", plain_text(block.text))
        return heading

    def form_name(self, prefix: str) -> str:
        """A Form XObject name unique in the document."""
        self.running.form_count += 1
        return f"{prefix}{self.running.form_count}"

    def run(self, run: _Run, columns: int) -> list[Any]:
        """The flowables of one section run."""
        width = _column_width(columns)
        blocks = _merge_broken(run.blocks)
        flow: list[Any] = []
        after_title = False
        index = 0
        accent = HexColor(self.spec.accent)
        while index < len(blocks):
            block = blocks[index]
            if self.spec.contact_tables and _is_contact(block):
                group = [block]
                while index + len(group) < len(blocks) and _is_contact(blocks[index + len(group)]):
                    group.append(blocks[index + len(group)])
                if len(group) >= 2:
                    flow.append(self.contact_table(group, width))
                    index += len(group)
                    after_title = False
                    continue
            if block.kind == "title":
                flow.append(self.title(block, width))
            elif block.kind == "para":
                lead = (
                    self.spec.lead_ins
                    and after_title
                    and len(plain_text(block.text).split()) >= 15
                    and not inline_spans(block.text)[0][1]
                )
                flow.append(self.para(block.text, self.styles.body, width, lead))
            elif block.kind == "bullets":
                style = self.styles.bullet
                items = [
                    Paragraph(
                        _markup(
                            inline_spans(item),
                            self.styles.fonts,
                            style.fontSize,
                            width - style.leftIndent,
                        ),
                        style,
                        bulletText="•",
                    )
                    for item in block.items
                ]
                items[-1].spaceAfter = self.styles.body.spaceAfter
                flow += items
            elif block.kind == "logo":
                flow.append(
                    _Logo(block.text, self.form_name("Logo"), self.styles.fonts.bold, accent)
                )
            elif block.kind == "artwork":
                flow.append(_Artwork(block.text, self.form_name("Art"), accent))
            after_title = block.kind == "title"
            index += 1
        return flow

    def _table(
        self, rows: list[list[Any]], widths: list[float], head_rows: int, titled: bool = False
    ) -> Any:
        """A boxed table with a shaded head; ``titled``: the first row spans the table."""
        table = Table(rows, colWidths=widths, repeatRows=head_rows, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("BOX", (0, 0), (-1, -1), 0.75, HexColor(self.spec.accent)),
            ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("BACKGROUND", (0, 0), (-1, head_rows - 1), TABLE_SHADE),
        ]
        if titled:
            commands.append(("SPAN", (0, 0), (-1, 0)))
        table.setStyle(TableStyle(commands))
        table.spaceBefore = 4.0
        table.spaceAfter = 10.0
        return table

    def contact_table(self, group: list[Block], width: float) -> Any:
        """A bordered two-column table: name (and area) | email or phone."""
        cell, head = self.styles.cell, self.styles.cell_head
        widths = [width * 0.45, width * 0.55]
        details = [line for b in group for line in b.items[1:]]
        label = "Email" if all("@" in line for line in details) else "Contact details"
        rows: list[list[Any]] = [[Paragraph("Name", head), Paragraph(label, head)]]
        for block in group:
            first, *rest = block.items
            rows.append(
                [
                    self.para(first, cell, widths[0] - 8),
                    self.para("\n".join(rest), cell, widths[1] - 8),
                ]
            )
        return self._table(rows, widths, 1)

    def contacts_box(self, width: float) -> Any:
        """The template's boxed 'Contacts' table of the editorial team (fictional)."""
        cell, head = self.styles.cell, self.styles.cell_head
        if width > 300:
            fractions = (0.22, 0.26, 0.32, 0.20)
            rows: list[list[Any]] = [
                [Paragraph("Contacts", head), "", "", ""],
                [Paragraph(h, head) for h in ("Name", "Role", "Email", "Phone")],
            ]
            for contact in TEAM_CONTACTS:
                rows.append(
                    [
                        self.para(text, cell, width * frac - 8)
                        for text, frac in zip(contact, fractions, strict=True)
                    ]
                )
            return self._table(rows, [width * f for f in fractions], 2, titled=True)
        rows = [[Paragraph("Contacts", head), ""]]
        for name, role, email, phone in TEAM_CONTACTS:
            rows.append(
                [
                    self.para(f"{name}\n{role}", cell, width * 0.45 - 8),
                    self.para(f"{email}\n{phone}", cell, width * 0.55 - 8),
                ]
            )
        return self._table(rows, [width * 0.45, width * 0.55], 1, titled=True)


def _cover_flow(spec: _Spec, styles: _Styles, cover: Cover) -> list[Any]:
    """Masthead, tagline and edition line at the top of the first page."""
    width = PAGE_WIDTH - 2 * MARGIN_X
    accent = HexColor(spec.accent)
    masthead = ParagraphStyle("MastheadFit", parent=styles.masthead)
    natural = stringWidth(cover.masthead, masthead.fontName, masthead.fontSize)
    if natural > width:
        masthead.fontSize = max(masthead.fontSize * width / natural - 0.1, 20.0)
        masthead.leading = masthead.fontSize * 1.15
    flow: list[Any] = []
    if spec.cover_style == "centred":
        flow.append(HRFlowable(width="100%", thickness=2.5, color=accent, spaceAfter=10))
    flow.append(
        Paragraph(
            _markup(inline_spans(cover.masthead), styles.fonts, masthead.fontSize, width), masthead
        )
    )
    if spec.cover_style == "left":
        flow.append(
            HRFlowable(width="100%", thickness=2, color=accent, spaceBefore=2, spaceAfter=6)
        )
    if cover.tagline:
        flow.append(
            Paragraph(
                _markup(inline_spans(cover.tagline), styles.fonts, styles.tagline.fontSize, width),
                styles.tagline,
            )
        )
    edition = Paragraph(escape(cover.edition_line), styles.edition)
    if spec.cover_style == "left":
        strip = Table([[edition]], colWidths=[width], hAlign="LEFT")
        strip.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), accent),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        flow += [Spacer(1, 6), strip]
    else:
        flow += [
            Spacer(1, 4),
            HRFlowable(width="100%", thickness=0.75, color=accent, spaceAfter=4),
            edition,
            HRFlowable(width="100%", thickness=0.75, color=accent, spaceBefore=4),
        ]
    flow.append(Spacer(1, 14))
    return flow


def _story(
    pages: Sequence[ManuscriptPage],
    spec: _Spec,
    styles: _Styles,
    cover: Cover,
    running: _Running,
) -> list[Any]:
    """The whole flow: cover, then each section run behind its section break."""
    builder = _FlowBuilder(spec, styles, running)
    story: list[Any] = _cover_flow(spec, styles, cover)
    runs = _runs(pages)
    columns = 1
    for index, run in enumerate(runs):
        wanted = spec.columns(index)
        if index > 0 and (spec.section_break == "next-page" or wanted != columns):
            story += [NextPageTemplate(f"cols{wanted}"), PageBreak()]
        columns = wanted
        story.append(_SectionMark(run.section))
        story += builder.run(run, columns)
        if index == 0 and spec.contacts_box == "cover":
            story.append(builder.contacts_box(_column_width(columns)))
    if spec.contacts_box == "end":
        story.append(builder.contacts_box(_column_width(columns)))
    return story


def _render(spec: _Spec, pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
    """Lay out the manuscript Word-style into ``out``."""
    styles = _styles(spec)
    running = _Running()
    buffer = io.BytesIO()
    doc = _WordDoc(
        buffer,
        running,
        pagesize=A4,
        pageTemplates=_templates(spec, styles, cover),
        invariant=1,
        title=_publication(cover),
        author="",
        creator=f"Bulletin Archive layout zoo ({spec.name})",
    )
    doc.build(_story(pages, spec, styles, cover, running))
    out.write_bytes(buffer.getvalue())


def _layout(spec: _Spec) -> Render:
    """The Render of one spec."""

    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        _render(spec, pages, out, cover)

    render.__name__ = render.__qualname__ = spec.name.replace("-", "_")
    return render


LAYOUTS: dict[str, Render] = {spec.name: _layout(spec) for spec in SPECS}
