"""Measure the tagger against a hand annotation of one edition: precision and recall per type.

The annotation (format: ``tests/data/annotations/README.md``) lists, per article, every mention
as ``[type, surface, canonical name]`` and the article's themes. Articles are matched by title,
so any render of the edition can be scored. Mentions are compared per article as multisets of
entity ids (surface and offsets may differ between renders); themes as sets per article.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.entity_types import IDS, MENTION_TYPES
from indexer.errors import BulletinsError
from indexer.extract import extract_pdf
from indexer.models import Article
from indexer.split import split_edition
from indexer.tagging.gazetteer import Gazetteer, UnknownEntityError, resolve_filter
from indexer.tagging.tagger import tag_article

# types scored per mention, then those scored per article (themes)
TYPES = (*MENTION_TYPES, *(t for t in IDS if t not in MENTION_TYPES))


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)  # "article: id" missed (false negatives)
    extras: list[str] = field(
        default_factory=list
    )  # "article: id" wrongly tagged (false positives)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    def add(self, article: str, gold: Counter[str], predicted: Counter[str]) -> None:
        self.gold += sum(gold.values())
        self.predicted += sum(predicted.values())
        self.correct += sum((gold & predicted).values())
        self.misses += [f"{article}: {k}" for k, n in (gold - predicted).items() for _ in range(n)]
        self.extras += [f"{article}: {k}" for k, n in (predicted - gold).items() for _ in range(n)]


@dataclass
class Evaluation:
    scores: dict[str, Score]
    warnings: list[str]

    def passes(self, min_precision: float, min_recall: float) -> bool:
        return all(
            s.precision >= min_precision and s.recall >= min_recall for s in self.scores.values()
        )

    def table(self) -> str:
        rows = [
            f"{'type':12} {'gold':>5} {'tagged':>7} {'correct':>8} {'precision':>10} {'recall':>7}"
        ]
        for type_, s in self.scores.items():
            counts = f"{type_:12} {s.gold:5} {s.predicted:7} {s.correct:8}"
            rows.append(f"{counts} {s.precision:10.3f} {s.recall:7.3f}")
        return "\n".join(rows)


def evaluate(pdf: Path, annotation: Path, gazetteer: Gazetteer) -> Evaluation:
    """Split and tag ``pdf``, then score the tags against ``annotation``.

    :raise BulletinsError: if either file cannot be read.
    """
    try:
        gold = tomllib.loads(annotation.read_text(encoding="utf-8"))["article"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise BulletinsError(f"cannot read the annotation {annotation}: {exc}") from exc
    articles = split_edition(extract_pdf(pdf), "evaluation").articles
    scores = {t: Score() for t in TYPES}
    warnings: list[str] = []
    for entry in gold:
        title = str(entry.get("title", ""))
        article = _find(articles, title)
        if article is None:
            warnings.append(
                f"no article titled {title!r} in {pdf.name}; its mentions count as missed"
            )
        tagged = tag_article(article.title, article.body, gazetteer) if article else None
        wanted = _gold_ids(entry, gazetteer, warnings)
        for type_ in TYPES:
            found: Counter[str] = Counter()
            if tagged is not None and type_ == "theme":
                found = Counter(id_ for id_, _ in tagged.entities.get("theme", []))
            elif tagged is not None:
                found = Counter(m.id for m in tagged.mentions if m.type == type_)
            scores[type_].add(title, wanted[type_], found)
    return Evaluation(scores, warnings)


def _norm(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def _find(articles: tuple[Article, ...], title: str) -> Article | None:
    wanted = _norm(title)
    for article in articles:
        have = _norm(article.title)
        if have == wanted or (wanted and (have.startswith(wanted) or wanted.startswith(have))):
            return article
    return None


def _gold_ids(
    entry: dict[str, Any], gazetteer: Gazetteer, warnings: list[str]
) -> dict[str, Counter[str]]:
    wanted: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    for type_, _surface, canonical in entry.get("mentions", []):
        wanted[type_][_resolve(gazetteer, type_, canonical, warnings)] += 1
    for theme in entry.get("themes", []):
        wanted["theme"][_resolve(gazetteer, "theme", theme, warnings)] = 1
    return wanted


def _resolve(gazetteer: Gazetteer, type_: str, name: str, warnings: list[str]) -> str:
    try:
        return resolve_filter(gazetteer, type_, name)
    except UnknownEntityError:
        warnings.append(f"annotation names a {type_} the gazetteer lacks: {name!r}")
        return f"unknown:{name}"
