"""Build the curated UK gazetteer (indexer/tagging/gazetteer/*.tsv) from public registers.

The committed TSV files are the product; this script regenerates them from

* the public registers copied into ``../shared/data/gazetteer-sources`` (ONS codes, the
  local-authority, police and government-organisation registers, the ROCU list; see that
  folder's SOURCES.md), and
* the hand-curated facts in ``tools/gazetteer_curated.toml`` (labels, aliases, misspellings,
  former names, 2019-2023 local government changes, partners, programmes, legislation, themes,
  operations, towns).

Usage::

    python -m tools.build_gazetteer [--sources DIR] [--out DIR] [--check]

``--sources`` defaults to ``$BULLETINS_SHARED_DIR/data/gazetteer-sources`` when that variable
names the ``shared`` folder, else ``../shared/data/gazetteer-sources`` beside the repository.
The output is deterministic: re-running gives byte-identical files. ``--check`` compares
instead of writing. Exit status: 0 done (or up to date), 1 invalid data or ``--check`` found
differences, 2 the sources folder is missing.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.tagging.gazetteer import COLUMNS, FILES

DESCRIPTION = "Build the curated UK gazetteer (indexer/tagging/gazetteer/*.tsv)."
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "indexer" / "tagging" / "gazetteer"
DEFAULT_CURATED = ROOT / "tools" / "gazetteer_curated.toml"
SOURCES_SUBDIR = Path("data") / "gazetteer-sources"

ROOT_PLACE = "united-kingdom"
PLACE_KINDS = frozenset(
    {
        "state",
        "country-group",
        "nation",
        "region",
        "county",
        "unitary",
        "district",
        "london-borough",
        "metropolitan-district",
        "welsh-principal-area",
        "scottish-council",
        "ni-district",
        "police-force-area",
        "town",
        "city",
        "informal-region",
    }
)
AGENCY_KINDS = frozenset(
    {
        "police-force",
        "rocu",
        "national-agency",
        "regulator",
        "government-department",
        "home-office-unit",
        "council",
        "fire-service",
        "partner",
        "inspectorate",
        "police-unit",
    }
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FORMER = re.compile(r"^[^@|\t\n]+@\d{4}$")
ACRONYM_LIKE = re.compile(r"^[A-Z][A-Za-z&]*[A-Z]$")
_HYPHEN_WORDS = re.compile(r"(?<=[A-Za-z]{2})-(?=[A-Za-z]{2})")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# How the tagger compares names (indexer/tagging/tokens.py): word tokens, lower case, "&" read
# as "and", hyphens and a possessive "'s" left out.
_TOKEN = re.compile(r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]")
_SKIP_TOKENS = {"-", "–", "'s", "’s"}

LA_KINDS = {
    "UA": "unitary",
    "MD": "metropolitan-district",
    "LBO": "london-borough",
    "NMD": "district",
    "CTY": "county",
    "CC": "city",
}


class BuildError(Exception):
    """The sources or the curated file are inconsistent; the message lists every problem."""


class SourcesMissing(BuildError):
    """The shared sources folder is not there."""


# --------------------------------------------------------------------------------------------
# entities


@dataclass
class Entity:
    type: str
    id: str
    label: str
    aliases: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    parent: str = ""
    hints: list[str] = field(default_factory=list)

    def add_aliases(self, names: Iterable[str]) -> None:
        for name in names:
            name = clean(name)
            if name and name != self.label and name not in self.aliases:
                self.aliases.append(name)

    def add_acronyms(self, names: Iterable[str]) -> None:
        for name in names:
            name = clean(name)
            if name and name not in self.acronyms:
                self.acronyms.append(name)

    def add_former(self, names: Iterable[str]) -> None:
        for name in names:
            name = clean(name)
            if name and name not in self.former:
                self.former.append(name)

    def add_hints(self, hints: Iterable[str]) -> None:
        for hint in hints:
            if hint and hint not in self.hints:
                self.hints.append(hint)

    def names(self) -> list[str]:
        """Label and aliases: the names matched case-insensitively."""
        return [self.label, *self.aliases]

    def cells(self) -> tuple[str, ...]:
        return (
            self.type,
            self.id,
            self.label,
            "|".join(self.aliases),
            "|".join(self.acronyms),
            "|".join(self.former),
            self.parent,
            "|".join(self.hints),
        )


def clean(text: str) -> str:
    return " ".join(text.split())


def same_name(name: str) -> str:
    """A local authority name for comparison: ONS writes 'Bristol, City of' for 'City of
    Bristol', and the registers vary between 'City of Lincoln' and 'Lincoln'."""
    name = re.sub(r", (City|County) of$", "", name)
    return slugify(re.sub(r"^(City|County) of ", "", name))


def name_key(name: str) -> tuple[str, ...]:
    """The tokens two names are compared on (as the tagger matches them)."""
    tokens = [t for t in _TOKEN.findall(name) if t not in _SKIP_TOKENS]
    return tuple("and" if t == "&" else t.lower() for t in tokens)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("'", "").replace("’", "")
    return _NON_WORD.sub("-", text).strip("-")


# --------------------------------------------------------------------------------------------
# reading sources and the curated file


def read_rows(path: Path, delimiter: str | None = None) -> list[dict[str, str]]:
    if not path.is_file():
        raise BuildError(f"missing source file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise BuildError(f"curated: [{key}] must be a table")
    return value


def tables(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BuildError(f"curated: [[{key}]] must be an array of tables")
    return value


def text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise BuildError(f"curated: {key!r} must be a string, got {value!r}")
    return value


def texts(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BuildError(f"curated: {key!r} must be a list of strings, got {value!r}")
    return list(value)


def integer(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int):
        raise BuildError(f"curated: {key!r} must be an integer, got {value!r}")
    return value


def year_of(date: str) -> str:
    """The year of 'DD/MM/YYYY[ HH:MM]' or 'YYYY-MM-DD'."""
    match = re.search(r"\b(\d{4})\b", date)
    return match.group(1) if match else ""


@dataclass
class Sources:
    root: Path

    def rows(self, relative: str, delimiter: str | None = None) -> list[dict[str, str]]:
        return read_rows(self.root / relative, delimiter)


# --------------------------------------------------------------------------------------------
# the gazetteer being built


class Gazetteer:
    def __init__(self, curated: Mapping[str, Any]) -> None:
        self.curated = curated
        self.entities: dict[str, dict[str, Entity]] = {kind: {} for kind in FILES}
        self.problems: list[str] = []
        self.ids = {str(k): str(v) for k, v in table(curated, "ids").items()}
        # (place id, official council name, other names) for every local authority
        self.councils: list[tuple[str, str, list[str]]] = []

    # -- bookkeeping

    def add(self, entity: Entity) -> Entity:
        bucket = self.entities[entity.type]
        if entity.id in bucket:
            self.problems.append(f"{entity.type} id {entity.id!r} defined twice")
            return bucket[entity.id]
        bucket[entity.id] = entity
        return entity

    def place(self, place_id: str) -> Entity | None:
        return self.entities["place"].get(place_id)

    def place_id(self, source: str, name: str) -> str:
        return self.ids.get(f"{source}:{name}", slugify(name))

    def need(self, place_id: str, why: str) -> str:
        if place_id not in self.entities["place"]:
            self.problems.append(f"{why}: unknown place {place_id!r}")
        return place_id

    def patch(self, entity: Entity, data: Mapping[str, Any]) -> None:
        if "label" in data:
            entity.label = clean(text(data, "label"))
        if "parent" in data:
            entity.parent = text(data, "parent")
        entity.add_aliases(texts(data, "aliases"))
        entity.add_acronyms(texts(data, "acronyms"))
        entity.add_former(texts(data, "former"))
        entity.add_hints(texts(data, "hints"))

    # -- places

    def build_places(self, src: Sources) -> None:
        cur = self.curated
        region_by_code: dict[str, str] = {}
        for row in src.rows("regions/uk_regions_nations.csv"):
            code, name = row["code"], row["name"]
            if code[:3] in {"E92", "W92", "S92", "N92"}:
                self.add(Entity("place", slugify(name), name, parent=ROOT_PLACE, hints=["nation"]))
            else:
                pid = self.add(
                    Entity("place", slugify(name), name, parent="england", hints=["region"])
                ).id
                region_by_code[code] = pid

        # Counties: ONS E10 (non-metropolitan, live) and E11 (metropolitan, live).
        county_region = {str(k): str(v) for k, v in table(cur, "county_region").items()}
        for rel, source in (
            ("ons_codes/ons_e10.csv", "county"),
            ("ons_codes/ons_e11.csv", "metcounty"),
        ):
            seen: set[str] = set()
            for row in src.rows(rel):
                if row["TERM_DATE"] or row["GEOGNM"] in seen:
                    continue
                seen.add(row["GEOGNM"])
                pid = self.place_id(source, row["GEOGNM"])
                region = county_region.get(pid, "")
                if not region:
                    self.problems.append(f"[county_region] has no region for county {pid!r}")
                self.add(Entity("place", pid, row["GEOGNM"], parent=region, hints=["county"]))

        self._english_authorities(src, region_by_code)
        self._welsh_authorities(src)
        self._scottish_authorities(src)
        self._ni_districts(src)

        lists = table(cur, "place_lists")
        for pid in texts(lists, "unitary_counties"):
            entity = self.place(self.need(pid, "[place_lists] unitary_counties"))
            if entity:
                entity.add_hints(["unitary"])
        for pid in texts(lists, "county_unitaries"):
            entity = self.place(self.need(pid, "[place_lists] county_unitaries"))
            if entity:
                entity.add_hints(["county"])

        for data in tables(cur, "place"):
            entity = Entity("place", text(data, "id"), clean(text(data, "label")))
            self.patch(entity, {k: v for k, v in data.items() if k != "label"})
            self.add(entity)

        for pid, data in sorted(table(cur, "towns").items()):
            if not isinstance(data, dict):
                raise BuildError(f"curated: [towns] {pid} must be an inline table")
            kind = ["city"] if data.get("city") else ["town"]
            entity = Entity("place", pid, clean(text(data, "label")), hints=kind)
            entity.parent = self.need(text(data, "parent"), f"town {pid}")
            entity.add_aliases(texts(data, "aliases"))
            self.add(entity)

        # Abolished authorities hang under their successor.
        for pid, data in sorted(table(cur, "abolished").items()):
            entity = self.place(self.need(pid, "[abolished]"))
            if entity is None or not isinstance(data, dict):
                continue
            entity.parent = self.need(text(data, "successor"), f"[abolished] {pid}")
            entity.add_hints([f"abolished={integer(data, 'year')}"])

        for pid, data in sorted(table(cur, "place_patch").items()):
            entity = self.place(self.need(pid, "[place_patch]"))
            if entity is not None and isinstance(data, dict):
                self.patch(entity, data)

        for pid in texts(lists, "common_word_places"):
            entity = self.place(self.need(pid, "common_word_places"))
            if entity:
                entity.add_hints(["common-word"])

    def _english_authorities(self, src: Sources, region_by_code: Mapping[str, str]) -> None:
        cur = self.curated
        register = src.rows("local_authorities/local-authority-eng__local-authorities.tsv")
        gss_rows = src.rows("local_authorities/maps__gss.tsv")
        code_to_gss = {
            r["local-authority"].split(":", 1)[1]: r["gss"]
            for r in gss_rows
            if r["local-authority"].startswith("local-authority-eng:")
        }
        gss_to_mapit = {
            r["gss"]: r["local-authority"]
            for r in src.rows("local_authorities/mapit__openregister_gss_to_iso3166_mapping.tsv")
        }
        mapit = {
            r["local-authority"]: r
            for r in src.rows("local_authorities/mapit__openregister_local_authorities_UK.tsv")
        }
        e06 = {r["GEOGCD"]: r for r in src.rows("ons_codes/ons_e06.csv")}
        ltla = src.rows("local_authorities/ons_LTLA21_to_UTLA21_EW.csv")
        live21 = {r["LTLA21CD"]: r["LTLA21NM"] for r in ltla} | {
            r["UTLA21CD"]: r["UTLA21NM"] for r in ltla
        }
        force_las = src.rows("police/police_force_area_to_local_authority_EW_2012.csv")
        metcounty_by_force = {
            str(k): str(v) for k, v in table(cur, "metropolitan_county_by_force").items()
        }
        metcounty_of = {
            slugify(r["la_name"]): metcounty_by_force[r["police_force_code"]]
            for r in force_las
            if r["la_type"] == "MTD" and r["police_force_code"] in metcounty_by_force
        }
        unitary_parent = {str(k): str(v) for k, v in table(cur, "unitary_parent").items()}
        renamed = table(cur, "renamed")
        abolished = table(cur, "abolished")
        council_abolished = table(cur, "council_abolished")
        council_names = table(cur, "council_names")
        county_by_code: dict[str, str] = {}

        rows = sorted(register, key=lambda r: (r["local-authority-type"] != "CTY", r["name"]))
        for row in rows:
            la_type, name, code = (
                row["local-authority-type"],
                row["name"],
                row["local-authority-eng"],
            )
            if la_type == "SRA":  # the Greater London Authority: London is the region
                continue
            gss = code_to_gss.get(code, "")
            official = clean(row["official-name"])
            former: list[str] = []
            if gss in live21 and same_name(live21[gss]) != same_name(name):
                new_name = live21[gss]
                pid = self.place_id("la", new_name)
                year = integer(table(renamed, pid), "year") if pid in renamed else 0
                if not year:
                    self.problems.append(f"{name!r} is now {new_name!r}: add [renamed] {pid}")
                former.append(f"{name}@{year}")
                name = new_name
            else:
                pid = self.place_id("la", name)
            if la_type == "CTY":
                pid = self.place_id("county", name)
                county_by_code[code] = pid
                if self.place(self.need(pid, f"county {name} (register) not in ONS E10")):
                    self.councils.append((pid, official, []))
                gone = gss and gss not in live21
                if gone and pid not in council_names and slugify(official) not in council_abolished:
                    self.problems.append(
                        f"county council {official!r} is gone from the 2021 ONS list: "
                        "add it to [council_names] or [council_abolished]"
                    )
                continue
            entity = Entity("place", pid, name, hints=[LA_KINDS[la_type]])
            entity.add_former(former)
            if la_type == "UA":
                ons = e06.get(gss)
                region = region_by_code.get(ons["PARENTCD"], "") if ons else ""
                entity.parent = unitary_parent.get(pid, region)
            elif la_type == "MD":
                entity.parent = metcounty_of.get(slugify(name), "")
            elif la_type in {"LBO", "CC"}:
                entity.parent = "london"
            elif la_type == "NMD":
                mapit_row = mapit.get(gss_to_mapit.get(gss, ""), {})
                entity.parent = county_by_code.get(mapit_row.get("parent-local-authority", ""), "")
            if not entity.parent:
                self.problems.append(f"no parent found for {la_type} {name!r}")
            if gss and gss not in live21 and pid not in abolished:
                self.problems.append(
                    f"{name!r} ({gss}) is gone from the 2021 ONS list: add [abolished] {pid}"
                )
            self.add(entity)
            if pid not in council_names:
                self.councils.append((pid, official, []))

        # Authorities created after the register snapshot (ONS 2021 list).
        known = set(code_to_gss.values())
        for row in sorted(ltla, key=lambda r: r["LTLA21CD"]):
            gss, name = row["LTLA21CD"], row["LTLA21NM"]
            if not gss.startswith("E") or gss in known:
                continue
            pid = self.place_id("la", name)
            existing = self.place(pid)
            if existing is not None:  # a county that became one unitary authority
                existing.add_hints(["unitary"])
            elif gss.startswith("E06"):
                parent = unitary_parent.get(pid, "")
                if not parent:
                    self.problems.append(f"new unitary {name!r}: add [unitary_parent] {pid}")
                self.add(Entity("place", pid, name, parent=parent, hints=["unitary"]))
            else:
                parent = self.place_id("county", row["UTLA21NM"])
                self.add(Entity("place", pid, name, parent=parent, hints=["district"]))
            if pid not in council_names:
                self.problems.append(f"new authority {name!r}: add [council_names] {pid}")

    def _welsh_authorities(self, src: Sources) -> None:
        for row in src.rows(
            "local_authorities/principal-local-authority__principal-local-authority.tsv"
        ):
            if row["end-date"]:
                continue
            pid = self.place_id("la", row["name"])
            entity = Entity(
                "place", pid, row["name"], parent="wales", hints=["welsh-principal-area"]
            )
            entity.add_aliases([row["name-cy"]])
            self.add(entity)
            self.councils.append((pid, clean(row["official-name"]), [row["official-name-cy"]]))

    def _scottish_authorities(self, src: Sources) -> None:
        mapit = {
            r["local-authority"]: r
            for r in src.rows("local_authorities/mapit__openregister_local_authorities_UK.tsv")
            if r["uk"] == "SCT"
        }
        for row in src.rows("local_authorities/local-authority-sct__local-authority-sct.tsv"):
            if row["end-date"]:
                continue
            pid = self.place_id("la", row["name"])
            self.add(
                Entity("place", pid, row["name"], parent="scotland", hints=["scottish-council"])
            )
            official = mapit.get(row["local-authority-sct"], {}).get("official-name", "")
            register_name = clean(row["official-name"])
            self.councils.append((pid, clean(official) or register_name, [register_name]))

    def _ni_districts(self, src: Sources) -> None:
        nir = {
            r["local-authority-nir"]: r
            for r in src.rows("local_authorities/local-authority-nir__local-authorities.tsv")
        }
        gss_to_code = {
            r["gss"]: r["local-authority"].split(":", 1)[1]
            for r in src.rows("local_authorities/maps__gss.tsv")
            if r["local-authority"].startswith("local-authority-nir:")
        }
        rows = src.rows("ons_codes/ons_n09.csv")
        live = {r["GEOGCD"]: r["GEOGNM"] for r in rows if not r["TERM_DATE"]}
        for code, name in sorted(live.items()):
            pid = self.place_id("la", name)
            entity = Entity("place", pid, name, parent="northern-ireland", hints=["ni-district"])
            for old in rows:
                if old["GEOGCD"] == code and old["TERM_DATE"]:
                    entity.add_former([f"{old['GEOGNM']}@{year_of(old['TERM_DATE'])}"])
            self.add(entity)
            council = nir.get(gss_to_code.get(code, ""), {}).get("name", "")
            if council:
                self.councils.append((pid, clean(council), []))
            else:
                self.problems.append(f"no council found for Northern Ireland district {name!r}")

    # -- agencies

    def build_agencies(self, src: Sources) -> None:
        cur = self.curated
        govuk = {r["govuk"]: r for r in src.rows("agencies/govuk-organisations-2017.tsv")}

        force_area = {str(k): str(v) for k, v in table(cur, "force_area").items()}
        force_patch = table(cur, "force")
        for row in src.rows("police/police-force.tsv"):
            code = row["police-force"]
            data = force_patch.get(code)
            if not isinstance(data, dict):
                self.problems.append(f"police force {code!r}: add a [force.{code}] table")
                data = {}
            label = clean(text(data, "label", row["name"]))
            entity = Entity(
                "agency", text(data, "id", slugify(label)), label, hints=["police-force"]
            )
            if label != row["name"] and not texts(data, "former"):
                entity.add_aliases([row["name"]])
            self.patch(entity, {k: v for k, v in data.items() if k not in {"id", "label"}})
            area = force_area.get(code, "")
            entity.parent = f"place:{self.need(area, f'[force_area] {code}')}"
            place = self.place(area)
            if place is not None:
                place.add_hints(["police-force-area"])
            self.add(entity)

        rocu_patch = table(cur, "rocu")
        for row in src.rows("rocu/rocus_england_wales.csv"):
            short = row["rocu_short_name"]
            if short.startswith("(none"):
                continue
            data = rocu_patch.get(short)
            if not isinstance(data, dict):
                self.problems.append(f"ROCU {short!r}: add a [rocu.{short!r}] table")
                continue
            label = clean(text(data, "label", row["rocu_full_name"]))
            entity = Entity("agency", text(data, "id"), label, hints=["rocu"])
            entity.add_aliases([row["rocu_full_name"]])
            entity.add_aliases(texts(data, "aliases"))
            entity.add_acronyms(texts(data, "acronyms"))
            entity.parent = f"place:{self.need(text(data, 'region'), f'ROCU {short}')}"
            self.add(entity)

        self._councils()

        for data in tables(cur, "agency"):
            self.add(self._curated_agency(data, govuk))

        for aid, data in sorted(table(cur, "agency_patch").items()):
            patched = self.entities["agency"].get(aid)
            if patched is None:
                self.problems.append(f"[agency_patch] unknown agency {aid!r}")
            elif isinstance(data, dict):
                self.patch(patched, data)

    def _curated_agency(
        self, data: Mapping[str, Any], govuk: Mapping[str, dict[str, str]]
    ) -> Entity:
        org: dict[str, str] = {}
        if "govuk" in data:
            slug = text(data, "govuk")
            if slug not in govuk:
                self.problems.append(f"agency {data.get('id')!r}: {slug!r} not in the GOV.UK list")
            org = dict(govuk.get(slug, {}))
        label = clean(text(data, "label", org.get("name", "")))
        entity = Entity("agency", text(data, "id"), label)
        if org and org.get("name") and org["name"] != label:
            entity.add_aliases([org["name"]])
        if "acronyms" not in data and ACRONYM_LIKE.match(org.get("abbreviation", "")):
            entity.add_acronyms([org["abbreviation"]])
        for item in texts(data, "govuk_former"):
            slug, _, year = item.partition("@")
            old = govuk.get(slug)
            if old is None:
                self.problems.append(f"agency {entity.id!r}: {slug!r} not in the GOV.UK list")
                continue
            entity.add_former([f"{old['name']}@{year}"])
            if ACRONYM_LIKE.match(old["abbreviation"]):
                entity.add_former([f"{old['abbreviation']}@{year}"])
        parent = text(data, "parent").removeprefix("place:")
        if parent:
            entity.parent = f"place:{self.need(parent, f'agency {entity.id}')}"
        self.patch(entity, {k: v for k, v in data.items() if k not in {"label", "parent"}})
        return entity

    def _councils(self) -> None:
        cur = self.curated
        council_names = table(cur, "council_names")
        council_abolished = table(cur, "council_abolished")
        city = re.compile(
            r"\bCity Council$|^City of |^City and County of |\bCity and District Council$"
        )
        entries = list(self.councils)
        for pid in council_names:
            entries.append((pid, "", []))
        for pid, official, extra in sorted(entries):
            place = self.place(pid)
            if place is None:
                self.problems.append(f"council for unknown place {pid!r}")
                continue
            data = council_names.get(pid)
            former: list[str] = []
            aliases: list[str] = []
            if isinstance(data, dict):
                if official:  # the register's name of a council curated under a new name
                    continue
                official = clean(text(data, "label"))
                former = texts(data, "former")
                aliases = texts(data, "aliases")
            entity = Entity(
                "agency", slugify(official), official, parent=f"place:{pid}", hints=["council"]
            )
            if "county" not in place.hints or "unitary" in place.hints:
                entity.add_aliases([f"{place.label} Council"])
            entity.add_aliases(aliases + [e for e in extra if e])
            entity.add_former(former)
            year = council_abolished.get(entity.id)
            abolished = [h for h in place.hints if h.startswith("abolished=")]
            if isinstance(year, int):
                entity.add_hints([f"abolished={year}"])
            elif abolished:
                entity.add_hints(abolished)
            if city.search(official) or place.label.endswith(" City"):
                place.add_hints(["city"])
            self.add(entity)

    # -- everything else

    def build_topics(self) -> None:
        cur = self.curated
        for data in tables(cur, "operation"):
            code = text(data, "code")
            entity = Entity("operation", slugify(code), f"Operation {code}")
            entity.add_aliases(
                [f"Op {code}", f"Op. {code}", f"Op {code.upper()}", f"Operation {code.upper()}"]
            )
            entity.add_aliases(texts(data, "aliases"))
            self.add(entity)
        for data in tables(cur, "theme"):
            entity = Entity("theme", text(data, "id"), text(data, "label"))
            entity.add_aliases(texts(data, "vocabulary"))
            entity.add_acronyms(texts(data, "acronyms"))
            entity.add_hints([f"min={integer(data, 'min')}"])
            self.add(entity)
        for data in tables(cur, "programme"):
            entity = Entity("programme", text(data, "id"), clean(text(data, "label")))
            self.patch(entity, {k: v for k, v in data.items() if k != "label"})
            self.add(entity)
        for data in tables(cur, "legislation"):
            label = clean(text(data, "label"))
            entity = Entity("legislation", slugify(label), label)
            bare = re.sub(r" \d{4}$", "", label)
            if not data.get("no_bare") and bare != label:
                entity.add_aliases([bare])
            self.patch(entity, {k: v for k, v in data.items() if k not in {"label", "no_bare"}})
            self.add(entity)

    # -- derived hints and variants

    def finish(self) -> None:
        for kind, bucket in self.entities.items():
            if kind in {"theme", "legislation"}:
                continue
            for entity in bucket.values():
                entity.add_aliases(variants(entity.names(), hyphens=kind == "place"))
                for former in list(entity.former):
                    name, _, year = former.rpartition("@")
                    entity.add_former(f"{v}@{year}" for v in variants([name], hyphens=False))
        for bucket in self.entities.values():
            for entity in bucket.values():
                entity.aliases = [a for a in entity.aliases if a != entity.label]
        self._also_agency()

    def _also_agency(self) -> None:
        agencies = self.entities["agency"].values()
        folded = " | ".join(f" {_fold(n)} " for a in agencies for n in a.names())
        exact = " | ".join(f" {_words(n)} " for a in agencies for n in a.names())
        for place in self.entities["place"].values():
            hit = any(f" {_fold(n)} " in folded for n in place.names()) or any(
                f" {_words(n)} " in exact for n in place.acronyms
            )
            if hit:
                place.add_hints(["also-agency"])


def _fold(name: str) -> str:
    return _words(name.casefold())


def _words(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.replace("’", "'").replace("'", "")))


def variants(names: Sequence[str], hyphens: bool) -> Iterator[str]:
    """Spelling variants: '&'/'and', typographic apostrophes, and (places) spaced hyphens."""
    for name in names:
        if " & " in name:
            yield name.replace(" & ", " and ")
        elif " and " in name:
            yield name.replace(" and ", " & ")
        if "'" in name:
            yield name.replace("'", "’")
        if hyphens and _HYPHEN_WORDS.search(name):
            yield _HYPHEN_WORDS.sub(" ", name)


# --------------------------------------------------------------------------------------------
# validation


def validate(gaz: Gazetteer) -> list[str]:
    problems = list(gaz.problems)
    places = gaz.entities["place"]
    for kind, bucket in gaz.entities.items():
        for entity in bucket.values():
            where = f"{kind} {entity.id!r}"
            if not SLUG.match(entity.id):
                problems.append(f"{where}: id is not a slug")
            if not entity.label:
                problems.append(f"{where}: empty label")
            for cell in entity.cells():
                if "\t" in cell or "\n" in cell:
                    problems.append(f"{where}: tab or newline in {cell!r}")
            for name in [entity.label, *entity.aliases, *entity.acronyms, *entity.former]:
                if "|" in name:
                    problems.append(f"{where}: '|' in {name!r}")
            for acronym in entity.acronyms:
                if not re.fullmatch(r"\w+", acronym):
                    problems.append(f"{where}: acronym {acronym!r} is not one word (use aliases)")
            for former in entity.former:
                if not FORMER.match(former):
                    problems.append(f"{where}: former name {former!r} is not Name@YYYY")
            if kind == "place":
                if not PLACE_KINDS & set(entity.hints):
                    problems.append(f"{where}: no place kind in hints {entity.hints}")
            elif kind == "agency":
                if not AGENCY_KINDS & set(entity.hints):
                    problems.append(f"{where}: no agency kind in hints {entity.hints}")
                if entity.parent and (
                    not entity.parent.startswith("place:") or entity.parent[6:] not in places
                ):
                    problems.append(f"{where}: parent {entity.parent!r} is not a known place:")
            elif kind == "theme" and not any(
                re.fullmatch(r"min=[1-9]\d*", h) for h in entity.hints
            ):
                problems.append(f"{where}: no min=N hint")
    for entity in places.values():
        seen = {entity.id}
        node = entity
        while node.id != ROOT_PLACE:
            parent = places.get(node.parent)
            if parent is None:
                problems.append(f"place {node.id!r}: parent {node.parent!r} does not exist")
                break
            if parent.id in seen:
                problems.append(f"place {entity.id!r}: parent cycle through {parent.id!r}")
                break
            seen.add(parent.id)
            node = parent
        if "nation" in entity.hints and entity.parent != ROOT_PLACE:
            problems.append(f"nation {entity.id!r} must have parent {ROOT_PLACE!r}")
    problems.extend(duplicate_names(gaz.entities))
    return problems


def duplicate_names(entities: Mapping[str, Mapping[str, Entity]]) -> list[str]:
    """Names claimed by two entities of one type: labels and aliases compared as the tagger
    compares them (``name_key``), acronyms exactly. Former names may repeat a current name.
    Themes are exempt: a vocabulary phrase may signal two themes, but not be a theme's label."""
    problems = []
    for kind, bucket in entities.items():
        owners: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        for entity in bucket.values():
            names = [entity.label] if kind == "theme" else entity.names()
            for name in names:
                owners[("name", name_key(name))].add(entity.id)
            for name in entity.acronyms:
                owners[("acronym", (name,))].add(entity.id)
        for (what, key), ids in sorted(owners.items()):
            if len(ids) > 1:
                shown = " ".join(key)
                problems.append(f"{kind}: {what} {shown!r} is shared by {', '.join(sorted(ids))}")
    return problems


# --------------------------------------------------------------------------------------------
# output


def render(bucket: Mapping[str, Entity]) -> str:
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(bucket[key].cells()) for key in sorted(bucket)]
    return "\n".join(lines) + "\n"


def build(sources: Path, curated: Path) -> dict[str, str]:
    """The gazetteer files (name -> content). Raises BuildError listing every problem."""
    if not sources.is_dir():
        raise SourcesMissing(
            f"gazetteer sources not found at {sources}\n"
            "They live in the shared data folder (../shared/data/gazetteer-sources beside the "
            "repository). Pass --sources DIR, or set BULLETINS_SHARED_DIR to the 'shared' folder."
        )
    with curated.open("rb") as handle:
        data = tomllib.load(handle)
    gaz = Gazetteer(data)
    src = Sources(sources)
    gaz.build_places(src)
    gaz.build_agencies(src)
    gaz.build_topics()
    gaz.finish()
    problems = validate(gaz)
    if problems:
        raise BuildError("\n".join(problems))
    return {FILES[kind]: render(bucket) for kind, bucket in gaz.entities.items()}


def default_sources() -> Path:
    shared = os.environ.get("BULLETINS_SHARED_DIR")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / SOURCES_SUBDIR


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.build_gazetteer", description=DESCRIPTION
    )
    parser.add_argument("--sources", type=Path, default=None, help="gazetteer-sources folder")
    parser.add_argument("--curated", type=Path, default=DEFAULT_CURATED, help="curated TOML file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = parser.parse_args(argv)
    sources: Path = args.sources or default_sources()
    out: Path = args.out
    try:
        files = build(sources, args.curated)
    except SourcesMissing as exc:
        print(f"build_gazetteer: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"build_gazetteer: the gazetteer data is inconsistent:\n{exc}", file=sys.stderr)
        return 1
    if args.check:
        stale = [
            n
            for n, c in files.items()
            if not (out / n).is_file() or (out / n).read_text(encoding="utf-8") != c
        ]
        for name in stale:
            print(f"out of date: {out / name}", file=sys.stderr)
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, content in sorted(files.items()):
        (out / name).write_bytes(content.encode("utf-8"))
        print(f"wrote {out / name}: {content.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
