"""Say what a run did: the outcome of each file (``FileOutcome``), the run's ``BuildReport`` with
the entities re-tagging changed, the reasons a file can fail, the per-file records kept in the
index's state, and the run record written to ``last-run.json``. Plain data: importing this
module loads neither Whoosh nor pdfminer, so the command line and the web app can name these
types cheaply.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.corpus import Skipped
from indexer.errors import BulletinsError, StorageError
from indexer.processes import Stopped


@dataclass(frozen=True)
class EntityChange:
    """What re-tagging changed on one article: entities added and removed, as (type, id, label)."""

    article_id: str
    title: str
    added: tuple[tuple[str, str, str], ...]
    removed: tuple[tuple[str, str, str], ...]


# Why a file could not be indexed (FileOutcome.reason).
FAILURE_REASONS = {
    "not-a-pdf": "the file is not a PDF",
    "needs-password": "the PDF is encrypted with a password",
    "corrupt": "the PDF is damaged beyond repair",
    "unreadable": "the file could not be read, or the reader failed on it",
    "removed": "the file was removed (or its folder went away) while the run was going",
    "no-text-layer": "the pages are images (a scan) with no text: it needs OCR",
    "garbled-text": "the text is unreadable (fonts without a Unicode map)",
    "no-pages": "the PDF has no pages",
    "no-articles": "all of its text is page furniture (repeated headers, footers, page numbers)",
    "timeout": "reading it took longer than the per-file time limit",
    "out-of-memory": "reading it needed more than the per-file memory limit",
    "error": "something other than the PDF went wrong with its job (see the message)",
}

# Failures of the moment, not of the file: the file is read again on the next run.
RETRY_REASONS = ("removed", "unreadable")
# Failures that reading the pages with OCR can mend.
OCR_REASONS = ("no-text-layer", "garbled-text")


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one PDF.

    ``status`` is ``ok``, ``repaired`` (damaged, but its text was recovered) or ``failed``
    (``reason`` says why, one of FAILURE_REASONS). ``change`` says how the file differs from
    the last run: ``added``, ``updated`` or ``unchanged``.
    """

    file: str  # relative to the corpus directory
    status: str
    articles: int = 0
    reason: str | None = None
    message: str | None = None
    seconds: float = 0.0
    extracted: bool = True  # False: not read this run (unchanged since the last one)
    change: str = "added"

    @property
    def outcome(self) -> str:
        """One word for the report: ok, repaired, or the failure's reason."""
        return self.reason or "failed" if self.status == "failed" else self.status

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["outcome"] = self.outcome
        return data


@dataclass(frozen=True)
class BuildReport:
    outcomes: tuple[FileOutcome, ...]
    articles: int
    seconds: float
    entity_changes: tuple[EntityChange, ...] = ()
    removed: tuple[str, ...] = ()  # files indexed before and gone from the corpus now
    published: bool = True  # False: nothing had changed, the live index was left as it was
    editions: int = 0
    skipped: tuple[Skipped, ...] = ()  # entries named like PDFs that were not read, and why

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def duplicates(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "duplicate")

    def counts(self) -> dict[str, int]:
        ok = [o for o in self.outcomes if o.status not in ("failed", "duplicate")]
        return {
            "added": sum(1 for o in ok if o.change == "added"),
            "updated": sum(1 for o in ok if o.change == "updated"),
            "removed": len(self.removed),
            "unchanged": sum(1 for o in ok if o.change == "unchanged"),
            "failed": len(self.failed),
            "duplicates": len(self.duplicates),
            "skipped": len(self.skipped),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "counts": self.counts(),
            "files": len(self.outcomes),
            "editions": self.editions,
            "articles": self.articles,
            "published": self.published,
            "failed": [o.to_json() for o in self.failed],
            "removed": list(self.removed),
            "skipped": [s.to_json() for s in self.skipped],
            "outcomes": [o.to_json() for o in self.outcomes],
            "entity_changes": [
                {
                    "article": c.article_id,
                    "title": c.title,
                    "added": [list(e) for e in c.added],
                    "removed": [list(e) for e in c.removed],
                }
                for c in self.entity_changes
            ],
        }


# -- the per-file records of the index's state ----------------------------------------------
def record_of(outcome: FileOutcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "reason": outcome.reason,
        "message": outcome.message,
        "articles": outcome.articles,
    }


def unchanged_outcome(relative: str, record: dict[str, Any]) -> FileOutcome:
    return FileOutcome(
        relative,
        record.get("status", "ok"),
        articles=int(record.get("articles") or 0),
        reason=record.get("reason"),
        message=record.get("message"),
        extracted=False,
        change="unchanged",
    )


def edition_count(records: dict[str, dict[str, Any]]) -> int:
    return sum(
        1
        for r in records.values()
        if r.get("status") != "duplicate" and (r.get("status") != "failed" or kept(r))
    )


def kept(record: dict[str, Any]) -> int:
    """How many articles are indexed for a file, by its record: those read from it, or, while
    it fails, those kept from before."""
    if record.get("status") == "failed":
        return int(record.get("kept") or record.get("articles") or 0)
    return int(record.get("articles") or 0)


# -- the run record (last-run.json) ---------------------------------------------------------
def run_record(settings: Settings, report: BuildReport) -> dict[str, Any]:
    return {
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": str(settings.corpus_dir),
        **report.to_json(),
    }


def failed_run_record(settings: Settings, started: float, exc: BaseException) -> dict[str, Any]:
    """The run record of a run that ended without publishing: why, in ``error``."""
    if isinstance(exc, Stopped):
        code, message = "stopped", f"stopped by {exc}; the live index was left as it was"
    elif isinstance(exc, KeyboardInterrupt):
        code, message = "stopped", "stopped (Ctrl+C); the live index was left as it was"
    elif isinstance(exc, OSError):
        code, message = "storage", str(storage_error(exc, settings.index_dir))
    elif isinstance(exc, BulletinsError):
        code, message = "input", str(exc)
    else:
        code, message = "error", f"{type(exc).__name__}: {exc}"
    report = BuildReport((), 0, round(time.perf_counter() - started, 3), published=False)
    record = run_record(settings, report)
    record["error"] = {"code": code, "message": message}
    return record


# errno values that mean the index's storage is the problem, and what to do about each
_STORAGE_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EFBIG: "a file-size limit stopped a write (see `ulimit -f`, or systemd's LimitFSIZE)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied: run as the user who owns the index folder",
    errno.EPERM: "permission denied: run as the user who owns the index folder",
    errno.ENOTDIR: "a part of the index path is a file, not a folder",
    errno.EEXIST: "a part of the index path is a file, not a folder",
    errno.EIO: "an input/output error: check the disk",
}


def storage_error(exc: OSError, root: Path) -> StorageError:
    """A one-line StorageError for an OSError met while writing the index at ``root``."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        # copytree gathers (source, target, why) for every file it could not copy
        first = exc.args[0][0] if exc.args[0] else None
        why = str(first[2]) if first else str(exc)
        code = next((c for c in _STORAGE_HINTS if os.strerror(c) in why), None)
    else:
        why = exc.strerror or str(exc)
        code = exc.errno
    hint = _STORAGE_HINTS.get(code or 0, why)
    return StorageError(
        f"cannot write the index at {root}: {hint} ({why}); the live index was left as it was"
    )
