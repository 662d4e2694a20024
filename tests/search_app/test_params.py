from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from indexer.errors import SearchQueryError
from indexer.index import FACET_TYPES, SORTS
from search_app.params import MAX_QUERY_CHARS, SearchParams


def parse(**args: object) -> SearchParams:
    items = [(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])]
    return SearchParams.from_args(MultiDict(items))


def test_defaults() -> None:
    params = parse()
    assert params == SearchParams()
    assert params.args() == {}


def test_reads_every_state() -> None:
    params = parse(
        q="county lines",
        agency=["hmrc", "nca"],
        region="wales",
        **{"from": "2017", "to": "2018-06"},
        sort="newest",
        page="3",
        per_page="20",
    )
    assert params.q == "county lines"
    assert params.filter_map == {"agency": ["hmrc", "nca"], "region": ["wales"]}
    assert (params.date_from, params.date_to, params.sort, params.page, params.per_page) == (
        "2017",
        "2018-06",
        "newest",
        3,
        20,
    )


def test_blank_and_repeated_filter_values_are_dropped() -> None:
    assert parse(agency=["", " hmrc ", "hmrc"]).filter_map == {"agency": ["hmrc"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "²"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "too long"),
        ({"q": "a\x00b"}, "control character"),
        ({"q": "a\x1bb"}, "control character"),
        ({"agency": [f"a{i}" for i in range(21)]}, "At most"),
    ],
)
def test_bad_parameters_say_what_is_wrong(args: dict[str, object], message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        parse(**args)


def test_toggle_adds_and_removes_and_resets_the_page() -> None:
    params = parse(q="fraud", agency="hmrc", page="4")
    added = params.toggled("agency", "nca")
    assert added.filter_map == {"agency": ["hmrc", "nca"]} and added.page == 1
    removed = added.toggled("agency", "hmrc").toggled("agency", "nca")
    assert removed.filter_map == {} and removed.q == "fraud"


printable = st.characters(blacklist_categories=["Cc", "Cs"])
values = st.text(printable, min_size=1, max_size=8).filter(lambda v: v.strip() == v)


@given(
    q=st.text(printable, max_size=40),
    filters=st.dictionaries(
        st.sampled_from(FACET_TYPES), st.lists(values, min_size=1, max_size=3, unique=True)
    ),
    sort=st.sampled_from(SORTS),
    page=st.integers(1, 1000),
)
def test_args_round_trip(q: str, filters: dict[str, list[str]], sort: str, page: int) -> None:
    """A search's URL arguments read back as the same search: what bookmarks rely on."""
    params = SearchParams(q=q, sort=sort, page=page).with_filters(filters)
    assert parse(**params.args()) == params
