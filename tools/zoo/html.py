"""Browser-made editions: the manuscript as a web page, printed to PDF by headless Chromium.

Many newsletters are now written in a web tool (a council's content management system, an
e-mail newsletter builder, an online page designer) and turned into a PDF with the browser's
"Save as PDF". Chromium lays text out with its own engine (Skia's PDF backend: Type 0 fonts,
one text object per run, no hyphenation), flows content across pages itself and, when asked,
writes a tagged PDF with a document outline built from the headings.

Layouts:

``html-tagged-outline``
    An accessible HTML publication (the GOV.UK habit: one ``<h1>`` for the publication, ``<h2>``
    for everything beneath it) printed with Chromium's ``--export-tagged-pdf`` and
    ``--generate-pdf-document-outline``, so the PDF has a structure tree (/StructTreeRoot: H1,
    H2, P, L/LI, Figure) and bookmarks (/Outlines) of every heading. Section names are
    ``<h2 class=section>`` set in small caps, so in the outline they are siblings of the
    article titles, as in real files. Manuscript pages are kept as printed pages; text-heavy
    pages are set in two CSS columns. Each section is a named CSS page whose running header
    repeats the section name; the running footer has the cover's footer and the page number;
    the cover has an "In this issue" box listing the titles.
``html-cards``
    An e-mail newsletter builder's card layout, untagged: every article is a rounded card in a
    six-column CSS grid, two cards of different widths side by side (4+2, 2+4 or 3+3) and long
    articles across the full width in two CSS columns; the pages of the manuscript are
    forgotten and cards run on from page to page. Section names are only small coloured tags
    above the titles, and titles are only 2px larger than the body text (bold, coloured), so
    size alone barely tells a title from a paragraph. The cover band holds the masthead and an
    "In this issue" list; the running footer has the cover's footer and the page number.

In both, ``**bold**`` runs are ``<strong>``, bullets are ``<ul>``, partner logos that carry
words are inline SVG drawings whose words are glyph outlines (paths, not text: logo words are
no article's text) and word-free artwork is an inline SVG emblem. Fonts are Bitstream Vera from
reportlab's package, loaded with ``@font-face``. Output is normalised with pikepdf (fixed
/CreationDate and /ModDate, a content-derived /ID), so the same input gives the same bytes.

Chromium must be installed (Debian: ``apt-get install chromium``); without it a layout raises
:class:`RuntimeError`.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import pikepdf
import reportlab
from fontTools.pens.svgPathPen import SVGPathPen  # type: ignore[import-untyped]
from fontTools.pens.transformPen import TransformPen  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from tools.manuscript import Block, ManuscriptPage, inline_spans, plain_text, words
from tools.render_html import find_chromium
from tools.zoo.common import CREATION_DATE, Cover, Render

__all__ = ["LAYOUTS", "cards_html", "print_to_pdf", "tagged_html"]

VERA_DIR = Path(reportlab.__file__).parent / "fonts"
FONT_FAMILY = "ZooVera"
# (file, weight, style) of every face, so Chromium never synthesises bold (Skia would then
# write the glyphs as a Type 3 font).
FONT_FACES = (
    ("Vera.ttf", "normal", "normal"),
    ("VeraBd.ttf", "bold", "normal"),
    ("VeraIt.ttf", "normal", "italic"),
    ("VeraBI.ttf", "bold", "italic"),
)
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")
PDF_DATE = "D:" + CREATION_DATE.replace("-", "").replace("T", "").replace(":", "")
SECTION_COLOURS = ("#1D5C96", "#00796B", "#7B2D8E", "#B4491C", "#3D5A80")
LOGO_SIZE = 11.0  # px, the logo's lettering
LOGO_MAX_WIDTH = 190.0  # px
LONG_ARTICLE = 300  # words: a card of its own, full width, in two columns
TWO_COLUMN_PAGE = 260  # words of text on a manuscript page set in two columns (tagged layout)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


# --- the manuscript as articles ---------------------------------------------------------------


@dataclass
class _Article:
    """An article's blocks for a layout that reflows them: title, then text and artwork."""

    section: str | None
    title: str | None  # inline-marked; None when its heading was artwork
    blocks: list[Block] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        """Words of the article's text."""
        return sum(len(words(b.text)) for b in self.blocks if b.kind in ("para", "bullets"))


def _articles(pages: Sequence[ManuscriptPage]) -> list[_Article]:
    """The manuscript's articles as ``manuscript_articles`` delimits them, keeping the blocks.

    Logos and artwork belong to the open article, or (between a banner and untitled text) to
    the article that follows them. A paragraph that a manuscript page break cut mid-sentence
    (it ends a page without closing punctuation) is joined with the paragraph that continues
    it: a reflowing layout sets it as one paragraph.
    """
    articles: list[_Article] = []
    section: str | None = None
    current: _Article | None = None
    pending: list[Block] = []
    for page in pages:
        first_text = True  # no text yet on this manuscript page
        for block in page.blocks:
            if block.kind == "banner":
                if block.text != section:
                    current, section = None, block.text
            elif block.kind == "title":
                current = _Article(section, block.text, pending)
                articles.append(current)
                pending = []
            elif block.kind in ("logo", "artwork"):
                (current.blocks if current else pending).append(block)
            elif block.kind in ("para", "bullets"):
                if current is None:
                    current = _Article(section, None, pending)
                    articles.append(current)
                    pending = []
                previous = current.blocks[-1] if current.blocks else None
                if first_text and block.kind == "para" and previous and _cut(previous):
                    current.blocks[-1] = Block("para", f"{previous.text} {block.text}")
                else:
                    current.blocks.append(block)
            first_text = first_text and block.kind not in ("title", "para", "bullets")
    if pending and articles:
        articles[-1].blocks.extend(pending)
    return articles


def _cut(block: Block) -> bool:
    """Whether ``block`` is a paragraph that stops mid-sentence."""
    return block.kind == "para" and not _SENTENCE_END.search(block.text)


def _sections(pages: Sequence[ManuscriptPage]) -> list[str]:
    """Section names in order of first appearance."""
    names: list[str] = []
    for page in pages:
        if page.section is not None and page.section not in names:
            names.append(page.section)
    return names


def _sentence_case(name: str) -> str:
    """``FROM THE CENTRE`` -> ``From the centre``: small caps then show its capitals."""
    return name[:1].upper() + name[1:].lower()


# --- HTML pieces ------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Inline-marked text as HTML: bold runs as ``<strong>``, line breaks as ``<br>``."""
    parts = []
    for span, bold in inline_spans(text):
        safe = escape(span).replace("\n", "<br>")
        parts.append(f"<strong>{safe}</strong>" if bold else safe)
    return "".join(parts)


def _text_block(block: Block) -> str:
    """A paragraph or a bullet list."""
    if block.kind == "bullets":
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>"
    return f"<p>{_inline(block.text)}</p>"


@cache
def _logo_font() -> Any:
    """Vera Bold, parsed once, for the glyph outlines of logo lettering."""
    return TTFont(str(VERA_DIR / "VeraBd.ttf"))


def _outline_line(text: str, size: float, x: float, baseline: float) -> tuple[str, float]:
    """SVG path data drawing ``text`` as glyph outlines from ``(x, baseline)``, and its width."""
    font = _logo_font()
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    advance = 0.0
    for char in text:
        glyph = glyphs[cmap.get(ord(char), ".notdef")]
        glyph.draw(TransformPen(pen, (scale, 0, 0, -scale, x + advance, baseline)))
        advance += glyph.width * scale
    return str(pen.getCommands()), advance


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of logo lettering to ``width``."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and _outline_line(trial, size, 0, 0)[1] <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _logo_svg(text: str, colour: str) -> str:
    """A partner logo: tinted box, coloured stripe, its words as outlined (vector) lettering."""
    pad, stripe, leading = 7.0, 5.0, LOGO_SIZE * 1.25
    lines = _wrap(text, LOGO_SIZE, LOGO_MAX_WIDTH - 2 * pad - stripe)
    paths, widest = [], 0.0
    for index, line in enumerate(lines):
        baseline = pad + LOGO_SIZE * 0.85 + index * leading
        data, width = _outline_line(line, LOGO_SIZE, stripe + pad, baseline)
        paths.append(data)
        widest = max(widest, width)
    w, h = widest + 2 * pad + stripe, len(lines) * leading + 2 * pad - 2
    return (
        f'<svg class="logo" role="img" aria-label="{escape(text)}" width="{w:.1f}" '
        f'height="{h:.1f}" viewBox="0 0 {w:.1f} {h:.1f}">'
        f'<rect x="0.5" y="0.5" width="{w - 1:.1f}" height="{h - 1:.1f}" rx="3" fill="#F3F6F9" '
        f'stroke="{colour}"/><rect x="0.5" y="0.5" width="{stripe}" height="{h - 1:.1f}" '
        f'fill="{colour}"/><path fill="#0B2545" d="{" ".join(paths)}"/></svg>'
    )


def _artwork_svg(name: str) -> str:
    """A word-free emblem: ring, diamond and bars in colours chosen from the artwork's name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    main = SECTION_COLOURS[digest[0] % len(SECTION_COLOURS)]
    second = SECTION_COLOURS[(digest[0] + 1 + digest[1] % 3) % len(SECTION_COLOURS)]
    bars = "".join(
        f'<rect x="104" y="{24 + 18 * i}" width="{round(80 * frac)}" height="9" rx="2" '
        f'fill="{main if i % 2 == 0 else second}"/>'
        for i, frac in enumerate((0.9, 0.65, 0.8))
    )
    return (
        '<svg class="art" aria-hidden="true" width="200" height="100" viewBox="0 0 200 100">'
        '<rect x="0.5" y="0.5" width="199" height="99" rx="8" fill="#F3F6F9" stroke="#BFC1C3"/>'
        f'<circle cx="50" cy="50" r="34" fill="{main}"/><circle cx="50" cy="50" r="21" '
        f'fill="#fff"/><path d="M50 33 L67 50 L50 67 L33 50 Z" fill="{second}"/>{bars}</svg>'
    )


def _font_css() -> str:
    """``@font-face`` rules for reportlab's Vera faces."""
    return "".join(
        f"@font-face {{ font-family: {FONT_FAMILY}; src: url({(VERA_DIR / file).as_uri()}); "
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for file, weight, style in FONT_FACES
    )


def _css_string(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _document(title: str, css: str, body: str) -> str:
    """A complete HTML document."""
    return (
        f'<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>\n{_font_css()}{css}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _contents(articles: Sequence[_Article]) -> str:
    """The "In this issue" box: the titled articles after the cover's own."""
    items = "".join(
        f"<li>{escape(plain_text(a.title))}</li>" for a in articles[1:] if a.title is not None
    )
    return f'<div class="contents"><p class="contents-head">In this issue</p><ul>{items}</ul></div>'


# --- html-tagged-outline ----------------------------------------------------------------------

_TAGGED_CSS = """
@page { size: A4; margin: 20mm 17mm 22mm;
  @bottom-left { content: FOOTER; font: 8pt ZooVera; color: #505a5f; }
  @bottom-right { content: counter(page); font: 8pt ZooVera; color: #505a5f; } }
body { font: 10.5pt/1.42 ZooVera; color: #1b1b1b; margin: 0; }
.page { break-before: page; }
.page:first-child { break-before: auto; }
header.cover { background: #12355B; color: #fff; padding: 16pt 18pt 12pt; margin: 0 0 12pt; }
h1.masthead { font-size: 23pt; line-height: 1.1; margin: 0; }
.tagline { font-style: italic; margin: 6pt 0 0; color: #cfe0f1; }
.edition { font-weight: bold; margin: 10pt 0 0; padding-top: 6pt; border-top: 1pt solid #6f93bb; }
h2 { font-size: 15pt; line-height: 1.2; color: #12355B; margin: 12pt 0 6pt; break-after: avoid; }
h2.section { font-variant: small-caps; font-weight: normal; font-size: 17pt; letter-spacing: .04em;
  color: #7a5c00; border-bottom: 2pt solid #d4a017; padding-bottom: 2pt; margin: 0 0 10pt; }
.flow > h2:first-child { margin-top: 0; }
.cols { column-count: 2; column-gap: 7mm; column-rule: .5pt solid #c8cdd0; }
p, li { margin: 0 0 6pt; orphans: 2; widows: 2; }
ul { margin: 0 0 6pt; padding-left: 15pt; }
svg.logo, svg.art { display: block; margin: 6pt 0 10pt; break-inside: avoid; }
svg.art { margin: 6pt auto 12pt; }
.contents { float: right; width: 52mm; margin: 0 0 8pt 10pt; padding: 7pt 9pt; font-size: 8.5pt;
  background: #eef3f8; border-left: 3pt solid #12355B; }
.contents-head { font-weight: bold; margin: 0 0 4pt; color: #12355B; }
.contents ul { padding-left: 11pt; margin: 0; }
.contents li { margin: 0 0 2pt; }
"""


def tagged_html(pages: Sequence[ManuscriptPage], cover: Cover) -> str:
    """``html-tagged-outline``: one printed page per manuscript page, real heading markup."""
    sections = _sections(pages)
    css = _TAGGED_CSS.replace("FOOTER", _css_string(cover.footer))
    for number, name in enumerate(sections, start=1):
        css += (
            f"@page s{number} {{ @top-right {{ content: {_css_string(_sentence_case(name))}; "
            "font: 9pt ZooVera; font-variant: small-caps; color: #7a5c00; } }\n"
        )
    colours = {name: SECTION_COLOURS[i % len(SECTION_COLOURS)] for i, name in enumerate(sections)}
    articles = _articles(pages)
    body = []
    for page in pages:
        named = f"s{sections.index(page.section) + 1}" if page.section else "cover"
        kinds = [block.kind for block in page.blocks]
        text_words = sum(
            len(words(b.text)) for b in page.blocks if b.kind in ("para", "bullets", "title")
        )
        columns = "masthead" not in kinds and (
            kinds.count("title") > 1 or text_words > TWO_COLUMN_PAGE
        )
        parts = [f'<div class="page" style="page: {named}">']
        if "masthead" in kinds:
            parts.append(_tagged_cover(page, cover, articles))
        banner = next((b for b in page.blocks if b.kind == "banner"), None)
        if banner is not None:
            parts.append(f'<h2 class="section">{escape(_sentence_case(banner.text))}</h2>')
        parts.append(f'<div class="flow{" cols" if columns else ""}">')
        colour = colours.get(page.section or "", "#12355B")
        for block in page.blocks:
            if block.kind == "title":
                parts.append(f"<h2>{_inline(block.text)}</h2>")
            elif block.kind in ("para", "bullets"):
                parts.append(_text_block(block))
            elif block.kind == "logo":
                parts.append(_logo_svg(block.text, colour))
            elif block.kind == "artwork":
                parts.append(_artwork_svg(block.text))
        parts.append("</div></div>")
        body.append("".join(parts))
    title = f"{cover.masthead.title()}, {cover.edition_line}"
    return _document(title, css, "\n".join(body))


def _tagged_cover(page: ManuscriptPage, cover: Cover, articles: Sequence[_Article]) -> str:
    """The cover's header: masthead as the one ``<h1>``, tagline, edition; then the contents."""
    tagline = f'<p class="tagline">{escape(cover.tagline)}</p>' if cover.tagline else ""
    return (
        f'<header class="cover"><h1 class="masthead">{escape(cover.masthead)}</h1>{tagline}'
        f'<p class="edition">{escape(cover.edition_line)}</p></header>{_contents(articles)}'
    )


# --- html-cards -------------------------------------------------------------------------------

_CARDS_CSS = """
@page { size: A4; margin: 13mm 12mm 17mm;
  @bottom-center { content: FOOTER "  ·  page " counter(page); font: 7.5pt ZooVera;
    color: #6b7780; } }
body { font: 12px/1.45 ZooVera; color: #222; margin: 0; }
.band { display: flex; justify-content: space-between; gap: 18px; background: #0F5257; color: #fff;
  border-radius: 10px; padding: 18px 20px; margin: 0 0 14px; }
.masthead { font-size: 25px; font-weight: bold; line-height: 1.15; }
.tagline { font-size: 13px; margin-top: 6px; color: #cde8e6; }
.edition { display: inline-block; margin-top: 10px; padding: 3px 10px; border-radius: 11px;
  background: #E8A33D; color: #222; font-size: 12px; font-weight: bold; }
.contents { min-width: 170px; max-width: 200px; font-size: 10px; background: rgba(255,255,255,.1);
  border-radius: 6px; padding: 8px 10px; }
.contents-head { font-weight: bold; text-transform: uppercase; letter-spacing: .06em;
  margin: 0 0 4px; }
.contents ul { margin: 0; padding-left: 12px; }
.grid { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
.card { border: 1px solid #d3dbe0; border-radius: 9px; background: #f8fafb;
  padding: 12px 14px 6px; }
.span2 { grid-column: span 2; } .span3 { grid-column: span 3; }
.span4 { grid-column: span 4; } .span6 { grid-column: span 6; }
.span6 .body { column-count: 2; column-gap: 18px; }
.tag { display: inline-block; font-size: 9px; font-weight: bold; text-transform: uppercase;
  letter-spacing: .05em; color: #fff; border-radius: 3px; padding: 1px 6px; margin: 0 0 6px; }
.title { font-size: 14px; font-weight: bold; line-height: 1.3; color: #0F5257; margin: 0 0 6px; }
p, li { margin: 0 0 7px; }
ul { margin: 0 0 7px; padding-left: 16px; }
svg.logo, svg.art { display: block; margin: 4px 0 10px; max-width: 100%; height: auto; }
"""


def _card_spans(articles: Sequence[_Article]) -> list[int]:
    """Grid spans (of 6): long articles alone, others in pairs of different widths."""
    spans = [6] * len(articles)
    index = 0
    while index < len(articles):
        first = articles[index].word_count
        if first > LONG_ARTICLE or index + 1 == len(articles):
            index += 1
            continue
        second = articles[index + 1].word_count
        if second > LONG_ARTICLE:
            index += 1
            continue
        ratio = first / max(second, 1)
        spans[index : index + 2] = (4, 2) if ratio > 1.4 else (2, 4) if ratio < 1 / 1.4 else (3, 3)
        index += 2
    return spans


def cards_html(pages: Sequence[ManuscriptPage], cover: Cover) -> str:
    """``html-cards``: the articles as grid cards, reflowed across as many pages as needed."""
    sections = _sections(pages)
    colours = {name: SECTION_COLOURS[i % len(SECTION_COLOURS)] for i, name in enumerate(sections)}
    articles = _articles(pages)
    tagline = f'<div class="tagline">{escape(cover.tagline)}</div>' if cover.tagline else ""
    parts = [
        f'<div class="band"><div><div class="masthead">{escape(cover.masthead)}</div>{tagline}'
        f'<div class="edition">{escape(cover.edition_line)}</div></div>'
        f"{_contents(articles)}</div>",
        '<div class="grid">',
    ]
    for article, span in zip(articles, _card_spans(articles), strict=True):
        colour = colours.get(article.section or "", "#0F5257")
        parts.append(f'<div class="card span{span}">')
        if article.section is not None:
            parts.append(
                f'<div class="tag" style="background: {colour}">{escape(article.section)}</div>'
            )
        if article.title is not None:
            parts.append(f'<div class="title">{_inline(article.title)}</div>')
        parts.append('<div class="body">')
        for block in article.blocks:
            if block.kind == "logo":
                parts.append(_logo_svg(block.text, colour))
            elif block.kind == "artwork":
                parts.append(_artwork_svg(block.text))
            else:
                parts.append(_text_block(block))
        parts.append("</div></div>")
    parts.append("</div>")
    title = f"{cover.masthead.title()}, {cover.edition_line}"
    return _document(title, _CARDS_CSS.replace("FOOTER", _css_string(cover.footer)), "".join(parts))


# --- printing ---------------------------------------------------------------------------------


def print_to_pdf(document: str, out: Path, *, tagged: bool) -> None:
    """Print an HTML document to ``out`` with headless Chromium, then fix its dates and /ID.

    :raise RuntimeError: if Chromium is not installed, or fails.
    """
    browser = find_chromium()
    if browser is None:
        raise RuntimeError(
            "the html layouts need Chromium, which was not found; "
            "install it with: apt-get install chromium"
        )
    extra = ("--export-tagged-pdf", "--generate-pdf-document-outline") if tagged else ()
    with tempfile.TemporaryDirectory(prefix="zoo-html-") as tmp:
        folder = Path(tmp)
        page, printed = folder / "edition.html", folder / "printed.pdf"
        page.write_text(document, encoding="utf-8")
        command = [
            browser,
            *CHROMIUM_FLAGS,
            *extra,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or not printed.exists():
            detail = (done.stderr.strip().splitlines() or [str(done.returncode)])[-1]
            raise RuntimeError(f"Chromium could not print the edition: {detail}")
        _normalise(printed, out)


def _normalise(printed: Path, out: Path) -> None:
    """Fixed creation and modification dates and a content-derived /ID: deterministic bytes."""
    with pikepdf.open(printed) as pdf:
        pdf.docinfo["/CreationDate"] = PDF_DATE
        pdf.docinfo["/ModDate"] = PDF_DATE
        pdf.save(out, deterministic_id=True)


def _layout(make_html: Callable[[Sequence[ManuscriptPage], Cover], str], tagged: bool) -> Render:
    """A zoo layout that prints ``make_html``'s document."""

    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        print_to_pdf(make_html(pages, cover), out, tagged=tagged)

    return render


LAYOUTS: dict[str, Render] = {
    "html-tagged-outline": _layout(tagged_html, tagged=True),
    "html-cards": _layout(cards_html, tagged=False),
}
