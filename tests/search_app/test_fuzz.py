"""No user input makes a 500: arbitrary queries and parameters at every search endpoint."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.index import FACET_TYPES

SEARCH_ENDPOINTS = ("/", "/api/search", "/export.csv", "/feed.atom")
QUERY_PIECES = st.sampled_from(
    [
        "county",
        "lines",
        '"',
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "*",
        "?",
        "~",
        "^2",
        ":",
        "title:",
        "year:",
        "edition:",
        "[",
        "]",
        "{",
        "}",
        "TO",
        "-",
        "+",
        "\\",
        "'",
        "<script>",
        "&",
        "%",
        "exploit*",
        "Wales",
        "HMRC",
        "é",
        "\u200b",
        "\ufeff",
        " ",
        "  ",
    ]
)
queries = st.one_of(
    st.text(max_size=60),
    st.lists(QUERY_PIECES, max_size=12).map("".join),
    st.lists(QUERY_PIECES, max_size=8).map(" ".join),
)
param_names = st.sampled_from(
    [*FACET_TYPES, "q", "from", "to", "sort", "page", "per_page", "x", ""]
)
param_values = st.one_of(
    st.text(max_size=20),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["2017", "2017-10", "2017-13", "newest", "oldest", "wales", "0", "1e3"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from(SEARCH_ENDPOINTS),
    q=queries,
    params=st.lists(st.tuples(param_names, param_values), max_size=6),
)
def test_search_endpoints_never_fail_with_500(
    app: Flask, endpoint: str, q: str, params: list[tuple[str, str]]
) -> None:
    client = app.test_client()
    url = f"{endpoint}?{urlencode([('q', q), *params])}"
    with client.get(url) as response:
        body = response.get_data(as_text=True)  # streams (the CSV export) run to the end
        assert response.status_code in (200, 400), (url, response.status_code)
        if endpoint.startswith("/api/") and response.status_code == 400:
            assert response.get_json()["error"]["message"]
        if endpoint == "/":
            assert "<script>" not in body


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.lists(
        st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12), max_size=3
    ).map("/".join)
)
@example(path="FIRE-SERVICE")  # found by CI: another spelling of an id redirects (302)
def test_id_routes_never_fail_with_500(app: Flask, path: str) -> None:
    client = app.test_client()
    for prefix in (
        "/articles/",
        "/api/articles/",
        "/entities/agency/",
        "/api/entities/region/",
        "/editions/",
    ):
        response = client.get(prefix + path)
        assert response.status_code in (200, 301, 302, 308, 404, 405), (
            prefix + path,
            response.status_code,
        )
        if response.status_code == 302:
            # An entity's name, alias or other spelling redirects to its id, which is found.
            assert prefix.startswith(("/entities/", "/api/entities/")), prefix + path
            target = client.get(response.headers["Location"])
            assert target.status_code == 200, (prefix + path, response.headers["Location"])
