"""Highlighting: escaped text with <mark> around the query's terms, as snippets or whole.

Whoosh's highlighter runs every word of the text through the analyzer's filter chain, which
costs more than the search itself for ten results. The analyzers of the text fields work one
word at a time (tokenise, lowercase, stem, fold accents), so here the tokenizer's pattern
finds the words and each distinct word is analysed once and remembered; Whoosh's fragmenter,
scorer and formatter then work on those tokens as on its own.
"""

from __future__ import annotations

import bisect
import heapq
import html
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import analysis, highlight
from whoosh.lang import porter

SNIPPET_CHARS = 240
_ADJACENT_MARKS = re.compile(r"</mark>(\s+)<mark>")
_ADJACENT_NAMED = re.compile(r'(<mark class="named">[^<]*)</mark>(\s+)<mark class="named">')
_ELLIPSES = re.compile(r"…(?:\s*…)+")


class MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Escapes all text and wraps matched terms in <mark>; fragments become one-line snippets."""

    between = " "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        words = html.escape(highlight.get_text(text, token, replace), quote=False)
        return (
            f'<mark class="named">{words}</mark>'
            if token.text == _NAMED
            else f"<mark>{words}</mark>"
        )

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        out = super().format_fragment(fragment, replace)
        prefix = "… " if fragment.startchar > 0 else ""
        suffix = " …" if fragment.endchar < len(fragment.text) else ""
        return f"{prefix}{' '.join(out.split())}{suffix}"


class _WholeFormatter(MarkFormatter):
    """Like MarkFormatter, but keeps the text's line and paragraph breaks."""

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        return str(highlight.Formatter.format_fragment(self, fragment, replace))


def snippet(text: str, terms: Iterable[str], analyzer: Any, top: int = 2) -> str:
    """The best ``top`` passages of ``text`` for ``terms`` (analysed forms), in text order,
    escaped with the terms marked; the text's opening words when no term occurs."""
    return passages(text, terms, analyzer, top)[0]


def passages(
    text: str, terms: Iterable[str], analyzer: Any, top: int = 2
) -> tuple[str, int | None]:
    """``snippet``, and where in ``text`` the best passage's first marked word is (None when
    no term occurs): what the page of a hit is found by. The passages Whoosh's ``highlight``
    would choose (see ``_fragments``), found from the matched words' offsets."""
    wanted = frozenset(terms)
    if not wanted:
        return lead(text), None
    fast = word_analyzer(analyzer)
    found = fast.offsets(text, wanted) if isinstance(fast, _WordAnalyzer) else None
    if found is None:  # an analyzer that is not word by word: Whoosh's own way
        return whoosh_passages(text, wanted, analyzer, top)
    starts, ends, texts = found
    matched = [t in wanted for t in texts]
    if not any(matched):
        return lead(text), None
    scorer = _PassageScorer()
    fragments = (
        highlight.Fragment(text, [_token(starts[i], ends[i], texts[i]) for i in at], first, last)
        for first, last, at in _fragments(starts, ends, matched)
    )
    return _formatted(text, fragments, scorer, top)


def _token(start: int, end: int, text: str) -> Any:
    token = analysis.Token(chars=True, removestops=False, mode="query")
    token.startchar, token.endchar, token.text, token.boost = start, end, text, 1.0
    return token


def _formatted(
    text: str, fragments: Iterable[Any], scorer: Any, top: int
) -> tuple[str, int | None]:
    scored = heapq.nlargest(top, ((scorer(f), f) for f in fragments), key=lambda sf: sf[0])
    best = [fragment for score, fragment in scored if score >= 1]
    if not best:
        return lead(text), None
    offset = min((t.startchar for t in best[0].matches), default=best[0].startchar)
    best.sort(key=highlight.FIRST)
    out = str(MarkFormatter()(text, best))
    return _ELLIPSES.sub("…", _ADJACENT_MARKS.sub(r"\1", out)), offset


_SURROUND = 70  # characters of context around a passage's matches
_CHARLIMIT = highlight.DEFAULT_CHARLIMIT  # Whoosh's: words past it are not looked at


def _fragments(
    starts: Sequence[int], ends: Sequence[int], matched: Sequence[bool]
) -> Iterator[tuple[int, int, list[int]]]:
    """(start, end, matched word indices) of each passage Whoosh's ``ContextFragmenter``
    (``SNIPPET_CHARS``, ``_SURROUND``) makes of these words: the same state machine, but a
    run of unmatched words outside a passage is passed over at once (only the context it
    leaves before the next match matters), so the cost follows the matches, not the words.
    Passages without a match (which Whoosh yields too, and which never score) are left out.
    """
    count = bisect.bisect_right(ends, _CHARLIMIT)  # the words Whoosh looks at
    matches = [i for i in range(count) if matched[i]]
    first: int | None = None
    countdown = -1
    taken: list[int] = []
    length = 0
    reset = 0  # the first word of the context before a passage
    i = 0
    following = 0  # where the next match is looked for in ``matches``
    while i < count:
        if countdown < 0 and not matched[i]:
            following = bisect.bisect_left(matches, i, following)
            if following == len(matches):
                return  # (outside a passage: nothing open)
            i = matches[following]
            context = bisect.bisect_left(starts, ends[i - 1] - _SURROUND, reset, i)
            before = starts[context] if reset < i and context < i else None
        else:  # in a passage, or a match straight after one (or first): no context before
            before = None
        start, end = starts[i], ends[i]
        size = end - start
        if length + size > SNIPPET_CHARS:
            countdown = 0
        elif matched[i]:
            # (a passage begun with no context before it gets the unused context after it)
            countdown = _SURROUND if first is not None or before is not None else 2 * _SURROUND
            if first is None:
                first = start if before is None else before
            taken.append(i)
        closing = False
        if countdown >= 0:
            length += size
            countdown -= size
            closing = countdown <= 0
        if closing:
            if taken:
                yield (first if first is not None else starts[taken[0]]), end, taken
            taken, first, length, reset = [], None, 0, i + 1
        i += 1
    if taken:  # a passage still open at the end (or at Whoosh's limit of characters)
        end = ends[count] if count < len(ends) else ends[count - 1]
        yield (first if first is not None else starts[taken[0]]), end, taken


def whoosh_passages(
    text: str, wanted: frozenset[str], analyzer: Any, top: int = 2
) -> tuple[str, int | None]:
    """``passages`` through Whoosh's ``highlight``, step by step (for analyzers that are not
    word by word, and as the reference ``passages`` is tested against)."""
    if wanted:
        scorer = _PassageScorer()
        tokens = _for_terms(analyzer, wanted)(text, chars=True, mode="query", removestops=False)
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SURROUND)
        fragments = fragmenter.fragment_tokens(text, highlight.set_matched_filter(tokens, wanted))
        return _formatted(text, fragments, scorer, top)
    return lead(text), None


class _PassageScorer(highlight.BasicFragmentScorer):  # type: ignore[misc]
    """Whoosh's scorer, with earlier passages winning ties (so snippets are deterministic)."""

    def __call__(self, fragment: Any) -> float:
        start: int = fragment.startchar
        return float(super().__call__(fragment)) - start / 1e9


def lead(body: str) -> str:
    """The article's opening words, escaped, as a snippet when no term matched."""
    text = " ".join(body.split())
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return html.escape(cut, quote=False) + " …"


def highlight_whole(
    text: str, terms: Iterable[str], analyzer: Any, spans: Sequence[tuple[int, int]] = ()
) -> str:
    """All of ``text``, escaped, with every token whose analysed form is in ``terms`` marked,
    and every word within ``spans`` (character offsets: where an entity is named) marked
    ``<mark class="named">``."""
    wanted = frozenset(terms)
    if wanted or spans:
        out = highlight.highlight(
            text,
            wanted | {_NAMED} if spans else wanted,
            _in_spans(_for_terms(analyzer, wanted), spans),
            highlight.WholeFragmenter(charlimit=None),
            _WholeFormatter(),
            top=1,
        )
        if out:
            marked = _ADJACENT_MARKS.sub(r"\1", str(out))
            while _ADJACENT_NAMED.search(marked):  # a name of several words: one mark
                marked = _ADJACENT_NAMED.sub(r"\1\2", marked)
            return marked
    return html.escape(text, quote=False)


_NAMED = "\x00named"  # the term a word within a named entity's span is read as


def _in_spans(analyze: Any, spans: Sequence[tuple[int, int]]) -> Any:
    """``analyze``, with each token within one of ``spans`` read as ``_NAMED``."""
    if not spans:
        return analyze

    def analysed(text: str, **kwargs: Any) -> Iterator[Any]:
        for token in analyze(text, **kwargs):
            if any(start <= token.startchar < end for start, end in spans):
                token.text = _NAMED
            yield token

    return analysed


_PER_WORD = (analysis.LowercaseFilter, analysis.StemFilter, analysis.CharsetFilter)
_WORDS_KEPT = 200_000  # analysed words remembered per analyzer
_analyzers: dict[int, tuple[Any, Any]] = {}
_analyzers_lock = threading.Lock()


def word_analyzer(analyzer: Any) -> Any:
    """``analyzer`` for highlighting: the same tokens, each distinct word analysed once. An
    analyzer with a filter that looks beyond one word is returned as it is."""
    items = getattr(analyzer, "items", None)
    if not items or not isinstance(items[0], analysis.RegexTokenizer) or items[0].gaps:
        return analyzer
    if not all(isinstance(item, _PER_WORD) for item in items[1:]):
        return analyzer
    with _analyzers_lock:
        found = _analyzers.get(id(analyzer))
        if found is None or found[0] is not analyzer:
            found = _analyzers[id(analyzer)] = (analyzer, _WordAnalyzer(analyzer))
    return found[1]


def _for_terms(analyzer: Any, wanted: frozenset[str]) -> Any:
    fast = word_analyzer(analyzer)
    return fast.for_terms(wanted) if isinstance(fast, _WordAnalyzer) else analyzer


class _WordAnalyzer:
    """Yields the tokens a per-word analyzer would, from a memo of analysed words."""

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer
        self._pattern = analyzer.items[0].expression
        # words found by ``_word_spans`` rather than one regular-expression match at a time
        self._spans = (self._pattern.pattern, self._pattern.flags) in _SPANNED
        self._words: dict[str, str | None] = {}
        # The Porter stemmer keeps a word's first letter, so with it (or no stemmer) a word
        # whose first letter starts no wanted term cannot match and need not be analysed.
        self._keeps_initial = all(
            not isinstance(item, analysis.StemFilter)
            or (not item.lang and item.stemfn is porter.stem and not item.ignore)
            for item in analyzer.items[1:]
        )

    def for_terms(self, wanted: frozenset[str]) -> Any:
        """This analyzer, told the terms that will be looked for (so as to skip the others)."""
        if not self._keeps_initial:
            return self
        initials = frozenset(term[:1] for term in wanted)

        def analyse(text: str, **kwargs: Any) -> Iterator[Any]:
            return self(text, initials=initials, **kwargs)

        return analyse

    def offsets(
        self, text: str, wanted: frozenset[str]
    ) -> tuple[list[int], list[int], list[str]] | None:
        """(starts, ends, analysed forms) of the words of ``text`` ("" for a word that cannot
        be one of ``wanted``); None when a word is not one token alone (analysed in context)."""
        # the first characters a word cannot start with (see _cannot_start), in either case
        skipped: frozenset[str] = frozenset()
        if self._keeps_initial:
            initials = frozenset(term[:1] for term in wanted)
            skipped = frozenset(c for c in _ASCII_ALNUM if c.lower() not in initials)
        found = _word_spans(text) if self._spans else None
        if found is not None:
            return self._analysed_spans(text, *found, skipped)
        starts: list[int] = []
        ends: list[int] = []
        texts: list[str] = []
        analysed = self._analysed
        for match in self._pattern.finditer(text):
            word = match.group()
            term = "" if word[0] in skipped else analysed(word)
            if term is None:
                return None
            start, end = match.span()
            starts.append(start)
            ends.append(end)
            texts.append(term)
        return starts, ends, texts

    def _analysed_spans(
        self,
        text: str,
        firsts: NDArray[np.uint32],
        starts: list[int],
        ends: list[int],
        skipped: frozenset[str],
    ) -> tuple[list[int], list[int], list[str]] | None:
        """``offsets`` of words found by ``_word_spans`` (their first characters' code
        points ``firsts``): only the words that can be wanted are analysed."""
        texts = [""] * len(starts)
        passed = np.zeros(128, dtype=bool)  # (127, where any other character is looked up,
        passed[[ord(c) for c in skipped]] = True  # is not a letter or digit: never passed)
        analysed = self._analysed
        for i in np.flatnonzero(~passed[np.minimum(firsts, 127)]).tolist():
            term = analysed(text[starts[i] : ends[i]])
            if term is None:
                return None
            texts[i] = term
        return starts, ends, texts

    def _analysed(self, word: str) -> str | None:
        found = self._words.get(word, "")
        if found != "":
            return found
        texts = [t.text for t in self._analyzer(word, mode="query", removestops=False)]
        result = texts[0] if len(texts) == 1 else None  # None: analyse in context instead
        if len(self._words) >= _WORDS_KEPT:
            self._words.clear()
        self._words[word] = result
        return result

    def __call__(
        self, text: str, initials: frozenset[str] | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        words = list(self._pattern.finditer(text))
        texts = [
            "" if initials is not None and _cannot_start(found.group(), initials)
            else self._analysed(found.group())
            for found in words
        ]  # fmt: skip
        if None in texts:  # a word that is not one token alone: analyse the text as usual
            yield from self._analyzer(text, **kwargs)
            return
        token = analysis.Token(chars=True, removestops=False, mode=kwargs.get("mode", ""))
        for position, (found, analysed) in enumerate(zip(words, texts, strict=True)):
            token.original = found.group()
            token.text = analysed
            token.startchar, token.endchar = found.start(), found.end()
            token.pos = position
            token.stopped = False
            token.boost = 1.0
            yield token


_ASCII_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Whoosh's word pattern (with or without its group): runs of word characters (``\w``), a run
# joined to the next by one full stop between them ("U.K", "3.5")
_SPANNED = {(r"\w+(?:\.?\w+)*", re.UNICODE), (r"\w+(\.?\w+)*", re.UNICODE)}
_word_chars: NDArray[np.bool_] | None = None  # per code point of the BMP: is it ``\w``
_word_chars_lock = threading.Lock()


def _word_table() -> NDArray[np.bool_]:
    r"""Which characters of the Basic Multilingual Plane ``\w`` matches, as the regular
    expression module says (made once)."""
    global _word_chars
    with _word_chars_lock:
        if _word_chars is None:
            every = "".join(map(chr, range(0x10000)))
            table = np.zeros(0x10000, dtype=bool)
            table[[match.start() for match in re.finditer(r"\w", every)]] = True
            _word_chars = table
        return _word_chars


def _word_spans(text: str) -> tuple[NDArray[np.uint32], list[int], list[int]] | None:
    """The words ``_SPANNED`` finds in ``text``, all at once: their first characters' code
    points, starts and ends; None for a text with characters beyond the BMP (then the
    pattern finds them, one at a time)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not codes.size:
        return codes, [], []
    if int(codes.max()) >= 0x10000:
        return None
    word = _word_table()[codes]
    joins = (codes[1:-1] == 0x2E) & word[:-2] & word[2:]  # a full stop between two
    word[1:-1] |= joins
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    return codes[starts], starts.tolist(), np.flatnonzero(edges == -1).tolist()


def _cannot_start(word: str, initials: frozenset[str]) -> bool:
    """Whether ``word`` (an ASCII letter or digit first) cannot analyse to a term starting
    with one of ``initials``."""
    first = word[0].lower()
    return first.isascii() and first.isalnum() and first not in initials
