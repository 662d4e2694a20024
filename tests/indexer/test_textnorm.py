from hypothesis import given
from hypothesis import strategies as st

from indexer.textnorm import (
    display_text,
    escape_text,
    join_lines,
    normalize_line,
    safe_json,
    safe_text,
    vocabulary,
)


def test_ligatures_fold_but_typography_stays() -> None:
    assert normalize_line("eﬀective ﬁnancial “quotes” – 1½") == "effective financial “quotes” – 1½"


def test_white_space_and_invisible_characters() -> None:
    assert normalize_line("  a\u00a0\u00a0b\tc\u200b d\u00ade  ") == "a b c de"
    assert normalize_line("co\u2010operation and non\u2011stop") == "co-operation and non-stop"


def test_soft_hyphen_ending_a_line_marks_a_broken_word() -> None:
    first, second = normalize_line("the exploita\u00ad "), normalize_line("tion of workers")
    assert first == "the exploita\u00ad"
    assert join_lines([first, second]) == "the exploitation of workers"
    assert join_lines(["ends here\u00ad"]) == "ends here"


def test_unmapped_bullet_glyph_becomes_a_bullet() -> None:
    assert normalize_line("(cid:127) Proactive inspections") == "• Proactive inspections"


def test_hyphen_removed_only_when_the_joined_word_is_used() -> None:
    vocab = vocabulary(["the investigation went well", "police and style"])
    assert join_lines(["an investi-", "gation began"], vocab) == "an investigation began"
    assert join_lines(["police-", "style powers"], vocab) == "police-style powers"


def test_hyphen_between_fragments_is_a_break() -> None:
    """Justified text breaks words nobody uses whole elsewhere: neither half is a word."""
    vocab = vocabulary(["the exploita-", "tion of workers", "labour and police"])
    assert "exploita" not in vocab and "tion" not in vocab
    assert join_lines(["the exploita-", "tion of workers"], vocab) == "the exploitation of workers"
    assert join_lines(["labour-", "police teams"], vocab) == "labour-police teams"


def test_hyphenated_compound_used_elsewhere_keeps_its_hyphen() -> None:
    vocab = vocabulary(["intelligence-led work", "intelligenceled"])
    assert join_lines(["intelligence-", "led inspections"], vocab) == "intelligence-led inspections"


def test_urls_broken_at_a_hyphen_rejoin_without_space() -> None:
    assert join_lines(["years-ending-", "2012-to-2017"]) == "years-ending-2012-to-2017"


def test_dash_between_words_keeps_its_spaces() -> None:
    assert join_lines(["Jason Prins –", "Jason.Prins@met"]) == "Jason Prins – Jason.Prins@met"


@given(st.lists(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=30)))
def test_join_keeps_every_non_space_character_but_hyphens(lines: list[str]) -> None:
    """Joining never invents or loses characters other than spaces and removed hyphens."""
    joined = join_lines(lines)
    strip = lambda s: "".join(ch for ch in s if not ch.isspace() and ch != "-")  # noqa: E731
    assert strip(joined) == strip("".join(line.strip() for line in lines))


@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_line(text)
    assert normalize_line(once) == once


# -- characters that must never be shown ----------------------------------------------------

# Every character display_text, safe_text and normalize_line must remove (or turn into a space).
C0_C1 = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]
BIDI = [*"\u061c\u200e\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
ZERO_WIDTH = [*"\u200b\u200c\u200d\u2060\ufeff"]
NEVER_SHOWN = frozenset([*C0_C1, *BIDI, *ZERO_WIDTH, "\ud800", "\udfff", "\ufffe", "\uffff"])
HOSTILE = "\x00\x07\x1b[31m\u202e\u200b\u2066\x9b\r\n\t"


def shown_badly(text: str) -> set[str]:
    return set(text) & NEVER_SHOWN


def test_normalize_line_drops_controls_bidi_and_zero_width_characters() -> None:
    assert normalize_line("Op\x00 NIGHT\x07JAR\x1b[2J") == "Op NIGHTJAR[2J"
    assert normalize_line("\u202eevil\u2066 \u200btext\u2069\u200f\u061c\x9b") == "evil text"
    assert normalize_line("a\nb\rc\x0bd\u2028e\x85f") == "a b c d e f"  # breaks: spaces
    assert normalize_line("(cid:3) \x00item") == "• item"


@given(st.text(max_size=80))
def test_normalize_line_never_keeps_a_character_never_shown(text: str) -> None:
    assert not shown_badly(normalize_line(text))


def test_display_text_is_one_clean_line() -> None:
    assert display_text(f"  Night{HOSTILE}Owl \n\n Bulletin ") == "Night[31m Owl Bulletin"
    assert display_text("<mark>county\u202e lines</mark>\x00") == "<mark>county lines</mark>"
    assert display_text("tab\there\r\nnext\u2029line") == "tab here next line"


def test_display_text_caps_length_with_an_ellipsis() -> None:
    assert display_text("short", 10) == "short"
    capped = display_text("word " * 100, 50)
    assert len(capped) <= 50 and capped.endswith("…") and capped.startswith("word word")
    assert " …" not in capped  # cut at a word break, no space before the ellipsis
    assert display_text("x" * 30, 10) == "x" * 9 + "…"
    assert display_text("anything", 0) == ""


@given(st.text(), st.none() | st.integers(min_value=0, max_value=300))
def test_display_text_property(text: str, limit: int | None) -> None:
    shown = display_text(text, limit)
    assert not shown_badly(shown)
    assert "\n" not in shown and "\t" not in shown and "  " not in shown
    assert shown == shown.strip()
    if limit is not None:
        assert len(shown) <= limit
    if limit is None or len(shown) < limit:
        assert display_text(shown, limit) == shown  # idempotent


@given(st.text())
def test_safe_text_keeps_lines_and_nothing_never_shown(text: str) -> None:
    safe = safe_text(text)
    assert not shown_badly(safe.replace("\n", "").replace("\t", ""))
    assert safe.count("\n") == text.replace("\r\n", "\n").replace("\r", "\n").count("\n")


def test_safe_text_and_safe_json() -> None:
    assert safe_text("one\r\ntwo\rthree\n\nfour\x1b[0m\u202e") == "one\ntwo\nthree\n\nfour[0m"
    data = {"title\x00": ["a\u202eb", ("c\x07", 3)], "n": None, "x": 1.5, "ok": True}
    assert safe_json(data) == {"title": ["ab", ["c", 3]], "n": None, "x": 1.5, "ok": True}


def test_escape_text_shows_what_was_there_on_one_line() -> None:
    assert escape_text("/a\nGET /forged 200") == "/a\\nGET /forged 200"
    assert escape_text("x\r\x1b[31m\u202e\u200b\\n") == "x\\r\\x1b[31m\\u202e\\u200b\\\\n"
    assert escape_text("Café – “quotes” 🙂") == "Café – “quotes” 🙂"


@given(st.text())
def test_escape_text_property(text: str) -> None:
    """Nothing never shown is left, and the escapes read back as exactly the text."""
    escaped = escape_text(text)
    assert not shown_badly(escaped)
    assert escaped.encode("ascii", "backslashreplace").decode("unicode_escape") == text


def test_a_prefix_s_own_hyphen_stays_at_a_line_end() -> None:
    assert join_lines(["an anti-", "fraud campaign"]) == "an anti-fraud campaign"
    assert join_lines(["a multi-", "agency team"]) == "a multi-agency team"
