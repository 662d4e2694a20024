import re
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.backend import ArchiveIndex
from indexer.errors import IndexNotFoundError, SearchQueryError
from indexer.index import ArticleIndex
from indexer.models import Article, Edition

EDITION = Edition(
    id="ed-1",
    title="Test Bulletin",
    number=3,
    date="2019-04",
    publisher=None,
    file="ed-1.pdf",
    source="corpus/ed-1.pdf",
)
OLDER = Edition(
    id="ed-0",
    title="Test Bulletin",
    number=2,
    date="2018-01",
    publisher=None,
    file="ed-0.pdf",
    source="corpus/ed-0.pdf",
)


def article(
    edition: Edition, ordinal: int, title: str, body: str, section: str = "NEWS"
) -> Article:
    return Article(
        id=f"{edition.id}:{ordinal}",
        edition_id=edition.id,
        ordinal=ordinal,
        title=title,
        title_from="heading",
        section=section,
        pages=(ordinal, ordinal + 1),
        body=body,
    )


@pytest.fixture
def index(engine: type[ArticleIndex]) -> ArchiveIndex:
    ix = engine(None)
    ix.add_edition(
        EDITION,
        [
            article(
                EDITION, 1, "County lines workshop", "Police ran a county lines workshop in Wales."
            ),
            article(
                EDITION,
                2,
                "Fraud campaign",
                "A campaign against fraud and scams. Lines of county roads.",
            ),
            article(
                EDITION,
                3,
                "Modern slavery",
                "Labour exploitation <script>alert(1)</script> & slavery.",
            ),
        ],
    )
    ix.add_edition(
        OLDER, [article(OLDER, 1, "Older news", "Exploitation of workers was reported.")]
    )
    return ix


def ids(index: ArchiveIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(query).results]


def test_title_match_outranks_body_match(index: ArchiveIndex) -> None:
    assert ids(index, "county lines")[0] == "ed-1:1"


def test_phrase_is_exact(index: ArchiveIndex) -> None:
    assert ids(index, '"county lines"') == ["ed-1:1"]


def test_and_is_the_default_and_or_means_or(index: ArchiveIndex) -> None:
    assert ids(index, "fraud AND slavery") == []
    assert ids(index, "police county workshop") == ["ed-1:1"]
    assert sorted(ids(index, "fraud OR slavery")) == ["ed-1:2", "ed-1:3"]


def test_plain_words_no_article_has_together_fall_back_to_any(index: ArchiveIndex) -> None:
    page = index.search("fraud slavery workshop")
    assert page.match == "any" and page.total == 3
    assert index.search("county workshop").match == "all"
    assert index.search('"fraud slavery"').total == 0  # quoted, so never relaxed


def test_not_excludes(index: ArchiveIndex) -> None:
    assert ids(index, "exploitation NOT slavery") == ["ed-0:1"]


def test_field_queries(index: ArchiveIndex) -> None:
    assert ids(index, "title:fraud") == ["ed-1:2"]
    assert ids(index, "edition:2") == ["ed-0:1"]
    assert sorted(ids(index, "year:2019")) == ["ed-1:1", "ed-1:2", "ed-1:3"]
    assert sorted(ids(index, "year:[2019 TO 2020]")) == ["ed-1:1", "ed-1:2", "ed-1:3"]
    assert len(ids(index, "year:[2018 TO 2019]")) == 4
    assert ids(index, "edition:[1 TO 2]") == ["ed-0:1"]
    assert len(ids(index, "edition:[2 TO 3]")) == 4
    assert ids(index, "year:[2020 TO 2030]") == []
    assert ids(index, "section:news title:older") == ["ed-0:1"]


def test_wildcard_and_stemming(index: ArchiveIndex) -> None:
    assert sorted(ids(index, "exploit*")) == ["ed-0:1", "ed-1:3"]
    assert ids(index, "campaigns") == ["ed-1:2"]


def test_empty_query_lists_everything_newest_first(index: ArchiveIndex) -> None:
    assert ids(index, "") == ["ed-1:1", "ed-1:2", "ed-1:3", "ed-0:1"]


def test_snippet_marks_matches_and_escapes_html(index: ArchiveIndex) -> None:
    hit = index.search("labour").results[0]
    assert "<mark>Labour</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet


def test_phrase_highlight_is_one_mark(index: ArchiveIndex) -> None:
    assert "<mark>county lines</mark>" in index.search('"county lines"').results[0].snippet


def test_result_json_contract(index: ArchiveIndex) -> None:
    data = index.search("county", page=1, per_page=1).to_json()
    assert set(data) == {
        "query",
        "total",
        "page",
        "per_page",
        "sort",
        "match",
        "did_you_mean",
        "read_as",
        "read_notes",
        "words",
        "words_needed",
        "with_every_word",
        "required",
        "left_out",
        "recognised",
        "results",
        "facets",
    }
    assert data["total"] == 2 and data["per_page"] == 1 and len(data["results"]) == 1
    hit = data["results"][0]
    assert set(hit) >= {"id", "title", "section", "edition", "pages", "snippet", "score", "file"}
    assert hit["edition"] == {
        "id": "ed-1",
        "number": 3,
        "title": "Test Bulletin",
        "date": "2019-04",
        "label": "Edition 3 (April 2019)",  # of no known publication
        "publication": None,
    }
    assert hit["pages"] == [1, 2] and hit["file"] == "ed-1.pdf"


def test_pagination(index: ArchiveIndex) -> None:
    second = index.search("", page=2, per_page=3)
    assert second.total == 4 and [h.id for h in second.results] == ["ed-0:1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("county AND", "after it"),
        ("AND county", "before it"),
        ("county AND OR lines", "after it"),
        ("x" * 1001, "too long"),
    ],
)
def test_malformed_queries_explain_themselves(
    index: ArchiveIndex, query: str, message: str
) -> None:
    with pytest.raises(SearchQueryError, match=message):
        index.search(query)


@pytest.mark.parametrize(
    ("typed", "read", "note"),
    [
        ("county lines?", "county lines", "? was read as punctuation"),
        ('"unclosed', "unclosed", 'an unclosed " was left out'),
        ("(county OR lines", "county OR lines", "unmatched () brackets"),
        ("county)", "county", "unmatched () brackets"),
        ("colour:red", "colour red", "'colour:' names no field"),
        ("title:", "title", "'title:' has nothing after it"),
        ("police's workshop", "police workshop", "an apostrophe"),
    ],
)
def test_plain_input_is_read_as_the_words_meant(
    index: ArchiveIndex, typed: str, read: str, note: str
) -> None:
    """Input that is not clearly syntax is searched as words, and the page says how."""
    page = index.search(typed)
    assert page.read_as == read
    assert any(note in n for n in page.read_notes), page.read_notes
    assert page.total == index.search(read).total
    assert index.search("county lines").read_as is None  # read as typed: nothing to say


def test_a_question_finds_what_its_words_find(index: ArchiveIndex) -> None:
    assert ids(index, "what about county lines workshops in Wales?") == ids(
        index, "what about county lines workshops in Wales"
    )
    assert index.search("county lines workshop?").total == 1


def test_urls_are_not_fields(index: ArchiveIndex) -> None:
    assert index.search("https://www.gov.uk").total == 0


def test_reindexing_an_edition_replaces_its_articles(index: ArchiveIndex) -> None:
    index.add_edition(EDITION, [article(EDITION, 1, "Replaced", "Only this now.")])
    assert ids(index, "") == ["ed-1:1", "ed-0:1"]
    view = index.article("ed-1:1")
    assert view is not None and view.hit.title == "Replaced"


def test_failed_batch_commits_nothing(index: ArchiveIndex) -> None:
    """A writer that fails part-way must leave the index as it was."""
    with pytest.raises(RuntimeError), index.batch() as batch:
        batch.delete_edition("ed-1")
        raise RuntimeError("boom")
    assert index.count() == 4


def test_searcher_sees_new_commits(tmp_path: Path, engine: type[ArticleIndex]) -> None:
    index = engine.create(tmp_path / "ix")
    assert index.count() == 0
    engine(tmp_path / "ix").add_edition(EDITION, [article(EDITION, 1, "New", "Fresh text.")])
    assert ids(index, "fresh") == ["ed-1:1"]


def test_missing_index_says_how_to_build_one(tmp_path: Path, engine: type[ArticleIndex]) -> None:
    with pytest.raises(IndexNotFoundError, match="bulletins index"):
        engine(tmp_path / "none")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("0~", True),
        ("count~", True),  # "county"
        ("county~2", True),
        ("exploit*", True),
        ("lin*", True),  # "lines"
        ("titl?:x", False),  # a wildcard in a field's name names no field
    ],
)
def test_fuzzy_and_wildcard_queries_search_and_highlight(
    shipped: ArchiveIndex, text: str, found: bool
) -> None:
    page = shipped.search(text)
    assert (page.total > 0) is found
    assert len(page.results) == min(page.total, 10)
    for hit in page.results:
        assert "<script" not in hit.snippet
    if found:
        assert "<mark>" in page.results[0].snippet


def test_snippets_mark_wildcard_matches_but_not_negated_words(shipped: ArchiveIndex) -> None:
    top = shipped.search("exploit*").results[0]
    assert re.search(r"<mark>exploit\w*</mark>", top.snippet, re.IGNORECASE)
    hits = shipped.search('"county lines" NOT fraud').results
    assert (
        "<mark>County Lines</mark>" in hits[0].snippet
        or "<mark>county lines</mark>" in hits[0].snippet
    )
    police = shipped.search("guardian NOT police").results
    assert all("<mark>police</mark>" not in h.snippet.lower() for h in police)


def test_snippets_do_not_depend_on_what_ran_before(
    shipped_index: ArticleIndex, shipped: ArchiveIndex, engine: type[ArticleIndex]
) -> None:
    assert shipped_index.path is not None
    fresh = engine(shipped_index.path)
    first = fresh.search("county lines", filters={"region": ["wales"]}).results[0].snippet
    fresh.search("police")
    again = fresh.search("county lines", filters={"region": ["wales"]}).results[0].snippet
    assert first == again == shipped.search("county lines").results[0].snippet
    assert first.startswith("On the 5th September")  # earliest best passage first
    fresh.close()


def test_did_you_mean_only_when_the_correction_matches(shipped: ArchiveIndex) -> None:
    assert shipped.search("exploitaton").did_you_mean == "exploitation"
    assert shipped.search("Gaurdian").did_you_mean == "Guardian"
    assert shipped.search("county lines").did_you_mean is None
    assert shipped.search("qqqqzzzz").did_you_mean is None
    assert shipped.search("title:gaurdian").did_you_mean is None  # field values kept


def test_sort_and_date_range(shipped: ArchiveIndex) -> None:
    with pytest.raises(SearchQueryError, match="sort"):
        shipped.search("x", sort="random")
    with pytest.raises(SearchQueryError, match="YYYY"):
        shipped.search("", date_from="2017-13")
    with pytest.raises(SearchQueryError, match="Unknown filter"):
        shipped.search("", filters={"colour": ["red"]})
    assert shipped.search("", date_from="2017", date_to="2017").total == 15


def test_date_range_covers_editions_dated_by_year_month_or_day(
    engine: type[ArticleIndex],
) -> None:
    ix = engine(None)
    for number, date in ((1, "2017"), (2, "2017-06"), (3, "2017-12-05"), (4, "2018-01")):
        edition = replace(EDITION, id=f"ed-{number}", number=number, date=date)
        ix.add_edition(edition, [article(edition, 1, f"Title {number}", "Some text.")])
    assert ix.search("", date_from="2017", date_to="2017").total == 3
    assert ix.search("", date_from="2017-06", date_to="2017-12").total == 2
    assert ix.search("", date_to="2017-06").total == 2
    assert ix.search("", date_from="2017-12").total == 2
    # sorted by date: the newest edition first, or the oldest (the same hits either way)
    newest = [h.edition["id"] for h in ix.search("", sort="newest").results]
    oldest = [h.edition["id"] for h in ix.search("", sort="oldest").results]
    assert newest[0] == "ed-4" and oldest[0] == "ed-1"
    assert sorted(newest) == sorted(oldest)
    years = {f["id"]: f["count"] for f in ix.search("").facets["year"]}
    assert years == {"2017": 3, "2018": 1}
