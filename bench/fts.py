"""The reference: SQLite FTS5 over the same article records (Python's own sqlite3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.queries import Query
from bench.records import read_records


def build_fts(records: Path, path: Path) -> int:
    """An FTS5 table of every record (title, body, entity names; Porter stemming) and a table
    of its filter values; returns the number of articles."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE VIRTUAL TABLE articles USING fts5(
            id UNINDEXED, title, body, names, date UNINDEXED, tokenize='porter unicode61');
        CREATE TABLE filters(doc INTEGER, type TEXT, value TEXT);
        """
    )
    count = 0
    for edition, articles, tags in read_records(records):
        for article in articles:
            count += 1
            tagged = tags[article.id]
            db.execute(
                "INSERT INTO articles(rowid, id, title, body, names, date) VALUES (?,?,?,?,?,?)",
                (count, article.id, article.title, article.body, tagged.names, edition.date),
            )
            rows = [(count, t, v) for t, ids in tagged.filters.items() for v in ids]
            if edition.date:
                rows.append((count, "year", edition.date[:4]))
            db.executemany("INSERT INTO filters VALUES (?,?,?)", rows)
    db.execute("CREATE INDEX filters_by_value ON filters(type, value, doc)")
    db.commit()
    db.close()
    return count


class FtsSearcher:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False)

    def close(self) -> None:
        self._db.close()

    def search(self, q: Query) -> tuple[int, list[tuple[str, str]]]:
        """Total and top 10 (id, snippet) by BM25, filters applied; newest first without words."""
        where, args = [], []
        for type_, values in q.filters.items():
            marks = ",".join("?" * len(values))
            where.append(f"rowid IN (SELECT doc FROM filters WHERE type=? AND value IN ({marks}))")
            args += [type_, *values]
        if q.fts:
            where.insert(0, "articles MATCH ?")
            args.insert(0, q.fts)
        clause = " AND ".join(where) or "1"
        total = self._db.execute(f"SELECT count(*) FROM articles WHERE {clause}", args).fetchone()
        if q.fts:
            sql = (
                "SELECT id, snippet(articles, 2, '<mark>', '</mark>', '…', 24) FROM articles "
                f"WHERE {clause} ORDER BY bm25(articles, 0, 3.0, 1.0, 0.5) LIMIT 10"
            )
        else:
            sql = f"SELECT id, substr(body, 1, 240) FROM articles WHERE {clause} "
            sql += "ORDER BY date DESC LIMIT 10"
        return int(total[0]), self._db.execute(sql, args).fetchall()
