"""The Publisher-style layouts keep every word of the 7th edition, deterministically.

Each layout renders the manuscript twice (same bytes), and pdfminer must read back every word of
every article: boxes, jumps and shuffled content order may move text around, never lose it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from tests.tools import zoo_checks
from tools.zoo.publisher import LAYOUTS, SPECS


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
def test_layout_keeps_every_word(name: str, tmp_path: Path) -> None:
    pages = zoo_checks.seventh_pages()
    first = zoo_checks.assert_deterministic(LAYOUTS[name], pages, tmp_path)

    text = extract_text(first)
    missing = zoo_checks.missing_from_text(pages, text)
    assert not missing, f"{name} lost words: {sorted(missing)[:20]}"
    assert zoo_checks.SEVENTH_COVER.edition_line in text
    assert "Page 2" in text


@pytest.mark.parametrize("name", [s.name for s in SPECS if s.markers])
def test_jumps_are_links(name: str, tmp_path: Path) -> None:
    """Each "Continued on page N" is a link to page N, each "(continued from page M)" one back
    to page M."""
    out = tmp_path / "out.pdf"
    LAYOUTS[name](zoo_checks.seventh_pages(), out, zoo_checks.SEVENTH_COVER)
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
