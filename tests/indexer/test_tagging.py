"""Tagger rules, on small gazetteers made here (the shipped one is tested in test_entities)."""

import pytest

from indexer.tagging.gazetteer import Entity, Gazetteer
from indexer.tagging.tagger import tag_article
from indexer.tagging.tokens import key

E = Entity
GAZ = Gazetteer.build(
    [
        E("place", "united-kingdom", "United Kingdom", aliases=("UK",), hints=("nation",)),
        E("place", "england", "England", parent="united-kingdom", hints=("nation",)),
        E(
            "place",
            "north-east",
            "North East",
            aliases=("North-East",),
            parent="england",
            hints=("region",),
        ),
        E("place", "middlesbrough", "Middlesbrough", parent="north-east", hints=("unitary",)),
        E("place", "durham", "Durham", parent="north-east", hints=("county", "also-agency")),
        E("place", "march", "March", parent="england", hints=("town",)),
        E(
            "agency",
            "durham-constabulary",
            "Durham Constabulary",
            parent="place:durham",
            hints=("police-force",),
        ),
        E("agency", "environment-agency", "Environment Agency", hints=("regulator",)),
        E(
            "agency",
            "hmrc",
            "HM Revenue & Customs",
            aliases=("HM Revenue and Customs",),
            acronyms=("HMRC",),
        ),
        E(
            "agency",
            "nca",
            "National Crime Agency",
            acronyms=("NCA",),
            former=(("Serious Organised Crime Agency", 2013), ("SOCA", 2013)),
        ),
        E("agency", "home-office", "Home Office"),
        E("programme", "prevent", "Prevent", hints=("common-word",)),
        E("operation", "slate", "Operation Slate", aliases=("Op Slate",)),
        E(
            "theme",
            "county-lines",
            "County lines",
            aliases=("county lines", "deal line"),
            hints=("min=1",),
        ),
        E("theme", "fraud", "Fraud", aliases=("fraud", "fraudulent", "scam"), hints=("min=2",)),
    ]
)


def mentions(text: str, title: str = "") -> list[tuple[str, str, str, str]]:
    tagged = tag_article(title, text, GAZ)
    return [(m.type, m.id, m.text, m.how) for m in tagged.mentions]


def test_longest_match_wins() -> None:
    assert mentions("Durham Constabulary and Durham.") == [
        ("agency", "durham-constabulary", "Durham Constabulary", "name"),
        ("region", "durham", "Durham", "name"),
    ]


def test_acronyms_are_case_sensitive() -> None:
    assert mentions("HMRC and hmrc") == [("agency", "hmrc", "HMRC", "acronym")]


def test_ampersand_and_and_are_the_same_name() -> None:
    assert [m[1] for m in mentions("HM Revenue and Customs; HM Revenue & Customs")] == [
        "hmrc",
        "hmrc",
    ]


def test_former_names_resolve_to_the_current_entity() -> None:
    assert mentions("SOCA, the Serious Organised Crime Agency") == [
        ("agency", "nca", "SOCA", "former-name"),
        ("agency", "nca", "Serious Organised Crime Agency", "former-name"),
    ]


def test_acronym_defined_in_the_text() -> None:
    got = mentions("the Environment Agency (EA) said. Later the EA acted.")
    assert [(m[2], m[3]) for m in got] == [
        ("Environment Agency", "name"),
        ("EA", "defined-acronym"),
        ("EA", "defined-acronym"),
    ]


def test_no_near_matches() -> None:
    """A misspelling is found only as the gazetteer's alias (the shipped one lists
    "Middleborough"): a near match would also make Washington Warrington, Hartford Hertford."""
    assert mentions("a site in Middleborough who") == []
    assert mentions("a site in Middlesbrough who") == [
        ("region", "middlesbrough", "Middlesbrough", "name")
    ]


def test_prevent_the_programme_and_prevent_the_verb() -> None:
    assert mentions("to prevent harm. SOC Prevent funding") == [
        ("programme", "prevent", "Prevent", "name")
    ]
    assert mentions("", title="Prevent Projects 2017/18") == [
        ("programme", "prevent", "Prevent", "name")
    ]
    assert mentions("Prevent it from happening.") == []


def test_months_are_not_towns() -> None:
    assert mentions("In March, the UK") == [("region", "united-kingdom", "UK", "name")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Op SLATE the investigation", ("slate", "Operation Slate", "Op SLATE")),
        (
            "launch Operation Guardian, their brand",
            ("guardian", "Operation Guardian", "Operation Guardian"),
        ),
        ("under Op. Trident today", ("trident", "Operation Trident", "Op. Trident")),
        ("OPERATION AJAXIS began", ("ajaxis", "Operation Ajaxis", "OPERATION AJAXIS")),
    ],
)
def test_operations_by_rule(text: str, expected: tuple[str, str, str]) -> None:
    tagged = tag_article("", text, GAZ)
    assert [(m.id, m.label, m.text) for m in tagged.mentions if m.type == "operation"] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "the operation of the scheme",
        "an Op-ed piece",
        "Head of Operations Manager",
        "Operation Manager Jones",
        "our operation. Then",
    ],
)
def test_operation_false_positives_are_rejected(text: str) -> None:
    assert [m for m in tag_article("", text, GAZ).mentions if m.type == "operation"] == []


def test_themes_need_their_minimum_of_hits() -> None:
    one = tag_article("", "a fraud case on a deal line", GAZ)
    assert one.entities.get("theme") == [("county-lines", "County lines")]
    two = tag_article("", "a fraud, then a scam", GAZ)
    assert two.entities["theme"] == [("fraud", "Fraud")]


def test_region_filter_ids_include_containing_places_and_agency_areas() -> None:
    tagged = tag_article("", "Middlesbrough and Durham Constabulary", GAZ)
    assert tagged.filters["region"] == [
        "middlesbrough",
        "north-east",
        "england",
        "united-kingdom",
        "durham",
    ]
    assert tagged.entities["region"] == [("middlesbrough", "Middlesbrough")]


def test_offsets_point_at_the_mention() -> None:
    body = "The Home Office's team met HMRC."
    for m in tag_article("Title", body, GAZ).mentions:
        assert body[m.start : m.end] == m.text


def test_resolve_any_spelling() -> None:
    assert GAZ.resolve("agency", "hm revenue and customs").id == "hmrc"  # type: ignore[union-attr]
    assert GAZ.resolve("agency", "HMRC").id == "hmrc"  # type: ignore[union-attr]
    assert GAZ.resolve("agency", "soca").id == "nca"  # type: ignore[union-attr]
    assert GAZ.resolve("agency", "nobody") is None


# --- unfamiliar text: names the gazetteer holds that mean something else there ---------------
# (the whole of it: tests/data/unfamiliar/, scored by test_entities and `bulletins evaluate`)

UNFAMILIAR = Gazetteer.build(
    [
        E("place", "united-kingdom", "United Kingdom", aliases=("UK",), hints=("nation",)),
        E("place", "england", "England", parent="united-kingdom", hints=("nation",)),
        E("place", "london", "London", parent="england", hints=("region",)),
        E("place", "cambridge", "Cambridge", parent="england", hints=("district", "city")),
        E("place", "durham", "Durham", parent="england", hints=("city", "also-agency")),
        E("place", "perth", "Perth", parent="united-kingdom", hints=("city",)),
        E("place", "kent", "Kent", parent="england", hints=("county",)),
        E("place", "york", "York", parent="england", hints=("unitary", "city")),
        E("place", "reading", "Reading", parent="england", hints=("unitary", "common-word")),
        E("place", "wells", "Wells", parent="england", hints=("city", "common-word")),
        E("place", "wales", "Wales", parent="united-kingdom", hints=("nation",)),
        E("place", "south-wales", "South Wales", parent="wales", hints=("police-force-area",)),
        E("place", "north-east", "North East", parent="england", hints=("region",)),
        E("place", "west-sussex", "West Sussex", parent="england", hints=("county",)),
        E("place", "st-ives", "St Ives", parent="england", hints=("town",)),
        E("place", "midlands", "Midlands", aliases=("the Midlands",), hints=("informal-region",)),
        E("place", "hereford", "Hereford", parent="england", hints=("city",)),
        E("place", "suffolk", "Suffolk", parent="england", hints=("county",)),
        E("agency", "kent-police", "Kent Police", parent="place:kent", hints=("police-force",)),
        E("agency", "home-office", "Home Office", hints=("government-department",)),
        E("agency", "salvation-army", "The Salvation Army", hints=("partner",)),
        E("agency", "border-force", "Border Force", hints=("national-agency",)),
        E("agency", "cps", "Crown Prosecution Service", acronyms=("CPS",)),
        E("agency", "environment-agency", "Environment Agency", acronyms=("EA",)),
        E("agency", "sia", "Security Industry Authority", acronyms=("SIA",)),
        E("programme", "prevent", "Prevent", hints=("common-word",)),
        E("programme", "peel", "PEEL", acronyms=("PEEL",), hints=("common-word",)),
        E("theme", "county-lines", "County lines", aliases=("county lines",), hints=("min=1",)),
        E(
            "theme",
            "child-sexual-exploitation",
            "Child sexual exploitation",
            aliases=("child sexual exploitation",),
            acronyms=("CSE",),
            hints=("min=1",),
        ),
        E("theme", "missing-persons", "Missing persons", aliases=("runaways",), hints=("min=1",)),
        E("theme", "drugs", "Drugs", aliases=("drugs", "heroin"), hints=("min=1",)),
        E(
            "theme",
            "firearms",
            "Firearms",
            aliases=("firearms", "shooting", "guns", "ammunition"),
            hints=("min=1",),
        ),
        E(
            "theme",
            "knife-crime",
            "Knife crime",
            aliases=("knife crime", "knife", "stabbing", "stabbed"),
            hints=("min=1",),
        ),
        E("theme", "fraud", "Fraud", aliases=("fraud", "fraudsters"), hints=("min=1",)),
    ]
)


def found(text: str, title: str = "") -> list[tuple[str, str]]:
    """(type, id) of the mentions, themes as the article's themes."""
    tagged = tag_article(title, text, UNFAMILIAR)
    names = [(m.type, m.id) for m in tagged.mentions if m.type != "theme"]
    return names + [("theme", id_) for id_, _ in tagged.entities.get("theme", [])]


def test_a_place_qualified_as_elsewhere_is_not_the_uk_one() -> None:
    assert found("a conference in Perth, Australia, last week") == []
    assert found("students in Cambridge, Massachusetts. In Cambridge they met") == []
    assert found("Walks in England.", title="Notes from Durham") == [
        ("region", "durham"),
        ("region", "england"),
    ]
    assert found("We were in Durham, North Carolina, then England.", title="Notes from Durham") == [
        ("region", "england")
    ]
    assert found("visitors from Cambridge, England, came") == [
        ("region", "cambridge"),
        ("region", "england"),
    ]
    assert found("offices in London, Paris and Berlin") == [("region", "london")]  # a list


def test_a_place_run_on_from_a_capitalised_word_is_part_of_a_longer_name() -> None:
    assert found("universities in New England and a hospital in New York") == []
    assert found("the group led by Professor Kent Hollis said") == []
    assert found("gangs in South London. Across England, forces") == [
        ("region", "london"),
        ("region", "england"),
    ]


def test_a_common_word_run_on_into_a_name_is_not_the_entity() -> None:
    assert found("visit the Reading Room, thanks to the Wells Fargo Foundation") == []
    assert found("", title="How We Prevent Lab Fires") == []
    assert found("Prevent funding for schools in Reading and Wells.") == [
        ("programme", "prevent"),
        ("region", "reading"),
        ("region", "wells"),
    ]


def test_an_acronym_defined_as_something_else_is_not_the_gazetteers() -> None:
    assert found("The Cyber-Physical Systems (CPS) group. CPS research grew.") == []
    assert found("Computer Science and Engineering (CSE) students") == []
    assert found("the Crown Prosecution Service (CPS). The CPS charged him") == [
        ("agency", "cps"),
        ("agency", "cps"),
        ("agency", "cps"),
    ]
    assert found("Crown Prosecution Services (CPS) said") == [("agency", "cps")]  # a misprint
    assert found("child sexual exploitation (CSE)") == [("theme", "child-sexual-exploitation")]


PRICE_LIST = """Code Test Price

STAB Thermal stability screening $40

PEEL 90-degree peel adhesion $55

EA Elemental analysis $30

Book through the portal."""


def test_codes_heading_the_rows_of_a_table_are_no_names_or_words() -> None:
    assert found(PRICE_LIST) == []
    contacts = "Contacts:\n\nCPS Duty lawyer 0800 111\n\nEA Incident line 0800 222"
    assert found(contacts) == [("agency", "cps"), ("agency", "environment-agency")]
    assert found("EA Elemental analysis costs $30.") == [("agency", "environment-agency")]


def test_words_of_a_line_in_capitals_are_no_acronyms() -> None:
    assert found("Photographs by SIA BERGSTROM") == []
    assert found("licensed by the SIA and the CPS") == [("agency", "sia"), ("agency", "cps")]


def test_a_one_word_theme_cue_is_one_of_its_listed_forms() -> None:
    county_lines = "Later, county lines dealers were arrested."
    assert found(f"Runaway, a nine-year-old mare, won. {county_lines}") == [
        ("theme", "county-lines")
    ]
    assert found(f"a book on the heroine in road movies. {county_lines}") == [
        ("theme", "county-lines")
    ]
    assert found(f"STAB is the code. {county_lines}") == [("theme", "county-lines")]
    assert found(f"runaways and {county_lines}") == [
        ("theme", "missing-persons"),
        ("theme", "county-lines"),
    ]


def test_a_theme_resting_on_one_lone_word_needs_a_second_cue() -> None:
    assert found("shooting begins in May on the department's short film") == []
    assert found('a screening of "The Runaways" and a knife skills class') == []
    assert found("guns and ammunition") == [("theme", "firearms")]
    assert found("a shooting, then another shooting") == [("theme", "firearms")]
    assert found("sign up to our fraud alerts") == [("theme", "fraud")]  # the theme's own name
    assert found("a shooting near a county lines trap house") == [
        ("theme", "firearms"),
        ("theme", "county-lines"),
    ]


def test_a_theme_phrase_does_not_run_over_a_line_break() -> None:
    assert found("Shuttle 1 Field sites across Averill County\n\nLines 4 and 7 North gate") == []
    assert found("tackling county lines\n\nLines 4 and 7") == [("theme", "county-lines")]


# --- a place's name alone is weak evidence: names the UK shares with the English-speaking world

ARTICLE = "Article"  # a title: running text, where a name needs its context (a query has none)


def test_a_one_word_place_counts_only_where_the_article_says_the_uk() -> None:
    """Lincoln and Christchurch are New Zealand's too: a one-word place needs a mark of the UK
    in its article (the UK or a nation, a place by a longer name, a body of the UK state, a
    pound amount, a UK telephone number or postcode)."""
    nz = "Soil scientists at Lincoln University near Christchurch found that pugging hurts."
    assert found(nz, title=ARTICLE) == []
    assert found("Cambridge showgrounds drew a crowd", title="A good day at Cambridge") == []
    assert found("Burglaries in Kent rose, Kent Police said.", title=ARTICLE) == [
        ("region", "kent"),
        ("agency", "kent-police"),
    ]
    assert found("Burglaries in Kent and West Sussex rose.", title=ARTICLE) == [
        ("region", "kent"),
        ("region", "west-sussex"),
    ]
    assert found("Fines in Kent reached £400.", title=ARTICLE) == [("region", "kent")]
    assert found("The Kent office: call 01632 960 000.", title=ARTICLE) == [("region", "kent")]
    assert found("The Kent office: call 07 555 0192.", title=ARTICLE) == []  # not a UK number
    assert found("The Kent office, ME14 1XX.", title=ARTICLE) == [("region", "kent")]
    assert found("The Kent branch of The Salvation Army", title=ARTICLE) == [
        ("agency", "salvation-army")  # charities are everywhere
    ]
    assert found("Leeds, Kent and York", title=ARTICLE) == []  # places do not vouch for places


def test_an_article_on_the_archives_subject_is_set_in_the_uk_unless_it_says_otherwise() -> None:
    """An archive of UK policing bulletins: an article about one of its crime themes, named by
    a phrase of the theme's vocabulary, is taken as set in the UK where it marks no other
    country; a word like "fraud" is everyone's."""
    assert found("Kent partners met about county lines.", title=ARTICLE) == [
        ("region", "kent"),
        ("theme", "county-lines"),
    ]
    assert found("Kent partners met about fraud and fraudsters.", title=ARTICLE) == [
        ("theme", "fraud")
    ]
    assert found("Kent partners in Ontario met about county lines.", title=ARTICLE) == [
        ("theme", "county-lines")
    ]


def test_compass_points_and_saints_alone_are_places_in_doubt_too() -> None:
    assert found("farms in the North East and St Ives", title=ARTICLE) == []
    assert found("The Midlands had rain.", title=ARTICLE) == []  # one word of its own
    assert found("farms in the North East and St Ives, England", title=ARTICLE) == [
        ("region", "north-east"),
        ("region", "st-ives"),
        ("region", "england"),
    ]


def test_a_text_without_a_title_is_a_query_and_needs_no_context() -> None:
    assert found("burglaries in kent") == []  # (query.py recases what is typed)
    assert found("burglaries in Kent") == [("region", "kent")]
    assert tag_article("", "Kent", UNFAMILIAR, running_text=True).mentions == ()
    assert len(tag_article("Title", "Kent", UNFAMILIAR, running_text=False).mentions) == 1


def test_where_the_article_marks_another_country_the_paragraph_must_say_the_uk() -> None:
    """An article that names New Zealand, a state, or prices in dollars is set elsewhere, at
    least in part: a one-word place there needs a mark of the UK in its own paragraph and
    none of the other country."""
    text = (
        "Our exports to the UK grew.\n\n"
        "The Cambridge showgrounds drew a crowd in New Zealand.\n\n"
        "Burglaries in Kent rose, Kent Police said."
    )
    assert found(text, title=ARTICLE) == [
        ("region", "united-kingdom"),
        ("region", "kent"),
        ("agency", "kent-police"),
    ]
    prices = "The Home Office in London explained.\n\nThe university spent $90 million."
    assert found(prices, title=ARTICLE) == [("agency", "home-office"), ("region", "london")]
    assert found("The Home Office in London spent $90 million.", title=ARTICLE) == [
        ("agency", "home-office")
    ]
    assert found("The UK and Ontario sent teams to York.", title=ARTICLE) == [
        ("region", "united-kingdom")
    ]
    qualified = "Exports to the UK.\n\nA trip to Perth, Western Australia, and Kent."
    assert found(qualified, title=ARTICLE) == [("region", "united-kingdom")]
    assert found("A trip to Perth, Western Australia, and to York, England.", title=ARTICLE) == [
        ("region", "york"),
        ("region", "england"),
    ]


def test_a_place_run_on_from_a_capitalised_word_in_a_longer_name_is_part_of_it() -> None:
    """ "New South Wales": not South Wales, nor Wales after South."""
    assert found("exports to Newcastle, New South Wales, and to England", title=ARTICLE) == [
        ("region", "england")
    ]
    assert found("On 5 September South Wales saw rain.", title=ARTICLE) == [
        ("region", "south-wales")  # a month is no name's first word
    ]
    assert found("Walks in England.", title="Notes From Durham") == [
        ("region", "durham"),  # nor is a small word of a title in title case
        ("region", "england"),
    ]


def test_a_place_naming_a_breed_is_not_the_place() -> None:
    text = "In England, the champion Hereford bull and a Suffolk ram hogget won prizes."
    assert found(text, title=ARTICLE) == [("region", "england")]
    farmers = "Across England, Kent sheep farmers lost lambs to dogs in Suffolk."
    assert found(farmers, title=ARTICLE) == [
        ("region", "england"),
        ("region", "kent"),
        ("region", "suffolk"),
    ]


def test_a_place_as_a_persons_first_name_is_not_the_place() -> None:
    uk = "Sales to England grew.\n\n"
    assert found(uk + "Kent Morrison, Chair", title=ARTICLE) == [("region", "england")]
    assert found(uk + "The plan works, said Kent Morrison.", title=ARTICLE) == [
        ("region", "england")
    ]
    assert found(uk + "Kent Morrison chairs it. Morrison is new.", title=ARTICLE) == [
        ("region", "england")
    ]
    assert found(uk + "Kent Hall, where we met", title=ARTICLE) == [
        ("region", "england"),
        ("region", "kent"),  # a place's noun: the hall is Kent's
    ]
    assert found(uk + "Kent Morrison Hall opened; Morrison gave it.", title=ARTICLE) == [
        ("region", "england"),
        ("region", "kent"),  # a longer name: the hall named after Morrison is Kent's
    ]


def test_a_body_named_for_another_country_is_not_the_uks() -> None:
    assert found("The Australian Border Force seized it in Kent.", title=ARTICLE) == []
    assert found("The New Zealand Border Force", title=ARTICLE) == []
    assert found("In Australia, Border Force seized it.", title=ARTICLE) == [
        ("agency", "border-force")  # (as every country's own body would be: a limit)
    ]
    assert found("Border Force seized it in Kent.", title=ARTICLE) == [
        ("agency", "border-force"),
        ("region", "kent"),
    ]


def test_an_operation_needs_an_article_about_policing() -> None:
    def operations(body: str, title: str = ARTICLE) -> list[str]:
        return [
            m.id for m in tag_article(title, body, UNFAMILIAR).mentions if m.type == "operation"
        ]

    kiwi = "Kiwi eggs were hatched through Operation Nest Egg and released on the wetland."
    assert operations(kiwi) == []
    assert operations(kiwi + " Police are guarding the nests.") == ["nest-egg"]
    assert operations(kiwi, title="") == ["nest-egg"]  # a query
    assert operations("Operation Nest Egg began with the Home Office.") == ["nest-egg"]


def test_a_one_word_theme_cue_in_a_works_title_is_no_cue() -> None:
    book = 'In June we are reading the novel "The Fraud", set in Victorian London.'
    assert found(book, title='Book club: "The Fraud"') == []
    assert found("Next month we read The Fraud together.", title=ARTICLE) == []
    assert found('He called it "a fraud on the public".', title=ARTICLE) == [("theme", "fraud")]
    assert found('"Fraud is rising," the bank said.', title=ARTICLE) == [("theme", "fraud")]
    assert found("The Fraud team met.", title=ARTICLE) == [("theme", "fraud")]  # a sentence's "The"


def test_no_name_of_elsewhere_is_a_uk_place() -> None:
    """The names that mark another country (setting.py) are none of the gazetteer's places."""
    from indexer.tagging.setting import ELSEWHERE

    shipped = Gazetteer.load()
    assert [
        name
        for name in ELSEWHERE
        for entity, _, _ in shipped.names(key(name))
        if entity.type == "place"
    ] == []


def test_marks_of_a_setting() -> None:
    from indexer.tagging.setting import elsewhere_marks, uk_marks

    assert uk_marks("£40 or GBP 40; +44 20 7946 0000; 020 7946 0000; call 999; a.gov.uk") == [
        0, 7, 15, 33, 48, 63,
    ]  # fmt: skip
    assert uk_marks("0800 111 222; 07 555 0192; (555) 555-0100; 1 555 0100; SW1A 2AA") == [55]
    assert elsewhere_marks("$40, NZ$5, USD 3, +64 7 555 0192, +1 555") == [0, 5, 11, 18, 34]
    assert elsewhere_marks("New Zealand, U.S., Washington, D.C., NSW and New South Wales") == [
        0, 13, 19, 37, 45,
    ]  # fmt: skip
    assert elsewhere_marks("Washington, Victoria, Nelson, Perth, Canterbury") == []
