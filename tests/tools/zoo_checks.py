"""What the zoo layout tests share: the manuscripts and their covers, and the checks that a layout
is deterministic and keeps every word.

A layout keeps every word when pdfminer.six reads back each word of the manuscript's articles
(titles, paragraphs and bullets), counted as a multiset. The hyphens a layout adds at line ends
(U+2010 HYPHEN, U+00AD SOFT HYPHEN, "-") split a word in two, and pdfminer does not always emit
the halves together (a break at a column's foot, a loosely justified line read as separate boxes,
a drop cap read as a word of its own), so a needed word also counts when both its halves are
among the words no whole word took.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pdfminer.high_level import extract_text

from tools.manuscript import (
    ManuscriptPage,
    edition_line,
    manuscript_articles,
    parse_manuscript,
    words,
)
from tools.zoo import FICTIONAL, SEVENTH
from tools.zoo.common import Cover, Render

SEVENTH_COVER = Cover(
    masthead="SOC LOCAL PARTNERSHIPS BULLETIN",
    tagline="Working together to tackle serious and organised crime",
    edition_line="Issue 07 | October 2017",
    footer="SOC Local Partnerships Bulletin · October 2017",
)
LINE_END_HYPHENS = re.compile("[\u2010\u00ad-]")


@cache
def seventh_pages() -> tuple[ManuscriptPage, ...]:
    """The 7th edition's manuscript, parsed (once; the pages are immutable)."""
    return parse_manuscript(SEVENTH.read_text(encoding="utf-8"))


@cache
def fictional_pages(stem: str) -> tuple[ManuscriptPage, ...]:
    """The fictional edition ``tools/zoo/manuscripts/<stem>.md``, parsed (once)."""
    return parse_manuscript((FICTIONAL / f"{stem}.md").read_text(encoding="utf-8"))


def cover_of(pages: tuple[ManuscriptPage, ...]) -> Cover:
    """A cover from the manuscript's own masthead, tagline and edition line."""
    blocks = {b.kind: b.text for p in pages for b in p.blocks if b.kind in ("masthead", "tagline")}
    line = edition_line(pages)
    assert line is not None
    return Cover(blocks["masthead"], blocks.get("tagline"), line, f"{blocks['masthead']} · {line}")


def assert_deterministic(
    render: Render,
    pages: tuple[ManuscriptPage, ...],
    tmp_path: Path,
    cover: Cover = SEVENTH_COVER,
) -> Path:
    """Render ``pages`` twice, assert both PDFs have the same bytes, and return the first."""
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    render(pages, first, cover)
    render(pages, second, cover)
    assert first.read_bytes() == second.read_bytes(), "two renders of the same pages differ"
    return first


def article_words(pages: tuple[ManuscriptPage, ...]) -> Counter[str]:
    """Every word of every article (titles, paragraphs and bullets), as a multiset."""
    return Counter(
        word
        for article in manuscript_articles(pages)
        for word in words(f"{article.title or ''}\n{article.body}")
    )


def extracted_words(text: str) -> Counter[str]:
    """The words of extracted text; a hyphenated word gives its two halves."""
    return Counter(words(LINE_END_HYPHENS.sub(" ", text)))


def unmatched(needed: Iterable[str], found: Iterable[str]) -> Counter[str]:
    """Words of ``needed`` not in ``found`` (both multisets), allowing a word split in two
    pieces: it counts when both pieces are among the found words no whole word took."""
    wanted, pool = Counter(needed), Counter(found)
    missing, pool = wanted - pool, pool - wanted
    still: Counter[str] = Counter()
    for word in sorted(missing.elements()):
        for cut in range(1, len(word)):
            head, tail = word[:cut], word[cut:]
            if pool[head] > (head == tail) and pool[tail] > 0:
                pool[head] -= 1
                pool[tail] -= 1
                break
        else:
            still[word] += 1
    return still


def missing_from_text(pages: tuple[ManuscriptPage, ...], text: str) -> dict[str, int]:
    """Article words of ``pages`` that the extracted ``text`` lacks, with how many of each."""
    return dict(unmatched(article_words(pages).elements(), extracted_words(text).elements()))


def missing_words(pages: tuple[ManuscriptPage, ...], pdf: Path) -> dict[str, int]:
    """Article words of ``pages`` that pdfminer does not read back from ``pdf``."""
    return missing_from_text(pages, extract_text(pdf))
