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

A name alone is weak evidence: most UK towns' names are towns' in the rest of the
English-speaking world too. In an article's running text (``_in_context``) a place named by one
word, by compass points alone or by a saint counts only where the article says the UK and, if it
also marks another country ("New Zealand", "Ontario", a dollar amount), where its own paragraph
does (``setting.py``); an operation counts only in an article about policing; a body named for
another country ("Australian Border Force") is not the UK's. A place run into a longer
capitalised name ("New South Wales"), followed by an animal or a dish ("Hereford bull",
"Suffolk ram hogget") or used as a person's first name ("Kent Morrison, Chair") is no place; a
one-word theme cue in a work's title ("The Fraud", a novel) is no cue. A search query (a text
without a title) names what it asks about and needs no context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.entity_types import PRIORITY, internal_name, public_name
from indexer.tagging.gazetteer import Entity, Gazetteer
from indexer.tagging.setting import Setting, named_for_elsewhere
from indexer.tagging.tokens import Token, stem, stem_key, tokenize

TAGGER_VERSION = "4"  # bump when the rules change, so stored articles are re-tagged
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
_QUOTES = ('"', "“", "‘")
_QUOTED = re.compile(r'"[^"\n]{1,80}"|“[^”\n]{1,80}”|‘[^’\n]{1,80}’')
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_NOT_CODEWORDS = {
    "the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "is", "was", "has", "had",
    "manager", "managers", "team", "teams", "unit", "units", "centre", "center", "support",
    "command", "order", "orders", "room", "division", "director", "lead", "officer", "officers",
    "head", "staff", "costs", "cost", "plan", "plans", "name", "names", "code", "area",
}  # fmt: skip
# Kinds of place whose name says the UK by itself: the UK, Great Britain and its nations.
_UK_ITSELF = {"state", "country-group", "nation"}
# Kinds of agency whose names every country has (charities, international bodies, a "Fire and
# Rescue Service"): their mention says nothing of where a text is set.
_NOT_UK_MARKS = {"partner", "fire-service"}
_SAINTS = {"st", "saint"}  # "St Albans", "St Ives": a saint's name is a town's everywhere
# Words that end a running capitalised word's claim to be a longer name in a title in title
# case ("Working With Kent Police", "Notes From Durham").
_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "across", "after", "against", "over", "under", "near", "between", "via",
}  # fmt: skip
# After a place (and a capitalised word or two: "Aberdeen Angus"), these make it a breed or a
# dish named after it: "a Hereford bull", "Suffolk ram hogget", "Yorkshire terrier"...
_BREED_NOUNS = {
    "bull", "bulls", "bullock", "bullocks", "cow", "cows", "heifer", "heifers", "steer",
    "steers", "calf", "calves", "cattle", "ox", "oxen", "ram", "rams", "ewe", "ewes", "lamb",
    "lambs", "hogget", "hoggets", "tup", "tups", "wether", "wethers", "sheep", "pig", "pigs",
    "sow", "sows", "boar", "boars", "gilt", "gilts", "hog", "hogs", "piglet", "piglets", "goat",
    "goats", "horse", "horses", "pony", "ponies", "mare", "mares", "stallion", "stallions",
    "gelding", "geldings", "foal", "foals", "colt", "colts", "filly", "fillies", "cob", "cobs",
    "terrier", "terriers", "spaniel", "spaniels", "hound", "hounds", "retriever", "retrievers",
    "collie", "collies", "setter", "setters", "hen", "hens", "chicken", "chickens", "cockerel",
    "cockerels", "rooster", "roosters", "duck", "ducks", "goose", "geese", "turkey", "turkeys",
    "rabbit", "rabbits", "breed", "breeds", "crossbred", "cross", "cheese", "cheeses",
    "sausage", "sausages", "pudding", "puddings", "sauce",
}  # fmt: skip
# ...unless the phrase goes on to the place's farming: "Kent sheep farmers", "Suffolk cattle
# thefts", "the Hereford cattle market".
_BREED_TRADES = {
    "farm", "farms", "farmer", "farmers", "farming", "rustling", "rustlers", "theft", "thefts",
    "thieves", "market", "markets", "mart", "worrying",
}  # fmt: skip
# A capitalised word after a place that makes the two a place's own name, not a person's.
_PLACE_NOUNS = {
    "street", "road", "lane", "avenue", "way", "hall", "house", "centre", "center", "park",
    "square", "station", "airport", "harbour", "port", "bay", "bridge", "castle", "cathedral",
    "abbey", "minster", "market", "university", "college", "school", "academy", "hospital",
    "infirmary", "prison", "court", "library", "museum", "gardens", "green", "common", "hill",
    "valley", "forest", "water", "river", "canal", "docks", "quay", "pier", "town", "city",
    "county", "borough", "district", "council", "police", "fire", "trust", "partnership",
    "group", "team", "unit", "board", "hotel", "services", "service", "club", "united", "rovers",
}  # fmt: skip
_SAYING = {
    "said", "says", "say", "told", "tells", "added", "adds", "explained", "explains", "wrote",
    "writes", "asked", "asks", "commented", "comments", "by",
}  # fmt: skip
# Words of an article about policing, where "Operation Nest Egg" may be a police operation.
_POLICING = re.compile(
    r"\b(?:police|policing|constab\w*|detectives?|arrest\w*|warrants?|suspects?|offenders?"
    r"|offen[cs]es?|crimes?|criminals?|prosecut\w*|convict\w*|seiz\w*|raids?|raided|sentenced"
    r"|jailed|custody|law enforcement)\b",
    re.IGNORECASE,
)


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
    elsewhere: list[tuple[str, int]] = field(default_factory=list)  # (field, start) of those

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


def tag_article(
    title: str, body: str, gazetteer: Gazetteer, *, running_text: bool | None = None
) -> Tagged:
    """Tag the title and body of one article.

    In running text (an article's: ``running_text``, by default whenever there is a title) a
    name needs its context (``_in_context``). A text without a title is a search query
    (``query.py`` tags a query as a body alone), which names what it asks the archive about:
    its names are taken as the gazetteer's without one.
    """
    fields = [(text, name, tokenize(text)) for text, name in ((title, "title"), (body, "body"))]
    article = _Article(frozenset().union(*(_redefined(t, k, gazetteer) for t, _, k in fields)))
    tagged = [
        m
        for text, name, tokens in fields
        for m in _tag_field(text, name, tokens, gazetteer, article)
    ]
    mentions = [m for m in tagged if article.keeps(m)]
    if running_text if running_text is not None else bool(title):
        texts = {name: (text, tokens) for text, name, tokens in fields}
        mentions = _in_context(texts, mentions, gazetteer, article)
    return tagged_from(mentions, gazetteer)


def tagged_from(mentions: Sequence[Mention], gazetteer: Gazetteer) -> Tagged:
    """What ``mentions`` (of one article, in its order) add up to: its entities, filters and
    names (so mentions can be left out, boilerplate's, without tagging the text again)."""
    kept = list(mentions)
    entities = _entities(kept, gazetteer)
    filters = _filters(entities, gazetteer)
    labels = {
        type_: {id_: _label(gazetteer, type_, id_, entities) for id_ in ids}
        for type_, ids in filters.items()
    }
    return Tagged(tuple(kept), entities, filters, labels, _search_names(entities, gazetteer))


def _in_context(
    texts: dict[str, tuple[str, list[Token]]],
    mentions: list[Mention],
    gazetteer: Gazetteer,
    article: _Article,
) -> list[Mention]:
    """The mentions that running text's context allows.

    A place named by one word (Cambridge, Hastings, the Canterbury of "North Canterbury"), by
    compass points alone ("North East") or by a saint ("St Ives") is a town's name in half the
    English-speaking world: it counts only where the article says the UK (``setting.py``).
    It does where it names the UK, Great Britain or a nation, a place by a longer name, a body
    of the UK state (a police force, a council, the Home Office), a pound amount, a UK postcode
    or telephone number, or a place as in the UK ("Kent, England"), and nothing marks another
    country whose towns share UK names; where something does ("New Zealand", "Ontario", a
    dollar amount, "Perth, Western Australia"), the place's own paragraph must say the UK and
    not the other country. A place qualified as in the UK always counts. In an article that
    marks no other country, being about the archive's subject is enough: an article on county
    lines in Cardiff is an article of a UK policing bulletin.

    An operation ("Operation Nest Egg", a kiwi breeding programme) counts only in an article
    about policing: one that names a body the gazetteer knows, or the police, crime, arrests,
    seizures. And a body named for another country ("the Australian Border Force", "New
    Zealand Ministry of Justice") is that country's, not the UK's.
    """
    mentions = [
        m
        for m in mentions
        if m.type != "agency"
        or m.how == "acronym"
        or not named_for_elsewhere(*texts[m.field], m.start)
    ]
    drop: set[int] = set()
    doubtful = [
        n
        for n, m in enumerate(mentions)
        if m.type == "region"
        and (m.field, m.start) not in article.qualified
        and _doubtful(m, gazetteer)
    ]
    if doubtful:
        uk = [(m.field, m.start) for m in mentions if _marks_uk(m, gazetteer)]
        setting = Setting.of(
            texts, uk + sorted(article.qualified), article.elsewhere, _on_topic(mentions, gazetteer)
        )
        drop.update(n for n in doubtful if not setting.says_uk(*_at(mentions[n])))
    operations = [n for n, m in enumerate(mentions) if m.type == "operation"]
    if operations and not _about_policing(texts, mentions, gazetteer):
        drop.update(operations)
    return [m for n, m in enumerate(mentions) if n not in drop] if drop else mentions


def _at(mention: Mention) -> tuple[str, int]:
    return mention.field, mention.start


def _doubtful(mention: Mention, gazetteer: Gazetteer) -> bool:
    """Is a place's mention a name that many places outside the UK have too: one word ("the
    Midlands" too), compass points alone, or a saint's name? One word with a compass point is
    a name of its own ("West Sussex"). (Not the UK, Great Britain and its nations.)"""
    entity = gazetteer.get("place", mention.id)
    if entity is None or any(kind in _UK_ITSELF for kind in entity.hints):
        return False
    words = [t.norm for t in _written(mention.text) if t.is_word]
    own = [w for w in words if w not in PLACE_MODIFIERS and w not in _SAINTS | _SMALL_WORDS]
    return not own or (len(own) == 1 and not any(w in PLACE_MODIFIERS for w in words))


def _marks_uk(mention: Mention, gazetteer: Gazetteer) -> bool:
    """Does a mention say the UK by itself: a place not in doubt, or a body of the UK state
    named by its name or an acronym of three letters or more?"""
    if mention.type == "region":
        return not _doubtful(mention, gazetteer)
    if mention.type != "agency" or (mention.how == "acronym" and len(mention.text) < 3):
        return False
    entity = gazetteer.get("agency", mention.id)
    return (
        entity is not None
        and not entity.hint("common-word")
        and not any(kind in _NOT_UK_MARKS for kind in entity.hints[:1])
    )


def _on_topic(mentions: list[Mention], gazetteer: Gazetteer) -> bool:
    """Is an article about the archive's subject: a crime theme it has, named by a phrase of
    the theme's vocabulary ("county lines", "modern slavery"), not a word ("fraud")?"""
    phrases = [m for m in mentions if m.type == "theme" and not _ONE_WORD.fullmatch(m.text)]
    if not phrases:
        return False
    themes = _themes_found([m for m in mentions if m.type == "theme"], gazetteer)
    return any(m.id in themes for m in phrases)


def _about_policing(
    texts: dict[str, tuple[str, list[Token]]], mentions: list[Mention], gazetteer: Gazetteer
) -> bool:
    """Does an article name a body the gazetteer knows, or talk of police and crime?"""
    for mention in mentions:
        entity = gazetteer.get("agency", mention.id) if mention.type == "agency" else None
        if entity is not None and not entity.hint("common-word"):
            return True
    return any(_POLICING.search(text) for text, _ in texts.values())


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
    entity: Entity,
    name: str,
    window: list[Token],
    tokens: list[Token],
    i: int,
    text: str,
    gazetteer: Gazetteer,
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
    if entity.type == "place" and _a_breed(tokens, i + len(window), text):
        return False  # "a Hereford bull", "Suffolk ram hogget"
    if len(window) > 1:
        # the end of a longer name: "New South Wales" (an agency's generic name is meant to be
        # run on from its place's: "Northshire Community Safety Partnership")
        return entity.type != "place" or not _after_a_name(tokens, i, text)
    if entity.type == "place" and (
        first.norm in NEVER_PLACES
        or _after_a_name(tokens, i, text)
        or _a_persons_name(tokens, i, text, gazetteer)
    ):
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
    """Is the place starting at ``i`` the end of a longer name: run on from a capitalised word
    that does not start a sentence ("New England", "Professor Kent Hollis", "Helen Durham",
    "New South Wales")? Compass points and the like leave it the place ("South London"), unless
    a name runs on into them; so do an acronym, a month or a day ("5th September South Wales
    Police") and the small words of a title in title case ("Notes From Durham")."""
    while i > 0:
        previous = tokens[i - 1]
        if not (
            previous.is_word
            and previous.text[:1].isupper()
            and _runs_on(text, previous, tokens[i])
            and not previous.text.isupper()
            and previous.norm not in _SMALL_WORDS
            and previous.norm not in NEVER_PLACES
            and not _sentence_start(tokens, i - 1, text)
        ):
            return False
        if previous.norm not in PLACE_MODIFIERS:
            return True
        i -= 1  # "South London" is London, but "New South Wales" is a longer name
    return False


def _a_breed(tokens: list[Token], j: int, text: str) -> bool:
    """Is the place ending before token ``j`` a breed's or a dish's name: followed (after a
    capitalised word or two: "Aberdeen Angus bull") by a word for an animal or a food, which
    does not go on to the place's farming ("Kent sheep farmers")?"""
    k = j
    while k < len(tokens) and k - j < 2 and _runs_on(text, tokens[k - 1], tokens[k]):
        k += 1
    if not 0 < k < len(tokens) or tokens[k].norm not in _BREED_NOUNS:
        return False
    noun, after = tokens[k], tokens[k + 1] if k + 1 < len(tokens) else None
    if text[tokens[k - 1].end : noun.start] != " " or not noun.text.islower():
        return False
    return after is None or after.norm not in _BREED_TRADES


def _a_persons_name(tokens: list[Token], i: int, text: str, gazetteer: Gazetteer) -> bool:
    """Is the one-word place at ``i`` a person's first name ("Kent Morrison, Chair")? It is
    when a surname follows it: a capitalised word that is no word of the gazetteer's names
    and no place's noun ("Crawley Hall"), and that ends the name, where the text shows a
    person: it signs something off ("**Kent Morrison**, Chair" at a paragraph's start), says
    something ("said Kent Morrison", "Kent Morrison told"), or is known by the surname alone
    elsewhere ("... Morrison said")."""
    if i + 1 >= len(tokens):
        return False
    surname = tokens[i + 1]
    if not (
        _runs_on(text, tokens[i], surname)
        and surname.text.isalpha()
        and surname.text[1:].islower()
        and surname.norm not in gazetteer.name_words
        and surname.norm not in _PLACE_NOUNS
    ):
        return False
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after is not None and _runs_on(text, surname, after):
        return False  # a longer name: "Crawley Civic Hall"
    before = tokens[i - 1] if i > 0 else None
    if (before is not None and before.norm in _SAYING) or (
        after is not None and after.norm in _SAYING
    ):
        return True
    starts_a_line = before is None or "\n" in text[before.end : tokens[i].start]
    if starts_a_line and (after is None or after.text == "," or "\n" in text[surname.end :][:2]):
        return True
    return any(
        t.text == surname.text and k != i + 1 and (k == 0 or tokens[k - 1].text != tokens[i].text)
        for k, t in enumerate(tokens)
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
            if _acceptable(entity, name, window, tokens, i, text, gazetteer)
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
        where.article.elsewhere.append((where.name, start))


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
    titles = _quoted_titles(text)
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
            if themes and n == 1 and _in_a_title(tokens, i, text, titles):
                continue  # the novel "The Fraud", the horse "Runaway"
            if themes:
                start, end = tokens[i].start, tokens[i + n - 1].end
                for theme in themes:
                    yield _mention(theme, field, text, start, end, "vocabulary")
                i += n
                break
        else:
            i += 1


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    """The spans of the quoted titles of works in ``text``: words in quotation marks, each
    capitalised but the small ones ("The Fraud", "Runaway", "The Luminaries")."""
    if not any(q in text for q in _QUOTES):
        return []  # most texts quote nothing
    spans = []
    for quoted in _QUOTED.finditer(text):
        words = _WORDS.findall(quoted.group(0))
        if words and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words):
            spans.append((quoted.start(), quoted.end()))
    return spans


def _in_a_title(tokens: list[Token], i: int, text: str, titles: list[tuple[int, int]]) -> bool:
    """Is the capitalised word at ``i`` a word of a work's title: quoted as one, or run on
    from a "The" that starts no sentence ("reading The Fraud")?"""
    token = tokens[i]
    if not token.text[:1].isupper():
        return False
    if any(s <= token.start < e for s, e in titles):
        return True
    previous = tokens[i - 1] if i > 0 else None
    return (
        previous is not None
        and previous.text == "The"
        and _runs_on(text, previous, token)
        and not _sentence_start(tokens, i - 1, text)
    )


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
