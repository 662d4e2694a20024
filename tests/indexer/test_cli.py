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
    where = "SOC Local Partnerships Bulletin, Issue 7, October 2017 · PARTNERSHIPS IN ACTION"
    assert f"{where} · pages 19-20" in lines[3]
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


# --- publications ----------------------------------------------------------------------------


def test_status_lists_the_publications(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["status", "--index", str(built)])
    assert result.exit_code == 0, result.output
    assert (
        "Publication: SOC Local Partnerships Bulletin [soc-local-partnerships-bulletin]: "
        "1 edition, 15 articles; Open Government Licence v3.0"
    ) in result.output.splitlines()


def test_search_filters_by_publication(runner: CliRunner, tmp_path: Path) -> None:
    """On a FICTIONAL archive of two publications (tests/contract/test_publications.py)."""
    from indexer.index import ArticleIndex
    from indexer.tagging.gazetteer import Gazetteer
    from tests.contract.test_publications import NORTHSHIRE, write_publications

    index = ArticleIndex.create(tmp_path / "index")
    write_publications(index, Gazetteer.load())
    index.close()
    where = ["--index", str(tmp_path / "index")]
    for value in (NORTHSHIRE, "Northshire Gazette"):
        result = runner.invoke(cli, ["search", "", "--publication", value, "--json", *where])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["total"] == 2
        assert {r["edition"]["publication"]["id"] for r in data["results"]} == {NORTHSHIRE}
    shown = runner.invoke(cli, ["search", "", "--publication", "riverside", *where]).output
    assert "5 articles match" in shown
    assert "Riverside Partnerships Bulletin, Issue 2, July 2019 · NEWS · page 1" in shown
    status = runner.invoke(cli, ["status", *where]).output
    assert "Publication: Riverside Partnerships Bulletin [riverside]: 2 editions, 5 articles" in (
        status
    )
    assert f"Publication: Northshire Gazette [{NORTHSHIRE}]: 1 edition, 2 articles\n" in status


def test_the_masthead_names_the_publication_the_manifest_describes(
    runner: CliRunner, corpus_copy: Path, tmp_path: Path
) -> None:
    """No [[edition]] entry: the PDF's masthead names its publication, filed under the
    manifest's [[publication]] (its id and licence); a new licence is taken at the next run."""
    table = (
        '[[publication]]\nname = "SOC Local Partnerships Bulletin"\nid = "soc-bulletin"\n'
        'attribution = "Crown copyright"\nlicence = "{}"\n'
    )
    manifest = corpus_copy / "editions.toml"
    manifest.write_text(table.format("Open Government Licence v3.0"))
    where = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    assert runner.invoke(cli, ["index", *where]).exit_code == 0

    def publications() -> list[dict[str, object]]:
        result = runner.invoke(cli, ["status", "--json", "--index", str(tmp_path / "index")])
        found: list[dict[str, object]] = json.loads(result.output)["publications"]
        return found

    (found,) = publications()
    assert (found["id"], found["name"], found["editions"]) == (
        "soc-bulletin",
        "SOC Local Partnerships Bulletin",
        1,
    )
    assert (found["attribution"], found["licence"]) == (
        "Crown copyright",
        "Open Government Licence v3.0",
    )
    manifest.write_text(table.format("Open Government Licence v2.0"))
    result = runner.invoke(cli, ["index", *where])
    assert result.exit_code == 0 and "1 unchanged" in result.output
    assert publications()[0]["licence"] == "Open Government Licence v2.0"
