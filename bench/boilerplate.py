"""How long leaving boilerplate out takes over the bench's synthetic archive:
``python -m bench.boilerplate 15000 [100000 ...]`` (see docs/benchmarks.md).

Builds each archive as the index benchmark does (``bench.records``, without the pass), then
times reading every stored body, finding the boilerplate and the pass as ``bulletins index``
runs it (in a writer of its own, as the second commit of a generation).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from bench.measure import ROOT
from bench.records import build_index_from, records_file
from indexer.boilerplate import find_boilerplate
from indexer.index import ArticleIndex, live_dir
from indexer.pipeline.recurring import leave_out_boilerplate
from indexer.tagging.gazetteer import Gazetteer


def main(counts: list[int], work: Path = ROOT / ".bench" / "full") -> None:
    work.mkdir(parents=True, exist_ok=True)
    gazetteer = Gazetteer.load()
    for count in counts:
        root = work / f"boilerplate-index-{count}"
        started = time.perf_counter()
        build_index_from(records_file(work, count, 1), root)
        built = time.perf_counter() - started
        index = ArticleIndex(live_dir(root))
        started = time.perf_counter()
        bodies = list(index.bodies())
        read = time.perf_counter() - started
        by_edition: dict[str, list[str]] = {}
        for item in bodies:
            by_edition.setdefault(item.edition_id, []).append(item.body)
        started = time.perf_counter()
        find_boilerplate(by_edition)
        found = time.perf_counter() - started
        started = time.perf_counter()
        with index.batch(optimize=False) as batch:
            groups = leave_out_boilerplate(index, batch, gazetteer, "bench")
        passed = time.perf_counter() - started
        index.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{count:,} articles: build {built:.1f} s, reading the bodies {read:.1f} s, "
            f"finding the boilerplate {found:.1f} s, the pass {passed:.1f} s "
            f"({len(groups)} groups); peak RSS {peak:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [15_000])
