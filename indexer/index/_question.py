"""How a query typed as plain words or a question is searched.

"what has been done on county lines in Wales?" is a question, not a conjunction of eight
words. A plain query (no operators or brackets) is searched as:

- its **names**: stretches the gazetteer knows ("county lines", "Wales", "Revenue and
  Customs", "Op Ajaxis"), found by the same tagger as the articles. Each is one part of the
  search, matched by its words or by the entity it names (articles filed under it: a region
  holds the places and forces within it), and the entity adds to an article's score;
- its other **content words**, each one part;
- not its **function words** ("what", "has", "been", "done", "on", "in", "the"): they decide
  nothing, unless the query has no other words;
- quoted phrases, ``field:value``, wildcards and fuzzy words exactly as written, each
  required.

An article must first hold every part. When no article does, the search needs one part
fewer, and so on down to one ("any"): the match loosens a step at a time, and the total is
always the number of articles that hold what was needed. A question (a query with function
words) of three parts or more loosens until ``FILL`` articles match, as its wording is the
asker's, not the article's: "who can I complain to if a temp agency hasn't paid me" should
find the inspectorate's article that never says "complain". Ranking is BM25F over the parts,
times the share of parts an article holds (``_mostof``), so the articles holding most parts
come first.

A query with operators (AND, OR, NOT), or brackets with a ``field:``, is searched exactly as
written; brackets among plain words ("the GLAA (the Gangmasters and Labour Abuse Authority)")
are read as punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from whoosh import query
from whoosh.fields import Schema

from indexer.entity_types import IDS as ENTITY_TYPES
from indexer.index._mostof import MostOf
from indexer.index._query import (
    _OPERATORS,
    Reading,
    check_length,
    parse_words,
    read_query,
    tokens_of,
)
from indexer.results import Recognised, Recogniser

# Question words, auxiliaries, pronouns, articles, prepositions and the verbs of asking: the
# words of a question that say how it is asked, not what about. (Not "may": a month.)
FUNCTION_WORDS = frozenset(
    """
    a about above across after again against all also am among an and any anybody anyone
    anything are around as at be because been before being below between both but by can
    cannot could did do does doing done during each either else etc ever every few for from
    further get gets getting got had has have having he her here hers herself him himself
    his how i if in into is it its itself just know let lets like look looking me more most
    much my myself need needs no nor of off on once only or other others our ours ourselves
    out over own please same shall she should so some someone something such tell than that
    the their theirs them themselves then there these they this those through to too under
    until up upon us very want was we were what whats when where whether which while who
    whom whose why will with within would you your yours yourself yourselves info
    information happen happened happening happens going isn aren wasn weren hasn haven hadn
    doesn don didn won wouldn shan shouldn couldn mustn ve ll re
    """.split()  # noqa: SIM905 (a list of 170 words, one per line, is unreadable)
)
ENTITY_WEIGHT = 1.0  # an entity named in the query, times its inverse document frequency
FILL = 10  # a question of three parts or more loosens until this many articles match
QUESTION_PARTS = 3
MAX_PARTS = 16  # words and names of one query searched (Lucene caps clauses the same way)
_BRACKETS_NOTE = "brackets among plain words were read as punctuation"
# a bare word (no syntax in it), with any punctuation around it: "plan," "Wales." "(sic)"
_FREE = re.compile(r"[^\w\"*~^:()\[\]{}+-]*([^\W_][\w.&/-]*?)[^\w\"*~^:()\[\]{}]*")


@dataclass(frozen=True)
class Plan:
    """A query as searched: what must match, and the parts most of which must."""

    reading: Reading
    required: query.Query | None  # syntax that must match (phrases, fields, wildcards...)
    parts: tuple[query.Query, ...] = ()  # names and content words
    words: tuple[str, ...] = ()  # each part as typed
    left_out: tuple[str, ...] = ()  # function words not searched
    recognised: tuple[Recognised, ...] = ()
    required_words: tuple[str, ...] = ()  # the syntax that must match, as typed

    def query(self, need: int) -> query.Query:
        """The query needing ``need`` of the parts."""
        clauses = [] if self.required is None else [self.required]
        if len(self.parts) == 1 or (self.parts and need >= len(self.parts)):
            clauses.extend(self.parts)
        elif self.parts:
            clauses.append(MostOf(self.parts, need))
        if not clauses:
            return query.Every()
        return clauses[0] if len(clauses) == 1 else query.And(clauses)

    def enough(self, total: int) -> bool:
        """Whether a step that matched ``total`` articles ends the loosening (see the
        module's docstring)."""
        question = bool(self.left_out) and len(self.parts) >= QUESTION_PARTS
        return total >= (FILL if question else 1)

    def steps(self) -> range:
        """The numbers of parts to need, from all of them down to one."""
        return range(len(self.parts), 0, -1) if self.parts else range(0, -1, -1)


def plan_query(
    text: str,
    schema: Schema,
    fields: Sequence[str],
    aliases: dict[str, str],
    recognise: Recogniser | None = None,
    entity_weight: Callable[[str, str], float] | None = None,
) -> Plan:
    """The plan for searching ``text`` (see the module's docstring); ``recognise`` finds the
    gazetteer's names in it, ``entity_weight(type, id)`` weighs an entity found.

    :raise SearchQueryError: when the query is malformed; the message says how to fix it.
    """
    check_length(text)
    reading = read_query(text.strip(), aliases)
    tokens = tokens_of(reading.text)
    if not tokens:
        return Plan(reading, None)
    unquoted = _unquoted(reading.text)
    grouping = re.search(r"[()\[\]{}]", unquoted) is not None
    if any(t in _OPERATORS for t in tokens) or (grouping and ":" in unquoted):
        return Plan(reading, parse_words(reading.text, schema, fields, aliases))
    if grouping:  # brackets in plain words ("the GLAA (the Gangmasters...)"): punctuation
        text = re.sub(r'[()\[\]{}]+(?=(?:[^"]*"[^"]*")*[^"]*$)', " ", reading.text)
        reading = Reading(" ".join(text.split()), (*reading.notes, _BRACKETS_NOTE))
        tokens = tokens_of(reading.text)
    bare = [_FREE.fullmatch(t) for t in tokens]
    free = [m.group(1) for m in bare if m]
    other = [t for t, m in zip(tokens, bare, strict=True) if not m]
    searched = [_entity_field(t, recognise) for t in other]
    required = parse_words(" ".join(searched), schema, fields, aliases) if other else None
    spans: dict[int, tuple[int, Recognised]] = {}
    for first, last in _runs(tokens, bare):  # a name never spans syntax or punctuation
        spans.update(_spans(free, first, last, recognise))
    parts: list[query.Query] = []
    words: list[str] = []
    left_out: list[str] = []
    recognised: list[Recognised] = []
    i = 0
    while i < len(free):
        span = spans.get(i)
        if span is not None:
            end, name = span
            if any((r.type, r.id) == (name.type, name.id) for r in recognised):
                i = end  # a name typed twice is one part
                continue
            content = [w for w in free[i:end] if not _function_word(w)] or free[i:end]
            weight = entity_weight(name.type, name.id) if entity_weight else 1.0
            named = query.Term(name.type, name.id, boost=ENTITY_WEIGHT * weight)
            by_words = parse_words(" ".join(content), schema, fields, aliases)
            parts.append(query.Or([by_words, named]))
            words.append(" ".join(free[i:end]))
            recognised.append(name)
            i = end
            continue
        word = free[i]
        if _function_word(word):
            left_out.append(word)
        elif word.lower() not in (w.lower() for w in words):  # a word typed twice is one part
            parts.append(parse_words(word, schema, fields, aliases))
            words.append(word)
        i += 1
    if not parts and required is None:  # only function words: search them after all
        words, left_out = list(dict.fromkeys(w.lower() for w in left_out)), []
        parts = [parse_words(w, schema, fields, aliases) for w in words]
    if len(parts) > MAX_PARTS:  # each step of loosening costs a pass over every part
        dropped = words[MAX_PARTS:]
        parts, words = parts[:MAX_PARTS], words[:MAX_PARTS]
        note = f"only the first {MAX_PARTS} words were searched ({' '.join(dropped)} left out)"
        reading = Reading(reading.text, (*reading.notes, note))
    return Plan(
        reading,
        required,
        tuple(parts),
        tuple(words),
        tuple(left_out),
        tuple(recognised),
        tuple(other),
    )


_ENTITY_FIELD = re.compile(rf"^({'|'.join(ENTITY_TYPES)}):(\w[\w&'’.-]*)$")


def _entity_field(token: str, recognise: Recogniser | None) -> str:
    """``agency:GLAA`` as ``agency:glaa``: an entity field's value typed as a name, alias or
    acronym, read as the id the entity is filed under (the value as typed when no name of
    that type is found)."""
    match = _ENTITY_FIELD.match(token)
    if match is None or recognise is None:
        return token
    type_, value = match.groups()
    named = [r for r in recognise(value) if r.type == type_ and (r.start, r.end) == (0, len(value))]
    return f"{type_}:{named[0].id}" if named else token


def _function_word(word: str) -> bool:
    """A function word, or a letter left alone by an apostrophe ("hasn't": "hasn" "t")."""
    return word.lower() in FUNCTION_WORDS or (len(word) == 1 and word.isalpha())


def _unquoted(text: str) -> str:
    return re.sub(r'"[^"]*"', " ", text)


def _runs(tokens: list[str], bare: list[re.Match[str] | None]) -> list[tuple[int, int]]:
    """Stretches of bare words that follow one another with no syntax or punctuation between
    them, as (first, after the last) indexes of the bare words."""
    runs: list[tuple[int, int]] = []
    start = count = 0
    for token, found in zip(tokens, bare, strict=True):
        if found is None:  # syntax between: a new stretch
            if count > start:
                runs.append((start, count))
            start = count
            continue
        if found.start(1) > 0 and count > start:  # punctuation before the word
            runs.append((start, count))
            start = count
        count += 1
        if found.end(1) < len(token):  # punctuation after it ("Kent." "plan,")
            runs.append((start, count))
            start = count
    if count > start:
        runs.append((start, count))
    return runs


def _spans(
    free: list[str], first: int, last: int, recognise: Recogniser | None
) -> dict[int, tuple[int, Recognised]]:
    """The names among the bare words ``first`` to ``last`` (exclusive), read together:
    {first word's index: (index after the last, name)}."""
    if recognise is None or first >= last:
        return {}
    words = free[first:last]
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    spans: dict[int, tuple[int, Recognised]] = {}
    taken = -1
    for name in sorted(recognise(" ".join(words)), key=lambda r: (r.start, -r.end)):
        at = next((i for i, s in enumerate(starts) if s <= name.start < s + len(words[i])), None)
        if at is None or at <= taken:
            continue
        end = next(
            (i for i in range(at, len(words)) if starts[i] + len(words[i]) >= name.end),
            len(words) - 1,
        )
        spans[first + at] = (first + end + 1, name)
        taken = end
    return spans
