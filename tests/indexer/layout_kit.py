"""Pages built line by line, for testing segmentation rules without rendering a PDF.

Lines are laid down a column from ``top`` with the given leading; every helper takes the layout
facts extraction would give (size, weight, slant, colour, block).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.models import ExtractedPdf, Line, Page

WIDTH, HEIGHT = 595.0, 842.0
BODY = 10.0
LOREM = (
    "Partners met in the spring to agree how the new scheme would run across the county. "
    "Officers from three forces shared what they had learned about the groups involved. "
    "Councils offered data on licensed premises and housing so that visits could be planned. "
    "The work continues through the year with a review planned for the autumn meeting."
)


@dataclass
class Column:
    """Lines laid down a column, each block separated by a paragraph gap."""

    x0: float = 50.0
    x1: float = 545.0
    top: float = 90.0
    lines: list[Line] = field(default_factory=list)
    block: int = 0

    def add(
        self,
        text: str,
        *,
        size: float = BODY,
        bold: bool = False,
        italic: bool = False,
        colour: str = "",
        width: float | None = None,
        gap: float = 0.0,
        new_block: bool = True,
    ) -> Line:
        if new_block and self.lines:
            self.block += 1
        self.top += gap
        line = Line(
            text=text,
            x0=self.x0,
            top=self.top,
            x1=self.x0 + (width if width is not None else self.x1 - self.x0),
            bottom=self.top + size,
            size=size,
            bold=bold,
            font="Helvetica-Bold" if bold else "Helvetica",
            block=self.block,
            colour=colour,
            italic=italic,
        )
        self.lines.append(line)
        self.top += size * 1.3
        return line

    def paragraph(self, text: str = LOREM, *, words_per_line: int = 12) -> None:
        words = text.split()
        chunks = [words[i : i + words_per_line] for i in range(0, len(words), words_per_line)]
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            self.add(
                " ".join(chunk), width=200 if last else None, new_block=i == 0, gap=6 * (i == 0)
            )


def page(
    number: int,
    *columns: Column,
    extra: tuple[Line, ...] = (),
    pictures: tuple[tuple[float, float, float, float], ...] = (),
    boxes: tuple[tuple[float, float, float, float], ...] = (),
) -> Page:
    lines = tuple(line for column in columns for line in column.lines) + extra
    return Page(number, WIDTH, HEIGHT, lines, pictures=pictures, boxes=boxes)


def document(*pages: Page) -> ExtractedPdf:
    return ExtractedPdf(source="synthetic.pdf", pages=pages)


def margin_line(text: str, top: float, *, size: float = 8.0, block: int = 99) -> Line:
    return Line(text, 50.0, top, 300.0, top + size, size, False, "Helvetica", block)
