"""The text styles of one document, ranked: its body style, the styles its headings are set in,
and which of those head articles and which head parts of an article.

No fixed size rule decides what a heading is. A style (size, weight, slant, colour) is a
heading style when it stands out from the document's body style (larger, or bolder) and the
lines set in it behave as headings do: short runs at the start of a block that do not end
like prose and are not the first words of a paragraph running on (a bold lead-in). The
heading style used for most headings is the article-title level; a style set larger than that
is a title too (a lead story's bigger headline must not demote every other title), a style
set smaller is a subheading inside an article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from indexer.models import Line

StyleKey = tuple[float, bool, bool, str]  # size, bold, italic, colour

MIN_STEP = 0.9  # points: a larger style must be this much larger than the body (Word's 1-2 pt)
MIN_RATIO = 1.08  # ...or this many times larger
BOLD_SLACK = 0.6  # points: a bold style this close to the body size stands out by weight
MAX_HEADING_WORDS = 18
MAX_HEADING_LINES = 6  # a title in a narrow column wraps onto several
HEADING_LIKE_SHARE = 0.6  # of a style's runs that must behave as headings
MAX_TEXT_SHARE = 0.25  # a style holding more of the document's text than this is no heading
TITLE_RUNS_SHARE = 0.3  # the title level is used at least this share as often as the most used
FULL_LINE_SLACK = 0.05  # a line reaching this close to the next line's end fills the column
_PROSE_END = (".", ",", ";")
_TERMINAL = (".", "!", "?", ":", ";", '"', "”", "’", ")")
_LETTERS = re.compile(r"[^\W\d_]")


class Level(Enum):
    TITLE = "title"
    SUBHEADING = "subheading"


@dataclass(frozen=True)
class DocumentStyles:
    body: StyleKey
    levels: dict[StyleKey, Level]

    @property
    def body_size(self) -> float:
        return self.body[0]

    def level(self, line: Line) -> Level | None:
        return self.levels.get(style_of(line))


def style_of(line: Line) -> StyleKey:
    return (line.size, line.bold, line.italic, line.colour)


def body_style(lines: Sequence[Line]) -> StyleKey:
    """The style most characters are set in."""
    weights: Counter[StyleKey] = Counter()
    for line in lines:
        weights[style_of(line)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else (0.0, False, False, "")


def stands_out(style: StyleKey, body: StyleKey) -> bool:
    """Is text in ``style`` set apart from the body: larger, or bold where the body is not?"""
    size, bold, _, _ = style
    larger = size - body[0] >= MIN_STEP or (body[0] > 0 and size >= body[0] * MIN_RATIO)
    bolder = bold and not body[1] and size >= body[0] - BOLD_SLACK
    return larger or bolder


def prominence(style: StyleKey) -> tuple[float, bool]:
    return (style[0], style[1])


def rank_styles(lines: Sequence[Line], skip: Sequence[bool]) -> DocumentStyles:
    """Rank the styles of the document's ``lines`` (in reading order; ``skip`` marks page
    furniture and artwork, which take no part)."""
    kept = [line for line, s in zip(lines, skip, strict=True) if not s]
    body = body_style(kept)
    total = sum(len(line.text) for line in kept) or 1
    chars: Counter[StyleKey] = Counter()
    for line in kept:
        chars[style_of(line)] += len(line.text)
    runs = _runs(kept)
    like: Counter[StyleKey] = Counter()
    unlike: Counter[StyleKey] = Counter()
    for index, run in enumerate(runs):
        style = style_of(run[0])
        if style == body or not stands_out(style, body) or _banner_like(run):
            continue
        following = runs[index + 1][0] if index + 1 < len(runs) else None
        if _heading_like(run, following):
            like[style] += 1
        else:
            unlike[style] += 1
    heading = [
        style
        for style, count in like.items()
        if count >= HEADING_LIKE_SHARE * (count + unlike[style])
        and chars[style] <= MAX_TEXT_SHARE * total
    ]
    if not heading:
        return DocumentStyles(body, {})
    most = max(like[style] for style in heading)
    frequent = [s for s in heading if like[s] >= max(2, TITLE_RUNS_SHARE * most)] or heading
    title = max(frequent, key=prominence)
    levels = {
        style: Level.TITLE if prominence(style) >= prominence(title) else Level.SUBHEADING
        for style in heading
    }
    return DocumentStyles(body, levels)


def _banner_like(run: list[Line]) -> bool:
    """Short lines in capitals ("FROM THE CENTRE") name sections, not articles: they take no
    part in choosing the title level."""
    letters = _LETTERS.findall(" ".join(line.text for line in run))
    return len(letters) >= 3 and all(ch.isupper() for ch in letters) and len(run) <= 2


def _runs(lines: Sequence[Line]) -> list[list[Line]]:
    """Consecutive lines of one style in one block (a heading set over two lines is one)."""
    runs: list[list[Line]] = []
    for line in lines:
        if runs:
            last = runs[-1][-1]
            if style_of(last) == style_of(line) and (
                last.block == line.block or -2 <= line.top - last.bottom <= line.size * 1.2
            ):
                runs[-1].append(line)
                continue
        runs.append([line])
    return runs


def _heading_like(run: list[Line], following: Line | None) -> bool:
    """Do these lines read as a heading: short, not ending as prose, not a paragraph's first
    words running on into the next line (a bold lead-in: the next line of its block starts in
    lower case, or the line fills the column as a paragraph's lines do)?"""
    text = " ".join(line.text for line in run).strip()
    words = text.split()
    if len(_LETTERS.findall(text)) < 2 or len(words) > MAX_HEADING_WORDS:
        return False
    if len(run) > MAX_HEADING_LINES or text.endswith(_PROSE_END):
        return False
    if following is None:
        return True
    last = run[-1]
    # a line reaching the column's end runs on when the next is in its colour (a lead-in and
    # its paragraph); a coloured title may fill a narrow column by chance
    full = last.colour == following.colour and fills_column(last, following)
    runs_on = (
        following.block == last.block
        and not text.endswith(_TERMINAL)
        and (following.text[:1].islower() or full)
    )
    return not runs_on


def fills_column(line: Line, following: Line) -> bool:
    """Does ``line`` fill its column as a paragraph's lines do: it reaches about as far as the
    next line, or the next line's first word would not have fitted after it (ragged text)?"""
    width = max(following.x1 - following.x0, 1.0)
    if line.x1 >= following.x1 - FULL_LINE_SLACK * width:
        return True
    first = following.text.split()[0] if following.text.split() else ""
    per_char = width / max(len(following.text), 1)
    return line.x1 + per_char * (len(first) + 1) > max(line.x1, following.x1)
