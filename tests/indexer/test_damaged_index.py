"""A damaged index folder never stops searches, says what is wrong, and the next run repairs it.

The folder's ``CURRENT`` garbled, emptied, pointing outside the folder or at something that is
not a generation, a live generation deleted, a ``state.json`` damaged: the newest intact
generation is served, ``index_health`` (``/status``, ``bulletins status``) says what is wrong,
and the next ``bulletins index`` makes ``CURRENT`` valid again without losing what the
generation served held.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from indexer.cli import cli
from indexer.config import Settings
from indexer.errors import IndexNotFoundError
from indexer.index import (
    ArticleIndex,
    Resolution,
    clean_up,
    index_health,
    read_state,
    resolve_live,
    writer_lock,
)
from indexer.pipeline import BuildOptions, build_index
from search_app import create_app
from tests.conftest import SHIPPED_PDF, distinct_copy

FIRST = SHIPPED_PDF.name  # 15 articles
SECOND = "second.pdf"  # the same text as another edition: 15 more
BOTH = 30


def two_generations(base: Path) -> Settings:
    """A corpus of two editions and its index folder with two generations: the live one (both
    editions, 30 articles) and the one before it (the first edition, 15), named in PREVIOUS."""
    corpus = base / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(SHIPPED_PDF, corpus / FIRST)
    settings = Settings(corpus_dir=corpus, index_dir=base / "index")
    assert not build_index(settings).failed
    distinct_copy(SHIPPED_PDF, corpus / SECOND)  # (another edition, by the manifest)
    assert not build_index(settings).failed
    return settings


def copy_of(settings: Settings, target: Path) -> Settings:
    shutil.copytree(settings.corpus_dir, target / "corpus")
    shutil.copytree(settings.index_dir, target / "index")
    return Settings(corpus_dir=target / "corpus", index_dir=target / "index")


def live(root: Path) -> Path:
    return root / (root / "CURRENT").read_text(encoding="utf-8")


def previous(root: Path) -> Path:
    return root / (root / "PREVIOUS").read_text(encoding="utf-8")


def generations(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.name.startswith("gen-")}


def count(root: Path) -> int:
    index = ArticleIndex(root)
    try:
        return index.count()
    finally:
        index.close()


def assert_repaired(root: Path) -> None:
    """CURRENT names an intact generation again, and nothing is reported wrong."""
    resolution = resolve_live(root)
    assert resolution.problem is None
    assert resolution.path == live(root) and resolution.path.parent == root
    assert index_health(root) == {"generation": live(root).name, "problem": None}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return two_generations(tmp_path_factory.mktemp("damaged"))


@pytest.fixture
def settings(pristine: Settings, tmp_path: Path) -> Settings:
    return copy_of(pristine, tmp_path)


# -- CURRENT damaged in every way ---------------------------------------------------------


def _outside(root: Path) -> Path:
    """A complete generation outside the index folder (the first edition only): served, it
    would show 15 articles instead of 30."""
    target = root.parent / "elsewhere" / previous(root).name
    shutil.copytree(previous(root), target)
    return target


def _half_built(root: Path) -> str:
    """A generation a killed run left: an index but no state.json; newer than the live one."""
    target = root / "gen-9999999999999999999"
    shutil.copytree(live(root), target, ignore=shutil.ignore_patterns("state.json"))
    return target.name


def _folder(root: Path) -> None:
    (root / "CURRENT").unlink()
    (root / "CURRENT").mkdir()


def _symlink_loop(root: Path) -> None:  # unreadable, even for root (tests run as root)
    (root / "CURRENT").unlink()
    (root / "CURRENT").symlink_to("CURRENT")


DAMAGES: dict[str, tuple[Callable[[Path], object], str]] = {
    # name: (what it does to the index folder, what the problem says)
    "garbage bytes": (
        lambda root: (root / "CURRENT").write_bytes(b"\xff\xfe\x00\x9c\x80 garbage"),
        "CURRENT is damaged",
    ),
    "empty": (lambda root: (root / "CURRENT").write_text(""), "CURRENT is empty"),
    "blank": (lambda root: (root / "CURRENT").write_text(" \n"), "CURRENT is empty"),
    "a path through ..": (
        lambda root: (root / "CURRENT").write_text(f"../elsewhere/{_outside(root).name}"),
        "not a generation's name",
    ),
    "an absolute path": (
        lambda root: (root / "CURRENT").write_text(str(_outside(root))),
        "not a generation's name",
    ),
    "..": (lambda root: (root / "CURRENT").write_text(".."), "not a generation's name"),
    "a NUL": (
        lambda root: (root / "CURRENT").write_text(live(root).name + "\x00"),
        "not a generation's name",
    ),
    "a folder that is not a generation": (
        lambda root: (root / "CURRENT").write_text("cache"),
        "not a generation's name",
    ),
    "a missing generation": (
        lambda root: (root / "CURRENT").write_text("gen-123"),
        "CURRENT names gen-123, which is missing",
    ),
    "a half-built generation": (
        lambda root: (root / "CURRENT").write_text(_half_built(root)),
        "which is not a complete index generation",
    ),
    "CURRENT is a folder": (_folder, "CURRENT is a folder"),
    "CURRENT cannot be read": (_symlink_loop, "CURRENT cannot be read"),
    "CURRENT deleted": (lambda root: (root / "CURRENT").unlink(), "CURRENT is missing"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_current_is_served_around_and_repaired_by_the_next_run(
    settings: Settings, damage: str
) -> None:
    root = settings.index_dir
    served = live(root)
    harm, says = DAMAGES[damage]
    harm(root)

    # the newest intact generation is served, never one outside the folder
    client = create_app(settings).test_client()
    answer = client.get("/api/search?q=county+lines")
    assert answer.status_code == 200 and answer.get_json()["total"] == 2
    assert client.get("/api/search").get_json()["total"] == BOTH
    assert client.get("/status").status_code == 200
    status = client.get("/api/status")
    assert status.status_code == 200
    data = status.get_json()
    assert data["exists"] and data["articles"] == BOTH and data["files"] == 2
    index = ArticleIndex(root)
    try:
        assert index.count() == BOTH
        assert index.search("county lines").total == 2
        assert index.serving == served
    finally:
        index.close()
    resolution = resolve_live(root)
    assert resolution.path == served
    assert resolution.problem is not None and says in resolution.problem
    assert served.name in resolution.problem and "bulletins index" in resolution.problem
    assert index_health(root) == {"generation": served.name, "problem": resolution.problem}
    assert data["generation"] == served.name and data["problem"] == resolution.problem

    # the next run repairs CURRENT, building on what was served
    report = build_index(settings)
    assert not report.failed
    assert report.counts()["unchanged"] == 2  # not read again: the served state was used
    assert_repaired(root)
    assert count(root) == BOTH
    assert client.get("/api/status").get_json()["problem"] is None


def test_a_deleted_live_generation_falls_back_to_the_one_before(settings: Settings) -> None:
    root = settings.index_dir
    gone, before = live(root), previous(root)
    shutil.rmtree(gone)

    assert count(root) == 15
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=county+lines").get_json()["total"] == 1
    resolution = resolve_live(root)
    assert resolution.path == before
    assert resolution.problem is not None and f"CURRENT names {gone.name}" in resolution.problem
    data = client.get("/api/status").get_json()
    assert data["generation"] == before.name and "which is missing" in data["problem"]

    report = build_index(settings)  # builds on the one before: only the second file is read
    assert report.counts()["added"] == 1 and report.counts()["unchanged"] == 1
    assert_repaired(root)
    assert count(root) == BOTH
    assert previous(root) == before


@pytest.mark.parametrize("toc", [b"garbage", b"", b"\x04\x08\x04\xff\xff"])
def test_a_live_generation_with_a_damaged_table_of_contents_is_passed_over(
    settings: Settings, toc: bytes
) -> None:
    root = settings.index_dir
    damaged, before = live(root), previous(root)
    for path in damaged.glob("_MAIN_*.toc"):
        path.write_bytes(toc)

    assert count(root) == 15
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=county+lines").get_json()["total"] == 1
    data = client.get("/api/status").get_json()
    assert data["generation"] == before.name
    assert f"CURRENT names {damaged.name}, which is not a complete" in data["problem"]

    report = build_index(settings)
    assert report.counts()["added"] == 1 and report.counts()["unchanged"] == 1
    assert_repaired(root)
    assert count(root) == BOTH


# -- the repair never loses what was served ---------------------------------------------------


@pytest.mark.parametrize("current", [b"gen-123", b"\xff\xfe garbage", b"../elsewhere"])
def test_clean_up_never_deletes_the_generation_served(settings: Settings, current: bytes) -> None:
    root = settings.index_dir
    served, before = live(root), previous(root)
    (root / "CURRENT").write_bytes(current)
    with writer_lock(root):
        clean_up(root)
    assert {served.name, before.name} <= generations(root)
    assert_repaired(root)
    assert live(root) == served and count(root) == BOTH


@pytest.mark.parametrize("current", ["gen-123", ".."])
def test_a_repair_run_keeps_what_the_served_generation_held(
    settings: Settings, current: str
) -> None:
    """The second file is broken now: its articles stay, as they would without the damage,
    because the run builds on the generation served rather than from nothing."""
    root = settings.index_dir
    (root / "CURRENT").write_text(current)
    (settings.corpus_dir / SECOND).write_bytes(b"%PDF-1.4 broken")
    report = build_index(settings)
    assert [(o.file, o.outcome) for o in report.failed] == [(SECOND, "corrupt")]
    assert_repaired(root)
    assert count(root) == BOTH


def test_a_damaged_previous_does_not_stop_the_repair(settings: Settings) -> None:
    root = settings.index_dir
    (root / "CURRENT").write_text("gen-123")
    (root / "PREVIOUS").unlink()
    (root / "PREVIOUS").mkdir()  # would stop publish() from writing PREVIOUS
    (settings.corpus_dir / SECOND).unlink()
    report = build_index(settings)
    assert report.published and report.removed == (SECOND,)
    assert_repaired(root)
    assert count(root) == 15 and (root / "PREVIOUS").is_file()


# -- the earlier layout, state.json, a pipe -------------------------------------------------


def test_the_earlier_layout_is_served_and_a_damaged_current_does_not_delete_it(
    settings: Settings, tmp_path: Path
) -> None:
    """An index kept directly in the folder (no CURRENT) is served as before; a CURRENT that
    appears there damaged neither hides it nor gets it deleted, and the next run converts it."""
    old = tmp_path / "old"
    shutil.copytree(live(settings.index_dir), old)
    assert resolve_live(old).path == old and resolve_live(old).problem is None
    assert count(old) == BOTH

    (old / "CURRENT").write_text("gen-123")
    resolution = resolve_live(old)
    assert resolution.path == old and resolution.problem is not None
    assert index_health(old)["generation"] == "."
    assert count(old) == BOTH
    with writer_lock(old):
        clean_up(old)
    assert not (old / "CURRENT").exists()  # the earlier layout has none
    assert resolve_live(old).path == old and count(old) == BOTH

    settings = Settings(corpus_dir=settings.corpus_dir, index_dir=old)
    (old / "CURRENT").write_bytes(b"\xff")
    report = build_index(settings)  # builds on the index in the folder, converting it
    assert report.counts()["unchanged"] == 2
    assert not report.published  # nothing changed: the earlier layout stays as it was
    assert resolve_live(old) == Resolution(old, None)
    (settings.corpus_dir / SECOND).unlink()
    assert build_index(settings).published
    assert_repaired(old)
    assert count(old) == 15


@pytest.mark.parametrize(
    "state", [b"\xff\xfe not text", b'{"files": {"a.pdf": ', b'{"files": 5}', b"[]"]
)
def test_a_damaged_state_json_reads_as_nothing_and_the_next_run_reads_every_file(
    settings: Settings, state: bytes
) -> None:
    root = settings.index_dir
    (live(root) / "state.json").write_bytes(state)
    assert read_state(root) == {}
    assert count(root) == BOTH  # the index itself is fine: still served
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=county+lines").status_code == 200
    assert client.get("/api/status").status_code == 200
    report = build_index(settings)
    assert not report.failed and report.counts()["added"] == 2
    assert_repaired(root)
    assert count(root) == BOTH


def test_a_pipe_in_place_of_current_does_not_hang_searches(settings: Settings) -> None:
    root = settings.index_dir
    served = live(root)
    (root / "CURRENT").unlink()
    os.mkfifo(root / "CURRENT")
    found: list[Resolution] = []
    reader = threading.Thread(target=lambda: found.append(resolve_live(root)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    try:
        assert not reader.is_alive(), "reading CURRENT blocked"
    finally:
        if reader.is_alive():  # let the blocked reader go
            os.close(os.open(root / "CURRENT", os.O_WRONLY | os.O_NONBLOCK))
    assert [r.path for r in found] == [served]
    with writer_lock(root):
        clean_up(root)
    assert_repaired(root)


# -- no index at all --------------------------------------------------------------------


def test_nothing_published_is_no_index_and_no_problem(tmp_path: Path) -> None:
    root = tmp_path / "index"
    assert resolve_live(root).path is None and resolve_live(root).problem is None
    root.mkdir()
    (root / "gen-1").mkdir()  # a first run killed before it published anything
    assert resolve_live(root) == Resolution(None, None)
    assert index_health(root) == {"generation": None, "problem": None}
    (root / "CURRENT").write_text("gen-1")
    assert resolve_live(root).path is None
    assert "no intact generation is left" in str(resolve_live(root).problem)
    with pytest.raises(IndexNotFoundError, match="bulletins index"):
        ArticleIndex(root)
    client: FlaskClient = create_app(
        Settings(corpus_dir=tmp_path / "corpus", index_dir=root)
    ).test_client()
    assert client.get("/api/search?q=x").status_code == 503
    data = client.get("/api/status").get_json()
    assert not data["exists"] and data["generation"] is None
    assert "CURRENT names gen-1" in data["problem"]


@pytest.mark.slow
def test_a_request_reads_one_generation_even_if_another_is_published_meanwhile(
    tmp_path: Path,
) -> None:
    """A search's match set, scores, facets and stored fields come from one generation: one
    published (or a fallback opened) halfway through a request must not mix two."""
    settings = two_generations(tmp_path)
    index = ArticleIndex(settings.index_dir)
    assert index.search("county lines").total == 2
    with index._pinned():  # as a request in progress
        (settings.corpus_dir / SECOND).unlink()
        assert not build_index(settings).failed  # a new generation, 15 articles
        page = index.search("county lines", facet_limit=10)  # computed on the old one
        assert page.total == 2 and len(page.results) == 2
        assert sum(v["count"] for v in page.facets["edition"]) == 2
    assert index.search("county lines").total == 1  # the next request sees the new one
    index.close()


def test_bulletins_status_names_the_problem_and_the_generation_served(settings: Settings) -> None:
    served = live(settings.index_dir).name
    (settings.index_dir / "CURRENT").write_text("gen-123", encoding="utf-8")
    result = CliRunner().invoke(cli, ["status", "--index", str(settings.index_dir)])
    assert result.exit_code == 0, result.output
    assert "Problem:   CURRENT names gen-123, which is missing" in result.output
    assert f"Serving:   {served}" in result.output


@pytest.mark.slow
def test_an_export_stream_outlives_two_publishes(tmp_path: Path) -> None:
    """Every match of a search, read row by row (a CSV download) while two new generations
    are published: the generation it reads stays open until its last row."""
    settings = two_generations(tmp_path)
    index = ArticleIndex(settings.index_dir)
    rows = index.matches("")
    first = next(rows)
    for _ in range(2):
        (settings.corpus_dir / FIRST).touch()
        assert not build_index(settings, options=BuildOptions(full=True)).failed
        index.search("county")  # a request that opens the newest generation
    rest = list(rows)
    assert len(rest) + 1 == BOTH and first.id not in {hit.id for hit in rest}
    index.close()


def test_a_damaged_segment_is_reported_and_the_next_run_rebuilds(settings: Settings) -> None:
    """A segment file cut short (a disk fault, a copy that stopped): status and search say so
    in one line, the site answers 503, and the next run rebuilds from the PDFs."""
    root = settings.index_dir
    for segment in live(root).glob("*.seg"):
        with segment.open("r+b") as handle:
            handle.truncate(1000)
    status = CliRunner().invoke(cli, ["status", "--index", str(root)])
    assert status.exit_code == 0 and "cannot be read" in status.output, status.output
    found = CliRunner().invoke(cli, ["search", "county", "--index", str(root)])
    assert found.exit_code == 2 and "cannot be read" in found.output
    assert "Traceback" not in found.output
    response = create_app(settings).test_client().get("/api/search?q=county")
    assert response.status_code == 503
    report = build_index(settings)
    assert not report.failed and report.published
    assert ArticleIndex(root).count() == BOTH


def test_an_export_stream_dropped_unread_releases_its_generation(settings: Settings) -> None:
    """A CSV download asked with HEAD, or dropped by its client after the header, reads no
    row: the generation it held is released all the same, and closed once replaced."""
    index = ArticleIndex(settings.index_dir)
    held = index.matches("")  # never read
    generation = index._generation()
    assert generation.users == 1
    del held
    assert generation.users == 0
    app = create_app(settings)
    assert app.test_client().head("/export.csv?q=county").status_code == 200
    served = app.extensions["bulletins"].index._generation()
    assert served.users == 0
    index.close()


@pytest.mark.slow
def test_a_generation_missing_a_segment_file_is_rebuilt(settings: Settings) -> None:
    root = settings.index_dir
    for segment in live(root).glob("*.seg"):
        segment.unlink()
    assert index_health(root)["problem"] is None  # its table of contents still reads
    status = CliRunner().invoke(cli, ["status", "--index", str(root)])
    assert status.exit_code == 0 and "cannot be read" in status.output, status.output
    report = build_index(settings)
    assert not report.failed and report.published
    assert ArticleIndex(root).count() == BOTH


def test_a_flush_that_fails_after_current_is_switched_is_reported_as_published(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.index import _store

    root = settings.index_dir
    before = live(root).name
    real = _store._fsync_dir

    def failing_after_the_switch(path: Path) -> None:
        if path == root and live(root).name != before:
            raise OSError(5, "Input/output error")
        real(path)

    monkeypatch.setattr(_store, "_fsync_dir", failing_after_the_switch)
    report = build_index(settings, options=BuildOptions(full=True))
    assert report.published and live(root).name != before
    assert ArticleIndex(root).count() == BOTH
