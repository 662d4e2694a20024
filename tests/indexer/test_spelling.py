"""The "did you mean" vocabulary: written with each index generation, the words as a search
spells them, carried from one generation to the next."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields

from indexer.index import ArticleIndex
from indexer.index._schema import TEXT_ANALYZER
from indexer.index._spelling import read_vocabulary, spelling_words
from tests.contract.test_search import EDITION, OLDER, article

_TEXT_FIELD = fields.TEXT(analyzer=TEXT_ANALYZER)
_ALPHABET = st.sampled_from(list("abcXYZ éÉçß.,-'’0129 \n\tİſﬁ_"))


@given(st.text(_ALPHABET, max_size=60) | st.text(max_size=30))
def test_words_are_whooshs_unstemmed_words(text: str) -> None:
    assert spelling_words(text) == set(_TEXT_FIELD.spellable_words(text))


def _vocabulary(index: ArticleIndex) -> list[str]:
    return read_vocabulary(index._ix.storage, index._searcher().reader().generation())


def test_each_commit_adds_its_words_and_keeps_the_last_two_files(tmp_path: Path) -> None:
    index = ArticleIndex.create(tmp_path / "ix")
    index.add_edition(EDITION, [article(EDITION, 1, "Café workshop", "Exploiting workers.")])
    assert _vocabulary(index) == ["cafe", "exploiting", "workers", "workshop"]
    index.add_edition(OLDER, [article(OLDER, 1, "Older", "Exploitation")])
    assert _vocabulary(index) == [
        "cafe", "exploitation", "exploiting", "older", "workers", "workshop"
    ]  # fmt: skip
    index.carry_over(index, OLDER.id)  # re-added from stored fields: still known
    assert "exploitation" in _vocabulary(index)
    files = sorted(p.name for p in (tmp_path / "ix").glob("spelling-*.words"))
    assert files == ["spelling-2.words", "spelling-3.words"]


def test_suggestions_come_from_the_vocabulary() -> None:
    index = ArticleIndex(None)  # in memory: the vocabulary lives in Whoosh's storage
    index.add_edition(EDITION, [article(EDITION, 1, "Workshop", "Partnership exploitation.")])
    assert index.search("partnershp").did_you_mean == "partnership"
    assert index.search("Exploitaton").did_you_mean == "Exploitation"


def test_a_failed_batch_leaves_the_vocabulary_alone(tmp_path: Path) -> None:
    index = ArticleIndex.create(tmp_path / "ix")
    index.add_edition(EDITION, [article(EDITION, 1, "Workshop", "Partnership.")])
    try:
        with index.batch() as batch:
            batch.add_edition(OLDER, [article(OLDER, 1, "Zebra", "Quagga.")])
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert "zebra" not in _vocabulary(index)


def test_short_words_are_corrected_by_one_edit_at_most() -> None:
    """Elasticsearch's AUTO rule: one edit (a swap counts as one) up to five letters, two
    beyond. "welsh" is a word of its own, not a misspelling of "well"."""
    index = ArticleIndex(None)
    body = "It went well. Police tackled fraud and exploitation in partnership."
    index.add_edition(EDITION, [article(EDITION, 1, "Workshop", body)])
    assert index.search("welsh").did_you_mean is None
    assert index.search("frud").did_you_mean == "fraud"  # one edit
    assert index.search("plocie").did_you_mean == "police"  # a swap: one edit
    assert index.search("explotaiton").did_you_mean == "exploitation"  # two, in a long word


def test_the_gazetteers_words_are_never_corrected_and_may_be_offered() -> None:
    index = ArticleIndex(None, known_words={"ceredigion", "wellingborough"})
    index.add_edition(EDITION, [article(EDITION, 1, "Workshop", "Ceredigion went well.")])
    assert index.search("wellingborough").did_you_mean is None  # not a misspelling of "well..."
    assert index.search("Ceridigion").did_you_mean == "Ceredigion"


def test_the_app_does_not_correct_a_word_the_gazetteer_knows(tmp_path: Path) -> None:
    from indexer.config import Settings
    from indexer.pipeline import build_index
    from search_app import create_app
    from tests.conftest import CORPUS

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "ix")
    build_index(settings)
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=Bedford").get_json()["did_you_mean"] is None  # not "before"
    assert client.get("/api/search?q=exploitaton").get_json()["did_you_mean"] == "exploitation"
