"""The search index on Whoosh: the engine behind the seam of ``indexer.backend``.

Nothing outside this package imports whoosh or writes an index folder. The result types are
``indexer.results``; ``ArticleIndex`` is the engine as served, ``PlainIndex`` the same index
read with Whoosh's own search only (the reference the contract tests hold both to).
"""

from indexer.index._backend import ArticleIndex, Batch, bare_whoosh_top
from indexer.index._documents import article_document
from indexer.index._facets import month_name
from indexer.index._pages import prune_layouts, write_layout
from indexer.index._plain import PlainIndex
from indexer.index._replica import Replicated, replicate
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
    "Batch",
    "IndexLockedError",
    "PlainIndex",
    "Replicated",
    "Resolution",
    "article_document",
    "bare_whoosh_top",
    "clean_up",
    "index_health",
    "live_dir",
    "month_name",
    "new_generation",
    "prune_layouts",
    "publish",
    "read_last_run",
    "read_state",
    "replicate",
    "resolve_live",
    "write_last_run",
    "write_layout",
    "writer_lock",
]
