"""One settings object: the limits set in it are the ones the app, the API and the CLI use."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner

from indexer.cli import cli
from indexer.config import IndexingSettings, SearchSettings, ServeSettings, Settings
from indexer.index import ArticleIndex
from search_app import create_app


def test_the_apps_limits_come_from_the_settings(shipped_index: ArticleIndex) -> None:
    assert shipped_index.path is not None
    settings = Settings(corpus_dir=shipped_index.path, index_dir=shipped_index.path)
    narrow = replace(
        settings,
        search=SearchSettings(max_per_page=5, max_query_chars=12, facet_limit=2, related=1),
        serve=ServeSettings(max_request_bytes=100),
    )
    app = create_app(narrow, index=shipped_index)
    assert app.config["MAX_CONTENT_LENGTH"] == 100
    client = app.test_client()
    assert client.get("/api/search?per_page=5").status_code == 200
    assert client.get("/api/search?per_page=6").status_code == 400
    assert client.get("/api/search?q=county+lines+x").status_code == 400  # 13 characters
    page = client.get("/api/search").get_json()
    assert all(len(values) <= 2 for values in page["facets"].values())
    article = client.get(f"/api/articles/{page['results'][0]['id']}").get_json()
    assert len(article["related"]) == 1

    default = create_app(settings, index=shipped_index).test_client()
    assert default.get("/api/search?per_page=6").status_code == 200
    assert len(default.get("/api/search").get_json()["facets"]["region"]) > 2


def test_command_line_defaults_are_the_settings_defaults() -> None:
    serve = " ".join(CliRunner().invoke(cli, ["serve", "--help"]).output.split())
    index = " ".join(CliRunner().invoke(cli, ["index", "--help"]).output.split())
    assert f"[default: {ServeSettings.connection_limit};" in serve
    assert f"[default: {ServeSettings.port};" in serve
    assert f"[default: {IndexingSettings.job_seconds};" in index
    assert f"[default: {IndexingSettings.job_memory_mb};" in index
