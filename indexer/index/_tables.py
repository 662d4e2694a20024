"""Per-generation tables: what serving needs beyond Whoosh's own files, made once by the
indexer when it commits and memory-mapped by every serving process.

- the facet table (``_facets.FacetTable``): each facet type's (document, value) pairs;
- the newest-first and oldest-first positions of every document (sorting by date);
- each publication's record and counts (every page's footer).

Built from the committed index itself, so they always describe exactly what was committed,
and written beside Whoosh's files as ``tables-<commit>.json`` (values, labels, publications)
and ``tables-<commit>.<array>.npy``, the JSON last: a commit whose JSON is missing has no
tables, and they are built in the serving process as before (an index written by an earlier
version, or one in memory). The arrays are read with ``numpy.load(mmap_mode="r")``: a
process maps them rather than copying them, processes serving the same generation share
their pages through the operating system's file cache, and nothing is left to rebuild when a
new generation is published.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.searching import Searcher

from indexer.index._facets import FacetTable, _Column, publication_summaries
from indexer.index._schema import FACET_TYPES
from indexer.index._sets import DocSets
from indexer.models import Publication
from indexer.results import PublicationSummary

SORTED = ("newest", "oldest")
_VERSION = 2  # of the tables' layout; another is ignored (built in the process instead)
_NAME = "tables-{}"


@dataclass(frozen=True)
class Tables:
    """One commit's tables (see the module's docstring)."""

    facets: FacetTable
    orders: dict[str, NDArray[np.int32]]  # sort -> each document's position
    publications: list[PublicationSummary]


def build_tables(searcher: Searcher, sets: DocSets) -> Tables:
    """The tables of the index ``searcher`` reads (``sets``: its match sets)."""
    stored = searcher.stored_fields
    facets = FacetTable.build(sets, stored)
    orders = {sort: sort_positions(searcher.reader(), sort) for sort in SORTED}
    return Tables(facets, orders, publication_summaries(sets, stored))


def sort_positions(reader: Any, sort: str) -> NDArray[np.int32]:
    """Each document's position when listed newest (or oldest) first, then in edition
    order, then by document number."""
    size = int(reader.doc_count_all())
    if not size:  # (an empty index has no columns to read)
        return np.zeros(0, dtype=np.int32)
    dates = reader.column_reader("date")
    ordinals = reader.column_reader("ordinal")
    when = [_text(dates[d]) for d in range(size)]
    ordinal = np.fromiter((int(ordinals[d] or 0) for d in range(size)), np.int64, size)
    _, date_rank = np.unique(np.array(when, dtype=object), return_inverse=True)
    date_rank = date_rank.astype(np.int64)
    primary = -date_rank if sort == "newest" else date_rank
    by = np.lexsort((np.arange(size), ordinal, primary))
    position = np.empty(size, dtype=np.int32)
    position[by] = np.arange(size, dtype=np.int32)
    return position


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def write_tables(folder: Path, commit: int, tables: Tables) -> None:
    """Write ``tables`` for ``commit`` into the index folder ``folder``; the tables of commits
    older than the one before are removed."""
    name = _NAME.format(commit)
    arrays: dict[str, NDArray[Any]] = {f"order-{s}": a for s, a in tables.orders.items()}
    for type_, column in tables.facets.columns.items():
        arrays[f"facet-{type_}-docs"] = column.docs
        arrays[f"facet-{type_}-codes"] = column.codes
        arrays[f"facet-{type_}-starts"] = column.starts
        arrays[f"facet-{type_}-bydoc"] = column.by_doc
    for key, array in arrays.items():
        temporary = folder / f"{name}.{key}.npy.tmp"
        with temporary.open("wb") as handle:
            np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
        temporary.replace(folder / f"{name}.{key}.npy")
    record = {
        "version": _VERSION,
        "arrays": sorted(arrays),
        "values": {t: c.values for t, c in tables.facets.columns.items()},
        "labels": tables.facets.labels,
        "order": tables.facets.order,
        "publications": [
            {"publication": asdict(p.publication), "editions": p.editions, "articles": p.articles}
            for p in tables.publications
        ],
    }
    temporary = folder / f"{name}.json.tmp"
    temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    temporary.replace(folder / f"{name}.json")  # last: the tables are complete
    _remove_older(folder, commit - 1)


def _remove_older(folder: Path, oldest_kept: int) -> None:
    for path in folder.glob("tables-*"):
        match = re.match(r"tables-(\d+)\.", path.name)
        if match and int(match.group(1)) < oldest_kept:
            with contextlib.suppress(OSError):
                path.unlink()


def read_tables(folder: Path, commit: int) -> Tables | None:
    """The tables written for ``commit`` in ``folder``, the arrays memory-mapped; None when
    there are none (or they are of another layout, or damaged)."""
    name = _NAME.format(commit)
    try:
        record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if record.get("version") != _VERSION:
            return None
        arrays = {  # (plain arrays over the maps: numpy's memmap class is slow to index)
            key: np.load(folder / f"{name}.{key}.npy", mmap_mode="r", allow_pickle=False).view(
                np.ndarray
            )
            for key in record["arrays"]
        }
        columns = {
            t: _Column(
                list(record["values"][t]),
                *(arrays[f"facet-{t}-{part}"] for part in ("docs", "codes", "starts", "bydoc")),
            )
            for t in FACET_TYPES
        }
        publications = [
            PublicationSummary(Publication(**p["publication"]), p["editions"], p["articles"])
            for p in record["publications"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    facets = FacetTable(columns, record["labels"], record["order"])
    orders = {s: arrays[f"order-{s}"] for s in SORTED}
    return Tables(facets, orders, publications)
