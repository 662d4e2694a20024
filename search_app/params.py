"""A search as it lives in the URL: the shared request of ``indexer.search_request``."""

from indexer.search_request import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_VALUE_CHARS,
    MAX_VALUES,
)
from indexer.search_request import SearchRequest as SearchParams

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_VALUES",
    "MAX_VALUE_CHARS",
    "SearchParams",
]
