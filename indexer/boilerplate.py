"""Boilerplate: paragraphs that recur, nearly word for word, across a publication's editions
(contact lists, disclaimers, mastheads that slipped through segmentation). Issue 18, part 3.

A paragraph is boilerplate when near-copies of it are found in at least ``min_editions``
distinct editions of one publication (copies within one edition count once). The index keeps
such paragraphs in an article's full text and leaves them out of ranking, snippets,
more-like-this and entity counts; docs/boilerplate.md says so for operators.

"Near-copy", precisely: both paragraphs have at least MIN_WORDS words once normalised
(:func:`normalize`: case folded, accents, punctuation and line-end hyphenation dropped, every
number or run of numbers, month and weekday one placeholder), and either their normalised
texts are equal, or the Jaccard similarity of their sets of word pairs (bigrams) is at least
THRESHOLD (:func:`similarity`). Copies are grouped transitively: a contact list that changes a
little from edition to edition stays one group.

Not every two paragraphs are compared (a publication may have a million). Equal normalised
texts are found by their digest. Otherwise each distinct normalised paragraph gets BANDS
MinHash keys of its word pairs, and only paragraphs that share a key (locality-sensitive
hashing) are compared, exactly: most pairs of copies near THRESHOLD are (see BANDS), all
pairs of closer copies. The hashes are keyed BLAKE2b, and which paragraphs are compared
depends on their texts only, so the result depends neither on Python's hash randomisation
nor on the order of the editions or of their articles.

Everything here is pure: strings in, frozen values out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from itertools import compress, pairwise, repeat
from math import isqrt
from operator import add, ne, or_

Span = tuple[int, int]

# A paragraph needs this many words (after normalisation; a run of numbers is one word) to be
# considered: shorter ones are headings, labels and sign-offs ("Contact details:", "Thank you
# for reading.") that recur by nature, and in so few words one changed word is a third of the
# text, too little to tell a copy from a coincidence.
MIN_WORDS = 8
# Jaccard similarity of two paragraphs' sets of word pairs at or above which they are copies.
# A paragraph of n words has n-1 pairs; one changed word costs two of them and brings two new
# ones, so a copy with one word changed scores (n-3)/(n+1): 0.56 at 8 words, more above. Two
# changed words are forgiven from 13 words on, a contact's changed name and e-mail address
# (two changed runs of two words) from 19. Different paragraphs on one subject (same names,
# same vocabulary) share few word pairs: well under 0.2.
THRESHOLD = 0.5
# Editions that must carry a copy. Not 2: a story reprinted once (the same piece in two
# editions, a correction, a "from our last issue") is content, not boilerplate. Three copies
# of the same paragraph in three editions is a pattern.
MIN_EDITIONS = 3
# Locality-sensitive hashing: two paragraphs are compared when they agree on one of BANDS
# bottom-2 MinHashes (see _Signer). Measured on the shipped bulletin's paragraphs, changed at
# random: 96 % of the pairs of copies at a similarity from THRESHOLD to 0.6 are compared,
# 99.6 % of those from 0.6 to 0.8, all above (of 20,000).
BANDS = 10
# Buckets (paragraphs agreeing on a band) larger than this are a common phrase, not copies:
# they are not compared (copies agree on other bands too). In a smaller bucket, paragraphs are
# compared with its first _EXEMPLARS distinct ones only (see _Scan._links).
_MAX_BUCKET = 1000
_EXEMPLARS = 12
_CACHED = 20_000  # word pair sets (and sketches) kept for comparisons
_HIGH = 1 << 32  # (a word pair as one int: the first word's number times this, plus the second's)
# Paragraphs in one bucket are compared exactly when their sketches (the _SKETCH smallest
# values of their sampled word pairs) estimate their similarity at _ALIKE or more. Measured as
# for BANDS, this loses 1 pair of copies in 6,500 near THRESHOLD, none above 0.6; it spares
# comparing paragraphs that only share a common phrase, most of a big corpus's buckets.
_SKETCH = 16
_ALIKE = 0.15

# --- paragraphs ---------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"(\n\s*\n)")  # a blank line (white space on it too)


def _paragraphs(body: str) -> Iterator[tuple[int, int, str]]:
    """Each paragraph of ``body``: its start, its end, its text."""
    offset = 0
    for index, piece in enumerate(_SEPARATOR.split(body)):
        text = piece.strip() if index % 2 == 0 else ""  # (odd pieces are separators)
        if text:
            start = offset if len(text) == len(piece) else offset + piece.index(text[0])
            yield start, start + len(text), text
        offset += len(piece)


def paragraph_spans(body: str) -> tuple[Span, ...]:
    """Where each paragraph of ``body`` is: (start, end) character offsets, end exclusive,
    white space at either end left out. Paragraphs are separated by a blank line (a line of
    nothing but white space); a single line break stays inside its paragraph."""
    return tuple((start, end) for start, end, _ in _paragraphs(body))


def strip(body: str, spans: Iterable[Span]) -> str:
    """``body`` without the paragraphs at ``spans`` (for ranking): the other paragraphs,
    joined by a blank line; ``body`` itself when ``spans`` is empty. Each span must be one of
    the body's :func:`paragraph_spans` (ValueError otherwise)."""
    dropped = set(spans)
    if not dropped:
        return body
    paragraphs = paragraph_spans(body)
    stray = dropped.difference(paragraphs)
    if stray:
        raise ValueError(f"not paragraphs of this body: {sorted(stray)}")
    return "\n\n".join(body[start:end] for start, end in paragraphs if (start, end) not in dropped)


def mask(body: str, spans: Iterable[Span]) -> str:
    """``body`` with the characters at ``spans`` replaced by spaces: as long as ``body``, so
    every other character keeps its offset (for snippets and highlighting). ValueError for a
    span that is not within ``body``."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if not 0 <= start <= end <= len(body):
            raise ValueError(f"span ({start}, {end}) is not within a body of {len(body)}")
        start = max(start, done)  # (spans may overlap)
        if end > start:
            pieces += (body[done:start], " " * (end - start))
            done = end
    pieces.append(body[done:])
    return "".join(pieces)


# --- normalisation ------------------------------------------------------------------------------

# Typography beyond ASCII that NFKD leaves as punctuation (dashes, quotes, bullets, ellipsis,
# primes, pound and euro): a word break (NUL, no white space), as ASCII punctuation is; text
# with nothing else beyond ASCII but no-break spaces takes the short way.
_TYPOGRAPHY = re.compile("[\u2013-\u2016\u2018-\u2022\u2026\u2032\u2033\u00a3\u20ac]")
# What NFKD leaves of accents, and zero-width characters: dropped.
_MARKS = re.compile("[\u0300-\u036f\u200b-\u200d\u2060\ufeff]")
# A hyphen (or a soft hyphen) between letters, white space after it or not: a word broken at a
# line's end ("infor-\nmation", "infor- mation") or hyphenated ("e-mail"): joined either way.
_BROKEN = re.compile(r"[-\u00ad](?<=[^\W\d_][-\u00ad])\s*(?=[^\W\d_])")
_NOT_WORD = re.compile(r"[^\x00-\x7f\w]+")  # (beyond ASCII; ASCII's are _TABLE's)
# Bytes: those of characters beyond ASCII (letters: only they are left) kept, ASCII letters
# lower-cased, digits "0", every other ASCII character a space.
_TABLE = bytes(
    c if c >= 0x80 else c | 0x20 if chr(c).isalpha() else 0x30 if chr(c).isdigit() else 0x20
    for c in range(256)
)
_DATE_WORDS = frozenset(
    b"january february march april may june july august september october november december "
    b"jan feb mar apr jun jul aug sep sept oct nov dec "
    b"monday tuesday wednesday thursday friday saturday sunday".split()
)
_NUMBER_ENDS = frozenset((b"", b"st", b"nd", b"rd", b"th", b"am", b"pm"))  # 1st, 22nd, 9am
# A run of such words among words separated by spaces (starting with "0": found quickly).
_NUMBERS = re.compile(rb"0(?<![^ ]0)0*(?:st|nd|rd|th|am|pm)?(?: 0+(?:st|nd|rd|th|am|pm)?)*(?![^ ])")


def _words(paragraph: str) -> tuple[bytes, list[bytes]]:
    """The paragraph normalised (see :func:`normalize`), as UTF-8, and its words."""
    text = paragraph
    if not text.isascii():
        text = _TYPOGRAPHY.sub("\x00", text.replace("\u00a0", " "))
    if text.isascii():
        text = text.lower()
        if "-" in text:
            text = _BROKEN.sub("", text)
    else:
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text).casefold())
        text = _BROKEN.sub("", text.replace("\u2010", "-")).replace("\u00ad", "")
        text = _NOT_WORD.sub(" ", text)
    data = text.encode().translate(_TABLE)
    words = data.split()
    if not _DATE_WORDS.isdisjoint(words):
        words = _as_numbers(words)
    elif b"0" in data:  # (the same, quicker)
        joined = _NUMBERS.sub(b"0", b" ".join(words))
        return joined, joined.split()
    return b" ".join(words), words


def _as_numbers(words: list[bytes]) -> list[bytes]:
    """``words`` with each run of numbers (digits all "0" by now), ordinals, times, months
    and weekdays one "0"."""
    out: list[bytes] = []
    for word in words:
        if word in _DATE_WORDS or (word[:1] == b"0" and word.lstrip(b"0") in _NUMBER_ENDS):
            if out and out[-1] == b"0":
                continue
            word = b"0"
        out.append(word)
    return out


def normalize(paragraph: str) -> str:
    """A paragraph's words as boilerplate detection compares them: case folded, accents
    dropped, a word hyphenated or broken at a line's end joined ("infor-\\nmation" and
    "e-mail" become "information" and "email"), punctuation a word break, and each number or
    run of numbers (the digit groups of a phone number, a date), ordinal, month and weekday
    one placeholder, "0"; the words separated by single spaces.

    >>> normalize("Call 01632 960 481 (Tuesday 4th March) or e-mail Jo.")
    'call 0 or email jo'
    """
    return _words(paragraph)[0].decode()


def _pairs(words: Sequence[bytes]) -> set[tuple[bytes, bytes]]:
    return set(pairwise(words))


def _jaccard(a: AbstractSet[Hashable], b: AbstractSet[Hashable]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similarity(a: str, b: str) -> float:
    """How alike two paragraphs are, from 0 to 1: the Jaccard similarity of the sets of word
    pairs of their normalised texts (1.0 when those are equal). Paragraphs at THRESHOLD or
    above are copies, when both have MIN_WORDS words."""
    (joined_a, words_a), (joined_b, words_b) = _words(a), _words(b)
    if joined_a == joined_b:
        return 1.0
    return _jaccard(_pairs(words_a), _pairs(words_b))


# --- MinHash and bands --------------------------------------------------------------------------

# Function words (and the number placeholder). Pairs of two of them are what unrelated
# paragraphs share most ("of the", "to 0"): MinHash leaves them out when a paragraph has
# _ENOUGH other word pairs. This English list decides which paragraphs are compared (and so
# how fast), never whether two paragraphs compared are copies.
_FUNCTION_WORDS = frozenset(
    b"0 a about after all also an and any are as at be been before but by can could did do "
    b"does for from had has have he her his i if in into is it its may more most no not of on "
    b"one or other our out over she so some such than that the their them then there these "
    b"they this those to under up upon us very was we were what when where which while who "
    b"will with would you your".split()
)
_ENOUGH = 2
_HASH_BITS = 27
_SPAN = 1 << (_HASH_BITS + 1)  # word pairs' values, less their function words' part, are below
_LOW = _SPAN - 1
_BOTH_FUNCTION_WORDS = 2 * _SPAN  # (word pairs' values from here on)
_SHIFT = 1 << 30  # (band keys: two values side by side)


class _Hashes(dict[bytes, int]):
    """Each word's hash (keyed BLAKE2b, 27 bits), computed once, and _SPAN more for a function
    word. A word pair's value is the sum of its words': a small int (fast), 2 * _SPAN or more
    when both are function words."""

    def __missing__(self, word: bytes) -> int:
        digest = hashlib.blake2b(word, digest_size=4, salt=b"boilerplate").digest()
        value = int.from_bytes(digest, "little") >> (32 - _HASH_BITS)
        value = self[word] = value + _SPAN if word in _FUNCTION_WORDS else value
        return value


def _inverse_triangular(numerator: int, denominator: int) -> int:
    """Where the sum of two uniform _HASH_BITS-bit hashes has that share of its values below."""
    half = 1 << _HASH_BITS
    if 2 * numerator <= denominator:
        return isqrt(2 * numerator * half * half // denominator)
    return 2 * half - isqrt(2 * (denominator - numerator) * half * half // denominator)


# Where each band's range of values starts; each range is as likely as the others to hold a
# word pair's value (the sum of two uniform hashes, which is not uniform).
_BOUNDS = tuple(_inverse_triangular(band, BANDS) for band in range(BANDS))
_NEXT = (1).__add__


class _Signer:
    """The band keys of paragraphs' MinHash signatures: for each band, the two smallest
    values of the sampled word pairs from where the band's range starts (wrapping round past
    the largest). Each is a bottom-2 MinHash of its own (one hash, started at a different
    place): two paragraphs agree on it as often as both pairs are among those they share."""

    def __init__(self) -> None:
        self._hashes = _Hashes()

    def sign(self, words: Sequence[bytes]) -> tuple[list[int], list[int]]:
        """The band keys, and a sketch: the _SKETCH smallest sampled values."""
        hashes = list(map(self._hashes.__getitem__, words))
        values = map(add, hashes[:-1], hashes[1:])
        sampled = sorted(set(map(_LOW.__and__, filter(_BOTH_FUNCTION_WORDS.__gt__, values))))
        if len(sampled) < _ENOUGH:
            sampled = sorted(set(map(_LOW.__and__, map(add, hashes[:-1], hashes[1:]))))
        sketch = sampled[:_SKETCH]
        sampled += (sampled[0] + _SPAN, sampled[-1 if len(sampled) < 2 else 1] + 2 * _SPAN)
        starts = list(map(bisect_left, repeat(sampled), _BOUNDS))
        firsts = map(_SHIFT.__mul__, map(sampled.__getitem__, starts))
        return list(map(add, firsts, map(sampled.__getitem__, map(_NEXT, starts)))), sketch

    def keys(self, words: Sequence[bytes]) -> list[int]:
        return self.sign(words)[0]


def _alike(a: frozenset[int], b: frozenset[int]) -> bool:
    """Whether two paragraphs' sketches (bottom-_SKETCH MinHashes) estimate their similarity
    at _ALIKE or more: worth comparing them exactly."""
    both = a & b
    # (the values of the union's smallest that are in both are at most all of both: most
    # pairs are told apart without sorting the union)
    if len(both) < _ALIKE * min(_SKETCH, len(a) + len(b) - len(both)):
        return False
    union = sorted(a | b)[:_SKETCH]
    return sum(map(both.__contains__, union)) >= _ALIKE * len(union)


def _digest(joined: bytes) -> bytes:
    return hashlib.blake2b(joined, digest_size=16).digest()


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoilerplateGroup:
    """One recurring paragraph: a copy of it as printed (the commonest), the editions that
    carry a copy, and the distinct normalised forms (:func:`normalize`) its copies take."""

    text: str
    editions: tuple[str, ...]  # ids, sorted
    variants: tuple[str, ...]  # sorted

    @property
    def edition_count(self) -> int:
        return len(self.editions)


@dataclass(frozen=True)
class _Lookup:
    """The groups' variants, to find copies of them in any body."""

    exact: dict[bytes, int]  # normalised text -> group
    bands: dict[tuple[int, int], list[int]]  # (band, key) -> members
    members: list[tuple[int, set[tuple[bytes, bytes]]]]  # (group, word pairs)
    signer: _Signer


@dataclass(frozen=True)
class Boilerplate:
    """The boilerplate of one publication: its recurring paragraphs, most widespread first.
    Made by :func:`find_boilerplate`; equal to another when their groups are equal."""

    groups: tuple[BoilerplateGroup, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def match(self, paragraph: str) -> BoilerplateGroup | None:
        """The group ``paragraph`` is a copy of (the nearest, when several), else None."""
        if not self.groups:
            return None
        joined, words = _words(paragraph)
        if len(words) < MIN_WORDS:
            return None
        lookup = self._lookup
        if joined in lookup.exact:
            return self.groups[lookup.exact[joined]]
        keys = enumerate(lookup.signer.keys(words))
        candidates = sorted({member for key in keys for member in lookup.bands.get(key, ())})
        pairs = _pairs(words)
        scored = [(_jaccard(pairs, lookup.members[m][1]), -m) for m in candidates]
        score, member = max(scored, default=(0.0, 0))
        return self.groups[lookup.members[-member][0]] if score >= THRESHOLD else None

    def spans(self, body: str) -> tuple[Span, ...]:
        """Where the boilerplate paragraphs of ``body`` are, as :func:`paragraph_spans` gives
        them: of any body, also of an edition the groups were not found in."""
        if not self.groups:
            return ()
        return tuple(
            (start, end) for start, end, text in _paragraphs(body) if self.match(text) is not None
        )

    @cached_property
    def _lookup(self) -> _Lookup:
        lookup = _Lookup({}, {}, [], _Signer())
        for group, found in enumerate(self.groups):
            for variant in found.variants:
                joined = variant.encode()
                lookup.exact.setdefault(joined, group)
                words = joined.split()
                if len(words) < MIN_WORDS:
                    continue
                for key in enumerate(lookup.signer.keys(words)):
                    lookup.bands.setdefault(key, []).append(len(lookup.members))
                lookup.members.append((group, _pairs(words)))
        return lookup


# --- finding it ---------------------------------------------------------------------------------


def find_boilerplate(
    editions: Mapping[str, Sequence[str]], *, min_editions: int = MIN_EDITIONS
) -> Boilerplate:
    """The paragraphs of ``editions`` (edition id -> the bodies of its articles, all of one
    publication) that recur, nearly word for word, in at least ``min_editions`` editions.

    Every paragraph counts, a whole body too (a contact box is often an article of its own).
    """
    if min_editions < 2:
        raise ValueError(f"min_editions must be at least 2, not {min_editions}")
    scan = _Scan(editions)
    counts = scan.edition_count
    components = [
        items
        for items in scan.components(min_editions)
        if sum(counts[item] for item in items) >= min_editions  # (at least its editions)
    ]
    found = [group for group in scan.groups(components) if group.edition_count >= min_editions]
    found.sort(key=lambda group: (-group.edition_count, group.text, group.variants))
    return Boilerplate(tuple(found))


class _Scan:
    """One pass over the paragraphs. Each distinct normalised paragraph of MIN_WORDS words or
    more is an item (known by its digest) with its band keys; each paragraph is an occurrence
    of its item."""

    def __init__(self, editions: Mapping[str, Sequence[str]]) -> None:
        self.edition_ids = sorted(editions)
        self.bodies = [editions[edition_id] for edition_id in self.edition_ids]
        self.items: dict[bytes, int] = {}
        self.digests: list[bytes] = []
        self.keys = array("Q")  # BANDS for each item
        self.sketches = array("I")  # each item's, one after the other,
        self.sketch_ends = array("q", [0])  # ending here
        self.first = array("q")  # each item's first occurrence
        self.last_edition = array("q")  # the last edition an item was seen in, and
        self.edition_count = array("q")  # how many it was seen in
        self.occurrences = array("q")  # item, edition, body, start, end; for each
        self.signer = _Signer()
        # for comparing items: their word pairs, each word known by a number (a pair by one
        # int: sets of them are compared faster than sets of pairs of words), and sketches
        self._word_ids: dict[bytes, int] = {}
        self._pairs: dict[int, set[int]] = {}
        self._sketches: dict[int, frozenset[int]] = {}
        for edition, bodies in enumerate(self.bodies):
            for number, body in enumerate(bodies):
                for start, end, text in _paragraphs(body):
                    self._add(edition, number, start, end, text)

    def _add(self, edition: int, number: int, start: int, end: int, text: str) -> None:
        joined, words = _words(text)
        if len(words) < MIN_WORDS:
            return
        digest = _digest(joined)
        item = self.items.get(digest)
        if item is None:
            item = self.items[digest] = len(self.items)
            self.digests.append(digest)
            keys, sketch = self.signer.sign(words)
            self.keys.extend(keys)
            self.sketches.extend(sketch)
            self.sketch_ends.append(len(self.sketches))
            self.first.append(len(self.occurrences) // 5)
            self.last_edition.append(edition)
            self.edition_count.append(1)
        elif self.last_edition[item] != edition:
            self.last_edition[item] = edition
            self.edition_count[item] += 1
        self.occurrences.extend((item, edition, number, start, end))

    def _text(self, occurrence: int) -> str:
        _, edition, number, start, end = self.occurrences[5 * occurrence : 5 * occurrence + 5]
        return self.bodies[edition][number][start:end]

    def _pairs_of(self, item: int) -> set[int]:
        pairs = self._pairs.get(item)
        if pairs is None:
            ids = self._word_ids
            numbers = [
                ids.setdefault(word, len(ids)) for word in _words(self._text(self.first[item]))[1]
            ]
            pairs = self._pairs[item] = set(map(or_, map(_HIGH.__mul__, numbers[:-1]), numbers[1:]))
        return pairs

    def _buckets(self) -> Iterator[list[int]]:
        """The items that agree on a band, band after band (two or more, _MAX_BUCKET at most),
        in the order of their digests."""
        count = len(self.items)
        for band in range(BANDS):
            column = self.keys[band::BANDS]
            last = dict(zip(column, range(count), strict=True))  # each key's last item
            if len(last) == count:
                continue
            buckets: dict[int, list[int]] = {}
            others = map(ne, map(last.__getitem__, column), range(count))
            for item in compress(range(count), others):
                buckets.setdefault(column[item], []).append(item)
            for key, items in buckets.items():
                if len(items) < _MAX_BUCKET:
                    yield sorted((*items, last[key]), key=self.digests.__getitem__)

    def _sketch(self, item: int) -> frozenset[int]:
        sketch = self._sketches.get(item)
        if sketch is None:
            ends = self.sketch_ends
            sketch = self._sketches[item] = frozenset(self.sketches[ends[item] : ends[item + 1]])
        return sketch

    def _copies(self, a: int, b: int) -> bool:
        if not _alike(self._sketch(a), self._sketch(b)):
            return False
        pairs_a, pairs_b = self._pairs_of(a), self._pairs_of(b)
        small, large = sorted((len(pairs_a), len(pairs_b)))
        return small >= THRESHOLD * large and _jaccard(pairs_a, pairs_b) >= THRESHOLD

    def _links(self) -> Iterator[tuple[int, int]]:
        """Pairs of items that are copies. In each bucket, each item is compared with the first
        _EXEMPLARS items that were copies of none before them: all of them in a bucket of
        copies, and at most that many comparisons an item in a bucket of paragraphs sharing
        a common phrase. (Which pairs are compared depends only on the buckets.)"""
        for bucket in self._buckets():
            exemplars: list[int] = []
            for item in bucket:
                copied = [exemplar for exemplar in exemplars if self._copies(item, exemplar)]
                yield from ((exemplar, item) for exemplar in copied)
                if not copied and len(exemplars) < _EXEMPLARS:
                    exemplars.append(item)
            if len(self._pairs) > _CACHED:
                self._pairs.clear()
            if len(self._sketches) > _CACHED:
                self._sketches.clear()

    def components(self, min_editions: int) -> Iterator[list[int]]:
        """The items, grouped: two items are in one group when they are copies, directly or
        through others. (Items alone in their group only when in ``min_editions``.)"""
        parent: dict[int, int] = {}

        def root(item: int) -> int:
            while (up := parent.get(item, item)) != item:
                parent[item] = parent.get(up, up)  # (path halving)
                item = up
            return item

        for a, b in self._links():
            root_a, root_b = root(a), root(b)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
        groups: dict[int, list[int]] = {}
        for item in sorted(parent):
            groups.setdefault(root(item), [root(item)]).append(item)
        yield from groups.values()
        grouped = {item for items in groups.values() for item in items}
        counts = map(min_editions.__le__, self.edition_count)
        alone = compress(range(len(self.items)), counts)
        yield from ([item] for item in alone if item not in grouped)

    def groups(self, components: list[list[int]]) -> Iterator[BoilerplateGroup]:
        """Groups of items as the result gives them: their editions, their commonest text as
        printed, their variants."""
        wanted = {item for items in components for item in items}
        where: dict[int, list[int]] = {item: [] for item in wanted}
        for occurrence, item in enumerate(self.occurrences[0::5]):
            if item in wanted:
                where[item].append(occurrence)
        for items in components:
            found = [occurrence for item in items for occurrence in where[item]]
            editions = {self.edition_ids[self.occurrences[5 * i + 1]] for i in found}
            texts = Counter(self._text(i) for i in found)
            text = min(texts, key=lambda t: (-texts[t], t))
            variants = sorted({normalize(self._text(self.first[item])) for item in items})
            yield BoilerplateGroup(text, tuple(sorted(editions)), tuple(variants))
