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
