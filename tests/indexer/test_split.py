from collections import Counter

from indexer.extract import extract_pdf
from indexer.split import split_edition, title_from_text
from tests.conftest import SHIPPED_PDF
from tests.golden import check_golden

# The 7th edition's articles as the bulletin prints them (title, section, pages). The GLAA
# article's heading was a logo, so it has no title text.
EXPECTED = [
    ("Welcome", None, [1]),
    ("PEEL and beyond", "FROM THE CENTRE", [2]),
    ("Peer support team", "FROM THE CENTRE", [3]),
    ("Engagement", "FROM THE CENTRE", [3]),
    ("Police Transformation Funding", "FROM THE CENTRE", [4]),
    ("Serious and Organised Crime Strategy Review", "FROM THE CENTRE", [5, 6]),
    ("Take 5 and Cyber Aware", "WHAT'S NEW", [7, 8]),
    ("Prevent Projects 2017/18", "WHAT'S NEW", [9, 10]),
    ("Proceeds of Crime Act Statistics", "WHAT'S NEW", [11]),
    (None, "MEET THE...", [13, 14]),
    ("Metropolitan Police Service Organised Crime Advisors", "MEET THE...", [14, 15]),
    ("Employment Agency Standards Inspectorate", "MEET THE...", [16, 17]),
    ("Operation SLATE", "PARTNERSHIPS IN ACTION", [18]),
    ("Op GUARDIAN", "PARTNERSHIPS IN ACTION", [19, 20]),
    ("Crawley Serious and Organised Crime Hotel Seminar", "PARTNERSHIPS IN ACTION", [20]),
]


def shipped_articles():  # type: ignore[no-untyped-def]
    return split_edition(extract_pdf(SHIPPED_PDF), "soc-07")


def test_every_article_of_the_shipped_edition() -> None:
    articles = shipped_articles().articles
    got = [
        (a.title if a.title_from == "heading" else None, a.section, list(a.pages)) for a in articles
    ]
    assert got == EXPECTED


def test_article_split_matches_golden(update_goldens: bool) -> None:
    edited = shipped_articles()
    data = {
        "front_matter": edited.front_matter,
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "title_from": a.title_from,
                "section": a.section,
                "pages": list(a.pages),
                "body": a.body,
            }
            for a in edited.articles
        ],
    }
    check_golden("soc-07.articles.json", data, update_goldens)


def test_logo_headed_article_gets_a_title_from_its_first_sentence() -> None:
    glaa = shipped_articles().articles[9]
    assert glaa.title_from == "first-sentence"
    assert glaa.title.startswith("The Gangmasters and Labour Abuse Authority (GLAA)")
    assert glaa.body.startswith("The Gangmasters and Labour Abuse Authority")


def test_page_furniture_stays_out_of_bodies() -> None:
    edited = shipped_articles()
    for article in edited.articles:
        assert "SOC Local Partnerships Bulletin · October 2017" not in article.body
        assert "TOTAL POLICING" not in article.body
        assert "Department for Business, Energy &" not in article.body.split("\n\n")[0]
        assert "FROM THE CENTRE" not in article.body
        assert not any(p.strip().isdigit() for p in article.body.split("\n\n"))
    assert "Issue 07" in edited.front_matter


def test_article_continuing_across_a_page_break_stays_one() -> None:
    met = shipped_articles().articles[10]
    assert "running a network of brothels. Fifteen arrests" in met.body


def test_every_body_word_lands_in_exactly_one_article() -> None:
    """Nothing between the first and last heading is dropped or duplicated."""
    edited = shipped_articles()
    words = Counter(w for a in edited.articles for w in (a.title + " " + a.body).split())
    assert words["Middleborough"] == 1
    assert words["Ceredigion"] == 1


def test_title_from_text() -> None:
    assert title_from_text("Short one. Then more.") == "Short one"
    long = "The Gangmasters and Labour Abuse Authority (GLAA) is the agency charged with it."
    assert (
        title_from_text(long) == "The Gangmasters and Labour Abuse Authority (GLAA) is the agency…"
    )
    assert title_from_text("") == "Untitled article"


def test_a_title_from_text_keeps_a_leading_year_or_count() -> None:
    assert (
        title_from_text("2019 saw record numbers of arrests.")
        == "2019 saw record numbers of arrests"
    )
    assert title_from_text("2 The court heard the case.") == "The court heard the case"


def _jump_pdf(path: object, *, linked: bool) -> None:
    """Three pages: a story on page 1 that goes on on page 3, saying so only in words with no
    page number ("Continued inside", "Continued from the front page"), its links saying
    where; another story on page 2."""
    from reportlab.pdfgen import canvas

    sentence = "Partners met in the spring to agree how the new scheme would run. "
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.bookmarkPage("front")

    def story(title: str | None, words: str, top: float) -> float:
        if title:
            pdf.setFont("Helvetica-Bold", 16)
            pdf.drawString(54, top, title)
            top -= 24
        pdf.setFont("Helvetica", 10)
        for i in range(6):
            pdf.drawString(54, top - 14 * i, f"{words} {sentence}"[i * 3 : i * 3 + 80])
        return top - 14 * 6

    foot = story("Welcome", "Welcome to the seventh edition.", 780)
    pdf.setFont("Helvetica-Oblique", 8)
    pdf.drawString(54, foot - 8, "Continued inside")
    if linked:
        pdf.linkRect("", "rest", (50, foot - 12, 140, foot), relative=0)
    pdf.showPage()
    story("Rural crime", "Thefts from farms fell by a fifth.", 780)
    pdf.showPage()
    pdf.bookmarkPage("rest")
    pdf.setFont("Helvetica-Oblique", 8)
    pdf.drawString(54, 790, "Continued from the front page")
    if linked:
        pdf.linkRect("", "front", (50, 786, 200, 800), relative=0)
    story(None, "The rest of the welcome says goodbye.", 770)
    pdf.save()


def test_a_jump_that_names_no_page_follows_its_link(tmp_path: object) -> None:
    """ "Continued inside" linked to page 3: the story is one article; without the links the
    words alone cannot say where it goes."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    linked, plain = folder / "linked.pdf", folder / "plain.pdf"
    _jump_pdf(linked, linked=True)
    _jump_pdf(plain, linked=False)
    pages = extract_pdf(linked).pages
    assert [line.link for line in pages[0].lines if "Continued" in line.text] == [3]
    found = split_edition(extract_pdf(linked), "j").articles
    assert [a.title for a in found] == ["Welcome", "Rural crime"]
    assert found[0].pages == (1, 3) and "says goodbye" in found[0].body
    assert "Continued" not in found[0].body
    unlinked = split_edition(extract_pdf(plain), "j").articles
    assert "says goodbye" not in unlinked[0].body
