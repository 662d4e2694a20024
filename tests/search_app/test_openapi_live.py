"""The served OpenAPI description against the running app.

Every route of ``app.url_map`` is asked, on the shipped corpus's index, as it answers (200), with
a refused Host header, with another method, with no index, and with its view failing; then each
route's own errors (a bad query, an unknown id, a byte range). Every answer must be described
(route, status and media type) and every JSON body must validate against its schema in the
served description; every (route, status) the description lists must have been produced, and
the description must list every route the app has.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator

from indexer.config import Settings
from indexer.index import ArticleIndex
from search_app import create_app
from tests.conftest import CORPUS, SHIPPED_PDF

EDITION = SHIPPED_PDF.stem
ARTICLE = f"{EDITION}:14"
# One URL that answers 200 for each route of the app, by its rule in ``app.url_map``.
SAMPLES = {
    "/": "/?q=county+lines&theme=county-lines",
    "/articles/<article_id>": f"/articles/{ARTICLE}?q=county",
    "/entities": "/entities",
    "/entities/<type_>/<entity_id>": "/entities/agency/hmrc",
    "/editions": "/editions",
    "/publications/<publication_id>": "/publications/soc-local-partnerships-bulletin",
    "/editions/<edition_id>/pdf": f"/editions/{EDITION}/pdf",
    "/editions/<edition_id>/pages/<int:number>": f"/editions/{EDITION}/pages/19?q=county",
    "/editions/<edition_id>/pages/<int:number>.png": f"/editions/{EDITION}/pages/19.png",
    "/chips.css": "/chips.css",
    "/status": "/status",
    "/feed.atom": "/feed.atom?q=fraud",
    "/export.csv": "/export.csv?q=police&agency=HMRC",
    "/export.json": "/export.json?q=what+has+been+done+on+county+lines+in+wales",
    "/static/<path:filename>": "/static/style.css",
    "/api/search": "/api/search?q=county+lines&per_page=2&sort=newest",
    "/api/articles/<article_id>": f"/api/articles/{ARTICLE}?q=county",
    "/api/entities": "/api/entities",
    "/api/entities/<type_>/<entity_id>": "/api/entities/region/north-east",
    "/api/editions": "/api/editions",
    "/api/status": "/api/status",
    "/api/health": "/api/health",
    "/api/openapi.json": "/api/openapi.json",
}
# Each route's own errors: (rule, URL, request headers, the status it must answer).
PDF, STYLE = SAMPLES["/editions/<edition_id>/pdf"], SAMPLES["/static/<path:filename>"]
PAGE = SAMPLES["/editions/<edition_id>/pages/<int:number>.png"]
ERRORS: list[tuple[str, str, dict[str, str], int]] = [
    ("/", "/?q=county+AND", {}, 400),
    ("/", "/?agency=no-such-agency-at-all", {}, 400),
    ("/api/search", "/api/search?q=county+AND", {}, 400),
    ("/api/search", "/api/search?agency=no-such-agency-at-all", {}, 400),
    ("/api/search", "/api/search?per_page=1000", {}, 400),
    ("/export.csv", "/export.csv?q=county+AND", {}, 400),
    ("/export.json", "/export.json?q=county+AND", {}, 400),
    ("/feed.atom", "/feed.atom?from=last+year", {}, 400),
    ("/articles/<article_id>", "/articles/no-such-article", {}, 404),
    ("/api/articles/<article_id>", "/api/articles/no-such-article", {}, 404),
    ("/entities/<type_>/<entity_id>", "/entities/person/x", {}, 404),
    ("/entities/<type_>/<entity_id>", "/entities/agency/HMRC", {}, 302),
    ("/api/entities/<type_>/<entity_id>", "/api/entities/agency/Revenue%20and%20Customs", {}, 302),
    ("/entities/<type_>/<entity_id>", "/entities/agency/no-such-agency", {}, 404),
    ("/api/entities/<type_>/<entity_id>", "/api/entities/person/x", {}, 404),
    ("/api/entities/<type_>/<entity_id>", "/api/entities/agency/no-such-agency", {}, 404),
    ("/editions/<edition_id>/pdf", "/editions/no-such-edition/pdf", {}, 404),
    ("/publications/<publication_id>", "/publications/no-such-publication", {}, 404),
    ("/editions/<edition_id>/pages/<int:number>", f"/editions/{EDITION}/pages/99", {}, 404),
    ("/editions/<edition_id>/pages/<int:number>.png", "/editions/none/pages/1.png", {}, 404),
    ("/editions/<edition_id>/pages/<int:number>.png", PAGE, {"If-None-Match": "*"}, 304),
    ("/static/<path:filename>", "/static/no-such-file.css", {}, 404),
    ("/editions/<edition_id>/pdf", PDF, {"Range": "bytes=0-99"}, 206),
    ("/editions/<edition_id>/pdf", PDF, {"Range": "bytes=99999999-"}, 416),
    ("/editions/<edition_id>/pdf", PDF, {"If-None-Match": "*"}, 304),
    ("/static/<path:filename>", STYLE, {"Range": "bytes=0-9"}, 206),
    ("/static/<path:filename>", STYLE, {"Range": "bytes=99999999-"}, 416),
    ("/static/<path:filename>", STYLE, {"If-None-Match": "*"}, 304),
]


@dataclass(frozen=True)
class Answer:
    rule: str
    how: str  # what was asked, for messages
    status: int
    mimetype: str
    body: bytes
    json: Any


def template(route: str) -> str:
    """A Flask rule or an OpenAPI path with its variables unnamed: /api/articles/{}."""
    return re.sub(r"<[^<>]+>|\{[^{}]+\}", "{}", route)


def _ask(app: Flask, rule: str, url: str, *, how: str, **kwargs: Any) -> Answer:
    with app.test_client().open(url, **kwargs) as response:
        return Answer(
            rule,
            f"{how} {url}",
            response.status_code,
            response.mimetype,
            response.get_data(),
            response.get_json(silent=True) if response.is_json else None,
        )


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug in a view")


@pytest.fixture(scope="module")
def spec(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.get_json()
    return spec


@pytest.fixture(scope="module")
def answers(shipped_index: ArticleIndex, tmp_path_factory: pytest.TempPathFactory) -> list[Answer]:
    """Every answer the test asks for, from four apps: the shipped index's, one without an
    index, and one whose views all raise; all answering only for localhost."""
    assert shipped_index.path is not None
    hosts = ["localhost"]
    live = create_app(
        Settings(corpus_dir=CORPUS, index_dir=shipped_index.path), trusted_hosts=hosts
    )
    empty = tmp_path_factory.mktemp("no-index")
    missing = create_app(Settings(corpus_dir=empty, index_dir=empty / "index"), trusted_hosts=hosts)
    broken = create_app(
        Settings(corpus_dir=CORPUS, index_dir=shipped_index.path), trusted_hosts=hosts
    )
    for endpoint in broken.view_functions:
        broken.view_functions[endpoint] = _fail
    out = []
    http_log = logging.getLogger("bulletins.http")
    for rule, url in SAMPLES.items():
        ok = _ask(live, rule, url, how="GET")
        assert ok.status == 200, (url, ok.body[:300])
        out += [
            ok,
            _ask(live, rule, url, how="GET (Host: evil.example)", headers={"Host": "evil.example"}),
            _ask(live, rule, url, how="POST", method="POST"),
            _ask(live, rule, url, how="DELETE", method="DELETE"),
            _ask(missing, rule, url, how="GET (no index)"),
        ]
        http_log.disabled = True  # no traceback for each bug on purpose
        try:
            out.append(_ask(broken, rule, url, how="GET (the view raises)"))
        finally:
            http_log.disabled = False
    for rule, url, headers, status in ERRORS:
        answer = _ask(live, rule, url, how=f"GET {headers}", headers=headers)
        assert answer.status == status, (answer.how, answer.body[:300])
        out.append(answer)
    return out


def _operation(spec: dict[str, Any], rule: str) -> dict[str, Any]:
    paths = {template(path): item for path, item in spec["paths"].items()}
    item: dict[str, Any] = paths.get(template(rule), {})
    return item.get("get", {})


def _resolve(spec: dict[str, Any], item: Any) -> Any:
    """``item``, or what its ``$ref`` (#/components/...) points to."""
    while isinstance(item, dict) and "$ref" in item:
        target: Any = spec
        for key in item["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        item = target
    return item


def test_every_route_of_the_app_is_described(app: Flask, spec: dict[str, Any]) -> None:
    routes = {template(rule.rule) for rule in app.url_map.iter_rules()}
    described = {template(path) for path in spec["paths"]}
    assert sorted(routes - described) == [], "routes the description lacks"
    assert sorted(described - routes) == [], "routes the description has and the app not"
    assert sorted(routes) == sorted(template(rule) for rule in SAMPLES), "a route without a sample"


def test_the_schemas_are_valid_json_schema(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1.")
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_answer_is_described_and_matches_its_schema(
    spec: dict[str, Any], answers: list[Answer]
) -> None:
    problems = []
    for answer in answers:
        responses = _operation(spec, answer.rule).get("responses", {})
        described = _resolve(spec, responses.get(str(answer.status)))
        if described is None:
            problems.append(f"{answer.how}: {answer.status} is not described")
            continue
        content = described.get("content", {})
        if not content:
            if answer.body:
                problems.append(f"{answer.how}: {answer.status} has a body, described as none")
            continue
        media = content.get(answer.mimetype, content.get("*/*"))
        if media is None:
            problems.append(f"{answer.how}: {answer.mimetype} is not one of {sorted(content)}")
            continue
        if answer.mimetype == "application/json":
            schema = {"allOf": [media["schema"]], "components": spec["components"]}
            errors = [
                f"{answer.how}: {answer.status}: {'/'.join(map(str, e.absolute_path))}: "
                f"{e.message[:300]}"
                for e in Draft202012Validator(schema).iter_errors(answer.json)
            ]
            problems += errors[:5]
    assert problems == []


def test_every_described_status_is_produced(spec: dict[str, Any], answers: list[Answer]) -> None:
    produced = {(template(a.rule), str(a.status)) for a in answers}
    described = {
        (template(path), status)
        for path, item in spec["paths"].items()
        for operation in item.values()
        for status in operation["responses"]
    }
    assert sorted(described - produced) == [], "statuses described that no request produced"
