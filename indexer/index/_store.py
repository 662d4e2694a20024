"""Where an index lives on disk: generations published atomically, and one writer at a time.

An index folder holds whole index generations side by side, and a ``CURRENT`` file naming the
live one::

    index/
      CURRENT          "gen-1764000000000000000"
      gen-...          a complete Whoosh index, plus state.json (what was indexed from which file)
      .lock            held (flock) by the one indexing job that may write
      last-run.json    the report of the last indexing run
      cache/           each PDF's extraction, by content hash (so re-tagging never re-reads)

A new generation is written beside the live one and published by replacing ``CURRENT``
(write, fsync, rename), so a reader sees the old index or the new one, never a half-built one,
and a job killed at any moment leaves the previous generation live. Generations other than
the live one and the one before it are removed by the next job; the one before is kept so
that searchers opened on it a moment ago can finish.

A folder holding a Whoosh index directly (this project's earlier layout) is read as it is and
converted by the next indexing run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index

from indexer.errors import BulletinsError

CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
LOCK = ".lock"
STATE = "state.json"
LAST_RUN = "last-run.json"
CACHE_DIR = "cache"  # cached extractions, by content hash
_GENERATION_PREFIX = "gen-"


class IndexLockedError(BulletinsError):
    """Another indexing job holds the index's lock."""


def live_dir(root: Path) -> Path | None:
    """The folder of the live index generation under ``root``, or None if there is none."""
    named = named_live(root)
    return named if named is not None and index.exists_in(str(named)) else None


def named_live(root: Path) -> Path | None:
    """The folder ``CURRENT`` names (``root`` itself in the earlier layout), without checking
    that it holds an index: cheap enough to ask on every search."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        name = ""
    except NotADirectoryError:
        return None
    if name:
        return root / name
    return root if root.is_dir() else None


def read_state(root: Path) -> dict[str, Any]:
    """What the live generation records about the files it was built from ({} if nothing)."""
    live = live_dir(root)
    if live is None:
        return {}
    try:
        data = json.loads((live / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def read_last_run(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / LAST_RUN).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the index's lock for the block; another holder makes this fail at once.

    The lock is an ``flock`` on ``root/.lock``: the kernel releases it when the holder exits,
    however it exits (``kill -9`` included), so a killed job never leaves a stale lock.

    :raise IndexLockedError: naming the process that holds it.
    """
    root.mkdir(parents=True, exist_ok=True)
    handle = (root / LOCK).open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexLockedError(
                f"Another indexing job is running on {root} ({holder}). "
                "Wait for it to finish; this run changed nothing."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock


def new_generation(root: Path, copy_live: bool) -> Path:
    """A fresh, unpublished generation folder: a copy of the live index, or empty."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{_GENERATION_PREFIX}{time.time_ns()}"
    live = live_dir(root)
    if copy_live and live is not None:
        shutil.copytree(live, target, ignore=shutil.ignore_patterns(STATE, "*.tmp", "*LOCK*"))
    else:
        target.mkdir()
    return target


def publish(root: Path, generation: Path, state: dict[str, Any]) -> None:
    """Make ``generation`` the live index, with ``state`` recorded inside it. Atomic."""
    _write_atomic(generation / STATE, json.dumps(state, ensure_ascii=False, indent=1))
    _fsync_dir(generation)
    live = live_dir(root)
    if live is not None and live != root:
        _write_atomic(root / PREVIOUS, live.name)
    _write_atomic(root / CURRENT, generation.name)


def write_last_run(root: Path, report: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    _write_atomic(root / LAST_RUN, json.dumps(report, ensure_ascii=False, indent=1))


def clean_up(root: Path) -> None:
    """Remove generations that are neither live nor the one before (half-built ones from a
    killed job included), and the files of the earlier one-folder layout once converted.
    Call with the writer lock held."""
    if not root.is_dir():
        return
    keep = set()
    for name in (CURRENT, PREVIOUS):
        with contextlib.suppress(FileNotFoundError):
            keep.add((root / name).read_text(encoding="utf-8").strip())
    converted = (root / CURRENT).exists()
    for entry in root.iterdir():
        if entry.is_dir() and entry.name.startswith(_GENERATION_PREFIX) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
        elif converted and entry.is_file() and "MAIN" in entry.name:
            entry.unlink(missing_ok=True)  # a Whoosh index kept directly in the folder before
        elif entry.is_file() and entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
