"""Hostile text in a PDF (controls, bidirectional overrides, zero-width characters) is dropped
at extraction, from the lines and from the document info, so the index never holds it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from indexer.config import Settings
from indexer.extract import extract_pdf
from indexer.index import ArticleIndex
from indexer.pipeline import build_index

# NUL, BEL, ESC (with the start of a terminal sequence), a C1 CSI, a right-to-left override,
# a left-to-right isolate, a zero-width space, a byte-order mark and a right-to-left mark
BAD = "\x00\x07\x1b\x9b\u202e\u2066\u200b\ufeff\u200f"
TITLE = "Night\x1b[31m\u202eOwl\x07 Bulletin\u200b"
AUTHOR = "Evil\x00 Author\u2066"
HEADING = "Operation NIGHT\x07JAR\u202e\u200b"
BODY = [
    f"Line {n}: police\x00 ran a county\x07 lines\x1b[2J workshop\u202e in Wales\u200b and "
    "the region\x9b."
    for n in range(14)
]


def never_shown(text: str) -> set[str]:
    """The characters of ``text`` that must never be shown: C0 and C1 controls but tab and line
    feed, bidirectional controls, zero-width characters."""
    return {
        char
        for char in text
        if (unicodedata.category(char) == "Cc" and char not in "\t\n")
        or char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        or char in "\u200b\u200c\u200d\u2060\ufeff"
    }


def _utf16(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def hostile_pdf(
    path: Path,
    *,
    title: str = TITLE,
    author: str = AUTHOR,
    heading: str = HEADING,
    body: list[str] = BODY,
) -> None:
    """A one-page PDF: a bold 20 pt heading over 10 pt body lines, its text and document info
    holding any characters at all. reportlab drops or replaces characters its fonts lack (NUL,
    BEL, ESC), so it is written by hand: a standard font whose ToUnicode map gives each
    non-ASCII character its own code from 0x80, as a producer that maps glyphs badly would."""
    codes: dict[str, int] = {}

    def shown(text: str) -> bytes:
        data = bytearray()
        for char in text:
            is_ascii = " " <= char <= "~"
            data.append(ord(char) if is_ascii else codes.setdefault(char, 0x80 + len(codes)))
        return b"<" + data.hex().encode() + b">"

    lines = [b"BT /F2 20 Tf 72 760 Td " + shown(heading) + b" Tj ET", b"BT /F1 10 Tf 72 720 Td"]
    lines += [b"14 TL", *(shown(line) + b" Tj T*" for line in body), b"ET"]
    content = b"\n".join(lines)
    bfchar = b"\n".join(b"<%02X> <%04X>" % (code, ord(char)) for char, code in codes.items())
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"1 beginbfrange <20> <7E> <0020> endbfrange\n"
        b"%d beginbfchar\n%s\nendbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end" % (len(codes), bfchar)
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding "
    font += b"/ToUnicode 7 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        font % b"Helvetica",
        font % b"Helvetica-Bold",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Title " + _utf16(title) + b" /Author " + _utf16(author) + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    path.write_bytes(bytes(out))


def test_the_hostile_pdf_really_holds_the_characters(tmp_path: Path) -> None:
    """The PDF's text layer maps to every hostile character (else the tests prove nothing)."""
    from pdfminer.high_level import extract_text

    hostile_pdf(tmp_path / "h.pdf")
    raw = extract_text(str(tmp_path / "h.pdf"))
    assert {"\x00", "\x07", "\x1b", "\x9b", "\u202e", "\u200b"} <= set(raw)


def test_extraction_drops_hostile_characters_from_lines_and_document_info(
    tmp_path: Path,
) -> None:
    hostile_pdf(tmp_path / "h.pdf")
    pdf = extract_pdf(tmp_path / "h.pdf")
    lines = [line.text for page in pdf.pages for line in page.lines]
    assert lines[0] == "Operation NIGHTJAR"
    assert lines[1] == "Line 0: police ran a county lines[2J workshop in Wales and the region."
    assert pdf.info["Title"] == "Night[31mOwl Bulletin"
    assert pdf.info["Author"] == "Evil Author"
    for text in [*lines, *pdf.info.values()]:
        assert not never_shown(text), repr(text)


def test_an_index_built_from_the_hostile_pdf_holds_none_of_them(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    hostile_pdf(corpus / "night-owl-3.pdf")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = build_index(settings)
    assert not report.failed, report.failed
    index = ArticleIndex(settings.index_dir)
    try:
        page = index.search("county lines workshop")
        assert page.total >= 1
        for hit in index.search("").results:
            for text in (
                hit.title,
                hit.section or "",
                hit.snippet,
                *map(str, hit.edition.values()),
            ):
                assert not never_shown(text), repr(text)
            view = index.article(hit.id, "county")
            assert view is not None
            assert not never_shown(view.body_html), repr(view.body_html)
    finally:
        index.close()
