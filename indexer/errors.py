"""The one root error for bad input, and its kinds.

Everything the user can cause (a bad PDF, a malformed query, a missing index, a bad manifest)
raises an ``BulletinsError`` subclass with a message safe to show them. Third-party exceptions are
wrapped at the boundary with ``raise ... from exc``; anything else that escapes is a bug.
"""

from __future__ import annotations


class BulletinsError(Exception):
    """Root of every error caused by bad input; ``str(err)`` is a one-line, user-safe message."""


class ExtractionError(BulletinsError):
    """A PDF could not be read. ``reason`` is a short machine-readable classification."""

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.reason = reason


class ManifestError(BulletinsError):
    """The corpus manifest (editions.toml) is malformed."""


class SearchQueryError(BulletinsError, ValueError):
    """A search query the user can fix; the message explains what is wrong."""


class IndexNotFoundError(BulletinsError):
    """No index exists where one was expected."""


class StorageError(BulletinsError):
    """The index folder cannot be written (disk full, a file-size limit, read-only, not a
    folder): a fault of the environment, not of any PDF. Nothing was published."""


class BrokerError(BulletinsError):
    """The broker of a cluster run (``--broker``) cannot be reached, or was lost during it."""


class IndexDamagedError(BulletinsError):
    """The index's files cannot be read (a damaged segment); ``bulletins index`` rebuilds it."""


class IndexVersionError(IndexDamagedError):
    """The index was written by another version of its engine (Whoosh) or of the classes it
    pickles; ``bulletins index`` rebuilds it from the PDFs."""
