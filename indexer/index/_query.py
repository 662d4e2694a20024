"""Turn a user's query string into a Whoosh query, or explain in one line what is wrong with it.

Whoosh's parser never refuses anything: an unclosed quote, a dangling ``AND`` or an unknown field
silently become different searches. We check the syntax first so the user learns what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from whoosh import qparser, query
from whoosh.fields import Schema

from indexer.errors import SearchQueryError

MAX_QUERY_LENGTH = 1000
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_BINARY = _OPERATORS - {"NOT"}
_FIELD = re.compile(r"^([A-Za-z_]\w*):(?!//)(.*)$")


def parse_query(
    text: str,
    schema: Schema,
    fields: Sequence[str],
    aliases: dict[str, str],
    *,
    any_word: bool = False,
) -> query.Query:
    """Parse ``text`` searching ``fields`` by default; ``aliases`` name the fields users may type.

    Words are all required unless ``any_word``, which ranks articles by how many they match.

    :raise SearchQueryError: when the query is malformed; the message says how to fix it.
    """
    text = text.strip()
    if not text:
        return query.Every()
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"Query too long ({len(text)} characters; the limit is {MAX_QUERY_LENGTH})."
        )
    tokens = _tokens(text)
    _check_parentheses(text)
    _check_operators(tokens)
    text = _rewrite_fields(tokens, text, aliases)
    group = qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(list(fields), schema, group=group)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # Whoosh raises assorted errors on odd input; all mean "bad query"
        raise SearchQueryError(f"Could not understand the query: {exc}") from exc
    if parsed is query.NullQuery:
        raise SearchQueryError("The query has no words to search for.")
    _check_costly(parsed)
    return parsed


MAX_EDITS = 2
MIN_WILDCARD_PREFIX = 2


def _check_costly(parsed: query.Query) -> None:
    """Refuse terms that would make one search scan the whole vocabulary for seconds."""
    for leaf in [parsed, *parsed.leaves()]:
        if isinstance(leaf, query.FuzzyTerm) and leaf.maxdist > MAX_EDITS:
            raise SearchQueryError(
                f"At most {MAX_EDITS} letter changes in a fuzzy search: {leaf.text}~{MAX_EDITS}."
            )
        if isinstance(leaf, query.Wildcard | query.Prefix):
            pattern = str(leaf.text)
            head = re.split(r"[*?]", pattern, maxsplit=1)[0]
            if len(head) < MIN_WILDCARD_PREFIX and isinstance(leaf, query.Wildcard):
                raise SearchQueryError(
                    f"A wildcard needs at least {MIN_WILDCARD_PREFIX} letters before * or ?: "
                    f"{pattern!r}."
                )


def _tokens(text: str) -> list[str]:
    """Split on white space outside double quotes; an unclosed quote is an error."""
    if text.count('"') % 2:
        raise SearchQueryError('Unclosed quote: add the closing " or remove the opening one.')
    return re.findall(r'(?:[^\s"]*"[^"]*")+[^\s"]*|[^\s"]+', text)


def _check_parentheses(text: str) -> None:
    depth = 0
    for part in re.split(r'"[^"]*"', text):
        for char in part:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                raise SearchQueryError("Unbalanced parentheses: a ')' has no matching '('.")
    if depth:
        raise SearchQueryError("Unbalanced parentheses: a '(' is never closed.")


def _check_operators(tokens: list[str]) -> None:
    words = [t.strip("()") for t in tokens]
    for i, word in enumerate(words):
        if word not in _OPERATORS:
            continue
        before = words[i - 1] if i > 0 else None
        after = words[i + 1] if i + 1 < len(words) else None
        if after is None or after in _BINARY:
            raise SearchQueryError(f"'{word}' needs a search term after it.")
        if word in _BINARY and (before is None or before in _OPERATORS):
            raise SearchQueryError(f"'{word}' needs a search term before it.")


def _rewrite_fields(tokens: list[str], text: str, aliases: dict[str, str]) -> str:
    """Map the field names users type to schema fields; reject unknown ones."""
    out = []
    for token in tokens:
        bare = token.lstrip("(+-")
        match = _FIELD.match(bare)
        if match and not token.startswith('"'):
            name, value = match.group(1), match.group(2)
            field = aliases.get(name.lower())
            if field is None:
                known = ", ".join(sorted(aliases))
                raise SearchQueryError(f"Unknown field '{name}:'. Fields you can search: {known}.")
            if not value.strip("()"):
                raise SearchQueryError(f"'{name}:' needs a value after the colon.")
            token = token[: len(token) - len(bare)] + f"{field}:{value}"
        out.append(token)
    return " ".join(out)


def is_plain(text: str) -> bool:
    """Several bare words, with no operators, quotes, fields, wildcards or grouping."""
    words = text.split()
    return (
        len(words) > 1
        and not any(w in _OPERATORS for w in words)
        and not re.search(r'["():*?~^\[\]{}+]', text)
        and not any(w.startswith("-") for w in words)
    )
