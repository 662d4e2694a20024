"""The renders the splitter was first developed on, in the zoo: reportlab's platypus (one and two
columns, section bands drawn by the page template), fpdf2 (sections as text lines in the flow)
and Chromium printing HTML. Each prints the cover's edition line and the running footer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tools.manuscript import ManuscriptPage
from tools.render_fpdf import render_fpdf
from tools.render_html import render_chromium
from tools.render_reportlab import render_reportlab
from tools.zoo.common import Cover, Render, with_edition_block


def _reportlab(columns: int, body_size: float) -> Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_reportlab(
            pages,
            out,
            columns=columns,
            body_size=body_size,
            edition_line=cover.edition_line,
            footer=cover.footer,
        )

    return render


def _fpdf(columns: int) -> Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_fpdf(
            pages, out, columns=columns, edition_line=cover.edition_line, footer=cover.footer
        )

    return render


def _chromium(columns: int) -> Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_chromium(with_edition_block(pages, cover), out, columns=columns)

    return render


LAYOUTS: dict[str, Render] = {
    "classic-reportlab-1col": _reportlab(1, 10.0),
    "classic-reportlab-2col-9pt": _reportlab(2, 9.0),
    "classic-fpdf-2col": _fpdf(2),
    "classic-chromium-2col": _chromium(2),
}
