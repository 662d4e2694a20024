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
    hits = ArticleIndex(settings.index_dir).search("county lines").results
    assert hits and "<mark>" in hits[0].snippet


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
