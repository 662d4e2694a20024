"""Pages of a PDF as images, for the page view: drawn by PDFium (pypdfium2) when first asked
for and kept in a cache bounded in bytes, keyed by the hash of the PDF's bytes and the page,
so a page is drawn once whichever edition, copy or request asks for it.

With extraction, the one place that reads PDFs.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.errors import BulletinsError

RENDER_WIDTH = 1100  # pixels across: legible at a laptop's width, about 150 KB a page as PNG
CACHE_BYTES = 64 * 1024 * 1024  # about 400 pages at that width
MAX_PIXELS = 4000  # down a page at most: a strip of a page 3 m long is drawn narrower

# PDFium is not thread-safe: one page is drawn at a time in a process
_PDFIUM = threading.Lock()


class RenderError(BulletinsError):
    """A page of a PDF cannot be drawn (the reason says why)."""


@dataclass(frozen=True)
class CacheUse:
    entries: int
    bytes: int
    limit: int
    hits: int
    misses: int


class PageImages:
    """PNG images of PDF pages, cached by content hash and page, at most ``limit`` bytes of
    them; the least recently used are dropped first. Safe to share between threads."""

    def __init__(self, limit: int = CACHE_BYTES, width: int = RENDER_WIDTH) -> None:
        self.limit = limit
        self.width = width
        self._images: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._size = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    def png(self, path: Path, sha256: str, number: int) -> bytes:
        """Page ``number`` (1-based) of the PDF at ``path``, whose bytes were indexed with the
        hash ``sha256``: from the cache, or drawn now. If the file's bytes have changed since,
        the page of the file as it is now is drawn (and cached under its own hash).

        :raise RenderError: if the file cannot be read or drawn, or has no such page.
        """
        cached = self._get((sha256, number))
        if cached is not None:
            return cached
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RenderError(f"{path.name}: cannot be read: {exc.strerror or exc}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            cached = self._get((actual, number))
            if cached is not None:
                return cached
        image = render_png(data, number, self.width)
        self._put((actual, number), image)
        return image

    def use(self) -> CacheUse:
        with self._lock:
            return CacheUse(len(self._images), self._size, self.limit, self._hits, self._misses)

    def _get(self, key: tuple[str, int]) -> bytes | None:
        with self._lock:
            image = self._images.get(key)
            if image is None:
                self._misses += 1
                return None
            self._hits += 1
            self._images.move_to_end(key)
            return image

    def _put(self, key: tuple[str, int], image: bytes) -> None:
        if len(image) > self.limit:
            return
        with self._lock:
            if key in self._images:
                return
            self._images[key] = image
            self._size += len(image)
            while self._size > self.limit:
                _, dropped = self._images.popitem(last=False)
                self._size -= len(dropped)


def render_png(data: bytes, number: int, width: int = RENDER_WIDTH) -> bytes:
    """Page ``number`` (1-based) of the PDF in ``data`` as a PNG ``width`` pixels across.

    :raise RenderError: if PDFium cannot open the PDF or has no such page.
    """
    pdfium = _pdfium()
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise RenderError(f"the PDF cannot be opened to draw its pages: {exc}") from exc
        try:
            if not 1 <= number <= len(document):
                raise RenderError(f"the PDF has no page {number} (it has {len(document)})")
            page = document[number - 1]
            try:
                # the whole MediaBox, as extraction lays the page out (a CropBox that trims a
                # printer's bleed would move the words away from where their marks are drawn)
                page.set_cropbox(*page.get_mediabox())
                page_width, page_height = page.get_size()
                scale = min(width / max(page_width, 1.0), MAX_PIXELS / max(page_height, 1.0))
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil()
            finally:
                page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _pdfium() -> Any:
    try:
        import pypdfium2  # (needed only to draw pages)
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RenderError(
            "pages cannot be drawn: the pypdfium2 package is missing (pip install pypdfium2)"
        ) from exc
    return pypdfium2
