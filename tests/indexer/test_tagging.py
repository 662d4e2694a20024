"""Tagger rules, on a small gazetteer made here (the shipped one is tested in test_entities)."""

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


def test_guarded_fuzzy_match_of_a_misspelling() -> None:
    assert mentions("a site in Middleborough who") == [
        ("region", "middlesbrough", "Middleborough", "fuzzy")
    ]
    assert mentions("a site in Middlesex") == []  # not close enough to anything


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
    two = tag_article("", "fraud and more frauds", GAZ)
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
