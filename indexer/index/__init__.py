"""The search index. Nothing outside this package imports whoosh."""

from indexer.index._backend import ArticleIndex, SearchHit, SearchPage, article_document
from indexer.index._schema import QUERY_FIELDS

__all__ = ["QUERY_FIELDS", "ArticleIndex", "SearchHit", "SearchPage", "article_document"]
