"""Where a text is set: what in it says the UK, and what says one of the countries whose towns
carry British names.

The gazetteer's places are the UK's, and most of their names are also towns in the United
States, Canada, Australia, New Zealand, South Africa and the Caribbean, named by settlers after
the ones they left (Perth, Hamilton, Cambridge, Hastings, Christchurch, Newcastle). A place name
alone is therefore weak evidence; the tagger (``tagger.py``) takes one only where the text around
it says the UK. This module finds the marks of a setting, as positions in a field's text:

- the UK: a pound amount, a +44 or UK-format telephone number, a call to 999, a UK postcode, an
  address ending ``.uk`` (the names the gazetteer knows are the tagger's to find);
- elsewhere: a dollar amount, a telephone number with another country's code, or a name of those
  countries, their states, provinces and regions and their largest cities, or what their people
  are called (``ELSEWHERE``). Countries whose places do not share British names (France,
  Albania, Vietnam) are not listed: a UK article about them still talks about UK towns.

The lists hold no name the gazetteer has for a UK place (``tests/indexer/test_tagging.py``
checks) and no common first name or word (Victoria, Virginia, Georgia, Nelson, Darwin); a change
to them changes the tagger's answers, so it bumps ``TAGGER_VERSION``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from indexer.tagging.tokens import Token, tokenize

ELSEWHERE = (
    # the countries, and what their people are called
    "United States", "United States of America", "USA", "U.S.", "U.S.A.", "America", "American",
    "Americans", "Canada", "Canadian", "Canadians", "Australia", "Australian", "Australians",
    "New Zealand", "New Zealander", "New Zealanders", "Aotearoa", "South Africa",
    "South African", "South Africans", "Republic of Ireland", "Irish Republic", "Ireland",
    "Jamaica", "Jamaican", "Bermuda", "Bahamas", "Barbados", "Trinidad", "Tobago", "Guyana",
    "Belize", "Hong Kong", "Singapore", "Falkland Islands",
    # the states of the United States, and its largest cities
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
    "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "West Virginia", "Wisconsin", "Wyoming", "Washington State",
    "Washington, D.C.", "D.C.", "New England", "Los Angeles", "Chicago", "Houston",
    "Philadelphia", "San Antonio", "San Diego", "Dallas", "San Francisco", "Seattle", "Detroit",
    "Atlanta", "Miami", "Denver", "Las Vegas", "New Orleans", "Minneapolis", "Pittsburgh",
    # the provinces and territories of Canada, and its largest cities
    "Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan",
    "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Prince Edward Island",
    "Yukon", "Nunavut", "Northwest Territories", "Toronto", "Montreal", "Vancouver", "Ottawa",
    "Calgary", "Edmonton", "Winnipeg",
    # the states and territories of Australia, and its largest cities
    "New South Wales", "NSW", "Queensland", "Western Australia", "South Australia", "Tasmania",
    "Northern Territory", "Australian Capital Territory", "Sydney", "Melbourne", "Brisbane",
    "Adelaide", "Canberra", "Hobart",
    # the regions of New Zealand, and its largest towns
    "NZ", "Northland", "Auckland", "Waikato", "Bay of Plenty", "Hawke's Bay", "Hawke’s Bay",
    "Taranaki", "Manawatu", "Whanganui", "Wanganui", "Otago", "Southland", "Tasman",
    "Wairarapa", "Tauranga", "Dunedin", "Rotorua", "Invercargill", "Palmerston North",
    "Whangarei", "Queenstown",
    # the provinces of South Africa, and its largest cities
    "Gauteng", "KwaZulu-Natal", "Western Cape", "Eastern Cape", "Johannesburg", "Cape Town",
    "Durban", "Pretoria",
)  # fmt: skip


# A dollar amount, or a telephone number with another country's code.
_ELSEWHERE = re.compile(
    r"(?<![\w$])(?:US|NZ|AU|A|C|CA)?\$\s?\d"
    r"|(?<![\w-])(?:USD|NZD|AUD|CAD)\s?\d"
    r"|(?<![\w+])\+(?:1|27|61|64|353)[\s(-]*\d"
)
# Marks of the UK, each with a string it cannot match without (most texts have none of them).
_UK = (
    ("£", re.compile(r"£\s?\d")),  # a pound amount
    ("GBP", re.compile(r"(?<![\w-])GBP\s?\d")),
    ("+44", re.compile(r"(?<![\w+])\+44[\s(]*\d")),  # a telephone number with the UK's code
    (
        "999",
        re.compile(
            r"\b(?:call|calls|called|calling|dial|dials|dialled|dialling|ring|phone)\s+999\b"
        ),
    ),
    (".uk", re.compile(r"\.uk\b")),  # an address: .gov.uk, .police.uk
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")  # "SW1A 2AA", "M1 1AE"
# A UK telephone number: 11 digits, starting 01, 02 (the 020, 023, 024, 028 and 029 areas), 03,
# 07 or 08; New Zealand's "07 555 0192" has 9, North America's 10.
_PHONE = re.compile(r"(?<![\w+])0\d(?:[\s-]?\d){8,10}(?!\w)")
_UK_PHONE = re.compile(r"0(?:1\d|2[03489]|3\d|7\d|8\d)\d{8}")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_LAST_WORD = re.compile(r"(\w+|\.) $")  # the word before a name, and the space between


@cache
def _elsewhere_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The names of ``ELSEWHERE`` as words, by their first word, longest first."""
    names: dict[str, list[tuple[str, ...]]] = {}
    for name in ELSEWHERE:
        words = tuple(t.text for t in tokenize(name))
        names.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(n, key=len, reverse=True)) for first, n in names.items()}


@cache
def _elsewhere_ends() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The names of ``ELSEWHERE`` as words, by their last word."""
    names: dict[str, list[tuple[str, ...]]] = {}
    for words in (n for same in _elsewhere_names().values() for n in same):
        names.setdefault(words[-1], []).append(words)
    return {last: tuple(n) for last, n in names.items()}


def named_for_elsewhere(text: str, tokens: list[Token], start: int) -> bool:
    """Does a name of ``ELSEWHERE`` run on into the name at ``start`` ("the Australian Border
    Force", "New Zealand Ministry of Justice"): is it another country's body of that name?"""
    last = _LAST_WORD.search(text, max(start - 24, 0), start)
    if last is None or last.group(1) not in _elsewhere_ends():
        return False  # most names have no name of elsewhere before them
    k = bisect_right([t.start for t in tokens], start - 1) - 1
    if k < 0 or text[tokens[k].end : start] != " ":
        return False
    return any(
        tuple(t.text for t in tokens[max(k - len(n) + 1, 0) : k + 1]) == n
        for n in _elsewhere_ends().get(tokens[k].text, ())
    )


def uk_marks(text: str) -> list[int]:
    """Where ``text`` marks the UK (the starts of its pound amounts, numbers, postcodes...)."""
    found = [m.start() for sign, mark in _UK if sign in text for m in mark.finditer(text)]
    found += [m.start() for m in _POSTCODE.finditer(text)]
    found += [
        m.start()
        for m in _PHONE.finditer(text)
        if _UK_PHONE.fullmatch(re.sub(r"\D", "", m.group()))
    ]
    return sorted(found)


def elsewhere_marks(text: str, tokens: list[Token] | None = None) -> list[int]:
    """Where ``text`` (whose tokens these are) marks another country whose towns share UK
    names."""
    found = [m.start() for m in _ELSEWHERE.finditer(text)] if "$" in text or "+" in text else []
    names = _elsewhere_names()
    words = tokenize(text) if tokens is None else tokens
    taken = 0  # a name's words start no other name ("Washington, D.C.")
    for k in [k for k, token in enumerate(words) if token.text in names]:
        if k < taken:
            continue
        for name in names[words[k].text]:
            if tuple(t.text for t in words[k : k + len(name)]) == name:
                found.append(words[k].start)
                taken = k + len(name)
                break
    return sorted(set(found))


@dataclass(frozen=True)
class Setting:
    """The evidence of an article's setting, by paragraph: ``(field, paragraph index)`` pairs
    that hold a mark of the UK, and those that hold a mark of elsewhere."""

    breaks: dict[str, list[int]]  # field → where its paragraphs after the first start
    uk: frozenset[tuple[str, int]]
    elsewhere: frozenset[tuple[str, int]]
    on_topic: bool  # about the archive's subject, UK policing's crime themes

    @classmethod
    def of(
        cls,
        fields: dict[str, tuple[str, list[Token]]],
        uk: list[tuple[str, int]],
        elsewhere: list[tuple[str, int]],
        on_topic: bool = False,
    ) -> Setting:
        """The setting of fields (name → text and its tokens), given the positions (field,
        offset) of the marks found in them otherwise (the gazetteer's names) besides these,
        and whether the article is about the archive's subject."""
        breaks = {
            name: [m.end() for m in _PARAGRAPH.finditer(t)] for name, (t, _) in fields.items()
        }
        uk = uk + [(name, at) for name, (text, _) in fields.items() for at in uk_marks(text)]
        elsewhere = elsewhere + [
            (name, at)
            for name, (text, tokens) in fields.items()
            for at in elsewhere_marks(text, tokens)
        ]

        def paragraphs(marks: list[tuple[str, int]]) -> frozenset[tuple[str, int]]:
            return frozenset((name, bisect_right(breaks[name], at)) for name, at in marks)

        return cls(breaks, paragraphs(uk), paragraphs(elsewhere), on_topic)

    def says_uk(self, field: str, start: int) -> bool:
        """Does the text say that what is at ``start`` is in the UK? Where nothing in the
        article marks another country, a mark of the UK anywhere in it is enough, or its being
        about the archive's subject (an archive of UK policing's bulletins); where something
        does, its paragraph must mark the UK and no other country."""
        if not self.elsewhere:
            return bool(self.uk) or self.on_topic
        paragraph = (field, bisect_right(self.breaks.get(field, []), start))
        return paragraph in self.uk and paragraph not in self.elsewhere
