"""Bulletin Archive's indexer: PDFs → pages → articles → a Whoosh index, and the command line."""

from indexer.errors import BulletinsError, ExtractionError, ManifestError, SearchQueryError
from indexer.models import Article, Edition, ExtractedPdf, Line, Page
from indexer.pipeline import BuildReport, FileOutcome, build_index, ingest_file

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
