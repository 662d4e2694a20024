"""Boilerplate detection (issue 18, part 3): paragraphs that recur, nearly word for word, in
several editions of one publication.

Every publication, person, e-mail address and phone number below is fictional (the numbers
are in Ofcom's 01632 960xxx range, kept for drama)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indexer.boilerplate import (
    MIN_EDITIONS,
    MIN_WORDS,
    THRESHOLD,
    Boilerplate,
    BoilerplateGroup,
    find_boilerplate,
    mask,
    normalize,
    paragraph_spans,
    similarity,
    strip,
)
from tests.conftest import ROOT

# --- fictional examples --------------------------------------------------------------------------

CONTACTS = (
    "Partnership contacts: {name}, Partnership Coordinator, 01632 960 {tel}, "
    "{email}@northshire-csp.example; Priya Shah, Analyst, 01632 960 733, "
    "priya.shah@northshire-csp.example; Tom Reid, Communications, 01632 960 219, "
    "tom.reid@northshire-csp.example."
)
DISCLAIMERS = (  # one disclaimer, set in four editions' column widths
    "The views expressed in this bul-\nletin are those of the contributors and do not "
    "necessarily reflect the policy of the Northshire Community Safety Partnership.",
    "The views expressed in this bulletin are those of the contribu-\ntors and do not "
    "necessarily reflect the policy of the Northshire Community Safety Partnership.",
    "The views expressed in this bulletin are those of the contributors and do not "
    "necessar\u00adily reflect the policy of the North-\nshire Community Safety Partnership.",
    "The views expressed in this bulletin are those of the contributors and do not neces- "
    "sarily reflect the policy of the Northshire Community Safety Partner- ship.",
)
MORE_INFORMATION = (
    "For more information about the Safer Streets programme, or to suggest a project for a "
    "future edition, contact the Partnership Support Team at {email} or on 01632 960 100."
)
MASTHEAD = (
    "NORTHSHIRE PARTNERSHIP BULLETIN · Issue {issue} · {month} 2025 · Produced by the "
    "Community Safety Partnership analysts"
)
COUNTY_LINES = (  # three articles on one subject, none a copy of another
    "County lines gangs use dedicated mobile phone lines to move drugs from cities into "
    "coastal towns, and they exploit children and vulnerable adults to carry the drugs and "
    "the cash.",
    "Officers in coastal towns told the partnership that children exploited by county lines "
    "gangs are often reported missing before police find them carrying drugs on trains.",
    "The county lines coordinator for Northshire said that drug dealing lines run from the "
    "cities rely on children, and that coastal towns see the most exploitation of vulnerable "
    "adults.",
)
REPRINTED = (
    "Volunteers from Eastbrook Youth Trust repainted the underpass on Mill Lane in a single "
    "weekend, and reports of antisocial behaviour there have fallen since."
)


def story(number: int) -> str:
    """An article's own two paragraphs, of made-up words (few shared with other stories)."""
    rng = random.Random(number)
    syllables = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
    words = ["".join(rng.choices(syllables, k=3)) for _ in range(60)]
    return " ".join(words[:30]).capitalize() + ".\n\n" + " ".join(words[30:]).capitalize() + "."


def example_editions() -> dict[str, list[str]]:
    """Five fictional editions: a contact list (one phone number and, in edition 5, a name
    changing), a disclaimer reflowed each time, a "for more information" paragraph with its
    e-mail address changing, a masthead line, county lines articles, and a story reprinted
    once."""
    contacts = [
        CONTACTS.format(name="Alex Morgan", tel="481", email="alex.morgan"),
        CONTACTS.format(name="Alex Morgan", tel="481", email="alex.morgan"),
        CONTACTS.format(name="Alex Morgan", tel="482", email="alex.morgan"),
        CONTACTS.format(name="Alex Morgan", tel="482", email="alex.morgan"),
        CONTACTS.format(name="Sam Okoro", tel="502", email="sam.okoro"),
    ]
    emails = ["saferstreets", "safer.streets", "partnership.support", "sst-team", "sst"]
    months = ["January", "March", "May", "July", "September"]
    editions: dict[str, list[str]] = {}
    for n in range(5):
        masthead = MASTHEAD.format(issue=11 + n, month=months[n])
        more = MORE_INFORMATION.format(email=f"{emails[n]}@northshire.example")
        editions[f"nsb-{11 + n}"] = [
            f"{masthead}\n\n{story(10 * n)}",
            f"{story(10 * n + 1)}\n\n{COUNTY_LINES[n % 3]}\n\n{more}",
            f"{story(10 * n + 2)}\n\n{DISCLAIMERS[n % 4]}",
            contacts[n],  # a contact box: an article of its own
        ]
    editions["nsb-12"].append(REPRINTED)
    editions["nsb-14"].append(f"From our last issue.\n\n{REPRINTED}")
    return editions


@pytest.fixture(scope="module")
def found() -> Boilerplate:
    return find_boilerplate(example_editions())


def group_with(found: Boilerplate, words: str) -> BoilerplateGroup:
    (group,) = (group for group in found.groups if words in group.text)
    return group


def flagged(found: Boilerplate, editions: dict[str, list[str]]) -> set[str]:
    """The paragraphs of ``editions`` found to be boilerplate."""
    bodies = [body for bodies in editions.values() for body in bodies]
    return {body[start:end] for body in bodies for start, end in found.spans(body)}


EDITIONS = ("nsb-11", "nsb-12", "nsb-13", "nsb-14", "nsb-15")


def test_a_contact_list_whose_number_and_one_name_change_is_one_group(found: Boilerplate) -> None:
    group = group_with(found, "Partnership contacts")
    assert group.editions == EDITIONS
    assert len(group.variants) == 2  # the phone numbers normalise alike; the name does not
    assert group.text == CONTACTS.format(name="Alex Morgan", tel="481", email="alex.morgan")
    renamed = CONTACTS.format(name="Sam Okoro", tel="502", email="sam.okoro")
    assert found.match(renamed) == group
    assert found.spans(renamed) == ((0, len(renamed)),)  # (the whole body of its article)


def test_a_disclaimer_reflowed_with_other_line_end_hyphens_is_one_variant(
    found: Boilerplate,
) -> None:
    assert len({normalize(text) for text in DISCLAIMERS}) == 1
    group = group_with(found, "views expressed")
    assert group.editions == EDITIONS
    assert group.variants == (normalize(DISCLAIMERS[0]),)
    assert "this bulletin are" in group.variants[0] and "necessarily" in group.variants[0]
    assert group.text == DISCLAIMERS[0]  # (the commonest copy: editions 11 and 15)


def test_a_for_more_information_paragraph_with_its_email_changing(found: Boilerplate) -> None:
    group = group_with(found, "For more information")
    assert group.editions == EDITIONS
    assert len(group.variants) == 5
    new_address = MORE_INFORMATION.format(email="bulletin.editor@northshire.example")
    assert found.match(new_address) == group


def test_a_masthead_line_whose_issue_and_month_change(found: Boilerplate) -> None:
    group = group_with(found, "NORTHSHIRE PARTNERSHIP BULLETIN")
    assert group.editions == EDITIONS
    assert group.variants == (
        "northshire partnership bulletin issue 0 produced by the community safety partnership "
        "analysts",
    )


def test_a_paragraph_sharing_part_of_a_recurring_one_is_not_a_copy(found: Boilerplate) -> None:
    """(Each shares enough with a group's variant to be compared with it.)"""
    contacts = CONTACTS.format(name="Alex Morgan", tel="481", email="alex.morgan")
    for paragraph, recurring in (
        (
            "The views expressed in this bulletin are those of the authors and may not reflect "
            "the policies of Northshire County Council or any of its partner agencies.",
            DISCLAIMERS[0],
        ),
        (
            "The views expressed in this bulletin are those of the contributors and do not "
            "always match the views held by Northshire County Council or its partners.",
            DISCLAIMERS[0],
        ),
        (
            "Partnership contacts: Alex Morgan, Partnership Coordinator, 01632 960 481, "
            "alex.morgan@northshire-csp.example; Jo Price, Data Officer, 01632 960 555, "
            "jo.price@northshire-csp.example.",
            contacts,
        ),
    ):
        assert 0.25 < similarity(paragraph, recurring) < THRESHOLD
        assert found.match(paragraph) is None
        assert found.spans(f"{paragraph}\n\n{recurring}") == (
            (len(paragraph) + 2, len(paragraph) + 2 + len(recurring)),
        )


def test_articles_on_one_subject_are_not_copies(found: Boilerplate) -> None:
    """County lines, three times, in five editions: many words in common, no copy."""
    for a in COUNTY_LINES:
        for b in COUNTY_LINES:
            assert a == b or similarity(a, b) < 0.2
    assert not flagged(found, example_editions()) & set(COUNTY_LINES)
    assert all("county lines" not in group.text.lower() for group in found.groups)


def test_a_story_reprinted_in_two_editions_is_not_boilerplate(found: Boilerplate) -> None:
    assert REPRINTED not in flagged(found, example_editions())
    twice = find_boilerplate(example_editions(), min_editions=2)
    assert group_with(twice, "Volunteers").editions == ("nsb-12", "nsb-14")


def test_exactly_the_recurring_paragraphs_are_found(found: Boilerplate) -> None:
    """(Groups in as many editions come in the order of their text.)"""
    assert [group.text.split()[0] for group in found.groups] == [
        "For",
        "NORTHSHIRE",
        "Partnership",
        "The",
    ]
    assert [group.edition_count for group in found.groups] == [5, 5, 5, 5]
    editions = example_editions()
    assert flagged(found, editions) == {
        paragraph
        for bodies in editions.values()
        for body in bodies
        for paragraph in body.split("\n\n")
        if paragraph.startswith(("NORTHSHIRE", "Partnership", "For more", "The views"))
    }


def test_groups_are_sorted_by_how_many_editions_carry_them() -> None:
    editions = {f"e{n}": [story(100 + n), REPRINTED] for n in range(3)}
    for n in range(3, 7):
        editions[f"e{n}"] = [story(100 + n), DISCLAIMERS[0]]
    found = find_boilerplate(editions)
    assert [group.edition_count for group in found.groups] == [4, 3]
    assert [group.text for group in found.groups] == [DISCLAIMERS[0], REPRINTED]


def test_the_text_shown_is_the_commonest_copy() -> None:
    plain = "Contact the editorial team at editor@northshire.example with your news."
    shouted = plain.upper()
    editions = {"a": [shouted], "b": [plain], "c": [plain], "d": [shouted, plain]}
    (group,) = find_boilerplate(editions).groups
    assert group.text == plain and group.variants == (normalize(plain),)


def test_a_paragraph_at_the_threshold_is_a_copy() -> None:
    """Five paragraphs of 31 words, each in edition a, and in editions b and c with its last
    ten words replaced: 20 word pairs of 40 shared, a similarity of exactly THRESHOLD. (Not
    every such pair is compared, but most are: at least one of five.) With eleven replaced
    words, never."""
    for replaced, found_some in ((10, True), (11, False)):
        editions: dict[str, list[str]] = {"a": [], "b": [], "c": []}
        for n in range(5):
            words = story(200 + n).replace(".", "").split()
            original, changed = words[:31], words[: 31 - replaced] + words[31 : 31 + replaced]
            assert similarity(" ".join(original), " ".join(changed)) == (
                THRESHOLD if replaced == 10 else 19 / 41
            )
            editions["a"].append(" ".join(original))
            editions["b"].append(" ".join(changed))
            editions["c"].append(" ".join(changed))
        groups = find_boilerplate(editions).groups
        assert bool(groups) == found_some
        assert all(group.editions == ("a", "b", "c") for group in groups)


def test_copies_in_one_edition_count_once() -> None:
    paragraph = DISCLAIMERS[1]
    editions = {"a": [paragraph, paragraph, f"{paragraph}\n\n{paragraph}"], "b": [paragraph]}
    assert find_boilerplate(editions).is_empty
    editions["c"] = [paragraph]
    (group,) = find_boilerplate(editions).groups
    assert group.editions == ("a", "b", "c")


def test_short_paragraphs_are_never_boilerplate() -> None:
    short = "For more information, please contact the team."  # seven words
    assert len(normalize(short).split()) == MIN_WORDS - 1
    editions = {f"e{n}": [f"{story(n)}\n\n{short}"] for n in range(6)}
    assert find_boilerplate(editions).is_empty
    longer = "For more information, please contact the team today."
    editions = {f"e{n}": [f"{story(n)}\n\n{longer}"] for n in range(6)}
    assert find_boilerplate(editions).groups[0].text == longer


def test_copies_in_a_new_edition_are_found() -> None:
    found = find_boilerplate(example_editions())
    new = [
        f"{story(900)}\n\n" + MASTHEAD.format(issue=16, month="November"),
        "Partnership contacts: Alex Morgan, Partnership Coordinator, 01632 960 999, "
        "alex.morgan@northshire-csp.example; Priya Shah, Senior Analyst, 01632 960 733, "
        "priya.shah@northshire-csp.example; Tom Reid, Communications, 01632 960 219, "
        "tom.reid@northshire-csp.example.",
    ]
    masthead_start = len(story(900)) + 2
    assert found.spans(new[0]) == ((masthead_start, len(new[0])),)
    assert found.spans(new[1]) == ((0, len(new[1])),)
    assert found.spans(story(901)) == ()
    assert found.match(COUNTY_LINES[0]) is None


def test_nothing_found_is_empty() -> None:
    assert find_boilerplate({}).is_empty
    assert find_boilerplate({"a": [], "b": [""]}).is_empty
    nothing = Boilerplate()
    assert nothing.is_empty and nothing.groups == ()
    assert nothing.spans(DISCLAIMERS[0]) == () and nothing.match(DISCLAIMERS[0]) is None
    assert not find_boilerplate(example_editions()).is_empty


def test_min_editions_must_be_two_or_more() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        find_boilerplate(example_editions(), min_editions=1)
    assert MIN_EDITIONS == 3


def test_a_boilerplate_is_its_groups() -> None:
    """Equal groups, equal objects (hashable), whatever made them; a rebuilt one finds the
    same copies."""
    found = find_boilerplate(example_editions())
    stored = json.loads(json.dumps([dataclasses.asdict(group) for group in found.groups]))
    rebuilt = Boilerplate(
        tuple(
            BoilerplateGroup(group["text"], tuple(group["editions"]), tuple(group["variants"]))
            for group in stored
        )
    )
    assert rebuilt == found and hash(rebuilt) == hash(found)
    assert rebuilt != find_boilerplate(example_editions(), min_editions=2)
    renamed = CONTACTS.format(name="Sam Okoro", tel="502", email="sam.okoro")
    assert rebuilt.spans(renamed) == found.spans(renamed) == ((0, len(renamed)),)


# (and the band keys: a change to them changes which paragraphs are compared, which these
# examples alone might not show)
RESULT = """
import json, sys
from indexer.boilerplate import _Signer, _words, find_boilerplate
from tests.indexer.test_boilerplate import example_editions
found = find_boilerplate(example_editions())
spans = [found.spans(body) for bodies in example_editions().values() for body in bodies]
keys = [_Signer().keys(_words(body)[1]) for body in example_editions()["nsb-12"]]
print(json.dumps([repr(found), spans, keys]))
"""


@pytest.mark.slow
def test_the_result_does_not_depend_on_hash_randomisation() -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", RESULT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert "Partnership contacts" in outputs.pop()


# --- normalisation and similarity ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Call 01632 960 481 (Tuesday 4th March) or e-mail Jo.", "call 0 or email jo"),
        ("Issue 14, 12 March 2025, 10am–4pm", "issue 0"),
        (
            "the INFOR-\nMATION, the infor- mation, the infor\u00admation",
            "the information the information the information",
        ),
        ("Café Ærø: “quoted” — dashed… ’twas", "cafe ærø quoted dashed twas"),
        ("police - led and police -led", "police led and police led"),
        ("well-“known”, self-\u2019made", "well known self made"),
        ("covid-19 in 2020/21: 1st, 2nd & 3rd waves", "covid 0 in 0 waves"),
        ("a\u00a0b\u2003c\tD\n\nE", "a b c d e"),
        ("", ""),
    ],
)
def test_normalize(text: str, normalised: str) -> None:
    assert normalize(text) == normalised


def test_similarity_forgives_a_changed_word_and_not_a_new_text() -> None:
    eight = "Please send your articles to the editorial team."
    assert len(normalize(eight).split()) == MIN_WORDS
    assert similarity(eight, eight.replace("articles", "stories")) >= THRESHOLD
    assert similarity(eight, eight.upper().replace(".", "!")) == 1.0
    two_words = CONTACTS.format(name="Alex Morgan", tel="1", email="alex.morgan")
    renamed = CONTACTS.format(name="Sam Okoro", tel="2", email="sam.okoro")
    assert THRESHOLD <= similarity(two_words, renamed) < 0.7
    assert similarity(eight, "Please send your comments on the draft strategy to Jo.") < 0.2
    assert similarity(COUNTY_LINES[0], COUNTY_LINES[1]) < 0.1


_MONTHS = "january february march april may june july august september october november december"
_DATE = {
    *_MONTHS.split(),
    *(month[:3] for month in _MONTHS.split()),
    "sept",
    *(f"{day}day" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")),
}


def reference_normalize(paragraph: str) -> str:
    """normalize() the long way (NFKD for every text, words by regular expression)."""
    text = unicodedata.normalize("NFKD", paragraph).casefold()
    text = re.sub("[\u0300-\u036f\u200b-\u200d\u2060\ufeff]", "", text).replace("\u2010", "-")
    text = re.sub(r"(?<=[^\W\d_])[-\u00ad]\s*(?=[^\W\d_])", "", text).replace("\u00ad", "")
    out: list[str] = []
    for word in re.findall(r"[^\W_]+", text):
        word = re.sub("[0-9]", "0", word)
        if word in _DATE or re.fullmatch("0+(st|nd|rd|th|am|pm)?", word):
            if out and out[-1] == "0":
                continue
            word = "0"
        out.append(word)
    return " ".join(out)


TRICKY = (
    "aeAE09 -_.,'@\n\t\u00a0\u00ad\u2010\u2011\u2013\u2014\u2017\u2019\u201c\u2026\u2032£€ß"
    "éİıﬁ²٣ΣΩжnJmay"
)


@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=60))
def test_normalize_takes_short_ways_to_the_same_words(text: str) -> None:
    assert normalize(text) == reference_normalize(text)


@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


# --- paragraphs, strip and mask ------------------------------------------------------------------

bodies = st.text(alphabet=st.sampled_from("ab \n\t\r\u00a0\u2029."), max_size=40)


def test_paragraph_spans() -> None:
    body = "  First line\nstill first.  \n\n\n Second. \n \t\n\nThird\n"
    spans = paragraph_spans(body)
    assert [body[start:end] for start, end in spans] == [
        "First line\nstill first.",
        "Second.",
        "Third",
    ]
    assert spans[0] == (2, 25)
    assert paragraph_spans("") == paragraph_spans(" \n\n ") == ()
    assert paragraph_spans("one") == ((0, 3),)


@given(bodies)
def test_paragraph_spans_are_the_trimmed_text_between_blank_lines(body: str) -> None:
    spans = paragraph_spans(body)
    done = 0
    for start, end in spans:
        assert done <= start < end <= len(body)
        text = body[start:end]
        assert text == text.strip() and not re.search(r"\n\s*\n", text)
        assert not body[done:start].strip()  # only white space between paragraphs
        if done:
            assert re.search(r"\n\s*\n", body[done:start])
        done = end
    assert not body[done:].strip()


@given(bodies, st.data())
def test_mask_keeps_every_offset(body: str, data: st.DataObject) -> None:
    spans = paragraph_spans(body)
    masked_spans = data.draw(st.sets(st.sampled_from(spans)) if spans else st.just(set()))
    masked = mask(body, masked_spans)
    assert len(masked) == len(body)
    inside = {i for start, end in masked_spans for i in range(start, end)}
    for i, (before, after) in enumerate(zip(body, masked, strict=True)):
        assert after == (" " if i in inside else before)
    assert paragraph_spans(masked) == tuple(s for s in spans if s not in masked_spans)


@given(bodies, st.data())
def test_strip_removes_exactly_those_paragraphs(body: str, data: st.DataObject) -> None:
    spans = paragraph_spans(body)
    removed = data.draw(st.sets(st.sampled_from(spans)) if spans else st.just(set()))
    stripped = strip(body, removed)
    kept = [body[start:end] for start, end in spans if (start, end) not in removed]
    assert [stripped[start:end] for start, end in paragraph_spans(stripped)] == kept
    if not removed:
        assert stripped == body


def test_strip_and_mask() -> None:
    body = f"{story(1)}\n\n{DISCLAIMERS[0]}\n\n{story(2)}"
    found = find_boilerplate({f"e{n}": [DISCLAIMERS[n % 4]] for n in range(3)})
    spans = found.spans(body)
    assert len(spans) == 1
    assert strip(body, spans) == f"{story(1)}\n\n{story(2)}"
    masked = mask(body, spans)
    assert masked == body.replace(DISCLAIMERS[0], " " * len(DISCLAIMERS[0]))
    assert masked.index(story(2)) == body.index(story(2))
    assert mask(body, [(0, 3), (1, 5)]) == " " * 5 + body[5:]  # (overlapping spans too)


def test_strip_and_mask_refuse_spans_of_another_body() -> None:
    body = "One paragraph.\n\nAnother one."
    with pytest.raises(ValueError, match="not paragraphs"):
        strip(body, [(0, 3)])
    with pytest.raises(ValueError, match="not within"):
        mask(body, [(20, 40)])
    with pytest.raises(ValueError, match="not within"):
        mask(body, [(5, 2)])


# --- properties of the detection -----------------------------------------------------------------

TREES = "alder birch cedar damson elder fir gorse hazel ivy juniper larch maple oak pine rowan"
VOCABULARY = [*TREES.split(), "spruce", "teak", "willow", "yew", "aspen", "beech", "holly"]
paragraphs = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14).map(" ".join)


@st.composite
def publications(draw: st.DrawFn) -> dict[str, list[str]]:
    """Editions drawing their paragraphs from a small pool, some changed by a word."""
    pool = draw(st.lists(paragraphs, min_size=1, max_size=5))
    editions: dict[str, list[str]] = {}
    for number in range(draw(st.integers(0, 6))):
        bodies = []
        for _ in range(draw(st.integers(0, 3))):
            chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
            if draw(st.booleans()):  # another word
                chosen[0] = f"{chosen[0]} {draw(st.sampled_from(VOCABULARY))}"
            if draw(st.booleans()):  # other case and punctuation, the same words
                chosen[-1] = f"{chosen[-1].upper()}!"
            bodies.append("\n\n".join(chosen))
        editions[f"edition-{number}"] = bodies
    return editions


@settings(max_examples=60, deadline=None)
@given(publications(), st.randoms(use_true_random=False))
def test_the_order_of_editions_and_articles_does_not_matter(
    editions: dict[str, list[str]], rng: random.Random
) -> None:
    shuffled = list(editions.items())
    rng.shuffle(shuffled)
    reordered = {edition: rng.sample(bodies, len(bodies)) for edition, bodies in shuffled}
    assert find_boilerplate(reordered) == find_boilerplate(editions)


@settings(max_examples=60, deadline=None)
@given(publications(), st.integers(2, 4))
def test_every_group_is_in_enough_editions_and_found_there(
    editions: dict[str, list[str]], min_editions: int
) -> None:
    found = find_boilerplate(editions, min_editions=min_editions)
    for group in found.groups:
        assert group.edition_count >= min_editions
        assert list(group.editions) == sorted(set(group.editions))
        for edition in group.editions:
            copies = [
                body[start:end]
                for body in editions[edition]
                for start, end in found.spans(body)
                if normalize(body[start:end]) in group.variants
            ]
            assert copies, (group, edition)
        assert normalize(group.text) in group.variants
        assert any(group.text in body for bodies in editions.values() for body in bodies)
    for bodies in editions.values():
        for body in bodies:
            assert set(found.spans(body)) <= set(paragraph_spans(body))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(paragraphs, min_size=1, max_size=8),
    paragraphs,
    st.integers(2, 4),
    st.data(),
)
def test_a_paragraph_in_fewer_editions_than_min_editions_is_never_boilerplate(
    others: list[str], target: str, min_editions: int, data: st.DataObject
) -> None:
    """Copies of ``target`` in min_editions - 1 editions (maybe more than once in one), and
    anything else that is not a copy of it, anywhere."""
    assume(len(normalize(target).split()) >= MIN_WORDS)
    assume(all(similarity(target, other) < THRESHOLD for other in others))
    editions: dict[str, list[str]] = {}
    for number in range(min_editions + 2):
        filler = data.draw(st.lists(st.sampled_from(others), max_size=3))
        copies = [target] * data.draw(st.integers(1, 2)) if number < min_editions - 1 else []
        editions[f"e{number}"] = ["\n\n".join([*filler, *copies])]
    found = find_boilerplate(editions, min_editions=min_editions)
    for (body,) in editions.values():
        assert all(body[start:end] != target for start, end in found.spans(body))
    assert found.match(target) is None
