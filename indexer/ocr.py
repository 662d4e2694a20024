"""Text for scanned pages: render each page (poppler's ``pdftoppm``) and read it with Tesseract.

Both are optional system tools (Debian: ``apt-get install tesseract-ocr poppler-utils``);
``missing_tools()`` names the ones that are not installed. Tesseract's TSV output gives every
word with its box, so the recognised lines keep their positions and heights, and the usual
layout rules (headings by size, columns by position) apply to them.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from indexer.errors import ExtractionError
from indexer.models import ExtractedPdf, Line, Page, SourceFile
from indexer.processes import child_of_this_process
from indexer.reading_order import reading_order
from indexer.textnorm import normalize_line

TOOLS = {"tesseract": "tesseract-ocr", "pdftoppm": "poppler-utils"}
INSTALL_HINT = "apt-get install tesseract-ocr poppler-utils"
DPI = 200
POINTS_PER_INCH = 72


def missing_tools() -> list[str]:
    """The Debian packages to install for OCR (empty when everything is there)."""
    return [package for tool, package in TOOLS.items() if shutil.which(tool) is None]


def ocr_pdf(
    source: SourceFile, pdf: ExtractedPdf, *, every_page: bool = False, language: str = "eng"
) -> ExtractedPdf:
    """``pdf`` (extracted from ``source``) with every page that has no text (or every page:
    for garbled text) replaced by its recognised text. The pages are rendered from the bytes
    that were extracted, not from the file, which may have changed since.

    :raise ExtractionError: ``no-text-layer`` when the tools are missing or read nothing.
    """
    missing = missing_tools()
    if missing:
        raise ExtractionError(
            f"no text layer, and OCR needs {', '.join(missing)}: {INSTALL_HINT}", "no-text-layer"
        )
    pages = []
    with tempfile.TemporaryDirectory(prefix="bulletins-ocr-") as folder:
        path = Path(folder) / "source.pdf"
        path.write_bytes(source.data)
        for page in pdf.pages:
            if page.lines and not every_page:
                pages.append(page)
                continue
            image = _render(path, page.number, Path(folder))
            pages.append(_recognise(image, page, language))
    result = ExtractedPdf(
        source=pdf.source,
        pages=tuple(even_sizes(pages)),
        info=pdf.info,
        repaired=pdf.repaired,
        outline=pdf.outline,
    )
    if result.char_count == 0:
        raise ExtractionError("no text layer, and OCR found no text either", "no-text-layer")
    return result


def _render(path: Path, number: int, folder: Path) -> Path:
    prefix = folder / f"page-{number}"
    _run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(number),
            "-l",
            str(number),
            str(path),
            str(prefix),
        ]
    )
    return prefix.with_suffix(".png")


def _recognise(image: Path, page: Page, language: str) -> Page:
    tsv = _run(["tesseract", str(image), "stdout", "-l", language, "--psm", "3", "tsv"])
    scale = POINTS_PER_INCH / DPI
    words: dict[tuple[int, int, int], list[dict[str, str]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            words[(int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))].append(row)
    boxes: list[_Box] = []
    for (block, par, _), items in sorted(words.items()):
        for part in _at_gaps(sorted(items, key=lambda w: int(w["left"]))):
            line = _line(part, scale)
            if line is None:
                continue
            # the paragraph's box in this column (a part cut off at a gap starts its own)
            box = next(
                (
                    b
                    for b in reversed(boxes)
                    if b.key == (block, par) and b.x0 - 2 <= line.x0 <= b.x1
                ),
                None,
            )
            if box is None:
                boxes.append(_Box((block, par), [line]))
            else:
                box.lines.append(line)
    lines = [
        replace(line, block=index)
        for index, box in enumerate(reading_order(boxes))
        for line in box.lines
    ]
    return Page(page.number, page.width, page.height, tuple(lines))


COLUMN_GAP = 1.5  # a space wider than this many letter heights between words parts columns


@dataclass
class _Box:
    """Recognised lines of one paragraph, as one box for reading order."""

    key: tuple[int, int]
    lines: list[Line]

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


def _at_gaps(words: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """A recognised line cut where a space between words is too wide for a word space: on a
    skewed page OCR can read a heading and the next column's line as one."""
    parts = [[words[0]]]
    for previous, word in pairwise(words):
        gap = int(word["left"]) - (int(previous["left"]) + int(previous["width"]))
        height = max(int(previous["height"]), int(word["height"]), 1)
        if gap > COLUMN_GAP * height:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _line(words: list[dict[str, str]], scale: float) -> Line | None:
    text = normalize_line(" ".join(w["text"] for w in words))
    if not text:
        return None
    left = min(int(w["left"]) for w in words) * scale
    top = min(int(w["top"]) for w in words) * scale
    right = max(int(w["left"]) + int(w["width"]) for w in words) * scale
    bottom = max(int(w["top"]) + int(w["height"]) for w in words) * scale
    size = _letter_size([(w["text"], int(w["height"]) * scale) for w in words])
    return Line(text, left, top, right, bottom, size, False, "ocr", 0)


# Share of the em that a word's letters span: capitals and ascenders reach about 0.72 of it
# above the baseline, descenders about 0.21 below, lower-case letters without either 0.52.
_ASCENDING = frozenset("bdfhikl0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'\"!?/()[]{}&%$£#@")
_DESCENDING = frozenset("gjpqyQ(),;[]{}@")
SIZE_STEP = 0.13  # sizes read within 13 % of a more used size are that size


def _letter_size(words: list[tuple[str, float]]) -> float:
    """The font size of a recognised line, from the height of its words' letters (not from
    the line's box, which a capital or a descender stretches): the median over its words."""
    estimates = []
    for word, height in words:
        letters = [ch for ch in word if not ch.isspace()]
        if not letters or height <= 0:
            continue
        up = any(ch in _ASCENDING for ch in letters)
        down = any(ch in _DESCENDING for ch in letters)
        short = not up and "t" in letters  # a t stands above the x-height, short of a capital
        span = (0.62 if short else 0.72 if up else 0.52) + (0.21 if down else 0.0)
        estimates.append(height / span)
    if not estimates:
        return 0.0
    estimates.sort()
    return round(estimates[(len(estimates) - 1) // 2], 1)  # (the lower of two middles)


def even_sizes(pages: list[Page]) -> list[Page]:
    """Recognised sizes vary a little from line to line; the typesetter used few. The most
    used sizes anchor groups, each other size joins the anchor within ``SIZE_STEP`` of it (or
    anchors a group of its own), so lines set alike get one size and the style rules can group
    them."""
    counts = Counter(line.size for page in pages for line in page.lines if line.font == "ocr")
    if not counts:
        return pages
    anchors: list[float] = []
    to: dict[float, float] = {}
    for size, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        near = [a for a in anchors if abs(size - a) <= a * SIZE_STEP]
        if near:
            to[size] = min(near, key=lambda a: abs(size - a))
        else:
            anchors.append(size)
            to[size] = size
    to = {size: round(anchor * 2) / 2 for size, anchor in to.items()}
    return [
        Page(
            page.number,
            page.width,
            page.height,
            tuple(replace(line, size=to.get(line.size, line.size)) for line in page.lines),
            page.pictures,
            page.boxes,
        )
        for page in pages
    ]


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
            preexec_fn=child_of_this_process,  # it dies with the worker that runs it
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()[-1:] or [str(exc.returncode)]
        raise ExtractionError(f"OCR failed ({command[0]}: {detail[0]})", "no-text-layer") from exc
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExtractionError(f"OCR failed ({command[0]}: {exc})", "no-text-layer") from exc
    return done.stdout
