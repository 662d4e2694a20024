"""Pure text clean-up: extracted lines (ligatures, odd spaces, line-end hyphenation, characters
that must never be shown) and text on its way out (pages, feeds, CSV, logs, the terminal)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# Characters no text from a PDF (or an older index) may carry to a page, a feed, a CSV cell, a
# log or a terminal. Line breaks and tabs: white space (C0 \t \n \v \f \r, C1 NEL, U+2028 and
# U+2029). Everything else here is removed:
# - the other C0 and C1 controls and DEL (NUL, BEL, ESC and the terminal's CSI, ...);
# - bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
#   U+202A-U+202E, U+2066-U+2069), which reorder what is shown ("Trojan source");
# - zero-width and invisible format characters (U+180E, U+200B-U+200D, U+2060-U+2064,
#   U+206A-U+206F, U+FEFF, U+FFF9-U+FFFB);
# - code points XML 1.0 forbids: lone surrogates, U+FFFE and U+FFFF.
_BREAKS = "\t\n\x0b\x0c\r\x85\u2028\u2029"
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
_NOT_XML = "\ud800-\udfff\ufffe\uffff"
_HIDDEN = _CONTROLS + _BIDI + _ZERO_WIDTH + _NOT_XML
# Every C0 and C1 control and DEL but tab, line feed and carriage return: what input typed by a
# person (a query, a filter) never holds.
CONTROL = re.compile(f"[{_CONTROLS}\x0b\x0c\x85]")  # (VT, FF and NEL too)
_UNSAFE = re.compile(f"[{_HIDDEN}]")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_WHITE = re.compile(r"\s+")
_TO_ESCAPE = re.compile(f"[\\\\{_BREAKS}{_HIDDEN}]")
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
ELLIPSIS = "…"
# Caps on what lists show, the same on pages, feeds and the terminal.
TITLE_CHARS = 200  # a title or a file name
LABEL_CHARS = 120  # a section, an edition's label, an entity's name
MESSAGE_CHARS = 500  # a failing file's details

_SPACES = re.compile(f"[ {_BREAKS}\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(f"[\u00ad{_HIDDEN}]")
# Presentation forms that NFKC should fold; everything else keeps its typography (quotes, dashes,
# ellipses, fractions) because a full NFKC pass would rewrite the publication's words.
_LIGATURES = re.compile("[\ufb00-\ufb06]")
SOFT_HYPHEN = "\u00ad"
_HYPHENS = re.compile("[\u2010\u2011]")
_CID_BULLET = re.compile(r"^\(cid:\d+\) ")
_WORD_END = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"^([a-z]\w*)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
BULLETS = "•◦▪▫■□●○‣⁃∙·➢➤►–-*"


def normalize_line(text: str) -> str:
    """Fold ligatures, drop invisible characters and collapse runs of white space.

    Controls, bidirectional overrides, zero-width characters and soft hyphens are dropped, but
    a soft hyphen ending the line stays (it marks where a word was broken, for
    :func:`join_lines`); Unicode's hyphen and non-breaking hyphen (U+2010, U+2011) become "-";
    line breaks and tabs inside the line become spaces. A glyph with no Unicode mapping (pdfminer's
    "(cid:N)") that starts a line before a space is a list bullet drawn from a symbol font.
    """
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _SPACES.sub(" ", text).strip()
    soft_break = text.endswith(SOFT_HYPHEN)  # a typesetter's break: kept for join_lines
    text = _INVISIBLE.sub("", _HYPHENS.sub("-", text)).strip()
    if soft_break and text and text[-1].isalpha():
        text += SOFT_HYPHEN
    return _CID_BULLET.sub("• ", text)


def safe_text(text: str) -> str:
    """``text`` without the characters that must never be shown (see ``display_text``), its
    lines kept: tabs and line feeds stay, CR LF and a lone CR become LF, and the other line
    breaks (VT, FF, NEL, U+2028, U+2029) become spaces. For multi-line text (an article's body)
    and for JSON, which keeps every string's structure."""
    text = _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _OTHER_BREAKS.sub(" ", text)


def display_text(text: str, limit: int | None = None) -> str:
    """``text`` as one line that is safe to show anywhere: a page, an Atom feed, a CSV cell, a
    terminal. Control characters (NUL, BEL, ESC, every other C0 and C1 control and DEL),
    bidirectional overrides and isolates, zero-width characters and code points XML forbids
    are removed; tabs, line breaks and runs of white space become one space; the ends are
    trimmed. With ``limit``, text longer than ``limit`` characters is cut (at a word break when
    one is near) and ends with an ellipsis, so the result is at most ``limit`` long.

    HTML the app made itself (a snippet with ``<mark>``) may be passed: only characters that
    are never part of markup are removed, but ``limit`` could cut a tag, so give none.
    """
    text = _WHITE.sub(" ", _UNSAFE.sub("", text)).strip()
    if limit is None or len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= (limit - 1) * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def escape_text(text: str) -> str:
    """``text`` with every control, line break, bidirectional, zero-width or XML-invalid
    character written as a Python-style escape (``\\n``, ``\\x1b``, ``\\u202e``) and backslashes
    doubled: a log line or terminal line that shows exactly what was there and can neither
    break into two lines nor be reordered or recoloured. For file names and request paths."""
    return _TO_ESCAPE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_json(value: Any) -> Any:
    """A JSON-able value with ``safe_text`` applied to every string in it (keys too)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_json(k): safe_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_json(v) for v in value]
    return value


def vocabulary(lines: Iterable[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds too) used anywhere in the lines, in order; the
    pieces of a word broken at a line's end (the word before its hyphen, the first word of
    the next line) are not words of their own."""
    vocab: set[str] = set()
    broken = False
    for line in lines:
        found = _WORDS.findall(line)
        if broken and found:
            found = found[1:]
        broken = line.endswith(("-", SOFT_HYPHEN)) and not line.endswith(" -")
        if broken and found and line.rstrip("-" + SOFT_HYPHEN).endswith(found[-1]):
            found = found[:-1]
        vocab.update(word.lower() for word in found)
    return frozenset(vocab)


def join_lines(lines: Sequence[str], vocab: frozenset[str] = frozenset()) -> str:
    """Join the lines of one paragraph into one string.

    A line-end hyphen is a typesetter's break, removed, only when the joined word is used
    elsewhere in the document and the hyphenated form is not; otherwise it is a real hyphen
    ("police-style") and kept, with no space after it.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if out.endswith(SOFT_HYPHEN):  # the typesetter broke the word here: always rejoin
            out = out[:-1] + line
            continue
        # (only a line that ends in a hyphen is searched: searching ``out`` every time would
        # take time quadratic in the paragraph's length)
        head = _WORD_END.search(out) if out.endswith("-") else None
        tail = _WORD_START.match(line)
        if head and tail:
            if _broken_word(head.group(1), tail.group(1), vocab):
                out = out[:-1] + line
            else:
                out += line
        elif (
            out.endswith("-")
            and not out.endswith(" -")
            and (line[:1].islower() or line[:1].isdigit())
        ):
            out += line
        else:
            out += " " + line
    return out.removesuffix(SOFT_HYPHEN)


# Word parts that are joined to the next with a hyphen ("anti-fraud", "multi-agency",
# "follow-up"): a line-end hyphen after them is the word's own.
_PREFIXES = frozenset(
    ("anti", "cross", "follow", "long", "multi", "non", "self", "semi", "short", "well")
)


def _broken_word(head: str, tail: str, vocab: frozenset[str]) -> bool:
    """Was "head-" + "tail" one word broken at the line's end? Yes when the joined word is
    used elsewhere in the document and the hyphenated form is not; no when the hyphenated
    form is used and the joined one is not, or when either half is a word of its own
    elsewhere ("police-" "style"); otherwise (fragments such as "exploita-" "tion") yes."""
    joined = (head + tail).lower()
    hyphenated = f"{head}-{tail}".lower()
    if joined in vocab and hyphenated not in vocab:
        return True
    if hyphenated in vocab or head.lower() in _PREFIXES:
        return False
    return not (head.lower() in vocab or tail.lower() in vocab)
