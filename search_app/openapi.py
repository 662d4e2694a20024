"""The OpenAPI description of everything the app serves, at /api/openapi.json: the JSON API,
the CSV export and the Atom feed, the pages for people (tagged ``pages``) and their assets.

Each route lists every status it answers with, and each JSON body has a precise schema, made
from the code's own lists (entity types, facets, sorts, error codes, outcomes, the fields of
the dataclasses answered). tests/search_app/test_openapi_live.py produces every documented
(route, status) on the running app, validates each JSON body against its schema, and fails on
a route or a status that this description leaves out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from indexer.corpus import SKIP_REASONS, Skipped
from indexer.index import ENTITY_TYPES, FACET_TYPES, SORTS
from indexer.models import Edition, Publication
from indexer.outcomes import FILE_CHANGES, FILE_STATUSES, RUN_ERRORS
from indexer.pipeline import FAILURE_REASONS, BuildReport, FileOutcome
from search_app.errors import ERROR_CODES, ErrorCode
from search_app.params import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_VALUE_CHARS

Schema = dict[str, Any]


def _param(name: str, description: str, schema: Schema, **extra: Any) -> Schema:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _path_param(name: str, schema: Schema | None = None) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _filter_param(type_: str) -> Schema:
    what = {
        "publication": "a publication id or name (any case)",
        "edition": "an edition id",
        "year": "a year (YYYY)",
        "section": "a section heading as printed (any case)",
    }.get(type_, f"a {type_} id, name, alias or acronym")
    return _param(
        type_,
        f"Only articles filed under {what}. Repeat for any of several values; different "
        "filters must all hold.",
        {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_CHARS}},
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


def _search_parameters(*left_out: str) -> list[Schema]:
    return [p for p in SEARCH_PARAMETERS if p["name"] not in left_out]


# --- schemas ---------------------------------------------------------------------------------


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: Schema, *, optional: Iterable[str] = (), **extra: Any) -> Schema:
    """An object with exactly these properties, all required but ``optional``."""
    left_out = set(optional)
    return {
        "type": "object",
        "required": [name for name in properties if name not in left_out],
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def _array(items: Schema, description: str = "") -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def _by_type(types: Iterable[str], items: Schema, description: str) -> Schema:
    """{type: [items]} for some of ``types`` (a type with nothing is left out)."""
    properties = {type_: _array(items) for type_ in types}
    return _object(properties, optional=properties, description=description)


_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _fields_schema(
    cls: type[Any],
    *,
    left_out: Iterable[str] = (),
    none_dropped: bool = False,
    overrides: Schema | None = None,
) -> Schema:
    """The properties of a dataclass as answered: one a field, typed from its annotation.
    ``none_dropped``: a field that is None is left out of the JSON, rather than null."""
    properties: Schema = {}
    optional = []
    for field in dataclasses.fields(cls):
        if field.name in left_out:
            continue
        written = field.type if isinstance(field.type, str) else field.type.__name__
        annotation = written.replace(" ", "")
        nullable = annotation.endswith("|None")
        json_type = _JSON_TYPES[annotation.removesuffix("|None")]
        if nullable and none_dropped:
            optional.append(field.name)
        null = nullable and not none_dropped
        properties[field.name] = {"type": [json_type, "null"] if null else json_type}
    properties.update(overrides or {})
    return _object(properties, optional=optional)


def _schemas() -> Schema:
    entity = _object({"id": {"type": "string"}, "label": {"type": "string"}})
    publication_ref = {
        "oneOf": [
            _object({"id": {"type": "string"}, "name": {"type": "string"}}),
            {"type": "null"},
        ],
        "description": "The publication it is an edition of (its id and name), if known.",
    }
    facet_value = _object(
        {"id": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}}
    )
    hit_properties: Schema = {
        "id": {"type": "string", "examples": ["soc-local-partnerships-bulletin-07:14"]},
        "title": {"type": "string"},
        "section": {"type": ["string", "null"]},
        "edition": _object(
            {
                "id": {"type": "string"},
                "number": {"type": ["integer", "null"]},
                "title": {"type": ["string", "null"]},
                "date": {"type": ["string", "null"], "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
                "label": {
                    "type": "string",
                    "examples": ["SOC Local Partnerships Bulletin, Issue 7, October 2017"],
                },
                "publication": publication_ref,
            }
        ),
        "pages": _array({"type": "integer", "minimum": 1}),
        "page": {
            "type": "integer",
            "minimum": 1,
            "description": "The page its best match is printed on (its first page when no "
            "word matched); /editions/{id}/pages/{page} shows it.",
        },
        "snippet": {
            "type": "string",
            "description": "HTML: escaped text with <mark> around the matched words.",
        },
        "entities": _by_type(ENTITY_TYPES, _ref("Entity"), "Entities named in the article."),
        "score": {"type": "number", "description": "0 when sorted by date"},
        "file": {"type": "string", "description": "The PDF's path in the corpus folder."},
    }
    mention = {
        "type": "array",
        "description": "[type, id, field, start, end, how]: where the text names an entity "
        "(offsets into the field's text) and how it was matched.",
        "prefixItems": [
            {"type": "string", "enum": list(ENTITY_TYPES)},
            {"type": "string"},
            {"type": "string"},
            {"type": "integer", "minimum": 0},
            {"type": "integer", "minimum": 0},
            {"type": "string"},
        ],
        "minItems": 6,
        "items": False,
    }
    triple = {
        "type": "array",
        "description": "[type, id, label]",
        "prefixItems": [{"type": "string", "enum": list(ENTITY_TYPES)}, *[{"type": "string"}] * 2],
        "minItems": 3,
        "items": False,
    }
    outcome = _fields_schema(
        FileOutcome,
        none_dropped=True,
        overrides={
            "status": {"type": "string", "enum": list(FILE_STATUSES)},
            "reason": {"type": "string", "enum": list(FAILURE_REASONS)},
            "change": {"type": "string", "enum": list(FILE_CHANGES)},
            "outcome": {
                "type": "string",
                "enum": list(dict.fromkeys([*FILE_STATUSES, *FAILURE_REASONS])),
                "description": "ok, repaired, or the failure's reason.",
            },
        },
    )
    counts = list(BuildReport((), 0, 0.0).counts())
    last_run = _object(
        {
            "finished": {"type": "string", "description": "When, as YYYY-MM-DDTHH:MM:SS+HHMM."},
            "corpus": {"type": "string"},
            "seconds": {"type": "number"},
            "counts": _object({name: {"type": "integer", "minimum": 0} for name in counts}),
            "files": {"type": "integer"},
            "editions": {"type": "integer"},
            "articles": {"type": "integer"},
            "published": {"type": "boolean"},
            "failed": _array(_ref("FileOutcome")),
            "removed": _array({"type": "string"}),
            "skipped": _array(
                _fields_schema(
                    Skipped, overrides={"reason": {"type": "string", "enum": list(SKIP_REASONS)}}
                )
            ),
            "outcomes": _array(_ref("FileOutcome")),
            "entity_changes": _array(
                _object(
                    {
                        "article": {"type": "string"},
                        "title": {"type": "string"},
                        "added": _array(triple),
                        "removed": _array(triple),
                    }
                )
            ),
            "error": _object(
                {
                    "code": {"type": "string", "enum": list(RUN_ERRORS)},
                    "message": {"type": "string"},
                },
                description="Why the run ended without publishing.",
            ),
        },
        optional=["error"],
        description="The last indexing run's report (INDEX/last-run.json, as --report writes it).",
    )
    status = _object(
        {
            "exists": {"type": "boolean"},
            "editions": {"type": "integer", "minimum": 0},
            "articles": {"type": "integer", "minimum": 0},
            "publications": _array(
                _fields_schema(
                    Publication,
                    overrides={
                        "editions": {"type": "integer", "minimum": 1},
                        "articles": {"type": "integer", "minimum": 1},
                    },
                ),
                "The publications the index holds editions of, most editions first, with what "
                "the manifest says of them ([[publication]] in editions.toml).",
            ),
            "files": {"type": "integer", "minimum": 0},
            "failed": _array(
                _object(
                    {
                        "file": {"type": "string"},
                        "reason": {"type": "string", "enum": list(FAILURE_REASONS)},
                        "message": {"type": "string"},
                    }
                )
            ),
            "boilerplate": _array(
                _object(
                    {
                        "publication": {"type": "string"},
                        "text": {"type": "string"},
                        "editions": {"type": "integer", "minimum": 3},
                    }
                ),
                "Paragraphs recurring in three or more editions of a publication, left out of "
                "search (the most widespread first, at most 100).",
            ),
            "duplicates": _array(
                _object(
                    {
                        "file": {"type": "string"},
                        "of": {"type": "string"},
                        "same": {"type": "string", "enum": ["bytes", "text"]},
                    }
                ),
                "Files with the same bytes, or the same text (a copy saved again), as another "
                "file of the corpus, indexed once, under that file (of).",
            ),
            "last_run": {"oneOf": [last_run, {"type": "null"}]},
            "generation": {"type": ["string", "null"], "description": "The generation served."},
            "server": {
                "type": "string",
                "description": "host:pid of the process that answered (one of several replicas).",
            },
            "problem": {
                "type": ["string", "null"],
                "description": "What is wrong with the index folder, for people.",
            },
        }
    )
    edition_listing = _fields_schema(
        Edition,
        left_out=("source", "file"),
        overrides={
            "publication": publication_ref,
            "label": {"type": "string"},
            "pdf": {"type": "string", "description": "The edition's PDF (/editions/{id}/pdf)."},
            "articles": _array(
                _object(
                    {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "section": {"type": ["string", "null"]},
                        "pages": _array({"type": "integer", "minimum": 1}),
                    }
                )
            ),
        },
    )
    return {
        "Entity": entity,
        "FacetValue": facet_value,
        "Hit": _object(hit_properties),
        "ExportedHit": _object(
            {
                **hit_properties,
                "url": {"type": "string", "description": "The article's page."},
                "page_url": {
                    "type": "string",
                    "description": "The page its best match is printed on, as printed, the "
                    "search's words outlined.",
                },
                "pdf_url": {"type": "string", "description": "The PDF at that page."},
            }
        ),
        "Recognised": _object(
            {
                "type": {"type": "string", "enum": list(ENTITY_TYPES)},
                "id": {"type": "string"},
                "label": {"type": "string"},
                "text": {"type": "string", "description": "The name as typed in the query."},
            }
        ),
        "SearchPage": _object(
            {
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "sort": {
                    "type": "string",
                    "enum": list(SORTS),
                    "description": "As applied: an empty query is sorted newest first.",
                },
                "match": {
                    "type": "string",
                    "enum": ["all", "most", "any"],
                    "description": '"all": each match holds every word searched for; '
                    '"most": at least words_needed of them, as fewer articles held them all; '
                    '"any": at least one.',
                },
                "did_you_mean": {"type": ["string", "null"]},
                "read_as": {
                    "type": ["string", "null"],
                    "description": "The query as searched, when parts of it were read as plain "
                    'words rather than syntax (a "?", an apostrophe, a colon naming no field, '
                    "an unmatched quote or bracket); null when it was searched as typed.",
                },
                "read_notes": _array({"type": "string"}),
                "words": _array(
                    {"type": "string"},
                    "The words and names searched for, each as typed (a name of several "
                    'words is one: "county lines").',
                ),
                "words_needed": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many of the words each match holds at least.",
                },
                "with_every_word": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many of the matches hold every one of the words.",
                },
                "required": _array(
                    {"type": "string"},
                    "Syntax every match must hold, as typed: quoted phrases, field:value, "
                    "wildcards.",
                ),
                "left_out": _array(
                    {"type": "string"},
                    'Question and function words not searched for ("what", "has", "in").',
                ),
                "recognised": _array(
                    _ref("Recognised"),
                    "Names in the query that the gazetteer knows, as the articles are tagged: "
                    "articles filed under them rank higher, and each can be applied as a "
                    "filter.",
                ),
                "results": _array(_ref("Hit")),
                "facets": _by_type(
                    FACET_TYPES, _ref("FacetValue"), "Counts over all matches, by filter."
                ),
            }
        ),
        "Article": _object(
            {
                **hit_properties,
                "body": {
                    "type": "string",
                    "description": "HTML-escaped text, query terms in <mark>.",
                },
                "mentions": _array(mention),
                "named_at": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Places marked in the title and body (<mark "
                    'class="named">) where an entity of the search\'s filters is named.',
                },
                "boilerplate": _array(
                    {"type": "integer", "minimum": 0},
                    "The paragraphs of the body (0-based) that recur, nearly word for word, in "
                    "three or more editions of its publication: left out of search.",
                ),
                "related": _array(_ref("Hit")),
                "same_edition": _array(_ref("Hit")),
                "pdf": {
                    "type": "string",
                    "description": "The original PDF at the article's first page.",
                },
            }
        ),
        "EntityCounts": _by_type(
            ENTITY_TYPES, _ref("FacetValue"), "Every entity, by type, most articles first."
        ),
        "EntityView": _object(
            {
                "type": {"type": "string", "enum": list(ENTITY_TYPES)},
                "id": {"type": "string"},
                "label": {"type": "string"},
                "total": {"type": "integer", "minimum": 1},
                "direct": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many of the articles name it (the others name a place "
                    "within it, for a region).",
                },
                "articles": _array(_ref("Hit")),
                "timeline": _array(
                    _object(
                        {
                            "edition": {"type": "string"},
                            "label": {"type": "string"},
                            "date": {"type": ["string", "null"]},
                            "articles": {"type": "integer", "minimum": 0},
                            "mentions": {"type": "integer", "minimum": 0},
                        }
                    )
                ),
                "co_mentions": _by_type(
                    ENTITY_TYPES,
                    _object(
                        {
                            "id": {"type": "string"},
                            "label": {"type": "string"},
                            "articles": {"type": "integer", "minimum": 1},
                        }
                    ),
                    "Entities named in the same articles, counted per article.",
                ),
            }
        ),
        "Editions": _array(edition_listing),
        "FileOutcome": outcome,
        "Status": status,
        "Health": {
            "type": "object",
            "required": ["status", "server"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "string", "enum": ["ok", "unavailable"]},
                "generation": {"type": ["string", "null"]},
                "articles": {"type": "integer", "minimum": 0},
                "problem": {"type": ["string", "null"]},
                "message": {"type": "string"},
                "server": {"type": "string", "description": "host:pid of the answering process"},
            },
        },
        "OpenAPI": {
            "type": "object",
            "required": ["openapi", "info", "paths", "components"],
            "properties": {"openapi": {"type": "string", "pattern": r"^3\.1\."}},
        },
        "Error": _error_schema(list(ErrorCode)),
    }


def _error_schema(codes: list[ErrorCode]) -> Schema:
    statuses = sorted({ERROR_CODES[code][0] for code in codes})
    return _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer", "enum": statuses},
                    "code": {"type": "string", "enum": [str(code) for code in codes]},
                    "message": {"type": "string", "description": "What to fix, for people."},
                }
            )
        }
    )


# --- responses -------------------------------------------------------------------------------

JSON = "application/json"
HTML = "text/html"
# Every route answers these too: a refused Host header, another method, a bug.
EVERY_ROUTE = (ErrorCode.UNTRUSTED_HOST, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.INTERNAL_ERROR)
SEARCH_ERRORS = (ErrorCode.INVALID_QUERY, ErrorCode.UNKNOWN_ENTITY, ErrorCode.INDEX_UNAVAILABLE)
LOOKUP_ERRORS = (ErrorCode.NOT_FOUND, ErrorCode.INDEX_UNAVAILABLE)
INDEX_ERRORS = (ErrorCode.INDEX_UNAVAILABLE,)


def _content(media_type: str, schema: Schema | None = None) -> Schema:
    return {media_type: {"schema": schema} if schema else {}}


def _ok(description: str, media_type: str, schema: Schema | None = None) -> Schema:
    return {"description": description, "content": _content(media_type, schema)}


def _errors(codes: Iterable[ErrorCode], media_type: str) -> dict[str, Schema]:
    """One response a status, naming its codes; the JSON error shape, or the error page."""
    by_status: dict[int, list[ErrorCode]] = {}
    for code in (*codes, *EVERY_ROUTE):
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    responses = {}
    for status, listed in sorted(by_status.items()):
        meaning = "; ".join(f"{code}: {ERROR_CODES[code][1]}" for code in listed)
        if media_type == JSON:
            responses[str(status)] = _ok(meaning + ".", JSON, _error_schema(listed))
        else:
            responses[str(status)] = _ok(f"The error page ({meaning}).", HTML)
    return responses


def _file_responses(media_type: str) -> dict[str, Schema]:
    """The answers of a file served with ranges and validators, besides the whole file."""
    return {
        "206": _ok("The part asked for with a Range header.", media_type),
        "304": {"description": "Not modified since the ETag or date sent (If-None-Match, ...)."},
        "416": _ok("The error page: the Range asked for is outside the file.", HTML),
    }


# An entity named by its label, alias or acronym ("/entities/agency/HMRC"): to its id's URL.
_TO_CANONICAL = {"302": _ok("To the entity's own URL, in the Location header.", HTML)}


def _get(
    summary: str,
    ok: Schema,
    *,
    errors: Iterable[ErrorCode] = (),
    machine: bool = True,
    parameters: list[Schema] | None = None,
    extra: dict[str, Schema] | None = None,
) -> Schema:
    responses = {"200": ok, **(extra or {}), **_errors(errors, JSON if machine else HTML)}
    operation: Schema = {
        "tags": ["api" if machine else "pages"],
        "summary": summary,
        "responses": dict(sorted(responses.items())),
    }
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _page(summary: str, **kwargs: Any) -> Schema:
    return _get(summary, _ok("The page.", HTML), machine=False, **kwargs)


def _json(schema: str, description: str) -> Schema:
    return _ok(description, JSON, _ref(schema))


def _paths() -> Schema:
    article_id = _path_param("id")
    entity = [_path_param("type", {"type": "string", "enum": list(ENTITY_TYPES)}), article_id]
    return {
        "/api/search": _get(
            "Search articles (the JSON of `bulletins search --json`).",
            _json("SearchPage", "One page of results."),
            errors=SEARCH_ERRORS,
            parameters=SEARCH_PARAMETERS,
        ),
        "/export.csv": _get(
            "Every article a search matches, as CSV (all pages).",
            _ok("CSV, UTF-8 with a BOM.", "text/csv", {"type": "string"}),
            errors=SEARCH_ERRORS,
            parameters=_search_parameters("page", "per_page"),
        ),
        "/export.json": _get(
            "Every article a search matches, in its order, as a JSON array of results as "
            "/api/search gives them (snippet, entities with ids and labels, pages), each with "
            "its url and pdf_url.",
            _ok("JSON", "application/json", _array(_ref("ExportedHit"))),
            errors=SEARCH_ERRORS,
            parameters=_search_parameters("page", "per_page"),
        ),
        "/feed.atom": _get(
            "The first 50 articles a search lists, in its order, as an Atom feed.",
            _ok("Atom", "application/atom+xml", {"type": "string"}),
            errors=SEARCH_ERRORS,
            parameters=_search_parameters("page", "per_page", "sort"),
        ),
        "/api/articles/{id}": _get(
            "One article: full text (query terms marked), entities, related articles and the "
            "others of its edition.",
            _json("Article", "The article."),
            errors=LOOKUP_ERRORS,
            parameters=[
                article_id,
                _param("q", "Words to mark in the text.", {"type": "string"}),
                *(
                    {
                        **_filter_param(type_),
                        "description": "The search the article was opened from filters by "
                        "this entity: where the article names it is marked "
                        '(<mark class="named">), and counted in named_at.',
                    }
                    for type_ in ENTITY_TYPES
                ),
            ],
        ),
        "/api/entities": _get(
            "Every entity, by type, with the number of articles filed under it.",
            _json("EntityCounts", "{type: [{id, label, count}]}"),
            errors=INDEX_ERRORS,
        ),
        "/api/entities/{type}/{id}": _get(
            "One entity over time: its articles, mentions per edition and the entities named "
            "in the same articles (counted per article). A label, alias or acronym in place "
            "of the id redirects to the id.",
            _json("EntityView", "The entity."),
            errors=LOOKUP_ERRORS,
            parameters=entity,
            extra=_TO_CANONICAL,
        ),
        "/api/editions": _get(
            "Every edition, newest first, with its articles and PDF link.",
            _json("Editions", "The editions."),
            errors=INDEX_ERRORS,
        ),
        "/api/status": _get(
            "The index: editions, articles, the last indexing run's report and the files that "
            "fail, with their reasons (as `bulletins status --json`). Answers without an index.",
            _json("Status", "The status."),
        ),
        "/api/health": _get(
            "For a load balancer in front of several `bulletins serve`: 200 while this server "
            "answers from an index it can read (the generation it serves, its articles, the "
            "server's host:pid), 503 while it cannot (no index yet, or unreadable).",
            _json("Health", "Serving."),
            extra={"503": _json("Health", "Not serving: status unavailable, and why.")},
        ),
        "/api/openapi.json": _get(
            "This description.", _json("OpenAPI", "The OpenAPI 3.1 description.")
        ),
        "/": _page(
            "The search page: results, facets, pages of results. A bad query answers 400 with "
            "the page again, saying what to fix.",
            errors=SEARCH_ERRORS,
            parameters=SEARCH_PARAMETERS,
        ),
        "/articles/{id}": _page(
            "One article, with the search the reader came from marked.",
            errors=LOOKUP_ERRORS,
            parameters=[article_id, *SEARCH_PARAMETERS],
        ),
        "/entities": _page("Every entity, by type.", errors=INDEX_ERRORS),
        "/entities/{type}/{id}": _page(
            "One entity: its articles, timeline and company. A label, alias or acronym in "
            "place of the id redirects to the id.",
            errors=LOOKUP_ERRORS,
            parameters=entity,
            extra=_TO_CANONICAL,
        ),
        "/editions": _page("Every edition with its articles.", errors=INDEX_ERRORS),
        "/publications/{id}": _page(
            "One publication: what the manifest says of it (publisher, attribution, licence) "
            "and its editions, newest first.",
            errors=LOOKUP_ERRORS,
            parameters=[_path_param("id")],
        ),
        "/editions/{id}/pdf": _get(
            "An edition's original PDF, by edition id (the `pdf` links of the API).",
            _ok("The PDF.", "application/pdf", {"type": "string", "format": "binary"}),
            errors=LOOKUP_ERRORS,
            machine=False,
            parameters=[_path_param("id")],
            extra=_file_responses("application/pdf"),
        ),
        "/editions/{id}/pages/{number}": _page(
            "One page of an edition as printed (its image), the words of the search q "
            "outlined where they are printed; links to the pages before and after and to "
            "the PDF there; the articles printed on it; its text.",
            errors=LOOKUP_ERRORS,
            parameters=[
                _path_param("id"),
                _path_param("number", {"type": "integer", "minimum": 1}),
                _param("q", "The search whose words are marked.", {"type": "string"}),
                _param("article", "The article the reader came from (an id).", {"type": "string"}),
            ],
        ),
        "/editions/{id}/pages/{number}.png": _get(
            "The page drawn as a PNG, named by the hash of the PDF it is drawn from (cached, "
            "with an ETag). 404 also when the PDF is no longer in the corpus folder or "
            "cannot be drawn (the page says why).",
            _ok("The image.", "image/png", {"type": "string", "format": "binary"}),
            errors=LOOKUP_ERRORS,
            machine=False,
            parameters=[
                _path_param("id"),
                _path_param("number", {"type": "integer", "minimum": 1}),
            ],
            extra={"304": _file_responses("image/png")["304"]},
        ),
        "/status": _page("The index's status, for people. Answers without an index."),
        "/chips.css": _get(
            "The colours of the entity types' chips.",
            _ok("CSS", "text/css", {"type": "string"}),
            machine=False,
        ),
        "/static/{filename}": _get(
            "The site's stylesheet and other static files (the name may contain /).",
            _ok("The file.", "*/*"),
            errors=(ErrorCode.NOT_FOUND,),
            machine=False,
            parameters=[_path_param("filename")],
            extra=_file_responses("*/*"),
        ),
    }


def openapi_document() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bulletin Archive API",
            "version": "1",
            "description": "Search the articles of newsletter-style PDF bulletins. Every error of "
            'the API, the CSV export and the feed answers with {"error": {"status", "code", '
            '"message"}}; the pages for people (tag "pages") answer with an error page.',
        },
        "tags": [
            {"name": "api", "description": "For programs: JSON, CSV and Atom."},
            {"name": "pages", "description": "For people: HTML pages, PDFs and their assets."},
        ],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }
