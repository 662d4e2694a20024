"""The names in a search query, found by the tagger that tags the articles.

A query is tagged as the body of an article would be, so aliases, acronyms and former names
("Revenue and Customs", "HMRC", "Gangs and Labour Abuse Authority") are recognised the same
way. People often type without capitals, which the tagger needs to tell "Wales" from a word:
the query is tagged again with its lower-case words written as the gazetteer's names write
them ("wales" as "Wales", "glaa" as "GLAA"). A name found only so must be one the tagger
would not doubt in running text: not one that is also an everyday word ("reading",
"prevent", "peel": gazetteer hint ``common-word``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from indexer.entity_types import internal_name
from indexer.results import Recognised
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.tagger import Mention, tag_article

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def recogniser(gazetteer: Gazetteer) -> Callable[[str], Sequence[Recognised]]:
    """A function finding the gazetteer's names in a query (remembered for repeated ones)."""
    written = _written_forms(gazetteer)

    @lru_cache(maxsize=4096)
    def recognise(text: str) -> tuple[Recognised, ...]:
        found = [_recognised(m) for m in tag_article("", text, gazetteer).mentions]
        return tuple(sorted(_recased(text, found, gazetteer, written), key=lambda r: r.start))

    return recognise


def _recased(
    text: str, found: list[Recognised], gazetteer: Gazetteer, written: dict[str, str]
) -> list[Recognised]:
    """``found``, with the names found in ``text`` once its lower-case words are written as
    the names write them: where ``found`` has none, or only shorter ones within it ("south
    Wales police" is South Wales Police, not Wales); never names that are everyday words."""
    recased = _WORD.sub(lambda w: written.get(w.group(), w.group()), text)
    if recased == text or len(recased) != len(text):
        return found
    out = list(found)
    for mention in tag_article("", recased, gazetteer).mentions:
        entity = gazetteer.get(internal_name(mention.type), mention.id)
        if entity is not None and entity.hint("common-word"):
            continue
        overlapping = [r for r in out if r.start < mention.end and mention.start < r.end]
        longer = all(
            mention.start <= r.start
            and r.end <= mention.end
            and (r.start, r.end)
            != (
                mention.start,
                mention.end,
            )
            for r in overlapping
        )
        if longer:
            out = [r for r in out if r not in overlapping] + [_recognised(mention, text)]
    return out


def _written_forms(gazetteer: Gazetteer) -> dict[str, str]:
    """Each word of the names and acronyms in lower case → as the names write it (themes
    are found by their wording, whatever its case)."""
    names = (
        name
        for entity in gazetteer.entities.values()
        if entity.type != "theme"
        for name in (*entity.names, *entity.acronyms)
    )
    forms: dict[str, str] = {}
    for word in (w for name in names for w in _WORD.findall(name)):
        if word != word.lower():
            forms.setdefault(word.lower(), word)
    return forms


def _recognised(mention: Mention, typed: str | None = None) -> Recognised:
    text = mention.text if typed is None else typed[mention.start : mention.end]
    return Recognised(mention.type, mention.id, mention.label, text, mention.start, mention.end)


def searching_with(gazetteer: Gazetteer) -> dict[str, Any]:
    """What an index needs to read queries with the gazetteer: the words "did you mean"
    never corrects, and the recogniser (``ArticleIndex(path, **searching_with(g))``)."""
    return {"known_words": gazetteer.words(), "recognise": recogniser(gazetteer)}
