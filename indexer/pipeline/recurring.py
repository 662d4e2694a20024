"""Leave each publication's boilerplate out of the generation just written: the paragraphs that
recur, nearly word for word, in three or more of its editions (see ``indexer.boilerplate``) stay
in the articles' text and are left out of ranking, snippets, more-like-this and entity counts.

It runs over the whole generation once its files are written, since a paragraph becomes
boilerplate when the third edition carrying it arrives (and stops being when one leaves): the
editions whose boilerplate changed are written again, their entities counted without the
mentions in it (the tagger is not run again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from indexer.boilerplate import find_boilerplate
from indexer.index import ArticleIndex, Batch
from indexer.results import ArticleBody
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import Mention, tagged_from

LISTED = 100  # recurring paragraphs kept in the state, for `bulletins status`
# An edition whose text is more than half recurring paragraphs is a reprint of another (the
# same stories again), not an edition with the usual contact list and disclaimer: it keeps
# them all. Newsletters' boilerplate is a tenth of an edition's text or less.
MOSTLY = 0.5
LISTED_CHARS = 300


def leave_out_boilerplate(
    index: ArticleIndex, batch: Batch, gazetteer: Gazetteer, tagger_version: str
) -> list[dict[str, Any]]:
    """Find the boilerplate of each publication in ``index`` and write again, with ``batch``,
    the editions whose boilerplate is not what they were written with. Returns what was found:
    ``[{publication, text, editions}]``, the most widespread first."""
    found: list[dict[str, Any]] = []
    for publication, editions in sorted(_by_publication(index.bodies()).items()):
        boilerplate = find_boilerplate(
            {e: [a.body for a in items] for e, items in editions.items()}
        )
        for edition_id, items in sorted(editions.items()):
            spans = {a.article_id: boilerplate.spans(a.body) for a in items}
            if _mostly(spans, items):  # a reprint, not an edition with the usual furniture
                spans = {article_id: () for article_id in spans}
            changed = {a.article_id for a in items if spans[a.article_id] != a.boilerplate}
            if not changed:
                continue
            stored = index.stored_edition(edition_id)
            if stored is None:  # written by a version that did not store it whole: as it was
                continue
            stored = replace(stored, boilerplate={k: v for k, v in spans.items() if v})
            tags = {
                article_id: tagged_from(
                    _outside(stored.mentions.get(article_id, ()), spans[article_id]), gazetteer
                )
                for article_id in changed
            }
            batch.rewrite(stored, changed, tags, stored.tagger_version or tagger_version)
        found += [
            {
                "publication": publication,
                "text": group.text[:LISTED_CHARS],
                "editions": group.edition_count,
            }
            for group in boilerplate.groups
        ]
    found.sort(key=lambda item: -int(item["editions"]))
    return found[:LISTED]


def _mostly(spans: dict[str, tuple[tuple[int, int], ...]], items: list[ArticleBody]) -> bool:
    """Do recurring paragraphs make up more than ``MOSTLY`` of an edition's text?"""
    recurring = sum(end - start for found in spans.values() for start, end in found)
    return recurring > MOSTLY * sum(len(item.body) for item in items)


def _outside(mentions: Iterable[Mention], spans: Sequence[tuple[int, int]]) -> list[Mention]:
    """The mentions not in the body's ``spans`` (its boilerplate): the entities the article
    is filed under without tagging its text again."""
    return [
        m
        for m in mentions
        if m.field != "body" or not any(start <= m.start < end for start, end in spans)
    ]


def _by_publication(bodies: Iterable[ArticleBody]) -> dict[str, dict[str, list[ArticleBody]]]:
    grouped: dict[str, dict[str, list[ArticleBody]]] = {}
    for item in bodies:
        grouped.setdefault(item.publication, {}).setdefault(item.edition_id, []).append(item)
    return grouped
