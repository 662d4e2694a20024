"""Tag an article's entities: gazetteer names (longest first), acronyms, operations, themes.

Every mention keeps the field it was found in ("title" or "body"), its character offsets there,
and how it was matched: ``name``, ``acronym``, ``former-name``, ``defined-acronym`` (an acronym
the text defined, as in "Environment Agency (EA)"), ``fuzzy`` (a guarded misspelling match,
"Middleborough"), ``rule`` (operations) or ``vocabulary`` (themes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from indexer.entity_types import PRIORITY, internal_name, public_name
from indexer.tagging.gazetteer import Entity, Gazetteer
from indexer.tagging.tokens import Token, stem, tokenize

TAGGER_VERSION = "2"  # bump when the rules change, so stored articles are re-tagged
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
_SENTENCE_END = {".", "!", "?", ":", "•", "“", '"', "(", ";"}
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


def tag_article(title: str, body: str, gazetteer: Gazetteer) -> Tagged:
    """Tag the title and body of one article."""
    mentions = [*_tag_field(title, "title", gazetteer), *_tag_field(body, "body", gazetteer)]
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


def _tag_field(text: str, field: str, gazetteer: Gazetteer) -> list[Mention]:
    if not text:
        return []
    found = list(_operations(text, field, gazetteer))
    skipped = [(m.start, m.end) for m in found]
    skipped += [(m.start(), m.end()) for m in _ADDRESS.finditer(text)]  # e-mail and web addresses
    all_tokens = _outside(tokenize(text), skipped[len(found) :])
    tokens = _outside(all_tokens, skipped[: len(found)])
    lowercase = {t.text for t in all_tokens if t.text.islower()}
    found.extend(_names(tokens, text, field, gazetteer, lowercase))
    found.extend(_themes(all_tokens, text, field, gazetteer))
    return sorted(found, key=lambda m: (m.start, m.type))


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
    if entity.type == "place" and first.norm in NEVER_PLACES:
        return False
    if entity.hint("common-word"):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        confirmed = following is not None and (
            following.norm in PROGRAMME_FOLLOWERS or (following.capitalised and following.is_word)
        )
        return confirmed or not _sentence_start(tokens, i, text)
    return True


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


def _names(
    tokens: list[Token], text: str, field: str, gazetteer: Gazetteer, lowercase: set[str]
) -> Iterable[Mention]:
    defined: dict[str, Entity] = {}  # acronyms this text defined: "Environment Agency (EA)"
    i = 0
    while i < len(tokens):
        match = _longest(tokens, i, text, gazetteer, defined)
        if match is None:
            fuzzy = _fuzzy(tokens, i, text, gazetteer, lowercase)
            if fuzzy is not None:
                yield _mention(fuzzy, field, text, tokens[i].start, tokens[i].end, "fuzzy")
            i += 1
            continue
        entity = match.entity
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
    tokens: list[Token], i: int, text: str, gazetteer: Gazetteer, defined: dict[str, Entity]
) -> _Match | None:
    first = tokens[i]
    if (
        first.norm not in gazetteer.first_words[0]
        and not gazetteer.acronym(first.text)
        and first.text not in defined
    ):
        return None  # most words start no name: skip building windows
    for window, consumed, inserted in _windows(tokens, i, gazetteer, text):
        candidates = [
            (entity, how)
            for entity, how, name in gazetteer.names(tuple(t.norm for t in window))
            if _acceptable(entity, name, window, tokens, i, text)
        ]
        if len(window) == 1:
            candidates += [(e, how) for e, how, _ in gazetteer.acronym(window[0].text)]
            if window[0].text in defined:
                candidates.append((defined[window[0].text], "defined-acronym"))
        if candidates:
            entity, how = _choose(candidates)
            return _Match(entity, how, consumed, window[-1], inserted)
    return None


def _fuzzy(
    tokens: list[Token], i: int, text: str, gazetteer: Gazetteer, lowercase: set[str]
) -> Entity | None:
    """A misspelt one-word place or agency ("Middleborough"), under guards against false
    friends: 7+ letters; not a word the text also uses in lower case ("Workshop" is no
    Worksop); not at a sentence start ("Consent"); not beside another capitalised word, which
    makes it part of a longer name ("Ken Livingstone", "Margaret Thatcher"); one candidate."""
    token = tokens[i]
    word = token.norm
    if len(word) < 7 or not token.capitalised or not word.isalpha() or token.text.isupper():
        return None
    if word in lowercase or _sentence_start(tokens, i, text):
        return None
    neighbours = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
    if any(
        n.is_word and n.capitalised and _joined(text, *sorted((n, token), key=lambda t: t.start))
        for n in neighbours
    ):
        return None
    return gazetteer.close_name(word)


def _themes(tokens: list[Token], text: str, field: str, gazetteer: Gazetteer) -> Iterable[Mention]:
    stems = [stem(t.norm) for t in tokens]
    starts = gazetteer.first_words[1]
    i = 0
    while i < len(tokens):
        for theme in gazetteer.theme_acronym(tokens[i].text):
            yield _mention(theme, field, text, tokens[i].start, tokens[i].end, "acronym")
        if stems[i] not in starts:  # most words start no theme phrase
            i += 1
            continue
        n_max = 1
        while i + n_max < len(tokens) and gazetteer.is_prefix(
            tuple(stems[i : i + n_max]), themes=True
        ):
            n_max += 1
        for n in range(n_max, 0, -1):
            themes = gazetteer.vocabulary(tuple(stems[i : i + n]))
            if themes:
                start, end = tokens[i].start, tokens[i + n - 1].end
                for theme in themes:
                    yield _mention(theme, field, text, start, end, "vocabulary")
                i += n
                break
        else:
            i += 1


def _entities(mentions: list[Mention], gazetteer: Gazetteer) -> dict[str, list[tuple[str, str]]]:
    theme_hits = Counter(m.id for m in mentions if m.type == "theme")
    out: dict[str, list[tuple[str, str]]] = {}
    for mention in mentions:
        if mention.type == "theme":
            theme = gazetteer.get("theme", mention.id)
            needed = int((theme.hint("min") if theme else None) or 1)
            if theme_hits[mention.id] < needed:
                continue
        items = out.setdefault(mention.type, [])
        if (mention.id, mention.label) not in items:
            items.append((mention.id, mention.label))
    return out


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
