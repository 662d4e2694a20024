"""Scanned PDFs: read with Tesseract under --ocr, or reported with the command to install it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexer import ocr
from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import BuildOptions, build_index
from tests.conftest import SHIPPED_PDF


def scanned_copy(folder: Path, page: int) -> Path:
    """One page of the shipped edition as a picture only, as a scanner would make it."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(SHIPPED_PDF),
            str(folder / "page"),
        ],
        check=True,
    )
    target = folder / "corpus" / "scanned.pdf"
    target.parent.mkdir()
    sheet = canvas.Canvas(str(target), pagesize=A4)
    sheet.drawImage(str(folder / "page.png"), 0, 0, width=A4[0], height=A4[1])
    sheet.save()
    return target


@pytest.mark.slow
@pytest.mark.skipif(bool(ocr.missing_tools()), reason=f"OCR tools missing: {ocr.INSTALL_HINT}")
def test_ocr_reads_a_scanned_edition(tmp_path: Path) -> None:
    scanned_copy(tmp_path, 19)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "ix")
    plain = build_index(settings)
    assert [o.outcome for o in plain.outcomes] == ["no-text-layer"]
    assert "--ocr" in (plain.outcomes[0].message or "")
    read = build_index(settings, options=BuildOptions(ocr=True))  # retried though unchanged
    assert [o.outcome for o in read.outcomes] == ["ok"]
    index = ArticleIndex(settings.index_dir)
    hits = index.search("county lines").results
    assert hits and "<mark>" in hits[0].snippet
    # the page view marks the words where Tesseract read them: "County Lines" is near the top
    # of the page's left column (the same place as in the PDF it was scanned from)
    view = index.page("scanned", 1, "county lines")
    assert view is not None and view.layout_known and len(view.marks) >= 2
    x0, top, x1, bottom = view.marks[0]
    assert x0 < 0.5 and top < 0.3 and 0 < x1 - x0 < 0.2 and 0 < bottom - top < 0.05


def test_without_the_tools_the_message_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "corpus" / "scan.pdf"
    target.parent.mkdir()
    sheet = canvas.Canvas(str(target), pagesize=A4)
    sheet.rect(100, 100, 200, 200, fill=1)  # shapes, no text
    sheet.save()
    monkeypatch.setattr(ocr.shutil, "which", lambda tool: None)
    settings = Settings(corpus_dir=target.parent, index_dir=tmp_path / "ix")
    report = build_index(settings, options=BuildOptions(ocr=True))
    [outcome] = report.outcomes
    assert outcome.outcome == "no-text-layer"
    assert "apt-get install tesseract-ocr poppler-utils" in (outcome.message or "")


def test_line_size_comes_from_the_letters_not_the_line_box() -> None:
    """At 10 pt a word with capitals and descenders spans about 9.3 pt, one in x-height
    letters about 5.2 pt: both read as 10 pt."""
    assert ocr._letter_size([("Gangmasters", 9.3)]) == pytest.approx(10.0, abs=0.1)
    assert ocr._letter_size([("were", 5.2), ("on", 5.2), ("Sunday", 9.3)]) == pytest.approx(
        10.0, abs=0.1
    )


def test_sizes_read_unevenly_become_the_few_the_typesetter_used() -> None:
    from indexer.models import Line, Page

    sizes = [10.5] * 30 + [10.0, 10.9, 11.2, 9.8] + [19.0] * 4 + [17.8, 18.4] + [14.0, 13.5]
    lines = tuple(
        Line(f"line {i}", 0, i * 12, 100, i * 12 + 10, size, False, "ocr", 0)
        for i, size in enumerate(sizes)
    )
    evened = ocr.even_sizes([Page(1, 595, 842, lines)])[0]
    assert sorted({line.size for line in evened.lines}) == [10.5, 13.5, 19.0]


def test_a_recognised_line_is_cut_where_a_column_gap_parts_it() -> None:
    words = [
        {"left": "100", "width": "80", "height": "40", "text": "Prevent"},
        {"left": "190", "width": "90", "height": "40", "text": "Projects"},
        {"left": "900", "width": "90", "height": "25", "text": "mentoring,"},
        {"left": "1000", "width": "70", "height": "25", "text": "training"},
    ]
    parts = ocr._at_gaps(words)
    assert [[w["text"] for w in part] for part in parts] == [
        ["Prevent", "Projects"],
        ["mentoring,", "training"],
    ]
