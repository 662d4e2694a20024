"""A long-running server across repeated publishes, measured from outside its processes.

A real ``bulletins serve`` is started on a built index; its resident memory is read from
``/proc`` (every process of the server: the master and its workers), its start-up timed to
the first answered search, then the index is republished ``PUBLISHES`` times in a row, each
time as ``bulletins index`` publishes one: a new generation copied from the live one, an
edition written again into it (a new segment, and the old copies of its articles deleted),
its tables made, ``CURRENT`` replaced. After each publish the first search is timed at once,
then how long until the server answers from the new generation (``/api/health``), then the
next ``AFTER`` searches.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.measure import Row, free_port
from bench.queries import Query, query_mix
from bench.records import build_index_from, read_records
from indexer.index import ArticleIndex, clean_up, new_generation, publish

PUBLISHES = 20
AFTER = 20  # searches timed after each publish's first
WARM_QUERIES = 60  # searches sent after start-up before the memory is read


def server_processes(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent in found:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (VmRSS, as ``ps`` shows it)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(pid: int) -> tuple[float, float]:
    """(largest, total) resident memory in MB over the server's processes."""
    sizes = []
    for each in server_processes(pid):
        with contextlib.suppress(OSError):
            sizes.append(rss_mb(each))
    return max(sizes, default=0.0), sum(sizes)


class Client:
    def __init__(self, port: int) -> None:
        self._port = port
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self._connection.request("GET", path)
            response = self._connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()
            self._connection = http.client.HTTPConnection("127.0.0.1", self._port, timeout=120)
            raise

    def timed(self, path: str) -> float:
        began = time.perf_counter()
        status, _ = self.get(path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        return time.perf_counter() - began

    def generation(self) -> str:
        status, body = self.get("/api/health")
        return str(json.loads(body)["generation"]) if status == 200 else ""

    def close(self) -> None:
        self._connection.close()


def search_path(q: Query) -> str:
    args = [("q", q.text)] + [(t, v) for t, values in q.filters.items() for v in values]
    return "/api/search?" + urllib.parse.urlencode(args)


@contextlib.contextmanager
def running_server(
    root: Path, work: Path, port: int, processes: int, code: Path | None
) -> Iterator[subprocess.Popen[bytes]]:
    """``bulletins serve`` on ``root`` (from the checkout ``code`` if given: before/after)."""
    command = [sys.executable, "-m", "indexer.cli", "serve", "--index", str(root)]
    command += ["--corpus", str(work), "--port", str(port), "--processes", str(processes)]
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    log = (work / "serving-bench.log").open("ab")
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=log, env=env, cwd=code or None
    )
    log.close()
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def republish(root: Path, records: Path) -> str:
    """Publish a new generation of ``root`` as a reindex does, its first edition written again;
    returns the new generation's name."""
    edition, articles, tags = next(read_records(records))
    clean_up(root)  # as each run begins: only the live generation and the one before stay
    generation = new_generation(root, copy_live=True)
    index = ArticleIndex(generation)
    with index.batch(optimize=False) as batch:
        batch.delete_edition(edition.id)
        batch.add_edition(edition, articles, tags)
    index.close()
    publish(root, generation, {"benchmark": True})
    return generation.name


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000


def serving(
    root: Path,
    records: Path,
    work: Path,
    count: int,
    seed: int,
    log: Callable[[str], None],
    *,
    port: int,
    processes: int = 1,
    publishes: int = PUBLISHES,
    code: Path | None = None,
) -> dict[str, float]:
    """The figures of one server's life on ``root`` (see the module's docstring)."""
    index = ArticleIndex(root)
    queries = [search_path(q) for q in query_mix(index, WARM_QUERIES + AFTER * 4, seed + 2)]
    index.close()
    out: dict[str, float] = {}
    began = time.perf_counter()
    with running_server(root, work, port, processes, code) as server:
        client = Client(port)
        deadline = time.monotonic() + 300
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException, RuntimeError):
                client.timed(queries[0])
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the server did not start (see {work}/serving-bench.log)")
            time.sleep(0.1)
        out["start-up s"] = time.perf_counter() - began
        out["after start-up MB"] = memory(server.pid)[0]
        for path in queries[1:WARM_QUERIES]:
            client.timed(path)
        out["after warm-up MB"], out["after warm-up, all processes MB"] = memory(server.pid)
        firsts: list[float] = []
        switches: list[float] = []
        after: list[float] = []
        sizes: list[float] = []
        for round_ in range(publishes):
            name = republish(root, records)
            published = time.perf_counter()
            path = queries[WARM_QUERIES + (round_ * 7) % (len(queries) - WARM_QUERIES)]
            firsts.append(client.timed(path))
            while name not in client.generation():
                if time.perf_counter() - published > 120:
                    raise RuntimeError("the server did not switch to the new generation")
                time.sleep(0.02)
            switches.append(time.perf_counter() - published)
            for i in range(AFTER):
                at = WARM_QUERIES + (round_ * 7 + i) % (AFTER * 4)
                after.append(client.timed(queries[at]))
            sizes.append(memory(server.pid)[0])
            log(
                f"publish {round_ + 1}: first search {firsts[-1] * 1000:.0f} ms, serving it "
                f"after {switches[-1]:.2f} s, RSS {sizes[-1]:.0f} MB"
            )
        client.close()
    if firsts:
        out["first search after a publish: p95 ms"] = _p95(firsts)
        out["first search after a publish: max ms"] = max(firsts) * 1000
        out["new generation served after: max s"] = max(switches)
        out["searches after a publish: p95 ms"] = _p95(after)
        out[f"after {publishes} publishes MB"] = sizes[-1]
        out["largest after a publish MB"] = max(sizes)
    return out


def serving_rows(
    work: Path,
    count: int,
    records: Path,
    seed: int,
    log: Callable[[str], None],
    *,
    publishes: int,
    code: Path | None = None,
) -> list[Row]:
    """The serving section's rows: one server process, then two, on ``count`` articles."""
    root = work / f"index-{count}"
    if not (root / "CURRENT").exists():
        build_index_from(records, root)
    rows: list[Row] = []
    budget = 500.0 if count >= 100_000 else None
    for processes in (1, 2):
        port = free_port()
        figures = serving(
            root,
            records,
            work,
            count,
            seed,
            log,
            port=port,
            processes=processes,
            publishes=publishes,
            code=code,
        )
        name = f"{count:,} articles, `bulletins serve --processes {processes}`"
        for key, value in figures.items():
            unit = key.rsplit(" ", 1)[1]
            measure = key.rsplit(" ", 1)[0]
            target, met = "", None
            if unit == "MB" and "all processes" not in measure and budget is not None:
                target, met = f"< {budget:.0f} MB", value < budget
            if measure.startswith("first search after a publish: p95"):
                target, met = "< 300 ms", value < 300
            shown = f"{value:.2f} s" if unit == "s" else f"{value:.0f} {unit}"
            rows.append(Row("serving", f"{name}: {measure}", shown, target, met))
    return rows
