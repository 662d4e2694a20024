"""How article text becomes index terms: Whoosh's stemming analyzer, with a shortcut for
indexing.

Whoosh analyses a field through a chain of generators (tokenizer, lower case, stemmer, accent
folding), one ``Token`` object per word, then groups positions per term. Writing an article
spent most of its time there. ``StemmedText`` is that same chain, for queries and highlighting,
plus ``terms()``: the same terms in the same order from one regular-expression pass and one
dictionary look-up per word (each distinct word is analysed once). ``TermPositions`` uses it
to index. ``tests/indexer/test_analysis.py`` checks both give exactly what Whoosh gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh import analysis, fields, formats

_MEMO_LIMIT = 200_000  # distinct words remembered per analyzer


class StemmedText(analysis.CompositeAnalyzer):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's RegexTokenizer | LowercaseFilter | StemFilter | CharsetFilter, with
    ``terms()``."""

    def __init__(self, *composables: Any) -> None:
        super().__init__(*composables)
        kinds = [type(item) for item in self.items]
        expected = [
            analysis.RegexTokenizer,
            analysis.LowercaseFilter,
            analysis.StemFilter,
            analysis.CharsetFilter,
        ]
        if kinds != expected or self.items[0].gaps:
            raise ValueError(f"StemmedText needs the chain {expected}, not {kinds}")
        self._memo: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:  # the schema is pickled: not the memo
        return {key: value for key, value in self.__dict__.items() if key != "_memo"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo = {}

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in order, as ``[t.text for t in self(text)]``."""
        memo = self._memo
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        out: list[str] = []
        for match in self.items[0].expression.finditer(text):
            word = match.group(0)
            term = memo.get(word)
            if term is None:
                term = memo[word] = self._term(word)
            out.append(term)
        return out

    def spelling_words(self, text: str) -> set[str]:
        """The distinct words of ``text`` before stemming (lower case, accents folded), as
        Whoosh's ``spellable_words`` gives them."""
        charmap = self.items[3].charmap
        found = {match.group(0) for match in self.items[0].expression.finditer(text)}
        return {word.lower().translate(charmap) for word in found}

    def _term(self, word: str) -> str:
        _, _, stemmer, charset = self.items
        word = word.lower()
        if word not in stemmer.ignore:
            word = stemmer.stemfn(word)
        return str(word.translate(charset.charmap))


class TermPositions(formats.Positions):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's Positions format; a field analysed by ``StemmedText`` is indexed through its
    ``terms()``."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, StemmedText) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for position, term in enumerate(analyzer.terms(value)):
            positions[term].append(position)
        boost = self.field_boost
        for term, found in positions.items():
            yield term, len(found), float(len(found)) * boost, self.encode(found)


def text_field(**kwargs: Any) -> fields.TEXT:
    """Whoosh's TEXT field (positions kept, for phrases), indexed through ``TermPositions``."""
    field = fields.TEXT(**kwargs)
    field.format = TermPositions(field_boost=field.format.field_boost)
    return field
