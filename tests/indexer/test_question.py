"""How plain queries and questions are searched (indexer/index/_question.py, _mostof.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query

from indexer.index import ArticleIndex
from indexer.index._mostof import MostOf
from indexer.index._question import FILL, FUNCTION_WORDS, plan_query
from indexer.index._schema import DEFAULT_FIELDS, QUERY_FIELDS, build_schema
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.query import recogniser, searching_with
from indexer.tagging.tagger import tag_article
from tests.contract.test_search import EDITION, article

SCHEMA = build_schema()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def plan(text: str, gazetteer: Gazetteer | None = None):  # type: ignore[no-untyped-def]
    recognise = recogniser(gazetteer) if gazetteer else None
    return plan_query(text, SCHEMA, DEFAULT_FIELDS, QUERY_FIELDS, recognise)


def test_question_words_and_function_words_are_left_out() -> None:
    found = plan("what has been done on county lines in Wales?")
    assert found.words == ("county", "lines", "Wales")
    assert found.left_out == ("what", "has", "been", "done", "on", "in")
    assert {"the", "how", "who", "in", "been"} <= FUNCTION_WORDS
    assert "may" not in FUNCTION_WORDS  # a month


def test_a_query_of_function_words_only_searches_them() -> None:
    found = plan("who are we")
    assert found.words == ("who", "are", "we") and found.left_out == ()


def test_punctuation_around_words_and_contractions_are_not_words() -> None:
    found = plan("Is it rewriting its plan, and can councils help? It hasn't!")
    assert found.words == ("rewriting", "plan", "councils", "help")
    assert found.required is None  # "plan," is a word, not syntax that must match


def test_a_quoted_phrase_a_field_and_a_wildcard_stay_required() -> None:
    found = plan('"county lines" what about title:guardian exploit*')
    assert found.words == () and found.left_out == ("what", "about")
    required = str(found.required)
    assert 'body:"counti line"' in required
    assert "title:guardian" in required and "exploit*" in required


def test_operators_and_brackets_with_a_field_are_searched_as_written() -> None:
    for text in ("what AND county", "(what OR county) lines", "year:[2019 TO 2020] what"):
        found = plan(text)
        assert found.parts == () and found.left_out == (), text
    assert "body:what" in str(plan("what AND county").required)


def test_brackets_among_plain_words_are_punctuation(gazetteer: Gazetteer) -> None:
    found = plan("what does the GLAA (the Gangmasters and Labour Abuse Authority) do", gazetteer)
    assert found.words == ("GLAA",) and found.required is None  # one name, typed twice
    assert "brackets among plain words were read as punctuation" in found.reading.notes


def test_a_name_never_spans_syntax_or_punctuation(gazetteer: Gazetteer) -> None:
    assert plan("Revenue and title:customs Customs", gazetteer).recognised == ()
    assert [r.id for r in plan("Kent. Police", gazetteer).recognised] == ["kent"]
    assert [r.id for r in plan("Kent Police", gazetteer).recognised] == ["kent-police"]


def test_a_longer_name_in_lower_case_beats_a_shorter_one_typed_with_capitals(
    gazetteer: Gazetteer,
) -> None:
    recognise = recogniser(gazetteer)
    assert [r.id for r in recognise("south Wales police")] == ["south-wales-police"]
    assert [r.id for r in recognise("west Midlands police")] == ["west-midlands-police"]


def test_repeated_function_words_are_one_part_and_long_queries_are_capped() -> None:
    assert plan("who is who").words == ("who", "is")
    long = plan(" ".join(f"word{i}x" for i in range(30)))
    assert len(long.parts) == 16 and any("first 16 words" in n for n in long.reading.notes)


def test_a_word_typed_twice_is_one_part() -> None:
    assert plan("county county lines").words == ("county", "lines")


def test_names_are_one_part_matched_by_their_words_or_their_entity(gazetteer: Gazetteer) -> None:
    found = plan("what has Revenue and Customs done in wales", gazetteer)
    assert found.words == ("Revenue and Customs", "wales")
    assert [(r.type, r.id) for r in found.recognised] == [("agency", "hmrc"), ("region", "wales")]
    first = found.parts[0]
    assert isinstance(first, query.Or)
    assert query.Term("agency", "hmrc") in first.children() or any(
        isinstance(c, query.Term) and (c.fieldname, c.text) == ("agency", "hmrc")
        for c in first.children()
    )
    assert "and" not in str(first)  # the name's function words are not required either


def test_lower_case_names_are_recognised_but_not_everyday_words(gazetteer: Gazetteer) -> None:
    recognise = recogniser(gazetteer)
    assert [r.id for r in recognise("county lines in wales")] == ["county-lines", "wales"]
    assert [r.id for r in recognise("what does the glaa do")] == ["glaa"]
    assert [r.id for r in recognise("op ajaxis")] == ["ajaxis"]
    assert recognise("reading the peel report") == ()  # Reading, PEEL: everyday words too
    assert [r.id for r in recognise("Reading Borough Council")] != []


def test_the_match_loosens_a_part_at_a_time() -> None:
    found = plan("kent slavery cardiff")
    assert list(found.steps()) == [3, 2, 1]
    assert isinstance(found.query(2), MostOf) and found.query(2).minimum == 2
    assert isinstance(found.query(3), query.And)
    assert found.enough(1)  # a keyword query stops at the first step that finds anything
    question = plan("how do partners in kent tackle slavery")
    assert not question.enough(FILL - 1) and question.enough(FILL)


def _index(texts: list[tuple[str, str]], gazetteer: Gazetteer) -> ArticleIndex:
    """A fictional edition of the given (title, body) articles, in memory."""
    articles = [article(EDITION, n, title, body) for n, (title, body) in enumerate(texts, 1)]
    index = ArticleIndex(None, **searching_with(gazetteer))
    with index.batch() as writer:
        tags = {a.id: tag_article(a.title, a.body, gazetteer) for a in articles}
        writer.add_edition(EDITION, articles, tags, "t", "p")
    return index


def test_a_question_finds_the_article_the_old_all_words_rule_found_nothing_for(
    gazetteer: Gazetteer,
) -> None:
    index = _index(
        [
            ("Welcome", "The editor thanks everyone. Partners in Cardiff are busy."),
            ("County lines", "Police in Cardiff disrupted county lines gangs."),
            ("Fraud", "A fraud campaign for small firms."),
        ],
        gazetteer,
    )
    page = index.search("what has been done on county lines in Wales?")
    # Cardiff is in Wales: the article is filed under the region it never names
    assert [h.title for h in page.results] == ["County lines"]
    assert page.match == "all" and page.total == 1
    assert {(r.type, r.id) for r in page.recognised} == {
        ("theme", "county-lines"),
        ("region", "wales"),
    }
    data = page.to_json()
    assert data["left_out"] == ["what", "has", "been", "done", "on", "in"]
    assert {"type": "region", "id": "wales", "label": "Wales", "text": "Wales"} in data[
        "recognised"
    ]


def test_the_total_counts_what_was_needed_and_most_words_rank_first(
    gazetteer: Gazetteer,
) -> None:
    index = _index(
        [
            ("Kent", "Modern slavery in Kent."),
            ("Both", "Slavery and Cardiff, again slavery slavery slavery."),
            ("One", "Cardiff."),
        ],
        gazetteer,
    )
    page = index.search("kent slavery cardiff")
    assert (page.match, page.words_needed, page.total) == ("most", 2, 2)
    assert {h.title for h in page.results} == {"Kent", "Both"}
    assert index.search("kent slavery cardiff", relax=False).total == 0


def test_the_article_about_a_thing_ranks_above_one_that_names_it_in_passing(
    gazetteer: Gazetteer,
) -> None:
    passing = (
        "Welcome",
        "In this edition: news from the Gangmasters and Labour Abuse Authority, a review of "
        "fraud figures, a county lines workshop, cyber advice, the Home Office's new "
        "strategy, partnership work in Kent and Essex, training for licensing officers, "
        "and a profile of the National Crime Agency's regional teams. " * 2,
    )
    about = (
        "The Gangmasters and Labour Abuse Authority (GLAA) is the agency",
        "The GLAA protects vulnerable workers. GLAA officers investigate labour abuse.",
    )
    index = _index([passing, about], gazetteer)
    for text in ("GLAA", "what does the glaa do", "Gangmasters and Labour Abuse Authority"):
        assert index.search(text).results[0].title == about[0], text


def test_a_malformed_range_is_still_an_error_not_words(tmp_path: Path) -> None:
    from indexer.errors import SearchQueryError

    index = ArticleIndex(None)
    with pytest.raises(SearchQueryError):
        index.search("county AND")


def test_did_you_mean_corrects_a_question_and_leaves_its_function_words(
    shipped_index: ArticleIndex,
) -> None:
    page = shipped_index.search("what is the soc stratergy review about")
    assert page.did_you_mean == "what is the soc strategy review about"  # not "that is"
    assert page.match == "any"  # the misspelt word held by no article: loosened
    corrected = shipped_index.search(page.did_you_mean)
    assert corrected.results[0].title == "Serious and Organised Crime Strategy Review"


@pytest.mark.parametrize(
    "text",
    ["what has been done on county lines in Wales and London?", "kent slavery cardiff police"],
)
def test_a_facets_count_is_what_clicking_it_finds(shipped_index: ArticleIndex, text: str) -> None:
    """How many words a loosened search needs is chosen over the whole archive, so a filter
    narrows the same matches rather than loosening them again."""
    page = shipped_index.search(text, facet_limit=None)
    assert page.match != "all"
    checked = 0
    for type_ in ("theme", "region", "agency"):
        for value in page.facets.get(type_, []):
            narrowed = shipped_index.search(text, filters={type_: [value["id"]]})
            assert (narrowed.total, narrowed.words_needed) == (value["count"], page.words_needed)
            checked += 1
    assert checked > 5


def test_how_it_was_searched_is_said_right() -> None:
    from indexer.results import SearchPage

    def said(**fields: object) -> str | None:
        return SearchPage("q", 5, 1, 10, [], **fields).how_searched()  # type: ignore[arg-type]

    loosened = said(match="any", words=["a", "b", "c"], words_needed=1, with_every_word=1)
    assert loosened is not None and "only 1 article has every one of the 3" in loosened
    none_all = said(match="most", words=["a", "b", "c"], words_needed=2, with_every_word=0)
    assert none_all is not None and "no article has every one" in none_all
    assert "at least 2" in none_all
    phrase = said(words=["Wales"], required=['"county lines"'], left_out=["what", "is"])
    assert phrase == "Searched for “county lines”, “Wales” (left out: what, is)."
    nothing = said(read_as="", read_notes=["? was read as punctuation, not a wildcard"])
    assert nothing is not None and nothing.startswith("Nothing to search for")
    assert said() is None


def test_a_filter_narrows_a_loosened_question_rather_than_loosen_it_again(
    gazetteer: Gazetteer,
) -> None:
    texts = [(f"Kent {n}", "Modern slavery in Kent.") for n in range(9)]
    texts += [(f"Both {n}", "Modern slavery in Kent and Swansea.") for n in range(2)]
    texts += [("Swansea", "Slavery in Swansea.")]
    index = _index(texts, gazetteer)
    question = "what about slavery in kent and cardiff"
    page = index.search(question)
    assert (page.match, page.words_needed, page.total) == ("most", 2, 11)
    swansea = next(v for v in page.facets["region"] if v["id"] == "swansea")
    narrowed = index.search(question, filters={"region": ["swansea"]})
    assert narrowed.total == swansea["count"] == 2 and narrowed.words_needed == 2


def test_an_entity_field_takes_a_name_alias_or_acronym(shipped_index: ArticleIndex) -> None:
    by_id = {h.id for h in shipped_index.search("agency:glaa").results}
    assert by_id and {h.id for h in shipped_index.search("agency:GLAA").results} == by_id
    named = shipped_index.search("agency:Gangmasters").results  # a word, not a name: as typed
    assert named == []
    wales = shipped_index.search("region:Wales workshop").results
    assert [h.title for h in wales][:1] == ["Op GUARDIAN"]
