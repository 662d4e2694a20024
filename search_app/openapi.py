"""The OpenAPI description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from indexer.index import ENTITY_TYPES, FACET_TYPES, SORTS
from search_app.params import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS


def _param(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _filter_param(type_: str) -> dict[str, Any]:
    what = {
        "edition": "an edition id",
        "year": "a year (YYYY)",
        "section": "a section heading as printed (any case)",
    }.get(type_, f"a {type_} id, name, alias or acronym")
    return _param(
        type_,
        f"Only articles filed under {what}. Repeat for any of several values; different "
        "filters must all hold.",
        {"type": "array", "items": {"type": "string"}},
        style="form",
        explode=True,
    )


SEARCH_PARAMETERS = [
    _param(
        "q",
        'The query (Whoosh syntax: words, "phrases", OR, NOT, wildcard*, field:value). '
        "Empty lists every article newest first.",
        {"type": "string", "maxLength": MAX_QUERY_CHARS},
    ),
    *(_filter_param(t) for t in FACET_TYPES),
    _param("from", "Earliest edition date, YYYY or YYYY-MM.", {"type": "string"}),
    _param("to", "Latest edition date, YYYY or YYYY-MM.", {"type": "string"}),
    _param("sort", "Result order.", {"type": "string", "enum": list(SORTS)}),
    _param("page", "Page of results.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    _param(
        "per_page",
        "Results per page.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
    ),
]

_ERROR = {"$ref": "#/components/responses/Error"}
_UNAVAILABLE = {"$ref": "#/components/responses/Unavailable"}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def openapi_document() -> dict[str, Any]:
    hit = {
        "type": "object",
        "required": ["id", "title", "edition", "pages", "snippet", "entities", "score"],
        "properties": {
            "id": {"type": "string", "examples": ["soc-local-partnerships-bulletin-07:14"]},
            "title": {"type": "string"},
            "section": {"type": ["string", "null"]},
            "edition": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "number": {"type": ["integer", "null"]},
                    "title": {"type": ["string", "null"]},
                    "date": {
                        "type": ["string", "null"],
                        "description": "YYYY, YYYY-MM or YYYY-MM-DD",
                    },
                },
            },
            "pages": {"type": "array", "items": {"type": "integer"}},
            "snippet": {
                "type": "string",
                "description": "HTML: escaped text with <mark> around the matched words.",
            },
            "entities": {
                "type": "object",
                "description": "Entities named in the article, by type.",
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Entity"},
                },
            },
            "score": {"type": "number", "description": "0 when sorted by date"},
            "file": {"type": "string", "description": "The PDF's path in the corpus folder."},
        },
    }
    facet_value = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bulletin Archive API",
            "version": "1",
            "description": "Search the articles of newsletter-style PDF bulletins. Every error "
            'answers with {"error": {"status", "code", "message"}}.',
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search articles (the JSON of `bulletins search --json`).",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": _json("SearchPage", "One page of results."),
                        "400": _ERROR,
                    },
                }
            },
            "/export.csv": {
                "get": {
                    "summary": "Every article a search matches, as CSV (all pages).",
                    "parameters": [
                        p for p in SEARCH_PARAMETERS if p["name"] not in ("page", "per_page")
                    ],
                    "responses": {
                        "200": {"description": "CSV", "content": {"text/csv": {}}},
                        "400": _ERROR,
                    },
                }
            },
            "/feed.atom": {
                "get": {
                    "summary": "The newest articles a search matches, as an Atom feed.",
                    "parameters": [
                        p
                        for p in SEARCH_PARAMETERS
                        if p["name"] not in ("page", "per_page", "sort")
                    ],
                    "responses": {
                        "200": {"description": "Atom", "content": {"application/atom+xml": {}}},
                        "400": _ERROR,
                    },
                }
            },
            "/api/articles/{id}": {
                "get": {
                    "summary": "One article: full text (query terms marked), entities, related "
                    "articles and the others of its edition.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _param("q", "Words to mark in the text.", {"type": "string"}),
                    ],
                    "responses": {"200": _json("Article", "The article."), "404": _ERROR},
                }
            },
            "/api/entities": {
                "get": {
                    "summary": "Every entity, by type, with the number of articles filed under it.",
                    "responses": {
                        "200": {
                            "description": "{type: [{id, label, count}]}",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "type": "array",
                                            "items": facet_value,
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/entities/{type}/{id}": {
                "get": {
                    "summary": "One entity over time: its articles, mentions per edition and the "
                    "entities named in the same articles (counted per article).",
                    "parameters": [
                        {
                            "name": "type",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(ENTITY_TYPES)},
                        },
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"200": _json("EntityView", "The entity."), "404": _ERROR},
                }
            },
            "/api/status": {
                "get": {
                    "summary": "The index: editions, articles, the last indexing run's report and "
                    "the files that fail, with their reasons (as `bulletins status --json`).",
                    "responses": {"200": {"description": "The status."}},
                }
            },
            "/api/editions": {
                "get": {
                    "summary": "Every edition, newest first, with its articles and PDF link.",
                    "responses": {"200": {"description": "A list of editions."}},
                }
            },
        },
        "components": {
            "schemas": {
                "Entity": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
                },
                "Hit": hit,
                "SearchPage": {
                    "type": "object",
                    "required": [
                        "query",
                        "total",
                        "page",
                        "per_page",
                        "results",
                        "facets",
                        "match",
                    ],
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "sort": {
                            "type": "string",
                            "enum": list(SORTS),
                            "description": "As applied: an empty query is sorted newest first.",
                        },
                        "match": {
                            "type": "string",
                            "enum": ["all", "any"],
                            "description": '"any" when no article had every word, so articles '
                            "with some of them are listed.",
                        },
                        "did_you_mean": {"type": ["string", "null"]},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "description": "Counts over all matches for: " + ", ".join(FACET_TYPES),
                            "additionalProperties": {"type": "array", "items": facet_value},
                        },
                    },
                },
                "Article": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Hit"},
                        {
                            "type": "object",
                            "properties": {
                                "body": {
                                    "type": "string",
                                    "description": "HTML-escaped text, query terms in <mark>.",
                                },
                                "pdf": {
                                    "type": "string",
                                    "description": "The original PDF at the article's first page.",
                                },
                                "mentions": {"type": "array"},
                                "related": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Hit"},
                                },
                                "same_edition": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Hit"},
                                },
                            },
                        },
                    ]
                },
                "EntityView": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "total": {"type": "integer"},
                        "articles": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Hit"},
                        },
                        "timeline": {"type": "array"},
                        "co_mentions": {"type": "object"},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
            "responses": {
                "Error": _json("Error", "An error, with a message for people."),
                "Unavailable": _json("Error", "There is no index yet: run bulletins index."),
            },
        },
    }
