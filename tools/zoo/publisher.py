"""Microsoft Publisher-style newsletters: every story in its own text box on a page grid.

Publisher users build a newsletter from a template of linked text boxes placed on layout guides
(a grid of two or three columns). What that leaves in the PDF, and what these layouts imitate:

- Stories in boxes: each story sits in its own text box, framed by a thin line or a tinted
  fill, and the boxes of a page have different widths (a wide box beside a narrow one). Text that
  does not fit a box runs on into the story's next linked box; line breaks are measured, never
  left to a flow engine.
- A lead story on the cover under a big headline (26pt) with the other headlines at 15pt, and an
  "Inside this issue" box beside it listing the other stories with their page numbers.
- Jumps: a story that does not fit its page ends in "Continued on page N" and resumes under
  "(continued from page M)" (and, when it jumps to the back pages, a "<Title> (continued)"
  headline). Publisher turns the "Continued on page N" line into a PDF link to that page.
- Content order: Publisher writes a page's objects in the order they were created or stacked
  (z-order), not in reading order; a layout shuffles the boxes of each page with a fixed seed or
  writes the bottom box first, while the page still reads left to right, top to bottom.
- Sections as small coloured capitals just above a story's headline, inside its box (or only in
  a running header), instead of full-width section banners.
- A master page: running footer with the publication, date and page number.

Layouts (each feature appears in at least two):

``publisher-grid``      three-column grid, bordered boxes, cover lead story + "Inside this issue",
                        section tags; stories run on into the next page's boxes with no jump
                        lines; content in reading order.
``publisher-jump``      two unequal columns, tinted boxes, serif body, cover lead + "Inside this
                        issue", section in the running header only; a story that does not fit its
                        page (and the cover story) jumps to the back pages with linked
                        "Continued on page N" lines; each page's boxes written bottom box first.
``publisher-shuffled``  three-column grid, bordered boxes, no lead, section tags; stories that
                        cross a page get linked "Continued on page N" / "(continued from page M)"
                        lines; each page's boxes written in a shuffled order.
``publisher-tinted``    two unequal columns, tinted boxes, cover lead story, section tags, linked
                        jumps to the back pages, shuffled content order.

Every word of the manuscript's articles is drawn as text, in order within each article; logos
that carry words are text inside a Form XObject, word-free artwork is a vector drawing. Output
is deterministic (reportlab's invariant mode, seeded shuffles).
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import reportlab
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tools.manuscript import Block, ManuscriptPage, inline_spans, plain_text
from tools.render_reportlab import split_long_token
from tools.zoo.common import Cover, Render

__all__ = ["LAYOUTS", "Spec", "render_publisher"]

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
MARGIN_X = 36.0
TOP = PAGE_H - 40.0  # top of the content area without a running header
HEADER_TOP = PAGE_H - 52.0  # ... with one
BOTTOM = 56.0  # bottom of the content area (the footer lives below)
GUTTER = 12.0
GRID_UNITS = 6  # layout guides: three columns are 2+2+2 units, two unequal ones 4+2
BOX_GAP = 10.0
PAD = 7.0
MIN_TOKEN_WIDTH = 130.0  # longer tokens (addresses) are broken after / - . @ beforehand
FOOTER_SIZE = 8.0
NOTE_SIZE = 8.5
TAG_SIZE = 8.0
TITLE_SIZE = 15.0
LEAD_SIZE = 26.0
INSIDE_SIZE = 9.0
LOGO_SIZE = 9.0
TO_HEIGHT = 14.0  # room kept at a box's foot for "Continued on page N"

INK = HexColor("#1E1E1E")
GREY = HexColor("#666666")
RULE = HexColor("#8C9AAE")
NAVY = HexColor("#1F3864")
SCHEME = (  # a Publisher colour scheme: one accent per section, in order of appearance
    HexColor("#2E74B5"),
    HexColor("#C55A11"),
    HexColor("#538135"),
    HexColor("#7030A0"),
    HexColor("#BF8F00"),
    HexColor("#0E7C86"),
)
VERA_DIR = Path(reportlab.__file__).parent / "fonts"
BULLET_FONT = "PublisherVera"


def _bullet_font() -> str:
    """Bitstream Vera (shipped with reportlab) for the bullet glyph, which it maps to Unicode."""
    if BULLET_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(BULLET_FONT, str(VERA_DIR / "Vera.ttf")))
    return BULLET_FONT


# --- layouts ----------------------------------------------------------------------------------

Band = tuple[tuple[int, ...], float | None]  # lane widths in grid units; share of height or rest
Template = tuple[Band, ...]


@dataclass(frozen=True)
class Spec:
    """One Publisher layout: the grid, the cover, and which habits it has."""

    name: str
    cover_lanes: tuple[int, ...]  # the cover's lanes under the masthead (the lead takes lane 0)
    templates: tuple[Template, ...]  # inner pages take these in turn
    lead: bool  # a lead story with a big headline on the cover
    inside: bool  # an "Inside this issue" box on the cover (in its last lane)
    tags: bool  # section tags above headlines (else the section is in the running header)
    markers: bool  # "Continued on page N" / "(continued from page M)" where a story leaves a page
    jump_back: bool  # stories that do not fit their page (and the lead) resume on back pages
    order: Literal["reading", "shuffled", "bottom-first"]  # the content stream's box order
    tinted: bool  # tinted boxes (else a thin frame)
    serif: bool  # Times body text (else Helvetica)
    lead_share: float | None = None  # the most of its cover lane the lead may fill (then jumps)
    seed: int = 0

    @property
    def running_header(self) -> bool:
        """Without section tags the section goes in a running header."""
        return not self.tags


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    italic: str
    body: float
    leading: float

    def face(self, bold: bool) -> str:
        return self.bold if bold else self.regular


def _fonts(spec: Spec) -> _Fonts:
    if spec.serif:
        return _Fonts("Times-Roman", "Times-Bold", "Times-Italic", 10.5, 13.0)
    return _Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", 9.5, 12.5)


# --- stories ----------------------------------------------------------------------------------


@dataclass
class _Story:
    """An article as the manuscript has it, with the logos and artwork that go in its box."""

    index: int
    title: str | None
    section: str | None
    blocks: list[Block] = field(default_factory=list)


def _stories(pages: Sequence[ManuscriptPage]) -> list[_Story]:
    """Articles as ``manuscript_articles`` finds them, keeping their logos and artwork."""
    stories: list[_Story] = []
    current: _Story | None = None
    section: str | None = None
    pending: list[Block] = []  # artwork met before its story's first words
    for page in pages:
        for block in page.blocks:
            if block.kind in ("masthead", "tagline", "edition"):
                continue
            if block.kind == "banner":
                if block.text != section:
                    current, section = None, block.text
            elif block.kind == "title" or (block.kind in ("para", "bullets") and current is None):
                title = plain_text(block.text) if block.kind == "title" else None
                current = _Story(len(stories), title, section, pending)
                pending = []
                stories.append(current)
                if block.kind != "title":
                    current.blocks.append(block)
            elif current is None:
                pending.append(block)
            else:
                current.blocks.append(block)
    if pending:
        if stories:
            stories[-1].blocks.extend(pending)
        else:
            stories.append(_Story(0, None, section, pending))
    return stories


@dataclass(frozen=True)
class _Word:
    """A run of text with no space inside; ``space`` if a space comes before it."""

    segments: tuple[tuple[str, bool], ...]  # (text, bold)
    space: bool


def _words(text: str, fonts: _Fonts) -> tuple[_Word, ...]:
    """Inline-marked text as words, bold kept; tokens too long for a narrow box broken after
    ``/ - . @`` into glued pieces."""
    found: list[_Word] = []
    segments: list[tuple[str, bool]] = []
    space = False

    def close() -> None:
        nonlocal segments, space
        if segments:
            found.extend(_split_word(_Word(tuple(segments), space), fonts))
        segments, space = [], True

    for span, bold in inline_spans(text):
        for piece in re.split(r"(\s+)", span):
            if not piece:
                continue
            if piece.isspace():
                close()
            else:
                segments.append((piece, bold))
    close()
    return tuple(found)


def _split_word(word: _Word, fonts: _Fonts) -> list[_Word]:
    """A single-run word wider than ``MIN_TOKEN_WIDTH`` as glued pieces that fit."""
    if len(word.segments) != 1:
        return [word]
    text, bold = word.segments[0]
    face = fonts.face(bold)
    pieces = split_long_token(
        text, MIN_TOKEN_WIDTH, lambda s: float(stringWidth(s, face, fonts.body))
    )
    return [_Word(((p, bold),), word.space and i == 0) for i, p in enumerate(pieces)]


Kind = Literal["tag", "title", "text", "logo", "art", "note"]


@dataclass(frozen=True)
class _Unit:
    """One piece of a story's flow: a headline, a line of a paragraph, a bullet item..."""

    kind: Kind
    text: str = ""
    words: tuple[_Word, ...] = ()
    size: float = 0.0
    leading: float = 0.0
    indent: float = 0.0
    bullet: bool = False
    space_after: float = 0.0
    tag: str | None = None  # for titles: the section tag drawn just above


def _units(story: _Story, fonts: _Fonts, title_size: float, tags: bool) -> list[_Unit]:
    """A story's flow: tag and headline, then its blocks in manuscript order."""
    units: list[_Unit] = []
    tag = story.section.upper() if tags and story.section else None
    para_gap = round(fonts.body * 0.6, 2)
    if story.title is not None:
        units.append(_title(story.title, title_size, tag))
    elif tag is not None:
        units.append(_Unit("tag", tag, size=TAG_SIZE, leading=TAG_SIZE * 1.35, space_after=2))
    for block in story.blocks:
        if block.kind == "para":
            lines = block.text.split("\n")
            for i, line in enumerate(lines):
                gap = para_gap if i == len(lines) - 1 else 0.0
                units.append(
                    _Unit(
                        "text",
                        words=_words(line, fonts),
                        size=fonts.body,
                        leading=fonts.leading,
                        space_after=gap,
                    )
                )
        elif block.kind == "bullets":
            items = block.items
            for i, item in enumerate(items):
                gap = para_gap if i == len(items) - 1 else 2.0
                units.append(
                    _Unit(
                        "text",
                        words=_words(item, fonts),
                        size=fonts.body,
                        leading=fonts.leading,
                        indent=fonts.body * 1.3,
                        bullet=True,
                        space_after=gap,
                    )
                )
        elif block.kind == "logo":
            units.append(_Unit("logo", block.text, space_after=8))
        elif block.kind == "artwork":
            units.append(_Unit("art", block.text, space_after=8))
    return units


def _title(text: str, size: float, tag: str | None) -> _Unit:
    return _Unit(
        "title",
        text,
        size=size,
        leading=round(size * 1.12, 2),
        tag=tag,
        space_after=round(size * 0.35, 2),
    )


def _note(text: str) -> _Unit:
    return _Unit("note", text, size=NOTE_SIZE, leading=NOTE_SIZE * 1.4, space_after=3)


# --- fitting text into boxes ------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """Something placed in a box, ``top`` points below the box's content top."""

    kind: Kind
    top: float
    height: float
    size: float = 0.0
    text: str = ""
    words: tuple[_Word, ...] = ()
    indent: float = 0.0
    bullet: bool = False
    width: float = 0.0  # logos and artwork: the drawing's width
    extra: tuple[str, ...] = ()  # logos: their wrapped lines


def _word_width(word: _Word, fonts: _Fonts, size: float) -> float:
    return sum(float(stringWidth(t, fonts.face(b), size)) for t, b in word.segments)


def _wrap(words: Sequence[_Word], width: float, fonts: _Fonts, size: float) -> list[list[_Word]]:
    """Greedy line breaking by measured widths; a word wider than the line gets a line alone."""
    rows: list[list[_Word]] = []
    row: list[_Word] = []
    used = 0.0
    space = float(stringWidth(" ", fonts.regular, size))
    for word in words:
        w = _word_width(word, fonts, size)
        gap = space if word.space and row else 0.0
        if row and used + gap + w > width:
            rows.append(row)
            row, used = [word], w
        else:
            row.append(word)
            used += gap + w
    if row:
        rows.append(row)
    return rows


def _block_lines(unit: _Unit, width: float, fonts: _Fonts, y: float) -> list[_Line]:
    """The lines of a non-text unit placed from ``y`` down."""
    lines: list[_Line] = []
    if unit.kind == "title" and unit.tag:
        for row in simpleSplit(unit.tag, fonts.bold, TAG_SIZE, width):
            lines.append(_Line("tag", y, TAG_SIZE * 1.35, TAG_SIZE, row))
            y += TAG_SIZE * 1.35
        y += 1.0
    if unit.kind in ("title", "tag", "note"):
        face = fonts.italic if unit.kind == "note" else fonts.bold
        for row in simpleSplit(unit.text, face, unit.size, width):
            lines.append(_Line(unit.kind, y, unit.leading, unit.size, row))
            y += unit.leading
    elif unit.kind == "logo":
        inner = min(width, 190.0) - 2 * 7.0 - 5.0
        rows = tuple(simpleSplit(unit.text, fonts.bold, LOGO_SIZE, inner))
        widest = max((float(stringWidth(r, fonts.bold, LOGO_SIZE)) for r in rows), default=0.0)
        height = len(rows) * LOGO_SIZE * 1.25 + 12.0
        lines.append(
            _Line("logo", y, height, LOGO_SIZE, unit.text, width=widest + 19.0, extra=rows)
        )
    elif unit.kind == "art":
        art_w = min(width, 140.0)
        lines.append(_Line("art", y, art_w * 0.64, text=unit.text, width=art_w))
    return lines


State = tuple[int, int]  # (unit index, word index within a text unit)


def _first_height(unit: _Unit | None, width: float, fonts: _Fonts) -> float:
    """What must follow a headline in the same box: two lines, or the artwork under it."""
    if unit is None:
        return 0.0
    if unit.kind in ("logo", "art"):
        return sum(line.height for line in _block_lines(unit, width, fonts, 0.0))
    return 2 * fonts.leading


def _fill(
    units: Sequence[_Unit],
    state: State,
    width: float,
    height: float,
    fonts: _Fonts,
    prefix: Sequence[_Unit] = (),
    force: bool = False,
) -> tuple[list[_Line], State, float]:
    """Fill a box ``width`` x ``height`` with the story from ``state``: the lines placed, where
    the story resumes, and the height used. ``prefix`` units always go first; with ``force``
    the first piece is placed even if it does not fit (a box can never stay empty)."""
    lines: list[_Line] = []
    y = bottom = 0.0

    def place(line: _Line) -> None:
        nonlocal y, bottom
        lines.append(line)
        y = bottom = line.top + line.height

    for unit in prefix:
        for line in _block_lines(unit, width, fonts, y):
            place(line)
        y += unit.space_after
    ui, wi = state
    while ui < len(units):
        unit = units[ui]
        if unit.kind == "text":
            for row in _wrap(unit.words[wi:], width - unit.indent, fonts, unit.size):
                if y + unit.leading > height and (lines or not force):
                    return lines, (ui, wi), bottom
                place(
                    _Line(
                        "text",
                        y,
                        unit.leading,
                        unit.size,
                        words=tuple(row),
                        indent=unit.indent,
                        bullet=unit.bullet and wi == 0,
                    )
                )
                wi += len(row)
            y += unit.space_after
            ui, wi = ui + 1, 0
            continue
        block = _block_lines(unit, width, fonts, y)
        need = sum(line.height for line in block)
        if unit.kind in ("title", "tag"):
            following = units[ui + 1] if ui + 1 < len(units) else None
            need += unit.space_after + _first_height(following, width, fonts)
        if y + need > height and (lines or not force):
            return lines, (ui, 0), bottom
        for line in block:
            place(line)
        y += unit.space_after
        ui += 1
    return lines, (len(units), 0), bottom


# --- planning pages ---------------------------------------------------------------------------


@dataclass
class _Lane:
    """A column region of a page between layout guides; boxes stack down it."""

    page: int  # 0-based
    index: int  # reading order on its page
    x: float
    width: float
    top: float
    bottom: float
    cursor: float
    last: bool  # the last lane of its page


@dataclass
class _Box:
    """A placed text box."""

    page: int
    lane: int
    x: float
    top: float
    width: float
    height: float
    story: _Story | None  # None: the "Inside this issue" box
    lines: list[_Line]
    key: str
    to_box: _Box | None = None  # where the story continues ("Continued on page N")
    from_box: _Box | None = None  # where it came from ("(continued from page M)")
    reserved_to: bool = False
    target: bool = False  # a link points here: it gets a named destination


@dataclass
class _Entry:
    """A line of the "Inside this issue" box."""

    title: str
    story: int
    rows: tuple[str, ...]


class _Planner:
    """Places stories box by box down the lanes of the pages, making pages as needed."""

    def __init__(self, spec: Spec, fonts: _Fonts, cover_top: float) -> None:
        self.spec = spec
        self.fonts = fonts
        self.cover_top = cover_top
        self.lanes: list[_Lane] = []
        self.current = 0
        self.boxes: list[_Box] = []
        self.pages = 0
        self.deferred: list[tuple[_Story, list[_Unit], State, _Box]] = []
        self.first_page: dict[int, int] = {}
        self.entries: list[_Entry] = []

    # lanes
    def _add_page(self) -> None:
        page = self.pages
        self.pages += 1
        if page == 0:
            bands: Template = ((self.spec.cover_lanes, None),)
            top = self.cover_top
        else:
            bands = self.spec.templates[(page - 1) % len(self.spec.templates)]
            top = HEADER_TOP if self.spec.running_header else TOP
        unit = (PAGE_W - 2 * MARGIN_X + GUTTER) / GRID_UNITS
        full = top - BOTTOM
        index = 0
        for spans, share in bands:
            band_bottom = BOTTOM if share is None else top - full * share
            start = 0
            for span in spans:
                x = MARGIN_X + start * unit
                self.lanes.append(
                    _Lane(page, index, x, span * unit - GUTTER, top, band_bottom, top, False)
                )
                start += span
                index += 1
            top = band_bottom - BOX_GAP
        self.lanes[-1].last = True

    def lane(self) -> _Lane:
        while self.current >= len(self.lanes):
            self._add_page()
        return self.lanes[self.current]

    def advance(self) -> None:
        self.current += 1

    def add(self, lane: _Lane, box: _Box) -> None:
        self.boxes.append(box)
        lane.cursor = box.top - box.height - BOX_GAP

    # the cover's furniture
    def inside_box(self, entries: list[_Entry]) -> None:
        lane = [ln for ln in self.lanes if ln.page == 0][-1]
        width = lane.width - 2 * PAD
        head = INSIDE_SIZE * 1.45 + 14
        rows = INSIDE_SIZE * 1.3
        room = (lane.top - lane.bottom) * 0.6
        kept: list[_Entry] = []
        height = head + 2 * PAD
        for entry in entries:
            wrapped = tuple(simpleSplit(entry.title, self.fonts.regular, INSIDE_SIZE, width - 18))
            extra = len(wrapped) * rows + 4
            if height + extra > room:
                break
            kept.append(_Entry(entry.title, entry.story, wrapped))
            height += extra
        self.entries = kept
        box = _Box(0, lane.index, lane.x, lane.top, lane.width, height, None, [], "inside")
        self.add(lane, box)

    # stories
    def place(
        self,
        story: _Story,
        units: list[_Unit],
        state: State,
        *,
        lead: bool = False,
        prefix: Sequence[_Unit] = (),
        from_box: _Box | None = None,
    ) -> None:
        """Place a story (from ``state``) in boxes down the lanes from the current one. A
        story resuming on the back pages (``from_box`` given) runs on and never jumps again."""
        fonts = self.fonts
        may_jump = self.spec.jump_back and from_box is None
        while state[0] < len(units):
            lane = self.lane()
            fresh = lane.cursor == lane.top
            width = lane.width - 2 * PAD
            pre = list(prefix)
            if from_box is not None and from_box.reserved_to and not pre:
                pre = [_note(f"(continued from page {from_box.page + 1})")]
            pre_h = sum(ln.height for u in pre for ln in _block_lines(u, width, fonts, 0.0))
            avail = lane.cursor - lane.bottom - 2 * PAD
            lead_box = lead and lane.page == 0 and lane.index == 0
            if lead_box and self.spec.lead_share is not None:
                avail = min(avail, (lane.top - lane.bottom) * self.spec.lead_share - 2 * PAD)
            if not fresh and avail < pre_h + 3 * fonts.leading:
                self.advance()
                continue
            lines, after, used = _fill(units, state, width, avail, fonts, pre, force=fresh)
            if not lines:
                self.advance()
                continue
            done = after[0] >= len(units)
            jump = not done and may_jump and (lane.last or lead_box)
            reserve = not done and self.spec.markers and (lane.last or jump)
            if reserve:
                lines, after, used = _fill(
                    units, state, width, avail - TO_HEIGHT, fonts, pre, force=fresh
                )
                done = after[0] >= len(units)
                reserve = not done
                if not lines:
                    self.advance()
                    continue
            height = used + 2 * PAD + (TO_HEIGHT if reserve else 0.0)
            box = _Box(
                lane.page,
                lane.index,
                lane.x,
                lane.cursor,
                lane.width,
                height,
                story,
                lines,
                f"box{len(self.boxes)}",
                reserved_to=reserve,
            )
            if from_box is not None and from_box.reserved_to:
                from_box.to_box, box.from_box = box, from_box
                box.target = from_box.target = True
            self.first_page.setdefault(story.index, lane.page)
            self.add(lane, box)
            prefix, from_box, state = (), box, after
            if jump:  # the rest waits for the back pages; the next story takes this lane
                self.deferred.append((story, units, state, box))
                return
            if not done:
                self.advance()


@dataclass
class _Plan:
    boxes: list[_Box]
    pages: int
    entries: list[_Entry]
    first_page: dict[int, int]
    sections: dict[str, Color]


def _plan(stories: list[_Story], spec: Spec, fonts: _Fonts, cover_top: float) -> _Plan:
    planner = _Planner(spec, fonts, cover_top)
    planner.lane()  # the cover
    if spec.inside:
        start = 1 if spec.lead else 0
        planner.inside_box(
            [_Entry(s.title, s.index, ()) for s in stories[start:] if s.title is not None]
        )
    for story in stories:
        lead = spec.lead and story.index == 0
        size = LEAD_SIZE if lead else TITLE_SIZE
        planner.place(story, _units(story, fonts, size, spec.tags), (0, 0), lead=lead)
    for story, units, state, box in planner.deferred:
        prefix = [_note(f"(continued from page {box.page + 1})")]
        if story.title is not None:
            prefix.insert(0, _title(f"{story.title} (continued)", TITLE_SIZE, None))
        planner.place(story, units, state, prefix=prefix, from_box=box)
    sections: dict[str, Color] = {}
    for story in stories:
        if story.section is not None and story.section not in sections:
            sections[story.section] = SCHEME[len(sections) % len(SCHEME)]
    return _Plan(planner.boxes, planner.pages, planner.entries, planner.first_page, sections)


# --- drawing ----------------------------------------------------------------------------------


def _tint(colour: Color, amount: float) -> Color:
    return Color(*(c + (1 - c) * amount for c in (colour.red, colour.green, colour.blue)))


def _fit(text: str, font: str, size: float, width: float, least: float) -> float:
    natural = float(stringWidth(text, font, size))
    return size if natural <= width else max(size * width / natural, least)


class _Painter:
    """Draws a plan onto a canvas, page by page."""

    def __init__(self, canv: Any, spec: Spec, fonts: _Fonts, plan: _Plan, cover: Cover) -> None:
        self.canv = canv
        self.spec = spec
        self.fonts = fonts
        self.plan = plan
        self.cover = cover
        self.forms = 0

    def colour(self, story: _Story | None) -> Color:
        if story is None or story.section is None:
            return NAVY
        return self.plan.sections.get(story.section, NAVY)

    def page(self, page: int) -> None:
        canv = self.canv
        boxes = [b for b in self.plan.boxes if b.page == page]
        # Master page first, as Publisher writes it.
        if page > 0:
            self.footer(page)
            if self.spec.running_header:
                self.header(boxes)
        else:
            self.masthead()
        ordered = sorted(boxes, key=lambda b: (b.lane, -b.top))
        if self.spec.order == "shuffled":
            random.Random(self.spec.seed * 1000 + page).shuffle(ordered)
        elif self.spec.order == "bottom-first":
            ordered = sorted(boxes, key=lambda b: (b.top - b.height, b.x))
        for box in ordered:
            if box.story is None:
                self.inside(box)
            else:
                self.box(box)
        canv.showPage()

    # master page
    def footer(self, page: int) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, 42, PAGE_W - MARGIN_X, 42)
        canv.setFillColor(GREY)
        canv.setFont(self.fonts.regular, FOOTER_SIZE)
        canv.drawString(MARGIN_X, 30, self.cover.footer)
        canv.drawRightString(PAGE_W - MARGIN_X, 30, f"Page {page + 1}")
        canv.restoreState()

    def header(self, boxes: list[_Box]) -> None:
        """Running header: the publication on the left, the page's first section on the right."""
        canv = self.canv
        first = min(boxes, key=lambda b: (b.lane, -b.top), default=None)
        section = first.story.section if first is not None and first.story else None
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, PAGE_H - 38, PAGE_W - MARGIN_X, PAGE_H - 38)
        canv.setFillColor(GREY)
        canv.setFont(self.fonts.italic, FOOTER_SIZE)
        canv.drawString(MARGIN_X, PAGE_H - 32, self.cover.masthead)
        if section:
            canv.setFillColor(self.colour(first.story if first else None))
            canv.setFont(self.fonts.bold, FOOTER_SIZE)
            canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 32, section.upper())
        canv.restoreState()

    def masthead(self) -> None:
        canv = self.canv
        top, height = _masthead_geometry(self.cover, self.fonts)
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(MARGIN_X, top - height, PAGE_W - 2 * MARGIN_X, height, stroke=0, fill=1)
        canv.setFillColor(SCHEME[0])
        canv.rect(MARGIN_X, top - height - 20, PAGE_W - 2 * MARGIN_X, 18, stroke=0, fill=1)
        width = PAGE_W - 2 * MARGIN_X - 28
        y = top - 14
        for row, size in _masthead_rows(self.cover, self.fonts, width):
            y -= size
            face = self.fonts.italic if size < 20 else self.fonts.bold
            canv.setFillColor(white if size >= 20 else HexColor("#D6E3F3"))
            canv.setFont(face, size)
            canv.drawString(MARGIN_X + 14, y, row)
            y -= size * 0.3
        canv.setFillColor(white)
        canv.setFont(self.fonts.bold, 9.5)
        canv.drawString(MARGIN_X + 14, top - height - 14.5, self.cover.edition_line)
        canv.restoreState()

    # boxes
    def box(self, box: _Box) -> None:
        canv, fonts = self.canv, self.fonts
        colour = self.colour(box.story)
        bottom = box.top - box.height
        canv.saveState()
        if self.spec.tinted:
            canv.setFillColor(_tint(colour, 0.9))
            canv.rect(box.x, bottom, box.width, box.height, stroke=0, fill=1)
        else:
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.6)
            canv.rect(box.x, bottom, box.width, box.height, stroke=1, fill=0)
        if box.target:
            canv.bookmarkPage(box.key, fit="XYZ", left=box.x, top=box.top)
        x0, top = box.x + PAD, box.top - PAD
        for line in box.lines:
            self.line(line, x0, top, box, colour)
        if box.reserved_to and box.to_box is not None:
            text = f"Continued on page {box.to_box.page + 1}"
            right = box.x + box.width - PAD
            base = bottom + PAD + 2
            canv.setFillColor(colour)
            canv.setFont(fonts.italic, NOTE_SIZE)
            canv.drawRightString(right, base, text)
            w = float(stringWidth(text, fonts.italic, NOTE_SIZE))
            canv.linkAbsolute(
                "",
                box.to_box.key,
                (right - w, base - 2, right, base + NOTE_SIZE),
                thickness=0,
                Border="[0 0 0]",
            )
        canv.restoreState()

    def line(self, line: _Line, x0: float, top: float, box: _Box, colour: Color) -> None:
        canv, fonts = self.canv, self.fonts
        y = top - line.top
        base = y - (line.height - line.size) / 2 - line.size * 0.8
        avail = box.width - 2 * PAD
        if line.kind == "text":
            if line.bullet:
                canv.setFillColor(colour)
                canv.setFont(_bullet_font(), line.size)
                canv.drawString(x0 + 1.5, base, "•")
            text = canv.beginText(x0 + line.indent, base)
            text.setFillColor(INK)
            natural = sum(_word_width(w, fonts, line.size) for w in line.words) + sum(
                float(stringWidth(" ", fonts.regular, line.size))
                for i, w in enumerate(line.words)
                if w.space and i > 0
            )
            if natural > avail - line.indent:  # an unbreakable token: squeeze it, keep it whole
                text.setHorizScale(100 * (avail - line.indent) / natural)
            for i, word in enumerate(line.words):
                if word.space and i > 0:
                    text.setFont(fonts.regular, line.size)
                    text.textOut(" ")
                for piece, bold in word.segments:
                    text.setFont(fonts.face(bold), line.size)
                    text.textOut(piece)
            canv.drawText(text)
        elif line.kind in ("title", "tag"):
            colour = colour if line.kind == "tag" or line.size < LEAD_SIZE else NAVY
            _squeezed(canv, x0, base, line.text, fonts.bold, line.size, avail, colour)
        elif line.kind == "note":
            _squeezed(canv, x0, base, line.text, fonts.italic, line.size, avail, colour)
            if box.from_box is not None:
                w = float(stringWidth(line.text, fonts.italic, line.size))
                canv.linkAbsolute(
                    "",
                    box.from_box.key,
                    (x0, base - 2, x0 + w, base + line.size),
                    thickness=0,
                    Border="[0 0 0]",
                )
        elif line.kind == "logo":
            self.logo(line, x0, y, colour)
        elif line.kind == "art":
            self.art(line, x0 + (box.width - 2 * PAD - line.width) / 2, y)

    def logo(self, line: _Line, x: float, y: float, colour: Color) -> None:
        """A partner logo with words: its text inside a Form XObject."""
        canv, fonts = self.canv, self.fonts
        name = f"PubLogo{self.forms}"
        self.forms += 1
        w, h = line.width, line.height
        canv.beginForm(name, 0, 0, w, h)
        canv.setFillColor(HexColor("#F4F6F9"))
        canv.setStrokeColor(colour)
        canv.roundRect(0.5, 0.5, w - 1, h - 1, 3, stroke=1, fill=1)
        canv.setFillColor(colour)
        canv.rect(0.5, 0.5, 5, h - 1, stroke=0, fill=1)
        canv.setFillColor(NAVY)
        canv.setFont(fonts.bold, LOGO_SIZE)
        base = h - 6 - LOGO_SIZE * 0.85
        for row in line.extra:
            canv.drawString(12, base, row)
            base -= LOGO_SIZE * 1.25
        canv.endForm()
        canv.saveState()
        canv.translate(x, y - h)
        canv.doForm(name)
        canv.restoreState()

    def art(self, line: _Line, x: float, y: float) -> None:
        """Word-free artwork: rings and bars in colours chosen from its name."""
        canv = self.canv
        digest = hashlib.sha256(line.text.encode("utf-8")).digest()
        main = SCHEME[digest[0] % len(SCHEME)]
        second = SCHEME[(digest[0] + 1 + digest[1] % 3) % len(SCHEME)]
        w, h = line.width, line.height - 8
        canv.saveState()
        canv.translate(x, y - h - 4)
        canv.setFillColor(HexColor("#F4F6F9"))
        canv.setStrokeColor(RULE)
        canv.roundRect(0, 0, w, h, 6, stroke=1, fill=1)
        cx, cy, r = h / 2, h / 2, h * 0.34
        canv.setFillColor(main)
        canv.circle(cx, cy, r, stroke=0, fill=1)
        canv.setFillColor(white)
        canv.circle(cx, cy, r * 0.6, stroke=0, fill=1)
        canv.setFillColor(second)
        canv.circle(cx, cy, r * 0.3, stroke=0, fill=1)
        for i, frac in enumerate((0.9, 0.6, 0.75)):
            canv.setFillColor(main if i % 2 == 0 else second)
            canv.roundRect(
                h + 2, h * (0.6 - 0.17 * i), (w - h - 10) * frac, h * 0.1, 2, stroke=0, fill=1
            )
        canv.restoreState()

    def inside(self, box: _Box) -> None:
        """The cover's "Inside this issue" box: headline strip, titles with page numbers."""
        canv, fonts = self.canv, self.fonts
        canv.saveState()
        bottom = box.top - box.height
        canv.setFillColor(_tint(NAVY, 0.9))
        canv.rect(box.x, bottom, box.width, box.height, stroke=0, fill=1)
        strip = INSIDE_SIZE * 1.45 + 8
        canv.setFillColor(NAVY)
        canv.rect(box.x, box.top - strip, box.width, strip, stroke=0, fill=1)
        canv.setFillColor(white)
        canv.setFont(fonts.bold, INSIDE_SIZE * 1.3)
        canv.drawString(box.x + PAD, box.top - strip + 6, "Inside this issue")
        y = box.top - strip - 6 - PAD
        for entry in self.plan.entries:
            page = self.plan.first_page.get(entry.story, 0) + 1
            canv.setFillColor(INK)
            canv.setFont(fonts.regular, INSIDE_SIZE)
            for i, row in enumerate(entry.rows):
                y -= INSIDE_SIZE * 1.3 if i else INSIDE_SIZE
                canv.drawString(box.x + PAD, y, row)
            canv.setFont(fonts.bold, INSIDE_SIZE)
            canv.drawRightString(box.x + box.width - PAD, y, str(page))
            y -= INSIDE_SIZE * 0.3 + 4
        canv.restoreState()


def _squeezed(
    canv: Any, x: float, y: float, text: str, font: str, size: float, width: float, colour: Color
) -> None:
    """One line of text, squeezed horizontally if a word too long for the box makes it wider."""
    obj = canv.beginText(x, y)
    obj.setFont(font, size)
    obj.setFillColor(colour)
    natural = float(stringWidth(text, font, size))
    if natural > width:
        obj.setHorizScale(100 * width / natural)
    obj.textOut(text)
    canv.drawText(obj)


def _masthead_rows(cover: Cover, fonts: _Fonts, width: float) -> list[tuple[str, float]]:
    """The masthead's and tagline's lines with their sizes."""
    size = _fit(cover.masthead, fonts.bold, 36.0, width, 30.0) * 0.995
    rows = [(row, size) for row in simpleSplit(cover.masthead, fonts.bold, size, width)]
    if cover.tagline:
        rows += [(row, 12.0) for row in simpleSplit(cover.tagline, fonts.italic, 12.0, width)]
    return rows


def _masthead_geometry(cover: Cover, fonts: _Fonts) -> tuple[float, float]:
    """Top and height of the cover's masthead band."""
    rows = _masthead_rows(cover, fonts, PAGE_W - 2 * MARGIN_X - 28)
    height = 26 + sum(size * 1.3 for _, size in rows)
    return TOP, height


def render_publisher(pages: Sequence[ManuscriptPage], out: Path, cover: Cover, spec: Spec) -> None:
    """Lay out the manuscript's stories in boxes the way ``spec`` says and write ``out``."""
    fonts = _fonts(spec)
    top, height = _masthead_geometry(cover, fonts)
    plan = _plan(_stories(pages), spec, fonts, top - height - 20 - BOX_GAP - 4)
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canv.setTitle(f"{cover.masthead} - {cover.edition_line}")
    canv.setCreator("Microsoft® Publisher 2016")
    painter = _Painter(canv, spec, fonts, plan, cover)
    for page in range(plan.pages):
        painter.page(page)
    canv.save()
    out.write_bytes(buffer.getvalue())


def _layout(spec: Spec) -> Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_publisher(pages, out, cover, spec)

    return render


THREE = (2, 2, 2)
SPECS = (
    Spec(
        "publisher-grid",
        cover_lanes=(4, 2),
        templates=(
            (((4, 2), None),),
            (((6,), 0.3), (THREE, None)),
            (((2, 4), None),),
            ((THREE, None),),
        ),
        lead=True,
        inside=True,
        tags=True,
        markers=False,
        jump_back=False,
        order="reading",
        tinted=False,
        serif=False,
    ),
    Spec(
        "publisher-jump",
        cover_lanes=(4, 2),
        templates=((((4, 2), None),), (((3, 3), None),), (((2, 4), None),)),
        lead=True,
        inside=True,
        tags=False,
        markers=True,
        jump_back=True,
        order="bottom-first",
        tinted=True,
        serif=True,
        lead_share=0.55,
    ),
    Spec(
        "publisher-shuffled",
        cover_lanes=THREE,
        templates=(
            ((THREE, None),),
            (((4, 2), None),),
            (((6,), 0.25), ((2, 4), None)),
        ),
        lead=False,
        inside=False,
        tags=True,
        markers=True,
        jump_back=False,
        order="shuffled",
        tinted=False,
        serif=False,
        seed=7,
    ),
    Spec(
        "publisher-tinted",
        cover_lanes=(4, 2),
        templates=((((2, 4), None),), (((4, 2), None),)),
        lead=True,
        inside=False,
        tags=True,
        markers=True,
        jump_back=True,
        order="shuffled",
        tinted=True,
        serif=False,
        lead_share=0.6,
        seed=11,
    ),
)

LAYOUTS: dict[str, Render] = {spec.name: _layout(spec) for spec in SPECS}
