"""Split an edition's lines into articles: title, section, pages and body.

An article starts at a heading, or at body text after the section changed (a heading that was a
logo leaves no text, but its article must not run into the previous one). It runs on across
columns and pages until the next heading or section banner. Body lines are regrouped into
paragraphs; line-end hyphens are resolved against the edition's own vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from indexer.models import Article, ExtractedPdf, Line
from indexer.roles import (
    CONTINUED_TITLE,
    Role,
    Styled,
    assign_roles,
    is_jump_back,
    jump_target,
)
from indexer.runons import run_on
from indexer.textnorm import BULLETS, SOFT_HYPHEN, join_lines, vocabulary

FRONT_MATTER_WORDS = 40  # text before the first heading shorter than this is cover furniture
UNTITLED_TITLE_WORDS = 10
MIN_BODY_WORDS = 8  # a heading followed by fewer words before the next heading is no article
_TERMINAL = tuple('.!?:;"”’)')
# a bullet, or a page number before a capitalised word ("2 The court"), not "2019 saw..."
_LEADING_NON_WORDS = re.compile(r"^(?:[^\w\s]+\s+|\d{1,4}\s+(?=[^\W\d_]*[A-Z]))+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"‘(])")


@dataclass
class _Draft:
    section: str | None
    title_lines: list[Line] = field(default_factory=list)
    paragraphs: list[list[Line]] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    jumps_to: int | None = None  # its story continues on this page
    continues: str | None = None  # it is the rest of a story: "" or that story's title
    body_words: int = 0  # words of body text (not subheadings) so far


@dataclass(frozen=True)
class Edited:
    """The articles of one edition and the cover text that belongs to none of them."""

    articles: tuple[Article, ...]
    front_matter: str


def split_edition(pdf: ExtractedPdf, edition_id: str) -> Edited:
    """Split the extracted edition into articles, in reading order."""
    styled = run_on(assign_roles(pdf), pdf.pages)
    vocab = vocabulary(s.line.text for s in styled if s.role is not Role.FURNITURE)
    assembler = _Assembler(edition_id, vocab, _headers_on_time(styled))
    for item in styled:
        assembler.feed(item)
    return assembler.finish()


def split_articles(pdf: ExtractedPdf, edition_id: str) -> tuple[Article, ...]:
    return split_edition(pdf, edition_id).articles


def _headers_on_time(styled: list[Styled]) -> bool:
    """Do the running headers change section where a section starts (a heading or banner opens
    the page), as a page-per-section layout's do? Otherwise they lag, as a word processor's
    do when a section starts mid-page."""
    changes = aligned = 0
    section: str | None = None
    for i, s in enumerate(styled):
        if s.role not in (Role.SECTION_HEADER, Role.BANNER):
            continue
        if _same_section(s.line.text, section):
            continue
        section = s.line.text
        changes += 1
        following = next(
            (
                t
                for t in styled[i + 1 :]
                if t.role not in (Role.FURNITURE, Role.SECTION_HEADER, Role.BANNER)
            ),
            None,
        )
        if following is not None and following.page == s.page:
            aligned += following.role in (Role.HEADING, Role.BANNER)
    return aligned * 2 > changes


class _Assembler:
    def __init__(self, edition_id: str, vocab: frozenset[str], headers_on_time: bool) -> None:
        self.edition_id = edition_id
        self.vocab = vocab
        self.headers_on_time = headers_on_time
        self.section: str | None = None
        self.draft: _Draft | None = None
        self.front: list[Line] = []
        self.front_pages: set[int] = set()
        self.front_body: list[tuple[Line, int]] = []  # body lines in ``front``, with pages
        self.started = False  # has any article begun?
        self.articles: list[Article] = []
        self.jumps: list[int | None] = []  # per article: the page its story jumps to
        self.page_of: dict[int, int] = {}  # the page of each line fed, by the line's id

    def feed(self, item: Styled) -> None:
        role, line = item.role, item.line
        self.page_of[id(line)] = item.page
        if self._jump(line, item.page):  # (a jump line repeated in margins is still one)
            return
        if role is Role.MASTHEAD:
            self.front.append(line)
        elif role is Role.BANNER:
            self._banner(line)
        elif role is Role.SECTION_HEADER:
            self._section_header(line, item.page)
        elif role is Role.HEADING:
            self._heading(line, item.page)
        elif role is Role.BODY:
            if item.after_picture and self._picture_heads(line, item.page):
                self._close()  # a picture standing for a heading (a logo) starts an article
                self.draft = _Draft(self.section)
            self._body(line, item.page)
        elif role is Role.SUBHEADING:  # a heading inside an article: a paragraph of its own
            self._body(line, item.page, subheading=True)

    def finish(self) -> Edited:
        self._close()
        if not self.started:
            self._by_page()
        return Edited(tuple(self.articles), join_lines([line.text for line in self.front]))

    def _by_page(self) -> None:
        """A document with no headings at all (not a newsletter): an article per page, titled
        by the page's first line when that reads as a title, else by its first sentence."""
        ceiling = _body_ceiling(self.front)
        pages: dict[int, list[Line]] = {}
        for line, page in self.front_body:
            if line.size <= ceiling:
                pages.setdefault(page, []).append(line)
        if not pages:
            return
        self.started = True
        placed = {id(line) for lines in pages.values() for line in lines}
        self.front = [line for line in self.front if id(line) not in placed]
        for page, lines in sorted(pages.items()):
            first = lines[0]
            self.draft = _Draft(self.section, pages={page})
            if _reads_as_title(first, lines[1:]):
                self.draft.title_lines.append(first)
                lines = lines[1:]
            for line in lines:
                self._append(self.draft, line)
            self._close()

    # -- events -------------------------------------------------------------------------------
    def _banner(self, line: Line) -> None:
        name = re.sub(r"\s+", " ", line.text).strip()
        if not _same_section(name, self.section):
            self._close()
            self.section = name

    def _section_header(self, line: Line, page: int) -> None:
        """A page's running header names its section. A word processor prints the section in
        force where the page starts, so a section that began on the page before shows in the
        header only now: a story begun on the page before is the new section's first; an older
        one that ended a paragraph on the page before ends there (the next text, a story whose
        heading is artwork, begins the new section)."""
        name = line.text
        if _same_section(name, self.section):
            return
        draft = self.draft
        if self.headers_on_time:
            if draft is not None and _ended(draft):
                self._close()  # the page opens a new section (a story may run over into it)
        elif draft is not None and draft.title_lines and min(draft.pages) >= page - 1:
            draft.section = name
        elif draft is not None and draft.body_words >= MIN_BODY_WORDS and _ended(draft):
            self._close()  # it began two pages back or more: the new section began here
        self.section = name

    def _heading(self, line: Line, page: int) -> None:
        draft = self.draft
        if draft is not None and draft.title_lines and draft.body_words < MIN_BODY_WORDS:
            if _continues_title(draft.title_lines[-1], line):
                draft.title_lines.append(line)
                draft.pages.add(page)
                return
            # A heading with (almost) nothing under it is a kicker or a strapline, not an article:
            # its words go to the cover text before the first article, else to the next article.
            leftover = draft.title_lines + [ln for para in draft.paragraphs for ln in para]
            self.draft = None
            self._flush_front()
            self._start(line, page)
            if self.articles:
                for i, old in enumerate(leftover):
                    self._add_body(old, page, new_paragraph=i == 0)
            else:
                self.front.extend(leftover)
            return
        self._close()
        self._flush_front()
        self._start(line, page)

    def _body(self, line: Line, page: int, *, subheading: bool = False) -> None:
        if self.draft is None:
            if not self.started:
                self.front.append(line)
                self.front_body.append((line, page))
                self.front_pages.add(page)
                return
            self.draft = _Draft(self.section)
        if not subheading:
            self.draft.body_words += len(line.text.split())
        self._add_body(line, page, new_paragraph=subheading)

    def _picture_heads(self, line: Line, page: int) -> bool:
        """Does a picture right above ``line`` head a new article (a logo standing for its
        heading)? Yes when ``line`` starts a sentence, the article before it has a body, and
        that body does not run on into ``line`` (a picture inside a story has its caption
        under it, so the story's text is not right under the picture; at the head of a new
        column, the body must have ended its paragraph)."""
        draft = self.draft
        if draft is None or draft.body_words < MIN_BODY_WORDS or not draft.paragraphs:
            return False
        if not line.text[:1].isupper():
            return False
        last = draft.paragraphs[-1][-1]
        if page > max(draft.pages) or line.top < last.top:
            # a new column or page: a sentence running on into it is not headed by the
            # picture (a banner across the page's top heads every column)
            return _ended(draft)
        runs_on = last.text.rstrip().endswith(("-", ",", ";", SOFT_HYPHEN))
        return _ended(draft) or not runs_on

    def _jump(self, line: Line, page: int) -> bool:
        """Handle a line that says where a story jumps to or from; True if it was one."""
        target = jump_target(line)
        if target is not None:
            if self.draft is not None:
                self.draft.jumps_to = target
            return True
        if not is_jump_back(line):
            return False
        draft = self.draft
        if draft is not None and draft.title_lines and draft.body_words == 0:
            draft.continues = draft.continues or ""  # under its heading "Title (continued)"
            return True
        self._close()
        self.draft = _Draft(self.section, pages={page}, continues="")
        return True

    # -- helpers ------------------------------------------------------------------------------
    def _start(self, line: Line, page: int) -> None:
        self.started = True
        self.draft = _Draft(self.section, title_lines=[line], pages={page})

    def _flush_front(self, *, force: bool = False) -> None:
        """Before the first article: cover text long enough to read is an untitled article."""
        if self.started:
            return
        body = [line for line in self.front if line.size <= _body_ceiling(self.front)]
        if force or sum(len(line.text.split()) for line in body) >= FRONT_MATTER_WORDS:
            self.started = True
            self.draft = _Draft(self.section, pages=set(self.front_pages))
            for line in body:
                self._append(self.draft, line)
            self.front = [line for line in self.front if line not in body]
            self._close()

    def _add_body(self, line: Line, page: int, *, new_paragraph: bool) -> None:
        if self.draft is None:
            self.draft = _Draft(self.section)
        self.draft.pages.add(page)
        self._append(self.draft, line, force_break=new_paragraph)

    def _append(self, draft: _Draft, line: Line, *, force_break: bool = False) -> None:
        if force_break or not draft.paragraphs or _breaks(draft.paragraphs[-1], line):
            draft.paragraphs.append([line])
        else:
            draft.paragraphs[-1].append(line)

    def _close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None or not (draft.title_lines or draft.paragraphs):
            return
        paragraphs = [join_lines([ln.text for ln in para], self.vocab) for para in draft.paragraphs]
        body = "\n\n".join(p for p in paragraphs if p)
        page_at = self._page_at(draft.paragraphs, paragraphs)
        title = join_lines([ln.text for ln in draft.title_lines], self.vocab)
        resumed = CONTINUED_TITLE.match(title) if title else None
        if resumed:  # "Its title (continued)": the rest of that story
            title, draft.continues = resumed.group(1), resumed.group(1)
        if draft.continues is not None and self._resume(draft, body, page_at):
            return
        if draft.title_lines:
            title_from = "heading"
        else:
            title, title_from = title_from_text(body), "first-sentence"
        ordinal = len(self.articles) + 1
        self.jumps.append(draft.jumps_to)
        self.articles.append(
            Article(
                id=f"{self.edition_id}:{ordinal}",
                edition_id=self.edition_id,
                ordinal=ordinal,
                title=title,
                title_from=title_from,
                section=draft.section,
                pages=tuple(sorted(draft.pages)),
                body=body,
                page_at=page_at,
            )
        )

    def _page_at(
        self, paragraphs: list[list[Line]], texts: list[str]
    ) -> tuple[tuple[int, int], ...]:
        """Where each page's text begins in the body the paragraphs make: (offset, page) at
        every change of page. Within a paragraph that runs over a page, the offset is counted
        from its lines' lengths (a rejoined hyphen moves it by a character at most)."""
        out: list[tuple[int, int]] = []
        offset = 0
        for lines, text in zip(paragraphs, texts, strict=True):
            if not text:
                continue
            within = 0
            for line in lines:
                page = self.page_of.get(id(line))
                if page is not None and (not out or out[-1][1] != page):
                    out.append((offset + min(within, len(text) - 1), page))
                within += len(line.text.strip()) + 1
            offset += len(text) + 2
        return tuple(out)

    def _resume(self, draft: _Draft, body: str, rest: tuple[tuple[int, int], ...]) -> bool:
        """Add the rest of a jumped story (``body``, its pages at ``rest``) to the article it
        began; False if none is found."""
        wanted = _norm_title(draft.continues or "")
        first = min(draft.pages)
        candidates = [
            i
            for i, article in enumerate(self.articles)
            if (wanted and _norm_title(article.title) == wanted)
            or (not wanted and self.jumps[i] == first)
        ]
        if not candidates and not wanted:  # "continued from page N" with no matching jump
            candidates = [i for i, jump in enumerate(self.jumps) if jump is not None]
        if not candidates:
            return False
        i = candidates[-1]
        article = self.articles[i]
        shift = len(article.body) + 2 if article.body else 0
        page_at = list(article.page_at)
        for offset, page in rest:
            if not page_at or page_at[-1][1] != page:
                page_at.append((offset + shift, page))
        self.articles[i] = replace(
            article,
            body="\n\n".join(p for p in (article.body, body) if p),
            pages=tuple(sorted(set(article.pages) | draft.pages)),
            page_at=tuple(page_at),
        )
        self.jumps[i] = draft.jumps_to
        return True


def _ended(draft: _Draft) -> bool:
    """Does the text gathered so far end a paragraph: a sentence's end, or a line that stops
    short of the column's edge (a web address, a list's last item)?"""
    if not draft.paragraphs:
        return False
    last = draft.paragraphs[-1][-1]
    if last.text.rstrip().endswith(_TERMINAL):
        return True
    lines = [line for para in draft.paragraphs[-2:] for line in para if line is not last]
    near = [line for line in lines if line.x0 < last.x1 and last.x0 < line.x1]
    if not near:
        return False
    left = min(line.x0 for line in near)
    right = max(line.x1 for line in near)
    return last.x1 < right - 0.3 * (right - left)


def _same_section(name: str, section: str | None) -> bool:
    """One section's name in a banner and in a header ("WHAT'S NEW", "What's new")."""
    return section is not None and _norm_title(name) == _norm_title(section)


def _norm_title(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _body_ceiling(lines: Iterable[Line]) -> float:
    sizes = sorted(line.size for line in lines)
    return sizes[len(sizes) // 2] * 1.2 if sizes else 0.0


def _continues_title(previous: Line, line: Line) -> bool:
    """A second heading line of the same size right under the first continues the title
    (sizes read by OCR are within a tenth of each other), as does one at the head of the next
    column that goes on with a word in lower case (a browser breaks a title between columns)."""
    slack = 0.1 * previous.size if previous.font == line.font == "ocr" else 0.6
    if abs(previous.size - line.size) > slack:
        return False
    if line.top < previous.bottom - 2:  # not under it: at the head of the next column
        return line.text[:1].islower() and not previous.text.rstrip().endswith(_TERMINAL)
    gap = line.top - previous.bottom
    return line.block == previous.block or -2 <= gap <= line.size * 1.2


def _breaks(paragraph: list[Line], line: Line) -> bool:
    """Does ``line`` start a new paragraph after the lines gathered so far?"""
    previous = paragraph[-1]
    text = previous.text.rstrip()
    continues = not text.endswith(_TERMINAL) and line.text[:1].islower()
    if line.text[:1] in BULLETS and len(line.text) > 1 and line.text[1:2] == " ":
        return True
    if line.top < previous.top:  # a new column or page: paragraphs run on unless they ended
        return text.endswith(_TERMINAL)
    gap = line.top - previous.bottom
    if gap > line.height * 0.8 or (line.block != previous.block and gap > line.height * 0.5):
        return not continues  # paragraph spacing, unless the sentence runs on
    # At normal line spacing, a new paragraph starts only after a short line ending a sentence.
    left = min(ln.x0 for ln in paragraph)
    right = max(ln.x1 for ln in paragraph)
    short = previous.x1 < right - 0.2 * (right - left)
    return short and text.endswith(_TERMINAL)


TITLE_LINE_WORDS = 12


def _reads_as_title(line: Line, rest: list[Line]) -> bool:
    """Is a page's first line a title: short, with words (not a bare bullet or number), not
    running on into the next line, not ending as prose does?"""
    text = line.text.strip()
    words = text.split()
    if not words or len(words) > TITLE_LINE_WORDS or text.endswith((",", ";", "-")):
        return False
    if text[:1] in BULLETS or text[:1].islower() or not re.search(r"[^\W\d_]{2}", text):
        return False  # a bullet, a number, a sentence's middle
    return not (rest and rest[0].text[:1].islower())


def title_from_text(text: str, max_words: int = UNTITLED_TITLE_WORDS) -> str:
    """A title for an article whose heading was artwork: the start of its first sentence."""
    text = _LEADING_NON_WORDS.sub("", text.strip())  # a page number, a bullet
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].split("\n")[0].strip()
    words = sentence.split()
    if not words:
        return "Untitled article"
    if len(words) <= max_words:
        return sentence.rstrip(".")
    return " ".join(words[:max_words]).rstrip(",;:") + "…"
