from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from indexer.reading_order import reading_order


@dataclass(frozen=True)
class Box:
    name: str
    x0: float
    top: float
    x1: float
    bottom: float
    line_height: float | None = None  # the type size of its lines; None: not said


def names(boxes: list[Box]) -> list[str]:
    return [b.name for b in reading_order(boxes)]


def test_two_columns_read_down_then_across() -> None:
    boxes = [
        Box("R1", 310, 100, 560, 200),
        Box("L2", 40, 210, 290, 300),
        Box("L1", 40, 100, 290, 200),
        Box("R2", 310, 210, 560, 300),
    ]
    assert names(boxes) == ["L1", "L2", "R1", "R2"]


def test_full_width_bands_separate_column_sets() -> None:
    boxes = [
        Box("banner", 40, 10, 560, 30),
        Box("L1", 40, 50, 290, 200),
        Box("R1", 310, 50, 560, 200),
        Box("wide", 40, 220, 560, 240),
        Box("L2", 40, 260, 290, 400),
        Box("R2", 310, 260, 560, 400),
    ]
    assert names(boxes) == ["banner", "L1", "R1", "wide", "L2", "R2"]


def test_paragraph_gaps_aligned_across_columns_do_not_interleave() -> None:
    boxes = [
        Box("L1", 40, 50, 290, 100),
        Box("R1", 310, 50, 560, 100),
        Box("L2", 40, 110, 290, 200),
        Box("R2", 310, 110, 560, 200),
    ]
    assert names(boxes) == ["L1", "L2", "R1", "R2"]


def test_left_column_running_longer_stays_in_its_column() -> None:
    boxes = [
        Box("title", 40, 10, 560, 40),
        Box("L1", 40, 50, 290, 200),
        Box("R1", 310, 50, 560, 120),
        Box("L2", 40, 210, 290, 400),
    ]
    assert names(boxes) == ["title", "L1", "L2", "R1"]


box_strategy = st.builds(
    lambda i, x, y, w, h: Box(str(i), x, y, x + w, y + h),
    st.integers(0, 10_000),
    st.floats(0, 500),
    st.floats(0, 800),
    st.floats(1, 300),
    st.floats(1, 100),
)


@given(st.lists(box_strategy, max_size=40))
def test_order_is_a_permutation(boxes: list[Box]) -> None:
    """Every box comes out exactly once, whatever the layout."""
    assert sorted(map(id, reading_order(boxes))) == sorted(map(id, boxes))


def test_headings_side_by_side_over_their_columns() -> None:
    """Word's two-column section: two headings on one line, each over its column (a footer
    across the gutter keeps the page from splitting into columns at once)."""
    boxes = [
        Box("H-left", 54, 75, 149, 88),
        Box("H-right", 315, 75, 380, 88),
        Box("L", 54, 95, 280, 380),
        Box("R", 315, 95, 541, 380),
        Box("footer", 200, 790, 400, 800),
    ]
    assert names(boxes) == ["H-left", "L", "H-right", "R", "footer"]


def test_a_banner_under_columns_is_read_after_both_columns() -> None:
    """A section banner's words under a band of two columns start afresh below them."""
    boxes = [
        Box("L", 36, 232, 292, 310),
        Box("R", 304, 232, 559, 534),
        Box("L2", 36, 503, 292, 547),
        Box("banner", 50, 584, 175, 597),
        Box("next", 36, 628, 559, 700),
    ]
    assert names(boxes) == ["L", "L2", "R", "banner", "next"]


def test_a_column_tail_in_a_band_of_its_own_joins_its_column() -> None:
    """The right column's first lines sit above a picture's gap in the left column: they
    still come after the left column, not before the whole page."""
    boxes = [
        Box("header", 54, 20, 208, 30),
        Box("R-tail", 315, 74, 541, 114),
        Box("R-more", 315, 125, 541, 160),
        Box("L", 54, 180, 280, 700),
        Box("R", 315, 170, 541, 700),
        Box("footer", 200, 790, 400, 800),
    ]
    assert names(boxes) == ["header", "L", "R-tail", "R-more", "R", "footer"]


def test_what_a_frame_holds_is_read_before_the_frames_under_it() -> None:
    """A card set in two columns above two cards side by side whose gutter lines up with its
    own: without the frames the page reads as one set of columns and mixes the cards."""
    boxes = [
        Box("W-left", 40, 100, 290, 300),
        Box("W-right", 310, 100, 560, 300),
        Box("A", 40, 320, 290, 400),
        Box("B", 310, 320, 560, 400),
    ]
    frames = [(35, 95, 565, 305), (35, 315, 295, 405), (305, 315, 565, 405)]
    assert names(boxes) == ["W-left", "A", "W-right", "B"]
    assert [b.name for b in reading_order(boxes, frames)] == ["W-left", "W-right", "A", "B"]


def test_a_frame_around_one_box_reads_as_that_box() -> None:
    """A full-width band behind a short banner must not stop the columns below it being
    read as columns."""
    boxes = [
        Box("banner", 40, 10, 200, 30),
        Box("R1", 310, 60, 560, 160),
        Box("L1", 40, 180, 290, 200),
        Box("R2", 310, 176, 560, 200),
    ]
    assert names(boxes) == ["banner", "L1", "R1", "R2"]
    assert [b.name for b in reading_order(boxes, [(0, 0, 595, 46)])] == names(boxes)


def test_a_title_over_a_part_laid_out_otherwise_is_read_after_the_columns_above() -> None:
    """A title under two columns heads the three columns below it: it is no tail of the
    column it happens to sit under."""
    boxes = [
        Box("L", 36, 100, 292, 335, line_height=9),
        Box("R", 303, 280, 559, 330, line_height=9),
        Box("title", 36, 368, 226, 392, line_height=24),
        Box("A", 36, 404, 203, 650, line_height=9),
        Box("B", 214, 404, 381, 650, line_height=9),
        Box("C", 392, 404, 559, 650, line_height=9),
    ]
    assert [b.name for b in reading_order(boxes)] == ["L", "R", "title", "A", "B", "C"]


def test_a_title_in_a_column_s_flow_stays_in_its_column() -> None:
    """A title at the foot of the longer column, its text under it in the same column, is
    read in that column, before the column beside it."""
    boxes = [
        Box("L1", 53, 89, 279, 531, line_height=9),
        Box("R1", 311, 81, 538, 187, line_height=9),
        Box("title", 53, 559, 185, 576, line_height=16.5),
        Box("L2", 53, 584, 284, 776, line_height=9),
    ]
    assert [b.name for b in reading_order(boxes)] == ["L1", "title", "L2", "R1"]
