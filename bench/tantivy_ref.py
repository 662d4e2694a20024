"""The yardstick: tantivy (the Rust engine, through its official Python bindings) doing the
work our served search does, on the same article records and the same query mix.

What it does, as the served search (``ArticleIndex.search`` through ``Archive.search``) does:

- indexes title, body and entity names (labels, aliases and acronyms) with positions, so
  phrases work, and searches the three with boosts title 3, body 1, names 0.5; BM25;
- reads the query as typed the way ours does (``read_query``: a "?", an apostrophe, a colon
  naming no field, an unclosed quote are punctuation). A plain query or question is read as
  ``indexer.index._question`` reads it: quoted phrases and marked words (``-b``, ``+b``,
  ``title:b``) are required; every other word is one part, function words ("what", "in",
  "the"...: the served list itself) left out unless there is nothing else; it needs every
  part, then one fewer at a time (tantivy's ``minimum_number_should_match``) until
  something matches, and a question (function words left out, three parts or more) until
  ``FILL`` articles do. The number of parts needed is chosen over the whole archive, then
  loosened again within the filters only while nothing matches, as served;
- reads a query with operators as written, with tantivy's parser, meaning what it means to
  Whoosh's: words required by default (Whoosh's AND group), ``a AND b``, ``a OR b``,
  ``a NOT b``. A ``-`` or ``+`` before a word is no operator to Whoosh's parser as we set
  it up (it has no plus/minus plugin), so ``a -b`` needs both words, here as there;
- fields ``title:``, ``body:`` (``text:``) and ``entity:`` (names) as ours;
- filters: any value of a type, every type (required, constant-score clauses, so they do
  not change the ranking);
- the total of matches; the top 10 ids, by relevance, or newest first (then in edition
  order) when the query has no words; highlighted snippets of the top 10's bodies
  (tantivy's ``SnippetGenerator``, ``<b>`` marks; the body's beginning when there are no
  words), kept in ``TantivySearcher.snippets``; and the value counts of every facet type
  (``FACET_TYPES``: the entity types, publication, edition, year, section) over all the
  matches, by tantivy's terms aggregations, a type with an active filter counted without
  its own filter, as served (so that it shows what adding a value of it would bring).

What it does not do (so its totals and top 10 may differ from ours):

- no gazetteer: a name in a query ("England", "South Wales") is its words, not also the
  entity it names (served, the articles filed under the entity match too, and a name of
  several words is one part of the query, not several);
- its analyzer is tantivy's ``en_stem`` (words split at every non-alphanumeric character,
  lower case, Snowball English stemming), not ours (Whoosh's word pattern, which keeps
  "U.K." one word, the Porter stemmer, accents folded): a word can gather other words under
  its stem ("communications" is "community" to Porter, not to Snowball); a word of several
  ("co-operation") is a phrase to tantivy, its pieces anywhere in one field to Whoosh;
- ranking is BM25 summed over the fields (with the boosts), not Whoosh's BM25F, and a
  loosened query ranks by the sum over the parts held, not times the share of parts held;
- no "did you mean", no labels for facet values (ids and counts, not sorted as the page
  lists them), no page of a hit, no date ranges; no other fields (``section:x``,
  ``agency:x``: the value is searched as words), wildcards or fuzzy words (read as words),
  no brackets (punctuation; with operators, their grouping is lost);
- snippets are tantivy's (one fragment of at most 240 characters), not our two passages.

The product never imports tantivy: only this module does, lazily, so ``python -m bench``
runs its other sections without it (``build_tantivy`` raises ``TantivyMissingError``,
saying how to install it; ``tantivy_available()`` asks first).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.queries import Query
from bench.records import read_records
from indexer.backend import FACET_TYPES
from indexer.entity_types import IDS as ENTITY_TYPES
from indexer.index._query import _OPERATORS, read_query, tokens_of
from indexer.index._question import (
    _FREE,
    FILL,
    MAX_PARTS,
    QUESTION_PARTS,
    _function_word,
)
from indexer.index._schema import QUERY_FIELDS
from indexer.models import Article, Edition
from indexer.publications import resolve
from indexer.tagging.tagger import Tagged

if TYPE_CHECKING:
    import tantivy

TEXT_FIELDS = ["title", "body", "names"]
BOOSTS = {"title": 3.0, "body": 1.0, "names": 0.5}
HEAP_BYTES = 256 * 2**20
TOP = 10
SNIPPET_CHARS = 240  # as our snippets' (indexer.index._highlight)
# Values counted per facet type: every one (tantivy refuses more than 65,000 buckets).
FACET_SIZE = 65_000
_FIELD = re.compile(r"^[+\-(]*([A-Za-z_]\w*):(?!//)")
_TYPED_FIELDS = {"title": "title", "body": "body", "text": "body", "entity": "names"}
# what is left of a bare word once the punctuation around it is gone: "co-operation", "U.K"
_WORD = re.compile(r"[^\W_](?:[\w.&/-]*[^\W_])?")


class TantivyMissingError(RuntimeError):
    """tantivy is not installed (it is a dev dependency: ``pip install -e '.[dev]'``)."""


def _tantivy() -> Any:
    """The tantivy module, imported on first use."""
    try:
        import tantivy
    except ImportError as exc:
        raise TantivyMissingError(
            "tantivy is not installed, so the tantivy yardstick is skipped: "
            "pip install -e '.[dev]' (or pip install tantivy==0.27.0)"
        ) from exc
    return tantivy


def tantivy_available() -> bool:
    try:
        _tantivy()
    except TantivyMissingError:
        return False
    return True


def _schema(tv: Any) -> tantivy.Schema:
    builder = tv.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:  # body stored for snippets, as ours is
        builder.add_text_field(name, stored=name != "names", tokenizer_name="en_stem")
    builder.add_integer_field("date", fast=True)  # newest first, then in edition order
    for type_ in FACET_TYPES:  # one multi-valued string per type: filters and counts
        builder.add_text_field(type_, fast=True, tokenizer_name="raw", index_option="basic")
    schema: tantivy.Schema = builder.build()
    return schema


def build_tantivy(records: Path, path: Path) -> int:
    """A tantivy index in the folder ``path`` (made anew) of every article in the records
    file, written in one commit; returns the number of articles.

    :raise TantivyMissingError: if tantivy is not installed.
    """
    tv = _tantivy()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tv.Index(_schema(tv), path=str(path), reuse=False)
    # one thread: one segment, as our index is written (optimized); and one core, as ours
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=1)
    count = 0
    for edition, articles, tags in read_records(records):
        for article in articles:
            writer.add_document(tv.Document(**_fields(edition, article, tags.get(article.id))))
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def _fields(edition: Edition, article: Article, tagged: Tagged | None) -> dict[str, Any]:
    """One article's document: what ``indexer.index._documents.article_document`` indexes for
    searching, sorting and facets (the facet values as ``indexer.index._facets`` reads them)."""
    facets: dict[str, list[str]] = {
        t: list(dict.fromkeys(v.strip() for v in ids if v.strip()))
        for t, ids in (tagged.filters if tagged else {}).items()
        if t in ENTITY_TYPES
    }
    facets["edition"] = [edition.id]
    publication = resolve(edition.publication)
    if publication is not None:
        facets["publication"] = [publication.id]
    if edition.date:
        facets["year"] = [edition.date[:4]]
    if article.section:
        facets["section"] = [article.section]
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "names": tagged.names if tagged else "",
        "date": _date_key(edition.date, article.ordinal),
        **{t: v for t, v in facets.items() if v},
    }


def _date_key(date: str | None, ordinal: int) -> int:
    """Larger for newer editions, then for earlier articles in an edition: the date as a
    number ("2017-10" 20171000, "2017" 20170000, "2017-10-05" 20171005), then the place."""
    found = re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date or "")
    day = 0
    if found:
        year, month, mday = found.groups()
        day = int(year) * 10_000 + int(month or 0) * 100 + int(mday or 0)
    return day * 10_000 + max(0, 9_999 - ordinal)


@dataclass(frozen=True)
class _Plan:
    """A query as searched: what must match, and the parts all (then most) of which must."""

    required: tantivy.Query | None
    parts: tuple[tantivy.Query, ...] = ()
    question: bool = False  # function words left out (loosened to FILL if 3 parts or more)

    def steps(self) -> list[int]:
        return list(range(len(self.parts), 0, -1)) if self.parts else [0]

    def enough(self, total: int) -> bool:
        return total >= (FILL if self.question and len(self.parts) >= QUESTION_PARTS else 1)


class TantivySearcher:
    """Searches a ``build_tantivy`` index as our served search does (see the module's
    docstring); the top 10's highlighted snippets of the last search are in ``snippets``."""

    def __init__(self, path: Path) -> None:
        self._tv = _tantivy()
        self._index = self._tv.Index.open(str(path))
        self._searcher = self._index.searcher()
        self._schema = self._index.schema
        self.snippets: list[str] = []

    def close(self) -> None:
        """(tantivy's searcher holds no file open that must be closed: it is let go.)"""
        self._searcher = self._index = None

    def search(self, q: Query) -> tuple[int, list[str], dict[str, dict[str, int]]]:
        """Total, the top 10 ids (by BM25; newest first when the query has no words) and
        every facet type's value counts over all the matches; snippets in ``snippets``."""
        plan = self.plan(q.text)
        filters = {t: list(v) for t, v in q.filters.items() if v}
        restrict = self._restriction(filters)
        if not plan.parts and plan.required is None:  # no words: newest first
            query = self._needing(plan, 0, restrict)
            total, hits = self._top(query, TOP, newest=True)
            return self._answer(plan, 0, filters, total, hits, None)
        steps = plan.steps()
        chosen, total, hits = steps[0], 0, []
        for chosen in steps:  # over the archive: how many parts are needed
            query = self._needing(plan, chosen, None)
            total, hits = self._top(query, 1 if restrict else TOP)
            if plan.enough(total):
                break
        if restrict is not None:  # within the filters: fewer again only while none match
            for need in steps[steps.index(chosen) :]:
                chosen, query = need, self._needing(plan, need, restrict)
                total, hits = self._top(query, TOP)
                if total:
                    break
        return self._answer(plan, chosen, filters, total, hits, query)

    def _answer(
        self,
        plan: _Plan,
        need: int,
        filters: Mapping[str, Sequence[str]],
        total: int,
        hits: list[tuple[Any, tantivy.DocAddress]],
        query: tantivy.Query | None,
    ) -> tuple[int, list[str], dict[str, dict[str, int]]]:
        """The answer to a search that found ``hits`` by ``query`` (None: listed by date):
        the snippets of the hits kept in ``snippets``."""
        docs = [self._searcher.doc(address) for _, address in hits]
        self.snippets = self._snippets(query, docs)
        return total, [str(doc["id"][0]) for doc in docs], self._facets(plan, need, filters)

    # -- reading the query --------------------------------------------------------------------
    def plan(self, text: str) -> _Plan:
        """How ``text`` (Whoosh syntax, as typed) is searched. It is read as served
        (``read_query``: a "?", an apostrophe, a colon that names no field, an unclosed quote
        read as the punctuation they are). With operators (or brackets and a field) it is
        searched as written; else its quoted phrases and marked words (``+a``, ``-b``,
        ``title:c``) are required and each other word is a part."""
        reading = read_query(text, QUERY_FIELDS).text
        tokens = tokens_of(reading)
        unquoted = re.sub(r'"[^"]*"', " ", reading)
        grouping = re.search(r"[()\[\]{}]", unquoted) is not None
        if any(t in _OPERATORS for t in tokens) or (grouping and ":" in unquoted):
            return _Plan(self._parse(_as_written(tokens), conjunction=True))
        if grouping:  # brackets among plain words: punctuation
            tokens = tokens_of(re.sub(r'[()\[\]{}]+(?=(?:[^"]*"[^"]*")*[^"]*$)', " ", reading))
        parts: list[str] = []
        left_out: list[str] = []
        required: list[str] = []
        for token in tokens:
            free = _FREE.fullmatch(token)
            if free is None:
                required += _pieces(token)
            elif _function_word(free.group(1)):
                left_out.append(free.group(1).lower())
            elif free.group(1).lower() not in parts:
                parts.append(free.group(1).lower())
        if not parts and not required:  # only function words: searched after all
            parts, left_out = list(dict.fromkeys(left_out)), []
        return _Plan(
            self._parse(" ".join(required), conjunction=True) if required else None,
            tuple(self._parse(_quoted(p)) for p in parts[:MAX_PARTS]),
            bool(left_out),
        )

    def _parse(self, text: str, *, conjunction: bool = False) -> tantivy.Query:
        """tantivy's parse of ``text`` over title, body and names; leniently when it refuses."""
        try:
            query: tantivy.Query = self._index.parse_query(
                text, TEXT_FIELDS, field_boosts=BOOSTS, conjunction_by_default=conjunction
            )
        except ValueError:
            query, _ = self._index.parse_query_lenient(
                text, TEXT_FIELDS, field_boosts=BOOSTS, conjunction_by_default=conjunction
            )
        return query

    def _restriction(self, filters: Mapping[str, Sequence[str]]) -> tantivy.Query | None:
        """Any value of a type, every type; constant score 0 (it does not rank)."""
        if not filters:
            return None
        tv = self._tv
        clauses = [
            (tv.Occur.Must, tv.Query.term_set_query(self._schema, type_, list(values)))
            for type_, values in filters.items()
        ]
        query: tantivy.Query = tv.Query.const_score_query(tv.Query.boolean_query(clauses), 0.0)
        return query

    def _needing(self, plan: _Plan, need: int, restrict: tantivy.Query | None) -> tantivy.Query:
        """The query holding what ``plan`` requires and ``need`` of its parts, within
        ``restrict``."""
        tv = self._tv
        must = [q for q in (plan.required, restrict) if q is not None]
        clauses = [(tv.Occur.Must, q) for q in must]
        if len(plan.parts) == 1 or need >= len(plan.parts):
            clauses += [(tv.Occur.Must, part) for part in plan.parts]
        elif plan.parts:
            some = tv.Query.boolean_query([(tv.Occur.Should, p) for p in plan.parts], need)
            clauses.append((tv.Occur.Must, some))
        if not clauses:
            query: tantivy.Query = tv.Query.all_query()
        elif len(clauses) == 1:
            query = clauses[0][1]
        else:
            query = tv.Query.boolean_query(clauses)
        return query

    # -- searching ----------------------------------------------------------------------------
    def _top(
        self, query: tantivy.Query, limit: int, *, newest: bool = False
    ) -> tuple[int, list[tuple[Any, tantivy.DocAddress]]]:
        """The total of matches and the best ``limit`` (or the newest)."""
        if newest:
            found = self._searcher.search(query, limit, count=True, order_by_field="date")
        else:
            found = self._searcher.search(query, limit, count=True)
        return int(found.count), list(found.hits)

    def _snippets(self, query: tantivy.Query | None, docs: list[Any]) -> list[str]:
        """Each doc's body with the query's words marked (<b>); its beginning when the
        query has no words (None)."""
        if query is None:
            return [str(doc["body"][0])[:SNIPPET_CHARS] for doc in docs]
        generator = self._tv.SnippetGenerator.create(self._searcher, query, self._schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return [str(generator.snippet_from_doc(doc).to_html()) for doc in docs]

    def _facets(
        self, plan: _Plan, need: int, filters: Mapping[str, Sequence[str]]
    ) -> dict[str, dict[str, int]]:
        """Every facet type's value counts over the matches; a type with an active filter,
        over the matches of the other filters (as ``ArticleIndex._facets_for``)."""
        counts = self._aggregate(
            self._needing(plan, need, self._restriction(filters)),
            [t for t in FACET_TYPES if t not in filters],
        )
        for type_ in filters:
            others = {t: v for t, v in filters.items() if t != type_}
            counts.update(
                self._aggregate(self._needing(plan, need, self._restriction(others)), [type_])
            )
        return {t: counts.get(t, {}) for t in FACET_TYPES}

    def _aggregate(self, query: tantivy.Query, types: Iterable[str]) -> dict[str, dict[str, int]]:
        request = {t: {"terms": {"field": t, "size": FACET_SIZE}} for t in types}
        if not request:
            return {}
        found: dict[str, Any] = self._searcher.aggregate(query, request)
        return {
            t: {str(b["key"]): int(b["doc_count"]) for b in found[t]["buckets"]} for t in request
        }


def _as_written(tokens: list[str]) -> str:
    """A query with operators for tantivy's parser, meaning what it means to Whoosh's:
    AND and OR kept, NOT (and ANDNOT) as tantivy's ``-`` on what follows, ANDMAYBE as OR;
    a ``+`` or ``-`` typed before a word ignored (Whoosh's parser has no such marks), as are
    brackets and field names."""
    out: list[str] = []
    mark = ""
    for token in tokens:
        if token in ("NOT", "ANDNOT"):
            out += ["AND"] if token == "ANDNOT" else []
            mark = "-"
        elif token in _OPERATORS:
            out.append("OR" if token == "ANDMAYBE" else token)
        elif pieces := _pieces(token):
            out.append(mark + (pieces[0] if len(pieces) == 1 else f"({' '.join(pieces)})"))
            mark = ""
    return " ".join(out)


def _pieces(token: str) -> list[str]:
    """What tantivy searches for a token of Whoosh syntax: its phrases, quoted; else its
    words (marks, brackets, wildcards and other punctuation left out); in the field it names
    when that is title, body (text) or entity (names), else in the default fields."""
    named = _FIELD.match(token)
    field = ""
    if named:
        token = token[named.end() :]
        field = _TYPED_FIELDS.get(named.group(1).lower(), "")
    pieces = _phrases(token) if '"' in token else [_quoted(w) for w in _bare_words(token)]
    return [f"{field}:{piece}" if field else piece for piece in pieces]


def _phrases(token: str) -> list[str]:
    """The quoted phrases in ``token`` as tantivy reads them: their words, quoted."""
    found = []
    for inside in re.findall(r'"([^"]*)"', token):
        words = re.findall(r"[^\W_]+", inside)
        if words:
            found.append(_quoted(" ".join(words)))
    return found


def _bare_words(token: str) -> list[str]:
    """The words of an unquoted token, without the punctuation around them ("Wales?" "plan,"
    "(sic)"); a colon, ``?``, apostrophe or bracket between two is a break."""
    return _WORD.findall(re.sub(r"[^\w.&/-]+", " ", token))


def _quoted(word: str) -> str:
    """A word for tantivy's parser: as it is, or as a phrase when it is several
    ("co-operation", "U.K")."""
    pieces = re.findall(r"[^\W_]+", word)
    return pieces[0] if len(pieces) == 1 else '"' + " ".join(pieces) + '"'
