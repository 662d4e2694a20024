"""The web app: search pages for people, a JSON API for programs.

``create_app()`` reads its settings from the environment (``BULLETINS_CORPUS``,
``BULLETINS_INDEX``); ``bulletins serve`` runs it under a production WSGI server.
"""

from __future__ import annotations

from flask import Flask

from indexer.config import Settings
from indexer.index import ArticleIndex
from search_app import errors, security
from search_app.archive import Archive
from search_app.templating import register_filters


def create_app(
    settings: Settings | None = None,
    *,
    index: ArticleIndex | None = None,
    trusted_hosts: list[str] | None = None,
) -> Flask:
    """The app for ``settings`` (default: from the environment). ``index`` overrides opening
    ``settings.index_dir`` (tests). ``trusted_hosts``: the only Host headers answered (links in
    feeds and exports are built from it); None answers any."""
    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config.update(
        DEBUG=False,
        MAX_CONTENT_LENGTH=settings.serve.max_request_bytes,
        TRUSTED_HOSTS=trusted_hosts,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["bulletins"] = Archive(settings, index)

    from search_app.api import api
    from search_app.page_view import page_view
    from search_app.views import pages

    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.register_blueprint(page_view)
    errors.register(app)
    security.register(app)
    register_filters(app)
    return app
