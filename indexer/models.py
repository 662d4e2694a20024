"""Frozen records passed between the pipeline stages: extract → split → index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# the structure types of a tagged PDF that mark a heading (see ``Line.tag``)
HEADING_TAGS = frozenset({"H", "H1", "H2", "H3", "H4", "H5", "H6", "Title"})


@dataclass(frozen=True)
class Line:
    """One text line of a page, with the layout facts that segmentation needs.

    Coordinates are in PDF points with the origin at the page's top-left corner.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # the most common character size on the line
    bold: bool  # most characters are in a bold face
    font: str  # the most common font name, subset prefix removed
    block: int  # index of the text block (paragraph box) within the page, in reading order
    figure_share: float = 0.0  # area share of the page of the figure the line is drawn in; 0 = none
    colour: str = ""  # the most common fill colour of its characters, "#rrggbb"; "" = black
    italic: bool = False  # most characters are in an italic or oblique face
    tag: str = ""  # a tagged PDF's structure type for the line ("H2", "P", ...); "" = none
    link: int = 0  # the page of this PDF a link on the line goes to (1-based); 0 = none

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Bookmark:
    """An entry of the PDF's outline (its bookmarks): a title and the page it points at."""

    title: str
    page: int  # 1-based
    level: int  # 1 for a top-level entry


@dataclass(frozen=True)
class Page:
    """One page: its number (1-based), size and lines in reading order."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    # pictures with no text (artwork, photographs, a logo standing for a heading), as
    # (x0, top, x1, bottom) in the lines' coordinates
    pictures: tuple[tuple[float, float, float, float], ...] = ()
    # boxes drawn around text, tinted or ruled (a sidebar, a story's frame), the same way
    boxes: tuple[tuple[float, float, float, float], ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class SourceFile:
    """The bytes of one file as they were read, and the file's identity at that moment: what
    is extracted, what the extraction cache is keyed by, and what the next run compares with,
    so a file replaced during a run is never indexed under another file's hash."""

    path: str
    data: bytes = field(repr=False)
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ExtractedPdf:
    """What extraction produced for one PDF file."""

    source: str  # path as given, for display and linking
    pages: tuple[Page, ...]
    info: Mapping[str, str] = field(default_factory=dict)  # document info: title, author, ...
    repaired: bool = False  # the file was damaged (no valid cross-reference table): rebuilt
    outline: tuple[Bookmark, ...] = ()  # the PDF's bookmarks, in their order

    @property
    def char_count(self) -> int:
        return sum(len(line.text) for page in self.pages for line in page.lines)


@dataclass(frozen=True)
class Edition:
    """An edition of a publication: one PDF file."""

    id: str  # stable slug, from the file name
    title: str
    number: int | None
    date: str | None  # "YYYY-MM" or "YYYY-MM-DD" or "YYYY"
    publisher: str | None
    file: str  # the PDF's path relative to the corpus directory
    source: str  # the PDF's path as the corpus directory was given, for display ("corpus/x.pdf")
    licence: str | None = None
    origin: str | None = None  # where the edition was published (URL or description)
    metadata_from: str = "manifest"  # manifest | pdf | filename
    sha256: str = ""  # of the PDF's bytes: an unchanged file is not read again
    # the name of the publication it is an edition of: the manifest's, else the masthead's
    publication: str | None = None


@dataclass(frozen=True)
class Publication:
    """A publication an archive holds editions of, as the manifest's ``[[publication]]``
    describes it (or only its name, from an edition's masthead)."""

    id: str  # stable slug: the manifest's, else made from the name
    name: str
    licence: str | None = None
    licence_url: str | None = None
    attribution: str | None = None  # "Crown copyright"
    publisher: str | None = None


@dataclass(frozen=True)
class Article:
    """One article of an edition, in the edition's reading order."""

    id: str
    edition_id: str
    ordinal: int  # 1-based position in the edition
    title: str
    title_from: str  # "heading" when the PDF had one, else "first-sentence"
    section: str | None
    pages: tuple[int, ...]
    body: str  # paragraphs separated by blank lines
    # where in ``body`` each page's text begins, in body order: (character offset, page), the
    # first at offset 0; () when unknown (written by an earlier version)
    page_at: tuple[tuple[int, int], ...] = ()

    @property
    def first_page(self) -> int:
        return self.pages[0]

    def page_of(self, offset: int) -> int:
        """The page the body's text at ``offset`` is printed on."""
        return page_at_offset(self.page_at, offset, self.first_page)


def page_at_offset(page_at: Sequence[tuple[int, int]], offset: int, default: int) -> int:
    """The page of the text at ``offset`` by an article's ``page_at``; ``default`` if unknown."""
    page = default
    for start, number in page_at:
        if start > offset:
            break
        page = number
    return page


@dataclass(frozen=True)
class PageLayout:
    """Where the text of one page is printed, for showing the page with words marked: each
    line's text and box (x0, top, x1, bottom) in points from the page's top-left corner."""

    number: int
    width: float
    height: float
    lines: tuple[tuple[str, float, float, float, float], ...]

    @classmethod
    def of(cls, page: Page) -> PageLayout:
        return cls(
            page.number,
            page.width,
            page.height,
            tuple((ln.text, ln.x0, ln.top, ln.x1, ln.bottom) for ln in page.lines),
        )
