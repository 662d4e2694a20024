"""PDF → pages of lines with layout. The only module that reads PDFs.

pdfminer.six's layout analysis groups characters into lines and lines into blocks; we order the
blocks ourselves (``reading_order``) and keep, per line, the font size, weight and position that
segmentation needs. Every pdfminer failure is wrapped in an ``ExtractionError`` with a reason.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import logging
import os
import re
import stat
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTAnno,
    LTChar,
    LTCurve,
    LTFigure,
    LTImage,
    LTLine,
    LTPage,
    LTRect,
    LTText,
    LTTextBox,
    LTTextLine,
)
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect, PDFXRefFallback
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psexceptions import PSException
from pdfminer.psparser import LIT, PSLiteral
from pdfminer.utils import apply_matrix_pt, decode_text

from indexer.errors import ExtractionError
from indexer.models import Bookmark, ExtractedPdf, Line, Page, SourceFile
from indexer.reading_order import reading_order
from indexer.structure import TaggingAggregator, structure_types
from indexer.textnorm import normalize_line

log = logging.getLogger(__name__)

# char_margin=4 keeps words of a justified line together; boxes_flow=None skips pdfminer's own
# box ordering (quadratic on busy pages), since reading_order() does that job.
LAYOUT = LAParams(char_margin=4.0, line_margin=0.5, boxes_flow=None, all_texts=True)
_BOLD = re.compile(
    r"bold|black|heavy|semibold|demi|-bd\b|bd$|,b$|^cmbx|^cmb\d|^sfbx", re.IGNORECASE
)
_ITALIC = re.compile(r"italic|oblique|-it$|-it\b|,i$|^cmti", re.IGNORECASE)
_MAX_BOOKMARKS = 2000
_INFO_KEYS = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate")
# Exceptions pdfminer raises on malformed input besides its own (see NOTES: fuzzing contract).
_MALFORMED = (
    PDFException,
    PSException,
    AssertionError,
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    ZeroDivisionError,
    RecursionError,
)


@dataclass(frozen=True)
class _Block:
    """A text box from pdfminer, with the share of the page taken by its enclosing figure."""

    box: LTTextBox
    figure_share: float


# errno values that mean the file was there at planning time and is gone now
_GONE = (errno.ENOENT, errno.ENOTDIR)
_MAX_READ_TRIES = 2


def read_source(path: str | Path, *, follow: bool = True) -> SourceFile:
    """The bytes of the file at ``path`` and its identity (size, modification time, SHA-256)
    as they were when read. A file changing while it is read is read once more. ``follow``
    false: a symbolic link found in the file's place is not followed (the corpus was listed
    with a regular file there).

    :raise ExtractionError: ``removed`` if the file (or its folder) is gone; ``unreadable`` if
        it cannot be read (permissions, an I/O error), is not a regular file, or keeps
        changing while it is read.
    """
    path = Path(path)
    for _ in range(_MAX_READ_TRIES):
        with _opened(path, follow) as (descriptor, before):
            with os.fdopen(descriptor, "rb", closefd=False) as handle:
                data = handle.read()
            after = _fstat(descriptor)
        unchanged = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        if unchanged and len(data) == after.st_size:
            return SourceFile(
                str(path), data, hashlib.sha256(data).hexdigest(), len(data), after.st_mtime_ns
            )
    raise ExtractionError("the file kept changing while it was read", "unreadable")


def file_identity(path: str | Path, *, follow: bool = True) -> tuple[str, int, int]:
    """The SHA-256, size and modification time of the file at ``path``, read in blocks (the
    bytes are not kept). Same rules and errors as :func:`read_source`."""
    path = Path(path)
    for _ in range(_MAX_READ_TRIES):
        with _opened(path, follow) as (descriptor, before):
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(descriptor, "rb", closefd=False) as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
            after = _fstat(descriptor)
        unchanged = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        if unchanged and size == after.st_size:
            return digest.hexdigest(), size, after.st_mtime_ns
    raise ExtractionError("the file kept changing while it was read", "unreadable")


@contextlib.contextmanager
def _opened(path: Path, follow: bool) -> Iterator[tuple[int, os.stat_result]]:
    """A descriptor open on the regular file at ``path``, and its status when opened.

    :raise ExtractionError: as :func:`read_source` says.
    """
    # O_NONBLOCK: a pipe put in the file's place must not hang the run
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise ExtractionError(
                "the file was replaced by a link while the run was going", "unreadable"
            ) from exc
        raise read_error(exc) from exc
    try:
        info = _fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ExtractionError("not a regular file (a pipe, device or folder)", "unreadable")
        try:
            yield descriptor, info
        except OSError as exc:
            raise read_error(exc) from exc
    finally:
        os.close(descriptor)


def _fstat(descriptor: int) -> os.stat_result:
    try:
        return os.fstat(descriptor)
    except OSError as exc:
        raise read_error(exc) from exc


def read_error(exc: OSError) -> ExtractionError:
    """The ExtractionError for a file that could not be opened or read."""
    if exc.errno in _GONE:
        return ExtractionError("the file was removed while the run was going", "removed")
    return ExtractionError(f"cannot read the file: {exc.strerror or exc}", "unreadable")


def extract_pdf(path: str | Path | SourceFile, *, password: str = "") -> ExtractedPdf:
    """Read every page of a PDF: the file at ``path``, or the bytes already read by
    :func:`read_source`. A damaged file (truncated, broken cross-reference table) is rebuilt
    with qpdf (through pikepdf) and read again; the result says ``repaired``.

    :raise ExtractionError: with ``reason`` ``not-a-pdf``, ``needs-password``, ``unreadable``,
        ``removed`` or ``corrupt``.
    """
    source = path if isinstance(path, SourceFile) else read_source(path)
    data = source.data
    try:
        head = data[:1024]
        if not head:
            raise ExtractionError("the file is empty (0 bytes)", "not-a-pdf")
        if b"%PDF-" not in head:
            raise ExtractionError("not a PDF file (no %PDF- header)", "not-a-pdf")
        return _extract(io.BytesIO(data), source.path, password)
    except ExtractionError as exc:
        if exc.reason != "corrupt":
            raise
        rebuilt = _repair(data, password)
        if rebuilt is None:
            raise
        try:
            pdf = _extract(io.BytesIO(rebuilt), source.path, password)
        except ExtractionError:
            raise exc from None
        return replace(pdf, repaired=True)


def _extract(handle: BinaryIO, source: str, password: str) -> ExtractedPdf:
    try:
        document = PDFDocument(PDFParser(handle), password=password)
        info = _document_info(document)
        pages = tuple(_pages(document, _tags(document)))
        outline = _outline(document, len(pages))
        repaired = any(isinstance(xref, PDFXRefFallback) for xref in document.xrefs)
    except PDFPasswordIncorrect as exc:
        raise ExtractionError("the PDF needs a password to open", "needs-password") from exc
    except _MALFORMED as exc:
        detail = str(exc).strip() or type(exc).__name__
        raise ExtractionError(f"damaged PDF ({detail})", "corrupt") from exc
    finally:  # the document is let go with its file (a worker reads file after file)
        _page_numbers.cache_clear()
        _named_dests.cache_clear()
    return ExtractedPdf(source=source, pages=pages, info=info, repaired=repaired, outline=outline)


def _repair(data: bytes, password: str) -> bytes | None:
    """The PDF rewritten by qpdf, which reconstructs what a damaged file lost; None if it
    cannot."""
    try:
        with pikepdf.open(io.BytesIO(data), password=password) as pdf:
            if not len(pdf.pages):
                return None
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError, RuntimeError):
        return None


@functools.lru_cache(maxsize=1)  # the document being read: its pages, its tags, links, outline
def _page_numbers(document: PDFDocument) -> dict[Any, int]:
    """Each page object's id → its number (1-based), read once per document."""
    return {page.pageid: n for n, page in enumerate(PDFPage.create_pages(document), 1)}


def _tags(document: PDFDocument) -> dict[int, dict[int, str]]:
    """A tagged PDF's structure types, per page, by marked-content number; empty if untagged
    or if the structure cannot be read (the text is still read)."""
    if "StructTreeRoot" not in document.catalog:
        return {}
    try:
        found = structure_types(document, _page_numbers(document))
    except _MALFORMED:
        return {}
    by_page: dict[int, dict[int, str]] = {}
    for (page, mcid), kind in found.items():
        by_page.setdefault(page, {})[mcid] = kind
    return by_page


def _pages(document: PDFDocument, tags: dict[int, dict[int, str]]) -> Iterator[Page]:
    manager = PDFResourceManager(caching=True)
    device = (
        TaggingAggregator(manager, laparams=LAYOUT)
        if tags
        else PDFPageAggregator(manager, laparams=LAYOUT)
    )
    interpreter = PDFPageInterpreter(manager, device)
    for number, pdf_page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(pdf_page)
        layout = device.get_result()
        page = _page(number, layout, tags.get(number))
        if pdf_page.annots:
            named = _named_dests(document)
            links = _links(pdf_page, _page_numbers(document), named, float(layout.y1))
            page = _with_links(page, links)
        yield page


MAX_LINKS = 500  # links on one page looked at
MAX_ANNOTATIONS = 5000  # annotations of any kind on one page looked through for them


def _links(
    pdf_page: PDFPage, numbers: dict[Any, int], named: dict[str, Any], page_top: float
) -> list[tuple[Box, int]]:
    """The page's links to other pages of the document: (area, page number), the area in
    the lines' coordinates (moved and turned as pdfminer moves and turns the page). Links to
    the web, and links that cannot be read, are left out. ``named``: the document's named
    destinations (:func:`_named_dests`)."""
    found: list[tuple[Box, int]] = []
    annots = _deref(pdf_page.annots)
    matrix = _page_matrix(pdf_page)
    links = 0
    for ref in annots[:MAX_ANNOTATIONS] if isinstance(annots, list) else []:
        try:
            annot = _deref(ref)
            if not isinstance(annot, dict) or _deref(annot.get("Subtype")) != _LINK:
                continue
            links += 1
            if links > MAX_LINKS:
                break
            rect = [float(_deref(v)) for v in _deref(annot.get("Rect")) or []]
            target = annot.get("Dest") if annot.get("Dest") is not None else _goto(annot.get("A"))
            number = _dest_page(target, numbers, named)
            if number is None or len(rect) != 4:
                continue
            corners = [apply_matrix_pt(matrix, (x, y)) for x in rect[0::2] for y in rect[1::2]]
        except _MALFORMED:
            continue
        x0, x1 = min(x for x, _ in corners), max(x for x, _ in corners)
        y0, y1 = min(y for _, y in corners), max(y for _, y in corners)
        found.append(((x0, page_top - y1, x1, page_top - y0), number))
    return found


def _page_matrix(pdf_page: PDFPage) -> tuple[float, float, float, float, float, float]:
    """The matrix pdfminer lays a page out with (its MediaBox moved to the origin, turned by
    its /Rotate): where a link's corners land among the page's text."""
    x0, y0, x1, y1 = pdf_page.mediabox
    rotate = pdf_page.rotate % 360
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _with_links(page: Page, links: list[tuple[Box, int]]) -> Page:
    """The page with each line that a link covers (its middle inside the link's area) marked
    with the page the link goes to."""
    if not links:
        return page
    lines = []
    for line in page.lines:
        x, y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
        target = next(
            (n for (x0, top, x1, bottom), n in links if x0 <= x <= x1 and top <= y <= bottom), 0
        )
        lines.append(replace(line, link=target) if target else line)
    return replace(page, lines=tuple(lines))


def _page(number: int, layout: LTPage, tags: dict[int, str] | None = None) -> Page:
    width, height = float(layout.width), float(layout.height)
    page_top = float(layout.y1)
    frames = _frames(layout, width * height)
    boxes = tuple(
        (round(x0, 2), round(page_top - y1, 2), round(x1, 2), round(page_top - y0, 2))
        for x0, y0, x1, y1 in frames
    )
    pictures = _pictures(layout, width * height, page_top, frames)
    # pictures take part in the reading order (a picture in a column carries the column's
    # flow past it) but give no lines
    pieces: list[_Piece | _Picture] = [
        piece
        for block in _blocks(layout, width * height)
        for piece in _pieces(block, page_top, tags)
    ]
    pieces.extend(_Picture(*picture) for picture in pictures)
    ordered = [piece for piece in reading_order(pieces, boxes) if isinstance(piece, _Piece)]
    lines = [
        replace(line, block=index) if line.block != index else line
        for index, piece in enumerate(ordered)
        for line in piece.lines
    ]
    return Page(
        number=number,
        width=width,
        height=height,
        lines=tuple(_rejoin_drop_caps(_rejoin_rows(lines))),
        pictures=pictures,
        boxes=boxes,
    )


@dataclass(frozen=True)
class _Picture:
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class _Piece:
    """Lines of one text block, read together, with their extent (the page's coordinates)
    and the type size of its first line that is no drop cap."""

    lines: tuple[Line, ...]
    x0: float
    top: float
    x1: float
    bottom: float
    line_height: float

    @classmethod
    def of(cls, lines: list[Line]) -> _Piece:
        return cls(
            tuple(lines),
            min(line.x0 for line in lines),
            min(line.top for line in lines),
            max(line.x1 for line in lines),
            max(line.bottom for line in lines),
            next((line.size for line in lines if not _is_cap(line)), lines[0].size),
        )


def _pieces(block: _Block, page_top: float, tags: dict[int, str] | None) -> Iterator[_Piece]:
    """The block's lines, cut before a drop cap: it begins a paragraph, and pdfminer may box
    its tall letter with the title above it, making one block of a title as wide as the page
    and the first lines of a column under it."""
    run: list[Line] = []
    for item in block.box:
        if not isinstance(item, LTTextLine):
            continue
        lines = _lines(item, 0, block.figure_share, page_top, tags)
        if run and any(_is_cap(line) for line in lines):
            yield _Piece.of(run)
            run = []
        run.extend(lines)
    if run:
        yield _Piece.of(run)


def _tag_of(item: LTTextLine, tags: dict[int, str]) -> str:
    """The structure type most of the line's characters are drawn under ("" if none)."""
    counts: Counter[str] = Counter(
        tags.get(getattr(char, "mcid", -1), "") for char in item if isinstance(char, LTChar)
    )
    return counts.most_common(1)[0][0] if counts else ""


def _rejoin_rows(lines: list[Line]) -> list[Line]:
    """A justified line that pdfminer cut into pieces at its widest spaces ("months", "to
    October,", "the": boxes of their own) is put back together, in order along the row:
    pieces on one baseline, in one size, close together, no wider together than the lines of
    text around them, and with the nearest lines above and below running across each space
    between them (two columns' lines side by side stop at their gutter)."""
    rows: list[list[int]] = []
    for i in sorted(range(len(lines)), key=lambda k: (lines[k].size, lines[k].top)):
        last = lines[rows[-1][-1]] if rows else None
        if last is not None and last.size == lines[i].size and lines[i].top - last.top <= 0.5:
            rows[-1].append(i)
        else:
            rows.append([i])
    if all(len(row) == 1 for row in rows):
        return lines
    by_top = sorted(lines, key=lambda line: line.top)
    tops = [line.top for line in by_top]
    out: list[Line | None] = list(lines)
    for row in rows:
        if len(row) < 2:
            continue
        first = lines[row[0]]
        reach = ROW_WINDOW * first.size
        window = by_top[
            bisect_left(tops, first.top - reach) : bisect_right(tops, first.top + reach)
        ]
        x0, x1 = min(lines[k].x0 for k in row), max(lines[k].x1 for k in row)
        near = [
            line
            for line in window
            if abs(line.size - first.size) <= 0.5
            and abs(line.top - first.top) > 0.5
            and line.x0 < x1
            and x0 < line.x1
        ]
        column = max((line.x1 - line.x0 for line in near), default=0.0)
        rows_beside = _nearest_rows(near, first.top)
        cluster: list[int] = []
        for i in sorted(row, key=lambda k: lines[k].x0):
            trial = [*cluster, i]
            span = max(lines[k].x1 for k in trial) - min(lines[k].x0 for k in trial)
            start = max(lines[k].x1 for k in cluster) if cluster else lines[i].x0
            joins = (
                span <= column + 1
                and 0 <= lines[i].x0 - start <= 4 * lines[i].size
                and all(
                    any(ln.x0 <= start and ln.x1 >= lines[i].x0 for ln in beside)
                    for beside in rows_beside
                )
            )
            if cluster and not joins:
                _join_row(out, lines, cluster)
                trial = [i]
            cluster = trial
        _join_row(out, lines, cluster)
    return [line for line in out if line is not None]


ROW_WINDOW = 5.0  # line heights above and below a row where its column's lines are looked for


def _nearest_rows(near: list[Line], top: float) -> list[list[Line]]:
    """The nearest row of lines above ``top`` and the nearest below (those there are)."""
    found = []
    above = [line for line in near if line.top < top]
    below = [line for line in near if line.top > top]
    if above:
        row_top = max(line.top for line in above)
        found.append([line for line in above if row_top - line.top <= 0.5])
    if below:
        row_top = min(line.top for line in below)
        found.append([line for line in below if line.top - row_top <= 0.5])
    return found


def _join_row(out: list[Line | None], lines: list[Line], cluster: list[int]) -> None:
    """Put the pieces of one line (indexes into ``lines``, left to right) in place of the
    first of them in reading order."""
    if len(cluster) < 2:
        return
    first = min(cluster)
    out[first] = replace(
        lines[first],
        text=" ".join(lines[k].text for k in cluster),
        x0=min(lines[k].x0 for k in cluster),
        x1=max(lines[k].x1 for k in cluster),
    )
    for k in cluster:
        if k != first:
            out[k] = None


def _is_cap(line: Line) -> bool:
    return len(line.text) == 1 and line.text.isalpha() and line.text.isupper()


Box = tuple[float, float, float, float]
MIN_PICTURE_SHARE = 0.01  # of the page's area: smaller pictures are rules, bullets, icons
MAX_PICTURE_SHARE = 0.5  # larger ones are page backgrounds or a scanned page


def _pictures(
    layout: LTPage, page_area: float, page_top: float, frames: list[Box]
) -> tuple[tuple[float, float, float, float], ...]:
    """The page's pictures that hold no text: drawings in a form (artwork, logos drawn as
    shapes), images, and shapes drawn on the page itself that touch each other (a logo drawn
    with paths) and have no text inside them. ``frames`` (boxes around text) are no part of a
    drawing, though a drawing inside one touches them."""
    framed = {tuple(round(v) for v in frame) for frame in frames}
    found: list[Box] = []
    shapes: list[Box] = []
    texts: list[Box] = []
    for item in layout:
        bbox = (float(item.x0), float(item.y0), float(item.x1), float(item.y1))
        if isinstance(item, LTFigure | LTImage):
            if not _holds_text(item):
                found.append(bbox)
        elif isinstance(item, LTCurve) and not isinstance(item, LTLine | LTRect):
            if tuple(round(v) for v in bbox) not in framed:
                shapes.append(bbox)
        elif isinstance(item, LTTextBox):
            texts.append(bbox)
    for drawing in _touching(shapes[:MAX_SHAPES]):
        if not any(_overlaps(drawing, text) for text in texts):
            found.append(drawing)
    return tuple(
        (round(x0, 2), round(page_top - y1, 2), round(x1, 2), round(page_top - y0, 2))
        for x0, y0, x1, y1 in found
        if page_area and MIN_PICTURE_SHARE <= (x1 - x0) * (y1 - y0) / page_area <= MAX_PICTURE_SHARE
    )


MAX_SHAPES = 300  # only the first paths of a page drawn with more (a map, a chart) are grouped


def _touching(boxes: list[Box]) -> list[Box]:
    """The bounding boxes of groups of boxes that touch or overlap, one box per group."""
    groups: list[Box] = []
    for box in sorted(boxes):
        for i, group in enumerate(groups):
            if _overlaps(box, group, slack=1.0):
                groups[i] = (
                    min(box[0], group[0]),
                    min(box[1], group[1]),
                    max(box[2], group[2]),
                    max(box[3], group[3]),
                )
                break
        else:
            groups.append(box)
    return groups


def _overlaps(a: Box, b: Box, slack: float = 0.0) -> bool:
    return (
        a[0] <= b[2] + slack
        and b[0] <= a[2] + slack
        and a[1] <= b[3] + slack
        and b[1] <= a[3] + slack
    )


MIN_BOX_SHARE = 0.005  # of the page's area: smaller shapes are rules, bullets, table cells
MAX_BOX_SHARE = 0.6  # larger ones are page backgrounds
MAX_BOXES = 200  # boxes on one page looked at (a page of thousands is a chart, not a layout)
MAX_RULES = 400  # rules on one page looked at for table borders


def _frames(layout: LTPage, page_area: float) -> list[Box]:
    """The page's boxes around text, none inside another, in PDF coordinates: tinted
    rectangles (white ones aside), rectangles with rounded corners, tinted or outlined (a
    card), and rectangles ruled with four lines (a table's border)."""
    found: list[Box] = []
    rules: list[LTLine] = []
    rounded: list[Box] = []
    texts: list[tuple[float, float]] = []  # the centres of the page's text boxes
    for item in layout:
        if isinstance(item, LTRect):
            if item.fill and not _is_white(item.non_stroking_color):
                found.append((item.x0, item.y0, item.x1, item.y1))
        elif isinstance(item, LTLine):
            rules.append(item)
        elif isinstance(item, LTCurve) and _rounded_rectangle(item):
            tinted = item.fill and not _is_white(item.non_stroking_color)
            if tinted or (item.stroke and not _is_white(item.stroking_color)):
                rounded.append((item.x0, item.y0, item.x1, item.y1))
        elif isinstance(item, LTTextBox):
            texts.append(((item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2))
    # a rounded shape with no text in it is artwork (an emblem), not a card
    found.extend(
        box
        for box in rounded[:MAX_BOXES]
        if any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in texts)
    )
    found.extend(_ruled(rules))
    found = [
        box
        for box in dict.fromkeys(found)
        if page_area
        and MIN_BOX_SHARE <= (box[2] - box[0]) * (box[3] - box[1]) / page_area <= MAX_BOX_SHARE
    ][:MAX_BOXES]
    return [box for box in found if not any(_within(box, other) for other in found)]


MAX_FRAME_SEGMENTS = 64  # a rounded rectangle drawn with more pieces is a drawing


def _rounded_rectangle(curve: LTCurve) -> bool:
    """Is the path a closed rectangle whose corners may be rounded: straight sides (at least
    three of them longer than half the box's side), joined by curves at most a quarter of
    the box's size? A circle, a logo, a chart's line or its axes are not."""
    path: list[Any] = list(curve.original_path or [])
    width, height = curve.x1 - curve.x0, curve.y1 - curve.y0
    if not path or len(path) > MAX_FRAME_SEGMENTS or min(width, height) <= 0:
        return False
    if path[-1][0] != "h" and (len(path[0]) < 2 or path[-1][-1] != path[0][1]):
        return False  # an open path (a chart's axes, a bracket) frames nothing
    sides = 0
    here: tuple[float, float] | None = None
    for segment in path:
        op = segment[0]
        points: list[tuple[float, float]] = [p for p in segment[1:] if isinstance(p, tuple)]
        if points and here is not None:
            dx, dy = abs(points[-1][0] - here[0]), abs(points[-1][1] - here[1])
            if op == "l":
                sides += (dy < 1 and dx > width / 2) or (dx < 1 and dy > height / 2)
            elif op == "c" and (dx > width / 4 or dy > height / 4):
                return False
        if points:
            here = points[-1]
    return sides >= 3


def _within(inner: Box, outer: Box, slack: float = 2.0) -> bool:
    """Is ``inner`` inside ``outer`` and smaller than it?"""
    return inner != outer and (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
        and (inner[2] - inner[0]) * (inner[3] - inner[1])
        < (outer[2] - outer[0]) * (outer[3] - outer[1])
    )


def _ruled(rules: list[LTLine], slack: float = 2.0) -> list[Box]:
    """Rectangles whose four sides are separate lines: the outer border of a ruled table. For
    each rule, the lowest rule of the same width that two upright rules join to it (the
    table's foot, not each row's): linear in the rules for each width."""
    flat = sorted((r for r in rules if abs(r.y0 - r.y1) <= slack), key=lambda r: -r.y0)[:MAX_RULES]
    upright = [r for r in rules if abs(r.x0 - r.x1) <= slack][:MAX_RULES]
    found = []
    used: set[int] = set()
    for i, top in enumerate(flat):
        if i in used:
            continue
        left = [s for s in upright if abs(s.x0 - top.x0) <= slack and s.y1 >= top.y0 - slack]
        right = [s for s in upright if abs(s.x0 - top.x1) <= slack and s.y1 >= top.y0 - slack]
        if not (left and right):
            continue
        reach = max(min(s.y0 for s in left), min(s.y0 for s in right))
        foot = None
        for j in range(i + 1, len(flat)):
            bottom = flat[j]
            same_width = abs(bottom.x0 - top.x0) <= slack and abs(bottom.x1 - top.x1) <= slack
            if same_width and bottom.y0 >= reach - slack:
                foot = j  # the rows' rules down to the lowest the sides reach
                used.add(j)
        if foot is not None:
            found.append((top.x0, flat[foot].y0, top.x1, top.y0))
    return found


def _is_white(colour: Any) -> bool:
    try:
        parts = [float(v) for v in colour] if isinstance(colour, tuple | list) else [float(colour)]
    except (TypeError, ValueError):
        return True  # a pattern or an unreadable colour: no evidence of a tint
    if len(parts) == 4:
        return all(v < 0.02 for v in parts)
    return all(v > 0.98 for v in parts)


def _holds_text(item: Any) -> bool:
    if isinstance(item, LTText):
        return True
    return isinstance(item, LTFigure) and any(_holds_text(child) for child in item)


DROP_CAP_RATIO = 1.8  # a lone capital this much taller than the lines beside it is a drop cap


def _rejoin_drop_caps(lines: list[Line]) -> list[Line]:
    """A drop cap (one large initial set beside the first lines of a paragraph) is put back at
    the start of the line it begins: "W" + "elcome to ..." is "Welcome to ..."."""
    caps = [i for i, line in enumerate(lines) if _is_cap(line)]
    if not caps:
        return lines
    out = list(lines)
    dropped = set()
    for i in caps:
        cap = lines[i]
        beside = [
            j
            for j, line in enumerate(lines)
            if j != i
            and j not in dropped
            and cap.size >= line.size * DROP_CAP_RATIO
            and -2 <= line.x0 - cap.x1 <= cap.size
            and cap.top - 2 <= line.top <= cap.top + cap.height * 0.5
        ]
        if not beside:
            continue
        j = min(beside, key=lambda k: (lines[k].top, lines[k].x0))
        first = out[j]
        out[j] = replace(first, text=cap.text + first.text, x0=cap.x0)
        dropped.add(i)
    kept = [line for i, line in enumerate(out) if i not in dropped]
    return _reorder_beside_caps(kept, [lines[i] for i in dropped])


def _reorder_beside_caps(lines: list[Line], caps: list[Line]) -> list[Line]:
    """The lines beside a drop cap, top to bottom: pdfminer may have put the one level with
    the cap's foot, which the cap was attached to, ahead of the lines above it."""
    for cap in caps:
        beside = [
            i
            for i, line in enumerate(lines)
            if line.top < cap.bottom + 2
            and line.bottom > cap.top - 2
            and line.x0 <= cap.x1 + cap.size
            and line.x1 > cap.x1
        ]
        if len(beside) < 2:
            continue
        ordered = sorted((lines[i] for i in beside), key=lambda line: line.top)
        for i, line in zip(sorted(beside), ordered, strict=True):
            lines[i] = line
    return lines


def _blocks(container: Any, page_area: float, figure_share: float = 0.0) -> Iterator[_Block]:
    for item in container:
        if isinstance(item, LTTextBox):
            yield _Block(item, figure_share)
        elif isinstance(item, LTFigure):
            share = (item.width * item.height) / page_area if page_area else 0.0
            yield from _blocks(item, page_area, max(figure_share, share) if share else 1.0)


def _lines(
    item: LTTextLine,
    block: int,
    figure_share: float,
    page_top: float,
    tags: dict[int, str] | None = None,
) -> list[Line]:
    """The line (none if it has no visible text). A drop cap that pdfminer put at the start
    of the line level with its foot is taken off it, as a line of its own, for
    :func:`_rejoin_drop_caps` to put back where it belongs. ``tags``: the structure type of
    each marked-content number of the page (a tagged PDF); the line's is its characters'."""
    # one pass over the characters for the text and for the (font, size) of each visible
    # character (a line has few distinct ones); pdfminer's own classes are read directly
    pieces: list[str] = []
    styles: dict[tuple[Any, float, Any], int] = {}
    first: LTChar | None = None
    for char in item:
        if isinstance(char, LTChar):
            piece = char._text  # get_text(), without a method call per character
            if piece and not piece.isspace():
                if first is None:
                    first = char
                colour = char.graphicstate.ncolor
                style = (
                    char.fontname,
                    char.size,
                    tuple(colour) if isinstance(colour, list) else colour,
                )
                styles[style] = styles.get(style, 0) + 1
        elif isinstance(char, LTAnno):
            piece = char._text
        elif isinstance(char, LTText):
            piece = char.get_text()
        else:
            continue
        pieces.append(piece)
    text = normalize_line("".join(pieces))
    if not text:
        return []
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    colours: Counter[str] = Counter()
    bold = italic = 0
    total = 0
    for (fontname, size, colour), count in styles.items():
        total += count
        sizes[round(size * 2) / 2] += count
        font = _font_name(fontname)
        fonts[font] += count
        colours[_colour(colour)] += count
        bold += count if _BOLD.search(font) else 0
        italic += count if _ITALIC.search(font) else 0
    if not total:
        return []
    line = Line(
        text=text,
        x0=round(float(item.x0), 2),
        top=round(page_top - float(item.y1), 2),
        x1=round(float(item.x1), 2),
        bottom=round(page_top - float(item.y0), 2),
        size=sizes.most_common(1)[0][0],
        bold=bold * 2 > total,
        font=fonts.most_common(1)[0][0],
        block=block,
        figure_share=round(figure_share, 4),
        colour=colours.most_common(1)[0][0],
        italic=italic * 2 > total,
        tag=_tag_of(item, tags) if tags else "",
    )
    if first is None or len(text) < 3 or max(size for _, size, _ in styles) < line.size * 1.8:
        return [line]
    # a capital far taller than the line: a drop cap, wherever pdfminer put it in the line
    big = [
        c
        for c in item
        if isinstance(c, LTChar)
        and len(c._text) == 1
        and c._text.isupper()
        and c.size >= line.size * DROP_CAP_RATIO
    ]
    if len(big) != 1:
        return [line]
    first = big[0]
    rest = [c for c in item if isinstance(c, LTChar) and c is not first and c._text.strip()]
    remaining = normalize_line(
        "".join(
            c._text if isinstance(c, LTChar | LTAnno) else c.get_text()
            for c in item
            if c is not first and isinstance(c, LTText)
        )
    )
    if not rest or not remaining:
        return [line]
    cap = replace(
        line,
        text=first._text,
        x0=round(float(first.x0), 2),
        x1=round(float(first.x1), 2),
        top=round(page_top - float(first.y1), 2),
        bottom=round(page_top - float(first.y0), 2),
        size=round(first.size * 2) / 2,
    )
    return [
        cap,
        replace(
            line,
            text=remaining,
            x0=round(min(float(c.x0) for c in rest), 2),
            top=round(page_top - max(float(c.y1) for c in rest), 2),
            bottom=round(page_top - min(float(c.y0) for c in rest), 2),
        ),
    ]


@functools.lru_cache(maxsize=256)
def _colour(value: Any) -> str:
    """A fill colour as "#rrggbb" ("" for black or one that cannot be read): grey, RGB and
    CMYK components as pdfminer gives them."""
    try:
        parts = [float(v) for v in value] if isinstance(value, tuple) else [float(value)]
    except (TypeError, ValueError):
        return ""
    if len(parts) == 1:
        rgb = parts * 3
    elif len(parts) == 3:
        rgb = parts
    elif len(parts) == 4:
        c, m, y, k = parts
        rgb = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    else:
        return ""
    if any(not 0 <= v <= 1 for v in rgb) or all(v < 0.13 for v in rgb):
        return ""  # out of range (a pattern, an odd colour space) or black enough
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


@functools.lru_cache(maxsize=1024)
def _font_name(name: Any) -> str:
    text = decode_text(name) if isinstance(name, bytes) else str(name)
    return text.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", text) else text


def _outline(document: PDFDocument, page_count: int) -> tuple[Bookmark, ...]:
    """The PDF's bookmarks that point at one of its pages (none if it has no outline or the
    outline cannot be read). The outline is walked here, not by pdfminer: every reference is
    followed a bounded number of times and every entry visited once, so an outline that
    refers to itself, or a long one, cannot hang or exhaust the stack."""
    if page_count == 0 or "Outlines" not in document.catalog:
        return ()
    pages = _page_numbers(document)
    found: list[Bookmark] = []
    seen: set[int] = set()
    try:
        named = _named_dests(document)
        root = _deref(document.catalog.get("Outlines"))
        stack: list[tuple[Any, int]] = [(root.get("First"), 1)] if isinstance(root, dict) else []
        while stack and len(found) < _MAX_BOOKMARKS and len(seen) < 4 * _MAX_BOOKMARKS:
            ref, level = stack.pop()
            if isinstance(ref, PDFObjRef):
                if ref.objid in seen:
                    continue
                seen.add(ref.objid)
            entry = _deref(ref)
            if not isinstance(entry, dict):
                continue
            stack.append((entry.get("Next"), level))  # taken after this entry's children
            if level < _MAX_OUTLINE_DEPTH:
                stack.append((entry.get("First"), level + 1))
            title = _deref(entry.get("Title"))
            target = entry.get("Dest") if entry.get("Dest") is not None else _goto(entry.get("A"))
            number = _dest_page(target, pages, named)
            text = normalize_line(
                decode_text(title) if isinstance(title, bytes) else str(title or "")
            )
            if number is not None and text:
                found.append(Bookmark(text, number, level))
    except _MALFORMED:
        return tuple(found)
    return tuple(found)


_MAX_OUTLINE_DEPTH = 16
_MAX_REFERENCES = 16  # references followed from one object: a loop of them ends here


def _deref(value: Any) -> Any:
    """``value`` with its indirect references followed (at most ``_MAX_REFERENCES`` of them:
    an object that refers to itself is None)."""
    for _ in range(_MAX_REFERENCES):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    return None


def _goto(action: Any) -> Any:
    action = _deref(action)
    return action.get("D") if isinstance(action, dict) else None


_LINK = LIT("Link")


def _dest_page(dest: Any, pages: dict[Any, int], named: dict[str, Any]) -> int | None:
    """The page (1-based) a destination points at: an explicit one, or one of the document's
    named destinations (``named``, from :func:`_named_dests`)."""
    dest = _deref(dest)
    if isinstance(dest, bytes | str | PSLiteral):
        dest = _deref(named.get(_name_key(dest)))
    if isinstance(dest, dict):
        dest = _deref(dest.get("D"))
    if not isinstance(dest, list) or not dest:
        return None
    first = dest[0]
    if isinstance(first, PDFObjRef):
        return pages.get(first.objid)
    if isinstance(first, int):
        return first + 1 if 0 <= first < len(pages) else None
    return None


MAX_NAMED_DESTS = 100_000


def _name_key(name: Any) -> str:
    """A destination's name as the key of :func:`_named_dests` (a PDF name or a string)."""
    name = name.name if isinstance(name, PSLiteral) else name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


@functools.lru_cache(maxsize=1)  # read once per document: by its links and its outline
def _named_dests(document: PDFDocument) -> dict[str, Any]:
    """All the document's named destinations (from the catalog's /Dests and its /Names tree),
    by name, read once: a page of links to named places looks each up in this map. Bounded
    in nodes visited and names kept; an unreadable tree gives what was read."""
    found: dict[str, Any] = {}
    key = _name_key
    try:
        dests = _deref(document.catalog.get("Dests"))
        if isinstance(dests, dict):
            for name, dest in list(dests.items())[:MAX_NAMED_DESTS]:
                found.setdefault(key(name), dest)
        names = _deref(document.catalog.get("Names"))
        nodes = [(_deref(names.get("Dests")) if isinstance(names, dict) else None, 0)]
        visited = 0
        while nodes and visited < 4 * _MAX_BOOKMARKS and len(found) < MAX_NAMED_DESTS:
            node, depth = nodes.pop()
            visited += 1
            if not isinstance(node, dict) or depth > _MAX_OUTLINE_DEPTH:
                continue
            pairs = _deref(node.get("Names"))
            if isinstance(pairs, list):
                for i in range(0, min(len(pairs), 2 * MAX_NAMED_DESTS) - 1, 2):
                    found.setdefault(key(_deref(pairs[i])), pairs[i + 1])
            kids = _deref(node.get("Kids"))
            if isinstance(kids, list):
                nodes.extend((_deref(kid), depth + 1) for kid in kids[: 4 * _MAX_BOOKMARKS])
    except _MALFORMED:
        return found
    return found


def _document_info(document: PDFDocument) -> dict[str, str]:
    info: dict[str, str] = {}
    for entry in document.info:
        for key in _INFO_KEYS:
            value = _resolve(entry.get(key))
            if value and key not in info:
                info[key] = value
    return info


def _resolve(value: Any) -> str:
    from pdfminer.pdftypes import resolve1

    try:
        value = resolve1(value)
    except _MALFORMED:
        return ""
    if isinstance(value, bytes):
        value = decode_text(value)
    return normalize_line(str(value)) if isinstance(value, str) else ""
