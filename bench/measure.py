"""The measurements: each returns rows of (measure, value, target, met)."""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fts import FtsSearcher, build_fts
from bench.pdfs import render_corpus
from bench.queries import KINDS, Query, query_mix
from bench.records import build_index_from, records_file
from indexer.config import Settings
from indexer.index import ArticleIndex, bare_whoosh_top
from indexer.pipeline import BuildOptions, build_index
from search_app.archive import Archive
from search_app.params import SearchParams


@dataclass(frozen=True)
class Row:
    section: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target


@dataclass(frozen=True)
class Scale:
    name: str
    editions: int  # PDFs for ingest
    pages: int  # pages per edition
    incremental: int  # PDFs for the no-change reindex
    articles: tuple[int, ...]  # record counts for index and search
    queries: int
    http_seconds: float
    ingest_runs: int = 1  # rounds of the ingest measures; each figure is its best round


FULL = Scale("full", 200, 12, 1000, (15_000, 100_000), 300, 30.0, ingest_runs=3)
SMALL = Scale("small", 4, 4, 12, (300, 600), 25, 2.0, ingest_runs=2)

ROOT = Path(__file__).resolve().parent.parent


def _pdfminer_alone(paths: list[Path]) -> int:
    """pdfminer.six layout analysis of every page, with the pipeline's own parameters."""
    from pdfminer.high_level import extract_pages

    from indexer.extract import LAYOUT

    pages = 0
    for path in paths:
        for _ in extract_pages(path, laparams=LAYOUT):
            pages += 1
    return pages


def _in_processes(paths: list[Path], processes: int) -> tuple[int, float]:
    """(pages, seconds) for pdfminer alone over ``paths`` in ``processes`` processes."""
    shares = [paths[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pages = sum(pool.map(_pdfminer_alone, shares))
    return pages, time.perf_counter() - started


def ingest(work: Path, scale: Scale, seed: int, log: Callable[[str], None]) -> list[Row]:
    corpus = render_corpus(work / "ingest-corpus", scale.editions, seed, scale.pages)
    paths = sorted(corpus.glob("*.pdf"))
    rows: list[Row] = []
    alone: dict[int, float] = {}
    fastest: dict[int, float] = {}  # workers -> seconds of the fastest end-to-end run
    built: dict[int, tuple[int, int]] = {}  # workers -> (articles, failed)
    pages = 0
    # The machine's speed drifts by 10 % and more over minutes (other work on the host), and a
    # run straight after one that kept both cores busy is slower. So the four measures take
    # turns, round after round, in reverse order every other round, and each keeps its best.
    steps = [("alone", 1), ("index", 1), ("alone", 2), ("index", 2)]
    for round_ in range(1, scale.ingest_runs + 1):
        for kind, workers in steps if round_ % 2 else steps[::-1]:
            if kind == "alone":
                pages, seconds = _in_processes(paths, workers)
                alone[workers] = max(alone.get(workers, 0.0), pages / seconds)
                log(f"round {round_}: pdfminer alone, {workers} process(es): {seconds:.1f} s")
                continue
            index_dir = work / f"ingest-index-{workers}"
            shutil.rmtree(index_dir, ignore_errors=True)
            started = time.perf_counter()
            report = build_index(
                Settings(corpus_dir=corpus, index_dir=index_dir),
                options=BuildOptions(full=True, workers=workers),
            )
            seconds = time.perf_counter() - started
            fastest[workers] = min(fastest.get(workers, seconds), seconds)
            built[workers] = (report.articles, report.counts().get("failed", 0))
            log(f"round {round_}: bulletins index, {workers} worker(s): {seconds:.1f} s")
    ends = {workers: pages / seconds for workers, seconds in fastest.items()}
    rounds = f"best of {scale.ingest_runs} rounds" if scale.ingest_runs > 1 else ""
    for workers in (1, 2):
        articles, failed = built[workers]
        rows.append(
            Row(
                "ingest",
                f"end to end, {workers} worker{'s' if workers > 1 else ''}: pages/s "
                f"({len(paths)} PDFs, {pages} pages, {articles} articles, {failed} failed"
                f"{', ' + rounds if rounds else ''})",
                f"{ends[workers]:.1f}",
            )
        )
        rows.append(
            Row(
                "ingest",
                f"pdfminer.six alone, {workers} process(es): pages/s"
                f"{' (' + rounds + ')' if rounds else ''}",
                f"{alone[workers]:.1f}",
            )
        )
    for workers in (1, 2):
        ratio = ends[workers] / alone[1]
        rows.append(
            Row(
                "ingest",
                f"end to end with {workers} worker(s) / pdfminer.six alone (1 process)",
                f"{ratio:.2f}x",
                "≥ 0.8x",
                ratio >= 0.8,
            )
        )
    ratio = ends[2] / alone[2]
    rows.append(
        Row("ingest", "end to end, 2 workers / pdfminer.six alone, 2 processes", f"{ratio:.2f}x")
    )
    scaling = ends[2] / ends[1]
    rows.append(
        Row(
            "ingest",
            "end to end, 2 workers / 1 worker",
            f"{scaling:.2f}x",
            "≥ 1.7x",
            scaling >= 1.7,
        )
    )
    return rows


def incremental(work: Path, scale: Scale, seed: int, log: Callable[[str], None]) -> list[Row]:
    """A no-change reindex of ``scale.incremental`` PDFs: the ingest editions plus short ones."""
    corpus = work / "incremental-corpus"
    editions = render_corpus(work / "ingest-corpus", scale.editions, seed, scale.pages)
    corpus.mkdir(parents=True, exist_ok=True)
    for path in editions.glob("*.pdf"):
        target = corpus / path.name
        if not target.exists():
            os.link(path, target)
    extra = scale.incremental - scale.editions
    render_corpus(corpus, extra, seed, pages=2, start=scale.editions + 1)
    index_dir = work / "incremental-index"
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    started = time.perf_counter()
    first = build_index(settings, options=BuildOptions(workers=2))
    read = sum(1 for outcome in first.outcomes if outcome.change != "unchanged")
    log(
        f"index of {len(first.outcomes)} PDFs brought up to date ({read} read, the rest kept "
        f"from an earlier run): {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    again = build_index(settings, options=BuildOptions(workers=2))
    in_process = time.perf_counter() - started
    command = [sys.executable, "-m", "indexer.cli", "index", "--corpus", str(corpus)]
    command += ["--index", str(index_dir), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    unchanged = again.counts().get("unchanged", 0)
    log(f"no-change reindex: {in_process:.2f} s in process, {wall:.2f} s as a command")
    return [
        Row(
            "incremental",
            f"no-change reindex of {len(again.outcomes)} PDFs ({unchanged} unchanged), "
            "`bulletins index` as a command (process start included)",
            f"{wall:.2f} s",
            "< 2 s",
            wall < 2.0,
        ),
        Row("incremental", "the same, inside the process (build_index)", f"{in_process:.2f} s"),
    ]


def _build_child(records: Path, root: Path, out: Path) -> None:
    started = time.perf_counter()
    count = build_index_from(records, root)
    seconds = time.perf_counter() - started
    # the processes writing segments are its children: the largest of them counts too
    writers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.write_text(
        json.dumps(
            {"count": count, "seconds": seconds, "peak_kib": _peak_kib(), "writers_kib": writers}
        )
    )


def _peak_kib() -> int | None:
    """This process's own peak resident memory (VmHWM). Not ``ru_maxrss``: a child started
    from a large process counts the parent's pages as its own until it calls exec."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def index_and_search(
    work: Path, scale: Scale, seed: int, log: Callable[[str], None], http_at: int | None
) -> list[Row]:
    rows: list[Row] = []
    for count in scale.articles:
        records = records_file(work, count, seed)
        root = work / f"index-{count}"
        shutil.rmtree(root, ignore_errors=True)
        out = work / f"build-{count}.json"
        # in a child process, so its peak memory is the build's alone
        child = multiprocessing.get_context("spawn").Process(
            target=_build_child, args=(records, root, out)
        )
        child.start()
        assert child.pid is not None
        _, status, usage = os.wait4(child.pid, 0)
        child.join()
        if status != 0:
            raise RuntimeError(f"index build of {count} records failed (status {status})")
        built = json.loads(out.read_text())
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        peak = max(built.get("peak_kib") or usage.ru_maxrss, built.get("writers_kib", 0)) / 1024
        log(f"index of {count} articles: {built['seconds']:.1f} s, {size / 2**20:.0f} MB")
        large = count >= 100_000
        rows += [
            Row(
                "index",
                f"build {count:,} articles: time",
                f"{built['seconds']:.1f} s",
                "< 120 s" if large else "",
                built["seconds"] < 120 if large else None,
            ),
            Row("index", f"build {count:,} articles: size on disk", f"{size / 2**20:.0f} MB"),
            Row(
                "index",
                f"build {count:,} articles: peak memory (RSS, the largest process)",
                f"{peak:.0f} MB",
                "< 500 MB" if large else "",
                peak < 500 if large else None,
            ),
        ]
        rows += search(work, root, records, count, scale, seed, log, built)
        if http_at == count:
            rows += http_load(root, work, count, scale, seed, log)
    return rows


def _percentiles(seconds: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def search(
    work: Path,
    root: Path,
    records: Path,
    count: int,
    scale: Scale,
    seed: int,
    log: Callable[[str], None],
    built: dict[str, Any],
) -> list[Row]:
    archive = Archive(Settings(corpus_dir=work, index_dir=root))
    index = archive.index
    queries = query_mix(index, scale.queries, seed)
    fts_path = work / f"fts-{count}.sqlite"
    started = time.perf_counter()
    build_fts(records, fts_path)
    fts_build = time.perf_counter() - started
    fts = FtsSearcher(fts_path)
    yardstick = _tantivy(records, work / f"tantivy-{count}", log)
    for q in queries[:10]:  # warm up: facet table, sort order, file caches
        archive.search(_params(q))
        bare_whoosh_top(index, q.text, q.filters)
        fts.search(q)
        if yardstick is not None:
            yardstick[0].search(q)
    served: dict[str, list[float]] = {k: [] for k in KINDS}
    tantivy: dict[str, list[float]] = {k: [] for k in KINDS}
    bare: list[float] = []
    sqlite: list[float] = []
    for q in queries:
        started = time.perf_counter()
        archive.search(_params(q))
        served[q.kind].append(time.perf_counter() - started)
        started = time.perf_counter()
        bare_whoosh_top(index, q.text, q.filters)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        fts.search(q)
        sqlite.append(time.perf_counter() - started)
        if yardstick is not None:
            started = time.perf_counter()
            yardstick[0].search(q)
            tantivy[q.kind].append(time.perf_counter() - started)
    every = [s for times in served.values() for s in times]
    p50, p95, p99 = _percentiles(every)
    b50, b95, b99 = _percentiles(bare)
    f50, f95, f99 = _percentiles(sqlite)
    target = 50  # at 15,000 and 100,000 articles
    log(f"search at {count}: served p95 {p95:.1f} ms, bare p95 {b95:.1f} ms, fts p95 {f95:.1f}")
    name = f"{count:,} articles"
    rows = [
        Row(
            "search",
            f"{name}, as served (top 10, snippets, every facet): p50 / p95 / p99",
            f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms",
            f"p95 < {target} ms" if count in (15_000, 100_000) else "",
            p95 < target if count in (15_000, 100_000) else None,
        ),
        Row(
            "search",
            f"{name}, bare Whoosh top 10: p50 / p95 / p99",
            f"{b50:.1f} / {b95:.1f} / {b99:.1f} ms",
        ),
        Row(
            "search",
            f"{name}, as served / bare Whoosh (p95)",
            f"{p95 / b95:.2f}x",
            "≤ 3x",
            p95 / b95 <= 3,
        ),
        Row(
            "search",
            f"{name}, SQLite FTS5 reference (top 10, snippets, total): p50 / p95 / p99",
            f"{f50:.1f} / {f95:.1f} / {f99:.1f} ms (built in {fts_build:.1f} s)",
        ),
    ]
    question_target = 100 if count >= 100_000 else None
    for kind in KINDS:
        k50, k95, _ = _percentiles(served[kind] * 2 if len(served[kind]) < 2 else served[kind])
        wanted = question_target if kind == "question" else None
        rows.append(
            Row(
                "search",
                f"{name}, as served, {kind} queries: p50 / p95",
                f"{k50:.1f} / {k95:.1f} ms",
                f"p95 < {wanted} ms" if wanted else "",
                k95 < wanted if wanted else None,
            )
        )
    if yardstick is not None:
        rows += _against_tantivy(name, served, tantivy, built, yardstick[1])
    index.close()
    fts.close()
    return rows


def _tantivy(records: Path, path: Path, log: Callable[[str], None]) -> tuple[Any, float] | None:
    """The yardstick (see bench/tantivy_ref.py) built on the same records, and its build time;
    None, said in the log, where tantivy is not installed."""
    from bench.tantivy_ref import TantivySearcher, build_tantivy, tantivy_available

    if not tantivy_available():
        log("tantivy is not installed (pip install -e '.[dev]'): no yardstick")
        return None
    started = time.perf_counter()
    build_tantivy(records, path)
    seconds = time.perf_counter() - started
    log(f"tantivy index built in {seconds:.1f} s")
    return TantivySearcher(path), seconds


def _against_tantivy(
    name: str,
    served: dict[str, list[float]],
    tantivy: dict[str, list[float]],
    built: dict[str, Any],
    tantivy_build: float,
) -> list[Row]:
    """Rows of served / tantivy per query class, at p95 (target: at most 2x over the mix)."""
    every = [s for times in tantivy.values() for s in times]
    t50, t95, t99 = _percentiles(every)
    p95 = _percentiles([s for times in served.values() for s in times])[1]
    ratio = p95 / t95
    rows = [
        Row(
            "search",
            f"{name}, tantivy (top 10, total, every facet by its aggregations, snippets): "
            "p50 / p95 / p99",
            f"{t50:.1f} / {t95:.1f} / {t99:.1f} ms (built in {tantivy_build:.1f} s)",
        ),
        Row("search", f"{name}, as served / tantivy (p95)", f"{ratio:.2f}x", "≤ 2x", ratio <= 2),
        Row(
            "index",
            f"{name}: build time, ours / tantivy",
            f"{built['seconds'] / tantivy_build:.1f}x",
        ),
    ]
    for kind in KINDS:
        mine = served[kind] * 2 if len(served[kind]) < 2 else served[kind]
        theirs = tantivy[kind] * 2 if len(tantivy[kind]) < 2 else tantivy[kind]
        ours95, their95 = _percentiles(mine)[1], _percentiles(theirs)[1]
        rows.append(
            Row(
                "search",
                f"{name}, as served / tantivy, {kind} queries (p95)",
                f"{ours95 / their95:.2f}x ({ours95:.1f} / {their95:.1f} ms)",
            )
        )
    return rows


def _params(q: Query) -> SearchParams:
    return SearchParams(q=q.text, filters=tuple((t, tuple(v)) for t, v in q.filters.items()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(root: Path, corpus: Path, processes: int = 2) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "indexer.cli", "serve", "--index", str(root)]
    command += ["--corpus", str(corpus), "--port", str(port), "--threads", "8"]
    command += ["--processes", str(min(processes, os.cpu_count() or 1))]
    log_file = (corpus / "server.log").open("ab")  # (the work folder: kept to look into errors)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_file)
    log_file.close()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/api/status")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start within 60 s")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def http_load(
    root: Path, work: Path, count: int, scale: Scale, seed: int, log: Callable[[str], None]
) -> list[Row]:
    """8 clients on loopback, each sending the query mix to /api/search for the set time."""
    index = ArticleIndex(root)
    queries = query_mix(index, scale.queries, seed + 1)
    index.close()
    paths = []
    for q in queries:
        args = [("q", q.text)] + [(t, v) for t, values in q.filters.items() for v in values]
        paths.append("/api/search?" + urllib.parse.urlencode(args))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with _server(root, work) as port:
        stop = time.monotonic() + scale.http_seconds

        def client(start: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            i = start
            mine: list[float] = []
            while time.monotonic() < stop and len(mine) < 100_000:
                path = paths[i % len(paths)]
                i += 1
                began = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        with lock:
                            errors.append(f"{response.status} {path}")
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__} ({exc}) {path}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine.append(time.perf_counter() - began)
            connection.close()
            with lock:
                latencies.extend(mine)

        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(i * 37,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    rate = len(latencies) / elapsed
    _, p95, _ = _percentiles(latencies) if len(latencies) > 1 else (0.0, 0.0, 0.0)
    shown = f" (first: {'; '.join(errors[:3])}; the server's log: {work / 'server.log'})"
    log(
        f"http at {count}: {rate:.0f} req/s, p95 {p95:.0f} ms, {len(errors)} errors"
        + (shown if errors else "")
    )
    processes = min(2, os.cpu_count() or 1)
    name = (
        f"/api/search at {count:,} articles, 8 clients, {scale.http_seconds:.0f} s "
        f"(`bulletins serve --processes {processes}`)"
    )
    return [
        Row(
            "http",
            f"{name}: requests/s",
            f"{rate:.0f}",
            "≥ 100" if count == 15_000 else "",
            rate >= 100 if count == 15_000 else None,
        ),
        Row("http", f"{name}: p95 latency", f"{p95:.0f} ms"),
        Row(
            "http", f"{name}: errors ({len(latencies)} requests)", str(len(errors)), "0", not errors
        ),
    ]


PAGE_VIEW_PAGES = 20  # the "20-page edition"
PAGE_VIEW_ROUNDS = 5  # cached views of every page


def page_view(work: Path, scale: Scale, seed: int, log: Callable[[str], None]) -> list[Row]:
    """A page view (its HTML, then its image) of every page of a 20-page edition through a
    real server: the first view of each page, when its image is drawn, then the cached ones."""
    corpus = render_corpus(work / "page-corpus", 1, seed, PAGE_VIEW_PAGES)
    root = work / "page-index"
    shutil.rmtree(root, ignore_errors=True)
    build_index(Settings(corpus_dir=corpus, index_dir=root), options=BuildOptions(full=True))
    index = ArticleIndex(root)
    first = index.search("").results[0]
    edition, word = first.edition["id"], first.title.split()[0]
    index.close()
    paths = [
        (
            f"/editions/{edition}/pages/{n}?q={urllib.parse.quote(word)}",
            f"/editions/{edition}/pages/{n}.png",
        )
        for n in range(1, PAGE_VIEW_PAGES + 1)
    ]
    drawn: list[float] = []
    cached: list[float] = []
    sizes: list[int] = []
    with _server(root, corpus, processes=1) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def view(pair: tuple[str, str]) -> float:
            began = time.perf_counter()
            for path in pair:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: {response.status}")
            sizes.append(len(body))
            return time.perf_counter() - began

        for pair in paths:
            drawn.append(view(pair))
        for _ in range(PAGE_VIEW_ROUNDS):
            cached.extend(view(pair) for pair in paths)
        connection.close()
    first_p95 = _percentiles(drawn)[1]
    cached_p95 = _percentiles(cached)[1]
    log(f"page view: first {first_p95:.0f} ms, cached {cached_p95:.0f} ms (p95)")
    name = f"page view of a {PAGE_VIEW_PAGES}-page edition (HTML and image, `bulletins serve`)"
    return [
        Row(
            "pages",
            f"{name}: first view of a page, the image drawn: p95",
            f"{first_p95:.0f} ms",
            "< 2 s",
            first_p95 < 2000,
        ),
        Row(
            "pages",
            f"{name}: cached: p95 ({PAGE_VIEW_ROUNDS} rounds)",
            f"{cached_p95:.0f} ms",
            "< 300 ms",
            cached_p95 < 300,
        ),
        Row("pages", f"{name}: first / cached (p95)", f"{first_p95 / max(cached_p95, 0.001):.1f}x"),
        Row("pages", f"{name}: image size, median", f"{statistics.median(sizes) / 1024:.0f} KB"),
    ]
