"""Where each page's words are printed: kept beside the index, one file per PDF's content, so a
page can be shown with the words a search matched marked on it.

The files are named by the hash of the PDF's bytes (``pages/<sha256>.json.gz`` in the index
folder), so an edition indexed again from the same bytes shares its file, and the generations
of one index share them all; files of PDFs no longer indexed are pruned after a publish.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pdfminer.fontmetrics import FONT_METRICS

from indexer.models import PageLayout

PAGES_DIR = "pages"
LAYOUT_VERSION = 1
_SHA = re.compile(r"^[0-9a-f]{64}$")

# the widths of Helvetica's letters (thousandths of the size), from pdfminer's font metrics;
# a letter it lacks counts as an average capital or lower-case letter
_WIDTHS: Mapping[str, float] = FONT_METRICS["Helvetica"][1]
_WIDE, _NARROW = 667.0, 556.0
Box = tuple[float, float, float, float]  # x0, top, x1, bottom as shares of the page's size


def layout_file(root: Path, sha256: str) -> Path:
    return root / PAGES_DIR / f"{sha256}.json.gz"


def write_layout(root: Path, sha256: str, layout: Sequence[PageLayout]) -> None:
    """Keep the pages' layout of the PDF whose bytes hash to ``sha256`` (atomically)."""
    if not _SHA.match(sha256) or not layout:
        return
    path = layout_file(root, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": LAYOUT_VERSION,
        "pages": [
            {
                "number": p.number,
                "width": round(p.width, 2),
                "height": round(p.height, 2),
                "lines": [[text, *(round(v, 1) for v in box)] for text, *box in p.lines],
            }
            for p in layout
        ],
    }
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(gzip.compress(json.dumps(data, ensure_ascii=False).encode(), 6))
    temporary.replace(path)


def read_layout(root: Path, sha256: str) -> tuple[PageLayout, ...]:
    """The pages' layout kept for ``sha256``; () when none is (an index written before the
    layout was kept, or a damaged file)."""
    if not _SHA.match(sha256):
        return ()
    try:
        data = json.loads(gzip.decompress(layout_file(root, sha256).read_bytes()))
        if data.get("version") != LAYOUT_VERSION:
            return ()
        return tuple(
            PageLayout(
                int(p["number"]),
                float(p["width"]),
                float(p["height"]),
                tuple(
                    (str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in p["lines"]
                ),
            )
            for p in data["pages"]
        )
    except (OSError, EOFError, ValueError, KeyError, TypeError, gzip.BadGzipFile):
        return ()


def prune_layouts(root: Path, keep: set[str]) -> None:
    """Remove the layouts of PDFs no longer indexed (and any left half-written)."""
    folder = root / PAGES_DIR
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.split(".", 1)[0] not in keep or entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                entry.unlink()


def _advances(text: str) -> list[float]:
    """How far along ``text`` each character starts, and where it ends (the last entry), in
    Helvetica's widths: a word's place along its line is counted by them, as a typical
    proportional face sets it (an "m" is four times an "i")."""
    out = [0.0]
    for char in text:
        out.append(out[-1] + _WIDTHS.get(char, _WIDE if char.isupper() else _NARROW))
    return out


def marked_lines(
    page: PageLayout, terms: Iterable[str], analyzer: Any
) -> tuple[list[str], list[Box]]:
    """Each line of ``page`` as escaped HTML with the words whose analysed form is in
    ``terms`` marked, and where those words are printed, as shares of the page's width and
    height. A word's place along its line is counted from its characters (the extraction
    keeps each line's box, not each letter's)."""
    wanted = frozenset(terms)
    lines: list[str] = []
    boxes: list[Box] = []
    for text, x0, top, x1, bottom in page.lines:
        spans = _matches(text, wanted, analyzer) if wanted and text else []
        out, at = [], 0
        along = _advances(text) if spans else []
        for start, end in spans:
            out.append(html.escape(text[at:start], quote=False))
            out.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
            at = end
            share = (x1 - x0) / along[-1]
            left, right = x0 + along[start] * share, x0 + along[end] * share
            boxes.append(
                (left / page.width, top / page.height, right / page.width, bottom / page.height)
            )
        out.append(html.escape(text[at:], quote=False))
        lines.append("".join(out))
    return lines, boxes


def _matches(text: str, wanted: frozenset[str], analyzer: Any) -> list[tuple[int, int]]:
    """Where the words of ``text`` whose analysed form is in ``wanted`` are."""
    tokens = analyzer(text, chars=True, mode="query", removestops=False)
    return [(t.startchar, t.endchar) for t in tokens if t.text in wanted]
