"""The magazine layouts keep every word of the 7th edition's articles and are deterministic.

Text is read back with pdfminer.six. The hyphens the layouts add at line ends (U+2010 HYPHEN,
U+00AD SOFT HYPHEN) are removed, and a word counts when its two halves are there: pdfminer does
not always emit them together (a break at a column's foot, a loosely justified line read as
separate boxes, a drop cap read as a word of its own). The checks are in ``zoo_checks``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text

from tests.tools import zoo_checks
from tools.zoo.magazine import LAYOUTS, _hyphen_points


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_is_deterministic_and_keeps_every_word(tmp_path: Path, layout: str) -> None:
    pages = zoo_checks.seventh_pages()
    first = zoo_checks.assert_deterministic(LAYOUTS[layout], pages, tmp_path)
    text = extract_text(first)
    assert zoo_checks.missing_from_text(pages, text) == {}
    assert zoo_checks.SEVENTH_COVER.edition_line in text
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
    unmatched = zoo_checks.unmatched
    assert unmatched(["partnership", "work"], ["partner", "ship", "work"]) == {}
    assert unmatched(["welcome"], ["w", "elcome"]) == {}
    assert unmatched(["partnership"], ["partner"]) == {"partnership": 1}
    assert unmatched(["partnership", "partner"], ["partner", "ship"]) == {"partnership": 1}
    assert unmatched(["haha"], ["ha"]) == {"haha": 1}
    assert unmatched(["haha"], ["ha", "ha"]) == {}


def test_line_end_hyphens_split_words() -> None:
    needed = ["organised", "working", "help", "Welcome", "face", "to", "face"]
    text = "organ\u2010\nised work-\ning he\u00adlp W\n\nelcome face-to-\nface"
    found = zoo_checks.extracted_words(text)
    assert zoo_checks.unmatched(needed, found.elements()) == {}
    assert zoo_checks.unmatched(needed, (found - Counter(ised=1)).elements()) == {"organised": 1}
