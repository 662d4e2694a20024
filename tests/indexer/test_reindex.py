"""Batch reindexing: incremental runs, bad inputs, limits, the lock, and atomic publishing."""

from __future__ import annotations

import io
import os
import shutil
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from indexer.cli import EXIT_LOCKED, cli
from indexer.config import Settings
from indexer.index import ArticleIndex, writer_lock
from indexer.pipeline import BuildOptions, BuildReport, build_index, index_status, plan, run
from indexer.workers import Limits
from search_app import create_app
from tests.conftest import SHIPPED_PDF, declare_edition, distinct_copy

SHIPPED = SHIPPED_PDF.name


def outcomes(report: BuildReport) -> dict[str, str]:
    return {o.file: o.outcome for o in report.outcomes}


# -- generated bad inputs -------------------------------------------------------------------


def image_only_pdf(path: Path) -> None:
    """A 'scan': one page holding only a picture."""
    pixels = bytes([200, 200, 200] * 64 * 64)
    ppm = io.BytesIO(b"P6 64 64 255\n" + pixels)
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(_png_from_ppm(ppm)), 50, 400, width=400, height=400)
    page.save()


def _png_from_ppm(ppm: io.BytesIO) -> io.BytesIO:
    import struct

    raw = ppm.getvalue().split(b"\n", 1)[1]
    rows = b"".join(b"\x00" + raw[i : i + 64 * 3] for i in range(0, len(raw), 64 * 3))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return io.BytesIO(png)


def encrypted(source: Path, target: Path, *, user: str, owner: str) -> None:
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(user=user, owner=owner))


def decompression_bomb(path: Path, megabytes: int) -> None:
    """A one-page PDF whose content stream inflates to ``megabytes`` MiB of spaces."""
    compressor = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "bad"
    corpus.mkdir()
    data = SHIPPED_PDF.read_bytes()
    shutil.copy(SHIPPED_PDF, corpus / "good.pdf")
    (corpus / "truncated.pdf").write_bytes(data[: int(len(data) * 0.9)])
    (corpus / "cut-short.pdf").write_bytes(data[:3000])
    encrypted(SHIPPED_PDF, corpus / "user-password.pdf", user="secret", owner="boss")
    encrypted(SHIPPED_PDF, corpus / "owner-password-only.pdf", user="", owner="boss")
    (corpus / "zero-bytes.pdf").write_bytes(b"")
    (corpus / "web-page.pdf").write_text("<!doctype html><html><body>Not found</body></html>")
    image_only_pdf(corpus / "scan.pdf")
    decompression_bomb(corpus / "bomb.pdf", megabytes=600)
    return corpus


@pytest.mark.slow
def test_every_bad_input_gets_its_outcome_and_the_batch_goes_on(
    bad_corpus: Path, tmp_path: Path
) -> None:
    settings = Settings(corpus_dir=bad_corpus, index_dir=tmp_path / "ix")
    options = BuildOptions(workers=2, limits=Limits(seconds=60, memory_mb=300))
    report = build_index(settings, options=options)
    assert outcomes(report) == {
        "bomb.pdf": "out-of-memory",
        "cut-short.pdf": "corrupt",
        "good.pdf": "ok",
        # opens without a password (permissions only), and is good.pdf saved again: its text
        "owner-password-only.pdf": "duplicate",
        "scan.pdf": "no-text-layer",
        "truncated.pdf": "repaired",  # rebuilt by qpdf
        "user-password.pdf": "needs-password",
        "web-page.pdf": "not-a-pdf",
        "zero-bytes.pdf": "not-a-pdf",
    }
    assert all(o.message for o in report.failed)
    (copy,) = report.duplicates
    assert copy.message == "the same text as good.pdf, indexed under that file"
    # good in full (once), and what the truncated copy still holds
    assert 15 < ArticleIndex(settings.index_dir).count() < 30


# -- incremental ----------------------------------------------------------------------------


@pytest.fixture
def settings(corpus_copy: Path, tmp_path: Path) -> Settings:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "ix")
    assert outcomes(build_index(settings)) == {SHIPPED: "ok"}
    return settings


def no_extraction(*args: object, **kwargs: object) -> None:
    raise AssertionError("a PDF was read again")


def test_unchanged_corpus_reads_nothing_and_leaves_the_index(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = (settings.index_dir / "CURRENT").read_text()
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    report = build_index(settings)
    assert not report.published and report.counts()["unchanged"] == 1
    assert (settings.index_dir / "CURRENT").read_text() == live


def test_touched_file_is_not_read_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = settings.corpus_dir / SHIPPED
    os.utime(pdf, (time.time() + 100, time.time() + 100))
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    assert build_index(settings).counts()["unchanged"] == 1


@pytest.mark.slow
def test_modified_added_removed_and_renamed_files(settings: Settings) -> None:
    corpus = settings.corpus_dir
    distinct_copy(corpus / SHIPPED, corpus / "second.pdf")
    report = build_index(settings)
    assert report.counts() == {
        "added": 1,
        "updated": 0,
        "removed": 0,
        "unchanged": 1,
        "failed": 0,
        "duplicates": 0,
        "skipped": 0,
    }
    assert ArticleIndex(settings.index_dir).count() == 30

    (corpus / "second.pdf").write_bytes((corpus / SHIPPED).read_bytes() + b"\n% edited\n")
    assert build_index(settings).counts()["updated"] == 1

    (corpus / "second.pdf").rename(corpus / "renamed.pdf")
    declare_edition(corpus / "renamed.pdf")  # (else it is the shipped edition's text again)
    report = build_index(settings)
    assert report.removed == ("second.pdf",) and report.counts()["added"] == 1
    index = ArticleIndex(settings.index_dir)
    assert index.search("", filters={"edition": ["second"]}).total == 0
    assert index.search("", filters={"edition": ["renamed"]}).total == 15

    (corpus / "renamed.pdf").unlink()
    report = build_index(settings)
    assert report.removed == ("renamed.pdf",)
    assert ArticleIndex(settings.index_dir).count() == 15


def test_a_new_splitting_version_reuses_the_cached_extraction(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "PIPELINE_VERSION", "next")
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    report = build_index(settings)
    assert report.published and outcomes(report) == {SHIPPED: "ok"}
    assert [o.extracted for o in report.outcomes] == [True]  # split again, pdfminer not run


def test_a_file_that_breaks_keeps_its_articles_in_an_incremental_run(settings: Settings) -> None:
    pdf = settings.corpus_dir / SHIPPED
    pdf.write_bytes(b"%PDF-1.4 garbage")
    report = build_index(settings)
    assert [o.outcome for o in report.failed] == ["corrupt"]
    assert ArticleIndex(settings.index_dir).count() == 15


# -- the lock, the CLI ------------------------------------------------------------------------


def test_a_second_job_exits_at_once_with_the_lock_code(settings: Settings) -> None:
    args = ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    with writer_lock(settings.index_dir):
        started = time.monotonic()
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == EXIT_LOCKED == 3
    assert "Another indexing job is running" in result.output
    assert time.monotonic() - started < 5
    assert CliRunner().invoke(cli, args).exit_code == 0  # released


def test_report_file_and_status(settings: Settings, tmp_path: Path) -> None:
    (settings.corpus_dir / "broken.pdf").write_bytes(b"<html></html>")
    args = ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    result = CliRunner().invoke(cli, [*args, "--report", str(tmp_path / "r.json"), "--quiet"])
    assert result.exit_code == 1
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"]["failed"] == 1
    assert report["failed"][0]["file"] == "broken.pdf"
    assert report["failed"][0]["outcome"] == "not-a-pdf"
    status = CliRunner().invoke(cli, ["status", "--index", str(settings.index_dir)])
    assert "Articles:  15" in status.output and "broken.pdf: [not-a-pdf]" in status.output
    assert "1 failed" in status.output


# -- duplicates -----------------------------------------------------------------------------


@pytest.mark.parametrize("removed", ["the first", "the copy"])
def test_a_second_copy_adds_nothing_and_removing_either_keeps_the_edition(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, removed: str
) -> None:
    index = ArticleIndex(settings.index_dir)
    before = sorted(hit.title for hit in index.matches(""))
    index.close()
    copy = settings.corpus_dir / "downloads" / "bulletin (1).pdf"
    copy.parent.mkdir()
    shutil.copy2(settings.corpus_dir / SHIPPED, copy)

    report = build_index(settings)
    assert outcomes(report) == {SHIPPED: "ok", "downloads/bulletin (1).pdf": "duplicate"}
    assert report.counts()["duplicates"] == 1 and report.editions == 1
    assert SHIPPED in (report.duplicates[0].message or "")
    index = ArticleIndex(settings.index_dir)
    assert sorted(hit.title for hit in index.matches("")) == before  # no result added
    index.close()
    status = index_status(settings.index_dir)
    copied = {"file": "downloads/bulletin (1).pdf", "of": SHIPPED, "same": "bytes"}
    assert status["duplicates"] == [copied]
    client = create_app(settings).test_client()
    for path in ("/editions", "/status"):  # the edition and the status page name the copy
        assert "downloads/bulletin (1).pdf" in client.get(path).get_data(as_text=True), path
    monkeypatch.setattr(run, "extract_pdf", no_extraction)
    assert not build_index(settings).published  # a copy already known: nothing to do
    monkeypatch.undo()

    (settings.corpus_dir / SHIPPED if removed == "the first" else copy).unlink()
    report = build_index(settings)
    index = ArticleIndex(settings.index_dir)
    assert sorted(hit.title for hit in index.matches("")) == before  # the edition is kept
    index.close()
    assert report.editions == 1 and not report.duplicates


def resaved(source: Path, target: Path) -> None:
    """``source`` saved again by another program (qpdf, through pikepdf): other bytes, other
    metadata, object streams; the same pages."""
    with pikepdf.open(source) as pdf:
        pdf.docinfo["/Producer"] = "A re-saving tool"
        pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)


@pytest.mark.parametrize("removed", ["the first", "the copy"])
def test_a_copy_saved_again_adds_nothing_and_removing_either_keeps_the_edition(
    settings: Settings, removed: str
) -> None:
    index = ArticleIndex(settings.index_dir)
    before = sorted(hit.title for hit in index.matches(""))
    index.close()
    copy = settings.corpus_dir / "a-copy-saved-again.pdf"  # (first by path: still not primary)
    resaved(settings.corpus_dir / SHIPPED, copy)
    assert copy.read_bytes() != (settings.corpus_dir / SHIPPED).read_bytes()

    report = build_index(settings)
    assert outcomes(report) == {SHIPPED: "ok", copy.name: "duplicate"}
    assert report.duplicates[0].message == f"the same text as {SHIPPED}, indexed under that file"
    index = ArticleIndex(settings.index_dir)
    assert sorted(hit.title for hit in index.matches("")) == before  # no result added
    index.close()
    status = index_status(settings.index_dir)
    assert status["duplicates"] == [{"file": copy.name, "of": SHIPPED, "same": "text"}]
    page = create_app(settings).test_client().get("/status").get_data(as_text=True)
    assert f"{copy.name}: the same text as {SHIPPED}" in page
    rerun = build_index(settings)  # known to be a copy while the first is as it was
    assert not rerun.published and outcomes(rerun)[copy.name] == "duplicate"

    (settings.corpus_dir / SHIPPED if removed == "the first" else copy).unlink()
    report = build_index(settings)
    index = ArticleIndex(settings.index_dir)
    assert sorted(hit.title for hit in index.matches("")) == before  # the edition is kept
    index.close()
    assert report.editions == 1 and not report.duplicates


def test_editions_stating_other_numbers_are_kept_apart_whatever_their_text(
    settings: Settings,
) -> None:
    """The manifest's word (or the cover's) that two files are different editions stands:
    a reprint with the same text as another issue is still its own edition."""
    resaved(settings.corpus_dir / SHIPPED, settings.corpus_dir / "reprint.pdf")
    declare_edition(settings.corpus_dir / "reprint.pdf")
    report = build_index(settings)
    assert outcomes(report)["reprint.pdf"] == "ok" and report.editions == 2


def test_the_same_text_found_in_a_full_run_keeps_the_file_indexed_before(
    settings: Settings,
) -> None:
    """Both files read again (--full): the one indexed before stays the edition, whichever
    worker finishes first and whatever their names."""
    resaved(settings.corpus_dir / SHIPPED, settings.corpus_dir / "0-first-by-name.pdf")
    build_index(settings)
    report = build_index(settings, options=BuildOptions(full=True, workers=2))
    assert outcomes(report) == {SHIPPED: "ok", "0-first-by-name.pdf": "duplicate"}


@pytest.mark.parametrize("how", ["bytes", "text"])
def test_of_copies_new_to_the_index_the_one_the_manifest_describes_is_indexed(
    corpus_copy: Path, tmp_path: Path, how: str
) -> None:
    first_by_name = corpus_copy / "0-download.pdf"
    if how == "bytes":
        shutil.copy(corpus_copy / SHIPPED, first_by_name)
    else:
        resaved(corpus_copy / SHIPPED, first_by_name)
    report = build_index(Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "ix"))
    assert outcomes(report) == {SHIPPED: "ok", first_by_name.name: "duplicate"}
    assert report.duplicates[0].message == f"the same {how} as {SHIPPED}, indexed under that file"


def test_a_copy_by_text_given_its_own_number_later_becomes_an_edition(settings: Settings) -> None:
    """The manifest's word stands on the next run too: a file kept as a copy of another's
    text is read again when the manifest changes, and indexed as an edition of its own."""
    copy = settings.corpus_dir / "reissue.pdf"
    resaved(settings.corpus_dir / SHIPPED, copy)
    assert outcomes(build_index(settings))[copy.name] == "duplicate"
    declare_edition(copy)
    report = build_index(settings)
    assert outcomes(report)[copy.name] == "ok" and report.editions == 2
