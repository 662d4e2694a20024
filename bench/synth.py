"""A deterministic synthetic archive: realistic text, headings and entity mentions, seeded.

The words come from a bigram model of the shipped edition's manuscript (so sentences read like
the bulletin's), with a long tail of rarer words drawn from a Zipf distribution (a real archive
of many publications has a vocabulary far larger than one edition's). Entity mentions are
the gazetteer's own names, placed in sentences the way articles name agencies, places,
operations, themes, programmes and laws, with a skewed popularity so that facets look like a
real archive's: a few values everywhere, a long tail of rare ones.

Everything is a pure function of the seed: the same seed gives the same archive on every run.
"""

from __future__ import annotations

import csv
import itertools
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from indexer.models import Article, Edition

ROOT = Path(__file__).resolve().parent.parent
MANUSCRIPT = ROOT / "corpus" / "manuscripts" / "soc-local-partnerships-bulletin-07.md"
GAZETTEER = ROOT / "indexer" / "tagging" / "gazetteer"

PUBLICATIONS = (
    "SOC Local Partnerships Bulletin",
    "Regional Organised Crime Review",
    "Community Safety Partnership News",
    "Economic Crime Update",
    "Safeguarding Practitioners' Digest",
    "Modern Slavery Partnership Newsletter",
    "Cyber Resilience Briefing",
    "Border and Ports Intelligence Bulletin",
)
SECTIONS = (
    "FROM THE CENTRE",
    "WHAT'S NEW",
    "PARTNERSHIPS IN ACTION",
    "MEET THE...",
    "REGIONAL ROUND-UP",
    "PREVENTION",
    "INTERNATIONAL",
    "RESEARCH AND EVIDENCE",
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)?%?|[.,;:]")
_SENTENCE_END = "."
_SYLLABLES = tuple(a + b for a in "bcdfghklmnprstvwz" for b in "aeiou")  # open syllables


@dataclass(frozen=True)
class Name:
    """One entity as the synthetic text may name it."""

    type: str
    label: str
    variants: tuple[str, ...]


class TextModel:
    """Sentences in the bulletin's style, from a seeded random source."""

    def __init__(self, manuscript: Path = MANUSCRIPT, gazetteer: Path = GAZETTEER) -> None:
        # One bigram table per paragraph of the source: an article draws on a few of them, so
        # its words are topical (a word common in one article is absent from most others).
        self._paragraphs = [_TOKEN.findall(p) for p in _prose(manuscript.read_text("utf-8"))]
        self._paragraphs = [p for p in self._paragraphs if len(p) > 30]
        self._names = _names(gazetteer)
        self._chain: dict[str, list[str]] = {}
        self._starts: list[str] = []

    def topic(self, rng: random.Random, paragraphs: int = 4) -> TextModel:
        """This model narrowed to a few source paragraphs (and an article's own entities)."""
        narrowed = TextModel.__new__(TextModel)
        narrowed._paragraphs = self._paragraphs
        narrowed._names = {
            t: names[: max(1, len(names) // 8)] if t != "theme" else names
            for t, names in self._names.items()
        }
        # the article's own few entities come first, and most mentions name them
        for type_, names in self._names.items():
            chosen = [names[_zipf(rng, len(names), 1.1)] for _ in range(3)]
            narrowed._names[type_] = chosen + narrowed._names[type_]
        chain: dict[str, list[str]] = {}
        starts: list[str] = []
        for tokens in rng.sample(self._paragraphs, min(paragraphs, len(self._paragraphs))):
            for left, right in itertools.pairwise(tokens):
                chain.setdefault(left, []).append(right)
                if left == _SENTENCE_END and right[:1].isupper():
                    starts.append(right)
            starts.append(tokens[0])
        narrowed._chain, narrowed._starts = chain, starts
        narrowed.__dict__["rare_words"] = self.rare_words
        return narrowed

    @cached_property
    def rare_words(self) -> list[str]:
        """A fixed vocabulary of rarer words (place names, surnames, jargon), most common first."""
        rng = random.Random(7)
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < 60_000:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                out.append(word)
        return out

    def names(self, type_: str) -> list[Name]:
        return self._names.get(type_, [])

    def sentence(self, rng: random.Random, rare_share: float = 0.04) -> str:
        """One sentence of 8 to 40 words."""
        word = rng.choice(self._starts)
        out = [word]
        while len(out) < 40:
            choices = self._chain.get(word)
            if not choices:
                break
            word = rng.choice(choices)
            if word == _SENTENCE_END:
                if len(out) >= 8:
                    break
                continue
            if word.islower() and len(word) > 4 and rng.random() < rare_share:
                out.append(self.rare_words[_zipf(rng, len(self.rare_words))])
            else:
                out.append(word)
        return _join(out) + "."

    def mention(self, rng: random.Random, type_: str) -> str:
        """A name of an entity of ``type_``, popular ones far more often than the rest."""
        names = self.names(type_)
        name = names[rng.randrange(3)] if rng.random() < 0.7 else names[_zipf(rng, len(names))]
        return rng.choice(name.variants)

    def entity_sentence(self, rng: random.Random) -> str:
        """A sentence naming two to four entities, as partnership articles do."""
        agency, other = self.mention(rng, "agency"), self.mention(rng, "agency")
        place, theme = self.mention(rng, "place"), self.mention(rng, "theme")
        templates = (
            f"{agency} worked with {other} in {place} to tackle {theme}.",
            f"Officers from {agency} shared what they had learnt about {theme} with partners "
            f"across {place}.",
            f"In {place}, {agency} and {other} set up a joint team focused on {theme}.",
            f"{self.mention(rng, 'operation')}, led by {agency}, targeted {theme} in {place}.",
            f"The work in {place} was funded through the {self.mention(rng, 'programme')}.",
            f"{agency} used powers under the {self.mention(rng, 'legislation')} against {theme}.",
        )
        return rng.choice(templates)

    def paragraph(self, rng: random.Random, words: int) -> str:
        sentences: list[str] = []
        count = 0
        while count < words:
            sentence = self.entity_sentence(rng) if rng.random() < 0.1 else self.sentence(rng)
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)

    def heading(self, rng: random.Random) -> str:
        """A short title: an entity and a topic, or a few of the text's words."""
        if rng.random() < 0.5:
            theme = self.mention(rng, "theme")
            where = self.mention(rng, rng.choice(("place", "agency", "operation")))
            return rng.choice((f"{where}: {theme}", f"Tackling {theme} in {where}"))[:90]
        words = [w for w in self.sentence(rng, 0.0).rstrip(".").split() if w[:1].isalpha()]
        start = rng.randrange(max(1, len(words) - 4))
        title = " ".join(words[start : start + rng.randint(2, 6)])
        return title[:1].upper() + title[1:]

    def body(self, rng: random.Random, words: int) -> list[str]:
        """Paragraphs adding up to about ``words`` words."""
        paragraphs: list[str] = []
        left = words
        while left > 0:
            size = min(left, rng.randint(40, 140))
            paragraphs.append(self.paragraph(rng, size))
            left -= size
        return paragraphs


def article_words(rng: random.Random) -> int:
    """An article's length: mostly 150 to 500 words, sometimes much longer."""
    return int(min(1500, max(60, rng.lognormvariate(5.6, 0.5))))


# -- article records (for the index and search benchmarks) ------------------------------------


def editions_for(count: int, seed: int) -> Iterator[tuple[Edition, list[Article]]]:
    """Editions with their articles, adding up to ``count`` articles: several publications,
    monthly, over many years."""
    model = TextModel()
    rng = random.Random(seed)
    made = 0
    number = 0
    while made < count:
        number += 1
        for p, publication in enumerate(PUBLICATIONS):
            if made >= count:
                break
            months = number - 1 + p * 7
            date = f"{1990 + months // 12:04d}-{months % 12 + 1:02d}"
            slug = re.sub(r"[^a-z0-9]+", "-", publication.lower()).strip("-")
            edition_id = f"{slug}-{number:04d}"
            edition = Edition(
                id=edition_id,
                title=publication,
                number=number,
                date=date,
                publisher="Synthetic Publishing Office",
                file=f"{edition_id}.pdf",
                source=f"synthetic/{edition_id}.pdf",
            )
            articles = []
            page = 1
            for ordinal in range(1, min(count - made, rng.randint(14, 36)) + 1):
                words = article_words(rng)
                topic = model.topic(rng)
                pages = (page,) if words < 500 else (page, page + 1)
                page = pages[-1] + rng.choice((0, 1, 1))
                articles.append(
                    Article(
                        id=f"{edition_id}#{ordinal}",
                        edition_id=edition_id,
                        ordinal=ordinal,
                        title=topic.heading(rng),
                        title_from="heading",
                        section=rng.choice(SECTIONS) if rng.random() < 0.8 else None,
                        pages=pages,
                        body="\n\n".join(topic.body(rng, words)),
                    )
                )
            made += len(articles)
            yield edition, articles


# -- manuscripts (rendered to PDF for the ingest benchmark) -----------------------------------


def manuscript(model: TextModel, rng: random.Random, number: int, pages: int = 12) -> str:
    """A bulletin manuscript of ``pages`` pages (see tools/manuscript.py for the format)."""
    out = [
        "@masthead SYNTHETIC PARTNERSHIPS BULLETIN",
        "@tagline Working together to tackle serious and organised crime",
        f"# Welcome to edition {number}",
        *model.topic(rng).body(rng, rng.randint(150, 260)),
    ]
    for _ in range(2, pages + 1):
        out.append("@page")
        if rng.random() < 0.5:
            out.append(f"@banner {rng.choice(SECTIONS)}")
        budget = rng.randint(260, 400)
        while budget > 80:
            words = min(budget, rng.randint(120, 260))
            topic = model.topic(rng)
            out.append(f"# {topic.heading(rng)}")
            paragraphs = topic.body(rng, words)
            if rng.random() < 0.15:
                items = [topic.sentence(rng)[:90] for _ in range(rng.randint(2, 4))]
                paragraphs.insert(1, "\n".join(f"- {item}" for item in items))
            out.extend(paragraphs)
            budget -= words + 20
    return "\n\n".join(out) + "\n"


# -- helpers -----------------------------------------------------------------------------------


def _prose(manuscript: str) -> list[str]:
    """The manuscript's paragraphs, without directives, titles, links or e-mail addresses."""
    keep: list[str] = []
    for block in manuscript.split("\n\n"):
        block = block.strip()
        if not block or block.startswith(("@", "#", "- ")) or "@" in block:
            continue
        keep.append(re.sub(r"\[([^\]]*)\]\([^)]*\)|<[^>]+>|\*\*", r"\1", block))
    return keep


def _names(directory: Path) -> dict[str, list[Name]]:
    """The gazetteer's entities by type, shuffled once (seeded) into a popularity order."""
    out: dict[str, list[Name]] = {}
    for path in sorted(directory.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                aliases = [a for a in (row.get("aliases") or "").split("|") if a]
                if row["type"] == "theme":  # themes are named by their phrases, in lower case
                    variants = tuple(a for a in aliases if a.islower()) or (row["label"].lower(),)
                else:
                    variants = (row["label"], *aliases[:2])
                out.setdefault(row["type"], []).append(Name(row["type"], row["label"], variants))
    rng = random.Random(11)
    for names in out.values():
        names.sort(key=lambda n: n.label)
        rng.shuffle(names)
    return out


def _zipf(rng: random.Random, n: int, s: float = 1.0) -> int:
    """An index in [0, n), index i with probability proportional to 1/(i+1)^s (approximately)."""
    if s == 1.0:
        return min(n - 1, int((n + 1) ** rng.random()) - 1)
    u = rng.random()
    x = ((n ** (1 - s) - 1) * u + 1) ** (1 / (1 - s))
    return min(n - 1, max(0, int(x) - 1))


def _join(tokens: list[str]) -> str:
    out = ""
    for token in tokens:
        out += token if token in ",;:" or not out else " " + token
    return out
