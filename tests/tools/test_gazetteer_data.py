"""The committed gazetteer (indexer/tagging/gazetteer/*.tsv) is well-formed and complete.

These tests read only the committed files, so they need no shared data; the last ones rebuild
the files from ../shared/data/gazetteer-sources when that folder is present.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from indexer.tagging.gazetteer import COLUMNS, FILES
from tools import build_gazetteer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "indexer" / "tagging" / "gazetteer"
SHARED = Path(os.environ.get("BULLETINS_SHARED_DIR", ROOT.parent / "shared"))
SOURCES = SHARED / "data" / "gazetteer-sources"

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The tagger compares names on tokens: lower case, "&" = "and", no hyphens, no possessive 's.
TOKEN = re.compile(r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]")

Row = dict[str, str]


def split(cell: str) -> list[str]:
    return [part for part in cell.split("|") if part]


def load(kind: str) -> dict[str, Row]:
    path = DATA / FILES[kind]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert tuple(reader.fieldnames or ()) == COLUMNS, f"{path.name}: bad header"
        rows: dict[str, Row] = {}
        for line, row in enumerate(reader, start=2):
            assert None not in row and None not in row.values(), f"{path.name}:{line}: columns"
            assert row["type"] == kind, f"{path.name}:{line}: type {row['type']!r}"
            assert SLUG.fullmatch(row["id"]), f"{path.name}:{line}: id {row['id']!r}"
            assert row["id"] not in rows, f"{path.name}:{line}: duplicate id {row['id']!r}"
            assert row["label"].strip(), f"{path.name}:{line}: empty label"
            rows[row["id"]] = row
    return rows


@pytest.fixture(scope="module")
def gaz() -> dict[str, dict[str, Row]]:
    return {kind: load(kind) for kind in FILES}


@pytest.fixture(scope="module")
def places(gaz: dict[str, dict[str, Row]]) -> dict[str, Row]:
    return gaz["place"]


@pytest.fixture(scope="module")
def agencies(gaz: dict[str, dict[str, Row]]) -> dict[str, Row]:
    return gaz["agency"]


def chain(places: dict[str, Row], place_id: str) -> list[str]:
    """The place and its ancestors up to the root; fails on a missing parent or a cycle."""
    out = [place_id]
    while places[out[-1]]["parent"]:
        parent = places[out[-1]]["parent"]
        assert parent in places, f"{out[-1]}: parent {parent!r} does not exist"
        assert parent not in out, f"{place_id}: parent cycle {[*out, parent]}"
        out.append(parent)
    return out


def name_key(name: str) -> tuple[str, ...]:
    tokens = [t for t in TOKEN.findall(name) if t not in {"-", "–", "'s", "’s"}]
    return tuple("and" if t == "&" else t.lower() for t in tokens)


# --- format ----------------------------------------------------------------------------------


def test_every_file_parses_with_the_header(gaz: dict[str, dict[str, Row]]) -> None:
    assert all(gaz.values())
    assert set(path.name for path in DATA.glob("*.tsv")) == set(FILES.values())


def test_files_are_sorted_utf8_with_unix_newlines() -> None:
    for name in FILES.values():
        data = (DATA / name).read_bytes()
        assert b"\r" not in data and data.endswith(b"\n"), name
        ids = [line.split("\t")[1] for line in data.decode("utf-8").splitlines()[1:]]
        assert ids == sorted(ids), f"{name} is not sorted by id"


def test_cells_are_clean(gaz: dict[str, dict[str, Row]]) -> None:
    for kind, rows in gaz.items():
        for row in rows.values():
            where = f"{kind} {row['id']}"
            for column in ("aliases", "acronyms", "former", "hints"):
                parts = row[column].split("|") if row[column] else []
                assert all(p and p == p.strip() for p in parts), f"{where}: empty/padded {column}"
            for acronym in split(row["acronyms"]):
                assert re.fullmatch(r"\w+", acronym), f"{where}: acronym {acronym!r} not one word"
            for former in split(row["former"]):
                assert re.fullmatch(r"[^@]+@\d{4}", former), f"{where}: former {former!r}"


def test_no_name_is_shared_by_two_entities_of_a_type(gaz: dict[str, dict[str, Row]]) -> None:
    """Labels and aliases (compared as the tagger compares them) and acronyms (exactly) name one
    entity per type. Former names may repeat another entity's name. Theme vocabulary may
    overlap ("running drugs" signals county lines and drugs), theme labels may not."""
    duplicates = []
    for kind, rows in gaz.items():
        owners: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        for row in rows.values():
            names = [row["label"]] if kind == "theme" else [row["label"], *split(row["aliases"])]
            for name in names:
                owners[("name", name_key(name))].add(row["id"])
            for acronym in split(row["acronyms"]):
                owners[("acronym", (acronym,))].add(row["id"])
        duplicates += [
            f"{kind} {what} {' '.join(key)!r}: {', '.join(sorted(ids))}"
            for (what, key), ids in sorted(owners.items())
            if len(ids) > 1
        ]
    assert not duplicates, "names shared by two entities:\n" + "\n".join(duplicates)


# --- places ----------------------------------------------------------------------------------


def test_every_place_chain_reaches_the_united_kingdom(places: dict[str, Row]) -> None:
    for place_id in places:
        assert chain(places, place_id)[-1] == "united-kingdom", place_id


def test_nations_and_regions(places: dict[str, Row]) -> None:
    nations = {i for i, r in places.items() if "nation" in split(r["hints"])}
    assert nations == {"england", "wales", "scotland", "northern-ireland"}
    assert all(places[n]["parent"] == "united-kingdom" for n in nations)
    regions = {i: r["label"] for i, r in places.items() if "region" in split(r["hints"])}
    assert set(regions.values()) == {
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    }
    assert all(places[r]["parent"] == "england" for r in regions)
    assert "North-East" in split(places["north-east"]["aliases"])
    assert places["great-britain"]["label"] == "Great Britain"


@pytest.mark.parametrize(
    "path",
    [
        "middlesbrough north-east england united-kingdom",
        "ceredigion wales united-kingdom",
        "crawley west-sussex south-east england united-kingdom",
        "merton london england united-kingdom",
        "norwich norfolk east-of-england england united-kingdom",
        "warwickshire west-midlands england united-kingdom",
        "durham county-durham north-east england united-kingdom",
        "belfast northern-ireland united-kingdom",
        "glasgow-city scotland united-kingdom",
        "bolton greater-manchester north-west england united-kingdom",
        "south-wales wales united-kingdom",
    ],
)
def test_known_place_chains(places: dict[str, Row], path: str) -> None:
    ids = path.split()
    assert chain(places, ids[0]) == ids


def test_place_kinds(places: dict[str, Row]) -> None:
    def kinds(kind: str) -> set[str]:
        return {i for i, r in places.items() if kind in split(r["hints"])}

    assert len(kinds("london-borough")) == 32
    assert len(kinds("metropolitan-district")) == 36
    assert len(kinds("welsh-principal-area")) == 22
    assert len(kinds("scottish-council")) == 32
    assert len(kinds("ni-district")) == 11
    assert len(kinds("town") | kinds("city")) >= 50
    assert {"south-wales", "thames-valley", "kent"} <= kinds("police-force-area")
    assert "Middlesborough" in split(places["middlesbrough"]["aliases"])
    assert {"common-word"} <= set(split(places["reading"]["hints"]))
    assert {"also-agency"} <= set(split(places["durham"]["hints"]))


# --- agencies --------------------------------------------------------------------------------


def test_every_agency_parent_is_a_place(agencies: dict[str, Row], places: dict[str, Row]) -> None:
    for row in agencies.values():
        if row["parent"]:
            assert row["parent"].startswith("place:"), row["id"]
            assert row["parent"].removeprefix("place:") in places, row["id"]


def test_police_forces(agencies: dict[str, Row]) -> None:
    forces = {i for i, r in agencies.items() if "police-force" in split(r["hints"])}
    assert len(forces) >= 48  # 43 territorial, PSNI, Police Scotland, BTP, CNC, MDP
    assert {
        "metropolitan-police-service",
        "cleveland-police",
        "durham-constabulary",
        "south-wales-police",
        "psni",
        "police-scotland",
        "british-transport-police",
        "civil-nuclear-constabulary",
        "ministry-of-defence-police",
    } <= forces
    assert agencies["south-wales-police"]["parent"] == "place:south-wales"
    assert "Derbyshire Police" in split(agencies["derbyshire-constabulary"]["aliases"])


@pytest.mark.parametrize(
    ("agency", "field", "value"),
    [
        ("hmrc", "acronyms", "HMRC"),
        ("nca", "acronyms", "NCA"),
        ("nca", "former", "SOCA@2013"),
        ("nca", "former", "Serious Organised Crime Agency@2013"),
        ("glaa", "former", "Gangmasters Licensing Authority@2017"),
        ("glaa", "former", "GLA@2017"),
        ("hmicfrs", "former", "HMIC@2017"),
        ("npcc", "former", "ACPO@2015"),
        ("eas", "acronyms", "EAS"),
        ("rocu", "acronyms", "ROCUs"),
        ("nwrocu", "aliases", "Titan"),
        ("tarian", "aliases", "Tarian"),
        ("gain", "acronyms", "GAIN"),
        ("fire-and-rescue-service", "aliases", "Fire Service"),
        ("crawley-borough-council", "parent", "place:crawley"),
        ("west-sussex-county-council", "parent", "place:west-sussex"),
        ("middlesbrough-borough-council", "aliases", "Middlesbrough Council"),
    ],
)
def test_known_agencies(agencies: dict[str, Row], agency: str, field: str, value: str) -> None:
    assert agency in agencies
    cell = agencies[agency][field]
    assert value in (split(cell) if field != "parent" else [cell])


def test_every_local_authority_has_a_council(
    agencies: dict[str, Row], places: dict[str, Row]
) -> None:
    kinds = {"unitary", "district", "london-borough", "metropolitan-district"}
    kinds |= {"welsh-principal-area", "scottish-council", "ni-district", "county"}
    authorities = {i for i, r in places.items() if kinds & set(split(r["hints"]))}
    authorities -= {"bedfordshire", "berkshire", "cheshire", "greater-manchester", "merseyside"}
    authorities -= {"south-yorkshire", "tyne-and-wear", "west-midlands-county", "west-yorkshire"}
    covered = {
        r["parent"].removeprefix("place:")
        for r in agencies.values()
        if "council" in split(r["hints"])
    }
    assert not authorities - covered


# --- topics ----------------------------------------------------------------------------------


def test_themes_have_a_minimum_and_a_vocabulary(gaz: dict[str, dict[str, Row]]) -> None:
    themes = gaz["theme"]
    for row in themes.values():
        assert any(re.fullmatch(r"min=[1-9]\d*", h) for h in split(row["hints"])), row["id"]
        assert len(split(row["aliases"])) >= 10, f"{row['id']}: thin vocabulary"
    assert themes["modern-slavery"]["label"] == "Modern slavery and human trafficking"
    assert themes["money-laundering"]["label"] == "Money laundering and asset recovery"
    assert {"confiscation", "proceeds of crime", "cash forfeiture"} <= set(
        split(themes["money-laundering"]["aliases"])
    )


def test_programmes_operations_legislation(gaz: dict[str, dict[str, Row]]) -> None:
    programmes, operations, acts = gaz["programme"], gaz["operation"], gaz["legislation"]
    assert "common-word" in split(programmes["prevent"]["hints"])
    assert "Take 5" in split(programmes["take-five"]["aliases"])
    assert {"peel", "aris", "police-transformation-fund", "soc-strategy", "4p-framework"} <= set(
        programmes
    )
    assert operations["slate"]["label"] == "Operation Slate"
    assert {"Op Slate", "Op SLATE"} <= set(split(operations["slate"]["aliases"]))
    assert {"guardian", "ajaxis"} <= set(operations)
    assert "POCA" in split(acts["proceeds-of-crime-act-2002"]["acronyms"])
    assert "Employment Agency Act" in split(acts["employment-agencies-act-1973"]["aliases"])


# --- the builder -----------------------------------------------------------------------------


def test_builder_without_sources_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert build_gazetteer.main(["--sources", str(missing), "--out", str(tmp_path)]) == 2
    assert "gazetteer sources not found" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.tsv"))


@pytest.mark.skipif(not SOURCES.is_dir(), reason=f"{SOURCES} not present")
def test_builder_reproduces_the_committed_files(tmp_path: Path) -> None:
    assert build_gazetteer.main(["--sources", str(SOURCES), "--out", str(tmp_path)]) == 0
    for name in FILES.values():
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} is out of date: run python -m tools.build_gazetteer"
        )
