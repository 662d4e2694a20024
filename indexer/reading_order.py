"""Reading order for the text blocks of a page: recursive XY-cut with column merging.

Newsletters put full-width bands (mastheads, banners, wide headings) above and between columns.
We cut the page at vertical gutters that run the whole height of a region first (columns), and
otherwise at horizontal gaps that run its whole width (bands). Bands that share the same
column gutters are merged back together before their columns are cut, so a gap between
paragraphs that happens to line up across two columns does not interleave the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Boxlike(Protocol):
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...


B = TypeVar("B", bound=Boxlike)
U = TypeVar("U", bound=Boxlike)

MIN_GUTTER = 4.0  # points of empty space that separate two columns
MAX_TAIL_GAP = 16.0  # points between a column's text and its tail in the band below
TAIL_GAP_RATIO = 1.5  # ...or this many times the height of the tail's first box
TITLE_RATIO = 1.25  # a box set this much larger than the text above it is no tail of that text


Frame = tuple[float, float, float, float]  # (x0, top, x1, bottom)


def reading_order(boxes: Sequence[B], frames: Sequence[Frame] = ()) -> list[B]:
    """Return the boxes in reading order: top to bottom by bands, left to right by columns.

    ``frames`` are boxes drawn around text (a card, a story's frame, a sidebar), none inside
    another: what a frame holds is read as one piece, where the frame falls among the rest, so
    two cards side by side are read one after the other, not line band by line band, and the
    two columns of a card are read before the card beside or under it."""
    if not frames:
        return _order(list(boxes))
    framed: list[_Framed[B]] = [_Framed(*frame) for frame in frames]
    loose: list[B | _Framed[B]] = []
    for box in boxes:
        x, y = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
        holder = next((f for f in framed if f.x0 <= x <= f.x1 and f.top <= y <= f.bottom), None)
        if holder is None:
            loose.append(box)
        else:
            holder.members.append(box)
    # a frame around one box (a band behind a banner) is that box: its own size, not the band's
    units: list[B | _Framed[B]] = loose + [
        f.fitted() if len(f.members) > 1 else f.members[0] for f in framed if f.members
    ]
    out: list[B] = []
    for unit in _order(units):
        if isinstance(unit, _Framed):
            out.extend(_order(unit.members))
        else:
            out.append(unit)
    return out


@dataclass
class _Framed(Generic[B]):
    """A frame and the boxes inside it, read as one box."""

    x0: float
    top: float
    x1: float
    bottom: float
    members: list[B] = field(default_factory=list)

    def fitted(self) -> _Framed[B]:
        """The frame grown to hold all its boxes (text may overflow a frame drawn too small)."""
        self.x0 = min([self.x0, *(b.x0 for b in self.members)])
        self.top = min([self.top, *(b.top for b in self.members)])
        self.x1 = max([self.x1, *(b.x1 for b in self.members)])
        self.bottom = max([self.bottom, *(b.bottom for b in self.members)])
        return self


def _order(boxes: list[U]) -> list[U]:
    if len(boxes) <= 1:
        return boxes
    columns = _split(boxes, vertical=True)
    if len(columns) > 1:
        return [box for column in columns for box in _order(column)]
    bands = _split(boxes, vertical=False)
    if len(bands) == 1:
        return sorted(boxes, key=lambda b: (b.top, b.x0))
    merged: list[list[U]] = []
    for i, band in enumerate(bands):
        following = bands[i + 1] if i + 1 < len(bands) else None
        if merged and _same_columns(merged[-1], band, following):
            merged[-1].extend(band)
        else:
            merged.append(list(band))
    if len(merged) == 1:  # cannot happen for consistent gutters; guard against looping
        return [box for band in bands for box in _order(band)]
    return [box for band in merged for box in _order(band)]


def _split(boxes: list[U], *, vertical: bool) -> list[list[U]]:
    """Split at empty stripes: vertical ones (columns, left to right) or horizontal (bands)."""
    if vertical:
        spans = sorted(((b.x0, b.x1, b) for b in boxes), key=lambda s: s[0])
        min_gap = MIN_GUTTER
    else:
        spans = sorted(((b.top, b.bottom, b) for b in boxes), key=lambda s: s[0])
        min_gap = 0.5
    groups: list[list[U]] = [[spans[0][2]]]
    reach = spans[0][1]
    for start, end, box in spans[1:]:
        if start - reach >= min_gap:
            groups.append([box])
        else:
            groups[-1].append(box)
        reach = max(reach, end)
    return groups


def _same_columns(first: list[U], second: list[U], following: list[U] | None = None) -> bool:
    """Two stacked bands read as one set of columns when a gutter runs through both and the
    lower one has columns: headings side by side over their columns, a heading over one
    column, or a gap between paragraphs that lines up across columns, must not make the page
    read across. A lone line under columns (a section banner) is read after all of them; so is
    a title set larger than the text above it when what ``following`` it is not in the same
    columns (it heads a part of the page laid out otherwise)."""
    if len(_split(second, vertical=True)) > 1:
        return len(_split(first + second, vertical=True)) > 1
    # one box under columns: the tail of the longer column runs on from the text above it;
    # a banner further down starts afresh
    head = min(second, key=lambda box: box.top)
    over = [
        box
        for box in first
        if box.bottom <= head.top and any(b.x0 < box.x1 and box.x0 < b.x1 for b in second)
    ]
    if not over:
        return False
    last = max(over, key=lambda box: box.bottom)
    # boxes may say the type size of their lines (``line_height``): a title is set larger
    sizes = getattr(head, "line_height", None), getattr(last, "line_height", None)
    title = sizes[0] is not None and sizes[1] is not None and sizes[0] > TITLE_RATIO * sizes[1]
    if title and (following is None or len(_split(first + following, vertical=True)) < 2):
        return False  # a title heading what comes after the columns, not the next in them
    gap = head.top - last.bottom
    return gap <= max(MAX_TAIL_GAP, TAIL_GAP_RATIO * (head.bottom - head.top))
