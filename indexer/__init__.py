"""Bulletin Archive's indexer: PDFs → pages → articles → a Whoosh index, and the command line.

The pipeline's names are imported when first used, so that importing a light module of the
package (the ``bulletins`` command's launcher, the errors) does not load Whoosh and pdfminer.
"""

from typing import TYPE_CHECKING, Any

from indexer.errors import BulletinsError, ExtractionError, ManifestError, SearchQueryError
from indexer.models import Article, Edition, ExtractedPdf, Line, Page

if TYPE_CHECKING:
    from indexer.pipeline import BuildReport, FileOutcome, build_index, ingest_file

_FROM_PIPELINE = ("BuildReport", "FileOutcome", "build_index", "ingest_file")

__all__ = [
    "Article",
    "BuildReport",
    "BulletinsError",
    "Edition",
    "ExtractedPdf",
    "ExtractionError",
    "FileOutcome",
    "Line",
    "ManifestError",
    "Page",
    "SearchQueryError",
    "build_index",
    "ingest_file",
]


def __getattr__(name: str) -> Any:
    if name in _FROM_PIPELINE:
        from indexer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'indexer' has no attribute {name!r}")
