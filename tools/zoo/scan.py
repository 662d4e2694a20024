"""Scanned editions: a born-digital render printed, scanned and saved as an image-only PDF.

Many archived public-sector newsletters exist only as scans: a paper copy kept in a partner's
office or a library, fed through a multifunction printer's "scan to PDF" years later. Such a
file has no text layer at all; Bulletin Archive reads it with ``bulletins index --ocr``
(``indexer.ocr``: poppler's ``pdftoppm`` renders each page, Tesseract reads it). These layouts
make such files deterministically:

1. the manuscript is laid out by the born-digital reportlab renderer
   (:func:`tools.render_reportlab.render_reportlab`, with the cover's edition line and footer);
2. every page is rasterised with ``pdftoppm -r 200 -gray`` (poppler-utils);
3. Pillow and numpy imitate the scanner: the sheet lies slightly crooked (a rotation of 0.4 to
   1.2 degrees, different on every page), the paper is a little grey and the ink not quite
   black, sensor grain (gaussian noise) and dust specks (salt and pepper) are added, and the
   optics soften everything (a slight gaussian blur);
4. the pages are saved as one greyscale JPEG image per page in a PDF at 200 dpi, the way office
   scanners save them, with fixed dates so the bytes are the same on every run.

Layouts (each imitates one scanning habit; skew, paper tone, noise and blur are in both):

``scan-skewed``
    A two-column edition fed through an automatic document feeder: each sheet enters at its own
    angle (0.7 to 1.2 degrees either way), light grain, few specks, a light blur.
``scan-noisy``
    A one-column edition photocopied, then scanned on a flatbed: the sheet is almost straight
    (0.4 to 0.7 degrees) but the copy is grainy and speckled, greyer and softer.

``needs_ocr`` says that a splitter sees no text in these files until they are read by OCR.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from tools.manuscript import ManuscriptPage
from tools.render_reportlab import render_reportlab
from tools.zoo.common import CREATION_DATE, Cover, Render

__all__ = ["DPI", "LAYOUTS", "ScanStyle", "needs_ocr", "render_scan"]

needs_ocr = True  # these PDFs have no text layer: index them with ``bulletins index --ocr``
# Reading a page with OCR takes seconds: the 7th edition and one fictional edition are scanned.
MANUSCRIPTS = ("soc-07", "northshire-csp-newsletter-05")

DPI = 200
JPEG_QUALITY = 75
INSTALL_HINT = "pdftoppm (poppler) is needed for the scan layouts: apt-get install poppler-utils"


@dataclass(frozen=True)
class ScanStyle:
    """How the born-digital source is laid out and how the scanner degrades it."""

    name: str
    columns: int  # of the born-digital render that was printed
    min_angle: float  # degrees; each page is rotated by a magnitude in [min_angle, max_angle]
    max_angle: float
    paper: int  # grey level of blank paper (255: white)
    ink: int  # grey level of solid black ink
    grain: float  # standard deviation of the gaussian sensor noise, in grey levels
    specks: float  # fraction of pixels turned into dust (half dark, half light)
    blur: float  # gaussian blur radius in pixels at 200 dpi


def _pdftoppm() -> str:
    """The path of poppler's ``pdftoppm``.

    :raise RuntimeError: naming the Debian package when it is not installed.
    """
    path = shutil.which("pdftoppm")
    if path is None:
        raise RuntimeError(INSTALL_HINT)
    return path


def _rasterise(pdf: Path, folder: Path) -> list[Path]:
    """Every page of ``pdf`` as a greyscale PGM at ``DPI``, in page order."""
    prefix = folder / "page"
    subprocess.run(
        [_pdftoppm(), "-r", str(DPI), "-gray", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # pdftoppm pads page numbers to the same width, so names sort in page order.
    return sorted(folder.glob("page-*.pgm"))


def _seed(style: ScanStyle, number: int) -> int:
    """A fixed seed per layout and page (``hash()`` of a str changes between runs)."""
    return zlib.crc32(f"{style.name}/{number}".encode())


def _degrade(image: Image.Image, style: ScanStyle, number: int) -> Image.Image:
    """One clean page as the scanner saw it: tone, skew, grain, blur and specks."""
    generator = np.random.default_rng(_seed(style, number))
    # Paper and ink: map white to the paper's grey and black to the ink's grey.
    span = style.paper - style.ink
    toned = image.point([style.ink + span * level // 255 for level in range(256)])
    magnitude = generator.uniform(style.min_angle, style.max_angle)
    angle = magnitude if generator.integers(0, 2) else -magnitude
    skewed = toned.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=style.paper
    )
    pixels = np.asarray(skewed, dtype=np.float32)
    pixels += generator.standard_normal(pixels.shape, dtype=np.float32) * style.grain
    grainy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    soft = np.array(grainy.filter(ImageFilter.GaussianBlur(style.blur)))
    count = round(soft.size * style.specks)
    rows = generator.integers(0, soft.shape[0], count)
    cols = generator.integers(0, soft.shape[1], count)
    soft[rows[: count // 2], cols[: count // 2]] = style.ink
    soft[rows[count // 2 :], cols[count // 2 :]] = 255
    return Image.fromarray(soft)


def _degrade_all(images: Sequence[Path], style: ScanStyle) -> list[Image.Image]:
    """Every page degraded, in page order; pages run in threads (Pillow and numpy release the
    GIL), each with its own seeded generator, so the result does not depend on scheduling."""

    def one(number: int, path: Path) -> Image.Image:
        with Image.open(path) as page:
            return _degrade(page.convert("L"), style, number)

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(one, range(1, len(images) + 1), images))


def _fixed_time() -> time.struct_time:
    """The zoo's fixed creation date (Pillow's PDF writer would stamp the current time)."""
    return time.strptime(CREATION_DATE, "%Y-%m-%dT%H:%M:%SZ")


def render_scan(pages: Sequence[ManuscriptPage], out: Path, cover: Cover, style: ScanStyle) -> None:
    """Lay out ``pages`` with reportlab, then write ``out`` as the scan of that print.

    :raise RuntimeError: if poppler's ``pdftoppm`` is not installed.
    """
    _pdftoppm()
    with tempfile.TemporaryDirectory(prefix="zoo-scan-") as tmp:
        folder = Path(tmp)
        clean = folder / "clean.pdf"
        render_reportlab(
            pages,
            clean,
            columns=style.columns,
            edition_line=cover.edition_line,
            footer=cover.footer,
        )
        scans = _degrade_all(_rasterise(clean, folder), style)
    first, *rest = scans
    first.save(
        out,
        "PDF",
        save_all=True,
        append_images=rest,
        resolution=float(DPI),
        quality=JPEG_QUALITY,
        title="",  # Pillow would use the file's name, which differs between runs
        creator="Scan to PDF",
        creationDate=_fixed_time(),
        modDate=_fixed_time(),
    )


def _layout(style: ScanStyle) -> Render:
    """``style`` as a zoo layout."""

    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_scan(pages, out, cover, style)

    return render


STYLES = (
    ScanStyle(
        "scan-skewed",
        columns=2,
        min_angle=0.7,
        max_angle=1.2,
        paper=246,
        ink=30,
        grain=6.0,
        specks=0.0004,
        blur=0.6,
    ),
    ScanStyle(
        "scan-noisy",
        columns=1,
        min_angle=0.4,
        max_angle=0.7,
        paper=232,
        ink=45,
        grain=14.0,
        specks=0.003,
        blur=0.9,
    ),
)

LAYOUTS: dict[str, Render] = {style.name: _layout(style) for style in STYLES}
