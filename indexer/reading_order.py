"""Reading order for the text blocks of a page: recursive XY-cut with column merging.

Newsletters put full-width bands (mastheads, banners, wide headings) above and between columns.
We cut the page at vertical gutters that run the whole height of a region first (columns), and
otherwise at horizontal gaps that run its whole width (bands). Bands that share the same
column gutters are merged back together before their columns are cut, so a gap between
paragraphs that happens to line up across two columns does not interleave the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


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

MIN_GUTTER = 4.0  # points of empty space that separate two columns
MAX_TAIL_GAP = 16.0  # points between a column's text and its tail in the band below
TAIL_GAP_RATIO = 1.5  # ...or this many times the height of the tail's first box


def reading_order(boxes: Sequence[B]) -> list[B]:
    """Return the boxes in reading order: top to bottom by bands, left to right by columns."""
    return _order(list(boxes))


def _order(boxes: list[B]) -> list[B]:
    if len(boxes) <= 1:
        return boxes
    columns = _split(boxes, vertical=True)
    if len(columns) > 1:
        return [box for column in columns for box in _order(column)]
    bands = _split(boxes, vertical=False)
    if len(bands) == 1:
        return sorted(boxes, key=lambda b: (b.top, b.x0))
    merged: list[list[B]] = []
    for band in bands:
        if merged and _same_columns(merged[-1], band):
            merged[-1].extend(band)
        else:
            merged.append(list(band))
    if len(merged) == 1:  # cannot happen for consistent gutters; guard against looping
        return [box for band in bands for box in _order(band)]
    return [box for band in merged for box in _order(band)]


def _split(boxes: list[B], *, vertical: bool) -> list[list[B]]:
    """Split at empty stripes: vertical ones (columns, left to right) or horizontal (bands)."""
    if vertical:
        spans = sorted(((b.x0, b.x1, b) for b in boxes), key=lambda s: s[0])
        min_gap = MIN_GUTTER
    else:
        spans = sorted(((b.top, b.bottom, b) for b in boxes), key=lambda s: s[0])
        min_gap = 0.5
    groups: list[list[B]] = [[spans[0][2]]]
    reach = spans[0][1]
    for start, end, box in spans[1:]:
        if start - reach >= min_gap:
            groups.append([box])
        else:
            groups[-1].append(box)
        reach = max(reach, end)
    return groups


def _same_columns(first: list[B], second: list[B]) -> bool:
    """Two stacked bands read as one set of columns when a gutter runs through both and the
    lower one has columns: headings side by side over their columns, a heading over one
    column, or a gap between paragraphs that lines up across columns, must not make the page
    read across. A lone line under columns (a section banner) is read after all of them."""
    if len(_split(second, vertical=True)) > 1:
        return len(_split(first + second, vertical=True)) > 1
    # one box under columns: the tail of the longer column runs on from the text above it;
    # a banner further down starts afresh
    head = min(second, key=lambda box: box.top)
    above = [
        box.bottom
        for box in first
        if box.bottom <= head.top and any(b.x0 < box.x1 and box.x0 < b.x1 for b in second)
    ]
    gap = head.top - max(above) if above else float("inf")
    return gap <= max(MAX_TAIL_GAP, TAIL_GAP_RATIO * (head.bottom - head.top))
