"""Keep each PDF's extraction in the index's cache folder, keyed by the hash of the bytes read,
so that a PDF whose splitting, description or tags must be redone is not read by pdfminer (or
Tesseract) again; and drop the entries of PDFs no longer in the corpus.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from indexer.models import ExtractedPdf, SourceFile

EXTRACT_CACHE_VERSION = "4"  # bump when extract.py's output changes: the cache is not reused


def cache_entry(cache: Path, sha256: str, *, ocr: bool = False) -> Path:
    """Where the extraction (``ocr``: the OCR reading) of the bytes hashed ``sha256`` is kept;
    the name starts with the hash, which is what ``prune_cache`` goes by."""
    return cache / f"{sha256}-{EXTRACT_CACHE_VERSION}{'-ocr' if ocr else ''}.pickle"


def cached(
    entry: Path,
    source: SourceFile,
    produce: Callable[[SourceFile], ExtractedPdf],
    fresh: bool = False,
) -> ExtractedPdf:
    """``produce(source)``, or what it gave for the same bytes before (cached as ``entry``);
    ``fresh`` produces it again and replaces the cached copy."""
    if not fresh:
        try:
            with entry.open("rb") as handle:
                stored = pickle.load(handle)
            if isinstance(stored, ExtractedPdf):
                return replace(stored, source=source.path)
        except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
            pass
    pdf = produce(source)
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(pdf, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(entry)
    return pdf


def prune_cache(cache: Path, keep: set[str]) -> None:
    """Drop cached extractions of PDFs no longer in the corpus."""
    if not cache.is_dir():
        return
    for entry in cache.iterdir():
        # (a .tmp file is a copy a worker was writing when it was killed)
        if entry.name.split("-", 1)[0] not in keep or entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)
