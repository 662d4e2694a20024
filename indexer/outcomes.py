"""What an indexing run reports, in one place: a file's ``status`` and ``change``, and the
``code`` of a run that ended without publishing (``last-run.json``'s ``error``).

Why a file failed is ``indexer.pipeline.FAILURE_REASONS``, and why an entry of the corpus folder
was passed over is ``indexer.corpus.SKIP_REASONS``. ``indexer/pipeline/`` writes the values
listed here; tests/test_docs.py reads its source and fails when it writes one that is not here,
and when docs/reindexing.md or the API description leaves one out. A data module: importing
it loads nothing else.
"""

from __future__ import annotations

# FileOutcome.status
FILE_STATUSES = {
    "ok": "indexed",
    "repaired": "damaged, but its text was recovered (qpdf rebuilt it) and indexed",
    "failed": "not indexed this run: its reason says why; what was indexed for it before stays",
    "duplicate": "the same bytes, or the same text, as another file of the corpus: indexed "
    "once, under that file (its message names it)",
}

# FileOutcome.change: how the file differs from the last run
FILE_CHANGES = {
    "added": "new since the last run",
    "updated": "its bytes changed since the last run",
    "unchanged": "the same size and time (or bytes) as at the last run: not read again",
}

# last-run.json's error.code: why a run ended without publishing
RUN_ERRORS = {
    "stopped": "stopped by a signal (SIGTERM, SIGHUP, Ctrl+C)",
    "storage": "the index folder cannot be written (disk full, file-size limit, read-only)",
    "input": "a bad corpus folder (missing, no PDFs) or a malformed editions.toml",
    "error": "anything else: a bug, with the exception in the message",
}
