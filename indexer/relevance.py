"""Measure ranking against a relevance set: for each question, the rank of the one article that
must be in its top 3.

The set (``tests/data/relevance.toml``) has ``[[query]]`` tables (keyword searches, each added
when a ranking bug was fixed) and ``[[question]]`` tables (natural-language questions written
from the text, each with a ``style``: "quotes" reuses the article's wording, "paraphrase" says
it in other words, "typed" is typed as hurried people type). Each names the article by a prefix
of its title (``expect``).

Reported per group: how many have their article in the top 3 ("in top 3"), precision at 3 (the
right articles among the first three results, over three: with one right article per question
it is a third of "in top 3" at most), the mean reciprocal rank over the first ten results
(MRR; a miss counts 0), and how many found nothing at all.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import BulletinsError

DEPTH = 10  # results looked at for the reciprocal rank
GROUPS = {"query": "queries", "question": "questions"}  # table name → heading


class RelevanceSetError(BulletinsError):
    """The relevance set cannot be read."""


@dataclass(frozen=True)
class Case:
    q: str
    expect: str  # a prefix of the right article's title
    kind: str  # "query" or "question"
    style: str = ""  # for a question: quotes, paraphrase or typed


@dataclass(frozen=True)
class Outcome:
    case: Case
    titles: tuple[str, ...]  # the first DEPTH results' titles
    total: int  # how many articles the search matched

    @property
    def rank(self) -> int | None:
        """The right article's rank (1 is first) within the first DEPTH, else None."""
        for i, title in enumerate(self.titles, 1):
            if title.startswith(self.case.expect):
                return i
        return None


def load_cases(path: Path) -> list[Case]:
    """The cases of a relevance set file.

    :raise RelevanceSetError: if the file is missing or malformed.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RelevanceSetError(f"cannot read the relevance set {path}: {exc}") from exc
    cases = []
    for kind in GROUPS:
        for i, table in enumerate(data.get(kind, []), 1):
            if not isinstance(table.get("q"), str) or not isinstance(table.get("expect"), str):
                raise RelevanceSetError(f"{path}: [[{kind}]] number {i} needs q and expect")
            cases.append(Case(table["q"], table["expect"], kind, str(table.get("style", ""))))
    if not cases:
        raise RelevanceSetError(f"{path} has no [[query]] or [[question]] tables")
    return cases


def measure(
    cases: Sequence[Case], search: Callable[[str, int], tuple[list[str], int]]
) -> list[Outcome]:
    """Run every case: ``search(q, n)`` gives the first ``n`` titles and the total matched."""
    outcomes = []
    for case in cases:
        titles, total = search(case.q, DEPTH)
        outcomes.append(Outcome(case, tuple(titles[:DEPTH]), total))
    return outcomes


@dataclass(frozen=True)
class Row:
    group: str
    cases: int
    top3: int
    precision3: float
    mrr: float
    empty: int

    @classmethod
    def of(cls, group: str, outcomes: Sequence[Outcome]) -> Row:
        ranks = [o.rank for o in outcomes]
        n = len(outcomes) or 1
        top3 = sum(1 for r in ranks if r is not None and r <= 3)
        return cls(
            group,
            len(outcomes),
            top3,
            top3 / (3 * n),
            sum(1 / r for r in ranks if r is not None) / n,
            sum(1 for o in outcomes if not o.total),
        )


def rows(outcomes: Sequence[Outcome]) -> list[Row]:
    """One row per group and question style, then every case together."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(GROUPS[outcome.case.kind], []).append(outcome)
        if outcome.case.kind == "question" and outcome.case.style:
            groups.setdefault(f"  {outcome.case.style}", []).append(outcome)
    return [Row.of(g, o) for g, o in groups.items()] + [Row.of("all", outcomes)]


def table(outcomes: Sequence[Outcome]) -> str:
    """The rows as a plain-text table."""
    lines = [f"{'set':14} {'cases':>5} {'in top 3':>9} {'P@3':>6} {'MRR':>6} {'found none':>10}"]
    for row in rows(outcomes):
        lines.append(
            f"{row.group:14} {row.cases:5d} {row.top3:9d} {row.precision3:6.3f} {row.mrr:6.3f} "
            f"{row.empty:10d}"
        )
    return "\n".join(lines)


def misses(outcomes: Sequence[Outcome]) -> list[str]:
    """A line for each case whose article is not in its top 3."""
    out = []
    for o in outcomes:
        rank = o.rank
        if rank is None or rank > 3:
            where = f"rank {rank}" if rank else f"not in the first {DEPTH}"
            first = "; ".join(t[:40] for t in o.titles[:3]) or "nothing found"
            out.append(f"{o.case.q!r}: {o.case.expect[:40]!r} {where} (top: {first})")
    return out
