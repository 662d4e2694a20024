"""Every route and error of the web app, through Flask's test client."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from indexer.cli import cli
from indexer.config import Settings
from indexer.index import ArticleIndex
from indexer.pipeline import build_index
from search_app import create_app
from search_app.exports import csv_cell
from tests.conftest import corpus_of_copies, distinct_copy

GUARDIAN = "soc-local-partnerships-bulletin-07:14"
EDITION = "soc-local-partnerships-bulletin-07"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_search_page_shows_the_hit_with_snippet_facets_and_pdf_link(client: FlaskClient) -> None:
    page = client.get("/?q=county+lines")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Op GUARDIAN" in html
    assert "<mark>County Lines</mark>" in html or "<mark>county lines</mark>" in html
    assert f'/editions/{EDITION}/pdf#page=19"' in html  # opens at the article's page
    assert "Crime theme" in html and "County lines" in html  # a facet panel with its value
    assert "1 article matches" in " ".join(html.split())


def test_api_search_is_the_cli_json_contract(client: FlaskClient, app: Flask) -> None:
    api = client.get("/api/search?q=county+lines&region=wales").get_json()
    settings = app.extensions["bulletins"].settings
    out = CliRunner().invoke(
        cli,
        [
            "search",
            "county lines",
            "--json",
            "--region",
            "Wales",
            "--index",
            str(settings.index_dir),
        ],
    )
    assert out.exit_code == 0, out.output
    assert api == json.loads(out.output)
    assert api["results"][0]["id"] == GUARDIAN


def test_api_filters_accept_names_and_acronyms(client: FlaskClient) -> None:
    by_id = client.get("/api/search?agency=hmrc").get_json()
    by_acronym = client.get("/api/search?agency=HMRC").get_json()
    assert by_id["total"] >= 1 and by_id == by_acronym


def test_unknown_filter_value_is_a_400_naming_close_matches(client: FlaskClient) -> None:
    response = client.get("/api/search?agency=Natonal+Crime+Agency")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown-entity" and "National Crime Agency" in error["message"]


def test_facet_links_toggle_filters_and_keep_the_query(client: FlaskClient) -> None:
    html = client.get("/?q=police").get_data(as_text=True)
    link = re.search(r'href="(/\?q=police&amp;theme=[^"]+)"', html)
    assert link, "a theme facet value links to the filtered search"
    filtered = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'aria-current="true"' in filtered  # the chosen value is marked
    assert "Clear all filters" in filtered
    # the same value's link now removes it again
    assert 'href="/?q=police"' in filtered


def test_several_values_of_one_filter_mean_any(client: FlaskClient) -> None:
    one = client.get("/api/search?theme=fraud").get_json()["total"]
    other = client.get("/api/search?theme=county-lines").get_json()["total"]
    both = client.get("/api/search?theme=fraud&theme=county-lines").get_json()["total"]
    assert both >= max(one, other) and both <= one + other


def test_edition_year_and_section_facets_and_filters(client: FlaskClient) -> None:
    data = client.get("/api/search").get_json()
    facets = data["facets"]
    label = "SOC Local Partnerships Bulletin, Issue 7, October 2017"
    assert facets["edition"] == [{"id": EDITION, "label": label, "count": 15}]
    assert facets["year"] == [{"id": "2017", "label": "2017", "count": 15}]
    section = facets["section"][0]
    only = client.get(f"/api/search?section={section['label'].lower()}").get_json()
    assert only["total"] == section["count"]
    assert client.get("/api/search?year=2016").get_json()["total"] == 0
    assert client.get(f"/api/search?edition={EDITION}").get_json()["total"] == 15


def test_date_range_and_sort(client: FlaskClient) -> None:
    assert client.get("/api/search?from=2017-10&to=2017-10").get_json()["total"] == 15
    assert client.get("/api/search?from=2017-11").get_json()["total"] == 0
    assert client.get("/api/search?to=2017-09").get_json()["total"] == 0
    bad = client.get("/api/search?from=2018&to=2017")
    assert bad.status_code == 400 and "empty" in bad.get_json()["error"]["message"]
    assert client.get("/api/search?from=October").status_code == 400


def test_sorting_by_date_puts_the_newest_or_the_oldest_edition_first(tmp_path: Path) -> None:
    """Two editions of different dates (the shipped one's edition has one date only, so it
    cannot tell newest from oldest)."""
    corpus = corpus_of_copies(tmp_path, 2)
    (corpus / "editions.toml").write_text(
        '[[edition]]\nfile = "edition-00.pdf"\nnumber = 6\ndate = "2017-07"\n\n'
        '[[edition]]\nfile = "edition-01.pdf"\nnumber = 7\ndate = "2017-10"\n',
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert not build_index(settings).failed
    client = create_app(settings).test_client()
    for sort, first in (("newest", "2017-10"), ("oldest", "2017-07")):
        found = client.get(f"/api/search?q=police&sort={sort}&per_page=100").get_json()
        dates = [hit["edition"]["date"] for hit in found["results"]]
        assert found["sort"] == sort and dates[0] == first
        assert dates == sorted(dates, reverse=sort == "newest")


def test_pagination_and_total(client: FlaskClient) -> None:
    first = client.get("/api/search?per_page=4").get_json()
    last = client.get("/api/search?per_page=4&page=4").get_json()
    assert first["total"] == 15 and len(first["results"]) == 4 and len(last["results"]) == 3
    html = client.get("/?per_page=4&page=2").get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' in html and "page 2 of 4" in html
    beyond = client.get("/?page=9").get_data(as_text=True)
    assert "the first page of results" in beyond


def test_did_you_mean(client: FlaskClient) -> None:
    data = client.get("/api/search?q=exploitaton").get_json()
    assert data["total"] == 0 and data["did_you_mean"] == "exploitation"
    html = client.get("/?q=exploitaton").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/?q=exploitation"' in html
    assert client.get("/api/search?q=exploitation").get_json()["did_you_mean"] is None


def test_no_results_page_helps(client: FlaskClient) -> None:
    html = client.get("/?q=zzqqxx&theme=fraud").get_data(as_text=True)
    assert "No articles match" in html and "the same words without filters" in html


def test_query_text_is_escaped_everywhere(client: FlaskClient) -> None:
    html = client.get("/?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    article = client.get(f"/articles/{GUARDIAN}?q=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in article


def test_malformed_query_is_a_400_with_a_message(client: FlaskClient) -> None:
    page = client.get('/?q="county+lines"+AND&theme=fraud')
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "needs a search term after it" in html
    assert 'value="&#34;county lines&#34; AND"' in html  # the search box keeps the query
    assert 'name="theme" value="fraud"' in html  # and the filters
    api = client.get("/api/search?q=county+AND")
    assert api.status_code == 400
    assert api.get_json() == {
        "error": {
            "status": 400,
            "code": "invalid-query",
            "message": "'AND' needs a search term after it.",
        }
    }


def test_every_api_error_has_one_shape(client: FlaskClient) -> None:
    for url, status in [
        ("/api/search?page=0", 400),
        ("/api/search?sort=x", 400),
        ("/api/articles/nope", 404),
        ("/api/entities/agency/no-such-agency", 404),
        ("/api/entities/planet/earth", 404),
        ("/api/nothing-here", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        body = response.get_json()
        assert set(body) == {"error"} and body["error"]["status"] == status, url
        assert body["error"]["message"], url
    post = client.post("/api/search")
    assert post.status_code == 405 and post.get_json()["error"]["code"] == "method-not-allowed"


def test_article_page(client: FlaskClient) -> None:
    html = client.get(f"/articles/{GUARDIAN}?q=county+lines").get_data(as_text=True)
    assert "<mark>county lines</mark>" in html
    assert f'/editions/{EDITION}/pdf#page=19"' in html
    assert 'href="/entities/agency/south-wales-police"' in html
    assert "Related articles" in html
    assert "Also in SOC Local Partnerships Bulletin, Issue 7, October 2017" in html
    assert client.get("/articles/nope").status_code == 404


def test_api_article(client: FlaskClient) -> None:
    data = client.get(f"/api/articles/{GUARDIAN}?q=guardian").get_json()
    # the article begins on page 19; the word is in its text on page 20, where the PDF opens
    assert data["title"] == "Op GUARDIAN" and data["pages"] == [19, 20] and data["page"] == 20
    assert data["pdf"].endswith("#page=20")
    assert "<mark>Guardian</mark>" in data["body"]
    assert len(data["same_edition"]) == 14 and GUARDIAN not in {a["id"] for a in data["related"]}
    assert data["related"]


def test_entity_page_and_api(client: FlaskClient) -> None:
    html = client.get("/entities/region/wales").get_data(as_text=True)
    assert "<svg" in html and "Named in the same articles" in html and "Op GUARDIAN" in html
    data = client.get("/api/entities/region/wales").get_json()
    assert data["label"] == "Wales" and data["total"] == len(data["articles"])
    assert [row["articles"] for row in data["timeline"]] == [data["total"]]
    # co-mentions are counted per article: never more than the entity's own articles
    for items in data["co_mentions"].values():
        assert all(1 <= item["articles"] <= data["total"] for item in items)
    assert not any(item["id"] == "wales" for item in data["co_mentions"].get("region", [])), (
        "an entity is not its own company"
    )


def test_entities_listing(client: FlaskClient) -> None:
    data = client.get("/api/entities").get_json()
    assert {"agency", "operation", "region", "theme"} <= set(data)
    html = client.get("/entities").get_data(as_text=True)
    assert 'href="/entities/operation/guardian"' in html


def test_editions_page_and_pdf(client: FlaskClient) -> None:
    html = client.get("/editions").get_data(as_text=True)
    assert "Op GUARDIAN" in html and f"/editions/{EDITION}/pdf" in html
    with client.get(f"/editions/{EDITION}/pdf") as pdf:
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")
    assert client.get("/api/editions").get_json()[0]["id"] == EDITION


@pytest.mark.parametrize(
    "url",
    [
        "/editions/../../etc/passwd/pdf",
        "/editions/..%2f..%2fetc%2fpasswd/pdf",
        "/editions/%2e%2e/pdf",
        "/editions/soc-local-partnerships-bulletin-07.pdf/pdf",
        "/editions/editions.toml/pdf",
        "/editions/%00/pdf",
        "/static/../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
    ],
)
def test_path_traversal_gets_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_pdf_route_404_when_the_file_left_the_corpus(tmp_path: Path, corpus_copy: Path) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    build_index(settings)
    client = create_app(settings).test_client()
    with client.get(f"/editions/{EDITION}/pdf") as pdf:
        assert pdf.status_code == 200
    (corpus_copy / f"{EDITION}.pdf").unlink()
    assert client.get(f"/editions/{EDITION}/pdf").status_code == 404


def test_csv_export_has_every_match_not_one_page(client: FlaskClient) -> None:
    response = client.get("/export.csv?per_page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # so spreadsheets read UTF-8
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 15
    guardian = next(r for r in rows if r["id"] == GUARDIAN)
    assert guardian["pages"] == "19 20" and guardian["pdf_url"].endswith("#page=19")
    assert "County lines" in guardian["theme"]
    assert client.get("/export.csv?q=county+AND").status_code == 400


def test_csv_cells_never_run_as_formulas() -> None:
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("-1+2") == "'-1+2"
    assert csv_cell("Op GUARDIAN") == "Op GUARDIAN"


def test_atom_feed_for_a_search(client: FlaskClient) -> None:
    response = client.get("/feed.atom?q=fraud&per_page=1")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == client.get("/api/search?q=fraud").get_json()["total"]
    assert all(e.find(f"{ATOM}id").text.startswith("http://") for e in entries)  # type: ignore[union-attr]
    search_page = client.get("/?q=fraud").get_data(as_text=True)
    assert 'type="application/atom+xml"' in search_page


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    html = response.get_data(as_text=True)
    assert "<script" not in html and " style=" not in html  # nothing the policy would block


def test_pages_have_landmarks_and_labels(client: FlaskClient) -> None:
    html = client.get("/?q=police").get_data(as_text=True)
    assert '<main id="main"' in html and 'role="search"' in html and 'href="#main"' in html
    assert '<label for="q">' in html and '<label for="sort">' in html
    assert 'aria-label="Result pages"' in html or "page 1 of" not in html


def test_missing_index_is_a_503_not_a_crash(tmp_path: Path) -> None:
    client = create_app(Settings(corpus_dir=tmp_path, index_dir=tmp_path / "none")).test_client()
    page = client.get("/?q=x")
    assert page.status_code == 503 and "bulletins index" in page.get_data(as_text=True)
    assert client.get("/api/search").get_json()["error"]["code"] == "index-unavailable"


@pytest.mark.slow
def test_app_sees_a_rebuilt_index_without_restart(tmp_path: Path, corpus_copy: Path) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    build_index(settings)
    client = create_app(settings).test_client()
    assert client.get("/api/search").get_json()["total"] == 15
    second = corpus_copy / "second.pdf"
    distinct_copy(corpus_copy / f"{EDITION}.pdf", second)
    build_index(settings)
    # answered at once from the generation before, while the new one is opened and warmed
    assert client.get("/api/search").get_json()["total"] == 15
    client.application.extensions["bulletins"].index.settle()
    assert client.get("/api/search").get_json()["total"] == 30
    assert client.get("/api/search").get_json()["facets"]["edition"][1]["count"] == 15


def test_costly_queries_are_refused_quickly(client: FlaskClient) -> None:
    for q in ("abcdefghij~9", "*ation", "e*tion"):
        response = client.get("/api/search", query_string={"q": q})
        assert response.status_code == 400, q
        assert response.get_json()["error"]["code"] == "invalid-query"


def test_facet_counts_of_a_filtered_type_show_what_adding_would_bring(client: FlaskClient) -> None:
    one = client.get("/api/search?agency=home-office").get_json()
    others = {f["id"]: f["count"] for f in one["facets"]["agency"]}
    for agency, count in list(others.items())[:5]:
        alone = client.get(f"/api/search?agency={agency}").get_json()["total"]
        assert count == alone, agency  # counted without the agency filter itself
    both = client.get("/api/search?agency=home-office&agency=hmicfrs").get_json()["total"]
    assert both >= max(one["total"], others["hmicfrs"])


def test_control_characters_are_a_400_everywhere(client: FlaskClient) -> None:
    for path in ("/", "/api/search", "/feed.atom", "/export.csv"):
        assert client.get(path, query_string={"q": "fraud\x01"}).status_code == 400, path
    feed_error = client.get("/feed.atom", query_string={"q": "x AND"})
    assert feed_error.get_json()["error"]["code"] == "invalid-query"


@pytest.mark.parametrize(
    "query",
    [
        "q=fraud+xylophone",  # relaxed to any word
        "q=what+has+been+done+on+county+lines+in+Wales%3F",  # a question, relaxed
        "q=police&sort=oldest",
        "q=&section=meet+the...&region=London",
    ],
)
def test_page_api_feed_export_and_cli_answer_the_same(
    client: FlaskClient, shipped_index: ArticleIndex, query: str
) -> None:
    """One request, one answer: the same articles in the same order at every door."""
    api = client.get(f"/api/search?{query}&per_page=50").get_json()
    ids = [hit["id"] for hit in api["results"]]
    assert ids
    feed = ET.fromstring(client.get(f"/feed.atom?{query}").data)
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert [link.rsplit("/", 1)[1].split("?")[0] for link in links] == ids
    rows = list(
        csv.DictReader(client.get(f"/export.csv?{query}").data.decode("utf-8-sig").splitlines())
    )
    assert [row["id"] for row in rows] == ids
    exported = client.get(f"/export.json?{query}").get_json()
    assert [item["id"] for item in exported] == ids
    # the exports carry what the page shows: the snippet, entities by id and label, links
    shown = {hit["id"]: hit for hit in api["results"]}
    for row, item in zip(rows, exported, strict=True):
        hit = shown[item["id"]]
        assert item["snippet"] == hit["snippet"] and item["entities"] == hit["entities"]
        assert item["url"].endswith(f"/articles/{hit['id']}") and "#page=" in item["pdf_url"]
        assert row["snippet"] == re.sub(r"</?mark>", "", html.unescape(hit["snippet"]))
        for type_, entities in hit["entities"].items():
            assert row[f"{type_}_ids"].split() == [e["id"] for e in entities]
    page = client.get(f"/?{query}&per_page=50").get_data(as_text=True)
    positions = [page.index(f"/articles/{id_}?") for id_ in ids]
    assert positions == sorted(positions)
    args = urllib.parse.parse_qs(query, keep_blank_values=True)
    command = [
        "search",
        args.get("q", [""])[0],
        "--json",
        "--limit",
        "50",
        "--index",
        str(shipped_index.path),
    ]
    for name, values in args.items():
        if name != "q":
            command += [f"--{name}", values[0]]
    result = CliRunner().invoke(cli, command)
    assert [hit["id"] for hit in json.loads(result.output)["results"]] == ids


def test_article_links_keep_the_whole_search(client: FlaskClient) -> None:
    html = client.get("/?q=county+lines&region=wales&sort=newest").get_data(as_text=True)
    link = re.search(r'href="(/articles/[^"]+)"', html)
    assert link and "region=wales" in link.group(1) and "sort=newest" in link.group(1)
    article = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    back = re.search(r'href="(/\?[^"]+)">Search results', article)
    assert back and "region=wales" in back.group(1) and "sort=newest" in back.group(1)


def test_region_pages_say_how_many_articles_name_it_directly(client: FlaskClient) -> None:
    data = client.get("/api/entities/region/united-kingdom").get_json()
    assert data["direct"] < data["total"]
    html = client.get("/entities/region/united-kingdom").get_data(as_text=True)
    assert "a place within it" in html


def test_untrusted_host_headers_are_refused(tmp_path: Path, app: Flask) -> None:
    settings = app.extensions["bulletins"].settings
    guarded = create_app(settings, trusted_hosts=["localhost", "127.0.0.1"]).test_client()
    assert guarded.get("/feed.atom", headers={"Host": "evil.example"}).status_code == 400
    assert guarded.get("/feed.atom", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_empty_query_reports_the_order_it_applied(client: FlaskClient) -> None:
    assert client.get("/api/search").get_json()["sort"] == "newest"


def test_status_page_and_api(client: FlaskClient) -> None:
    data = client.get("/api/status").get_json()
    assert data["exists"] and data["articles"] == 15 and data["editions"] == 1
    assert data["failed"] == [] and data["last_run"]["counts"]["added"] == 1
    html = client.get("/status").get_data(as_text=True)
    assert "Last indexing run" in html and "<dd>15</dd>" in html


def test_status_lists_failing_files(tmp_path: Path, corpus_copy: Path) -> None:
    (corpus_copy / "broken.pdf").write_bytes(b"<html></html>")
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    build_index(settings)
    html = create_app(settings).test_client().get("/status").get_data(as_text=True)
    assert "broken.pdf" in html and "not-a-pdf" in html


def test_chip_colours_come_from_the_registry_of_types(client: FlaskClient) -> None:
    from indexer.entity_types import ENTITY_TYPES

    response = client.get("/chips.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert all(f".chip-{kind.id} {{" in css for kind in ENTITY_TYPES)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/chips.css"' in page


def test_an_entity_named_by_label_alias_or_acronym_redirects_to_its_id(
    client: FlaskClient,
) -> None:
    for name in ("HMRC", "hmrc", "HM Revenue & Customs", "Revenue and Customs"):
        for prefix in ("/entities", "/api/entities"):
            response = client.get(f"{prefix}/agency/{urllib.parse.quote(name)}")
            if name == "hmrc":
                assert response.status_code == 200, (prefix, name)
                continue
            assert response.status_code == 302, (prefix, name)
            assert response.headers["Location"].endswith(f"{prefix}/agency/hmrc")
    assert client.get("/entities/agency/Atlantis%20Police").status_code == 404
    assert client.get("/api/entities/agency/Atlantis%20Police").status_code == 404


def test_chips_show_every_entity_the_search_matched_and_count_the_rest(
    client: FlaskClient,
) -> None:
    html = client.get("/?q=what+does+the+glaa+do&region=london").get_data(as_text=True)
    welcome = html[html.index("/articles/soc-local-partnerships-bulletin-07:1?") :]
    welcome = welcome[: welcome.index("</li>\n</ol>") if "</li>\n</ol>" in welcome else None]
    chips = re.findall(r'<a class="chip chip-(\w+)( chip-matched)?"[^>]*>(.*?)</a>', welcome)
    matched = {re.sub("<[^>]+>", "", label).split(": ")[-1] for _, m, label in chips if m}
    assert {"Gangmasters and Labour Abuse Authority", "London"} <= matched
    # the Welcome names more than four places: the others are counted, not dropped silently
    more = re.search(r'class="chip chip-more" href="(/articles/[^"]+)">\+(\d+) more', welcome)
    assert more and int(more.group(2)) > 0 and "region=london" in more.group(1)


def test_an_article_opened_from_an_entity_filter_marks_where_it_is_named(
    client: FlaskClient,
) -> None:
    url = "/articles/soc-local-partnerships-bulletin-07:14?agency=South+Wales+Police&q=workshop"
    html = client.get(url).get_data(as_text=True)
    assert html.count('<mark class="named">South Wales Police</mark>') == 3
    assert "<mark>workshop</mark>" in html.lower() or "<mark>Workshop</mark>" in html
    assert re.search(r"Marked where it names South Wales Police.*\(3 places\)", html)
    odd = client.get(url + "&page=abc").get_data(as_text=True)  # a bad argument beside it
    assert odd.count('<mark class="named">South Wales Police</mark>') == 3
    plain = client.get("/articles/soc-local-partnerships-bulletin-07:14").get_data(as_text=True)
    assert 'class="named"' not in plain and "named-at" not in plain
    api = client.get(
        "/api/articles/soc-local-partnerships-bulletin-07:14?agency=south-wales-police"
    )
    assert api.get_json()["named_at"] == 3
    assert (
        client.get("/api/articles/soc-local-partnerships-bulletin-07:14").get_json()["named_at"]
        == 0
    )


def test_the_page_offers_the_names_it_recognised_as_filters(client: FlaskClient) -> None:
    html = client.get("/?q=what+has+been+done+on+county+lines+in+wales%3F").get_data(as_text=True)
    offers = re.search(r'<p class="offers">(.*?)</p>', html, re.S)
    assert offers is not None
    links = dict(re.findall(r'href="([^"]+)">([^<]+)</a>', offers.group(1)))
    assert any("region=wales" in href for href in links)
    assert any("theme=county-lines" in href for href in links)
    assert re.search(r"left out: what, has, been, done, on, in", html)
    applied = client.get("/?q=county+lines+in+wales&region=wales").get_data(as_text=True)
    offered = re.search(r'<p class="offers">(.*?)</p>', applied, re.S)
    assert offered is not None and "County lines" in offered.group(1)
    assert ": Wales<" not in offered.group(1)  # applied already: not offered again


def test_the_search_box_suggests_the_archives_entities_without_javascript(
    client: FlaskClient,
) -> None:
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<input id="q"[^>]* list="suggestions"', html)
    datalist = re.search(r'<datalist id="suggestions">(.*?)</datalist>', html, re.S)
    assert datalist is not None
    options = dict(re.findall(r'<option value="([^"]*)">([^<]*)</option>', datalist.group(1)))
    assert options["South Wales Police"].startswith("Agency · ")
    assert options["HMRC"].startswith("Agency: HM Revenue &amp; Customs · ")  # its acronym
    assert "Operation Guardian" in options and "County lines" in options
    counts = [int(re.search(r"(\d+) articles?$", text).group(1)) for text in options.values()]  # type: ignore[union-attr]
    assert counts == sorted(counts, reverse=True)  # the archive's most named first
