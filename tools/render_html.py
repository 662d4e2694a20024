"""Render a manuscript as print-ready HTML, and to PDF with a headless Chromium.

A third producer for the splitting tests: a browser's print-to-PDF lays text out with its own
engine (Skia), fonts and line breaking, and flows text across pages the way browsers do.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tools.manuscript import Block, ManuscriptPage, inline_spans, parse_manuscript

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
.masthead { font-size: 28pt; font-weight: bold; }
.tagline { font-size: 12pt; font-style: italic; }
.banner { font-size: 13pt; font-weight: bold; letter-spacing: 1px; border-bottom: 2px solid #444; }
.logo { display: inline-block; border: 1px solid #999; font-size: 8pt; padding: 2px 6px; }
.artwork { width: 60px; height: 30px; background: #2a5d8f; border-radius: 8px; }
h2 { font-size: 16pt; margin: 10pt 0 4pt; }
p, li { margin: 0 0 6pt; }
.cols { column-count: COLUMNS; column-gap: 8mm; }
"""


def manuscript_html(pages: Sequence[ManuscriptPage], *, columns: int = 1) -> str:
    """The whole edition as one HTML document, one ``.page`` per manuscript page."""
    parts = [f"<!doctype html><meta charset=utf-8><style>{_CSS.replace('COLUMNS', str(columns))}"]
    parts.append("</style><body>")
    for page in pages:
        parts.append('<div class="page">')
        if page.number > 1 and page.section and not any(b.kind == "banner" for b in page.blocks):
            parts.append(f'<div class="banner">{html.escape(page.section)}</div>')
        heads = [b for b in page.blocks if b.kind in ("masthead", "tagline", "edition", "banner")]
        parts.extend(_block(b) for b in heads)
        parts.append('<div class="cols">')
        parts.extend(_block(b) for b in page.blocks if b not in heads)
        parts.append("</div></div>")
    return "".join(parts) + "</body>"


def _inline(text: str) -> str:
    return "".join(
        f"<b>{html.escape(words)}</b>" if bold else html.escape(words).replace("\n", "<br>")
        for words, bold in inline_spans(text)
    )


def _block(block: Block) -> str:
    text = _inline(block.text)
    match block.kind:
        case "masthead" | "tagline" | "edition" | "banner" | "logo":
            return f'<div class="{block.kind}">{text}</div>'
        case "artwork":
            return '<div class="artwork"></div>'
        case "title":
            return f"<h2>{text}</h2>"
        case "bullets":
            return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>"
        case _:
            return f"<p>{text}</p>"


def find_chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def render_chromium(pages: Sequence[ManuscriptPage], out: Path, *, columns: int = 1) -> None:
    """Print the manuscript's HTML to PDF with headless Chromium.

    :raise RuntimeError: if Chromium is not installed (Debian: ``apt-get install chromium``).
    """
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("Chromium not found; install it with: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "edition.html"
        page.write_text(manuscript_html(pages, columns=columns), encoding="utf-8")
        subprocess.run(
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                f"--print-to-pdf={out}", page.as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("manuscript", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--columns", type=int, choices=(1, 2), default=1)
    args = parser.parse_args(argv)
    pages = parse_manuscript(args.manuscript.read_text(encoding="utf-8"))
    render_chromium(pages, args.out, columns=args.columns)


if __name__ == "__main__":
    main()
