"""The contract over an archive of several publications: the publication facet and filter,
per-publication edition labels, the publications with their records and counts, and their
survival through writing. Each test runs once per engine, with the same expected answers.

Everything here is FICTIONAL: the "Riverside Partnerships Bulletin" (described by the
manifest, with a made-up licence) and the "Northshire Gazette" (named by its masthead only)
do not exist; their articles are the contract archive's (``test_archive``), and one more
edition of no known publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.backend import ArchiveIndex
from indexer.index import ArticleIndex
from indexer.models import Article, Edition, Publication
from indexer.tagging.gazetteer import Gazetteer
from tests.contract.test_archive import FIRST, SECOND, THIRD, _articles, _tags

RIVERSIDE = Publication(
    id="riverside",
    name="Riverside Partnerships Bulletin",
    licence="Riverside Open Licence 1.0 (fictional)",
    licence_url="https://example.org/riverside-licence",
    attribution="Riverside Partnership (fictional)",
    publisher="Fictional Partnerships Unit",
)
NORTHSHIRE = "northshire-gazette"  # the id made from the name its masthead gives
# the editions as described (the publication named as the manifest or masthead gave it)
DESCRIBED = {
    replace(FIRST, publication="riverside partnerships  BULLETIN"): FIRST,  # its entry's case
    replace(SECOND, publication="Riverside Partnerships Bulletin"): SECOND,
    replace(THIRD, publication="Northshire Gazette"): THIRD,
}
LOOSE = Edition(
    id="loose-notes",
    title="Loose notes",
    number=None,
    date="2020-01",
    publisher=None,
    file="loose-notes.pdf",
    source="corpus/loose-notes.pdf",
)
LOOSE_ARTICLE = Article(
    "loose-notes:1",
    "loose-notes",
    1,
    "A fictional note",
    "heading",
    "NOTES",
    (1,),
    "A fictional note about fraud advice in Kent.",
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def write_publications(
    index: ArchiveIndex, gazetteer: Gazetteer, publications: Sequence[Publication] = (RIVERSIDE,)
) -> None:
    """Two publications and an edition of none into ``index``, each edition in a commit of its
    own, with the manifest's ``publications`` tables."""
    for described, original in DESCRIBED.items():
        with index.batch(optimize=False, publications=publications) as writer:
            articles = _articles(original)
            writer.add_edition(described, articles, _tags(articles, gazetteer), "t1", "p1")
    with index.batch(publications=publications) as writer:
        writer.add_edition(LOOSE, [LOOSE_ARTICLE], _tags([LOOSE_ARTICLE], gazetteer))


@pytest.fixture
def archive(tmp_path: Path, engine: type[ArticleIndex], gazetteer: Gazetteer) -> ArchiveIndex:
    """The archive of ``write_publications``, with the manifest's one publication table."""
    index = engine.create(tmp_path / "index")
    write_publications(index, gazetteer)
    return index


def test_the_publication_facet_counts_the_matches(archive: ArchiveIndex) -> None:
    assert archive.search("").facets["publication"] == [
        {"id": "riverside", "label": "Riverside Partnerships Bulletin", "count": 5},
        {"id": NORTHSHIRE, "label": "Northshire Gazette", "count": 2},
    ]
    fraud = archive.search("fraud")  # two of Riverside, one of Northshire, one of none
    assert fraud.total == 4
    assert {f["id"]: f["count"] for f in fraud.facets["publication"]} == {
        "riverside": 2,
        NORTHSHIRE: 1,
    }


def test_the_publication_filter(archive: ArchiveIndex) -> None:
    northshire = archive.search("", filters={"publication": [NORTHSHIRE]})
    assert northshire.total == 2
    assert {h.edition["id"] for h in northshire.results} == {"riverside-03"}
    # the facet of the filtered type still offers the other publication, as an alternative
    assert {f["id"]: f["count"] for f in northshire.facets["publication"]} == {
        "riverside": 5,
        NORTHSHIRE: 2,
    }
    both = archive.search("", filters={"publication": ["riverside", NORTHSHIRE]})
    assert both.total == 7  # all but the edition of no publication
    wales = archive.search("", filters={"publication": ["riverside"], "region": ["wales"]})
    assert {h.id for h in wales.results} == {"riverside-01:1", "riverside-02:2"}
    assert archive.search("", filters={"publication": ["nothing"]}).total == 0
    assert archive.values("publication") == {
        "riverside": "Riverside Partnerships Bulletin",
        NORTHSHIRE: "Northshire Gazette",
    }
    assert archive.label("publication", NORTHSHIRE) == "Northshire Gazette"
    assert archive.label("publication", "nothing") is None


def test_edition_labels_name_the_publication(archive: ArchiveIndex) -> None:
    labels = {f["id"]: f["label"] for f in archive.search("").facets["edition"]}
    assert labels == {
        "riverside-01": "Riverside Partnerships Bulletin, Issue 1, March 2018",
        "riverside-02": "Riverside Partnerships Bulletin, Issue 2, July 2019",
        "riverside-03": "Northshire Gazette, Issue 3, November 2020",
        "loose-notes": "Loose notes (January 2020)",  # of no known publication: as before
    }
    hit = archive.search("", filters={"edition": ["riverside-02"]}).results[0]
    assert hit.edition["label"] == labels["riverside-02"]
    assert hit.edition["publication"] == {"id": "riverside", "name": RIVERSIDE.name}
    loose = archive.search("", filters={"edition": ["loose-notes"]}).results[0]
    assert loose.edition["publication"] is None
    entity = archive.entity("region", "kent")
    assert entity is not None
    assert [row["label"] for row in entity.timeline] == [
        labels["riverside-01"],
        labels["riverside-02"],
        labels["loose-notes"],
        labels["riverside-03"],
    ]
    editions = {e.id: e for e in archive.editions()}
    assert {i: e.label for i, e in editions.items()} == labels
    assert editions["riverside-01"].publication == RIVERSIDE  # the manifest's record
    assert editions["riverside-01"].to_json()["publication"] == {
        "id": "riverside",
        "name": "Riverside Partnerships Bulletin",
    }
    assert editions["loose-notes"].publication is None
    assert editions["loose-notes"].to_json()["publication"] is None


def test_publications_with_their_records_and_counts(archive: ArchiveIndex) -> None:
    riverside, northshire = archive.publications()  # most editions first
    assert riverside.publication == RIVERSIDE
    assert (riverside.editions, riverside.articles) == (2, 5)
    assert northshire.publication == Publication(NORTHSHIRE, "Northshire Gazette")
    assert (northshire.editions, northshire.articles) == (1, 2)
    assert northshire.to_json() == {
        "id": NORTHSHIRE,
        "name": "Northshire Gazette",
        "licence": None,
        "licence_url": None,
        "attribution": None,
        "publisher": None,
        "editions": 1,
        "articles": 2,
    }


def test_publications_survive_retagging_and_carrying_over(
    archive: ArchiveIndex, engine: type[ArticleIndex], tmp_path: Path, gazetteer: Gazetteer
) -> None:
    stored = archive.stored_edition("riverside-01")
    assert stored is not None
    assert stored.edition.publication == "Riverside Partnerships Bulletin"  # the manifest's name
    with archive.batch(publications=(RIVERSIDE,)) as writer:
        writer.retag(stored, _tags(list(stored.articles), gazetteer), "t2")
    assert archive.publications()[0].publication == RIVERSIDE
    copy = engine.create(tmp_path / "copy")
    with copy.batch() as writer:
        for edition in ("riverside-01", "riverside-03"):
            writer.carry_over(archive, edition)
    assert [(p.id, p.editions, p.publication.licence) for p in copy.publications()] == [
        (NORTHSHIRE, 1, None),  # as many editions each: by name
        ("riverside", 1, RIVERSIDE.licence),
    ]
    assert copy.search("", filters={"publication": [NORTHSHIRE]}).total == 2


def test_an_archive_of_no_known_publication_has_none(
    tmp_path: Path, engine: type[ArticleIndex], gazetteer: Gazetteer
) -> None:
    index = engine.create(tmp_path / "index")
    with index.batch(publications=(RIVERSIDE,)) as writer:  # a table no edition names
        writer.add_edition(LOOSE, [LOOSE_ARTICLE], _tags([LOOSE_ARTICLE], gazetteer))
    assert index.publications() == []
    assert index.search("").facets["publication"] == []
