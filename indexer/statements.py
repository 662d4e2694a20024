"""What a cover states about its edition: a number ("Issue 05", "Eighth edition") and a month
and year ("December 2016")."""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINALS = {
    word: number
    for number, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
}
_MONTH_YEAR = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b(?:issue|edition|number|no\.?|vol(?:ume)?\.?)\s*#?\s*(\d{1,4})\b", re.IGNORECASE
)
_ORDINAL = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r"|\d{1,3}(?:st|nd|rd|th))\s+(?:edition|issue)\b", re.IGNORECASE
)
COVER_LINE_WORDS = 16  # a cover's statement of the edition is a short line, not prose


def states_edition(text: str) -> bool:
    """Is ``text`` a short line stating both an edition's number and its month and year
    ("Issue 05 | December 2016", "Eighth edition, January 2018")?"""
    if len(text.split()) > COVER_LINE_WORDS:
        return False
    return bool((_NUMBER.search(text) or _ORDINAL.search(text)) and _MONTH_YEAR.search(text))


def find_number(text: str) -> int | None:
    match = _ORDINAL.search(text)
    if match:
        word = match.group(1).lower()
        return _ORDINALS.get(word) or int(re.sub(r"\D", "", word))
    match = _NUMBER.search(text)
    return int(match.group(1)) if match else None


def find_date(text: str) -> str | None:
    match = _MONTH_YEAR.search(text)
    if not match:
        return None
    return f"{match.group(2)}-{_MONTHS[match.group(1).lower()]:02d}"
