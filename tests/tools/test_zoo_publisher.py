"""The Publisher-style layouts keep every word of the 7th edition, deterministically.

Each layout renders the manuscript twice (same bytes), and pdfminer must read back every word of
every article: boxes, jumps and shuffled content order may move text around, never lose it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from tools.manuscript import ManuscriptPage, manuscript_articles, parse_manuscript, words
from tools.zoo.common import Cover
from tools.zoo.publisher import LAYOUTS, SPECS

ROOT = Path(__file__).resolve().parents[2]
MANUSCRIPT = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
COVER = Cover(
    "SOC LOCAL PARTNERSHIPS BULLETIN",
    "Working together to tackle serious and organised crime",
    "Issue 07 | October 2017",
    "SOC Local Partnerships Bulletin · October 2017",
)
_LINE_END_HYPHEN = re.compile(r"-\s*\n\s*")


@pytest.fixture(scope="module")
def pages() -> tuple[ManuscriptPage, ...]:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


def found_words(text: str) -> Counter[str]:
    """Words of extracted text, whether a line-end hyphen is kept (``face-to-``/``face``) or
    removed (``organ-``/``ised``): a word counts if either reading has it."""
    text = text.replace("\u00ad", "")
    kept = Counter(words(_LINE_END_HYPHEN.sub("-", text)))
    joined = Counter(words(_LINE_END_HYPHEN.sub("", text)))
    return kept | joined


def test_every_feature_is_in_two_layouts() -> None:
    assert set(LAYOUTS) == {spec.name for spec in SPECS}
    assert len(LAYOUTS) >= 3
    assert all(name.startswith("publisher-") for name in LAYOUTS)
    features = {
        "lead": [s.lead for s in SPECS],
        "inside": [s.inside for s in SPECS],
        "tags": [s.tags for s in SPECS],
        "jumps": [s.markers for s in SPECS],
        "out of order": [s.order != "reading" for s in SPECS],
        "mixed widths": [len(set(s.cover_lanes)) > 1 for s in SPECS],
    }
    for feature, flags in features.items():
        assert sum(flags) >= 2, feature


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_keeps_every_word(
    name: str, pages: tuple[ManuscriptPage, ...], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    LAYOUTS[name](pages, first, COVER)
    LAYOUTS[name](pages, second, COVER)
    assert first.read_bytes() == second.read_bytes()

    text = extract_text(first)
    needed = Counter(
        word
        for article in manuscript_articles(pages)
        for word in words(f"{article.title or ''}\n{article.body}")
    )
    missing = needed - found_words(text)
    assert not missing, f"{name} lost words: {sorted(missing.elements())[:20]}"
    assert COVER.edition_line in text
    assert "Page 2" in text


@pytest.mark.parametrize("name", [s.name for s in SPECS if s.markers])
def test_jumps_are_links(name: str, pages: tuple[ManuscriptPage, ...], tmp_path: Path) -> None:
    """Each "Continued on page N" is a link to page N, each "(continued from page M)" one back
    to page M."""
    out = tmp_path / "out.pdf"
    LAYOUTS[name](pages, out, COVER)
    forward: list[int] = []
    backward: list[int] = []
    with out.open("rb") as handle:
        document = PDFDocument(PDFParser(handle))
        all_pages = list(PDFPage.create_pages(document))
        number = {page.pageid: i + 1 for i, page in enumerate(all_pages)}
        for source, page in enumerate(all_pages, start=1):
            for ref in resolve1(page.annots) or []:
                annot = resolve1(ref)
                if resolve1(annot["Subtype"]).name == "Link":
                    target = number[resolve1(annot["Dest"])[0].objid]
                    (forward if target > source else backward).append(target)
    text = extract_text(out)
    jumps = [int(n) for n in re.findall(r"Continued on page (\d+)", text)]
    returns = [int(n) for n in re.findall(r"\(continued from page (\d+)\)", text)]
    assert jumps, "no story jumps"
    assert sorted(forward) == sorted(jumps)
    assert sorted(backward) == sorted(returns)
