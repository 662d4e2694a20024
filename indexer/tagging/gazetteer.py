"""Load the curated gazetteer (``indexer/tagging/gazetteer/*.tsv``) and answer questions about it.

Each row is one entity: ``type id label aliases acronyms former parent hints`` (see the README
beside the data). Names are matched on normalised tokens (``tokens.key``); acronyms exactly.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from indexer.entity_types import ENTITY_TYPES, internal_name
from indexer.errors import BulletinsError
from indexer.tagging.tokens import key, stem_key

DATA_DIR = Path(__file__).resolve().parent / "gazetteer"
COLUMNS = ("type", "id", "label", "aliases", "acronyms", "former", "parent", "hints")
TYPES = tuple(t.internal for t in ENTITY_TYPES)  # the gazetteer's own names for the types
FILES = {t.internal: t.gazetteer_file for t in ENTITY_TYPES}


class GazetteerError(BulletinsError):
    """The gazetteer data is malformed."""


@dataclass(frozen=True)
class Entity:
    type: str
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    former: tuple[tuple[str, int | None], ...] = ()  # (name, last year it applied)
    parent: str = ""  # places: a place id; agencies: "place:<id>"
    hints: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.id)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name matched case-insensitively: label, aliases, former names."""
        return (self.label, *self.aliases, *(name for name, _ in self.former))

    def hint(self, name: str) -> str | None:
        """The value of a ``name=value`` hint, or ``name`` itself if it is a flag hint."""
        for hint in self.hints:
            if hint == name:
                return name
            if hint.startswith(name + "="):
                return hint.split("=", 1)[1]
        return None


@dataclass(frozen=True)
class Gazetteer:
    entities: dict[tuple[str, str], Entity]
    version: str  # a hash of the data: a change means articles must be re-tagged
    # match key → [(entity, how it matches, the name as written)]
    _names: dict[tuple[str, ...], list[tuple[Entity, str, str]]] = field(default_factory=dict)
    _acronyms: dict[str, list[tuple[Entity, str, str]]] = field(default_factory=dict)
    _vocabulary: dict[tuple[str, ...], list[Entity]] = field(default_factory=dict)
    _theme_acronyms: dict[str, list[Entity]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> Gazetteer:
        """Read every ``*.tsv`` in ``directory``.

        :raise GazetteerError: on a malformed file, with the file and line.
        """
        files = sorted(directory.glob("*.tsv"))
        if not files:
            raise GazetteerError(f"no gazetteer files (*.tsv) in {directory}")
        digest = hashlib.sha256()
        entities: dict[tuple[str, str], Entity] = {}
        for path in files:
            data = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + data)
            for entity in _parse(path, data.decode("utf-8")):
                if entity.key in entities:
                    raise GazetteerError(f"{path.name}: duplicate {entity.type} id {entity.id!r}")
                entities[entity.key] = entity
        return cls.build(entities.values(), digest.hexdigest()[:16])

    @classmethod
    def build(cls, entities: Iterable[Entity], version: str = "test") -> Gazetteer:
        gazetteer = cls({e.key: e for e in entities}, version)
        for entity in gazetteer.entities.values():
            if entity.type == "theme":
                for phrase in entity.names:
                    themes = gazetteer._vocabulary.setdefault(stem_key(phrase), [])
                    if entity not in themes:
                        themes.append(entity)
                for acronym in entity.acronyms:
                    gazetteer._theme_acronyms.setdefault(acronym, []).append(entity)
                continue
            for name in entity.names:
                how = "former-name" if any(name == f for f, _ in entity.former) else "name"
                known = gazetteer._names.setdefault(key(name), [])
                if all(other is not entity for other, _, _ in known):
                    known.append((entity, how, name))
            for acronym in entity.acronyms:
                gazetteer._acronyms.setdefault(acronym, []).append((entity, "acronym", acronym))
            for name, _ in entity.former:
                if re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}s?", name):  # a former acronym (SOCA)
                    gazetteer._acronyms.setdefault(name, []).append((entity, "former-name", name))
        return gazetteer

    def words(self) -> frozenset[str]:
        """Every word of every entity's names and acronyms, in lower case: words people type
        that are not misspellings, though the archive may not hold them ("Welsh")."""
        return frozenset(
            word.lower()
            for entity in self.entities.values()
            for name in (*entity.names, *entity.acronyms)
            for word in re.findall(r"[^\W\d_][\w'’-]*", name)
        )

    # -- lookups used by the tagger -----------------------------------------------------------
    def names(self, tokens: tuple[str, ...]) -> list[tuple[Entity, str, str]]:
        return self._names.get(tokens, [])

    def acronym(self, token: str) -> list[tuple[Entity, str, str]]:
        return self._acronyms.get(token, [])

    def theme_acronym(self, token: str) -> list[Entity]:
        return self._theme_acronyms.get(token, [])

    def vocabulary(self, stems: tuple[str, ...]) -> list[Entity]:
        return self._vocabulary.get(stems, [])

    @cached_property
    def _prefixes(self) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
        def prefixes(keys: Iterable[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
            return frozenset(k[:n] for k in keys for n in range(1, len(k)))

        return prefixes(self._names), prefixes(self._vocabulary)

    @cached_property
    def first_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """The first word of every name, and the first stem of every theme phrase: a token
        that is neither (nor an acronym) starts no match."""
        return frozenset(k[0] for k in self._names if k), frozenset(
            k[0] for k in self._vocabulary if k
        )

    def is_prefix(self, tokens: tuple[str, ...], *, themes: bool = False) -> bool:
        """Is ``tokens`` the start of a longer name (or theme phrase)?"""
        return tokens in self._prefixes[1 if themes else 0]

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Every word of the names (not themes'), normalised: "police", "council", "kent"."""
        return frozenset(word for k in self._names for word in k)

    @cached_property
    def longest_name(self) -> int:
        return max((len(k) for k in (*self._names, *self._vocabulary)), default=1)

    @cached_property
    def one_word_cues(self) -> frozenset[tuple[str, str]]:
        """(theme id, word) for every one-word phrase of a theme's vocabulary, as listed: a
        word alone signals a theme only in the forms listed, not in every form of its stem."""
        return frozenset(
            (entity.id, words[0])
            for entity in self.of_type("theme")
            for name in entity.names
            if len(words := key(name)) == 1
        )

    # -- questions about entities -------------------------------------------------------------
    def get(self, type_: str, id_: str) -> Entity | None:
        return self.entities.get((type_, id_))

    def of_type(self, type_: str) -> Iterator[Entity]:
        return (e for e in self.entities.values() if e.type == type_)

    def ancestors(self, entity: Entity) -> list[Entity]:
        """The places containing a place (nearest first); for an agency, its place and those."""
        chain: list[Entity] = []
        parent = entity.parent.removeprefix("place:")
        seen = {entity.key}
        while parent:
            place = self.get("place", parent)
            if place is None or place.key in seen:
                break
            chain.append(place)
            seen.add(place.key)
            parent = place.parent
        return chain

    def resolve(self, type_: str, text: str) -> Entity | None:
        """Find an entity of ``type_`` by id, label, alias, acronym or former name (any case)."""
        wanted = text.strip().casefold()
        wanted_key = key(text)
        for entity in self.of_type(type_):
            if wanted in (entity.id, entity.label.casefold()):
                return entity
        for entity in self.of_type(type_):
            spellings = (*entity.names, *entity.acronyms)
            if any(
                s.casefold() == wanted or (wanted_key and key(s) == wanted_key) for s in spellings
            ):
                return entity
        return None


class UnknownEntityError(BulletinsError):
    """A filter names no known entity."""


def resolve_filter(gazetteer: Gazetteer, public_type: str, text: str) -> str:
    """The id a filter value stands for: any id, label, alias or acronym, in any case.

    Operations need not be in the gazetteer: "Op SLATE", "operation slate" and "slate" all give
    ``slate``.

    :raise UnknownEntityError: naming close matches, if nothing fits.
    """
    internal = internal_name(public_type)
    entity = gazetteer.resolve(internal, text)
    if entity is not None:
        return entity.id
    if internal == "operation":
        code = re.sub(r"^\s*(?:operation|op\.?)\s+", "", text, flags=re.IGNORECASE)
        slug = re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")
        if slug:
            return slug
    labels = [e.label for e in gazetteer.of_type(internal)]
    close = difflib.get_close_matches(text, labels, n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    listing = f"bulletins entities --type {public_type} lists them"
    raise UnknownEntityError(f"Unknown {public_type} {text!r}.{hint} ({listing})")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _parse(path: Path, text: str) -> Iterator[Entity]:
    reader = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise GazetteerError(f"{path.name}: the header must be {' '.join(COLUMNS)}")
    for line, row in enumerate(reader, start=2):
        if None in row.values() or row["type"] not in TYPES or not row["id"] or not row["label"]:
            raise GazetteerError(f"{path.name}:{line}: needs a known type, an id and a label")
        former = []
        for item in _split(row["former"]):
            name, _, year = item.partition("@")
            former.append((name.strip(), int(year) if year.strip().isdigit() else None))
        yield Entity(
            type=row["type"],
            id=row["id"],
            label=row["label"].strip(),
            aliases=_split(row["aliases"]),
            acronyms=_split(row["acronyms"]),
            former=tuple(former),
            parent=row["parent"].strip(),
            hints=_split(row["hints"]),
        )
