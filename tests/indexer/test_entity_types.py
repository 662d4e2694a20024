"""The registry of entity types is the one place that lists them."""

from __future__ import annotations

import re
from itertools import chain
from pathlib import Path

from indexer.entity_types import ENTITY_TYPES, chip_css, internal_name, public_name

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "indexer" / "entity_types.py"
# every name of every type (public id, the gazetteer's name, plural in running text) → its id
TYPE_OF = {name: t.id for t in ENTITY_TYPES for name in (t.id, t.internal, t.plural)}
_QUOTED = re.compile(r"""["'](\w+)["']""")
_WORDS = re.compile(r"\b(\w+)\b")


def product_files() -> list[Path]:
    """The product's code, templates and styles (tests and tools aside)."""
    return sorted(
        path
        for path in chain(
            (ROOT / "indexer").rglob("*.py"),
            (ROOT / "search_app").rglob("*.py"),
            (ROOT / "search_app" / "templates").rglob("*.html"),
            (ROOT / "search_app" / "static").rglob("*.css"),
        )
        if path != REGISTRY
    )


def hand_lists(path: Path) -> list[str]:
    """Places in ``path`` that name three or more entity types, on one line or on lines
    that follow each other (a list or a mapping made by hand; code quotes the names, a
    template or stylesheet writes them as words or classes)."""
    found = []
    run: set[str] = set()  # the types named by the run of lines that each name one
    start = 0
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        words = _QUOTED.findall(line) if path.suffix == ".py" else _WORDS.findall(line.lower())
        named = {TYPE_OF[w.lower()] for w in words if w.lower() in TYPE_OF}
        if not named:
            run = set()
            continue
        if not run:
            start = number
        run |= named
        if len(run) >= 3:
            found.append(f"{path.relative_to(ROOT)}:{start}: {lines[start - 1].strip()[:90]}")
            run = set()
    return found


def test_nothing_but_the_registry_lists_the_entity_types() -> None:
    listed = [hit for path in product_files() for hit in hand_lists(path)]
    assert listed == [], "list the types through indexer.entity_types:\n" + "\n".join(listed)


def test_the_check_finds_a_list_made_by_hand(tmp_path: Path) -> None:
    made = tmp_path / "x.py"
    made.write_text('KINDS = ("agency", "region", "theme")\nOTHER = ("agency",)\n')
    original = ROOT
    try:
        globals()["ROOT"] = tmp_path
        assert hand_lists(made) == ['x.py:1: KINDS = ("agency", "region", "theme")']
    finally:
        globals()["ROOT"] = original


def test_public_and_gazetteer_names_map_both_ways() -> None:
    for kind in ENTITY_TYPES:
        assert internal_name(kind.id) == kind.internal
        assert public_name(kind.internal) == kind.id
    assert internal_name("region") == "place"


def test_every_type_has_a_gazetteer_file_and_a_chip_colour() -> None:
    data = ROOT / "indexer" / "tagging" / "gazetteer"
    for kind in ENTITY_TYPES:
        assert (data / kind.gazetteer_file).is_file()
        assert f".chip-{kind.id} {{ border-left: 4px solid {kind.colour}; }}" in chip_css()
