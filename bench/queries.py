"""The mixed query set: terms, phrases, boolean queries, filtered queries and filters alone.

Drawn (seeded) from the synthetic text's words and the index's own facet values, so the same
seed and index give the same queries. Each query is written for both engines: Whoosh's syntax
(as a user types it into Bulletin Archive) and SQLite FTS5's.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field

from bench.synth import MANUSCRIPT, _prose
from indexer.index import ArticleIndex

KINDS = ("term", "phrase", "boolean", "filtered", "filters only", "question")
# Questions of 8 to 12 words as practitioners type them: function words, a name or two.
_QUESTIONS = (
    "what has been done about {a} and {b} in {place}?",
    "how do partners in {place} deal with {a} when {b} is involved",
    "who should I contact about {a} or {b} in the {place} area?",
    "is there any guidance on {a} for {b} and {c}",
    "what are the police doing about {a} {b} near {place}",
    "where can I find out more about {a} and {b}?",
)


@dataclass(frozen=True)
class Query:
    kind: str
    text: str  # as typed into the search box
    fts: str  # the same for SQLite FTS5 ("" when only filters)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        shown = self.text or "(no words)"
        if self.filters:
            shown += " " + " ".join(f"{t}={','.join(v)}" for t, v in self.filters.items())
        return shown


def query_mix(index: ArticleIndex, count: int, seed: int) -> list[Query]:
    """``count`` queries, as many of each kind, in a shuffled (seeded) order."""
    rng = random.Random(seed)
    words = _words()
    values = {
        t: sorted(index.values(t)) for t in ("theme", "region", "agency", "operation", "year")
    }
    values = {t: v for t, v in values.items() if v}
    phrases = [label.lower() for label in index.values("theme").values() if " " in label]
    phrases += [p for p in _bigrams() if len(phrases) < 60]
    places = sorted(index.values("region").values()) or ["Wales"]
    out: list[Query] = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "term":
            word = rng.choice(words)
            out.append(Query(kind, word, word))
        elif kind == "phrase":
            phrase = rng.choice(phrases)
            out.append(Query(kind, f'"{phrase}"', f'"{phrase}"'))
        elif kind == "boolean":
            a, b = rng.sample(words, 2)
            op = rng.choice(("AND", "OR", "NOT"))
            out.append(Query(kind, f"{a} {op} {b}", f"{a} {op} {b}"))
        elif kind == "filtered":
            word = rng.choice(words)
            type_ = rng.choice(sorted(values))
            out.append(Query(kind, word, word, {type_: [rng.choice(values[type_])]}))
        elif kind == "question":
            a, b, c = rng.sample(words, 3)
            place = rng.choice(places)
            text = rng.choice(_QUESTIONS).format(a=a, b=b, c=c, place=place)
            out.append(Query(kind, text, " OR ".join(re.findall(r"\w{4,}", text))))
        else:
            type_ = rng.choice(sorted(values))
            out.append(Query(kind, "", "", {type_: [rng.choice(values[type_])]}))
    rng.shuffle(out)
    return out


def _words() -> list[str]:
    """Content words of the source text (the synthetic archive's common vocabulary)."""
    text = " ".join(_prose(MANUSCRIPT.read_text(encoding="utf-8")))
    found = {w.lower() for w in re.findall(r"[A-Za-z]{5,}", text)}
    return sorted(found - _COMMON)


def _bigrams() -> list[str]:
    text = " ".join(_prose(MANUSCRIPT.read_text(encoding="utf-8"))).lower()
    tokens = re.findall(r"[a-z]{4,}", text)
    return sorted({f"{a} {b}" for a, b in itertools.pairwise(tokens)})[::37]


_COMMON = {"their", "there", "which", "these", "those", "where", "would", "could", "about"}
