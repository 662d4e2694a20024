"""Tagger rules, on small gazetteers made here (the shipped one is tested in test_entities)."""

import pytest

from indexer.tagging.gazetteer import Entity, Gazetteer
from indexer.tagging.tagger import tag_article

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
    assert found("", title="Notes from Durham") == [("region", "durham")]
    assert found("We were in Durham, North Carolina.", title="Notes from Durham") == []
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
