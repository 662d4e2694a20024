"""Give each extracted line a role from its layout alone: body, heading, banner or furniture.

Nothing here knows any title, section or publication: headings are lines whose size and weight
stand out from the body text of their page; banners are short all-caps headings; furniture is
what repeats on many pages at the top or bottom, page numbers, and text inside small artwork.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from itertools import pairwise

from rapidfuzz import fuzz

from indexer.models import HEADING_TAGS, ExtractedPdf, Line, Page
from indexer.statements import states_edition
from indexer.styles import (
    MAX_HEADING_WORDS,
    DocumentStyles,
    Level,
    StyleKey,
    fills_column,
    rank_styles,
    style_of,
)


class Role(Enum):
    BODY = "body"
    HEADING = "heading"  # an article title (or part of one)
    SUBHEADING = "subheading"  # a heading below the article-title level: kept in the body
    BANNER = "banner"  # a section name
    SECTION_HEADER = "section-header"  # a running header naming the section (its text: the name)
    MASTHEAD = "masthead"  # the publication's name on the first page
    FURNITURE = "furniture"  # running headers and footers, page numbers, logo text
    ASIDE = "aside"  # pull quotes (the article's own words again, set large) and captions


@dataclass(frozen=True)
class Styled:
    """A line with its role and, for headings, the size that ranks it."""

    line: Line
    role: Role
    page: int
    after_picture: bool = False  # the line sits right under a picture (artwork, a logo)


HEADING_RATIO = 1.3  # a line this much larger than the body text is a heading
BOLD_HEADING_RATIO = 1.12  # ...or this much larger and bold
RUNNING_LIKENESS = 85  # rapidfuzz ratio at which two margin lines are one read twice
MARGIN_SHARE = 0.12  # top and bottom share of the page where running headers and footers live
LOGO_SHARE = 0.3  # text drawn inside artwork smaller than this share of the page is logo text
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]")


def body_size(lines: Sequence[Line]) -> float:
    """The font size most characters are set in (0 when there is no text)."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def assign_roles(pdf: ExtractedPdf) -> list[Styled]:
    """All lines of the document, in reading order, each with its role."""
    all_lines = [line for page in pdf.pages for line in page.lines if not line.figure_share]
    doc_body = body_size(all_lines)
    running = _running_lines(pdf.pages)
    ordered = [line for page in pdf.pages for line in page.lines]
    sidebars = _sidebars(pdf.pages, running, doc_body)
    skip = [
        n in sidebars or _is_furniture(line, page, running)
        for n, (page, line) in enumerate((p, ln) for p in pdf.pages for ln in p.lines)
    ]
    styles = rank_styles(ordered, skip)
    styled: list[Styled] = []
    for page in pdf.pages:
        page_body = _page_body(page, doc_body)
        under = _under_pictures(page)
        for index, line in enumerate(page.lines):
            if len(styled) in sidebars:
                role = Role.ASIDE
            else:
                role = _role(line, page, page_body, running, styles)
            styled.append(Styled(line, role, page.number, index in under))
    if pdf.pages:
        _mark_masthead(styled, doc_body, pdf.pages[0].height)
    styled = _mark_section_headers(styled, pdf.pages, running, styles.body)
    styled = _mark_section_tags(styled, pdf.pages)
    styled = _mark_asides(_mark_cover_statement(styled), doc_body)
    styled = _mark_contents(_mark_tagged(_mark_bookmarked(styled, pdf)))
    return _promote_bold_headings(_demote_lead_ins(_continue_headings(styled)), doc_body)


PULL_QUOTE_WORDS = 5  # a repeated run of at least this many words set apart is a pull quote
UPRIGHT_QUOTE_WORDS = 19  # ...when it is not in italics: longer than any title
CAPTION_RATIO = 0.95  # italic lines this much smaller than the body are captions
_JOINED_BREAK = re.compile(r"(\w)[-\u00ad] (?=\w)")
_QUOTE_WORD = re.compile(r"\w+")


def _mark_asides(styled: list[Styled], doc_body: float) -> list[Styled]:
    """Pull quotes (a run of lines set apart, by size or italics, whose words are also the
    article's own, as a sentence of its text) and captions (small italic lines) are asides:
    in no title, in no body."""
    keep = {Role.BODY, Role.HEADING, Role.SUBHEADING, Role.BANNER}
    # (margins left out: a footer read between two columns splits the sentence they share)
    words = _quote_words(" ".join(s.line.text for s in styled if s.role is not Role.FURNITURE))
    text = " " + " ".join(words) + " "
    # a quote can occur twice only if each of its word pairs does: counted once, so the
    # whole text is searched only for the few runs that pass (linear in the document)
    pairs = Counter(pairwise(words))
    out = list(styled)
    for run in _style_runs(styled):
        first = styled[run[0]].line
        if styled[run[0]].role not in keep:
            continue
        if first.italic and first.size < doc_body * CAPTION_RATIO:
            for i in run:
                out[i] = replace(styled[i], role=Role.ASIDE)
            continue
        if not (first.italic or first.size >= doc_body * BOLD_HEADING_RATIO):
            continue
        quote = _quote_words(" ".join(styled[i].line.text for i in run))
        # a title may be repeated in its text; a long one (or one set in italics) rarely is
        needed = PULL_QUOTE_WORDS if first.italic else UPRIGHT_QUOTE_WORDS
        if len(quote) < needed or any(pairs[pair] < 2 for pair in pairwise(quote)):
            continue
        if _occurrences(text, " ".join(quote)) >= 2:
            for i in run:
                out[i] = replace(styled[i], role=Role.ASIDE)
    return out


def _occurrences(text: str, phrase: str) -> int:
    """How often the words of ``phrase`` occur in ``text`` (words separated by spaces)."""
    return len(re.findall(r"(?<!\S)" + re.escape(phrase) + r"(?!\S)", text))


def _quote_words(text: str) -> list[str]:
    return _QUOTE_WORD.findall(_JOINED_BREAK.sub(r"\1", text).casefold())


def _style_runs(styled: list[Styled]) -> list[list[int]]:
    """Consecutive lines of one block set in one size and slant."""
    runs: list[list[int]] = []
    for i, s in enumerate(styled):
        if runs:
            last = styled[runs[-1][-1]]
            same = (
                last.page == s.page
                and last.line.block == s.line.block
                and last.line.size == s.line.size
                and last.line.italic == s.line.italic
            )
            if same:
                runs[-1].append(i)
                continue
        runs.append([i])
    return runs


def _continue_headings(styled: list[Styled]) -> list[Styled]:
    """A line in a heading's style and block, right under it, continues it ("... 2017/18"),
    also when it is in capitals ("Operation" / "SLATE")."""
    out: list[Styled] = []
    for s in styled:
        previous = out[-1] if out else None
        if (
            previous is not None
            and s.role in (Role.BODY, Role.BANNER)
            and previous.role is Role.HEADING
            and s.line.block == previous.line.block
            and style_of(s.line) == style_of(previous.line)
            and s.line.font == previous.line.font
        ):
            s = replace(s, role=Role.HEADING)
        out.append(s)
    return out


def _demote_lead_ins(styled: list[Styled]) -> list[Styled]:
    """A heading-styled line that fills its column and runs on into the body line after it
    (no sentence end between them) is a paragraph's bold lead-in."""
    out = list(styled)
    for i, s in enumerate(styled[:-1]):
        following = styled[i + 1]
        line, after = s.line, following.line
        if (
            s.role is Role.HEADING
            and following.role is Role.BODY
            and following.page == s.page
            and line.text.split()
            and len(line.text.split()) >= LEAD_IN_WORDS
            and line.size <= after.size + 0.5  # set at the body's size, only bolder
            and after.block == line.block  # one paragraph: a title stands apart from its text
            and line.colour == after.colour  # a title may be told apart by its colour alone
            and not line.text.rstrip().endswith(_SENTENCE_END)
            and abs(line.x0 - after.x0) <= 2
            and fills_column(line, after)
            and 0 <= after.top - line.bottom <= line.height
        ):
            out[i] = replace(s, role=Role.BODY)
    return out


LEAD_IN_WORDS = 5
_SENTENCE_END = (".", "!", "?", ":")
PICTURE_GAP = 2.5  # line heights: a line this close under a picture sits under it


def _under_pictures(page: Page) -> frozenset[int]:
    """The lines (by index) that sit right under one of the page's pictures."""
    found = set()
    for x0, _, x1, bottom in page.pictures:
        below = [
            (line.top, i)
            for i, line in enumerate(page.lines)
            if line.x0 < x1 and line.x1 > x0 and line.top >= bottom - 2
        ]
        if below:
            top, i = min(below)
            if top - bottom <= PICTURE_GAP * page.lines[i].height:
                found.add(i)
    return frozenset(found)


def _page_body(page: Page, doc_body: float) -> float:
    lines = [line for line in page.lines if not line.figure_share]
    if sum(len(line.text) for line in lines) < 400:
        return doc_body
    return body_size(lines) or doc_body


def _role(
    line: Line, page: Page, body: float, running: frozenset[str], styles: DocumentStyles
) -> Role:
    if _is_furniture(line, page, running):
        return Role.FURNITURE
    words = line.text.split()
    letters = _LETTERS.findall(line.text)
    if len(letters) < 2:
        return Role.BODY
    big = line.size >= body * HEADING_RATIO or (
        line.bold and line.size >= body * BOLD_HEADING_RATIO
    )
    if _all_upper(letters) and len(words) <= 6 and (big or line.bold) and line.size >= body * 0.95:
        return Role.BANNER
    level = styles.level(line)
    if level is None or len(words) > MAX_HEADING_WORDS:
        return Role.BODY
    return Role.HEADING if level is Level.TITLE else Role.SUBHEADING


def is_all_caps(text: str) -> bool:
    return _all_upper(_LETTERS.findall(text))


def _all_upper(letters: list[str]) -> bool:
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _in_margin(line: Line, page: Page) -> bool:
    return line.bottom <= page.height * MARGIN_SHARE or line.top >= page.height * (1 - MARGIN_SHARE)


def _is_furniture(line: Line, page: Page, running: frozenset[str]) -> bool:
    if 0 < line.figure_share < LOGO_SHARE:
        return True
    if not _in_margin(line, page):
        return False
    if _PAGE_NUMBER.match(line.text) or _running_key(line.text) in running:
        return True
    # a line on the page number's row is the footer's (or header's) text, though printed once
    return any(abs(top - line.top) <= 2 for top in _number_rows(page))


_NUMBER_ROWS: dict[int, tuple[Page, tuple[float, ...]]] = {}  # by id(page): its page numbers' tops


def _number_rows(page: Page) -> tuple[float, ...]:
    """The tops of the page's page-number lines, found once per page (a page object is
    looked at for every line of it)."""
    hit = _NUMBER_ROWS.get(id(page))
    if hit is not None and hit[0] is page:
        return hit[1]
    rows = tuple(line.top for line in page.lines if _PAGE_NUMBER.match(line.text))
    if len(_NUMBER_ROWS) >= 64:
        _NUMBER_ROWS.clear()
    _NUMBER_ROWS[id(page)] = (page, rows)
    return rows


def _running_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _running_lines(pages: Sequence[Page]) -> frozenset[str]:
    """Texts (digits ignored) printed in the margins of most pages: running headers, footers.
    A footer counts from two pages (a short edition's cover has none); a line at the top of
    pages from three (two pages headed by one section's banner are not furniture)."""
    if len(pages) < 2:
        return frozenset()
    seen: Counter[str] = Counter()
    footers: set[str] = set()
    for page in pages:
        keys = {_running_key(line.text) for line in page.lines if _in_margin(line, page)}
        footers.update(
            _running_key(line.text)
            for line in page.lines
            if line.top >= page.height * (1 - MARGIN_SHARE)
        )
        seen.update(keys)
    # a scan's OCR reads the same footer a little differently on each page ("Loeal"): keys
    # this alike count as one
    variants: dict[str, list[str]] = {}
    for key in sorted(seen, key=lambda k: (-seen[k], k)):
        like = next(
            (k for k in variants if len(key) >= 8 and fuzz.ratio(key, k) >= RUNNING_LIKENESS),
            None,
        )
        variants.setdefault(like or key, []).append(key)
    half = int(len(pages) * 0.5 + 0.5)
    return frozenset(
        key
        for group in variants.values()
        if sum(seen[key] for key in group)
        >= max(2 if all(key in footers for key in group) else 3, half)
        for key in group
    )


# "Continued on page 5" ends the part of a story that jumps; "(continued from page 2)" or a
# heading "Its title (continued)" starts the rest of it further on.
JUMP_TO = re.compile(
    r"^[(\[]?\s*(?:continued|cont(?:'d|d|\.)?|turn)\s+(?:on\s+|to\s+)?(?:page|p\.?)\s*(\d{1,4})"
    r"\s*[)\]]?\s*[.…>»]*$",
    re.IGNORECASE,
)
JUMP_FROM = re.compile(
    r"^[(\[]?\s*(?:continued|cont(?:'d|d|\.)?)\s+from\s+(?:page|p\.?)\s*(\d{1,4})\s*[)\]]?\s*\.?$",
    re.IGNORECASE,
)
# a jump line with no page number, whose link says where the story goes ("Continued inside ›",
# "Turn to the back page") or where it came from ("Continued from the front page")
LINKED_JUMP_TO = re.compile(
    r"^[(\[]?\s*(?:(?:continued|cont(?:'d|d|\.)?)\b(?!\s+from)|turn\s+to\b|(?:read\s+)?more\s+on\b)"
    r"[^.!?]{0,30}$",
    re.IGNORECASE,
)
LINKED_JUMP_FROM = re.compile(
    r"^[(\[]?\s*(?:continued|cont(?:'d|d|\.)?)\s+from\b[^.!?]{0,30}$", re.IGNORECASE
)
CONTINUED_TITLE = re.compile(
    r"^(.+?)\s*[(\[]?\s*\b(?:continued|cont(?:'d|d|\.)?)(?:\s+from\s+(?:page|p\.?)\s*\d{1,4})?"
    r"\s*[)\]]?\s*[.:]?$",
    re.IGNORECASE,
)


def is_jump_line(text: str) -> bool:
    """Does the line say where a story jumps to or from?"""
    text = text.strip()
    return bool(JUMP_TO.match(text) or JUMP_FROM.match(text))


def jump_target(line: Line) -> int | None:
    """The page a jump line sends the story on to: its number, or its link's page when it
    gives none; None if the line is no jump to another page."""
    text = line.text.strip()
    to = JUMP_TO.match(text)
    if to:
        return int(to.group(1))
    if line.link and LINKED_JUMP_TO.match(text):
        return line.link
    return None


def is_jump_back(line: Line) -> bool:
    """Does the line say the story comes from another page (by number, or by a link)?"""
    text = line.text.strip()
    return bool(JUMP_FROM.match(text) or (line.link and LINKED_JUMP_FROM.match(text)))


HEADER_SLACK = 3.0  # points below a page's topmost text that a running header may sit

_SEPARATOR = re.compile(r"\s*[|·•]\s*|\s+[–—:/]\s+")
_TEXT_ROLES = (Role.BODY, Role.SUBHEADING, Role.HEADING)


def _mark_section_headers(
    styled: list[Styled], pages: Sequence[Page], running: frozenset[str], body_key: StyleKey
) -> list[Styled]:
    """Running headers that change with the section ("Bulletin | From the centre" on some
    pages, "Bulletin | What's new" on others) name the section: each becomes a
    SECTION_HEADER line whose text is the section's name alone."""
    heights = {page.number: page.height for page in pages}
    body = body_key[0]
    top = [
        i
        for i, s in enumerate(styled)
        if s.role in _TEXT_ROLES
        and s.line.bottom <= heights[s.page] * MARGIN_SHARE
        and _running_key(s.line.text) not in running
        and not is_jump_line(s.line.text)
    ]
    # a header is the topmost text of its page (a figure's labels, a page's first words are
    # not), and set no larger than the body
    highest: dict[int, float] = {}
    for s in styled:
        if s.role is not Role.FURNITURE:
            highest[s.page] = min(highest.get(s.page, s.line.top), s.line.top)
    top = [
        i
        for i in top
        if styled[i].line.top <= highest[styled[i].page] + HEADER_SLACK
        and styled[i].line.size <= body + 0.5
    ]
    pages_of: dict[str, set[int]] = {}
    for i in top:
        pages_of.setdefault(_running_key(styled[i].line.text), set()).add(styled[i].page)
    repeated_set = {i for i in top if len(pages_of[_running_key(styled[i].line.text)]) >= 2}
    # a short edition names each section on one page only: headers of different words, set
    # alike and smaller than the body, at one place of their pages (the same top, and the
    # same left or right edge)
    placed: dict[tuple[object, ...], list[int]] = {}
    for i in top:
        line = styled[i].line
        if line.size <= body - 0.5:
            for edge in (("left", round(line.x0)), ("right", round(line.x1))):
                placed.setdefault((style_of(line), round(line.top), *edge), []).append(i)
    for found in placed.values():
        if len({styled[i].page for i in found}) >= 2:
            repeated_set.update(found)
    if not repeated_set:
        return styled
    # a section short enough to head one page only has its header set like the others (never
    # in the body's own style: that would take a page's first lines of text for a header)
    looks = {style_of(styled[i].line) for i in repeated_set} - {body_key}
    repeated = [i for i in top if i in repeated_set or style_of(styled[i].line) in looks]
    parts = {i: [p for p in _SEPARATOR.split(styled[i].line.text) if p.strip()] for i in repeated}
    distinct = {_running_key(styled[i].line.text) for i in repeated}
    shared = set.intersection(*(set(p) for p in parts.values())) if len(distinct) > 1 else set()
    out = list(styled)
    for i in repeated:
        name = " ".join(p for p in parts[i] if p not in shared and not _PAGE_NUMBER.match(p))
        if name:
            line = replace(styled[i].line, text=name.strip())
            out[i] = replace(styled[i], line=line, role=Role.SECTION_HEADER)
    return out


SIDEBAR_WORDS = 80  # a tinted box that opens with a heading and holds fewer words is a sidebar


def _sidebars(pages: Sequence[Page], running: frozenset[str], body: float) -> set[int]:
    """The lines (by index in the document) of sidebars: short tinted boxes that open with a
    line of their own, set apart ("Find out more", contacts, links). A sidebar is an aside,
    not part of the story it stands beside. A story set in a tinted box (Publisher) is
    longer, a box without a heading of its own is a story's continuation, and a band holding
    one line is a section banner."""
    candidates: list[tuple[tuple[float, bool], list[int]]] = []
    story_heads: set[tuple[float, bool]] = set()  # how the first lines of long boxes are set
    start = 0
    for page in pages:
        masthead = max((line.size for line in page.lines), default=0.0) if page.number == 1 else 0
        for x0, top, x1, bottom in page.boxes:
            members = [
                i
                for i, line in enumerate(page.lines)
                if x0 <= (line.x0 + line.x1) / 2 <= x1
                and top <= (line.top + line.bottom) / 2 <= bottom
                and not _is_furniture(line, page, running)
            ]
            if len(members) < 2 or any(page.lines[i].size == masthead for i in members):
                continue
            first = page.lines[members[0]]
            head = (first.size, first.bold)
            words = sum(len(page.lines[i].text.split()) for i in members)
            if words > SIDEBAR_WORDS:
                story_heads.add(head)
                continue
            set_apart = first.bold or first.size >= body * BOLD_HEADING_RATIO
            if any(page.lines[i].size > first.size + 0.5 for i in members[1:]):
                continue  # a small tag over a larger title: a story's card, not a sidebar
            before = page.lines[members[0] - 1].text.rstrip() if members[0] else ""
            introduced = before.endswith(":")  # "contact details:" then its table: the text's own
            if set_apart and len(first.text.split()) <= 8 and not introduced:
                candidates.append((head, [start + i for i in members]))
        start += len(page.lines)
    # a short box headed as long boxes are is the part of a story on this page (Publisher)
    found = {i for head, lines in candidates if head not in story_heads for i in lines}
    return found


def _mark_bookmarked(styled: list[Styled], pdf: ExtractedPdf) -> list[Styled]:
    """A line (or run of lines) whose words are a bookmark's title, on the page the bookmark
    points at, is a title however it is set: the PDF's own outline says so."""
    if not pdf.outline:
        return styled
    wanted: dict[int, set[str]] = {}
    for mark in pdf.outline:
        key = _outline_key(mark.title)
        if key:
            wanted.setdefault(mark.page, set()).add(key)
    out = list(styled)
    for i, s in enumerate(styled):
        keys = wanted.get(s.page)
        if not keys or s.role not in (Role.BODY, Role.SUBHEADING, Role.HEADING):
            continue
        text = ""
        for j in range(i, min(i + MAX_BOOKMARK_LINES, len(styled))):
            if styled[j].page != s.page:
                break
            text += _outline_key(styled[j].line.text)
            if text in keys:
                for k in range(i, j + 1):
                    if out[k].role in (Role.BODY, Role.SUBHEADING):
                        out[k] = replace(out[k], role=Role.HEADING)
                keys.discard(text)
                break
    return out


MAX_BOOKMARK_LINES = 4


def _mark_tagged(styled: list[Styled]) -> list[Styled]:
    """A line a tagged PDF's structure calls a heading (H1…H6) is a title however it is set,
    when it is short enough for one: the document's author said so. (Text tagged as a
    paragraph is not demoted: files tag headings set by hand as paragraphs.)"""
    return [
        replace(s, role=Role.HEADING)
        if s.role is Role.BODY
        and s.line.tag in HEADING_TAGS
        and len(s.line.text.split()) <= MAX_HEADING_WORDS
        else s
        for s in styled
    ]


def _outline_key(text: str) -> str:
    """A title's letters and digits alone: an outline may join a wrapped title's lines with no
    space between them."""
    return "".join(_QUOTE_WORD.findall(text.casefold()))


CONTENTS_ENTRIES = 3  # lines naming later headings, this many together, are a contents list
CONTENTS_PAGES = 2
_TRAILING_PAGE = re.compile(r"[\s.…·]*(?:p\.?\s*)?\d{1,3}$|^\d{1,3}[\s.…·]+")


def _mark_contents(styled: list[Styled]) -> list[Styled]:
    """An "inside this issue" list (lines naming headings that come later, with or without
    their page numbers) is an aside: its entries are no titles and no article's text."""
    headings: list[tuple[int, str]] = []
    run: list[str] = []
    for i, s in enumerate(styled):
        if s.role is Role.HEADING:
            run.append(s.line.text)
            if i + 1 < len(styled) and styled[i + 1].role is Role.HEADING:
                continue
            headings.append((i, _contents_key(" ".join(run))))
            run = []
    if len(headings) < CONTENTS_ENTRIES:
        return styled
    named = []
    for i, s in enumerate(styled):
        if s.page > CONTENTS_PAGES:
            break  # a contents list is on the cover or the page after it
        key = _contents_key(_TRAILING_PAGE.sub("", s.line.text))
        if s.role not in (Role.BODY, Role.SUBHEADING) or len(key) < 6:
            continue
        if any(j > i + 1 and key in text for j, text in headings):
            named.append(i)
    out = list(styled)
    for i in named:
        near = [
            j
            for j in named
            if abs(j - i) <= 2 * CONTENTS_ENTRIES and styled[j].page == styled[i].page
        ]
        if len(near) >= CONTENTS_ENTRIES:
            out[i] = replace(styled[i], role=Role.ASIDE)
    return out


def _contents_key(text: str) -> str:
    return " ".join(_QUOTE_WORD.findall(text.casefold()))


def _mark_cover_statement(styled: list[Styled]) -> list[Styled]:
    """The cover's statement of the edition ("Issue 05 | December 2016"), however it is set,
    is cover text, never a heading nor an article's text (a body line when it stands alone in
    its block: prose that mentions an issue and a month runs on in its paragraph)."""
    blocks = Counter((s.page, s.line.block) for s in styled if s.page == 1)
    return [
        replace(s, role=Role.MASTHEAD)
        if s.page == 1
        and (
            s.role in (Role.HEADING, Role.SUBHEADING, Role.BANNER)
            or (s.role is Role.BODY and blocks[(s.page, s.line.block)] == 1)
        )
        and states_edition(s.line.text)
        else s
        for s in styled
    ]


SECTION_TAG_WORDS = 6


def _mark_section_tags(styled: list[Styled], pages: Sequence[Page]) -> list[Styled]:
    """A short capitalised line right above a heading, in any size, is the section's tag."""
    out = list(styled)
    for i, s in enumerate(styled[:-1]):
        following = styled[i + 1]
        line = s.line
        # above a heading, or above a story whose heading is artwork: set apart from the
        # text it tags, as the first line of its block
        tags = following.role is Role.HEADING or (
            following.role is Role.BODY
            and (i == 0 or styled[i - 1].line.block != line.block or styled[i - 1].page != s.page)
            and style_of(line) != style_of(following.line)
        )
        # a section header in capitals set over the text's own edge tags the story below it
        header_tag = s.role is Role.SECTION_HEADER and abs(line.x0 - following.line.x0) <= 3
        if (
            (s.role in (Role.BODY, Role.SUBHEADING) or header_tag)
            and tags
            and following.page == s.page
            # (a running header in capitals is set off to one side of the text it is over)
            and (not _in_margin(line, pages[s.page - 1]) or abs(line.x0 - following.line.x0) <= 3)
            and is_all_caps(line.text)
            and len(line.text.split()) <= SECTION_TAG_WORDS
            and following.line.top - line.bottom >= 0
            and (following.role is Role.BODY or following.line.top - line.bottom <= 2 * line.height)
            and line.x0 < following.line.x1
            and following.line.x0 < line.x1
        ):
            out[i] = replace(s, role=Role.BANNER)
    return out


def _mark_masthead(styled: list[Styled], doc_body: float, page_height: float) -> None:
    """The largest text near the top of page 1, when it towers over the body, is the masthead."""
    first = [i for i, s in enumerate(styled) if s.page == 1 and s.role is not Role.FURNITURE]
    if not first:
        return
    top_size = max(styled[i].line.size for i in first)
    headings = [s.line.size for s in styled if s.page > 1 and s.role is Role.HEADING]
    towering = top_size >= doc_body * 1.8 and (not headings or top_size >= max(headings) * 1.2)
    for i in first:
        s = styled[i]
        if s.line.size != top_size or s.line.top > 0.45 * page_height:
            continue
        if towering or (s.role is Role.BANNER):
            styled[i] = replace(s, role=Role.MASTHEAD)


def _promote_bold_headings(styled: list[Styled], doc_body: float) -> list[Styled]:
    """With no size-based headings at all, standalone bold body-size lines are the titles."""
    if any(s.role is Role.HEADING for s in styled):
        return styled
    out = []
    for i, s in enumerate(styled):
        if s.role is Role.BODY and _standalone_bold(styled, i, doc_body):
            s = replace(s, role=Role.HEADING)
        out.append(s)
    return out


def _standalone_bold(styled: list[Styled], i: int, doc_body: float) -> bool:
    line = styled[i].line
    if not line.bold or len(line.text.split()) > 12 or line.text.rstrip()[-1:] in ".,;:":
        return False
    if abs(line.size - doc_body) > doc_body * 0.15:
        return False
    neighbours = [styled[j] for j in (i - 1, i + 1) if 0 <= j < len(styled)]
    return all(n.line.block != line.block or n.line.bold for n in neighbours)
