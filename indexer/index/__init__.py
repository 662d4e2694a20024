"""The search index. Nothing outside this package imports whoosh or writes an index folder."""

from indexer.index._backend import (
    ArticleIndex,
    ArticleView,
    Batch,
    SearchHit,
    SearchPage,
    article_document,
)
from indexer.index._entity import EntityView
from indexer.index._facets import month_name
from indexer.index._schema import ENTITY_TYPES, FACET_TYPES, QUERY_FIELDS, SCHEMA_VERSION, SORTS
from indexer.index._store import (
    CACHE_DIR,
    IndexLockedError,
    Resolution,
    clean_up,
    index_health,
    live_dir,
    new_generation,
    publish,
    read_last_run,
    read_state,
    resolve_live,
    write_last_run,
    writer_lock,
)

__all__ = [
    "CACHE_DIR",
    "ENTITY_TYPES",
    "FACET_TYPES",
    "QUERY_FIELDS",
    "SCHEMA_VERSION",
    "SORTS",
    "ArticleIndex",
    "ArticleView",
    "Batch",
    "EntityView",
    "IndexLockedError",
    "Resolution",
    "SearchHit",
    "SearchPage",
    "article_document",
    "clean_up",
    "index_health",
    "live_dir",
    "month_name",
    "new_generation",
    "publish",
    "read_last_run",
    "read_state",
    "resolve_live",
    "write_last_run",
    "writer_lock",
]
