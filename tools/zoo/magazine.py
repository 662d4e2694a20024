"""Magazine layouts: newsletters set the way Adobe InDesign and Scribus users set them.

Desktop-publishing newsletters are built from threaded text frames on a grid, not from a word
processor's single flow, and each of these layouts imitates one such house style:

``magazine-3col``
    The classic InDesign three-column newsletter: Times, justified, narrow gutters with hairline
    column rules, first-line indents instead of paragraph spacing, 22pt display titles inside
    the column, three-line drop caps, pull quotes between rules, picture frames with italic
    captions. Each section opens a new page under a coloured text band; later pages of the
    section repeat its name as a running header.
``magazine-stacked``
    A Scribus/InDesign "story per band" page: each article is its own band of linked frames
    (two columns, then three), balanced, titled across the full width at 20pt Helvetica; bands
    stack down the page and run on with "Continued on page N" jumps. Drop caps, bold lead-ins,
    picture frames with captions, shaded "Find out more" sidebars, text section bands.
``magazine-bold-titles``
    The plain InDesign bulletin of a small team: Bitstream Vera, three tight justified columns
    hyphenated with U+2010 HYPHEN, titles bold at body size told apart only by weight and
    colour, bold lead-ins, sidebars, pictures; section banners and partner logos are placed
    artwork (vector pictures with no words), so section names are nowhere in the text.
``magazine-picture-banners``
    An agency-designed InDesign template: Vera, stacked 2- and 3-column bands, 24pt display
    titles, drop caps, boxed pull quotes, pictures, justified text hyphenated with soft hyphens
    (U+00AD drawn at the break, as InDesign exports them), and word-free artwork for section
    banners and logos.
``magazine-bold-stacked``
    A council communications team's InDesign newsletter: Times, ragged-right stacked bands,
    titles bold at body size (weight alone marks them; cover lines and sidebar headings are
    no larger than the body either), bold lead-ins, shaded sidebars, coloured text section
    bands, "continued" jumps.

Every word of every title, paragraph and bullet list is drawn as real text, in the manuscript's
order within its article. What a layout adds (pull quotes repeating one sentence of their
article, captions, sidebars, "continued" lines, running headers and footers) is furniture. The
text is set by a small line breaker of our own (reportlab's hyphenation needs pyphen): greedy,
justified, splitting a long word between letters when the rest of it does not fit. Articles
reflow onto as many pages as they need; a paragraph the source cut mid-sentence at its page
break is set as one paragraph again. Output is deterministic.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tools.manuscript import Block, ManuscriptPage, inline_spans, plain_text
from tools.render_reportlab import draw_emblem
from tools.zoo.common import Cover, Render

__all__ = ["LAYOUTS"]

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN_X = 36.0
TOP = 40.0
BOTTOM = 50.0
FOOTER_Y = 26.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BANNER_HEIGHT = 26.0
EPSILON = 0.01

HYPHEN = "\u2010"
SOFT_HYPHEN = "\u00ad"
VERA_DIR = Path(reportlab.__file__).parent / "fonts"

NAVY = HexColor("#13294B")
INK = HexColor("#1A1A1A")
GREY = HexColor("#6B6B6B")
RULE = HexColor("#9A9A9A")
PHOTO = HexColor("#D5D5D5")

CAPTIONS = (
    "Picture: partners at a multi-agency briefing",
    "Picture: officers and council staff on a joint visit",
    "Picture: delegates during the morning session",
    "Picture: the regional team at a recent workshop",
    "Picture: frontline staff at a partnership training day",
    "Picture: local partners meeting at the civic centre",
)
SIDEBARS = (
    (
        "Find out more",
        (
            "Back issues of this bulletin are online",
            "Ask your partnership coordinator for copies",
            "Tel 020 7946 0321",
        ),
    ),
    (
        "Get involved",
        (
            "Send us your partnership news and photos",
            "Copy deadline: six weeks before each issue",
            "Email the editor via your partnership lead",
        ),
    ),
    (
        "Useful links",
        (
            "Report fraud: www.actionfraud.police.uk",
            "Report crime anonymously: Crimestoppers 0800 555 111",
        ),
    ),
    (
        "Key contacts",
        (
            "Partnership support team",
            "Tel 020 7946 0598",
            "Monday to Friday, 9am to 5pm",
        ),
    ),
)


# --- fonts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontSet:
    """The four faces of one family."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


HELVETICA = FontSet("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique")
TIMES = FontSet("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic")
VERA = FontSet("MagazineVera", "MagazineVera-Bold", "MagazineVera-It", "MagazineVera-BoldIt")
_VERA_FILES = {
    VERA.regular: "Vera.ttf",
    VERA.bold: "VeraBd.ttf",
    VERA.italic: "VeraIt.ttf",
    VERA.bold_italic: "VeraBI.ttf",
}


def _register_vera() -> None:
    """Register Bitstream Vera (shipped with reportlab), with U+2010 mapped to its hyphen glyph.

    Vera has no U+2010 in its cmap; like most fonts that have one, we draw it with the
    hyphen-minus glyph, so the subset's ToUnicode map tells extractors it is U+2010.
    """
    registered = pdfmetrics.getRegisteredFontNames()
    for name, filename in _VERA_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(VERA_DIR / filename)))
        # (again on every render: reportlab shares one face per font file between the fonts
        # registered from it, and another layout registering the same file resets it)
        face = pdfmetrics.getFont(name).face
        face.charToGlyph[ord(HYPHEN)] = face.charToGlyph[ord("-")]
        face.charWidths[ord(HYPHEN)] = face.charWidths[ord("-")]


@lru_cache(maxsize=200_000)
def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


# --- looks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """One layout: a combination of the features below."""

    fonts: FontSet
    size: float
    leading: float
    columns: int  # columns of the continuous flow (continuous layouts)
    stacked: tuple[int, ...]  # column counts of article bands in turn; () = continuous flow
    gutter: float
    justify: bool
    hyphen: str | None  # the character drawn at a break inside a word; None: no hyphenation
    title_size: float  # == size: titles bold at body size
    title_colour: Color
    accent: Color
    palette: tuple[Color, ...]
    drop_caps: bool = False
    pull_quotes: bool = False
    boxed_quotes: bool = False
    pictures: bool = False
    sidebars: bool = False
    lead_ins: bool = False
    picture_banners: bool = False  # section banners and logos as word-free artwork
    indent_paras: bool = False
    column_rules: bool = False
    running_header: bool = False

    @property
    def display_titles(self) -> bool:
        return self.title_size > self.size * 1.2


# --- words and lines ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Characters of one word in one font."""

    text: str
    font: str


Word = tuple[Run, ...]


def _word_text(word: Word) -> str:
    return "".join(run.text for run in word)


def _word_width(word: Word, size: float) -> float:
    return sum(_width(run.text, run.font, size) for run in word)


def _split_word(word: Word, at: int) -> tuple[Word, Word]:
    """The word's runs cut after character ``at``."""
    head: list[Run] = []
    tail: list[Run] = []
    pos = 0
    for run in word:
        end = pos + len(run.text)
        if end <= at:
            head.append(run)
        elif pos >= at:
            tail.append(run)
        else:
            head.append(Run(run.text[: at - pos], run.font))
            tail.append(Run(run.text[at - pos :], run.font))
        pos = end
    return tuple(head), tuple(tail)


def _with_suffix(word: Word, suffix: str) -> Word:
    last = word[-1]
    return (*word[:-1], Run(last.text + suffix, last.font))


def _segments(text: str, regular: str, bold: str) -> list[list[Word]]:
    """Inline-marked text as words, one list per forced line (the manuscript's line breaks)."""
    segments: list[list[Word]] = [[]]
    current: list[Run] = []
    for span, is_bold in inline_spans(text):
        font = bold if is_bold else regular
        for piece in re.split(r"(\s+)", span):
            if not piece:
                continue
            if piece.isspace():
                if current:
                    segments[-1].append(tuple(current))
                    current = []
                segments.extend([] for _ in range(piece.count("\n")))
            else:
                current.append(Run(piece, font))
    if current:
        segments[-1].append(tuple(current))
    return [segment for segment in segments if segment]


_HYPHENATABLE = re.compile(r"^([\"“‘'(]*)([A-Za-z]+)([\"”’'),.;:!?]*)$")
_EXPLICIT_BREAK = "-/"
_FORCED_BREAK = "-/.@_"


_ONSETS = frozenset(
    {"bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gh", "gl", "gr", "ph", "pl", "pr", "qu"}
    | {"sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "tw", "wh", "wr"}
)
_DIGRAPHS = frozenset({"ch", "gh", "ph", "qu", "sh", "th", "wh"})


def _hyphen_points(core: str) -> list[int]:
    """Where a word may break, by a rough English syllable rule: inside each consonant cluster
    between two vowels, before a single consonant (ca-per), between two (mem-ber) unless they
    are a digraph (tea-cher, ade-quate), after ``ck`` (pack-age), else before the onset that
    ends it (part-ner, im-prove).
    Silent final ``e``/``ed``/``es`` are no vowels; at least 2 letters before, 3 after."""
    low = core.lower()
    vowel = [ch in "aeiou" or (ch == "y" and i > 0) for i, ch in enumerate(low)]
    for i in range(1, len(low)):
        if low[i] == "u" and low[i - 1] == "q":
            vowel[i] = False
    if low.endswith(("ed", "es")):
        vowel[-2] = False
    elif low.endswith("e"):
        vowel[-1] = False
    points: list[int] = []
    index = 0
    while index < len(low):
        if not vowel[index]:
            index += 1
            continue
        while index < len(low) and vowel[index]:
            index += 1
        start = index
        while index < len(low) and not vowel[index]:
            index += 1
        if index >= len(low) or index == start:
            continue
        cluster = low[start:index]
        if len(cluster) == 1 or cluster in _DIGRAPHS:
            points.append(start)
        elif cluster.startswith("ck"):
            points.append(start + 2)
        elif len(cluster) >= 3 and cluster[-2:] in _ONSETS:
            points.append(index - 2)
        else:
            points.append(index - 1)
    return [p for p in points if p >= 2 and len(low) - p >= 3]


def _fit_split(
    word: Word, room: float, size: float, hyphen: str | None
) -> tuple[Word, Word] | None:
    """Cut ``word`` so its head fits ``room``: between letters (drawing ``hyphen``) or after an
    explicit hyphen or slash; None when no cut fits."""
    text = _word_text(word)
    match = _HYPHENATABLE.match(text) if hyphen else None
    if hyphen and match:
        lead, core = match.group(1), match.group(2)
        if len(core) >= 6 and not core.isupper():
            for k in reversed(_hyphen_points(core)):
                head, tail = _split_word(word, len(lead) + k)
                head = _with_suffix(head, hyphen)
                if _word_width(head, size) <= room:
                    return head, tail
            return None
    cuts = [
        i + 1
        for i, ch in enumerate(text[:-2])
        if ch in _EXPLICIT_BREAK and i >= 2 and text[i + 1] not in _EXPLICIT_BREAK
    ]
    for at in reversed(cuts):
        head, tail = _split_word(word, at)
        if _word_width(head, size) <= room:
            return head, tail
    return None


def _force_split(word: Word, room: float, size: float) -> tuple[Word, Word]:
    """Cut a token too long for a whole line: after ``/ - . @ _`` if possible, else anywhere."""
    text = _word_text(word)
    for breaks in (_FORCED_BREAK, None):
        for at in range(len(text) - 1, 0, -1):
            if breaks is not None and text[at - 1] not in breaks:
                continue
            head, tail = _split_word(word, at)
            if _word_width(head, size) <= room:
                return head, tail
    return _split_word(word, 1)


@dataclass(frozen=True)
class Line:
    """One set line: its words, where it starts and how wide it may be."""

    words: tuple[Word, ...]
    indent: float
    width: float
    justify: bool


Shape = Callable[[int], tuple[float, float]]  # line number -> (indent, available width)


def _break_lines(
    segments: list[list[Word]],
    size: float,
    space: float,
    shape: Shape,
    *,
    justify: bool,
    hyphen: str | None,
) -> list[Line]:
    """Greedy line breaking; the last line of each forced segment is never justified."""
    lines: list[Line] = []
    for segment in segments:
        queue = list(segment)
        pos = 0
        current: list[Word] = []
        natural = 0.0
        while pos < len(queue):
            word = queue[pos]
            indent, avail = shape(len(lines))
            need = _word_width(word, size) + (natural + space if current else 0.0)
            if need <= avail + EPSILON:
                current.append(word)
                natural = need
                pos += 1
                continue
            room = avail - (natural + space if current else 0.0)
            split = _fit_split(word, room, size, hyphen) if room > size * 1.5 else None
            if split is None and not current:
                split = _force_split(word, avail, size)
            if split is not None:
                current.append(split[0])
                queue[pos] = split[1]
            lines.append(Line(tuple(current), indent, avail, justify))
            current, natural = [], 0.0
        if current:
            indent, avail = shape(len(lines))
            lines.append(Line(tuple(current), indent, avail, False))
    return lines


def _draw_line(
    canv: Canvas, line: Line, x: float, baseline: float, size: float, space: float
) -> None:
    """Draw a line word by word: each word at its own position, with its space character."""
    widths = [_word_width(word, size) for word in line.words]
    gap = space
    if line.justify and len(line.words) > 1:
        gap = max(space, (line.width - sum(widths)) / (len(line.words) - 1))
    text = canv.beginText()
    pos = x + line.indent
    last = len(line.words) - 1
    for index, (word, width) in enumerate(zip(line.words, widths, strict=True)):
        text.setTextOrigin(pos, baseline)
        for k, run in enumerate(word):
            text.setFont(run.font, size)
            tail = " " if index < last and k == len(word) - 1 else ""
            text.textOut(run.text + tail)
        pos += width + gap
    canv.drawText(text)


# --- slices: what a column is filled with ---------------------------------------------------

Drawer = Callable[[Canvas, float, float, float], None]  # canvas, x, top, width


@dataclass
class Slice:
    """A horizontal strip of a column: a text line, a box, or spacing (dropped at a column top).

    ``keep``: this many following slices must stand in the same column as this one.
    """

    height: float
    draw: Drawer | None = None
    keep: int = 0
    gap: bool = False


def _gap(height: float) -> Slice:
    return Slice(height, None, 0, True)


def _text_slices(
    lines: list[Line],
    size: float,
    leading: float,
    colour: Color,
    space: float,
    extra: Drawer | None = None,
) -> list[Slice]:
    """One slice per line; the first two and the last two lines keep together."""
    slices: list[Slice] = []
    for number, line in enumerate(lines):

        def draw(
            canv: Canvas,
            x: float,
            top: float,
            width: float,
            line: Line = line,
            first: bool = not number,
        ) -> None:
            canv.setFillColor(colour)
            _draw_line(canv, line, x, top - leading * 0.5 - size * 0.35, size, space)
            if first and extra is not None:
                extra(canv, x, top, width)

        keep = 1 if len(lines) >= 3 and number in (0, len(lines) - 2) else 0
        slices.append(Slice(leading, draw, keep))
    return slices


def _group_end(slices: Sequence[Slice], start: int) -> int:
    """The last slice that must share a column with ``slices[start]``."""
    end = start + slices[start].keep
    index = start
    while index < end and index + 1 < len(slices):
        index += 1
        end = max(end, index + slices[index].keep)
    return min(end, len(slices) - 1)


def _fill(
    slices: Sequence[Slice], start: int, columns: int, height: float, *, force: bool = False
) -> tuple[list[list[int]], int]:
    """Fill ``columns`` columns of ``height`` from ``slices[start:]``: the slice indices of each
    column and the index of the first slice left over. A box taller than a column goes into an
    empty column only with ``force`` (on a fresh page, where nothing else could be done)."""
    placed: list[list[int]] = []
    index = start
    for _ in range(columns):
        column: list[int] = []
        used = 0.0
        while index < len(slices):
            piece = slices[index]
            if piece.gap and not column:
                index += 1
                continue
            end = _group_end(slices, index)
            need = sum(s.height for s in slices[index : end + 1])
            if used + need > height + EPSILON:
                if column:
                    if need <= height or used + piece.height > height + EPSILON:
                        break
                elif piece.height > height + EPSILON and not force:
                    break
            column.append(index)
            used += piece.height
            index += 1
        placed.append(column)
    return placed, index


def _balanced(slices: Sequence[Slice], columns: int, height: float) -> float | None:
    """The shortest column height (to 1pt) that holds all slices, or None if ``height`` can't."""
    if _fill(slices, 0, columns, height)[1] < len(slices):
        return None
    total = sum(s.height for s in slices if not s.gap)
    low, high = max(total / columns - 1, 0.0), height
    while high - low > 1:
        middle = (low + high) / 2
        if _fill(slices, 0, columns, middle)[1] < len(slices):
            low = middle
        else:
            high = middle
    return high


# --- articles -------------------------------------------------------------------------------


@dataclass
class Article:
    """An article as laid out: its section, title and body blocks (logos and artwork too)."""

    index: int
    section: str | None
    new_section: bool
    title: str | None
    blocks: list[Block] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(
            len(plain_text(b.text).split()) for b in self.blocks if b.kind in ("para", "bullets")
        )


def _articles(pages: Sequence[ManuscriptPage]) -> list[Article]:
    """Group the manuscript into articles: a title, or a change of section, opens one. Logos and
    artwork stay with the open article, or head the next one after a change of section."""
    articles: list[Article] = []
    section: str | None = None
    current: Article | None = None
    pending: list[Block] = []
    changed = False

    def open_article(title: str | None) -> Article:
        nonlocal changed, pending
        article = Article(len(articles), section, changed, title, pending)
        articles.append(article)
        changed, pending = False, []
        return article

    for page in pages:
        for block in page.blocks:
            if block.kind in ("masthead", "tagline", "edition"):
                continue
            if block.kind == "banner":
                if block.text != section:
                    section, changed, current = block.text, True, None
            elif block.kind == "title":
                current = open_article(block.text)
            elif block.kind in ("logo", "artwork") and current is None:
                pending.append(block)
            else:
                if current is None:
                    current = open_article(None)
                current.blocks.append(block)
    if pending:
        if articles:
            articles[-1].blocks.extend(pending)
        else:
            open_article(None)
    for article in articles:
        article.blocks = _join_broken_paragraphs(article.blocks)
    return articles


_TERMINAL = tuple('.!?:;"”’)')


def _join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """Rejoin a paragraph that the source's page or column break cut mid-sentence: a long
    one-line paragraph ending without punctuation runs on into the next paragraph."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == block.kind == "para"
            and "\n" not in previous.text
            and len(previous.text.split()) >= 12
            and not previous.text.rstrip().endswith(_TERMINAL)
        ):
            joined[-1] = Block("para", f"{previous.text.rstrip()} {block.text}")
        else:
            joined.append(block)
    return joined


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘\"])")


def _pull_quote(article: Article, after: int) -> str | None:
    """A sentence of the article to repeat large beside block ``after``: 8-24 words, no
    addresses; from the text before it (else after the next block), the middle candidate."""
    candidates: list[str] = []
    order = [i for i in range(len(article.blocks)) if i <= after]
    order += [i for i in range(len(article.blocks)) if i > after + 1]
    for i in order:
        block = article.blocks[i]
        if block.kind != "para":
            continue
        if i > after and candidates:
            break
        for sentence in _SENTENCE.split(" ".join(plain_text(block.text).split())):
            count = len(sentence.split())
            if 8 <= count <= 24 and not re.search(r"@|https?:|www\.|:$", sentence):
                candidates.append(sentence.strip())
    return candidates[len(candidates) // 2] if candidates else None


# --- the renderer ---------------------------------------------------------------------------


class _Magazine:
    """Lays out one manuscript in one look on a reportlab canvas."""

    def __init__(self, look: Look, pages: Sequence[ManuscriptPage], cover: Cover) -> None:
        if look.fonts == VERA:
            _register_vera()
        self.look = look
        self.cover = cover
        self.articles = _articles(pages)
        self.buffer = io.BytesIO()
        self.canv = Canvas(self.buffer, pagesize=A4, invariant=1, pageCompression=1)
        self.page = 1
        self.y = PAGE_HEIGHT - TOP
        self.section: str | None = None
        self.forms = 0
        self.colours: dict[str, Color] = {}
        for article in self.articles:
            if article.section is not None and article.section not in self.colours:
                self.colours[article.section] = look.palette[len(self.colours) % len(look.palette)]
        self.space = _width(" ", look.fonts.regular, look.size)

    # -- whole document ----------------------------------------------------------------------

    def render(self, out: Path) -> None:
        self._page_furniture()
        self._masthead()
        if self.look.stacked:
            self._stacked()
        else:
            self._continuous()
        self.canv.showPage()
        self.canv.save()
        out.write_bytes(self.buffer.getvalue())

    def _new_page(self) -> None:
        self.canv.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - TOP
        self._page_furniture()

    def _page_furniture(self) -> None:
        canv, look = self.canv, self.look
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, FOOTER_Y + 10, PAGE_WIDTH - MARGIN_X, FOOTER_Y + 10)
        canv.setFillColor(GREY)
        canv.setFont(look.fonts.regular, 7.5)
        canv.drawString(MARGIN_X, FOOTER_Y, self.cover.footer)
        canv.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_Y, str(self.page))
        if self.page > 1:
            canv.setFillColor(look.accent)
            canv.rect(MARGIN_X, PAGE_HEIGHT - 24, CONTENT_WIDTH, 2.5, stroke=0, fill=1)
        canv.restoreState()

    def _masthead(self) -> None:
        """The cover's masthead band: the publication's name (wrapped, never shrunk below the
        titles), the tagline and the edition line. Plain looks keep the tagline and edition
        line at body size."""
        canv, look, cover = self.canv, self.look, self.cover
        inner = CONTENT_WIDTH - 24
        size = max(30.0, look.title_size * 1.3)
        names, name_space = self._wrapped(cover.masthead, look.fonts.bold, size, inner)
        small = look.size * (1.0 if look.display_titles else 1.05)
        tag_size = 12.0 if look.display_titles else small
        edition_size = 9.5 if look.display_titles else look.size
        tags, tag_space = (
            self._wrapped(cover.tagline, look.fonts.italic, tag_size, inner)
            if cover.tagline
            else ([], 0.0)
        )
        strip = 22.0
        height = 20 + len(names) * size * 1.08 + 8 + len(tags) * tag_size * 1.3 + 12 + strip
        top = PAGE_HEIGHT - 30
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(MARGIN_X, top - height, CONTENT_WIDTH, height, stroke=0, fill=1)
        canv.setFillColor(look.accent)
        canv.rect(MARGIN_X, top - height, CONTENT_WIDTH, strip, stroke=0, fill=1)
        canv.setFillColor(white)
        y = top - 20
        for line in names:
            _draw_line(canv, line, MARGIN_X + 12, y - size * 0.78, size, name_space)
            y -= size * 1.08
        y -= 8
        for line in tags:
            _draw_line(canv, line, MARGIN_X + 12, y - tag_size * 0.9, tag_size, tag_space)
            y -= tag_size * 1.3
        canv.setFont(look.fonts.bold, edition_size)
        canv.drawString(MARGIN_X + 12, top - height + 7.5, cover.edition_line)
        canv.restoreState()
        self.y = top - height - 16

    # -- section banners ---------------------------------------------------------------------

    def _banner(self, section: str) -> None:
        """A full-width section banner at the current height: a text band or a picture."""
        canv, look = self.canv, self.look
        colour = self.colours.get(section, NAVY)
        bottom = self.y - BANNER_HEIGHT
        if look.picture_banners:
            self._draw_picture_banner(MARGIN_X, bottom, CONTENT_WIDTH, BANNER_HEIGHT, section)
        else:
            canv.saveState()
            canv.setFillColor(colour)
            canv.rect(MARGIN_X, bottom, CONTENT_WIDTH, BANNER_HEIGHT, stroke=0, fill=1)
            canv.setFillColor(look.accent)
            canv.rect(MARGIN_X, bottom, 6, BANNER_HEIGHT, stroke=0, fill=1)
            canv.setFillColor(white)
            canv.setFont(look.fonts.bold, 13)
            canv.drawString(MARGIN_X + 14, bottom + BANNER_HEIGHT / 2 - 4.5, section)
            canv.restoreState()
        self.y = bottom - 14

    def _draw_picture_banner(
        self, x: float, y: float, width: float, height: float, section: str
    ) -> None:
        """Artwork for a section: a coloured bar of shapes, keyed to the section, no words."""
        canv = self.canv
        digest = hashlib.sha256(section.encode("utf-8")).digest()
        colour = self.colours.get(section, NAVY)
        name = self._form_name("Banner")
        canv.beginForm(name, 0, 0, width, height)
        canv.setFillColor(colour)
        canv.rect(0, 0, width, height, stroke=0, fill=1)
        canv.setFillColor(self.look.accent)
        canv.rect(0, 0, width, 4, stroke=0, fill=1)
        canv.setFillColor(white)
        kind = digest[0] % 3
        for i in range(6 + digest[1] % 5):
            cx = 18 + i * (height + 4)
            if kind == 0:
                canv.circle(cx, height / 2 + 2, height * 0.28, stroke=0, fill=1)
            elif kind == 1:
                path = canv.beginPath()
                path.moveTo(cx - 8, 8)
                path.lineTo(cx, height - 6)
                path.lineTo(cx + 8, 8)
                path.close()
                canv.drawPath(path, stroke=0, fill=1)
            else:
                canv.rect(cx - 6, 8, 12, height - 14, stroke=0, fill=1)
        canv.setFillColor(_tint(colour, 0.35))
        canv.rect(width * 0.55, 6, width * 0.42, height - 12, stroke=0, fill=1)
        canv.endForm()
        canv.saveState()
        canv.translate(x, y)
        canv.doForm(name)
        canv.restoreState()

    def _running_header(self, section: str) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(self.colours.get(section, NAVY))
        canv.setFont(self.look.fonts.bold, 8)
        canv.drawString(MARGIN_X, PAGE_HEIGHT - 34, section)
        canv.restoreState()
        self.y = PAGE_HEIGHT - TOP - 8

    def _form_name(self, kind: str) -> str:
        self.forms += 1
        return f"Zoo{kind}{self.forms}"

    # -- continuous flow (one thread of columns through the section) -------------------------

    def _continuous(self) -> None:
        look = self.look
        width = (CONTENT_WIDTH - look.gutter * (look.columns - 1)) / look.columns
        runs: list[tuple[str | None, list[Article]]] = []
        for article in self.articles:
            if not runs or article.new_section:
                runs.append((article.section, []))
            runs[-1][1].append(article)
        for number, (section, articles) in enumerate(runs):
            if number > 0:
                self._new_page()
            if section is not None:
                self._banner(section)
            slices: list[Slice] = []
            for article in articles:
                slices += self._article_slices(article, width, with_title=True)
                slices.append(_gap(look.leading * 1.2))
            self._flow(slices, look.columns, width, section)

    def _flow(self, slices: list[Slice], columns: int, width: float, section: str | None) -> None:
        """Thread ``slices`` through page-high columns, balancing the last page."""
        start = 0
        while start < len(slices):
            rest = slices[start:]
            available = self.y - BOTTOM
            if available < self.look.leading * 5:
                self._next_flow_page(section)
                continue
            height = _balanced(rest, columns, available)
            if height is not None:
                placed, _ = _fill(rest, 0, columns, height)
                self._draw_columns(rest, placed, width, height)
                self.y -= height
                return
            placed, end = _fill(rest, 0, columns, available, force=self._fresh())
            if end == 0:
                self._next_flow_page(section)
                continue
            self._draw_columns(rest, placed, width, available)
            start += end
            if start < len(slices):
                self._next_flow_page(section)

    def _fresh(self) -> bool:
        """Is nothing but page furniture (and a banner) above the current height?"""
        return self.y > PAGE_HEIGHT - TOP - BANNER_HEIGHT - 30

    def _next_flow_page(self, section: str | None) -> None:
        self._new_page()
        if section is not None and self.look.running_header:
            self._running_header(section)

    def _draw_columns(
        self, slices: Sequence[Slice], placed: list[list[int]], width: float, height: float
    ) -> None:
        canv, look = self.canv, self.look
        for number, column in enumerate(placed):
            x = MARGIN_X + number * (width + look.gutter)
            top = self.y
            for index in column:
                piece = slices[index]
                if piece.draw is not None:
                    piece.draw(canv, x, top, width)
                top -= piece.height
            if look.column_rules and number > 0 and column:
                canv.saveState()
                canv.setStrokeColor(RULE)
                canv.setLineWidth(0.3)
                rule_x = x - look.gutter / 2
                canv.line(rule_x, self.y, rule_x, self.y - height)
                canv.restoreState()

    # -- stacked bands (one band of linked frames per article) -------------------------------

    def _stacked(self) -> None:
        look = self.look
        for article in self.articles:
            columns = look.stacked[article.index % len(look.stacked)]
            if article.word_count < 80:
                columns = min(columns, 2)
            width = (CONTENT_WIDTH - look.gutter * (columns - 1)) / columns
            title = self._title_slices(article, CONTENT_WIDTH) if article.title else []
            title_height = sum(s.height for s in title) + (look.leading * 0.5 if title else 0.0)
            banner = BANNER_HEIGHT + 14 if article.new_section and article.section else 0.0
            body = self._article_slices(article, width, with_title=False)
            room = self.y - BOTTOM - banner - title_height
            if room < look.leading * 6 or (
                _balanced(body, columns, room) is None
                and _fill(body, 0, columns, room - look.leading * 1.4)[1] < min(len(body), 8)
            ):
                self._new_page()
            if banner and article.section is not None:
                self._banner(article.section)
            top = self.y
            for piece in title:
                if piece.draw is not None and not piece.gap:
                    piece.draw(self.canv, MARGIN_X, top, CONTENT_WIDTH)
                top -= piece.height
            self.y = top - (look.leading * 0.5 if title else 0.0)
            self._band(body, columns, width)

    def _band(self, slices: list[Slice], columns: int, width: float) -> None:
        """Balanced columns for one article, jumping to the next page when it runs over."""
        look = self.look
        note = look.leading * 1.4
        start = 0
        while start < len(slices):
            rest = slices[start:]
            available = self.y - BOTTOM
            height = _balanced(rest, columns, available)
            if height is not None:
                placed, _ = _fill(rest, 0, columns, height)
                self._draw_columns(rest, placed, width, height)
                self.y -= height + look.leading * 0.6
                self._separator()
                return
            placed, end = _fill(rest, 0, columns, available - note, force=self._fresh())
            if end == 0:
                self._new_page()
                continue
            self._draw_columns(rest, placed, width, available - note)
            start += end
            self._jump_note(f"Continued on page {self.page + 1}", self.y - available + 4, True)
            self._new_page()
            self._jump_note(f"Continued from page {self.page - 1}", self.y - look.size, False)
            self.y -= note

    def _jump_note(self, text: str, baseline: float, right: bool) -> None:
        canv, look = self.canv, self.look
        canv.saveState()
        canv.setFillColor(look.accent)
        canv.setFont(look.fonts.italic, look.size - 1)
        if right:
            canv.drawRightString(PAGE_WIDTH - MARGIN_X, baseline, text)
        else:
            canv.drawString(MARGIN_X, baseline, text)
        canv.restoreState()

    def _separator(self) -> None:
        canv = self.canv
        if self.y - BOTTOM < 40:
            return
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, self.y, PAGE_WIDTH - MARGIN_X, self.y)
        canv.restoreState()
        self.y -= self.look.leading * 1.2

    # -- an article's slices -----------------------------------------------------------------

    def _title_slices(self, article: Article, width: float) -> list[Slice]:
        look = self.look
        size = look.title_size
        leading = size * 1.15 if look.display_titles else look.leading
        segments = _segments(article.title or "", look.fonts.bold, look.fonts.bold)
        lines = _break_lines(
            segments,
            size,
            _width(" ", look.fonts.bold, size),
            lambda _n: (0.0, width),
            justify=False,
            hyphen=None,
        )
        space = _width(" ", look.fonts.bold, size)
        slices = _text_slices(lines, size, leading, look.title_colour, space)
        for piece in slices:
            piece.keep = 1
        before = look.leading * (0.8 if look.display_titles else 0.6)
        after = look.leading * (0.4 if look.display_titles else 0.15)
        return [_gap(before), *slices, Slice(after, None, 1)]

    def _article_slices(self, article: Article, width: float, *, with_title: bool) -> list[Slice]:
        look = self.look
        slices: list[Slice] = []
        if with_title and article.title:
            slices += self._title_slices(article, width)
        text_blocks = [i for i, b in enumerate(article.blocks) if b.kind in ("para", "bullets")]
        words = article.word_count
        picture_after = (
            text_blocks[0]
            if look.pictures and text_blocks and words >= 90 and article.index % 2 == 0
            else None
        )
        quote_after: int | None = None
        if look.pull_quotes and words >= 140:
            seen = 0
            for i in text_blocks[:-1]:
                seen += len(plain_text(article.blocks[i].text).split())
                if seen >= words * 0.35 and i != picture_after:
                    quote_after = i
                    break
        quote = _pull_quote(article, quote_after) if quote_after is not None else None
        first_para = text_blocks[0] if text_blocks else None
        paragraphs = 0
        for i, block in enumerate(article.blocks):
            if block.kind == "para":
                opening = i == first_para and paragraphs == 0
                slices += self._para_slices(
                    block.text, width, opening=opening, first=not paragraphs
                )
                paragraphs += 1
            elif block.kind == "bullets":
                slices += self._bullet_slices(block, width)
                paragraphs += 1
            elif block.kind == "logo":
                slices += self._box(self._logo_drawer(block.text, width))
            elif block.kind == "artwork":
                slices += self._box(self._artwork_drawer(block.text, width))
            if i == picture_after:
                slices += self._box(self._picture_drawer(article.index, width))
            if i == quote_after and quote is not None:
                slices += self._box(self._quote_drawer(quote, width))
        if look.sidebars and article.index % 3 == 2:
            slices += self._box(self._sidebar_drawer(article.index // 3, width))
        return slices

    def _box(self, drawn: tuple[float, Drawer]) -> list[Slice]:
        height, draw = drawn
        return [_gap(self.look.leading * 0.7), Slice(height, draw), _gap(self.look.leading * 0.7)]

    def _para_slices(self, text: str, width: float, *, opening: bool, first: bool) -> list[Slice]:
        look = self.look
        fonts = look.fonts
        segments = _segments(text, fonts.regular, fonts.bold)
        if not segments:
            return []
        if opening and look.lead_ins:
            segments[0] = _lead_in(segments[0], fonts)
        cap = _drop_cap(segments[0][0]) if opening and look.drop_caps else None
        indent = look.size * 1.1 if look.indent_paras and not first else 0.0
        extra: Drawer | None = None
        cap_lines = 0
        if cap is not None:
            letter, rest, trailing = cap
            cap_lines = 3
            cap_size = (2 * look.leading + 0.7 * look.size) / 0.7
            cap_width = _width(letter, fonts.bold, cap_size) + look.size * 0.3
            segments[0] = segments[0][1:] if not rest else [rest, *segments[0][1:]]
            if not segments[0]:
                segments = segments[1:] or [[]]
            size, leading = look.size, look.leading

            def extra(canv: Canvas, x: float, top: float, _w: float) -> None:
                baseline = top - leading * 0.5 - size * 0.35 - 2 * leading
                canv.saveState()
                canv.setFillColor(look.accent)
                canv.setFont(fonts.bold, cap_size)
                canv.drawString(x, baseline, letter + trailing)
                canv.restoreState()

            def shape(n: int) -> tuple[float, float]:
                return (cap_width, width - cap_width) if n < 3 else (0.0, width)

        else:

            def shape(n: int) -> tuple[float, float]:
                return (indent, width - indent) if n == 0 else (0.0, width)

        lines = _break_lines(
            segments, look.size, self.space, shape, justify=look.justify, hyphen=look.hyphen
        )
        slices = _text_slices(lines, look.size, look.leading, INK, self.space, extra)
        if cap_lines:
            while len(slices) < cap_lines:
                slices.append(Slice(look.leading))
            slices[0].keep = max(slices[0].keep, cap_lines - 1)
        spacing = 0.0 if look.indent_paras else look.leading * 0.5
        return [*slices, _gap(spacing)] if spacing else slices

    def _bullet_slices(self, block: Block, width: float) -> list[Slice]:
        look = self.look
        fonts = look.fonts
        hang = look.size * 1.2
        size, leading = look.size, look.leading
        slices: list[Slice] = []

        def bullet(canv: Canvas, x: float, top: float, _w: float) -> None:
            canv.saveState()
            canv.setFillColor(look.accent)
            y = top - leading * 0.5 - size * 0.05
            canv.rect(x + size * 0.2, y, size * 0.38, size * 0.38, stroke=0, fill=1)
            canv.restoreState()

        for item in block.items:
            segments = _segments(item, fonts.regular, fonts.bold)
            lines = _break_lines(
                segments,
                look.size,
                self.space,
                lambda _n: (hang, width - hang),
                justify=look.justify,
                hyphen=look.hyphen,
            )
            slices += _text_slices(lines, look.size, look.leading, INK, self.space, bullet)
            slices.append(_gap(look.leading * 0.25))
        slices.append(_gap(look.leading * 0.4))
        return slices

    # -- boxes -------------------------------------------------------------------------------

    def _wrapped(self, text: str, font: str, size: float, width: float) -> tuple[list[Line], float]:
        lines = _break_lines(
            _segments(text, font, font),
            size,
            _width(" ", font, size),
            lambda _n: (0.0, width),
            justify=False,
            hyphen=None,
        )
        return lines, _width(" ", font, size)

    def _picture_drawer(self, index: int, width: float) -> tuple[float, Drawer]:
        """A picture frame (a vector stand-in for a photo) with an italic caption beneath."""
        look = self.look
        caption = CAPTIONS[index % len(CAPTIONS)]
        size = look.size - 1.5
        leading = size * 1.25
        lines, space = self._wrapped(caption, look.fonts.italic, size, width)
        photo = min(width * 0.62, 150.0)
        height = photo + 4 + len(lines) * leading
        rng = random.Random(1000 + index)
        hills = [rng.uniform(0.25, 0.6) for _ in range(5)]
        sun = (rng.uniform(0.15, 0.85), rng.uniform(0.65, 0.85))
        people = [rng.uniform(0.1, 0.9) for _ in range(rng.randint(2, 5))]

        def draw(canv: Canvas, x: float, top: float, w: float) -> None:
            canv.saveState()
            bottom = top - photo
            canv.setFillColor(PHOTO)
            canv.rect(x, bottom, w, photo, stroke=0, fill=1)
            canv.setFillColor(HexColor("#EFEFEF"))
            canv.circle(x + w * sun[0], bottom + photo * sun[1], photo * 0.09, stroke=0, fill=1)
            path = canv.beginPath()
            path.moveTo(x, bottom)
            for k, level in enumerate(hills):
                path.lineTo(x + w * k / (len(hills) - 1), bottom + photo * level)
            path.lineTo(x + w, bottom)
            path.close()
            canv.setFillColor(HexColor("#B0B0B0"))
            canv.drawPath(path, stroke=0, fill=1)
            canv.setFillColor(HexColor("#8A8A8A"))
            for spot in people:
                px = x + w * spot
                canv.circle(px, bottom + photo * 0.36, photo * 0.05, stroke=0, fill=1)
                canv.roundRect(
                    px - photo * 0.06, bottom, photo * 0.12, photo * 0.3, 2, stroke=0, fill=1
                )
            canv.setFillColor(GREY)
            y = bottom - 4
            for line in lines:
                _draw_line(canv, line, x, y - leading * 0.5 - size * 0.35, size, space)
                y -= leading
            canv.restoreState()

        return height, draw

    def _quote_drawer(self, sentence: str, width: float) -> tuple[float, Drawer]:
        """A pull quote: one sentence of the article, large italic, between rules or boxed."""
        look = self.look
        size = 16.0 if width >= 150 else 14.0
        leading = size * 1.2
        pad = 8.0 if look.boxed_quotes else 0.0
        text = f"“{sentence}”"
        lines, space = self._wrapped(text, look.fonts.italic, size, width - 2 * pad)
        height = len(lines) * leading + 14 + 2 * pad

        def draw(canv: Canvas, x: float, top: float, w: float) -> None:
            canv.saveState()
            if look.boxed_quotes:
                canv.setStrokeColor(look.accent)
                canv.setLineWidth(1.5)
                canv.setFillColor(_tint(look.accent, 0.88))
                canv.rect(x, top - height, w, height, stroke=1, fill=1)
            else:
                canv.setStrokeColor(look.accent)
                canv.setLineWidth(1.5)
                canv.line(x, top - 1, x + w, top - 1)
                canv.line(x, top - height + 1, x + w, top - height + 1)
            canv.setFillColor(look.accent)
            y = top - 7 - pad
            for line in lines:
                _draw_line(canv, line, x + pad, y - leading * 0.5 - size * 0.35, size, space)
                y -= leading
            canv.restoreState()

        return height, draw

    def _sidebar_drawer(self, index: int, width: float) -> tuple[float, Drawer]:
        """A shaded box: a short heading and a few lines of contacts and links."""
        look = self.look
        heading, entries = SIDEBARS[index % len(SIDEBARS)]
        pad = 7.0
        size = look.size - 0.5
        leading = size * 1.3
        head_size = size + 1.5 if look.display_titles else look.size
        head_lines, head_space = self._wrapped(heading, look.fonts.bold, head_size, width - 2 * pad)
        body: list[tuple[list[Line], float]] = [
            self._wrapped(entry, look.fonts.regular, size, width - 2 * pad) for entry in entries
        ]
        count = sum(len(lines) for lines, _ in body)
        height = 2 * pad + len(head_lines) * head_size * 1.3 + 3 + count * leading

        def draw(canv: Canvas, x: float, top: float, w: float) -> None:
            canv.saveState()
            canv.setFillColor(_tint(look.accent, 0.82))
            canv.rect(x, top - height, w, height, stroke=0, fill=1)
            canv.setFillColor(look.accent)
            canv.rect(x, top - 3, w, 3, stroke=0, fill=1)
            y = top - pad
            head_leading = head_size * 1.3
            canv.setFillColor(NAVY)
            for line in head_lines:
                _draw_line(
                    canv, line, x + pad, y - head_leading * 0.5 - size * 0.4, head_size, head_space
                )
                y -= head_leading
            y -= 3
            canv.setFillColor(INK)
            for lines, space in body:
                for line in lines:
                    _draw_line(canv, line, x + pad, y - leading * 0.5 - size * 0.35, size, space)
                    y -= leading
            canv.restoreState()

        return height, draw

    def _logo_drawer(self, text: str, width: float) -> tuple[float, Drawer]:
        """A partner logo as a Form XObject: its words in a tinted box, or (picture layouts)
        an emblem with no words."""
        look = self.look
        if look.picture_banners:
            return self._emblem_drawer(text, width, "Logo")
        size = look.size
        box = min(width, 180.0)
        lines, space = self._wrapped(plain_text(text), look.fonts.bold, size, box - 18)
        height = len(lines) * size * 1.25 + 14
        name = self._form_name("Logo")

        def draw(canv: Canvas, x: float, top: float, _w: float) -> None:
            canv.beginForm(name, 0, 0, box, height)
            canv.setFillColor(_tint(look.accent, 0.9))
            canv.setStrokeColor(look.accent)
            canv.roundRect(0.5, 0.5, box - 1, height - 1, 3, stroke=1, fill=1)
            canv.setFillColor(look.accent)
            canv.rect(0.5, 0.5, 5, height - 1, stroke=0, fill=1)
            canv.setFillColor(NAVY)
            y = height - 7
            for line in lines:
                _draw_line(canv, line, 12, y - size * 0.9, size, space)
                y -= size * 1.25
            canv.endForm()
            canv.saveState()
            canv.translate(x, top - height)
            canv.doForm(name)
            canv.restoreState()

        return height, draw

    def _artwork_drawer(self, name: str, width: float) -> tuple[float, Drawer]:
        return self._emblem_drawer(name, width, "Art")

    def _emblem_drawer(self, key: str, width: float, kind: str) -> tuple[float, Drawer]:
        """Word-free artwork in a Form XObject: a ring, a diamond and bars keyed to ``key``."""
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        palette = self.look.palette
        main = palette[digest[0] % len(palette)]
        second = palette[(digest[0] + 1 + digest[1] % 2) % len(palette)]
        w = min(width, 160.0)
        h = w * 0.55
        name = self._form_name(kind)

        def draw(canv: Canvas, x: float, top: float, _w: float) -> None:
            canv.beginForm(name, 0, 0, w, h)
            draw_emblem(
                canv, w, h, main, second, background=HexColor("#F3F5F8"), border=RULE, corner=6
            )
            canv.endForm()
            canv.saveState()
            canv.translate(x, top - h)
            canv.doForm(name)
            canv.restoreState()

        return h, draw


def _tint(colour: Color, amount: float) -> Color:
    """``colour`` mixed with white."""
    return Color(
        colour.red + (1 - colour.red) * amount,
        colour.green + (1 - colour.green) * amount,
        colour.blue + (1 - colour.blue) * amount,
    )


def _lead_in(words: list[Word], fonts: FontSet) -> list[Word]:
    """The first few words of an article set bold, up to the first punctuation (at most 5)."""
    out: list[Word] = []
    bold = True
    for word in words:
        if bold:
            out.append(tuple(Run(run.text, fonts.bold) for run in word))
            bold = len(out) < 5 and not re.search(r"[,.;:!?]$", _word_text(word))
        else:
            out.append(word)
    return out


def _drop_cap(word: Word) -> tuple[str, Word | None, str] | None:
    """The drop cap's letter, what is left of the first word, and a space when nothing is."""
    text = _word_text(word)
    if not text[:1].isalnum():
        return None
    _head, rest = _split_word(word, 1)
    return text[0], (rest or None), ("" if rest else " ")


# --- the layouts ----------------------------------------------------------------------------

BLUES = (HexColor("#1D5C96"), HexColor("#00796B"), HexColor("#7B2D8E"), HexColor("#B4491C"))
WARM = (HexColor("#8C1D40"), HexColor("#D9822B"), HexColor("#2E6F40"), HexColor("#3D5A80"))


def _layout(look: Look) -> Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        _Magazine(look, pages, cover).render(out)

    return render


THREE_COLUMN = Look(
    fonts=TIMES,
    size=9.0,
    leading=11.2,
    columns=3,
    stacked=(),
    gutter=10.0,
    justify=True,
    hyphen=None,
    title_size=22.0,
    title_colour=NAVY,
    accent=HexColor("#B4491C"),
    palette=BLUES,
    drop_caps=True,
    pull_quotes=True,
    pictures=True,
    indent_paras=True,
    column_rules=True,
    running_header=True,
)
STACKED = Look(
    fonts=HELVETICA,
    size=8.5,
    leading=11.0,
    columns=2,
    stacked=(2, 3),
    gutter=12.0,
    justify=True,
    hyphen=None,
    title_size=20.0,
    title_colour=HexColor("#005EA5"),
    accent=HexColor("#00A19A"),
    palette=BLUES,
    drop_caps=True,
    pictures=True,
    sidebars=True,
    lead_ins=True,
)
BOLD_TITLES = Look(
    fonts=VERA,
    size=8.0,
    leading=10.4,
    columns=3,
    stacked=(),
    gutter=9.0,
    justify=True,
    hyphen=HYPHEN,
    title_size=8.0,
    title_colour=HexColor("#1D5C96"),
    accent=HexColor("#1D5C96"),
    palette=WARM,
    pictures=True,
    sidebars=True,
    lead_ins=True,
    picture_banners=True,
)
PICTURE_BANNERS = Look(
    fonts=VERA,
    size=8.5,
    leading=11.0,
    columns=2,
    stacked=(2, 3),
    gutter=11.0,
    justify=True,
    hyphen=SOFT_HYPHEN,
    title_size=24.0,
    title_colour=HexColor("#8C1D40"),
    accent=HexColor("#8C1D40"),
    palette=WARM,
    drop_caps=True,
    pull_quotes=True,
    boxed_quotes=True,
    pictures=True,
    picture_banners=True,
)
BOLD_STACKED = replace(
    STACKED,
    fonts=TIMES,
    size=9.5,
    leading=12.0,
    gutter=14.0,
    justify=False,
    title_size=9.5,
    title_colour=INK,
    accent=HexColor("#2E6F40"),
    palette=WARM,
    drop_caps=False,
    pictures=False,
)

LAYOUTS: dict[str, Render] = {
    "magazine-3col": _layout(THREE_COLUMN),
    "magazine-stacked": _layout(STACKED),
    "magazine-bold-titles": _layout(BOLD_TITLES),
    "magazine-picture-banners": _layout(PICTURE_BANNERS),
    "magazine-bold-stacked": _layout(BOLD_STACKED),
}
