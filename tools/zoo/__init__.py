"""The layout zoo: the same manuscripts laid out the ways real newsletters are made.

Each layout imitates one producer's habits (Word, InDesign, Publisher, a browser, a scanner;
see each family's module), and every manuscript goes through every layout, so the splitter can
be scored on each (``bulletins evaluate --segmentation``). Output is deterministic: the same
code gives the same bytes.

Usage::

    python -m tools.zoo OUT_DIR [--only SUBSTRING ...]

writes ``OUT_DIR/<manuscript>--<layout>.pdf`` and, beside each, ``.truth.json``: the articles
(title, section, body) and the cover's edition number and date, taken from the manuscript.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.segmentation import ExpectedArticle, Truth, truth_json
from tools.manuscript import (
    ManuscriptPage,
    edition_line,
    manuscript_articles,
    parse_manuscript,
    plain_text,
)
from tools.zoo.common import Cover, Render

ROOT = Path(__file__).resolve().parents[2]
SEVENTH = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
FICTIONAL = Path(__file__).resolve().parent / "manuscripts"
SEVENTH_COVERS = (
    "Issue 07 | October 2017",
    "SOC Local Partnerships Bulletin — October 2017 — Issue 7",
    "Seventh edition, October 2017",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Manuscript:
    """A manuscript and what its cover states: the truth for every layout of it."""

    name: str
    pages: tuple[ManuscriptPage, ...]
    number: int
    date: str  # "YYYY-MM"
    covers: tuple[str, ...]  # the cover wordings the layouts take in turn

    def cover(self, index: int) -> Cover:
        masthead = next(b.text for p in self.pages for b in p.blocks if b.kind == "masthead")
        tagline = next((b.text for p in self.pages for b in p.blocks if b.kind == "tagline"), None)
        year, month = self.date.split("-")
        name = " ".join(w if len(w) <= 3 else w.capitalize() for w in masthead.split())
        return Cover(
            masthead,
            tagline,
            self.covers[index % len(self.covers)],
            f"{name} · {MONTHS[int(month) - 1]} {year}",
        )

    def truth(self, ocr: bool) -> Truth:
        articles = tuple(
            ExpectedArticle(a.title, a.section, a.body) for a in manuscript_articles(self.pages)
        )
        return Truth(articles, self.number, self.date, ocr)


def manuscripts() -> list[Manuscript]:
    """The 7th edition and the fictional editions (each says its number and date in a
    ``// cover: NUMBER YYYY-MM`` comment)."""
    found = [
        Manuscript(
            "soc-07",
            parse_manuscript(SEVENTH.read_text(encoding="utf-8")),
            7,
            "2017-10",
            SEVENTH_COVERS,
        )
    ]
    for path in sorted(FICTIONAL.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        stated = next(
            (
                line.split(":", 1)[1].split()
                for line in text.splitlines()
                if line.startswith("// cover:")
            ),
            None,
        )
        if stated is None:
            raise ValueError(f"{path.name} has no '// cover: NUMBER YYYY-MM' comment")
        pages = parse_manuscript(text)
        line = edition_line(pages)
        if line is None:
            raise ValueError(f"{path.name} has no @edition line")
        found.append(Manuscript(path.stem, pages, int(stated[0]), stated[1], (plain_text(line),)))
    return found


@dataclass(frozen=True)
class Layout:
    render: Render
    ocr: bool  # its PDF is a scan, read with OCR
    manuscripts: tuple[str, ...] | None  # only these manuscripts (OCR is slow); None: all


def layouts() -> dict[str, Layout]:
    """Every layout by name."""
    from tools.zoo import classic, html, magazine, publisher, scan, word

    found: dict[str, Layout] = {}
    for module in (classic, word, magazine, publisher, html, scan):
        ocr = bool(getattr(module, "needs_ocr", False))
        only = getattr(module, "MANUSCRIPTS", None)
        for name, render in module.LAYOUTS.items():
            found[name] = Layout(render, ocr, only)
    return found


def build(out: Path, only: Sequence[str] = ()) -> Iterator[Path]:
    """Render every manuscript through every layout into ``out``; yield each PDF written."""
    out.mkdir(parents=True, exist_ok=True)
    for index, (layout, kind) in enumerate(sorted(layouts().items())):
        for manuscript in manuscripts():
            name = f"{manuscript.name}--{layout}"
            if only and not any(part in name for part in only):
                continue
            if kind.manuscripts is not None and manuscript.name not in kind.manuscripts:
                continue
            pdf = out / f"{name}.pdf"
            kind.render(manuscript.pages, pdf, manuscript.cover(index))
            truth_data = truth_json(manuscript.truth(kind.ocr))
            truth = json.dumps(truth_data, indent=1, ensure_ascii=False)
            (out / f"{name}.truth.json").write_text(truth + "\n", encoding="utf-8")
            yield pdf


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.zoo", description=__doc__)
    parser.add_argument("out", type=Path, help="folder for the PDFs and their truth files")
    parser.add_argument(
        "--only", action="append", default=[], help="only names containing this (repeatable)"
    )
    args = parser.parse_args(argv)
    for pdf in build(args.out, args.only):
        print(pdf)


if __name__ == "__main__":
    main()
