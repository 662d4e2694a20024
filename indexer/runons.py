"""Stories in frames that run on from page to page side by side (an e-mail builder's cards).

A card layout sets each story in its own frame (a tinted or outlined box) and lets the frames
flow: two cards side by side at the foot of a page go on in two frames side by side at the head
of the next. Read page by page, the stream then holds both titles before either story's rest.
Here each frame cut by the foot of a page (it reaches down to where the document's frames stop
and none of the page's text is below it) is joined by the frame open at the head of the next
page (nothing above it, no heading of its own) that stands in the same place across the page,
and the continuation is moved right after the part it continues (one of two cards may end
on the page, leaving an empty frame at the next page's head). A single frame running on needs
no help: the stream already reads on into it.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.models import Page
from indexer.roles import Role, Styled

Frame = tuple[float, float, float, float]  # (x0, top, x1, bottom)
MIN_OVERLAP = 0.5  # of the narrower frame's width, shared by a frame and its continuation
FOOT_SLACK = 3.0  # points: a frame cut by the page's foot ends this close to the lowest frame
_OUTSIDE = (Role.FURNITURE, Role.SECTION_HEADER)  # margins: not part of the page's text
_OPENING = (Role.HEADING, Role.BANNER)  # a frame that opens with one starts a story


def run_on(styled: list[Styled], pages: Sequence[Page]) -> list[Styled]:
    """``styled`` with the continuations of frames side by side moved after their parts."""
    by_page = {page.number: page for page in pages}
    lowest = max((frame[3] for page in pages for frame in page.boxes), default=0.0)
    on_page: dict[int, list[int]] = {}  # each page's items, by index into ``styled``
    for i, s in enumerate(styled):
        on_page.setdefault(s.page, []).append(i)
    # each item's place in the stream: its index; a moved item sorts right after the item it
    # follows (a chain of moves nests: (5,), (5, 0), (5, 0, 0)...)
    place: list[tuple[int, ...]] = [(i,) for i in range(len(styled))]
    for page in pages:
        following = by_page.get(page.number + 1)
        if following is None or len(page.boxes) < 2 or len(following.boxes) < 2:
            continue
        here = [styled[i] for i in on_page.get(page.number, [])]
        feet = _open_at_foot(here, page, lowest)
        if len(feet) < 2:  # one frame running on: the stream already reads on into it
            continue
        there = on_page.get(following.number, [])
        for foot, head in _pairs(feet, _open_at_head([styled[i] for i in there], following)):
            inside = [i for i in on_page[page.number] if _inside(styled[i], foot)]
            anchor = max(place[i] for i in inside)
            moved = [i for i in there if _inside(styled[i], head)]
            for n, i in enumerate(sorted(moved, key=lambda k: place[k])):
                place[i] = (*anchor, n)
    return [styled[i] for i in sorted(range(len(styled)), key=lambda k: place[k])]


def _open_at_foot(styled: list[Styled], page: Page, lowest: float) -> list[Frame]:
    text = [s for s in styled if s.page == page.number and s.role not in _OUTSIDE]
    return [
        frame
        for frame in page.boxes
        if frame[3] >= lowest - FOOT_SLACK
        and any(_inside(s, frame) for s in text)
        and not any(_centre(s)[1] > frame[3] for s in text)
    ]


def _open_at_head(styled: list[Styled], page: Page) -> list[Frame]:
    text = [s for s in styled if s.page == page.number and s.role not in _OUTSIDE]
    found = []
    for frame in page.boxes:
        inside = [s for s in text if _inside(s, frame)]
        if not inside or any(_centre(s)[1] < frame[1] for s in text):
            continue
        first = min(inside, key=lambda s: (s.line.top, s.line.x0))
        if first.role not in _OPENING:
            found.append(frame)
    return found


def _pairs(feet: list[Frame], heads: list[Frame]) -> list[tuple[Frame, Frame]]:
    """Each frame at the foot with the frame at the next head in the same place, left to
    right."""
    pairs = []
    free = list(heads)
    for foot in sorted(feet):
        best = max(free, key=lambda head: _overlap(foot, head), default=None)
        if best is not None and _overlap(foot, best) >= MIN_OVERLAP:
            pairs.append((foot, best))
            free.remove(best)
    return pairs


def _overlap(a: Frame, b: Frame) -> float:
    shared = min(a[2], b[2]) - max(a[0], b[0])
    narrower = min(a[2] - a[0], b[2] - b[0])
    return shared / narrower if narrower > 0 else 0.0


def _centre(s: Styled) -> tuple[float, float]:
    return (s.line.x0 + s.line.x1) / 2, (s.line.top + s.line.bottom) / 2


def _inside(s: Styled, frame: Frame) -> bool:
    x, y = _centre(s)
    return frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]
