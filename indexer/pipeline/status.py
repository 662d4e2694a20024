"""Say how the index stands, for ``bulletins status`` and the web status page: the live index's
editions and articles, the last run's report, the files that fail now, the generation served
and what is wrong with the index folder. It reads; it never writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.errors import IndexDamagedError, IndexNotFoundError
from indexer.index import ArticleIndex, index_health, read_last_run, read_state
from indexer.pipeline.report import edition_count


def copies(files: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """The files indexed as copies of another, by the state's per-file records:
    ``[{file, of, same}]`` (same: "bytes" or "text"), by file."""
    return [
        {"file": name, "of": str(record.get("of")), "same": str(record.get("same") or "bytes")}
        for name, record in sorted(files.items())
        if record.get("status") == "duplicate"
    ]


def index_status(root: Path, index: ArticleIndex | None = None) -> dict[str, Any]:
    """What ``bulletins status`` and the web status page show: the live index's editions,
    articles and publications (``[{id, name, licence, ..., editions, articles}]``), the last
    run's report, the files that currently fail, the generation served and what is wrong
    with the index folder (``generation``, ``problem``: see ``index_health``).
    ``index``: one already open on ``root`` (the web app's), so its cached searcher and facet
    table are reused, and the generation it serves is the one reported."""
    state = read_state(root)
    files = state.get("files") or {}
    failed = [
        {"file": name, "reason": r.get("reason"), "message": r.get("message")}
        for name, r in sorted(files.items())
        if r.get("status") == "failed"
    ]
    status: dict[str, Any] = {
        # an open index answers even when its generation was deleted with nothing left
        "exists": index is not None or ArticleIndex.exists(root),
        "editions": edition_count(files),
        "articles": 0,
        "publications": [],
        "files": len(files),
        "failed": failed,
        "duplicates": copies(files),
        # paragraphs recurring in 3+ editions of a publication, left out of search
        "boilerplate": list(state.get("boilerplate") or []),
        "last_run": read_last_run(root),
        **index_health(root),
    }
    if status["exists"]:
        opened = index
        try:
            opened = opened or ArticleIndex(root)
            status["articles"] = opened.count()
            status["editions"] = len(opened.values("edition"))
            status["publications"] = [p.to_json() for p in opened.publications()]
            status.update(opened.health())
        except (IndexDamagedError, IndexNotFoundError) as exc:
            status["problem"] = str(exc)
        finally:
            if index is None and opened is not None:
                opened.close()
    return status
