"""The tantivy yardstick (bench/tantivy_ref.py) does the work our search does: on the same 300
records and the same query mix, it finds what ours finds and counts the facets as ours does,
wherever the two engines' analyzers read the query's words alike.

Ours is ``ArticleIndex.search`` without the gazetteer's recogniser (the yardstick has none: a
place named in a query is its words to both). The analyzers differ in their stemmers (Whoosh's
Porter: "communications" and "community" are one stem; tantivy's Snowball English: two), so a
query is compared exactly when each word it searches gathers the same words of the records
under both stemmers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

tantivy = pytest.importorskip("tantivy")

from bench.queries import KINDS, Query, query_mix  # noqa: E402
from bench.records import build_index_from, read_records, records_file  # noqa: E402
from bench.tantivy_ref import SNIPPET_CHARS, TantivySearcher, build_tantivy  # noqa: E402
from indexer.backend import FACET_TYPES  # noqa: E402
from indexer.index import ArticleIndex  # noqa: E402
from indexer.index._question import FUNCTION_WORDS  # noqa: E402
from indexer.index._schema import TEXT_ANALYZER  # noqa: E402
from indexer.results import SearchPage  # noqa: E402

pytestmark = pytest.mark.slow  # about 4 s: 300 tagged records, two indexes, 300 queries each

ARTICLES = 300


@dataclass
class Built:
    ours: ArticleIndex
    yardstick: TantivySearcher
    queries: list[Query]
    texts: dict[str, str]  # article id: title, body and entity names
    bodies: dict[str, str]
    same_stems: Any  # word -> whether both analyzers gather the same words under it


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    work = tmp_path_factory.mktemp("tantivy-ref")
    records = records_file(work, ARTICLES, 1)
    assert build_index_from(records, work / "index") == ARTICLES
    assert build_tantivy(records, work / "tantivy") == ARTICLES
    ours = ArticleIndex(work / "index")
    yardstick = TantivySearcher(work / "tantivy")
    texts = {
        a.id: " ".join((a.title, a.body, tags[a.id].names))
        for _, articles, tags in read_records(records)
        for a in articles
    }
    bodies = {a.id: a.body for _, articles, _ in read_records(records) for a in articles}
    queries = query_mix(ours, 300, 1)
    yield Built(ours, yardstick, queries, texts, bodies, _stem_agreement(texts))
    yardstick.close()
    ours.close()


def en_stem(text: str) -> list[str]:
    """tantivy's ``en_stem`` analyzer, as the yardstick indexes with."""
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    return list(analyzer.analyze(text))


def _stem_agreement(texts: dict[str, str]) -> Any:
    vocabulary = {w for text in texts.values() for w in re.findall(r"[^\W_]+", text.lower())}
    whoosh = {w: _whoosh_stem(w) for w in vocabulary}
    snowball = {w: tuple(en_stem(w)) for w in vocabulary}

    def agree(word: str) -> bool:
        ours, theirs = _whoosh_stem(word.lower()), tuple(en_stem(word.lower()))
        return {w for w in vocabulary if whoosh[w] == ours} == {
            w for w in vocabulary if snowball[w] == theirs
        }

    return agree


def _whoosh_stem(word: str) -> tuple[str, ...]:
    return tuple(token.text for token in TEXT_ANALYZER(word))


def searched_words(q: Query) -> list[str]:
    """The words a query searches: every one with operators or in a phrase; else the ones
    that are not function words (unless it has no others)."""
    quoted = " ".join(re.findall(r'"([^"]*)"', q.text))
    bare = re.sub(r'"[^"]*"', " ", q.text)
    if re.search(r"\b(AND|OR|NOT)\b", bare):
        return re.findall(r"[^\W_]+", q.text)
    words = re.findall(r"[^\W_]+", bare)
    content = [w for w in words if w.lower() not in FUNCTION_WORDS and len(w) > 1]
    return re.findall(r"[^\W_]+", quoted) + (content or words)


def ours_for(built: Built, q: Query) -> SearchPage:
    """Our search as served (``search_request.run``), every facet value counted."""
    return built.ours.search(q.text, filters=q.filters, facet_limit=None)


def counts(page: SearchPage) -> dict[str, dict[str, int]]:
    found = {t: {v["id"]: v["count"] for v in values} for t, values in page.facets.items()}
    return {t: found.get(t, {}) for t in FACET_TYPES}


def test_filters_alone_find_and_count_exactly_what_ours_does(built: Built) -> None:
    alone = [q for q in built.queries if q.kind == "filters only"]
    assert len(alone) == 50
    for q in alone:
        page = ours_for(built, q)
        total, ids, facets = built.yardstick.search(q)
        assert total == page.total > 0, q.label
        assert ids == [hit.id for hit in page.results], q.label  # newest first, alike
        assert facets == counts(page), q.label
        # (and they mean something: one edition each; the filter's own value, every match)
        assert sum(facets["edition"].values()) == total
        ((type_, [value]),) = q.filters.items()
        assert facets[type_][value] == total
        assert len(facets[type_]) > 1  # counted without its own filter, as ours
        assert built.yardstick.snippets == [built.bodies[i][:SNIPPET_CHARS] for i in ids]


def test_every_kind_of_query_finds_and_counts_what_ours_does_where_the_stems_agree(
    built: Built,
) -> None:
    compared = {kind: 0 for kind in KINDS}
    for q in built.queries:
        if not all(built.same_stems(w) for w in searched_words(q)):
            continue
        page = ours_for(built, q)
        total, _, facets = built.yardstick.search(q)
        assert total == page.total, q.label
        assert facets == counts(page), q.label
        compared[q.kind] += 1
    # most of the mix is compared, every kind of query (questions loosened as ours are)
    assert sum(compared.values()) >= 0.8 * len(built.queries)
    assert min(compared.values()) >= 25, compared


def test_a_word_query_ranks_articles_holding_the_word_and_marks_it(built: Built) -> None:
    words = [q for q in built.queries if q.kind == "term"]
    found = 0
    for q in words:
        total, ids, _ = built.yardstick.search(q)
        assert len(ids) == min(10, total)
        (stem,) = en_stem(q.text)
        for id_, snippet in zip(ids, built.yardstick.snippets, strict=True):
            assert stem in en_stem(built.texts[id_]), (q.text, id_)
            found += "<b>" in snippet
    assert found >= 0.9 * sum(min(10, built.yardstick.search(q)[0]) for q in words) > 0


def test_operators_mean_what_they_mean_to_our_parser(built: Built) -> None:
    """AND, OR and NOT as Whoosh reads them; a ``-`` before a word is no operator to our
    parser (it has no +/- marks), so "a -b" needs both words, there as here."""
    search = built.yardstick.search
    a, b = "police", "children"
    both = search(Query("boolean", f"{a} AND {b}", ""))[0]
    either = search(Query("boolean", f"{a} OR {b}", ""))[0]
    only_a = search(Query("term", a, ""))[0]
    without = search(Query("boolean", f"{a} NOT {b}", ""))[0]
    assert 0 < both < only_a < either
    assert without == only_a - both
    assert search(Query("boolean", f"{a} -{b}", ""))[0] == both
    assert search(Query("boolean", f"{a} {b}", ""))[0] == both
    for text in (f"{a} NOT {b}", f"{a} -{b}", f'"{a}" OR {b}?', f"what's {a}'s role (in {b})?"):
        assert search(Query("", text, ""))[0] == ours_for(built, Query("", text, "")).total, text
