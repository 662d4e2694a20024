"""Benchmarks at archive scale: ``python -m bench`` (see docs/benchmarks.md).

Generates a deterministic synthetic archive (seeded: every run is the same), measures ingest,
incremental reindexing, index builds, search and HTTP, prints one table and, for the full
run, writes it to docs/benchmarks.md with the machine, versions and command.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.cluster import cluster_ingest
from bench.measure import (
    FULL,
    ROOT,
    SMALL,
    Row,
    incremental,
    index_and_search,
    ingest,
    page_view,
)
from bench.records import records_file
from bench.report import markdown, table
from bench.serving import serving_rows

SECTIONS = ("ingest", "incremental", "index", "serving", "pages", "cluster")
ANALYSIS = "## Analysis"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark Bulletin Archive on a deterministic synthetic archive: ingest "
        "(pages/s against pdfminer.six alone), a no-change reindex, index builds, search "
        "latency (against bare Whoosh and SQLite FTS5) and /api/search under load.",
    )
    parser.add_argument(
        "--scale",
        choices=("full", "small"),
        default="full",
        help="full: 200 editions of 12 pages, 1,000 PDFs, 15,000 and 100,000 articles, 30 s "
        "of HTTP load (on 2 cores about 35 minutes the first time, 15 after); small: the same "
        "in seconds (the tests run it)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / ".bench",
        help="folder for the generated archive and indexes, kept between runs so the PDFs "
        "and records are made once (default: .bench in the repository)",
    )
    parser.add_argument("--seed", type=int, default=1, help="the synthetic archive's seed")
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
        help="run only this section (repeatable); index includes search and HTTP",
    )
    parser.add_argument(
        "--server-code",
        type=Path,
        default=None,
        help="serving section: run the server from this checkout of the repository (a "
        "worktree of an earlier commit: before/after figures on the same index)",
    )
    parser.add_argument(
        "--publishes",
        type=int,
        default=None,
        help="serving section: how many publishes in a row (default: 20; --scale small 3)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the table as Markdown here (default for --scale full: docs/benchmarks.md)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    scale = FULL if args.scale == "full" else SMALL
    out = args.out or (ROOT / "docs" / "benchmarks.md" if scale is FULL else None)
    sections = args.only or list(SECTIONS)
    work = args.work.resolve() / scale.name
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    rows: list[Row] = []
    if "ingest" in sections:
        rows += ingest(work, scale, args.seed, log)
    if "incremental" in sections:
        rows += incremental(work, scale, args.seed, log)
    if "index" in sections:
        rows += index_and_search(work, scale, args.seed, log, http_at=scale.articles[0])
    if "serving" in sections:
        count = scale.articles[-1]
        records = records_file(work, count, args.seed)
        publishes = args.publishes or (20 if scale is FULL else 3)
        rows += serving_rows(
            work, count, records, args.seed, log, publishes=publishes, code=args.server_code
        )
    if "pages" in sections:
        rows += page_view(work, scale, args.seed, log)
    if "cluster" in sections:
        rows += cluster_ingest(work, scale, args.seed, log)
    print(table(rows))
    if out is not None:
        command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
        kept = ""  # the hand-written analysis below the table survives a new run
        if out.exists():
            text = out.read_text(encoding="utf-8")
            if ANALYSIS in text:
                kept = text[text.index(ANALYSIS) :]
        table_md = markdown(rows, command.strip(), time.monotonic() - started)
        out.write_text(table_md + ("\n" + kept if kept else ""), "utf-8")
        log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
