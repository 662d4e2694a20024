"""Search results as CSV rows (for spreadsheets) and Atom entries (for feed readers)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator

from indexer.index import ENTITY_TYPES
from indexer.results import SearchHit
from indexer.textnorm import display_text, safe_json

# the links of each row: the article, the page of its best match (shown, marked), the PDF there
LINKS = ("url", "page_url", "pdf_url")
Links = Callable[[SearchHit], dict[str, str]]  # {link: URL} for ``LINKS``

CSV_COLUMNS = (
    "id",
    "title",
    "edition_id",
    "edition_number",
    "edition_date",
    "edition_label",
    "publication",
    "section",
    "pages",
    "page",
    "snippet",
    *ENTITY_TYPES,
    *(f"{t}_ids" for t in ENTITY_TYPES),
    "score",
    *LINKS,
)
# Cells a spreadsheet would run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value as a CSV cell that a spreadsheet shows as text, never runs: one line without
    control, bidirectional or zero-width characters (``display_text``), and quoted with ``'``
    when it would start a formula (checked after the clean-up, so that no hidden character
    can put itself before the ``=``)."""
    text = "" if value is None else display_text(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def plain_snippet(snippet: str) -> str:
    """A snippet's text without its HTML (``<mark>``), unescaped."""
    return html.unescape(re.sub(r"</?mark[^>]*>", "", snippet))


def json_rows(hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """A JSON array of every hit as the API gives it, with links, streamed an item at a time."""
    yield "["
    for i, hit in enumerate(hits):
        item = {**hit.to_json(), **links(hit)}
        yield ("," if i else "") + "\n" + json.dumps(safe_json(item), ensure_ascii=False)
    yield "\n]\n"


def csv_rows(hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """The header line, then one line per hit, each already CSV-encoded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[object]) -> str:
        writer.writerow([csv_cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(CSV_COLUMNS)  # the BOM tells spreadsheets the file is UTF-8
    for hit in hits:
        urls = links(hit)
        yield line(
            [
                hit.id,
                hit.title,
                hit.edition["id"],
                hit.edition.get("number") or "",
                hit.edition.get("date") or "",
                hit.edition.get("label") or "",
                (hit.edition.get("publication") or {}).get("name") or "",
                hit.section or "",
                " ".join(str(p) for p in hit.pages),
                hit.page,
                plain_snippet(hit.snippet),
                *("; ".join(e["label"] for e in hit.entities.get(t, [])) for t in ENTITY_TYPES),
                *(" ".join(e["id"] for e in hit.entities.get(t, [])) for t in ENTITY_TYPES),
                f"{hit.score:.4f}" if hit.score else "",
                *(urls[link] for link in LINKS),
            ]
        )
