"""Highlighting: escaped text with <mark> around the query's terms, as snippets or whole."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from whoosh import highlight

SNIPPET_CHARS = 240
_ADJACENT_MARKS = re.compile(r"</mark>(\s+)<mark>")
_ELLIPSES = re.compile(r"…(?:\s*…)+")


class MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Escapes all text and wraps matched terms in <mark>; fragments become one-line snippets."""

    between = " "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

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
    wanted = frozenset(terms)
    out = ""
    if wanted:
        out = highlight.highlight(
            text,
            wanted,
            analyzer,
            highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
            MarkFormatter(),
            top=top,
            scorer=_PassageScorer(),
        )
    if not out:
        return lead(text)
    return _ELLIPSES.sub("…", _ADJACENT_MARKS.sub(r"\1", str(out)))


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


def highlight_whole(text: str, terms: Iterable[str], analyzer: Any) -> str:
    """All of ``text``, escaped, with every token whose analysed form is in ``terms`` marked."""
    wanted = frozenset(terms)
    if wanted:
        out = highlight.highlight(
            text,
            wanted,
            analyzer,
            highlight.WholeFragmenter(charlimit=None),
            _WholeFormatter(),
            top=1,
        )
        if out:
            return _ADJACENT_MARKS.sub(r"\1", str(out))
    return html.escape(text, quote=False)
