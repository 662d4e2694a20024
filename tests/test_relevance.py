"""Relevance regression: each query's expected article must stay in the top 3."""

import tomllib

import pytest

from indexer.index import ArticleIndex
from tests.conftest import DATA

CASES = tomllib.loads((DATA / "relevance.toml").read_text(encoding="utf-8"))["query"]


def test_the_set_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_expected_article_in_top_three(shipped_index: ArticleIndex, case: dict[str, str]) -> None:
    titles = [hit.title for hit in shipped_index.search(case["q"], per_page=3).results]
    assert any(t.startswith(case["expect"]) for t in titles), titles


def test_county_lines_ranks_op_guardian_first(shipped_index: ArticleIndex) -> None:
    assert shipped_index.search("county lines").results[0].title == "Op GUARDIAN"
