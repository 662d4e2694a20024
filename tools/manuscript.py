"""Parse a bulletin manuscript: the structured, word-for-word source an edition is rendered from.

A manuscript is line-oriented text. Blank lines separate blocks; a block is one of:

``@page``                 a page break (the first page needs none)
``@masthead TEXT``        the publication's name on the cover
``@tagline TEXT``         the strapline under the masthead
``@banner TEXT``          the section banner that heads this page (and following pages until
                          the next banner)
``@logo TEXT``            a partner's logo that carries words (drawn as artwork)
``@artwork NAME``         a logo with no words; NAME only identifies the drawing
``# TEXT``                an article title
``- TEXT`` lines          a bullet list, one item per line
anything else             a paragraph; its line breaks are kept

A line starting with ``//`` is a comment (a fictional edition says so there).

Inline, ``**bold**`` marks bold text, ``<https://...>`` a bare link and ``[text](target)`` a link
whose words are ``text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal[
    "masthead", "tagline", "edition", "banner", "logo", "artwork", "title", "para", "bullets"
]

_DIRECTIVES: dict[str, BlockKind] = {
    "@masthead": "masthead",
    "@tagline": "tagline",
    "@edition": "edition",
    "@banner": "banner",
    "@logo": "logo",
    "@artwork": "artwork",
}
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^>]+)>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Block:
    """One block of a manuscript page. For ``bullets`` the items are separated by newlines."""

    kind: BlockKind
    text: str

    @property
    def items(self) -> tuple[str, ...]:
        """The bullet items (or the paragraph's lines)."""
        return tuple(self.text.split("\n"))


@dataclass(frozen=True)
class ManuscriptPage:
    """The blocks of one page, in reading order, and the section banner in force on it."""

    number: int
    section: str | None
    blocks: tuple[Block, ...]


def parse_manuscript(text: str) -> tuple[ManuscriptPage, ...]:
    """Split manuscript text into pages of typed blocks."""
    pages: list[ManuscriptPage] = []
    blocks: list[Block] = []
    section: str | None = None
    page_section: str | None = None

    def close_page() -> None:
        pages.append(ManuscriptPage(len(pages) + 1, page_section, tuple(blocks)))

    for chunk in _chunks(text):
        if chunk == "@page":
            close_page()
            blocks = []
            page_section = section
            continue
        head, _, rest = chunk.partition(" ")
        if head in _DIRECTIVES:
            kind = _DIRECTIVES[head]
            if kind == "banner":
                section = page_section = rest.strip()
            blocks.append(Block(kind, rest.strip()))
        elif chunk.startswith("# "):
            blocks.append(Block("title", chunk[2:].strip()))
        elif all(line.startswith("- ") for line in chunk.split("\n")):
            blocks.append(Block("bullets", "\n".join(line[2:] for line in chunk.split("\n"))))
        else:
            blocks.append(Block("para", chunk))
    close_page()
    return tuple(pages)


def _chunks(text: str) -> list[str]:
    """Blank-line separated chunks; a directive or title line is always a chunk of its own."""
    chunks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("//"):
            continue
        single = line.startswith(("@", "# "))
        if (single or not line.strip()) and current:
            chunks.append("\n".join(current))
            current = []
        if single:
            chunks.append(line.strip())
        elif line.strip():
            current.append(line.rstrip())
    if current:
        chunks.append("\n".join(current))
    return chunks


def inline_spans(text: str) -> list[tuple[str, bool]]:
    """Split inline markup into ``(words, is_bold)`` runs, with links reduced to their words."""
    text = _BARE_LINK.sub(r"\1", _LINK.sub(r"\1", text))
    spans: list[tuple[str, bool]] = []
    pos = 0
    for match in _BOLD.finditer(text):
        if match.start() > pos:
            spans.append((text[pos : match.start()], False))
        spans.append((match.group(1), True))
        pos = match.end()
    if pos < len(text):
        spans.append((text[pos:], False))
    return spans


def plain_text(text: str) -> str:
    """The words of inline-marked text, markup removed."""
    return "".join(words for words, _ in inline_spans(text))


def words(text: str) -> list[str]:
    """Word tokens of plain or marked-up text, for comparing what a render kept."""
    return re.findall(r"\w+", plain_text(text))


@dataclass(frozen=True)
class TruthArticle:
    """An article as its manuscript has it: what a perfect split of any render returns."""

    title: str | None  # None: its heading is artwork, so any title from its text is right
    section: str | None
    body: str  # plain text, paragraphs (and bullet items) separated by blank lines


def manuscript_articles(pages: tuple[ManuscriptPage, ...]) -> list[TruthArticle]:
    """The articles of a manuscript. An article starts at a ``#`` title, or at text that
    follows a change of section banner with no title of its own (its heading was artwork);
    cover lines (masthead, tagline, edition), logos and artwork are no article's text."""
    articles: list[TruthArticle] = []
    title: str | None = None
    section: str | None = None
    paragraphs: list[str] | None = None  # None: no article open

    def close() -> None:
        nonlocal paragraphs
        if paragraphs is not None and (title is not None or paragraphs):
            articles.append(TruthArticle(title, section, "\n\n".join(paragraphs)))
        paragraphs = None

    for page in pages:
        for block in page.blocks:
            if block.kind == "banner":
                if block.text != section:
                    close()
                    section = block.text
            elif block.kind == "title":
                close()
                title, paragraphs = plain_text(block.text), []
            elif block.kind in ("para", "bullets"):
                if paragraphs is None:
                    title, paragraphs = None, []
                if block.kind == "para":  # its line breaks are only where the page broke
                    paragraphs.append(" ".join(plain_text(line) for line in block.items))
                else:
                    paragraphs.extend(plain_text(item) for item in block.items)
    close()
    return articles


def edition_line(pages: tuple[ManuscriptPage, ...]) -> str | None:
    """The cover's statement of the edition (``@edition``), if the manuscript has one."""
    return next((b.text for p in pages for b in p.blocks if b.kind == "edition"), None)
