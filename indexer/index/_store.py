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

A damaged folder never stops searches (``resolve_live``): when ``CURRENT`` is unreadable, is
not a generation's name, or names a generation that is missing or incomplete, the newest
intact generation is served instead, ``index_health`` says what is wrong, and the next
indexing job (``clean_up``, under the lock) makes ``CURRENT`` name the generation served.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage

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


# A generation's name, as new_generation makes it: a plain name, never a path.
_GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_-]{1,64}")
_POINTER_BYTES = 256  # read at most this much of CURRENT or PREVIOUS (a name is ~25 bytes)
_REPAIR = " Run `bulletins index` to repair it."


@dataclass(frozen=True)
class Resolution:
    """The folder to read the index from, and what is wrong with the index folder.

    ``path``: a generation (the index folder itself in the earlier layout), None if there is
    no index to read. ``problem``: a sentence for people when ``CURRENT`` is damaged (what is
    wrong, what is served instead); None when all is well.
    """

    path: Path | None
    problem: str | None = None


def resolve_live(root: Path) -> Resolution:
    """The generation to serve under ``root``: the one ``CURRENT`` names when it is intact,
    else the newest intact one (or the earlier layout's index kept in ``root``), with what is
    wrong. Never raises, never follows ``CURRENT`` outside ``root``.

    Intact: a ``gen-*`` folder directly in ``root`` (not a link) holding a Whoosh index and
    the ``state.json`` that ``publish`` writes before naming it in ``CURRENT`` (a half-built
    generation from a killed job has none).
    """
    name, problem = _read_name(root, CURRENT)
    if name is not None:
        folder = root / name
        if _intact(folder):
            return Resolution(folder)
        whats = "not a complete index generation" if _lexists(folder) else "missing"
        problem = f"CURRENT names {name}, which is {whats}"
    elif problem is None:  # no CURRENT: the earlier layout, nothing built yet, or CURRENT lost
        if _has_index(root):
            return Resolution(root)
        problem = "CURRENT is missing"
        fallback = _newest_intact(root)
        if fallback is None:
            return Resolution(None)  # nothing was ever published here: no index yet
        return Resolution(fallback, f"{problem}; serving {fallback.name}.{_REPAIR}")
    fallback = _newest_intact(root) or (root if _has_index(root) else None)
    if fallback is None:
        return Resolution(None, f"{problem}, and no intact generation is left.{_REPAIR}")
    return Resolution(fallback, f"{problem}; serving {_label(root, fallback)}.{_REPAIR}")


def live_dir(root: Path) -> Path | None:
    """The folder of the index generation to serve under ``root``, or None if there is none
    (see ``resolve_live``)."""
    return resolve_live(root).path


def read_pointer(root: Path) -> bytes | str | None:
    """What ``CURRENT`` holds, as bytes (None if it is absent; the error's name if it cannot be
    read): cheap enough to compare on every search, to notice that it changed."""
    try:
        return _read_head(root / CURRENT)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return type(exc).__name__


def index_health(root: Path, serving: Path | None = None) -> dict[str, Any]:
    """Which generation is served and what is wrong with the index folder, for ``/status`` and
    ``bulletins status``.

    ``serving``: the folder an open index reads (``ArticleIndex.health`` passes it), else the
    one ``resolve_live`` picks. Keys: ``generation`` (the folder's name, ``"."`` for an index
    kept directly in ``root``, None if there is none) and ``problem`` (a sentence, or None).
    """
    resolution = resolve_live(root)
    folder = serving if serving is not None else resolution.path
    problem = resolution.problem
    if serving is not None and serving != resolution.path and not _has_index(serving):
        problem = (
            f"{_label(root, serving)} was deleted while in use; searches are answered from its "
            f"files still open.{_REPAIR}"
        )
    return {"generation": None if folder is None else _label(root, folder), "problem": problem}


def read_state(root: Path) -> dict[str, Any]:
    """What the live generation records about the files it was built from ({} if nothing, or
    if its record is damaged: the next run then reads every file again)."""
    live = live_dir(root)
    if live is None:
        return {}
    try:
        data = json.loads((live / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return {}
    if not isinstance(data, dict):
        return {}
    files = data.get("files", {})
    if not isinstance(files, dict) or not all(
        isinstance(record, dict) and isinstance(record.get("sha256"), str)
        for record in files.values()
    ):
        return {}
    return data


def read_last_run(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / LAST_RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
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
    live = live_dir(root)  # before state.json makes ``generation`` intact (and the newest)
    _write_atomic(generation / STATE, json.dumps(state, ensure_ascii=False, indent=1))
    _fsync_dir(generation)
    if live is not None and live != root and live != generation:
        _write_atomic(root / PREVIOUS, live.name)
    _write_atomic(root / CURRENT, generation.name)


def write_last_run(root: Path, report: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    _write_atomic(root / LAST_RUN, json.dumps(report, ensure_ascii=False, indent=1))


def clean_up(root: Path) -> None:
    """Repair ``CURRENT`` if it is damaged (it names the generation served again, see
    ``resolve_live``), then remove generations that are neither live nor the one before
    (half-built ones from a killed job included), and the files of the earlier one-folder
    layout once converted. Call with the writer lock held."""
    if not root.is_dir():
        return
    keep = {name for name in (_read_name(root, CURRENT)[0], _read_name(root, PREVIOUS)[0]) if name}
    live = _repair(root)
    converted = live is not None and live != root
    if live is not None and converted:
        keep.add(live.name)  # served while CURRENT was damaged: what the next run builds on
    for entry in root.iterdir():
        if entry.is_dir() and entry.name.startswith(_GENERATION_PREFIX) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
        elif converted and entry.is_file() and "MAIN" in entry.name:
            entry.unlink(missing_ok=True)  # a Whoosh index kept directly in the folder before
        elif entry.is_file() and entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)


def _repair(root: Path) -> Path | None:
    """Make ``CURRENT`` name the generation ``resolve_live`` serves when it is damaged (remove
    it when that is the earlier layout's index), and drop a ``PREVIOUS`` that names no
    generation. Returns the folder served. Call with the writer lock held."""
    for name in (CURRENT, PREVIOUS):
        pointer = root / name
        if pointer.is_dir() and not pointer.is_symlink():  # would stop publish() replacing it
            shutil.rmtree(pointer, ignore_errors=True)
    if _read_name(root, PREVIOUS)[1] is not None:
        (root / PREVIOUS).unlink(missing_ok=True)
    resolution = resolve_live(root)
    if resolution.problem is not None:
        if resolution.path == root:
            (root / CURRENT).unlink(missing_ok=True)  # the earlier layout has no CURRENT
        elif resolution.path is not None:
            _write_atomic(root / CURRENT, resolution.path.name)
    return resolution.path


def _read_name(root: Path, pointer: str) -> tuple[str | None, str | None]:
    """The generation name the ``pointer`` file (CURRENT or PREVIOUS) holds, or None, and what
    is wrong with it, or None. (None, None): there is no such file."""
    try:
        raw = _read_head(root / pointer)
    except (FileNotFoundError, NotADirectoryError):
        return None, None
    except IsADirectoryError:
        return None, f"{pointer} is a folder, not a file"
    except OSError as exc:
        return None, f"{pointer} cannot be read ({exc.strerror or type(exc).__name__})"
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, f"{pointer} is damaged (it is not text)"
    if not name:
        return None, f"{pointer} is empty"
    if len(raw) > _POINTER_BYTES or not _GENERATION_NAME.fullmatch(name):
        return None, f"{pointer} holds {_shown(name)}, which is not a generation's name"
    return name, None


def _read_head(path: Path) -> bytes:
    """The first bytes of ``path``, more than a name can have. Non-blocking, so that a pipe
    put in place of the file reads as empty rather than hanging every search."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(descriptor, _POINTER_BYTES + 1)
    finally:
        os.close(descriptor)


def _intact(folder: Path) -> bool:
    """A published generation: a folder (not a link) with a Whoosh index and its state.json."""
    try:
        return not folder.is_symlink() and (folder / STATE).is_file() and _has_index(folder)
    except (OSError, ValueError):
        return False


def read_toc(folder: Path) -> Any:
    """The table of contents of the index in ``folder``, its file closed whatever happens
    (Whoosh leaves it open when it cannot read it).

    :raise: whatever reading a missing or damaged one raises (OSError, EOFError...).
    """
    storage = _ClosingStorage(str(folder))
    try:
        return index.TOC.read(storage, index._DEF_INDEX_NAME)
    finally:
        storage.close_opened()


def _has_index(folder: Path) -> bool:
    """Whether ``folder`` holds a Whoosh index whose table of contents can be read (what
    ``whoosh.index.exists_in`` checks, without leaving the file open when it cannot)."""
    storage = _ClosingStorage(str(folder))
    try:
        index.TOC.read(storage, index._DEF_INDEX_NAME)
    except (ImportError, AttributeError):  # written by another version: opening says so
        return True
    except Exception:  # none, or damaged: that raises anything (EOFError, TypeError...)
        return False
    finally:
        storage.close_opened()
    return True


class _ClosingStorage(FileStorage):  # type: ignore[misc]  # Whoosh is untyped
    """A folder's storage that can close every file it opened: Whoosh leaves the table of
    contents open when it cannot read it."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)
        self._opened: list[Any] = []

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        handle = super().open_file(name, *args, **kwargs)
        self._opened.append(handle)
        return handle

    def close_opened(self) -> None:
        for handle in self._opened:
            with contextlib.suppress(Exception):
                handle.close()


def _newest_intact(root: Path) -> Path | None:
    try:
        folders = [entry for entry in root.iterdir() if _GENERATION_NAME.fullmatch(entry.name)]
    except OSError:
        return None
    for folder in sorted(folders, key=_age, reverse=True):
        if _intact(folder):
            return folder
    return None


def _age(folder: Path) -> tuple[int, str]:
    """Generations in the order they were made (their names hold the time they were made)."""
    number = folder.name.removeprefix(_GENERATION_PREFIX)
    return (int(number) if number.isdecimal() else -1, folder.name)


def _lexists(path: Path) -> bool:
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def _label(root: Path, folder: Path) -> str:
    """How status names a served folder: the generation's name; "." for the index folder."""
    return "." if folder == root else folder.name


def _shown(text: str) -> str:
    """``text`` quoted for a message: control characters escaped, cut to a readable length."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


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
