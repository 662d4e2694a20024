"""Faults a batch meets in life: files that cannot be read, vanish or change during the run,
corpus folders that go away, odd entries named like PDFs, a full disk, a file-size limit and a
read-only index. One file never stops the batch; an environment fault is one line and its own
exit status; nothing already indexed is lost."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexer.cli import EXIT_STORAGE, ExitStatus
from indexer.config import Settings
from indexer.corpus import SKIP_REASONS
from indexer.extract import read_source
from indexer.index import ArticleIndex, read_state
from indexer.pipeline import FAILURE_REASONS, BuildOptions, BuildReport, FileOutcome, build_index
from search_app import create_app
from tests.conftest import ROOT, SHIPPED_PDF

BULLETINS = [sys.executable, "-c", "from indexer.cli import main; main()"]
ROOT_USER = os.geteuid() == 0


def outcomes(report: BuildReport) -> dict[str, str]:
    return {o.file: o.outcome for o in report.outcomes}


def fictional_pdf(path: Path, title: str, words: str, *, pages: int = 1) -> None:
    """A short fictional edition (test material, not a real bulletin)."""
    page = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        page.setFont("Helvetica-Bold", 18)
        page.drawString(72, 760, f"{title} {number}")
        page.setFont("Helvetica", 10)
        text = page.beginText(72, 730)
        for _ in range(12):
            text.textLine(f"{words} This is a fictional article written for a test.")
        page.drawText(text)
        page.showPage()
    page.save()


def run_cli(
    *args: str, prefix: tuple[str, ...] = (), **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *BULLETINS, *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )


def without_root_powers() -> tuple[str, ...]:
    """A command prefix under which file permissions apply, even to root."""
    if not ROOT_USER:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux) to drop root's file-permission override")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SHIPPED_PDF, corpus / "a-edition.pdf")
    fictional_pdf(corpus / "b-fiction.pdf", "Fictional Harbour Watch", "Harbour patrols met.")
    fictional_pdf(corpus / "c-fiction.pdf", "Fictional Rail Crime", "Rail patrols met.")
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


# -- one file never stops the batch ---------------------------------------------------------


@pytest.mark.slow
def test_a_file_without_read_permission_is_unreadable_and_the_batch_goes_on(
    settings: Settings,
) -> None:
    locked = settings.corpus_dir / "b-fiction.pdf"
    locked.chmod(0)
    result = run_cli(
        "index",
        "--corpus",
        str(settings.corpus_dir),
        "--index",
        str(settings.index_dir),
        "--report",
        str(settings.index_dir.parent / "report.json"),
        prefix=without_root_powers(),
    )
    assert result.returncode == ExitStatus.FAILED_FILES, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((settings.index_dir.parent / "report.json").read_text())
    by_file = {o["file"]: o for o in report["outcomes"]}
    assert by_file["b-fiction.pdf"]["outcome"] == "unreadable"
    assert "Permission denied" in by_file["b-fiction.pdf"]["message"]
    assert by_file["a-edition.pdf"]["outcome"] == "ok"
    assert by_file["c-fiction.pdf"]["outcome"] == "ok"
    # it is read again on the next run, once it can be
    locked.chmod(0o644)
    report2 = build_index(settings)
    assert outcomes(report2)["b-fiction.pdf"] == "ok"


def test_files_removed_and_replaced_during_the_run(settings: Settings) -> None:
    assert not build_index(settings).failed
    fictional_pdf(settings.corpus_dir / "b-fiction.pdf", "Fictional Canal Watch", "Canal.")
    fictional_pdf(settings.corpus_dir / "c-fiction.pdf", "Fictional Road Watch", "Road.")
    fictional_pdf(settings.corpus_dir / "d-new.pdf", "Fictional Bridge Watch", "Bridge.")
    replaced = settings.corpus_dir / "e-new.pdf"
    fictional_pdf(replaced, "Fictional Port Watch", "Port patrols met.")

    def on_file(outcome: FileOutcome) -> None:
        # one worker reads b, c, d, e in turn; when b is done, c is sent, d and e are not
        if outcome.file == "b-fiction.pdf":
            (settings.corpus_dir / "d-new.pdf").unlink()
            fictional_pdf(replaced, "Fictional Airport Desk", "Airport checks found nothing.")

    report = build_index(settings, on_file, options=BuildOptions(workers=1))
    assert outcomes(report) == {
        "a-edition.pdf": "ok",
        "b-fiction.pdf": "ok",
        "c-fiction.pdf": "ok",
        "d-new.pdf": "removed",
        "e-new.pdf": "ok",
    }
    index = ArticleIndex(settings.index_dir)
    # the replaced file is indexed with the bytes that were read, under their own hash
    titles = _titles(index, "e-new")
    assert any("Airport" in t for t in titles) and not any("Port W" in t for t in titles), titles
    index.close()
    assert read_state(settings.index_dir)["files"]["e-new.pdf"]["sha256"] == (
        read_source(replaced).sha256
    )
    final = build_index(settings)
    assert final.removed == ("d-new.pdf",)
    assert [o.file for o in final.outcomes if o.extracted] == []  # e was recorded as read


def test_a_file_replaced_after_it_was_read_is_read_again_next_run(settings: Settings) -> None:
    target = settings.corpus_dir / "c-fiction.pdf"

    def on_file(outcome: FileOutcome) -> None:
        if outcome.file == "c-fiction.pdf":  # read and indexed: now it changes
            fictional_pdf(target, "Fictional Ferry Desk", "Ferry checks found nothing.")

    build_index(settings, on_file, options=BuildOptions(workers=1))
    report = build_index(settings)
    assert [o.file for o in report.outcomes if o.extracted] == ["c-fiction.pdf"]
    index = ArticleIndex(settings.index_dir)
    titles = _titles(index, "c-fiction")
    assert any("Ferry" in t for t in titles), titles


@pytest.mark.slow
def test_a_corpus_folder_that_disappears_mid_run_loses_nothing(settings: Settings) -> None:
    assert not build_index(settings).failed
    count = ArticleIndex(settings.index_dir).count()
    for pdf in settings.corpus_dir.iterdir():  # every file changed: all must be read
        os.utime(pdf, ns=(1, 1))
    moved = settings.corpus_dir.with_name("moved")

    def on_start(total: int) -> None:
        settings.corpus_dir.rename(moved)

    report = build_index(settings, on_start=on_start)
    assert set(outcomes(report).values()) == {"removed"}
    assert ArticleIndex(settings.index_dir).count() == count
    # still gone at the next run: an error, and the index as it was
    result = run_cli(
        "index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)
    )
    assert result.returncode == ExitStatus.USAGE and "not found" in result.stderr
    assert ArticleIndex(settings.index_dir).count() == count
    moved.rename(settings.corpus_dir)
    assert not build_index(settings).failed
    assert ArticleIndex(settings.index_dir).count() == count


@pytest.mark.slow
def test_an_emptied_corpus_folder_does_not_empty_the_index(settings: Settings) -> None:
    assert not build_index(settings).failed
    count = ArticleIndex(settings.index_dir).count()
    live = (settings.index_dir / "CURRENT").read_text()
    for pdf in settings.corpus_dir.iterdir():
        pdf.unlink()  # as an unmounted network share looks
    result = run_cli(
        "index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)
    )
    assert result.returncode == ExitStatus.USAGE
    assert "left as it was" in result.stderr
    assert (settings.index_dir / "CURRENT").read_text() == live
    assert ArticleIndex(settings.index_dir).count() == count


# -- nothing silently empty -----------------------------------------------------------------


def furniture_pdf(path: Path, pages: int, lines: tuple[tuple[str, int, int, int], ...]) -> None:
    """A fictional PDF whose pages hold only ``lines``: (text, size, x, y); "{n}" in a text is
    the page number."""
    page = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        for text, size, x, y in lines:
            page.setFont("Helvetica-Bold" if size > 12 else "Helvetica", size)
            page.drawString(x, y, text.format(n=number))
        page.showPage()
    page.save()


FURNITURE = {
    "header-and-number": (4, (("Bulletin (fictional) - Running Header", 9, 72, 800),)),
    "two-pages": (2, (("FICTIONAL Running Header", 9, 72, 800), ("{n}", 9, 290, 40))),
    "masthead-every-page": (
        4,
        (("FICTIONAL Header", 9, 72, 800), ("FICTIONAL Test Bulletin", 20, 72, 700)),
    ),
    "watermark-mid-page": (5, (("FICTIONAL Confidential - do not circulate", 11, 150, 420),)),
    "page-n-of-m": (4, (("Page {n} of 4   www.fictional.example   Issue 3", 9, 72, 60),)),
}


@pytest.mark.parametrize("name", FURNITURE)
def test_a_pdf_of_page_furniture_only_says_so(settings: Settings, name: str) -> None:
    pages, lines = FURNITURE[name]
    furniture_pdf(settings.corpus_dir / "e-furniture.pdf", pages, lines)
    report = build_index(settings)
    failed = {o.file: o for o in report.failed}
    assert failed["e-furniture.pdf"].reason == "no-articles", outcomes(report)
    assert "furniture" in (failed["e-furniture.pdf"].message or "")
    assert "no-articles" in FAILURE_REASONS


def test_a_short_edition_of_two_pages_is_not_furniture(settings: Settings) -> None:
    fictional_pdf(settings.corpus_dir / "e-short.pdf", "Fictional Ferry Desk", "Ferry.", pages=2)
    assert outcomes(build_index(settings))["e-short.pdf"] == "ok"


# -- the corpus is the corpus ---------------------------------------------------------------


@pytest.fixture
def odd_corpus(settings: Settings, tmp_path: Path) -> Settings:
    corpus = settings.corpus_dir
    outside = tmp_path / "outside"
    outside.mkdir()
    fictional_pdf(outside / "secret.pdf", "Fictional Outside File", "Not to be indexed.")
    (corpus / "link-out.pdf").symlink_to(outside / "secret.pdf")
    (corpus / "link-in.pdf").symlink_to(corpus / "b-fiction.pdf")
    (corpus / "broken.pdf").symlink_to(corpus / "nothing-here.pdf")
    (corpus / "loop.pdf").symlink_to(corpus / "loop.pdf")
    (corpus / "device.pdf").symlink_to("/dev/zero")
    os.mkfifo(corpus / "fifo.pdf")
    (corpus / "folder.pdf").mkdir()
    fictional_pdf(corpus / "folder.pdf" / "inner.pdf", "Fictional Inner File", "Inner.")
    (corpus / "linked-folder").symlink_to(outside)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to(corpus)  # a loop through a folder link
    return settings


def test_odd_entries_are_skipped_with_their_reason_and_nothing_hangs(odd_corpus: Settings) -> None:
    report = build_index(odd_corpus)
    skipped = {s.file: s.reason for s in report.skipped}
    assert skipped == {
        "link-out.pdf": "outside-corpus",
        "broken.pdf": "broken-link",
        "loop.pdf": "broken-link",
        "device.pdf": "outside-corpus",
        "fifo.pdf": "not-a-file",
        "folder.pdf": "folder",
        "linked-folder": "linked-folder",
        "sub/up": "linked-folder",
    }
    assert set(skipped.values()) <= set(SKIP_REASONS)
    assert outcomes(report) == {
        "a-edition.pdf": "ok",
        "b-fiction.pdf": "ok",
        "c-fiction.pdf": "ok",
        "folder.pdf/inner.pdf": "ok",
        "link-in.pdf": "duplicate",  # a link to b-fiction.pdf: the same file, indexed once
    }
    assert report.counts()["skipped"] == len(skipped)
    last = json.loads((odd_corpus.index_dir / "last-run.json").read_text())
    assert {s["file"] for s in last["skipped"]} == set(skipped)
    page = create_app(odd_corpus).test_client().get("/status").get_data(as_text=True)
    assert "Entries passed over" in page and "fifo.pdf" in page


def test_follow_symlinks_reads_outside_files_once_and_still_skips_devices(
    odd_corpus: Settings,
) -> None:
    report = build_index(odd_corpus, options=BuildOptions(follow_symlinks=True))
    skipped = {s.file: s.reason for s in report.skipped}
    assert skipped["device.pdf"] == "not-a-file"
    assert skipped["sub/up"] == "link-loop"
    assert outcomes(report)["link-out.pdf"] == "ok"
    # the same outside file through a folder link: read once, the other a copy of it
    assert outcomes(report)["linked-folder/secret.pdf"] == "duplicate"


@pytest.mark.slow
def test_the_command_lists_skipped_entries(odd_corpus: Settings) -> None:
    result = run_cli(
        "index",
        "--quiet",
        "--corpus",
        str(odd_corpus.corpus_dir),
        "--index",
        str(odd_corpus.index_dir),
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    assert "SKIPPED fifo.pdf: [not-a-file]" in result.stderr
    assert "8 skipped" in result.stderr


# -- environment faults: one line, their own status, the live index untouched ---------------


@contextlib.contextmanager
def mounted(*args: str, target: Path) -> Iterator[None]:
    if not ROOT_USER or shutil.which("mount") is None:
        pytest.skip("needs root and mount(8) to make a small or read-only file system")
    made = subprocess.run(["mount", *args, str(target)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def assert_environment_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == EXIT_STORAGE, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and words in errors[0], result.stderr
    assert "left as it was" in errors[0]


def index_args(settings: Settings, *more: str) -> list[str]:
    return [
        "index",
        "--quiet",
        "--corpus",
        str(settings.corpus_dir),
        "--index",
        str(settings.index_dir),
        *more,
    ]


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_status_4(settings: Settings, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=24m", "tmpfs", target=disk):
        settings = Settings(settings.corpus_dir, disk / "index")
        assert not build_index(settings).failed
        live = (settings.index_dir / "CURRENT").read_text()
        count = ArticleIndex(settings.index_dir).count()
        free = shutil.disk_usage(disk).free
        with (disk / "filler").open("wb") as filler:  # leave 200 KB
            filler.truncate(0)
            filler.write(b"\0" * max(0, free - 200_000))
        result = run_cli(*index_args(settings, "--full"))
        assert_environment_error(result, "the disk is full")
        assert (settings.index_dir / "CURRENT").read_text() == live
        assert ArticleIndex(settings.index_dir).count() == count
        (disk / "filler").unlink()
        assert run_cli(*index_args(settings, "--full")).returncode == ExitStatus.OK


@pytest.mark.slow
def test_a_file_size_limit_is_one_line_and_status_4(settings: Settings) -> None:
    assert not build_index(settings).failed
    live = (settings.index_dir / "CURRENT").read_text()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    result = run_cli(*index_args(settings, "--full"), preexec_fn=limit)
    assert_environment_error(result, "file-size limit")
    assert (settings.index_dir / "CURRENT").read_text() == live


@pytest.mark.slow
def test_a_read_only_index_folder_is_one_line_and_status_4(settings: Settings) -> None:
    assert not build_index(settings).failed
    count = ArticleIndex(settings.index_dir).count()
    (settings.corpus_dir / "b-fiction.pdf").unlink()  # something to do
    root = settings.index_dir
    with mounted("--bind", str(root), target=root):
        remount = ["mount", "-o", "remount,bind,ro", str(root)]
        if subprocess.run(remount, capture_output=True, check=False).returncode != 0:
            pytest.skip("cannot remount read-only here")
        result = run_cli(*index_args(settings))
        assert_environment_error(result, "read-only")
        assert ArticleIndex(root).count() == count


def test_an_index_path_through_a_file_is_one_line_and_status_4(
    settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli(*index_args(Settings(settings.corpus_dir, blocker / "index")))
    assert_environment_error(result, "not a folder")


def test_a_killed_worker_s_half_written_cache_file_is_removed(settings: Settings) -> None:
    assert not build_index(settings).failed
    cache = settings.index_dir / "cache"
    kept = next(cache.iterdir()).name.split("-", 1)[0]  # the hash of a file still indexed
    leftover = cache / f"{kept}-2.pickle.4242.tmp"
    leftover.write_bytes(b"half a pickle")
    (settings.corpus_dir / "c-fiction.pdf").unlink()  # a change, so a generation is written
    build_index(settings)
    assert not leftover.exists()


@pytest.mark.slow
def test_a_folder_that_cannot_be_listed_keeps_what_was_indexed_from_it(
    settings: Settings,
) -> None:
    sub = settings.corpus_dir / "sub"
    sub.mkdir()
    fictional_pdf(sub / "d-inside.pdf", "Fictional Canal Watch", "Canal patrols met.")
    assert not build_index(settings).failed
    count = ArticleIndex(settings.index_dir).count()
    sub.chmod(0)
    try:
        result = run_cli(*index_args(settings), prefix=without_root_powers())
    finally:
        sub.chmod(0o755)
    assert result.returncode == ExitStatus.FAILED_FILES, result.stderr
    assert "SKIPPED sub: [unreadable-folder]" in result.stderr
    assert "FAILED  sub/d-inside.pdf: [unreadable]" in result.stderr
    assert "0 removed" in result.stderr
    assert ArticleIndex(settings.index_dir).count() == count


@pytest.mark.slow
def test_a_corpus_folder_that_cannot_be_read_is_an_input_error_not_a_storage_one(
    settings: Settings,
) -> None:
    assert not build_index(settings).failed
    count = ArticleIndex(settings.index_dir).count()
    settings.corpus_dir.chmod(0o644)  # listed, but nothing in it can be looked at
    try:
        result = run_cli(*index_args(settings), prefix=without_root_powers())
    finally:
        settings.corpus_dir.chmod(0o755)
    assert result.returncode == ExitStatus.USAGE, result.stderr
    assert "cannot write the index" not in result.stderr and "Traceback" not in result.stderr
    assert "Permission denied" in result.stderr
    assert ArticleIndex(settings.index_dir).count() == count


def test_a_pipe_or_a_link_put_in_a_file_s_place_during_the_run_is_not_read(
    settings: Settings, tmp_path: Path
) -> None:
    assert not build_index(settings).failed
    outside = tmp_path / "secret.pdf"
    fictional_pdf(outside, "Fictional Secret Memo", "Never to be indexed.")
    for name in ("b-fiction.pdf", "c-fiction.pdf"):
        fictional_pdf(settings.corpus_dir / name, "Fictional Road Watch", "Road patrols met.")

    def on_start(total: int) -> None:  # after the folder was listed, before any file is read
        (settings.corpus_dir / "b-fiction.pdf").unlink()
        os.mkfifo(settings.corpus_dir / "b-fiction.pdf")
        (settings.corpus_dir / "c-fiction.pdf").unlink()
        (settings.corpus_dir / "c-fiction.pdf").symlink_to(outside)

    report = build_index(settings, on_start=on_start)
    failed = {o.file: o.message or "" for o in report.failed}
    assert "not a regular file" in failed["b-fiction.pdf"]
    assert "replaced by a link" in failed["c-fiction.pdf"]
    index = ArticleIndex(settings.index_dir)
    assert not any("Secret" in a.title for e in index.editions() for a in e.articles)


@pytest.mark.slow
def test_bulletins_status_reads_a_damaged_last_run_record(settings: Settings) -> None:
    assert not build_index(settings).failed
    for text in ('{"error": "x"}', "{}", '{"counts": 3, "skipped": [1]}', "[]", "not json"):
        (settings.index_dir / "last-run.json").write_text(text)
        result = run_cli("status", "--index", str(settings.index_dir))
        assert result.returncode == 0 and "Traceback" not in result.stderr, (text, result)


def _titles(index: ArticleIndex, edition_id: str) -> set[str]:
    return {a.title for e in index.editions() if e.id == edition_id for a in e.articles}
