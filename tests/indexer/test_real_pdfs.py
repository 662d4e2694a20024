"""Every real-world PDF in ../shared/data/real-pdfs gets an outcome; none stops the batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from tests.conftest import SHARED

REAL_PDFS = SHARED / "data" / "real-pdfs"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REAL_PDFS.is_dir(), reason=f"{REAL_PDFS} not present"),
]

EXPECTED_FAILURES = {
    "pdfminer.six/encryption_aes-128.pdf": "needs-password",
    "py-pdf-sample-files/libreoffice-writer-password.pdf": "needs-password",
    "pdfplumber/empty.pdf": "not-a-pdf",
    "ocrmypdf/invalid.pdf": "corrupt",
    "ocrmypdf/c02-22.pdf": "no-text-layer",
    "ocrmypdf/vector.pdf": "no-text-layer",
    "ocrmypdf/type3_font_nomapping.pdf": "garbled-text",
}


def test_every_real_pdf_ends_with_an_outcome(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_PDFS, corpus, ignore=shutil.ignore_patterns("*.json", "*.md", "*.txt"))
    pdfs = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.pdf"))
    report = build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert [o.file for o in report.outcomes] == pdfs
    reasons = {o.file: o.reason for o in report.failed}
    for file, reason in EXPECTED_FAILURES.items():
        assert reasons.get(file) == reason, file
    assert all(o.message for o in report.failed)
    ok = [o for o in report.outcomes if o.status in ("ok", "repaired")]
    assert len(ok) >= 30 and all(o.articles >= 1 for o in ok)
    assert {o.file for o in report.outcomes if o.status == "repaired"} >= {
        "pdfminer.six/simple1.pdf"  # a broken cross-reference table, rebuilt
    }
    index = ArticleIndex(tmp_path / "index")
    assert index.search('"Digital Millennium Copyright Act"').total >= 1


def test_cli_over_the_real_pdfs_reports_every_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_PDFS, corpus, ignore=shutil.ignore_patterns("*.json", "*.md", "*.txt"))
    args = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--quiet"]
    first = CliRunner().invoke(cli, [*args, "--report", str(tmp_path / "first.json")])
    assert first.exit_code == 1, first.output
    report = json.loads((tmp_path / "first.json").read_text())
    assert report["files"] == len(list(corpus.rglob("*.pdf")))
    failed = {f["file"]: f for f in report["failed"]}
    assert failed and all(f["outcome"] and f["message"] for f in failed.values())
    for name in failed:
        assert f"FAILED  {name}: [" in first.output
    again = CliRunner().invoke(cli, [*args, "--report", str(tmp_path / "again.json")])
    assert again.exit_code == 1
    second = json.loads((tmp_path / "again.json").read_text())
    assert not any(o["extracted"] for o in second["outcomes"])  # nothing read again
    assert {f["file"] for f in second["failed"]} == set(failed)
    assert second["seconds"] < report["seconds"] / 5
