"""The segmentation score (indexer/segmentation.py), the evaluate command, and real renders of
the layout zoo split as their manuscript says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.extract import extract_pdf
from indexer.models import Article
from indexer.segmentation import ExpectedArticle, evaluate_folder, score, shingles
from indexer.split import split_edition
from tools.render_html import find_chromium
from tools.zoo import build, manuscripts

ONE = (
    "Partners met in the spring to agree how the new scheme would run across the county, "
    "and councils offered data on licensed premises and housing so that the visits could be "
    "planned with the forces."
)
TWO = "Officers from three forces shared what they had learned about the groups involved."


def article(title: str, body: str, section: str | None = None) -> Article:
    return Article("e:1", "e", 1, title, "heading", section, (1,), body)


def test_shingles_ignore_case_and_soft_hyphens() -> None:
    assert shingles("Part\u00adners MET in") == shingles("partners met in")


def test_a_perfect_split_recovers_every_article() -> None:
    truth = [ExpectedArticle("One", "S", ONE), ExpectedArticle(None, "S", TWO)]
    result = score(truth, [article("One", ONE, "S"), article("Officers from three", TWO, "S")])
    assert (result.count("recovered"), result.count("section_right")) == (2, 2)
    assert not result.invented


def test_a_merge_a_split_and_an_invention_are_each_counted() -> None:
    truth = [ExpectedArticle("One", None, ONE), ExpectedArticle("Two", None, TWO)]
    merged = score(truth, [article("One", ONE + " " + TWO)])
    assert merged.count("merged") == 2 and merged.count("recovered") == 0
    first, second = ONE.split(", and councils")
    split = score(truth, [article("One", first), article("x", "and councils" + second)])
    assert split.outcomes[0].split and not split.outcomes[0].recovered
    extra = score(
        truth, [article("One", ONE), article("Two", TWO), article("Cover", "SOC bulletin")]
    )
    assert [a.title for a in extra.invented] == ["Cover"]


def test_a_wrong_title_is_not_recovered() -> None:
    result = score([ExpectedArticle("One", None, ONE)], [article("Welcome", ONE)])
    assert result.count("body_right") == 1 and result.count("recovered") == 0


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 7th edition and one fictional edition through one layout of each family that
    needs no OCR (Chromium's when it is installed)."""
    out = tmp_path_factory.mktemp("zoo")
    wanted = ["word-heading-1pt", "magazine-3col", "publisher-grid", "classic-fpdf-2col"]
    if find_chromium() is not None:
        wanted.append("html-tagged-outline")
    names = [
        f"{m}--{layout}" for m in ("soc-07", "northshire-csp-newsletter-05") for layout in wanted
    ]
    assert len(list(build(out, names))) == len(names)
    return out


@pytest.mark.slow
def test_renders_by_other_producers_split_as_their_manuscript_says(zoo: Path) -> None:
    for result in evaluate_folder(zoo):
        assert result.score is not None
        assert result.score.count("recovered") >= result.score.expected - 1, result.name
        assert result.number_right and result.date_right, result.name


@pytest.fixture(scope="module")
def hard_zoo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Renders that once failed: cards side by side that run on across pages (Chromium's,
    when it is installed), and drop caps boxed with the title above them."""
    out = tmp_path_factory.mktemp("hard-zoo")
    names = ["regional-economic-crime-bulletin-10--magazine-picture-banners"]
    if find_chromium() is not None:
        names += ["soc-07--html-cards", "northshire-csp-newsletter-05--html-cards"]
    assert len(list(build(out, names))) == len(names)
    return out


@pytest.mark.slow
def test_cards_and_drop_caps_split_into_every_article(hard_zoo: Path) -> None:
    for result in evaluate_folder(hard_zoo):
        assert result.score is not None
        assert result.score.count("recovered") == result.score.expected, result.name


def test_bookmarks_are_extracted_with_their_pages(zoo: Path) -> None:
    pdf = extract_pdf(zoo / "soc-07--word-heading-1pt.pdf")
    titles = [a.title for a in manuscripts()[0].truth(False).articles if a.title]
    assert [b.title for b in pdf.outline] == titles
    assert all(1 <= b.page <= len(pdf.pages) for b in pdf.outline)


def test_drop_caps_rejoin_their_word(zoo: Path) -> None:
    edited = split_edition(extract_pdf(zoo / "soc-07--magazine-3col.pdf"), "m")
    assert edited.articles[0].body.startswith("Welcome to the seventh edition")


@pytest.mark.slow
def test_evaluate_command_prints_the_table_and_keeps_a_floor(zoo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    floor = tmp_path / "floor.json"
    done = runner.invoke(cli, ["evaluate", "--segmentation", str(zoo), "--write-floor", str(floor)])
    assert done.exit_code == 0, done.output
    assert "| layout | articles | recovered |" in done.output
    assert "soc-07--magazine-3col" in done.output
    assert done.output.rstrip().endswith("PASS: every PDF recovers at most 1 missed")
    minimums = json.loads(floor.read_text())
    minimums["soc-07--magazine-3col"] = 99
    floor.write_text(json.dumps(minimums))
    failed = runner.invoke(cli, ["evaluate", "--segmentation", str(zoo), "--floor", str(floor)])
    assert failed.exit_code == 1
    assert "FAIL (its floor): soc-07--magazine-3col" in failed.output


def test_evaluate_command_rejects_a_folder_without_truth(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["evaluate", "--segmentation", str(tmp_path)])
    assert done.exit_code == 2
    assert "no *.truth.json files" in done.output


@pytest.mark.slow
def test_search_finds_the_article_in_renders_by_other_producers(zoo: Path, tmp_path: Path) -> None:
    """The zoo's PDFs indexed as a corpus (no manifest): a question finds the right article
    of each render, with its edition number and date read from the cover."""
    from indexer.config import Settings
    from indexer.index import ArticleIndex
    from indexer.pipeline import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for pdf in zoo.glob("soc-07--*.pdf"):
        (corpus / pdf.name).write_bytes(pdf.read_bytes())
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "ix")
    report = build_index(settings)
    assert {o.outcome for o in report.outcomes} == {"ok"}
    index = ArticleIndex(settings.index_dir)
    hits = index.search('"hotel seminar"', per_page=50, relax=False).results
    assert {hit.file for hit in hits} == {p.name for p in corpus.glob("*.pdf")}
    assert all(hit.title == "Crawley Serious and Organised Crime Hotel Seminar" for hit in hits)
    assert {(hit.edition["number"], hit.edition["date"]) for hit in hits} == {(7, "2017-10")}


@pytest.mark.parametrize(
    "truth",
    [
        '{"cover": "x", "articles": []}',
        '{"articles": [{"title": "T", "body": null}]}',
        '{"articles": [{"title": 5, "body": "words"}]}',
        '{"articles": ["not an object"]}',
        "[1, 2]",
    ],
)
def test_a_malformed_truth_file_is_one_line_and_status_2(tmp_path: Path, truth: str) -> None:
    (tmp_path / "x.truth.json").write_text(truth, encoding="utf-8")
    done = CliRunner().invoke(cli, ["evaluate", "--segmentation", str(tmp_path)])
    assert done.exit_code == 2, done.output
    assert "is not a truth file" in done.output
    assert "Traceback" not in done.output
