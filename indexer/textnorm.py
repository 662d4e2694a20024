"""Pure text clean-up for extracted lines: ligatures, odd spaces, line-end hyphenation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
# Presentation forms that NFKC should fold; everything else keeps its typography (quotes, dashes,
# ellipses, fractions) because a full NFKC pass would rewrite the publication's words.
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_CID_BULLET = re.compile(r"^\(cid:\d+\) ")
_WORD_END = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"^([a-z]\w*)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
BULLETS = "•◦▪▫■□●○‣⁃∙·➢➤►–-*"


def normalize_line(text: str) -> str:
    """Fold ligatures, drop invisible characters and collapse runs of white space.

    A glyph with no Unicode mapping (pdfminer's "(cid:N)") that starts a line before a space
    is a list bullet drawn from a symbol font.
    """
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    return _CID_BULLET.sub("• ", text)


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds too) used anywhere in the texts."""
    vocab: set[str] = set()
    for text in texts:
        for word in _WORDS.findall(text):
            vocab.add(word.lower())
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
        # (only a line that ends in a hyphen is searched: searching ``out`` every time would
        # take time quadratic in the paragraph's length)
        head = _WORD_END.search(out) if out.endswith("-") else None
        tail = _WORD_START.match(line)
        if head and tail:
            joined = (head.group(1) + tail.group(1)).lower()
            hyphenated = f"{head.group(1)}-{tail.group(1)}".lower()
            if joined in vocab and hyphenated not in vocab:
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
    return out
