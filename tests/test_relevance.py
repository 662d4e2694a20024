"""Relevance regression: each keyword query's article stays in the top 3, and the
natural-language questions (written from the text, not tuned to the ranking) mostly do."""

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import relevance
from indexer.cli import cli
from indexer.index import ArticleIndex
from tests.conftest import DATA

SET = DATA / "relevance.toml"
CASES = tomllib.loads(SET.read_text(encoding="utf-8"))["query"]


def test_the_set_is_large_enough() -> None:
    cases = relevance.load_cases(SET)
    questions = [c for c in cases if c.kind == "question"]
    assert len(CASES) >= 25 and len(questions) >= 40
    assert sum(c.style == "paraphrase" for c in questions) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_expected_article_in_top_three(shipped_index: ArticleIndex, case: dict[str, str]) -> None:
    titles = [hit.title for hit in shipped_index.search(case["q"], per_page=3).results]
    assert any(t.startswith(case["expect"]) for t in titles), titles


@pytest.mark.parametrize("name", ["relevance.toml", "relevance-unseen.toml"])
def test_questions_find_their_article_and_never_nothing(
    shipped_index: ArticleIndex, name: str
) -> None:
    def search(text: str, count: int) -> tuple[list[str], int]:
        page = shipped_index.search(text, per_page=count)
        return [hit.title for hit in page.results], page.total

    questions = [c for c in relevance.load_cases(DATA / name) if c.kind == "question"]
    outcomes = relevance.measure(questions, search)
    row = relevance.rows(outcomes)[-1]
    assert row.empty == 0, relevance.misses(outcomes)
    assert row.top3 >= 0.9 * row.cases, relevance.misses(outcomes)


def test_county_lines_ranks_op_guardian_first(shipped_index: ArticleIndex) -> None:
    assert shipped_index.search("county lines").results[0].title == "Op GUARDIAN"


def test_the_evaluate_command_prints_the_table(shipped_index: ArticleIndex, tmp_path: Path) -> None:
    assert shipped_index.path is not None
    small = tmp_path / "set.toml"
    small.write_text(
        '[[query]]\nq = "county lines"\nexpect = "Op GUARDIAN"\n'
        '[[question]]\nq = "who runs hotel seminars?"\nexpect = "Crawley"\nstyle = "typed"\n'
        '[[question]]\nq = "xylophone quartet"\nexpect = "Welcome"\nstyle = "quotes"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["evaluate", "--relevance", str(small), "--index", str(shipped_index.path)]
    result = runner.invoke(cli, [*args, "--errors"])
    lines = result.output.splitlines()
    assert lines[0].split() == ["set", "cases", "in", "top", "3", "P@3", "MRR", "found", "none"]
    assert "queries" in lines[1] and lines[1].split()[1:3] == ["1", "1"]
    assert lines[2].split()[:3] == ["questions", "2", "1"]
    assert "'xylophone quartet'" in result.output and "nothing found" in result.output
    assert result.exit_code == 1 and "FAIL" in lines[-1]  # 2 of 3 is below 0.9
    assert runner.invoke(cli, [*args, "--min-top3", "0.6"]).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[[question]]\nq = 1\n", encoding="utf-8")
    failed = runner.invoke(cli, ["evaluate", "--relevance", str(bad)])
    assert failed.exit_code == 2 and "needs q and expect" in failed.output
