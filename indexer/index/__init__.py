"""The search index. Nothing outside this package imports whoosh."""

from indexer.index._backend import (
    ArticleIndex,
    ArticleView,
    SearchHit,
    SearchPage,
    article_document,
)
from indexer.index._entity import EntityView
from indexer.index._facets import month_name
from indexer.index._schema import ENTITY_TYPES, FACET_TYPES, QUERY_FIELDS, SORTS

__all__ = [
    "ENTITY_TYPES",
    "FACET_TYPES",
    "QUERY_FIELDS",
    "SORTS",
    "ArticleIndex",
    "ArticleView",
    "EntityView",
    "SearchHit",
    "SearchPage",
    "article_document",
    "month_name",
]
