"""The contract over an archive of several editions: filters, facets, sorting, entity and
edition views, exports, stored editions and writing. Each test runs once per engine, and the
last ones hold the engines to the same answers.

The editions here are FICTIONAL (the "Riverside Partnerships Bulletin" does not exist); the
agencies, places and operations they name are from the gazetteer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from indexer.backend import ArchiveIndex, ArchiveReader, GenerationWriter
from indexer.errors import SearchQueryError
from indexer.index import ArticleIndex, PlainIndex
from indexer.models import Article, Edition
from indexer.results import SearchPage
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.query import searching_with
from indexer.tagging.tagger import Tagged, tag_article


def _edition(number: int, date: str) -> Edition:
    return Edition(
        id=f"riverside-{number:02d}",
        title="Riverside Partnerships Bulletin (fictional)",
        number=number,
        date=date,
        publisher="Fictional Partnerships Unit",
        file=f"riverside-{number:02d}.pdf",
        source=f"corpus/riverside-{number:02d}.pdf",
    )


FIRST, SECOND, THIRD = _edition(1, "2018-03"), _edition(2, "2019-07"), _edition(3, "2020-11")
TEXTS = {
    FIRST: [
        ("County lines in Wales", "NEWS", "HMRC and Cardiff police tackled county lines in Wales."),
        ("Fraud week", "EVENTS", "Fraud awareness week in Greater Manchester with Action Fraud."),
    ],
    SECOND: [
        (
            "Operation Ajaxis",
            "NEWS",
            "Operation Ajaxis found modern slavery in Kent with the GLAA.",
        ),
        (
            "County lines again",
            "NEWS",
            "Cardiff partners met again about county lines exploitation.",
        ),
        ("Meet the team", "Meet the Partners", "The fraud team of the NCA in Greater Manchester."),
    ],
    THIRD: [
        ("Slavery review", "NEWS", "A review of modern slavery cases in Kent, with the GLAA."),
        (
            "Cyber fraud",
            "EVENTS",
            "Cyber fraud advice for small firms in Cardiff, from Action Fraud.",
        ),
    ],
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _articles(edition: Edition) -> list[Article]:
    return [
        Article(
            id=f"{edition.id}:{n}",
            edition_id=edition.id,
            ordinal=n,
            title=title,
            title_from="heading",
            section=section,
            pages=(n,),
            body=body,
        )
        for n, (title, section, body) in enumerate(TEXTS[edition], 1)
    ]


def _tags(articles: list[Article], gazetteer: Gazetteer) -> dict[str, Tagged]:
    return {a.id: tag_article(a.title, a.body, gazetteer) for a in articles}


def _write(writer: GenerationWriter, edition: Edition, gazetteer: Gazetteer) -> None:
    articles = _articles(edition)
    writer.add_edition(edition, articles, _tags(articles, gazetteer), "t1", "p1")


@pytest.fixture
def archive(tmp_path: Path, engine: type[ArticleIndex], gazetteer: Gazetteer) -> ArchiveIndex:
    """Three editions, each written in a commit of its own (so the index has several)."""
    index = engine.create(tmp_path / "index")
    for edition in (SECOND, FIRST, THIRD):
        with index.batch(optimize=False) as writer:
            _write(writer, edition, gazetteer)
    return index


def ids(page_results: list[object]) -> list[str]:
    return [getattr(hit, "id") for hit in page_results]  # noqa: B009


def test_engines_implement_the_protocols(archive: ArchiveIndex) -> None:
    assert isinstance(archive, ArchiveReader)
    with archive.batch() as writer:
        assert isinstance(writer, GenerationWriter)


def test_filters_are_or_within_a_type_and_and_across_types(archive: ArchiveIndex) -> None:
    wales = archive.search("", filters={"region": ["wales"]})
    kent = archive.search("", filters={"region": ["kent"]})
    either = archive.search("", filters={"region": ["wales", "kent"]})
    assert either.total == wales.total + kent.total == 5
    both = archive.search("", filters={"region": ["wales"], "agency": ["hmrc"]})
    assert ids(both.results) == ["riverside-01:1"]
    assert archive.search("", filters={"edition": ["riverside-02"]}).total == 3
    assert archive.search("", filters={"year": ["2020"]}).total == 2
    assert archive.search("", filters={"section": ["EVENTS"]}).total == 2
    nothing = archive.search("cyber*", filters={"region": ["kent"]})  # filters leave nothing
    assert (nothing.total, nothing.results) == (0, [])
    with pytest.raises(SearchQueryError, match="four digits"):
        archive.search("", filters={"year": ["20"]})
    with pytest.raises(SearchQueryError, match="Unknown filter"):
        archive.search("", filters={"colour": ["red"]})


def test_dates_bound_and_sort(archive: ArchiveIndex) -> None:
    assert archive.search("", date_from="2019", date_to="2019-07").total == 3
    assert archive.search("", date_from="2019-08").total == 2
    with pytest.raises(SearchQueryError, match="empty"):
        archive.search("", date_from="2020", date_to="2019")
    newest = [h.edition["id"] for h in archive.search("fraud", sort="newest").results]
    oldest = [h.edition["id"] for h in archive.search("fraud", sort="oldest").results]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert newest[0] == "riverside-03" and oldest[0] == "riverside-01"
    everything = archive.search("", per_page=20)
    assert everything.sort == "newest"
    assert ids(everything.results)[:2] == ["riverside-03:1", "riverside-03:2"]  # edition order


def test_facets_count_the_matches_and_a_filtered_type_its_alternatives(
    archive: ArchiveIndex,
) -> None:
    page = archive.search("fraud")
    agencies = {f["id"]: f["count"] for f in page.facets["agency"]}
    assert agencies["action-fraud"] == 2
    editions = [f["id"] for f in page.facets["edition"]]
    assert editions == ["riverside-03", "riverside-02", "riverside-01"]  # newest first
    narrowed = archive.search("fraud", filters={"edition": ["riverside-01"]})
    assert narrowed.total == 1
    # the edition facet still offers the other editions, counted as if chosen instead
    assert {f["id"]: f["count"] for f in narrowed.facets["edition"]} == {
        "riverside-01": 1,
        "riverside-02": 1,
        "riverside-03": 1,
    }
    assert archive.search("fraud", facet_limit=0).facets == {}
    assert len(archive.search("", facet_limit=1).facets["region"]) == 1


def test_pages_partition_the_matches_and_exports_follow_the_same_order(
    archive: ArchiveIndex,
) -> None:
    whole = archive.search("fraud OR slavery OR county", per_page=100)
    pages = [archive.search("fraud OR slavery OR county", page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [hit.id for p in pages for hit in p.results] == ids(whole.results)
    assert whole.total == 7 and pages[0].pages == 4 and len(pages[3].results) == 1
    streamed = archive.matches("fraud OR slavery OR county")
    assert [hit.id for hit in streamed] == ids(whole.results)
    with pytest.raises(SearchQueryError):
        archive.matches("county AND")
    assert archive.search("cardiff kent", relax=False).total == 0
    assert archive.search("cardiff kent").match == "any"
    assert list(archive.matches("cardiff kent", relax=False)) == []


def test_views_of_an_article_an_entity_and_the_editions(archive: ArchiveIndex) -> None:
    view = archive.article("riverside-02:2", "county lines")
    assert view is not None
    assert "<mark>" in view.body_html and "<mark>" in view.title_html
    assert [h.id for h in view.same_edition] == ["riverside-02:1", "riverside-02:3"]
    assert "riverside-01:1" in [h.id for h in view.related]
    assert archive.article("nothing:1") is None

    entity = archive.entity("region", "cardiff")
    assert entity is not None and entity.label == "Cardiff"
    assert [h.edition["id"] for h in entity.articles] == [
        "riverside-03",
        "riverside-02",
        "riverside-01",
    ]  # newest first
    assert [row["edition"] for row in entity.timeline] == [
        "riverside-01",
        "riverside-02",
        "riverside-03",
    ]
    assert archive.entity("region", "atlantis") is None
    assert archive.entity("colour", "red") is None

    counts = archive.entity_counts()
    assert {(c["id"], c["count"]) for c in counts["agency"]} >= {("glaa", 2), ("action-fraud", 2)}
    assert archive.values("section") == {
        "NEWS": "NEWS",
        "EVENTS": "EVENTS",
        "Meet the Partners": "Meet the Partners",
    }
    assert archive.label("agency", "hmrc") is not None
    assert archive.label("agency", "atlantis") is None

    editions = archive.editions()
    assert [e.id for e in editions] == ["riverside-03", "riverside-02", "riverside-01"]
    assert [a.id for a in editions[1].articles] == [
        "riverside-02:1",
        "riverside-02:2",
        "riverside-02:3",
    ]
    assert editions[0].to_json()["number"] == 3 and editions[0].label.startswith("Edition 3")
    assert archive.edition_file("riverside-02") == "riverside-02.pdf"
    assert archive.edition_file("nothing") is None
    assert archive.count() == 7


def test_a_stored_edition_gives_back_what_was_written(
    archive: ArchiveIndex, gazetteer: Gazetteer
) -> None:
    stored = archive.stored_edition("riverside-02")
    assert stored is not None
    assert stored.edition == SECOND
    assert list(stored.articles) == _articles(SECOND)
    assert "glaa" in {id_ for id_, _ in stored.entities["riverside-02:1"]["agency"]}
    assert "ajaxis" in {id_ for id_, _ in stored.entities["riverside-02:1"]["operation"]}
    assert (stored.tagger_version, stored.pipeline_version) == ("t1", "p1")
    assert archive.stored_edition("nothing") is None


def test_writing_removes_retags_and_carries_over(
    archive: ArchiveIndex, engine: type[ArticleIndex], tmp_path: Path, gazetteer: Gazetteer
) -> None:
    stored = archive.stored_edition("riverside-01")
    assert stored is not None
    blank = {a.id: tag_article("", "", gazetteer) for a in stored.articles}
    with archive.batch() as writer:
        writer.delete_edition("riverside-03")
        assert writer.retag(stored, blank, "t2") == 2
    assert archive.count() == 5
    assert archive.search("", filters={"edition": ["riverside-03"]}).total == 0
    assert archive.search("", filters={"agency": ["hmrc"]}).total == 0  # tags replaced
    assert archive.search("hmrc").total == 1  # the words stay
    retagged = archive.stored_edition("riverside-01")
    assert retagged is not None and retagged.tagger_version == "t2"

    copy = engine.create(tmp_path / "copy")
    with copy.batch() as writer:
        assert writer.carry_over(archive, "riverside-02") == 3
        assert writer.carry_over(archive, "nothing") == 0
    assert copy.count() == 3
    assert copy.search("ajaxis").total == 1
    assert copy.search("", filters={"agency": ["glaa"]}).total == 1  # tags carried too

    with pytest.raises(TypeError), copy.batch() as writer:  # another engine's: not as they are
        writer.carry_over(_Elsewhere(), "riverside-02")

    with pytest.raises(RuntimeError), copy.batch() as writer:
        writer.delete_edition("riverside-02")
        raise RuntimeError("a writer that fails commits nothing")
    assert copy.count() == 3


class _Elsewhere:
    """A reader of another engine (only what ``carry_over`` could ask of it)."""

    def stored_edition(self, edition_id: str) -> None:
        return None


QUERIES = [
    "",
    "fraud",
    "county lines",
    '"county lines"',
    "slavery OR fraud",
    "fraud NOT cyber",
    "exploit*",
    "title:fraud",
    "cardiff kent",
    "kent~",
    "what has been done on county lines in Wales?",  # names, function words left out
    "how do partners in kent tackle modern slavery with the glaa",  # loosened, lower case
    "who gives fraud advice to small firms in wales",
    '"county lines" what about cardiff',  # a phrase stays required
    "kent slavery cardiff",  # no article has all three: most
]
FILTERS = [None, {"region": ["england"]}, {"agency": ["glaa", "hmrc"], "year": ["2019"]}]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_the_accelerated_engine_answers_as_plain_whoosh(
    tmp_path: Path,
    gazetteer: Gazetteer,
    text: str,
    filters: dict[str, list[str]] | None,
    sort: str,
) -> None:
    folder = tmp_path / "index"
    written = ArticleIndex.create(folder)
    for edition in (SECOND, FIRST, THIRD):
        with written.batch(optimize=False) as writer:
            _write(writer, replace(edition), gazetteer)
    reads = searching_with(gazetteer)  # names recognised, as served
    fast, plain = ArticleIndex(folder, **reads), PlainIndex(folder, **reads)
    mine, theirs = (
        ix.search(text, filters=filters, sort=sort, per_page=100) for ix in (fast, plain)
    )
    assert (mine.total, mine.match, mine.sort) == (theirs.total, theirs.match, theirs.sort)
    assert (mine.words, mine.words_needed, mine.recognised) == (
        theirs.words,
        theirs.words_needed,
        theirs.recognised,
    )
    assert mine.facets == theirs.facets
    if mine.sort == "relevance":  # the same scores; equal scores may come in either order
        for page in (mine, theirs):
            scores = [h.score for h in page.results]
            assert scores == sorted(scores, reverse=True)
        assert _scored(mine) == _scored(theirs)
    else:
        assert [h.id for h in mine.results] == [h.id for h in theirs.results]
    assert {h.id: h.snippet for h in mine.results} == {h.id: h.snippet for h in theirs.results}
    streamed = fast.matches(text, filters=filters, sort=sort)
    assert [h.id for h in streamed] == [h.id for h in mine.results]


def _scored(page: SearchPage) -> list[tuple[float, str]]:
    return sorted((-round(h.score, 4), h.id) for h in page.results)
