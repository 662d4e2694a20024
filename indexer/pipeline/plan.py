"""Work out what a run has to do: list the corpus, read the state the last run stored, and
compare the two, file by file (a file's content hash against its record: added, updated,
unchanged, removed, or not readable now) and as a whole (the versions of the state, the schema,
the pipeline and the tagger, and the manifest's digest), down to the decision that there is
nothing to do. Nothing is read here but file names, sizes, times and, for a file whose size or
time changed, its bytes' hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from indexer.corpus import Corpus, discover
from indexer.editions import MANIFEST_NAME, load_manifest
from indexer.errors import BulletinsError, ExtractionError, IndexDamagedError, IndexNotFoundError
from indexer.extract import file_identity, read_error
from indexer.index import SCHEMA_VERSION, ArticleIndex, read_state
from indexer.pipeline.report import OCR_REASONS, RETRY_REASONS, kept

PIPELINE_VERSION = "5"  # bump when extraction or splitting changes: every PDF is read again
STATE_VERSION = 1


@dataclass(frozen=True)
class Job:
    path: Path
    relative: str
    sha256: str
    change: str
    size: int = 0  # as planned: a failed job's record, so a later change is seen
    mtime_ns: int = 0
    kept: int = 0  # articles indexed for the file before, which a failure keeps
    follow: bool = False  # it was a link when the corpus was listed: read through it


@dataclass(frozen=True)
class Survey:
    """The corpus as it is listed now, and the state the last run stored."""

    corpus_dir: Path
    index_dir: Path
    corpus: Corpus
    manifest: dict[str, dict[str, Any]]
    state: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What a run has to do, file by file, and what it is measured against.

    ``live``: the live index, open, when it can be read (what failing and unchanged files keep
    comes from it); whoever carries out the plan closes it. ``copy_live``: the new generation
    starts as a copy of the live one and only what changed is written into it (the same
    configuration, and not ``--full``); otherwise it starts empty and every file is written.
    """

    survey: Survey
    config: dict[str, Any]  # what the new state says besides its files
    records: dict[str, dict[str, Any]]  # the last run's, by file ({} when rebuilding)
    live: ArticleIndex | None
    same_config: bool
    copy_live: bool
    jobs: tuple[Job, ...] = ()  # to read
    unchanged: tuple[tuple[str, dict[str, Any]], ...] = ()  # (file, record with its identity)
    vanished: tuple[tuple[Job, ExtractionError], ...] = ()  # not readable
    removed: tuple[str, ...] = ()  # indexed before, gone from the corpus
    # files with the same bytes, or found before to have the same text, as another file of
    # the corpus: (the copy, the file indexed, "bytes" or "text")
    duplicates: tuple[tuple[Job, str, str], ...] = ()

    @property
    def nothing_to_do(self) -> bool:
        """No file to read, drop or record as failing, the configuration of the last run, and
        a live index that can be read: it is left as it is."""
        changed = self.jobs or self.removed or self.vanished or self._new_duplicates
        return not changed and self.same_config and self.live is not None

    @property
    def _new_duplicates(self) -> bool:
        """A copy not recorded as a copy of the same file at the last run."""
        return any(
            self.records.get(job.relative, {}).get("of") != primary
            for job, primary, _ in self.duplicates
        )

    @property
    def tagger_version(self) -> str:
        return str(self.config["tagger"])

    @property
    def pipeline_version(self) -> str:
        return str(self.config["pipeline"])


def survey(corpus_dir: Path, index_dir: Path, *, follow_symlinks: bool) -> Survey:
    """List the corpus and read its manifest and the index's state.

    :raise BulletinsError: if the corpus folder or its manifest is unusable, or holds no PDF.
    """
    try:  # (an OSError here is the corpus folder's, not the index's)
        manifest = load_manifest(corpus_dir)
        corpus = discover(corpus_dir, follow_symlinks=follow_symlinks)
    except OSError as exc:
        raise BulletinsError(
            f"cannot read the corpus folder {corpus_dir}: {exc.strerror or exc}; "
            "the index was left as it was"
        ) from exc
    state = read_state(index_dir)
    if not corpus.paths:
        indexed = len(state.get("files") or {})
        raise BulletinsError(_no_pdfs_message(corpus_dir, corpus, indexed))
    return Survey(corpus_dir, index_dir, corpus, manifest, state)


def plan_run(survey: Survey, tagger_version: str, *, full: bool, ocr: bool) -> Plan:
    """Compare the corpus with the stored state. ``full``: read every file again; ``ocr``:
    read again the files that failed for want of usable text."""
    state = survey.state
    config: dict[str, Any] = {
        "state": STATE_VERSION,
        "schema": SCHEMA_VERSION,
        "pipeline": PIPELINE_VERSION,
        "tagger": tagger_version,
        "manifest": _manifest_digest(survey.corpus_dir),
    }
    same_config = all(state.get(k) == v for k, v in config.items())
    records: dict[str, dict[str, Any]] = dict(state.get("files") or {})
    live = _readable_live(survey.index_dir)
    if live is None and ArticleIndex.exists(survey.index_dir):  # damaged: rebuilt from the PDFs
        same_config, records = False, {}
    jobs, unchanged, vanished = _compare_files(survey, records, full=full, ocr=ocr)
    jobs, unchanged, duplicates = _copies(survey, records, jobs, unchanged, same_config)
    removed, unseen = _missing_files(survey, records)
    return Plan(
        survey,
        config,
        records,
        live,
        same_config,
        copy_live=same_config and live is not None and not full,
        jobs=tuple(jobs),
        unchanged=tuple(unchanged),
        vanished=(*vanished, *unseen),
        removed=removed,
        duplicates=tuple(duplicates),
    )


def _copies(
    survey: Survey,
    records: dict[str, dict[str, Any]],
    jobs: list[Job],
    unchanged: list[tuple[str, dict[str, Any]]],
    same_config: bool = True,
) -> tuple[list[Job], list[tuple[str, dict[str, Any]]], list[tuple[Job, str, str]]]:
    """Files with the same bytes (the same edition dropped in twice, renamed or in another
    folder) are indexed once: under the one indexed before, else one the manifest describes,
    else the first by path; the others are copies of it. A file found at the last run to have
    the same text as another (a re-saved copy: see ``apply``) stays its copy while that file
    is left as it is and the configuration (the manifest's numbers and dates among it) has
    not changed. A copy whose file was removed or changed is read and indexed in its place."""

    def preferred(relative: str) -> tuple[bool, bool, str]:
        """Which of several copies is indexed: the one indexed before, else one the manifest
        describes, else the first by path."""
        return (not _indexed(records.get(relative)), relative not in survey.manifest, relative)

    hashes = {j.relative: j.sha256 for j in jobs}
    hashes.update((relative, str(record["sha256"])) for relative, record in unchanged)
    by_hash: dict[str, list[str]] = {}
    for relative in sorted(hashes):
        by_hash.setdefault(hashes[relative], []).append(relative)
    primary: dict[str, str] = {}  # copy → the file indexed
    for files in by_hash.values():
        if len(files) > 1:
            first = min(files, key=preferred)
            primary.update({f: first for f in files if f != first})
    kept_jobs = [j for j in jobs if j.relative not in primary]
    duplicates = [(j, primary[j.relative], "bytes") for j in jobs if j.relative in primary]
    indexed_as_is = {
        relative
        for relative, record in unchanged
        if relative not in primary and _indexed(record) and record.get("status") != "failed"
    }
    kept_unchanged = []
    for relative, record in unchanged:
        job = Job(
            survey.corpus_dir / relative,
            relative,
            str(record["sha256"]),
            "unchanged",
            int(record.get("size") or 0),
            int(record.get("mtime_ns") or 0),
        )
        if relative in primary:
            duplicates.append((job, primary[relative], "bytes"))
        elif same_config and record.get("same") == "text" and record.get("of") in indexed_as_is:
            duplicates.append((job, str(record["of"]), "text"))
        elif record.get("status") == "duplicate":  # the file it copied is gone: read it now
            kept_jobs.append(replace(job, change="added"))
        else:
            kept_unchanged.append((relative, record))
    # in that order too: of two files with the same text, the first written is indexed
    kept_jobs.sort(key=lambda j: preferred(j.relative))
    return kept_jobs, kept_unchanged, duplicates


def _indexed(record: dict[str, Any] | None) -> bool:
    """Whether the last run indexed the file itself (not as a copy of another)."""
    return record is not None and record.get("status") != "duplicate"


def _compare_files(
    survey: Survey, records: dict[str, dict[str, Any]], *, full: bool, ocr: bool
) -> tuple[list[Job], list[tuple[str, dict[str, Any]]], list[tuple[Job, ExtractionError]]]:
    """The corpus's files: those to read, those left as they are, those not readable now."""
    jobs: list[Job] = []
    unchanged: list[tuple[str, dict[str, Any]]] = []
    vanished: list[tuple[Job, ExtractionError]] = []
    current = survey.state.get("pipeline") == PIPELINE_VERSION
    for path in survey.corpus.paths:
        relative = path.relative_to(survey.corpus_dir).as_posix()
        record = records.get(relative)
        follow = path in survey.corpus.links
        try:
            sha, size, mtime_ns = _content_hash(path, record, follow)
        except ExtractionError as exc:  # gone, or unreadable, since the folder was listed
            vanished.append((_unread_job(path, relative, record, follow), exc))
            continue
        if record is not None and _keep(record, sha, current, full=full, ocr=ocr):
            unchanged.append(
                (relative, {**record, "sha256": sha, "size": size, "mtime_ns": mtime_ns})
            )
            continue
        change = (
            "added" if record is None else "updated" if record["sha256"] != sha else "unchanged"
        )
        jobs.append(Job(path, relative, sha, change, size, mtime_ns, kept(record or {}), follow))
    return jobs, unchanged, vanished


def _keep(record: dict[str, Any], sha: str, current: bool, *, full: bool, ocr: bool) -> bool:
    """Whether a file indexed before is left as it is (``current``: splitting has not changed
    since the last run)."""
    # unchanged bytes: not read again, unless --full or splitting changed since (a file
    # that failed stays failed until it changes or --full, but for a failure of the moment)
    retry_ocr = ocr and record.get("reason") in OCR_REASONS
    retry = record.get("reason") in RETRY_REASONS
    keep = record["sha256"] == sha and not full and not retry_ocr and not retry
    return keep and (current or record.get("status") == "failed")


def _missing_files(
    survey: Survey, records: dict[str, dict[str, Any]]
) -> tuple[tuple[str, ...], list[tuple[Job, ExtractionError]]]:
    """The files indexed before and not listed now: those gone from the corpus, and those in
    a folder that could not be listed."""
    corpus_dir = survey.corpus_dir
    present = {path.relative_to(corpus_dir).as_posix() for path in survey.corpus.paths}
    hidden = survey.corpus.hidden_under()
    removed: list[str] = []
    unseen: list[tuple[Job, ExtractionError]] = []
    for relative in sorted(set(records) - present):
        folder = next((h for h in hidden if h == "." or relative.startswith(f"{h}/")), None)
        if folder is None:
            removed.append(relative)
            continue
        # not seen, but not known to be gone either: what was indexed for it stays
        error = ExtractionError(f"its folder {folder!r} could not be listed", "unreadable")
        job = _unread_job(corpus_dir / relative, relative, records[relative], False)
        unseen.append((job, error))
    return tuple(removed), unseen


def _unread_job(path: Path, relative: str, record: dict[str, Any] | None, follow: bool) -> Job:
    """A file that could not be read at all, as a job that failed: its last record's
    identity, so the next run compares with that."""
    old = record or {}
    return Job(
        path,
        relative,
        str(old.get("sha256", "")),
        "added" if record is None else "updated",
        int(old.get("size") or 0),
        int(old.get("mtime_ns") or 0),
        kept(old),
        follow,
    )


def _content_hash(path: Path, record: dict[str, Any] | None, follow: bool) -> tuple[str, int, int]:
    """The file's SHA-256, size and modification time (the hash taken from the last run when
    size and modification time match).

    :raise ExtractionError: ``removed`` or ``unreadable``.
    """
    try:
        stat = path.stat(follow_symlinks=follow)
    except OSError as exc:
        raise read_error(exc) from exc
    identity = (stat.st_size, stat.st_mtime_ns)
    if record and (record.get("size"), record.get("mtime_ns")) == identity:
        return str(record["sha256"]), *identity
    return file_identity(path, follow=follow)


def _manifest_digest(corpus: Path) -> str:
    manifest = corpus / MANIFEST_NAME
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
    except OSError as exc:
        raise BulletinsError(f"cannot read {manifest}: {exc.strerror or exc}") from exc


def _readable_live(root: Path) -> ArticleIndex | None:
    """The live index, if there is one and its files can be read; None makes a new one."""
    if not ArticleIndex.exists(root):
        return None
    try:
        opened = ArticleIndex(root)
    except (IndexNotFoundError, IndexDamagedError):  # (written by another version, say)
        return None
    try:
        opened.count()
    except (IndexDamagedError, IndexNotFoundError):
        opened.close()
        return None
    return opened


def _no_pdfs_message(corpus_dir: Path, corpus: Corpus, indexed: int) -> str:
    message = f"no PDF files found in {corpus_dir}"
    if corpus.skipped:
        first = corpus.skipped[0]
        message += f" ({len(corpus.skipped)} passed over, e.g. {first.file}: {first.message})"
    if indexed:
        message += (
            f"; the index, which holds {indexed} files, was left as it was (is the folder "
            "mounted? to empty the index on purpose, delete the index folder)"
        )
    return message
