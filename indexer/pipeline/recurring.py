"""Leave each publication's boilerplate out of the generation just written: the paragraphs that
recur, nearly word for word, in three or more of its editions (see ``indexer.boilerplate``) stay
in the articles' text and are left out of ranking, snippets, more-like-this and entity counts.

It runs over the whole generation once its files are written, since a paragraph becomes
boilerplate when the third edition carrying it arrives (and stops being when one leaves): the
editions whose boilerplate changed are written again, re-tagged without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from indexer.boilerplate import find_boilerplate
from indexer.index import ArticleIndex, Batch
from indexer.pipeline.run import tag_articles
from indexer.results import ArticleBody
from indexer.tagging.gazetteer import Gazetteer

LISTED = 100  # recurring paragraphs kept in the state, for `bulletins status`
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
            if all(spans[a.article_id] == a.boilerplate for a in items):
                continue
            stored = index.stored_edition(edition_id)
            if stored is None:  # written by a version that did not store it whole: as it was
                continue
            stored = replace(stored, boilerplate={k: v for k, v in spans.items() if v})
            batch.retag(stored, tag_articles(stored.searched_articles(), gazetteer), tagger_version)
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


def _by_publication(bodies: Iterable[ArticleBody]) -> dict[str, dict[str, list[ArticleBody]]]:
    grouped: dict[str, dict[str, list[ArticleBody]]] = {}
    for item in bodies:
        grouped.setdefault(item.publication, {}).setdefault(item.edition_id, []).append(item)
    return grouped
