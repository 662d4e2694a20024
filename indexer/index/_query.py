"""Turn a user's query string into a Whoosh query, or explain in one line what is wrong with it.

People type questions and phrases, not syntax. Before parsing, ``read_query`` reads what is
plainly not meant as syntax as the words it is: a question mark, an apostrophe, a colon that
names no field, a quote or bracket left unclosed, a dash standing alone. Syntax applies where it
is clearly intended: "quoted phrases", upper-case AND/OR/NOT, a known ``field:``, a ``*`` in or
at the end of a word, brackets that balance. What was read otherwise is said (``Reading.notes``)
so the page can show how the query was read.

Whoosh's parser never refuses anything: a dangling ``AND`` silently becomes a different search.
We check what is left of the syntax so the user learns what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    check_length(text)
    text = read_query(text.strip(), aliases).text
    if not text:
        return query.Every()
    return parse_words(text, schema, fields, aliases, any_word=any_word)


def check_length(text: str) -> None:
    """:raise SearchQueryError: if ``text`` is longer than a query may be."""
    if len(text.strip()) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"Query too long ({len(text.strip())} characters; the limit is {MAX_QUERY_LENGTH})."
        )


def tokens_of(text: str) -> list[str]:
    """A query's words and quoted phrases (as ``read_query`` leaves it: quotes balanced)."""
    return _tokens(text) if text else []


def parse_words(
    text: str,
    schema: Schema,
    fields: Sequence[str],
    aliases: dict[str, str],
    *,
    any_word: bool = False,
) -> query.Query:
    """Parse query syntax that ``read_query`` has read (see ``parse_query``)."""
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


@dataclass(frozen=True)
class Reading:
    """A query as it is searched: ``text``, and how it was read differently from its syntax
    (``notes``, empty when it was read as typed)."""

    text: str
    notes: tuple[str, ...] = ()


_QUOTED = re.compile(r'("[^"]*")')
_APOSTROPHES = "'\u2019\u2018"
_POSSESSIVE = re.compile(rf"(?<=\w)[{_APOSTROPHES}]s\b", re.IGNORECASE)
_PUNCTUATION_ONLY = re.compile(r'^[^\w"()\[\]{}*]+$')
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


def read_query(text: str, aliases: Mapping[str, str]) -> Reading:
    """How ``text`` is searched: what is plainly not meant as syntax read as the words it is
    (see the module's docstring), with a note for each kind of thing read so."""
    notes: list[str] = []
    text = " ".join(text.split())
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = f"{text[:cut]} {text[cut + 1 :]}"
        notes.append('an unclosed " was left out')
    parts = _QUOTED.split(text)  # the odd ones are quoted phrases, kept as they are
    outside = " ".join(parts[0::2])
    if "?" in outside:
        notes.append("? was read as punctuation, not a wildcard")
    if any(a in outside for a in _APOSTROPHES):
        notes.append("an apostrophe was read as a break between words")
    for opening, closing in _PAIRS:
        if _unbalanced(outside, opening, closing):
            notes.append(f"unmatched {opening}{closing} brackets were left out")
    fields: list[str] = []
    for i in range(0, len(parts), 2):
        parts[i] = _plain_part(parts[i], aliases, outside, fields)
    for name in dict.fromkeys(fields):
        why = "has nothing after it" if name.lower() in aliases else "names no field"
        notes.append(f"'{name}:' {why}, so it was searched as a word")
    read = " ".join(" ".join(parts).split())
    return Reading(read, tuple(notes))


def _plain_part(part: str, aliases: Mapping[str, str], outside: str, fields: list[str]) -> str:
    """A stretch of the query outside quotes, read as words where it is not syntax."""
    part = part.replace("?", " ")
    part = _POSSESSIVE.sub("", part)
    for apostrophe in _APOSTROPHES:
        part = part.replace(apostrophe, " ")
    for opening, closing in _PAIRS:
        if _unbalanced(outside, opening, closing):
            part = part.replace(opening, " ").replace(closing, " ")
    words = []
    for token in part.split():
        if _PUNCTUATION_ONLY.match(token):  # a dash or slash standing alone
            continue
        words.append(_field_or_words(token, aliases, fields))
    return " ".join(words)


def _field_or_words(token: str, aliases: Mapping[str, str], fields: list[str]) -> str:
    """A ``field:value`` token kept when the field is known and has a value; any other colon
    (``Note:``, ``colour:red``, ``10:30``) read as a space between words."""
    if ":" not in token or "://" in token:
        return token
    bare = token.lstrip("(+-")
    match = _FIELD.match(bare)
    if match and match.group(1).lower() in aliases and match.group(2).strip("()"):
        return token
    if match:
        fields.append(match.group(1))
    return token.replace(":", " ")


def _unbalanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        depth += 1 if char == opening else -1 if char == closing else 0
        if depth < 0:
            return True
    return depth != 0
