import os
from pathlib import Path

import pytest

from indexer.errors import ExtractionError
from indexer.extract import extract_pdf
from indexer.roles import assign_roles
from tests.conftest import SHIPPED_PDF
from tests.golden import check_golden


def test_shipped_edition_extraction_matches_golden(update_goldens: bool) -> None:
    pdf = extract_pdf(SHIPPED_PDF)
    pages = [
        {
            "page": page.number,
            "lines": [
                [s.line.text, s.line.size, s.line.bold, s.role.value]
                for s in assign_roles(pdf)
                if s.page == page.number
            ],
        }
        for page in pdf.pages
    ]
    check_golden("soc-07.extract.json", pages, update_goldens)


def test_layout_facts_of_the_shipped_edition() -> None:
    pdf = extract_pdf(SHIPPED_PDF)
    assert len(pdf.pages) == 20
    assert pdf.info["Author"] == "Home Office"
    title = next(line for line in pdf.pages[17].lines if line.text == "Operation SLATE")
    body = next(line for line in pdf.pages[17].lines if line.text.startswith("Op SLATE"))
    assert title.bold and not body.bold
    assert title.size > body.size * 1.5


def test_two_column_page_reads_left_column_first() -> None:
    """Page 1: the Welcome text (left column) precedes the READ contacts (right column)."""
    text = extract_pdf(SHIPPED_PDF).pages[0].text
    assert text.index("Summer seems to have passed") < text.index("Lucie Irving")
    assert text.index("John Penny Cook") < text.index("Lucie Irving")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not-a-pdf"),
        (b"<!DOCTYPE html><html><body>Not a PDF</body></html>", "not-a-pdf"),
        (b"%PDF-1.4\n%%EOF\n", "corrupt"),
        (SHIPPED_PDF.read_bytes()[:5000], "corrupt"),
    ],
    ids=["zero-bytes", "html-named-pdf", "header-only", "truncated"],
)
def test_bad_files_raise_classified_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(ExtractionError) as info:
        extract_pdf(path)
    assert info.value.reason == reason
    assert str(info.value) and "Traceback" not in str(info.value)


def test_password_protected_pdf_needs_password(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(
        str(path), encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
    )
    pdf.drawString(72, 720, "Secret bulletin")
    pdf.save()
    with pytest.raises(ExtractionError) as info:
        extract_pdf(path)
    assert info.value.reason == "needs-password"
    assert "Secret bulletin" in extract_pdf(path, password="secret").pages[0].text


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_pdf(tmp_path / "nope.pdf")
    assert info.value.reason == "removed"  # (it was listed in the corpus: it went away since)


def test_a_folder_or_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")  # opening it for reading must not hang
    for path in (tmp_path, tmp_path / "pipe.pdf"):
        with pytest.raises(ExtractionError) as info:
            extract_pdf(path)
        assert info.value.reason == "unreadable"


def _tiny_pdf(path: Path, outline: str, extra: tuple[str, ...] = ()) -> Path:
    """A one-page PDF whose catalog's /Outlines is object 6, written byte by byte."""
    text = "BT /F1 12 Tf 72 700 Td (Hello outline world) Tj ET"
    objects = (
        "<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        outline,
        *extra,
    )
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


@pytest.mark.parametrize(
    ("outline", "extra"),
    [
        ("6 0 R", ()),  # the outline is itself
        ("<< /First 7 0 R >>", ("<< /Title (A) /A 8 0 R >>", "8 0 R")),  # an action that is itself
        ("<< /First 7 0 R >>", ("<< /Title (A) /Dest 8 0 R >>", "8 0 R")),
        ("<< /First 7 0 R >>", ("<< /Title (A) /Dest [3 0 R /Fit] /Next 7 0 R >>",)),  # a loop
    ],
)
def test_an_outline_that_refers_to_itself_neither_hangs_nor_fails(
    tmp_path: Path, outline: str, extra: tuple[str, ...]
) -> None:
    pdf = extract_pdf(_tiny_pdf(tmp_path / "loop.pdf", outline, extra))
    assert pdf.pages[0].text == "Hello outline world"
    assert [b.title for b in pdf.outline] in ([], ["A"])


def test_bookmarks_point_at_their_pages(tmp_path: Path) -> None:
    outline = "<< /First 7 0 R >>"
    entries = (
        "<< /Title (Hello) /Dest [3 0 R /Fit] /Next 8 0 R >>",
        "<< /Title (Gone) /Dest [99 /Fit] >>",
    )
    pdf = extract_pdf(_tiny_pdf(tmp_path / "marks.pdf", outline, entries))
    assert [(b.title, b.page, b.level) for b in pdf.outline] == [("Hello", 1, 1)]


def test_cards_with_rounded_corners_are_frames_and_their_logos_pictures(tmp_path: Path) -> None:
    """A card drawn as a rounded rectangle (outlined or tinted) is a frame around its text; a
    logo drawn inside a card is a picture, though it touches the card; a circle is no frame."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "cards.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setStrokeColorRGB(0.8, 0.85, 0.88)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.roundRect(35, 400, 255, 400, 8, stroke=1, fill=0)  # outlined card
    pdf.setFillColorRGB(0.9, 0.95, 1)
    pdf.roundRect(305, 400, 255, 400, 8, stroke=0, fill=1)  # tinted card
    pdf.setFillColorRGB(0.1, 0.4, 0.5)
    pdf.circle(120, 700, 60, stroke=0, fill=1)  # a logo in the first card
    pdf.circle(450, 200, 60, stroke=1, fill=1)  # a circle on the page: no frame
    pdf.setFillColorRGB(0, 0, 0)
    for x in (45, 315):
        for i in range(8):
            pdf.drawString(x, 600 - 14 * i, "Partners met in the spring to agree the plan.")
    pdf.save()
    page = extract_pdf(path).pages[0]
    assert [tuple(round(v) for v in box) for box in page.boxes] == [
        (35, 42, 290, 442),
        (305, 42, 560, 442),
    ]
    assert sorted(tuple(round(v) for v in box) for box in page.pictures) == [
        (60, 82, 180, 202),
        (390, 582, 510, 702),
    ]


def _tagged_pdf(tmp_path: Path, body: str) -> Path:
    """A tagged PDF printed by Chromium from ``body``, its bookmarks taken out (so only the
    structure tree says what is a heading)."""
    import pikepdf

    from tools.render_html import find_chromium
    from tools.zoo.html import print_to_pdf

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    path = tmp_path / "tagged.pdf"
    style = "h1, h2, p { font: 11pt serif; margin: 0 0 8pt 0; }"
    print_to_pdf(f"<html><style>{style}</style><body>{body}</body></html>", path, tagged=True)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if "/Outlines" in pdf.Root:
            del pdf.Root.Outlines
        pdf.save(path)
    return path


PARAGRAPH = (
    "Partners met in the spring to agree how the new scheme would run across the county, "
    "and officers shared what they had learned about the groups involved."
)


def test_a_tagged_pdf_s_structure_names_each_line_s_type(tmp_path: Path) -> None:
    path = _tagged_pdf(tmp_path, f"<h1>Rural crime</h1><p>{PARAGRAPH}</p>")
    lines = extract_pdf(path).pages[0].lines
    assert [(line.text, line.tag) for line in lines][:1] == [("Rural crime", "H1")]
    assert {line.tag for line in lines[1:]} == {"P"}


def test_headings_set_like_the_body_are_titles_when_the_structure_says_so(
    tmp_path: Path,
) -> None:
    """Headings in the body's own size, weight and colour: nothing in how they are set tells
    them from the text, only the tagged structure does."""
    from indexer.split import split_articles

    titles = ("Rural crime", "Fly-tipping", "Rogue traders")
    body = "".join(f"<h2>{title}</h2><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>" for title in titles)
    articles = split_articles(extract_pdf(_tagged_pdf(tmp_path, body)), "t")
    assert [a.title for a in articles] == list(titles)


def test_a_structure_tree_that_refers_to_itself_neither_hangs_nor_fails(tmp_path: Path) -> None:
    import pikepdf

    path = _tagged_pdf(tmp_path, f"<h1>Rural crime</h1><p>{PARAGRAPH}</p>")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.StructTreeRoot
        element = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.P, K=pikepdf.Array()))
        element.K.append(element)  # an element that is its own kid
        root.K = pikepdf.Array([element, root.K])
        pdf.save(path)
    lines = extract_pdf(path).pages[0].lines
    assert lines[0].text == "Rural crime"


def test_a_picture_in_a_column_carries_the_column_s_flow_past_it(tmp_path: Path) -> None:
    """Text, a picture, more text in the left column; a short right column; a footer across
    the gutter (so the page is cut into bands first). The left column's text under the
    picture is read before the right column, not after it."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "picture.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    for i in range(8):
        pdf.drawString(54, 760 - 14 * i, f"Left above {i} partners met to agree the plan.")
    pdf.setFillColorRGB(0.2, 0.4, 0.2)
    pdf.circle(130, 570, 70, stroke=0, fill=1)  # the picture, in the left column's flow
    pdf.setFillColorRGB(0, 0, 0)
    for i in range(4):
        pdf.drawString(54, 480 - 14 * i, f"Left below {i} partners met to agree the plan.")
    for i in range(4):
        pdf.drawString(315, 760 - 14 * i, f"Right {i} the column beside it is short.")
    pdf.drawCentredString(297, 40, "Partnership Bulletin, April 2019: a footer across the gutter")
    pdf.save()
    texts = [line.text for line in extract_pdf(path).pages[0].lines]
    assert texts.index("Left below 3 partners met to agree the plan.") < texts.index(
        "Right 0 the column beside it is short."
    )


def test_a_justified_line_cut_into_pieces_is_one_line_again(tmp_path: Path) -> None:
    """pdfminer cuts a loosely justified line at its widest spaces into boxes of their own;
    they are put back together in order. Lines side by side in two columns stay apart."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "justified.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont("Helvetica", 9)
    for i in range(4):
        top = 700 - 11 * i
        pdf.drawString(36, top, f"Left column line {i} about the fly-tipping figures")
        if i == 2:  # a line of the right column spaced out by justification
            for x, word in ((300, "months"), (356, "to October,"), (430, "the")):
                pdf.drawString(x, top, word)
        else:
            pdf.drawString(300, top, f"Right column line {i} on rural crime news")
    pdf.save()
    texts = [line.text for line in extract_pdf(path).pages[0].lines]
    assert "months to October, the" in texts
    assert "Left column line 2 about the fly-tipping figures" in texts


def test_two_columns_under_a_full_width_paragraph_are_not_joined(tmp_path: Path) -> None:
    """Justified lines side by side in two columns, their baselines level, under a justified
    paragraph as wide as both: each column's lines stay its own (only the pieces of one
    justified line are joined)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    words = [
        "partners",
        "met",
        "in",
        "the",
        "spring",
        "to",
        "agree",
        "how",
        "the",
        "new",
        "scheme",
        "would",
        "run",
        "across",
    ]

    def justified(x: float, y: float, width: float, seed: int) -> None:
        line: list[str] = []
        while (
            stringWidth(" ".join([*line, words[(seed + len(line)) % len(words)]]), "Helvetica", 10)
            < width - 8
        ):
            line.append(words[(seed + len(line)) % len(words)])
        text = pdf.beginText(x, y)
        text.setFont("Helvetica", 10)
        text.setWordSpace((width - stringWidth(" ".join(line), "Helvetica", 10)) / (len(line) - 1))
        text.textLine(" ".join(line))
        pdf.drawText(text)

    path = tmp_path / "columns.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(612, 792))
    for k in range(3):
        justified(72, 720 - 12 * k, 468, k)
    for k in range(8):
        justified(72, 672 - 12 * k, 219, k)
        justified(321, 672 - 12 * k, 219, k + 5)
    pdf.save()
    lines = extract_pdf(path).pages[0].lines
    assert len(lines) == 19
    assert all(line.x1 - line.x0 < 230 for line in lines[3:])


def test_a_link_lands_on_its_line_on_a_page_whose_mediabox_is_moved(tmp_path: Path) -> None:
    import pikepdf
    from reportlab.pdfgen import canvas

    path = tmp_path / "moved.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(612, 1092))
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 1000, "Continued inside")
    pdf.drawString(72, 800, "Body text on the first page that is no link.")
    pdf.linkAbsolute("", "rest", Rect=(70, 995, 200, 1015))
    pdf.showPage()
    pdf.bookmarkPage("rest")
    pdf.drawString(72, 1000, "The rest of the story.")
    pdf.save()
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        for page in doc.pages:
            page.MediaBox = [0, 300, 612, 1092]  # the page starts 300 pt up
        doc.save(path)
    links = {line.text: line.link for line in extract_pdf(path).pages[0].lines}
    assert links == {"Continued inside": 2, "Body text on the first page that is no link.": 0}


def test_an_open_path_like_a_chart_s_axes_is_no_frame(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "axes.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setStrokeColorRGB(0.2, 0.2, 0.6)
    axes = pdf.beginPath()
    axes.moveTo(72, 572)
    axes.lineTo(72, 372)
    axes.lineTo(330, 372)
    pdf.drawPath(axes, stroke=1, fill=0)
    for i in range(5):
        pdf.drawString(90, 540 - 20 * i, f"Label {i} of the chart")
    pdf.save()
    assert extract_pdf(path).pages[0].boxes == ()
