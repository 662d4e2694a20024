"""The magazine layouts keep every word of the 7th edition's articles and are deterministic.

Text is read back with pdfminer.six. The hyphens the layouts add at line ends (U+2010 HYPHEN,
U+00AD SOFT HYPHEN) are removed, and a word counts when its two halves are there: pdfminer does
not always emit them together (a break at a column's foot, a loosely justified line read as
separate boxes, a drop cap read as a word of its own).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text

from tools.manuscript import ManuscriptPage, manuscript_articles, parse_manuscript, words
from tools.zoo.common import Cover
from tools.zoo.magazine import LAYOUTS, _hyphen_points

ROOT = Path(__file__).resolve().parents[2]
MANUSCRIPT = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
COVER = Cover(
    "SOC LOCAL PARTNERSHIPS BULLETIN",
    "Working together to tackle serious and organised crime",
    "Issue 07 | October 2017",
    "SOC Local Partnerships Bulletin · October 2017",
)
LINE_END_HYPHENS = re.compile("[\u2010\u00ad]")


@pytest.fixture(scope="module")
def pages() -> tuple[ManuscriptPage, ...]:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


def article_words(pages: tuple[ManuscriptPage, ...]) -> list[str]:
    """Every word of every article (titles, paragraphs and bullets), lower-cased."""
    found: list[str] = []
    for article in manuscript_articles(pages):
        found += words(article.title or "") + words(article.body)
    return [word.lower() for word in found]


def extracted_words(text: str) -> list[str]:
    """The words of extracted text, lower-cased; a hyphenated word gives its two halves."""
    return [word.lower() for word in words(LINE_END_HYPHENS.sub(" ", text))]


def missing_words(needed: list[str], found: list[str]) -> list[str]:
    """Needed words not in ``found`` (as a multiset), allowing a word split into two pieces."""
    pool = Counter(found)
    missing: list[str] = []
    for word in needed:
        if pool[word] > 0:
            pool[word] -= 1
        else:
            missing.append(word)
    still: list[str] = []
    for word in missing:
        for cut in range(1, len(word)):
            head, tail = word[:cut], word[cut:]
            if pool[head] > (head == tail) and pool[tail] > 0:
                pool[head] -= 1
                pool[tail] -= 1
                break
        else:
            still.append(word)
    return still


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_is_deterministic_and_keeps_every_word(
    pages: tuple[ManuscriptPage, ...], tmp_path: Path, layout: str
) -> None:
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    LAYOUTS[layout](pages, first, COVER)
    LAYOUTS[layout](pages, second, COVER)
    assert first.read_bytes() == second.read_bytes()
    text = extract_text(first)
    assert missing_words(article_words(pages), extracted_words(text)) == []
    assert COVER.edition_line in text
    if layout == "magazine-bold-titles":
        assert "\u2010" in text
    if layout == "magazine-picture-banners":
        assert "\u00ad" in text
    if layout in ("magazine-bold-titles", "magazine-picture-banners"):
        sections = {p.section for p in pages if p.section}
        assert sections
        assert not [s for s in sections if s in text], "banners there are pictures, not words"


def test_layout_names_carry_the_family() -> None:
    assert len(LAYOUTS) >= 4
    assert all(name.startswith("magazine-") for name in LAYOUTS)


@pytest.mark.parametrize(
    ("word", "breaks"),
    [
        ("partnership", ["part", "partner"]),
        ("Derbyshire", ["Der", "Derby"]),
        ("organised", ["or", "orga"]),
        ("improvement", ["im", "impro", "improve"]),
        ("people", []),
    ],
)
def test_hyphenation_breaks_between_syllables(word: str, breaks: list[str]) -> None:
    assert [word[:point] for point in _hyphen_points(word)] == breaks


def test_missing_words_allows_split_words() -> None:
    assert missing_words(["partnership", "work"], ["partner", "ship", "work"]) == []
    assert missing_words(["welcome"], ["w", "elcome"]) == []
    assert missing_words(["partnership"], ["partner"]) == ["partnership"]
