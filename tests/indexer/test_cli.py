import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def built(runner: CliRunner, corpus_copy: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    result = runner.invoke(cli, ["index", "--corpus", str(corpus_copy), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return index_dir


def test_index_reports_each_file_and_a_summary(
    runner: CliRunner, corpus_copy: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli, ["index", "--corpus", str(corpus_copy), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 0
    assert "ok      soc-local-partnerships-bulletin-07.pdf: 15 articles (added" in result.output
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ok ", result.output, re.M)  # log lines
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 0 failed; 15 articles" in result.output


def test_search_prints_ranked_articles(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["search", "county lines", "--index", str(built)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2] == "1. Op GUARDIAN"
    assert "Edition 7 · 2017-10 · PARTNERSHIPS IN ACTION · pages 19-20" in lines[3]
    assert "county lines" in lines[4] and "<mark>" not in lines[4]
    assert "agency: South Wales Police, St Giles Trust" in lines[5]
    assert lines[6].strip().endswith("soc-local-partnerships-bulletin-07.pdf#page=19")


def test_search_json_contract(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["search", "county lines", "--json", "--index", str(built)])
    data = json.loads(result.output)
    assert data["query"] == "county lines" and data["page"] == 1 and data["per_page"] == 10
    top = data["results"][0]
    assert top["title"] == "Op GUARDIAN" and top["section"] == "PARTNERSHIPS IN ACTION"
    assert top["edition"]["number"] == 7 and top["edition"]["date"] == "2017-10"
    assert top["pages"] == [19, 20]
    assert "<mark>county lines</mark>" in top["snippet"]
    assert top["file"] == "soc-local-partnerships-bulletin-07.pdf"  # inside the corpus folder
    assert {"id": "guardian", "label": "Operation Guardian", "count": 1} in data["facets"][
        "operation"
    ]
    assert {"id": "south-wales-police", "label": "South Wales Police"} in top["entities"]["agency"]


def test_limit_and_page(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(
        cli, ["search", "", "--json", "--limit", "4", "--page", "2", "--index", str(built)]
    )
    data = json.loads(result.output)
    assert data["total"] == 15 and [r["id"].split(":")[1] for r in data["results"]] == [
        "5",
        "6",
        "7",
        "8",
    ]


@pytest.mark.parametrize("query", ["county AND", "OR fraud", "fraud AND OR county", "x" * 501])
def test_malformed_query_is_one_line_and_exit_2(runner: CliRunner, built: Path, query: str) -> None:
    result = runner.invoke(cli, ["search", query, "--index", str(built)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: invalid query:")
    assert "Traceback" not in result.output


def test_first_search_builds_the_index(
    runner: CliRunner, corpus_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "fresh"
    result = runner.invoke(
        cli, ["search", "Ceredigion", "--corpus", str(corpus_copy), "--index", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "building it (first run)" in result.output
    assert "Prevent Projects 2017/18" in result.output


def test_no_index_and_no_corpus_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["search", "x", "--corpus", str(tmp_path / "no"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 2 and "no index at" in result.output


def test_missing_corpus_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["index", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 2
    assert "Corpus directory not found" in result.output


def test_empty_corpus_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        cli, ["index", "--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 2 and "no PDF files" in result.output


def test_bad_file_fails_loudly_but_not_the_batch(
    runner: CliRunner, corpus_copy: Path, tmp_path: Path
) -> None:
    (corpus_copy / "broken.pdf").write_bytes(b"<html>not a pdf</html>")
    result = runner.invoke(
        cli, ["index", "--corpus", str(corpus_copy), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 1
    assert "FAILED  broken.pdf: [not-a-pdf]" in result.output
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 1 failed; 15 articles" in result.output


def test_bad_manifest_is_a_usage_error(
    runner: CliRunner, corpus_copy: Path, tmp_path: Path
) -> None:
    (corpus_copy / "editions.toml").write_text("[[edition]]\nfile = 3\n")
    result = runner.invoke(
        cli, ["index", "--corpus", str(corpus_copy), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 2 and "editions.toml" in result.output


def test_help_texts_explain_the_commands(runner: CliRunner) -> None:
    assert "Quick start" in runner.invoke(cli, ["--help"]).output
    search_help = runner.invoke(cli, ["search", "--help"]).output
    assert '"county lines"' in search_help and "title:guardian" in search_help
    assert "Exit status" in runner.invoke(cli, ["index", "--help"]).output


def test_search_sort_dates_and_plain_filters(runner: CliRunner, built: Path) -> None:
    args = ["search", "", "--json", "--index", str(built), "--sort", "oldest", "--year", "2017"]
    data = json.loads(runner.invoke(cli, args).output)
    assert data["sort"] == "oldest" and data["total"] == 15
    later = runner.invoke(cli, ["search", "", "--json", "--index", str(built), "--from", "2018"])
    assert json.loads(later.output)["total"] == 0
    bad = runner.invoke(cli, ["search", "", "--index", str(built), "--from", "soon"])
    assert bad.exit_code == 2 and "YYYY" in bad.output


def test_search_offers_a_spelling_correction(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["search", "exploitaton", "--index", str(built)])
    assert 'Did you mean "exploitation"?' in result.output
