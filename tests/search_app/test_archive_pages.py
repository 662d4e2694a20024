"""Pages of an archive of several editions: the fictional Riverside bulletin of the contract
tests (three editions, 2018 to 2020)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def riverside(riverside_app: Flask) -> FlaskClient:
    return riverside_app.test_client()


def _bars(html: str) -> list[tuple[str, int, str]]:
    """(label, count, link) of each bar of the results chart."""
    figure = re.search(r'<figure class="over-time">(.*?)</figure>', html, re.S)
    assert figure is not None, "no chart"
    bars = re.findall(
        r'<a href="([^"]+)"><rect [^>]*><title>([^:]+): (\d+) articles?</title>', figure.group(1)
    )
    return [(label, int(count), href.replace("&amp;", "&")) for href, label, count in bars]


def test_the_results_chart_counts_matches_per_year_and_narrows_to_one(
    riverside: FlaskClient,
) -> None:
    bars = _bars(riverside.get("/?q=cardiff").get_data(as_text=True))
    assert [(label, count) for label, count, _ in bars] == [("2018", 1), ("2019", 1), ("2020", 1)]
    narrowed = riverside.get(bars[1][2]).get_data(as_text=True)
    assert "year=2019" in bars[1][2] and "q=cardiff" in bars[1][2]
    assert re.search(r"1 article\s+matches", narrowed)
    # a year without matches between two with them is a bar at zero
    bars = _bars(riverside.get("/?q=slavery+OR+Wales").get_data(as_text=True))
    assert [(label, count) for label, count, _ in bars] == [("2018", 1), ("2019", 1), ("2020", 1)]
    gap = _bars(riverside.get("/?q=hmrc+OR+%22slavery+review%22").get_data(as_text=True))
    assert [(label, count) for label, count, _ in gap] == [("2018", 1), ("2019", 0), ("2020", 1)]


def test_the_chart_has_its_figures_as_a_table_and_is_left_out_for_one_year(
    riverside: FlaskClient,
) -> None:
    html = riverside.get("/?q=cardiff").get_data(as_text=True)
    table = re.search(r'<details class="figures">(.*?)</details>', html, re.S)
    assert table is not None and '<th scope="row"><a href=' in table.group(1)
    assert 'role="group"' in html and "<desc" in html  # (bars are links: not an image)
    one_year = riverside.get("/?q=ajaxis").get_data(as_text=True)  # one article, in 2019
    assert '<figure class="over-time">' not in one_year
