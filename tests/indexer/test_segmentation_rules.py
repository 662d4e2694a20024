"""Segmentation rules on pages built line by line: each test is one habit of a real producer
(see tools/zoo for whole editions laid out with them)."""

from __future__ import annotations

from indexer.editions import infer_from_pdf
from indexer.models import Article, Line
from indexer.split import split_edition
from tests.indexer.layout_kit import BODY, HEIGHT, LOREM, Column, document, margin_line, page

SHORT = "A short note on the partnership, its members and its plans for the coming months."


def titles(*pages_: object) -> list[str]:
    return [a.title for a in split_edition(document(*pages_), "t").articles]  # type: ignore[arg-type]


def articles(*pages_: object) -> tuple[Article, ...]:
    return split_edition(document(*pages_), "t").articles  # type: ignore[arg-type]


def test_titles_one_point_above_the_body_are_titles() -> None:
    """Word's Heading 1 at 11 pt over 10 pt text: no fixed ratio would see it."""
    col = Column()
    for name in ("Rural crime", "Fly-tipping", "Rogue traders"):
        col.add(name, size=BODY + 1, bold=True, colour="#2f5496", width=90, gap=12)
        col.paragraph()
    assert titles(page(1, col)) == ["Rural crime", "Fly-tipping", "Rogue traders"]


def test_titles_at_body_size_told_apart_by_weight_and_colour_not_lead_ins() -> None:
    col = Column()
    for name in ("Invoice fraud", "Money mules", "Cash businesses"):
        col.add(name, bold=True, colour="#1d5c96", width=80, gap=12)
        # a bold lead-in that fills the line and runs on in its paragraph is not a title
        col.add("Simple checks stop most attempts: never change payment details on", bold=True)
        col.add("the strength of one email, and call the supplier back.", new_block=False)
        col.paragraph()
    assert titles(page(1, col)) == ["Invoice fraud", "Money mules", "Cash businesses"]


def test_a_lead_story_s_bigger_headline_does_not_demote_the_other_titles() -> None:
    col = Column()
    col.add("PARTNERSHIP BULLETIN", size=40, bold=True)
    col.add("Partners close county lines", size=26, bold=True, width=400, gap=10)
    col.paragraph()
    for name in ("Peer support team", "Engagement", "Funding news"):
        col.add(name, size=15, bold=True, width=150, gap=12)
        col.paragraph()
    assert titles(page(1, col)) == [
        "Partners close county lines",
        "Peer support team",
        "Engagement",
        "Funding news",
    ]


def test_pull_quotes_and_captions_are_in_no_title_and_no_body() -> None:
    col = Column()
    col.add("PARTNERSHIP BULLETIN", size=40, bold=True)
    col.add("Operation Slate", size=18, bold=True, width=150, gap=10)
    col.paragraph()
    quote = "Councils offered data on licensed premises and housing so that visits could be"
    col.add("“" + quote, size=16, italic=True, colour="#b4491c", gap=8)
    col.add("planned.”", size=16, italic=True, colour="#b4491c", new_block=False, width=80)
    col.add("Picture: officers at the briefing in Crawley", size=7, italic=True, gap=8)
    col.paragraph(SHORT)
    col.add("Op Guardian", size=18, bold=True, width=150, gap=12)
    col.paragraph()
    found = articles(page(1, col))
    assert [a.title for a in found] == ["Operation Slate", "Op Guardian"]
    assert found[0].body.count("Councils offered data") == 1
    assert "Picture:" not in found[0].body
    assert SHORT in found[0].body


def test_running_headers_name_the_section_and_stay_out_of_bodies() -> None:
    pages = []
    for number, section in enumerate(["From the centre", "From the centre", "What's new"], 1):
        col = Column()
        col.add(f"Article on page {number}", size=13, bold=True, width=150)
        col.paragraph()
        header = margin_line(f"Partnership Bulletin | {section}", 30)
        footer = margin_line(f"Partnership Bulletin · page {number}", HEIGHT - 40)
        pages.append(page(number, col, extra=(header, footer)))
    found = articles(*pages)
    assert [a.section for a in found] == ["From the centre", "From the centre", "What's new"]
    assert all("Partnership Bulletin" not in a.body for a in found)


def test_headers_naming_a_section_on_one_page_each_are_section_headers() -> None:
    """A short edition: each section's name heads one page only, set alike at the same
    place (right-aligned, smaller than the body)."""
    pages = []
    for number, section in enumerate(["ALERTS AND INTELLIGENCE", "CASE STUDIES"], 1):
        col = Column()
        col.add(f"Article on page {number}", size=13, bold=True, width=150)
        col.paragraph()
        width = 6.0 * len(section)
        header = Line(section, 545 - width, 30, 545, 38.5, 8.5, False, "Helvetica", 97)
        pages.append(page(number, col, extra=(header,)))
    found = articles(*pages)
    assert [a.section for a in found] == ["ALERTS AND INTELLIGENCE", "CASE STUDIES"]
    assert all("ALERTS" not in a.body and "CASE" not in a.body for a in found)


def test_a_small_tag_above_a_title_is_its_section() -> None:
    col = Column()
    for tag, name in (("FROM THE CENTRE", "Peer support"), ("WHAT'S NEW", "Take Five")):
        col.add(tag, size=7, bold=True, colour="#538135", width=90, gap=12)
        col.add(name, size=15, bold=True, width=120)
        col.paragraph()
    found = articles(page(1, col))
    assert [(a.title, a.section) for a in found] == [
        ("Peer support", "FROM THE CENTRE"),
        ("Take Five", "WHAT'S NEW"),
    ]


def test_a_sidebar_in_a_tinted_box_is_not_part_of_the_story() -> None:
    col = Column()
    col.add("Rogue traders", size=15, bold=True, width=120)
    col.paragraph()
    top = col.top + 6
    col.add("Find out more", bold=True, width=80, gap=6)
    col.add("Call the helpline on 01632 960 101", width=180)
    col.add("or visit the council's website", width=150)
    bottom = col.top
    col.paragraph(SHORT)
    box = (45.0, top - 2, 300.0, bottom + 2)
    found = articles(page(1, col, boxes=(box,)))
    assert [a.title for a in found] == ["Rogue traders"]
    assert "helpline" not in found[0].body
    assert SHORT in found[0].body


def test_a_story_that_jumps_stays_one_article() -> None:
    first, later = Column(), Column()
    first.add("Welcome", size=15, bold=True, width=100)
    first.paragraph()
    first.add("Continued on page 3", size=8, italic=True, width=100, gap=4)
    first.add("Engagement", size=15, bold=True, width=100, gap=12)
    first.paragraph()
    later.add("Welcome (continued)", size=15, bold=True, width=160)
    later.add("(continued from page 1)", size=8, italic=True, width=100)
    later.paragraph(SHORT)
    filler = Column()
    filler.add("Rural crime", size=15, bold=True, width=100)
    filler.paragraph()
    found = articles(page(1, first), page(2, filler), page(3, later))
    assert [a.title for a in found] == ["Welcome", "Engagement", "Rural crime"]
    assert found[0].pages == (1, 3)
    assert found[0].body.endswith(SHORT)
    assert "continued" not in found[0].body.lower()


def test_a_picture_standing_for_a_heading_starts_an_untitled_article() -> None:
    col = Column()
    col.add("Proceeds of crime", size=15, bold=True, width=150)
    col.paragraph()
    logo_top = col.top + 10
    col.top = logo_top + 80  # the logo: a drawing with no words
    col.paragraph("The Gangmasters and Labour Abuse Authority protects vulnerable workers. " * 3)
    found = articles(page(1, col, pictures=((50.0, logo_top, 200.0, logo_top + 70),)))
    assert [a.title_from for a in found] == ["heading", "first-sentence"]
    assert found[1].body.startswith("The Gangmasters")


def test_the_cover_statement_is_no_title_and_wins_over_the_text() -> None:
    col = Column()
    col.add("NORTHSHIRE COMMUNITY SAFETY NEWSLETTER", size=26, bold=True)
    col.add("Eighth edition, January 2018", size=10, bold=True, width=180, gap=4)
    col.add("Welcome", size=15, bold=True, width=100, gap=12)
    col.paragraph("Our third conference, held in March 2015, and our 12th issue. " + LOREM)
    col.add("Rogue traders", size=15, bold=True, width=100, gap=12)
    col.paragraph()
    pdf = document(page(1, col))
    edited = split_edition(pdf, "t")
    assert [a.title for a in edited.articles] == ["Welcome", "Rogue traders"]
    found = infer_from_pdf(pdf, edited.front_matter)
    assert (found["number"], found["date"]) == (8, "2018-01")


def test_a_document_without_headings_gets_an_article_per_page_with_real_titles() -> None:
    pages = []
    for number in (1, 2):
        col = Column()
        col.add(f"{number}", width=10)  # a bare page number first: never a title
        col.paragraph()
        col.paragraph()
        pages.append(page(number, col))
    found = articles(*pages)
    assert [a.pages for a in found] == [(1,), (2,)]
    assert all(a.title.startswith("Partners met in the spring") for a in found)


def test_a_short_edition_s_footer_is_furniture_from_two_pages() -> None:
    pages = []
    for number in (1, 2, 3):
        col = Column()
        col.add(f"Story {number}", size=15, bold=True, width=100)
        col.paragraph()
        extra = () if number == 1 else (margin_line("Harbourside Update · January 2018", 800),)
        pages.append(page(number, col, extra=extra))
    assert all("Harbourside Update" not in a.body for a in articles(*pages))


def test_an_inside_this_issue_list_is_no_article_s_text() -> None:
    """The list stands beside the first story, so without the rule it reads as its text."""
    masthead = Column()
    masthead.add("PARTNERSHIP BULLETIN", size=40, bold=True)
    first = Column(x1=300, top=masthead.top + 20)
    first.add("Welcome", size=15, bold=True, width=100)
    first.paragraph(words_per_line=6)
    names = ["Rural crime", "Rogue traders", "Doorstep fraud", "Youth diversion"]
    box = Column(x0=330, x1=545, top=masthead.top + 20)
    box.block = 50
    box.add("Inside this issue", size=9, bold=True, width=90)
    for n, name in enumerate(names, 2):
        box.add(f"{name} .... {n}", size=9, width=120)
    later = Column()
    for name in names:
        later.add(name, size=15, bold=True, width=140, gap=12)
        later.paragraph()
    found = articles(page(1, masthead, first, box), page(2, later))
    assert [a.title for a in found] == ["Welcome", *names]
    assert all("...." not in a.body for a in found)


def test_the_pdf_s_bookmarks_name_titles_set_like_the_text() -> None:
    """Titles set exactly like the body text, found only through the PDF's outline."""
    from dataclasses import replace

    from indexer.models import Bookmark

    col = Column()
    for name in ("Rural crime", "Rogue traders"):
        col.add(name, width=80, gap=12)
        col.paragraph()
    pdf = replace(
        document(page(1, col)),
        outline=(Bookmark("Rural crime", 1, 1), Bookmark("Roguetraders", 1, 1)),
    )
    assert [a.title for a in split_edition(pdf, "t").articles] == ["Rural crime", "Rogue traders"]


def test_a_cover_statement_standing_alone_is_no_article_s_text() -> None:
    """A tagline set as a heading, then the edition statement in its own block as plain text:
    neither is an article."""
    col = Column()
    col.add("REGIONAL ECONOMIC CRIME BULLETIN", size=30, bold=True)
    col.add("Sharing what works against fraud", size=12, italic=True, width=200, gap=4)
    col.add("Regional Economic Crime Bulletin — April 2019 — Issue 10", width=300, gap=4)
    for name in ("Foreword", "Invoice fraud"):
        col.add(name, bold=True, colour="#1d5c96", width=80, gap=12)
        col.paragraph()
    pdf = document(page(1, col))
    edited = split_edition(pdf, "t")
    assert [a.title for a in edited.articles] == ["Foreword", "Invoice fraud"]
    assert "April 2019" in edited.front_matter


def test_a_title_ending_in_discontinued_is_no_jump() -> None:
    col = Column()
    for name in ("Night bus service discontinued", "Rural crime"):
        col.add(name, size=15, bold=True, width=200, gap=12)
        col.paragraph()
    assert titles(page(1, col)) == ["Night bus service discontinued", "Rural crime"]


def _card(col: Column, tag: str | None, title: str | None, text: str) -> None:
    if tag:
        col.add(tag, size=7, bold=True, colour="#1d5c96", width=60, gap=4)
    if title:
        col.add(title, size=12, bold=True, colour="#1d5c96", width=120)
    col.paragraph(text)


def test_cards_side_by_side_that_run_on_to_the_next_page_stay_apart() -> None:
    """Two cards at a page's foot go on in two frames at the next page's head (an e-mail
    builder's layout): each story keeps its own continuation."""
    peel, peer = "PEEL inspections " + LOREM, "A peer support team " + SHORT
    left, right = Column(x0=45, x1=285, top=600), Column(x0=315, x1=555, top=600)
    _card(left, "FROM THE CENTRE", "PEEL and beyond", peel)
    _card(right, "FROM THE CENTRE", "Peer support team", peer)
    more_left, more_right = Column(x0=45, x1=285, top=40), Column(x0=315, x1=555, top=40)
    more_left.paragraph("the inspections found that most forces were good at tackling it.")
    more_right.paragraph("the team will share best practice with the College of Policing.")
    after = Column(x0=45, x1=555, top=300)
    _card(after, "WHAT'S NEW", "Take Five", LOREM)
    foot = HEIGHT - 40
    found = articles(
        page(1, left, right, boxes=((35, 590, 295, foot), (305, 590, 565, foot))),
        page(
            2,
            more_left,
            more_right,
            after,
            boxes=((35, 36, 295, 200), (305, 36, 565, 200), (35, 290, 565, foot)),
        ),
    )
    assert [a.title for a in found] == ["PEEL and beyond", "Peer support team", "Take Five"]
    assert found[0].body.endswith("good at tackling it.")
    assert found[1].body.endswith("College of Policing.")
    assert found[0].pages == found[1].pages == (1, 2)


def test_cards_that_end_above_the_page_s_foot_do_not_run_on() -> None:
    """Cards that end with room below them are whole: the cards heading the next page are
    new stories, even without a title of their own (a logo heads one)."""
    left, right = Column(x0=45, x1=285, top=400), Column(x0=315, x1=555, top=400)
    _card(left, "PROTECTING PEOPLE", "Doorstep fraud", LOREM)
    _card(right, "PROTECTING PEOPLE", "Second Chances", LOREM)
    more_left, more_right = Column(x0=45, x1=285, top=140), Column(x0=315, x1=555, top=40)
    more_left.paragraph("The partnership brings together the council and the police. " * 2)
    more_right.paragraph("Contact the partnership team at the council offices any weekday.")
    found = articles(
        page(1, left, right, boxes=((35, 390, 295, 600), (305, 390, 565, 600))),
        page(
            2,
            more_left,
            more_right,
            boxes=((35, 36, 295, 400), (305, 36, 565, HEIGHT - 40)),
            pictures=((50, 50, 200, 130),),
        ),
    )
    assert [a.title for a in found][:2] == ["Doorstep fraud", "Second Chances"]
    assert "partnership brings together" not in found[0].body + found[1].body
    assert "Contact the partnership" not in found[0].body


def test_a_title_broken_between_columns_is_one_title() -> None:
    """A browser may break a long title at a column's foot: its words go on, in lower case,
    at the head of the next column."""
    left, right = Column(x0=50, x1=290, top=600), Column(x0=310, x1=545, top=90, block=50)
    left.add("Second Chances youth", size=16, bold=True, width=180, gap=12)
    left.add("diversion scheme reaches", size=16, bold=True, width=190, new_block=False)
    right.add("its first milestone", size=16, bold=True, width=150)
    right.paragraph()
    lead = Column()
    lead.add("Welcome", size=16, bold=True, width=100)
    lead.paragraph(LOREM + " " + LOREM)
    lead.top = 400
    lead.paragraph()
    found = articles(page(1, lead, left, right))
    assert [a.title for a in found] == [
        "Welcome",
        "Second Chances youth diversion scheme reaches its first milestone",
    ]


def test_a_footer_beside_the_page_number_is_furniture_on_a_single_page() -> None:
    """A footer printed on one page only (a two-page edition whose cover has none) is still a
    footer: it shares the page number's row."""
    col = Column()
    col.add("Contact the partnership", size=15, bold=True, width=160)
    col.paragraph()
    footer = margin_line("Regional Economic Crime Partnership Bulletin · April 2019", HEIGHT - 36)
    number = Line("Page 2", 520.0, HEIGHT - 36, 545.0, HEIGHT - 28, 8.0, False, "Helvetica", 98)
    cover = Column()
    cover.add("Foreword", size=15, bold=True, width=100)
    cover.paragraph()
    found = articles(page(1, cover), page(2, col, extra=(footer, number)))
    assert found[-1].title == "Contact the partnership"
    assert "Regional Economic" not in found[-1].body


def test_a_bold_lead_in_of_ragged_text_is_no_title() -> None:
    """Ragged-right text: a bold first line shorter than the next is still a lead-in when
    the next line's first word would not have fitted after it."""
    col = Column()
    col.add("Foreword", bold=True, width=60, gap=12)
    col.add("Welcome to the spring bulletin of the Wessmoor Regional", bold=True, width=245)
    col.add(
        "Economic Crime Partnership. Since our ninth bulletin went out",
        width=280,
        new_block=False,
    )
    col.paragraph()
    assert titles(page(1, col)) == ["Foreword"]


def test_a_sentence_running_on_under_a_banner_picture_is_not_a_new_story() -> None:
    """A picture banner across the page's top heads every column: the second column's first
    line, right under it, goes on with the sentence the first column broke off."""
    left, right = Column(x0=50, x1=290, top=120), Column(x0=310, x1=545, top=82, block=50)
    left.add("Business Crime Hub", size=15, bold=True, width=160)
    left.paragraph(LOREM)
    left.add("The advisers run free clinics every month in Eastbridge, Carrow", gap=6)
    right.add("Hythe and Tolworth Green, where members meet the police and trading standards.")
    right.paragraph(SHORT)
    found = articles(page(1, left, right, pictures=((36.0, 40.0, 559.0, 66.0),)))
    assert [a.title for a in found] == ["Business Crime Hub"]
    assert "Carrow Hythe and Tolworth" in found[0].body


def test_a_pull_quote_of_a_sentence_broken_between_columns_around_a_footer() -> None:
    """The quoted sentence starts at one column's foot and ends at the next column's head;
    the page's footer is read between the two. The quote is still the article's own words."""
    left, right = Column(x0=50, x1=290), Column(x0=310, x1=545, block=50)
    left.add("Rural crime", size=18, bold=True, width=150)
    left.paragraph(LOREM)
    left.add("Thefts fell by a fifth, the rural crime team reports. Quad", gap=6)
    footer = Column(top=HEIGHT - 40, block=90)
    footer.lines.append(margin_line("Northshire Newsletter · December 2016", HEIGHT - 40))
    right.add("bikes, trailers and power tools are still the main targets of thieves.")
    quote = "“Quad bikes, trailers and power tools are still the main targets of thieves.”"
    right.add(quote, size=16, italic=True, gap=8)
    right.paragraph(SHORT)
    other = Column()  # a second page with the same footer: the footer runs
    other.add("Rogue traders", size=18, bold=True, width=150)
    other.paragraph()
    found = articles(
        page(1, left, footer, right),
        page(2, other, extra=(margin_line("Northshire Newsletter · December 2016", HEIGHT - 40),)),
    )
    assert found[0].body.count("power tools are still") == 1


def test_a_card_running_on_beside_one_that_ended_keeps_its_continuation() -> None:
    """Two cards at a page's foot; only the left one goes on (the right one's frame at the
    next page's head is empty). The left card's rest is not the right card's."""
    left, right = Column(x0=45, x1=285, top=600), Column(x0=315, x1=555, top=600, block=20)
    _card(left, "PREVENTION", "E-bikes and e-scooters", LOREM)
    _card(right, "WATER SAFETY", "Open water season", SHORT)
    more_left = Column(x0=45, x1=285, top=40, block=40)
    more_left.paragraph("Housing officers who see bikes in stairways are asked to report them.")
    after = Column(x0=315, x1=555, top=140, block=60)
    _card(after, "IN THE COMMUNITY", "Volunteer profile", LOREM)
    foot = HEIGHT - 40
    found = articles(
        page(1, left, right, boxes=((35, 590, 295, foot), (305, 590, 565, foot))),
        page(2, more_left, after, boxes=((35, 36, 295, 90), (305, 130, 565, 400))),
    )
    assert [a.title for a in found] == [
        "E-bikes and e-scooters",
        "Open water season",
        "Volunteer profile",
    ]
    assert found[0].body.endswith("asked to report them.")
    assert "Housing officers" not in found[1].body
