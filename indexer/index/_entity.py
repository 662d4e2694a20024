"""Following one entity through the archive: its articles, its timeline, its company."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from indexer.results import EntityView, SearchHit

CO_MENTION_LIMIT = 12


def entity_view(
    type_: str,
    id_: str,
    label: str,
    docs: Sequence[Mapping[str, Any]],
    hits: list[SearchHit],
    editions: Iterable[tuple[str, str, str]],
) -> EntityView:
    """Build the view from the stored fields of the articles filed under the entity.

    ``editions`` lists every edition of the archive as (id, label, date), so editions without
    the entity show as zero on the timeline.
    """
    articles: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    company: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    direct = 0
    for doc in docs:
        named = {(t, i) for t, items in (doc.get("entities") or {}).items() for i, _ in items}
        direct += (type_, id_) in named
        edition = doc["edition_id"]
        articles[edition] += 1
        mentions[edition] += sum(
            1 for m in doc.get("mentions") or () if m[0] == type_ and m[1] == id_
        )
        seen = set()
        for other_type, items in (doc.get("entities") or {}).items():
            for other_id, other_label in items:
                key = (other_type, other_id)
                if key != (type_, id_) and key not in seen:
                    seen.add(key)
                    names[key] = other_label
        company.update(seen)  # once per article, however often it is named there
    timeline = [
        {
            "edition": edition_id,
            "label": edition_label,
            "date": date or None,
            "articles": articles.get(edition_id, 0),
            "mentions": mentions.get(edition_id, 0),
        }
        for edition_id, edition_label, date in editions
    ]
    co_mentions: dict[str, list[dict[str, Any]]] = {}
    for (other_type, other_id), count in sorted(
        company.items(), key=lambda kv: (-kv[1], names[kv[0]])
    ):
        bucket = co_mentions.setdefault(other_type, [])
        if len(bucket) < CO_MENTION_LIMIT:
            bucket.append(
                {"id": other_id, "label": names[(other_type, other_id)], "articles": count}
            )
    return EntityView(type_, id_, label, hits, direct, timeline, co_mentions)
