"""A Whoosh query matching documents that hold at least some of its parts: "most of the words".

Whoosh 2.7 accepts ``Or(..., minmatch=n)`` but never implemented it. ``MostOf(parts, minimum)``
matches a document holding at least ``minimum`` of ``parts`` and scores it as the sum of the
scores of the parts it holds times the share of parts it holds (Lucene's classic coordination
factor), so an article with every word of a question ranks above one with a few of them
however often it repeats those. The accelerated engine scores the same formula with arrays
(``_rank``, ``_sets``); this matcher is Whoosh's own (the reference engine and any search the
arrays do not cover).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from whoosh import matching, query


class MostOf(query.CompoundQuery):  # type: ignore[misc]  # Whoosh is untyped
    """Documents matching at least ``minimum`` of ``subqueries``, coordinated (see module)."""

    JOINT = " , "

    def __init__(self, subqueries: Sequence[query.Query], minimum: int = 1, boost: float = 1.0):
        super().__init__(list(subqueries), boost=boost)
        self.minimum = max(1, min(minimum, len(self.subqueries)))

    def __unicode__(self) -> str:
        inner = self.JOINT.join(str(s) for s in self.subqueries)
        return f"({inner})>={self.minimum}"

    __str__ = __unicode__

    def __repr__(self) -> str:
        return f"MostOf({self.subqueries!r}, {self.minimum}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MostOf)
            and self.subqueries == other.subqueries
            and self.minimum == other.minimum
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.minimum)  # type: ignore[no-any-return]

    def apply(self, fn: Callable[[query.Query], query.Query]) -> MostOf:
        return MostOf([fn(q) for q in self.subqueries], self.minimum, self.boost)

    def normalize(self) -> MostOf:
        # each part stays a part (merging or dropping parts would change the share matched)
        return self.apply(lambda q: q.normalize())

    def simplify(self, ixreader: Any) -> MostOf:
        return self.apply(lambda q: q.simplify(ixreader))

    def requires(self) -> set[query.Query]:
        return set()

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        """Every document's parts read at once: the counts decide the match, the sums the
        score (a question has a few parts, and an archive's postings for them fit in memory)."""
        counts: dict[int, int] = {}
        sums: dict[int, float] = {}
        for part in self.subqueries:
            found = part.matcher(searcher, context)
            while found.is_active():
                docnum = found.id()
                counts[docnum] = counts.get(docnum, 0) + 1
                sums[docnum] = sums.get(docnum, 0.0) + found.score()
                found.next()
        size = len(self.subqueries)
        ids = sorted(d for d, n in counts.items() if n >= self.minimum)
        if not ids:
            return matching.NullMatcher()
        scores = [coordinated(sums[d], counts[d], size) * self.boost for d in ids]
        return matching.ListMatcher(ids, weights=scores)


def coordinated(total: Any, matched: Any, size: int) -> Any:
    """A document's score from the sum of its parts' scores, ``matched`` of ``size`` parts
    (floats or arrays: the one formula for both engines)."""
    return total * matched / size
