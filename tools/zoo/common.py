"""What every layout of the zoo is given besides the manuscript: the cover's wording."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tools.manuscript import Block, ManuscriptPage

# Fixed for every render, so output is byte-for-byte deterministic.
CREATION_DATE = "2018-01-01T00:00:00Z"


@dataclass(frozen=True)
class Cover:
    """The furniture a layout prints around the manuscript's articles."""

    masthead: str  # the publication's name, as on the cover ("SOC LOCAL PARTNERSHIPS BULLETIN")
    tagline: str | None  # the strapline under it
    edition_line: str  # the cover's statement of the edition ("Issue 07 | October 2017")
    footer: str  # the running footer's words ("SOC Local Partnerships Bulletin · October 2017")


# A layout: lay out the manuscript's pages with this cover into the PDF at ``out``.
Render = Callable[[Sequence[ManuscriptPage], Path, Cover], None]


def with_edition_block(pages: Sequence[ManuscriptPage], cover: Cover) -> list[ManuscriptPage]:
    """The pages with the cover's edition line as an ``@edition`` block after the masthead
    and tagline of the first page (replacing any the manuscript had)."""
    out = []
    for page in pages:
        blocks = [b for b in page.blocks if b.kind != "edition"]
        if page.number == 1:
            at = sum(1 for b in blocks[:2] if b.kind in ("masthead", "tagline"))
            blocks.insert(at, Block("edition", cover.edition_line))
        out.append(replace(page, blocks=tuple(blocks)))
    return out
