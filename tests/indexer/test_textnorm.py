from hypothesis import given
from hypothesis import strategies as st

from indexer.textnorm import join_lines, normalize_line, vocabulary


def test_ligatures_fold_but_typography_stays() -> None:
    assert normalize_line("eﬀective ﬁnancial “quotes” – 1½") == "effective financial “quotes” – 1½"


def test_white_space_and_invisible_characters() -> None:
    assert normalize_line("  a\u00a0\u00a0b\tc\u200b d\u00ad  ") == "a b c d"


def test_unmapped_bullet_glyph_becomes_a_bullet() -> None:
    assert normalize_line("(cid:127) Proactive inspections") == "• Proactive inspections"


def test_hyphen_removed_only_when_the_joined_word_is_used() -> None:
    vocab = vocabulary(["the investigation went well"])
    assert join_lines(["an investi-", "gation began"], vocab) == "an investigation began"
    assert join_lines(["police-", "style powers"], vocab) == "police-style powers"


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
