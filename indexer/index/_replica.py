"""A copy of a published index kept in step on a machine without the shared folder: the
generation served at the source is copied beside the copy's own and published there as the
indexer publishes (``CURRENT`` replaced atomically), so a server reading the copy sees the
old generation or the new one, never a half-copied one.

The source is an index folder this machine can read: a mount of the coordinator's, or a
staging folder that ``rsync`` fills (docs/deployment.md). Only the served generation, its
page layouts and the last run's report are copied; the extraction cache stays behind.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import IndexNotFoundError
from indexer.index._pages import PAGES_DIR
from indexer.index._store import (
    CURRENT,
    LAST_RUN,
    STATE,
    _intact,
    _read_name,
    _write_atomic,
    clean_up,
    publish,
    resolve_live,
    writer_lock,
)


@dataclass(frozen=True)
class Replicated:
    generation: str  # the generation the copy serves now
    before: str | None  # the one it served before (None: none)
    copied: bool  # False: the copy served it already


def replicate(source: Path, target: Path) -> Replicated:
    """Make ``target`` serve the generation ``source`` serves, copied; under ``target``'s
    writer lock (so never while an indexing job or another copy writes there).

    :raise IndexNotFoundError: if ``source`` holds no readable index.
    :raise IndexLockedError: if something else writes to ``target``.
    """
    resolution = resolve_live(source)
    live = resolution.path
    if live is None or live == source:  # (the earlier one-folder layout is not copied)
        raise IndexNotFoundError(
            f"no published index at {source}"
            + (f": {resolution.problem}" if resolution.problem else "")
        )
    with writer_lock(target):
        clean_up(target)
        before = _read_name(target, CURRENT)[0]
        if before == live.name and _intact(target / live.name):
            _copy_report(source, target)
            return Replicated(live.name, before, copied=False)
        _copy_layouts(source, target)
        staging = target / f"{live.name}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(live, staging, ignore=shutil.ignore_patterns(STATE, "*.tmp"))
        generation = target / live.name
        shutil.rmtree(generation, ignore_errors=True)  # (an incomplete one, never published)
        staging.rename(generation)
        publish(target, generation, json.loads((live / STATE).read_text(encoding="utf-8")))
        clean_up(target)  # (generations before the one served before)
        _drop_layouts(source, target)
        _copy_report(source, target)
    return Replicated(live.name, before, copied=True)


def _copy_layouts(source: Path, target: Path) -> None:
    """The page layouts the copy lacks or holds in another version (a layout is named by its
    PDF's hash, and written again when that PDF is read again)."""
    folder = source / PAGES_DIR
    if not folder.is_dir():
        return
    (target / PAGES_DIR).mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        copy = target / PAGES_DIR / entry.name
        if entry.name.endswith(".tmp") or _same_file(entry, copy):
            continue
        temporary = copy.with_name(f"{entry.name}.tmp")
        shutil.copy2(entry, temporary)  # (its time too, by which the next run compares)
        temporary.replace(copy)


def _same_file(one: Path, other: Path) -> bool:
    try:
        a, b = one.stat(), other.stat()
    except OSError:
        return False
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def _drop_layouts(source: Path, target: Path) -> None:
    """The copy's layouts of PDFs the source no longer keeps (after the new generation is
    served: the one before may still be read a moment)."""
    folder = target / PAGES_DIR
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if not (source / PAGES_DIR / entry.name).exists():
            with contextlib.suppress(OSError):
                entry.unlink()


def _copy_report(source: Path, target: Path) -> None:
    with contextlib.suppress(OSError):
        _write_atomic(target / LAST_RUN, (source / LAST_RUN).read_text(encoding="utf-8"))
