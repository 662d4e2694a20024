"""Tag an article's entities: gazetteer names (longest first), acronyms, operations, themes.

Every mention keeps the field it was found in ("title" or "body"), its character offsets there,
and how it was matched: ``name``, ``acronym``, ``former-name``, ``defined-acronym`` (an acronym
the text defined, as in "Environment Agency (EA)"), ``rule`` (operations) or ``vocabulary``
(themes).

The gazetteer is UK policing's, and the text may not be: a name counts only where its context
does not say it is something else. No near matches (Washington is not Warrington: misspellings
are the gazetteer's aliases); a place qualified as elsewhere ("Perth, Australia") is not the UK
one, anywhere in the article; a place run on from a capitalised word is part of a longer name
("New England", "Professor Kent Hollis"), and so is a common word run on into one ("Reading
Room", "Wells Fargo"); an acronym the article defines as something else ("cyber-physical systems
(CPS)"), a code heading the rows of a table ("STAB Thermal stability screening $40") and a word of
a line typed in capitals ("SIA BERGSTROM") are no acronyms. A theme word is one of its listed
forms ("runaways", not "Runaway"); a phrase does not run across a line break; and a theme
resting on one lone word ("shooting") needs a second hit, its own name ("fraud") or a phrase of
some theme beside it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.entity_types import PRIORITY, internal_name, public_name
from indexer.tagging.gazetteer import Entity, Gazetteer
from indexer.tagging.tokens import Token, stem, stem_key, tokenize

TAGGER_VERSION = "3"  # bump when the rules change, so stored articles are re-tagged
TYPE_PRIORITY = PRIORITY  # internal type names, the winner of overlapping mentions first
PLACE_KINDS = (
    "nation", "region", "county", "unitary", "metropolitan-district", "london-borough",
    "welsh-principal-area", "scottish-council", "ni-district", "district", "city", "town",
    "police-force-area",
)  # fmt: skip
NEVER_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip
# After a programme name that is also a verb ("Prevent"), these words confirm the programme.
PROGRAMME_FOLLOWERS = {
    "funding",
    "fund",
    "projects",
    "project",
    "programme",
    "strategy",
    "duty",
    "bids",
}
# Words that leave a place the place when they run on into its name ("South London", "Greater
# Manchester"); any other capitalised word makes the two a longer name ("New England").
PLACE_MODIFIERS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "greater", "inner", "outer", "mid", "upper", "lower",
}  # fmt: skip
# After these a capitalised word is a list's next item, not a place's qualifier ("London, Paris
# and Berlin").
_COORDINATORS = {"and", "or", "nor"}
# Inside an acronym's expansion these have no letter ("Computer Science and Engineering (CSE)").
_LINK_WORDS = {"and", "or", "of", "the", "for", "in", "on", "to"}
_SENTENCE_END = {".", "!", "?", ":", "•", "“", '"', "(", ";"}
_BRACKETED = re.compile(r"\(([A-Z]{2,8})\)")
_NEWLINE = re.compile(r"\n+")
_CODE_ROW = re.compile(r"^\s*[^\W_a-z]{2,} \w", re.MULTILINE)  # may start a row of a table
_CAPITALS = re.compile(r"\b[^\W\d_a-z]{2,} +[^\W\d_a-z]{2,}\b")
_ONE_WORD = re.compile(r"\w+(?:['’]\w+)*")  # a text that is one token (tokens.py's words)
_OPERATION = re.compile(
    r"\b(?i:operation|op\.?)\s+((?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+[A-Z][a-z]+|\s+[A-Z]{2,})?)\b"
)
_ADDRESS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+|\S+\.(?:gov|org|co|police)\.uk\S*")
_POSSESSIVE_GAP = re.compile(r"['’]s ?")
_NOT_CODEWORDS = {
    "the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "is", "was", "has", "had",
    "manager", "managers", "team", "teams", "unit", "units", "centre", "center", "support",
    "command", "order", "orders", "room", "division", "director", "lead", "officer", "officers",
    "head", "staff", "costs", "cost", "plan", "plans", "name", "names", "code", "area",
}  # fmt: skip


@dataclass(frozen=True)
class Mention:
    type: str  # public type: agency, region, operation, theme, programme, legislation
    id: str
    label: str
    field: str  # "title" or "body"
    start: int
    end: int
    text: str
    how: str


@dataclass(frozen=True)
class Tagged:
    """An article's mentions, the entities they add up to, and the ids its filters match."""

    mentions: tuple[Mention, ...]
    entities: dict[str, list[tuple[str, str]]]  # public type → [(id, label)], first mention first
    filters: dict[str, list[str]]  # public type → ids; regions include containing places
    labels: dict[str, dict[str, str]]  # public type → {id: label} for every filter id
    names: str  # labels, aliases and acronyms of the entities, for searching by any name


@dataclass
class _Article:
    """What an article says about its own words: one sense per article, so a word it shows to
    be something else is that everywhere in it."""

    redefined: frozenset[str]  # acronyms it defines as something else: "(CPS)" after "Cyber-..."
    foreign: set[str] = field(default_factory=set)  # places it qualifies as elsewhere
    qualified: set[tuple[str, int]] = field(default_factory=set)  # (field, start): "…, England"

    def keeps(self, mention: Mention) -> bool:
        return (
            mention.type != "region"
            or mention.id not in self.foreign
            or (mention.field, mention.start) in self.qualified
        )


@dataclass(frozen=True)
class _Field:
    """One field's text and tokens, and the tokens that are no names or acronyms there."""

    text: str
    name: str  # "title" or "body"
    tokens: list[Token]  # outside operations and addresses
    codes: frozenset[int]  # starts of the codes that head a table's rows: nothing at all
    capitals: frozenset[int]  # starts of the words of a line typed in capitals: no acronyms
    article: _Article

    def acronym_ok(self, token: Token) -> bool:
        return token.start not in self.capitals and token.text not in self.article.redefined


def tag_article(title: str, body: str, gazetteer: Gazetteer) -> Tagged:
    """Tag the title and body of one article."""
    fields = [(text, name, tokenize(text)) for text, name in ((title, "title"), (body, "body"))]
    article = _Article(frozenset().union(*(_redefined(t, k, gazetteer) for t, _, k in fields)))
    tagged = [
        m
        for text, name, tokens in fields
        for m in _tag_field(text, name, tokens, gazetteer, article)
    ]
    mentions = [m for m in tagged if article.keeps(m)]
    entities = _entities(mentions, gazetteer)
    filters = _filters(entities, gazetteer)
    labels = {
        type_: {id_: _label(gazetteer, type_, id_, entities) for id_ in ids}
        for type_, ids in filters.items()
    }
    return Tagged(tuple(mentions), entities, filters, labels, _search_names(entities, gazetteer))


def _internal(type_: str) -> str:
    return internal_name(type_)


def _label(
    gazetteer: Gazetteer, type_: str, id_: str, entities: dict[str, list[tuple[str, str]]]
) -> str:
    entity = gazetteer.get(_internal(type_), id_)
    if entity is not None:
        return entity.label
    return next((label for i, label in entities.get(type_, []) if i == id_), id_)


def _search_names(entities: dict[str, list[tuple[str, str]]], gazetteer: Gazetteer) -> str:
    """Every name of the entities, so a search for any of them finds the article. A theme is
    found by its label and acronyms only: its other phrases are related wording ("cuckooing"
    for county lines), which would match articles that never use the words searched for."""
    names: list[str] = []
    for type_, items in entities.items():
        for id_, label in items:
            entity = gazetteer.get(_internal(type_), id_)
            if entity is None:
                names.append(label)
            elif entity.type == "theme":
                names.extend((entity.label, *entity.acronyms))
            else:
                names.extend((*entity.names, *entity.acronyms))
    return " | ".join(dict.fromkeys(names))


def _public(type_: str) -> str:
    return public_name(type_)


def _mention(entity: Entity, field: str, text: str, start: int, end: int, how: str) -> Mention:
    return Mention(
        _public(entity.type), entity.id, entity.label, field, start, end, text[start:end], how
    )


def _tag_field(
    text: str, name: str, tokenized: list[Token], gazetteer: Gazetteer, article: _Article
) -> list[Mention]:
    if not text:
        return []
    found = list(_operations(text, name, gazetteer))
    skipped = [(m.start, m.end) for m in found]
    skipped += [(m.start(), m.end()) for m in _ADDRESS.finditer(text)]  # e-mail and web addresses
    all_tokens = _outside(tokenized, skipped[len(found) :])
    codes = _table_codes(all_tokens, text, gazetteer)
    capitals = _capitals(all_tokens, text, gazetteer)
    tokens = _outside(all_tokens, skipped[: len(found)])
    found.extend(_names(_Field(text, name, tokens, codes, capitals, article), gazetteer))
    found.extend(_themes(_Field(text, name, all_tokens, codes, capitals, article), gazetteer))
    return sorted(found, key=lambda m: (m.start, m.type))


def _line_starts(tokens: list[Token], text: str) -> list[int]:
    """The indexes of the tokens that start a line."""
    starts = [t.start for t in tokens]
    found = {0} if tokens else set()
    for newline in _NEWLINE.finditer(text):
        found.add(bisect_right(starts, newline.start()))
    return sorted(i for i in found if i < len(tokens))


def _is_code(token: Token) -> bool:
    return len(token.text) >= 2 and token.text.isupper() and token.text.isalnum()


def _table_codes(tokens: list[Token], text: str, gazetteer: Gazetteer) -> frozenset[int]:
    """Codes heading the rows of a table: two or more lines in a row that each start with a word
    in capitals followed by more words ("STAB Thermal stability screening $40"), which is how a
    table's rows come out of a PDF, one of them no name or acronym the gazetteer knows (a
    column of agencies' acronyms is a column of agencies). A code is the table's key there, not
    a name or a word."""
    if len(_CODE_ROW.findall(text)) < 2:
        return frozenset()  # most texts have no table of codes
    tables: list[list[Token]] = [[]]
    for i in _line_starts(tokens, text):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            _is_code(tokens[i])
            and following is not None
            and following.is_word
            and text[tokens[i].end : following.start] == " "
        ):
            tables[-1].append(tokens[i])
        elif tables[-1]:
            tables.append([])
    return frozenset(
        key.start
        for keys in tables
        if len(keys) > 1 and any(not _known_word(gazetteer, k) for k in keys)
        for key in keys
    )


def _known_word(gazetteer: Gazetteer, token: Token) -> bool:
    return bool(
        gazetteer.acronym(token.text)
        or gazetteer.theme_acronym(token.text)
        or gazetteer.names((token.norm,))
    )


def _capitals(tokens: list[Token], text: str, gazetteer: Gazetteer) -> frozenset[int]:
    """The words of runs of two or more words in capitals, one of them no known acronym
    ("Photographs by SIA BERGSTROM", "NCA AND HMRC"): in text typed in capitals every word looks
    like an acronym, so none is taken for one."""
    if not _CAPITALS.search(text):
        return frozenset()  # most texts have no two words in capitals in a row
    runs: list[list[Token]] = []
    for i, token in enumerate(tokens):
        in_capitals = token.text.isupper() and token.text.isalpha() and len(token.text) > 1
        joined = i > 0 and runs and runs[-1][-1] is tokens[i - 1]
        if in_capitals and joined and text[tokens[i - 1].end : token.start] == " ":
            runs[-1].append(token)
        elif in_capitals:
            runs.append([token])
    return frozenset(
        t.start
        for run in runs
        if len(run) > 1 and any(not _known_word(gazetteer, t) for t in run)
        for t in run
    )


def _redefined(text: str, tokens: list[Token], gazetteer: Gazetteer) -> frozenset[str]:
    """Acronyms of the gazetteer that the text defines as something else: "(CPS)" after
    "Cyber-Physical Systems", "(DBS)" after "deep brain stimulation". An expansion is the words
    before the brackets whose initials spell the acronym ("and", "of"... need no letter); it is
    something else when it shares no word with any name of what the gazetteer calls by that
    acronym ("Crown Prosecution Services (CPS)" is still the CPS, misprinted)."""
    if not any(
        gazetteer.acronym(a) or gazetteer.theme_acronym(a) for a in _BRACKETED.findall(text)
    ):
        return frozenset()  # most texts define none of the gazetteer's acronyms
    out: set[str] = set()
    for j in range(1, len(tokens)):
        acronym = _inserted_acronym(tokens, j)
        if acronym is None:
            continue
        owners = (
            *(e for e, _, _ in gazetteer.acronym(acronym.text)),
            *gazetteer.theme_acronym(acronym.text),
        )
        expansion = _expansion(tokens[:j], acronym.text) if owners else None
        if expansion and not expansion & _name_stems(owners):
            out.add(acronym.text)
    return frozenset(out)


def _expansion(before: list[Token], acronym: str) -> set[str] | None:
    """The stems of the words just before an acronym whose initials spell it, else None."""
    stems: set[str] = set()
    k = len(before) - 1
    for letter in reversed(acronym.lower()):
        while stems and k >= 0 and before[k].norm in _LINK_WORDS:
            k -= 1
        if k < 0 or not before[k].is_word or before[k].norm[:1] != letter:
            return None
        stems.add(stem(before[k].norm))
        k -= 1
    return stems


@lru_cache(maxsize=1024)
def _name_stems(entities: tuple[Entity, ...]) -> frozenset[str]:
    return frozenset(
        s for e in entities for name in e.names for s in stem_key(name) if s not in _LINK_WORDS
    )


def _outside(tokens: list[Token], spans: list[tuple[int, int]]) -> list[Token]:
    """The tokens that start in none of the (start, end) spans."""
    if not spans:
        return tokens
    return [t for t in tokens if not any(s <= t.start < e for s, e in spans)]


def _operations(text: str, field: str, gazetteer: Gazetteer) -> Iterable[Mention]:
    for match in _OPERATION.finditer(text):
        keyword = match.group(0)[: match.start(1) - match.start(0)].strip()
        if keyword.lower().rstrip(".") not in ("operation", "op"):
            continue
        words = match.group(1).split()
        while words and words[-1].lower() in _NOT_CODEWORDS:
            words.pop()
        if not words or words[0].lower() in _NOT_CODEWORDS:
            continue
        if keyword[:1].islower() and not words[0].isupper():
            continue  # "operation Something" in running prose is not a code name
        code = " ".join(words)
        slug = re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")
        known = gazetteer.get("operation", slug)
        label = known.label if known else "Operation " + " ".join(w.capitalize() for w in words)
        end = match.start(1) + len(code)
        yield Mention(
            "operation", slug, label, field, match.start(), end, text[match.start() : end], "rule"
        )


def _sentence_start(tokens: list[Token], i: int, text: str) -> bool:
    if i == 0:
        return True
    previous = tokens[i - 1]
    return previous.text in _SENTENCE_END or "\n" in text[previous.end : tokens[i].start]


def _choose(candidates: list[tuple[Entity, str]]) -> tuple[Entity, str]:
    def rank(item: tuple[Entity, str]) -> tuple[int, int, str]:
        entity = item[0]
        kind = next((h for h in entity.hints if h in PLACE_KINDS), "town")
        return (TYPE_PRIORITY.index(entity.type) if entity.type in TYPE_PRIORITY else 9,
                PLACE_KINDS.index(kind), entity.id)  # fmt: skip

    return min(candidates, key=rank)


def _acceptable(
    entity: Entity, name: str, window: list[Token], tokens: list[Token], i: int, text: str
) -> bool:
    """Context rules for one candidate match of ``window`` (starting at token ``i``)."""
    first = window[0]
    if not first.capitalised:
        return False  # names are capitalised in running text; "prevent" is a verb
    written = _written(name)
    if len(written) == len(window) and any(
        w.capitalised and not t.capitalised for w, t in zip(written, window, strict=True)
    ):
        return False  # a proper name keeps its capitals: "Take five seconds" is no campaign
    if len(window) > 1:
        return True
    if entity.type == "place" and (first.norm in NEVER_PLACES or _after_a_name(tokens, i, text)):
        return False
    if entity.hint("common-word"):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.norm in PROGRAMME_FOLLOWERS:
            return True  # "Prevent funding"
        if following is not None and _runs_on(text, first, following):
            return False  # the first word of a longer name: "Reading Room", "Wells Fargo"
        return not _sentence_start(tokens, i, text)
    return True


def _runs_on(text: str, left: Token, right: Token) -> bool:
    """Does a capitalised word follow ``left`` after a space, so that the two are one name?"""
    return right.is_word and right.text[:1].isupper() and text[left.end : right.start] == " "


def _after_a_name(tokens: list[Token], i: int, text: str) -> bool:
    """Is the one-word place at ``i`` the end of a longer name: run on from a capitalised word
    that does not start a sentence ("New England", "Professor Kent Hollis", "Helen Durham")?
    Compass points and the like leave it the place ("South London"); so does an acronym."""
    if i == 0:
        return False
    previous = tokens[i - 1]
    return (
        previous.is_word
        and previous.text[:1].isupper()
        and _runs_on(text, previous, tokens[i])
        and not previous.text.isupper()
        and previous.norm not in PLACE_MODIFIERS
        and not _sentence_start(tokens, i - 1, text)
    )


@lru_cache(maxsize=16384)
def _written(name: str) -> list[Token]:
    return [t for t in tokenize(name) if t.is_word or t.text == "&"]


def _inserted_acronym(tokens: list[Token], j: int) -> Token | None:
    """The acronym of a "( ACRONYM )" at ``j``: "Regional Engagement and Delivery (READ) Team"."""
    triple = tokens[j : j + 3]
    if len(triple) == 3 and triple[0].text == "(" and triple[2].text == ")":
        acronym = triple[1]
        if acronym.text.isupper() and acronym.text.isalpha() and 2 <= len(acronym.text) <= 8:
            return acronym
    return None


@dataclass(frozen=True)
class _Match:
    entity: Entity
    how: str
    consumed: int  # tokens used, an inserted "(ACRONYM)" included
    last: Token
    acronyms: tuple[Token, ...]  # acronyms written inside the name


def _names(where: _Field, gazetteer: Gazetteer) -> Iterable[Mention]:
    tokens, text, field = where.tokens, where.text, where.name
    defined: dict[str, Entity] = {}  # acronyms this text defined: "Environment Agency (EA)"
    i = 0
    while i < len(tokens):
        match = None if tokens[i].start in where.codes else _longest(where, i, gazetteer, defined)
        if match is None:
            i += 1
            continue
        entity = match.entity
        if entity.type == "place":
            _note_qualifier(where, i + match.consumed, entity, tokens[i].start, gazetteer)
        yield _mention(entity, field, text, tokens[i].start, match.last.end, match.how)
        inside = list(match.acronyms)
        following = _inserted_acronym(tokens, i + match.consumed)
        if following is not None and not gazetteer.acronym(following.text):
            defined[following.text] = entity
        for acronym in inside:
            defined.setdefault(acronym.text, entity)
            yield _mention(entity, field, text, acronym.start, acronym.end, "defined-acronym")
        i += match.consumed


def _joined(text: str, left: Token, right: Token) -> bool:
    """Can a name run on from ``left`` to ``right``: a space, a hyphen, or a possessive?"""
    gap = text[left.end : right.start]
    return len(gap) <= 2 or bool(_POSSESSIVE_GAP.fullmatch(gap))


def _windows(
    tokens: list[Token], i: int, gazetteer: Gazetteer, text: str
) -> list[tuple[list[Token], int, tuple[Token, ...]]]:
    """Candidate name windows from token ``i``, longest first: (name tokens, tokens consumed,
    inserted acronyms). A window grows only while it is the start of some name; a name may not
    span a gap wider than a space and a hyphen, except an inserted "(ACRONYM)"."""
    longest = gazetteer.longest_name
    out: list[tuple[list[Token], int, tuple[Token, ...]]] = []
    window: list[Token] = []
    inserted: list[Token] = []
    j = i
    while j < len(tokens) and len(window) < longest:
        acronym = _inserted_acronym(tokens, j) if window else None
        if (
            acronym is not None
            and j + 3 < len(tokens)
            and _joined(text, tokens[j + 2], tokens[j + 3])
        ):
            inserted.append(acronym)
            j += 3
            continue
        token = tokens[j]
        if window and not _joined(text, tokens[j - 1], token):
            break
        window.append(token)
        j += 1
        out.append((list(window), j - i, tuple(inserted)))
        if not gazetteer.is_prefix(tuple(t.norm for t in window)):
            break
    return out[::-1]


def _longest(
    where: _Field, i: int, gazetteer: Gazetteer, defined: dict[str, Entity]
) -> _Match | None:
    tokens, text = where.tokens, where.text
    first = tokens[i]
    acronyms = bool(gazetteer.acronym(first.text) or first.text in defined)
    if first.norm not in gazetteer.first_words[0] and not acronyms:
        return None  # most words start no name: skip building windows
    acronyms = acronyms and where.acronym_ok(first)
    for window, consumed, inserted in _windows(tokens, i, gazetteer, text):
        candidates = [
            (entity, how)
            for entity, how, name in gazetteer.names(tuple(t.norm for t in window))
            if _acceptable(entity, name, window, tokens, i, text)
        ]
        if len(window) == 1 and acronyms:
            candidates += [(e, how) for e, how, _ in gazetteer.acronym(first.text)]
            if first.text in defined:
                candidates.append((defined[first.text], "defined-acronym"))
        if candidates:
            entity, how = _choose(candidates)
            return _Match(entity, how, consumed, window[-1], inserted)
    return None


def _note_qualifier(where: _Field, j: int, place: Entity, start: int, gazetteer: Gazetteer) -> None:
    """Note what a ", Qualifier" after a place (ending before token ``j``) says of it: in the UK
    ("Cambridge, England") or elsewhere ("Perth, Australia", "Durham, North Carolina"), which
    makes its unqualified mentions in the article elsewhere too. A qualifier is one to three
    capitalised words that end a clause: "London, Paris and Berlin" is a list."""
    words = _qualifier(where.tokens, j, where.text)
    if not words:
        return
    prefixes = (words[:n] for n in range(len(words), 0, -1))
    if any(e.type == "place" for words_ in prefixes for e, _, _ in gazetteer.names(words_)):
        where.article.qualified.add((where.name, start))
    else:
        where.article.foreign.add(place.id)


def _qualifier(tokens: list[Token], j: int, text: str) -> tuple[str, ...]:
    """The words of the qualifier that starts with the comma at ``j``, if there is one."""
    if j + 1 >= len(tokens) or tokens[j].text != ",":
        return ()
    if not _runs_on(text, tokens[j], tokens[j + 1]):
        return ()
    k = j + 1
    while k + 1 < len(tokens) and k - j < 4 and _runs_on(text, tokens[k], tokens[k + 1]):
        k += 1
    words = tuple(t.norm for t in tokens[j + 1 : k + 1])
    after = tokens[k + 1 : k + 3]
    if len(words) > 3 or (after and after[0].is_word and after[0].norm in _COORDINATORS):
        return ()  # a longer name, or a list's items
    if len(after) == 2 and after[0].text == "," and after[1].text[:1].isupper():
        return ()  # "London, Paris, Berlin": a list
    return words


def _themes(where: _Field, gazetteer: Gazetteer) -> Iterable[Mention]:
    tokens, text, field = where.tokens, where.text, where.name
    stems = [stem(t.norm) for t in tokens]
    starts = gazetteer.first_words[1]
    i = 0
    while i < len(tokens):
        if tokens[i].start in where.codes:  # a table's key: "STAB Thermal stability screening"
            i += 1
            continue
        acronym = gazetteer.theme_acronym(tokens[i].text)
        for theme in acronym if acronym and where.acronym_ok(tokens[i]) else []:
            yield _mention(theme, field, text, tokens[i].start, tokens[i].end, "acronym")
        if stems[i] not in starts:  # most words start no theme phrase
            i += 1
            continue
        n_max = 1
        while (
            i + n_max < len(tokens)
            and "\n" not in text[tokens[i + n_max - 1].end : tokens[i + n_max].start]
            and gazetteer.is_prefix(tuple(stems[i : i + n_max]), themes=True)
        ):
            n_max += 1  # a phrase does not run over a line break: "Averill County" / "Lines 4"
        for n in range(n_max, 0, -1):
            themes = _cue(gazetteer, tuple(stems[i : i + n]), tokens[i].norm)
            if themes:
                start, end = tokens[i].start, tokens[i + n - 1].end
                for theme in themes:
                    yield _mention(theme, field, text, start, end, "vocabulary")
                i += n
                break
        else:
            i += 1


def _cue(gazetteer: Gazetteer, stems: tuple[str, ...], word: str) -> list[Entity]:
    """The themes a phrase of these stems signals. A phrase of one word signals a theme only in
    the forms its vocabulary lists: stems join "trafficked" to "trafficking" inside a phrase, but
    alone they join "Runaway" to "runaways", "stab" to "stabbing", "heroine" to "heroin"."""
    themes = gazetteer.vocabulary(stems)
    if len(stems) > 1:
        return themes
    return [t for t in themes if (t.id, word) in gazetteer.one_word_cues]


def _entities(mentions: list[Mention], gazetteer: Gazetteer) -> dict[str, list[tuple[str, str]]]:
    themes = _themes_found([m for m in mentions if m.type == "theme"], gazetteer)
    out: dict[str, list[tuple[str, str]]] = {}
    for mention in mentions:
        if mention.type == "theme" and mention.id not in themes:
            continue
        items = out.setdefault(mention.type, [])
        if (mention.id, mention.label) not in items:
            items.append((mention.id, mention.label))
    return out


def _themes_found(mentions: list[Mention], gazetteer: Gazetteer) -> set[str]:
    """The themes an article has. Each needs its minimum of hits (the ``min`` hint), and one
    resting on one-word cues alone needs more than one of them, or its own name ("fraud" for
    Fraud), or a phrase or acronym of some theme in the article to show that it is about crime:
    a lone "shooting" may be a film's, a lone "knife" a cook's."""
    hits = Counter(m.id for m in mentions)
    phrases = any(m.how == "acronym" or not _ONE_WORD.fullmatch(m.text) for m in mentions)
    named = {m.id for m in mentions if _names_its_theme(m, gazetteer)}
    found = set()
    for id_, count in hits.items():
        theme = gazetteer.get("theme", id_)
        needed = int((theme.hint("min") if theme else None) or 1)
        if count >= needed and (phrases or count > 1 or id_ in named):
            found.add(id_)
    return found


def _names_its_theme(mention: Mention, gazetteer: Gazetteer) -> bool:
    """Is a one-word cue the theme's own one-word name ("frauds" for Fraud)?"""
    theme = gazetteer.get("theme", mention.id)
    return (
        theme is not None
        and _ONE_WORD.fullmatch(theme.label) is not None
        and stem(theme.label.lower()) == stem(mention.text.lower())
    )


def _filters(
    entities: dict[str, list[tuple[str, str]]], gazetteer: Gazetteer
) -> dict[str, list[str]]:
    """Ids an article is found under: its entities, plus every place containing its places and
    the places its agencies cover (an article on South Wales Police is found under Wales)."""
    filters = {type_: [id_ for id_, _ in items] for type_, items in entities.items()}
    regions = filters.setdefault("region", [])
    for type_ in ("region", "agency"):
        for id_ in list(filters.get(type_, [])):
            entity = gazetteer.get(_internal(type_), id_)
            for place in gazetteer.ancestors(entity) if entity else []:
                if place.id not in regions:
                    regions.append(place.id)
    if not regions:
        del filters["region"]
    return filters
