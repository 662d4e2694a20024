"""The kinds of entity the archive tags, in one place.

Everything that names the entity types is derived from :data:`ENTITY_TYPES`: the gazetteer's
files and its own type names, the tagger's priorities, the index's filter and facet fields, the
command line's options, the site's facet names, result chips and their colours, the API's
description and the tagging evaluation. Adding a type (say "person") is one entry here, its
gazetteer file and its tagging rules. A data module: importing it loads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityType:
    id: str  # the public name: filter and facet field, command-line option, API, URL, CSS class
    label: str  # "Agency": a facet's heading, a chip's kind
    plural: str  # "agencies", in running text
    internal: str  # the gazetteer's own name for the type ("place" for regions and places)
    gazetteer_file: str  # under indexer/tagging/gazetteer/
    colour: str  # the edge of its chips
    facet_rank: int  # where its facet stands on the site
    # overlapping mentions: the lower wins; None: not tagged from mentions (themes come from
    # the article's words as a whole) and scored per article, not per mention
    priority: int | None
    chip_rank: int | None  # where its chips stand on a result (None: not shown there)


ENTITY_TYPES: tuple[EntityType, ...] = (
    EntityType(
        id="agency", label="Agency", plural="agencies", internal="agency",
        gazetteer_file="agencies.tsv", colour="#2d6cb5", facet_rank=1, priority=3, chip_rank=1,
    ),
    EntityType(
        id="operation", label="Operation", plural="operations", internal="operation",
        gazetteer_file="operations.tsv", colour="#a33a2a", facet_rank=2, priority=0, chip_rank=0,
    ),
    EntityType(
        id="region", label="Region or place", plural="places", internal="place",
        gazetteer_file="places.tsv", colour="#2f7d4f", facet_rank=3, priority=4, chip_rank=2,
    ),
    EntityType(
        id="theme", label="Crime theme", plural="themes", internal="theme",
        gazetteer_file="themes.tsv", colour="#7a4aa0", facet_rank=0, priority=None, chip_rank=3,
    ),
    EntityType(
        id="programme", label="Programme", plural="programmes", internal="programme",
        gazetteer_file="programmes.tsv", colour="#9a6a00", facet_rank=4, priority=2,
        chip_rank=None,
    ),
    EntityType(
        id="legislation", label="Legislation", plural="legislation", internal="legislation",
        gazetteer_file="legislation.tsv", colour="#5a6470", facet_rank=5, priority=1,
        chip_rank=None,
    ),
)  # fmt: skip

BY_ID = {t.id: t for t in ENTITY_TYPES}
BY_INTERNAL = {t.internal: t for t in ENTITY_TYPES}
IDS = tuple(t.id for t in ENTITY_TYPES)  # the index's and command line's order
FACET_ORDER = tuple(t.id for t in sorted(ENTITY_TYPES, key=lambda t: t.facet_rank))
CHIP_TYPES = tuple(
    t.id for t in sorted(ENTITY_TYPES, key=lambda t: t.chip_rank or 0) if t.chip_rank is not None
)
MENTION_TYPES = tuple(t.id for t in ENTITY_TYPES if t.priority is not None)
# internal names, the winner of overlapping mentions first
PRIORITY = tuple(
    t.internal
    for t in sorted(ENTITY_TYPES, key=lambda t: t.priority or 0)
    if t.priority is not None
)


def public_name(internal: str) -> str:
    """The public name of a gazetteer type ("place" → "region")."""
    kind = BY_INTERNAL.get(internal)
    return kind.id if kind else internal


def internal_name(public: str) -> str:
    """The gazetteer's name of a public type ("region" → "place")."""
    kind = BY_ID.get(public)
    return kind.internal if kind else public


def chip_css() -> str:
    """The stylesheet rules that colour each type's chips (served as ``/chips.css``)."""
    return "".join(f".chip-{t.id} {{ border-left: 4px solid {t.colour}; }}\n" for t in ENTITY_TYPES)
