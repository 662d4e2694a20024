"""The Whoosh schema: one document per article."""

from __future__ import annotations

from whoosh import analysis, fields
from whoosh.support.charset import accent_map

from indexer.backend import FACET_TYPES as FACET_TYPES
from indexer.backend import SORTS as SORTS
from indexer.entity_types import IDS
from indexer.index.pickled_v1 import StemmedText, keyword_field, text_field

# English stemming, no stop words (so phrases stay exact), accents folded. The words are
# Whoosh's default pattern, without its capturing group (so findall gives whole words).
WORD_PATTERN = r"\w+(?:\.?\w+)*"
TEXT_ANALYZER = StemmedText(
    analysis.StemmingAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=1),
    analysis.CharsetFilter(accent_map),
)
# 4: the spelling words are a vocabulary file, not postings; 5: one term per number;
# 6: word positions as packed gaps; 7: segments written with ``pickled_v1.Codec``; 8: where
# each page's text begins (page_at), publications, boilerplate left out of the indexed body
SCHEMA_VERSION = 8

# Fields a user may name in a query ("title:guardian"), mapped to schema fields.
QUERY_FIELDS = {
    "title": "title",
    "body": "body",
    "text": "body",
    "section": "section",
    "edition": "edition",
    "year": "year",
    "date": "date",
    "page": "pages",
    "pages": "pages",
    "entity": "entity_names",
    **{t: t for t in IDS},
}
DEFAULT_FIELDS = ("title", "body", "entity_names")
# Entity types with a filter field each (ids, comma separated); "region" includes the places
# that contain the ones mentioned.
ENTITY_TYPES = IDS


def build_schema() -> fields.Schema:
    entity_fields = {t: keyword_field() for t in ENTITY_TYPES}
    return fields.Schema(
        **entity_fields,
        id=fields.ID(stored=True, unique=True),
        edition_id=fields.ID(stored=True),
        edition=fields.NUMERIC(int, stored=True, shift_step=0),  # the edition's number, when known
        edition_title=fields.STORED,
        date=fields.ID(stored=True, sortable=True),  # "YYYY-MM", "" when unknown
        year=fields.NUMERIC(int, shift_step=0),
        ordinal=fields.NUMERIC(int, stored=True, sortable=True, shift_step=0),
        section=fields.TEXT(analyzer=analysis.SimpleAnalyzer(), stored=True),
        section_key=fields.ID,  # the section exactly as printed, for filters
        # the unstemmed words, for "did you mean", are kept in a vocabulary file (_spelling)
        title=text_field(analyzer=TEXT_ANALYZER, stored=True, field_boost=3.0),
        title_from=fields.STORED,
        body=text_field(analyzer=TEXT_ANALYZER, stored=True),
        pages=keyword_field(stored=True),
        page_at=fields.STORED,  # [[offset, page], ...]: where each page's text begins in body
        # [[start, end], ...]: the body's boilerplate paragraphs (in the stored body, blanked in
        # the indexed one: kept for reading, left out of ranking, snippets and more-like-this)
        boilerplate=fields.STORED,
        entity_names=text_field(
            analyzer=TEXT_ANALYZER, field_boost=0.5, stored=True
        ),  # labels and aliases
        entities=fields.STORED,  # {type: [[id, label], ...]} as mentioned
        filter_labels=fields.STORED,  # {type: {id: label}} for every filter id, for facets
        mentions=fields.STORED,  # [[type, id, field, start, end, how], ...]
        tagger_version=fields.STORED,
        pipeline_version=fields.STORED,
        edition_record=fields.STORED,  # the Edition, so an unchanged PDF need not be read again
        publication=fields.ID(stored=True),  # the publication's id, for filters ("" = none)
        publication_record=fields.STORED,  # the Publication: name, licence, attribution...
        source=fields.STORED,  # the PDF's path as the corpus was given (corpus/x.pdf)
        file=fields.STORED,  # the PDF's path relative to the corpus folder
    )
