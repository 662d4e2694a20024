"""Edition metadata: from the corpus manifest, else from the PDF itself, else from its file name.

The manifest is ``editions.toml`` in the corpus directory::

    [[edition]]
    file = "soc-local-partnerships-bulletin-07.pdf"   # relative to the corpus directory
    number = 7
    title = "SOC Local Partnerships Bulletin"
    date = "2017-10"                                  # YYYY, YYYY-MM or YYYY-MM-DD
    publisher = "Home Office"
    source = "https://..."                            # where it was published
    licence = "Open Government Licence v3.0"
    publication = "SOC Local Partnerships Bulletin"  # else its title, else the PDF's masthead

    [[publication]]                                   # any number; each edition names one
    name = "SOC Local Partnerships Bulletin"          # required
    id = "soc-local-partnerships-bulletin"            # a slug; default: made from the name
    attribution = "Crown copyright"
    licence = "Open Government Licence v3.0"
    licence_url = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    publisher = "Home Office"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from indexer.errors import ManifestError
from indexer.models import Edition, ExtractedPdf, Publication
from indexer.publications import SLUG, find, publication_id
from indexer.roles import is_all_caps
from indexer.statements import find_date, find_number, states_edition

MANIFEST_NAME = "editions.toml"
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_ALLOWED = {"file", "number", "title", "date", "publisher", "source", "licence", "publication"}
_PUBLICATION_KEYS = {"name", "id", "licence", "licence_url", "attribution", "publisher"}


class Manifest(dict[str, dict[str, Any]]):
    """The manifest's edition entries keyed by file path relative to the corpus directory,
    and the publications its ``[[publication]]`` tables describe (``publications``)."""

    publications: tuple[Publication, ...] = ()


def publications_of(manifest: dict[str, dict[str, Any]]) -> tuple[Publication, ...]:
    """The publications a manifest describes (none for a plain dict of entries)."""
    return manifest.publications if isinstance(manifest, Manifest) else ()


def load_manifest(corpus_dir: Path) -> Manifest:
    """Manifest entries keyed by file path relative to the corpus directory (may be empty),
    with the publications it describes.

    :raise ManifestError: if the manifest exists but is not valid.
    """
    path = corpus_dir / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return Manifest()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    entries = Manifest()
    entries.publications = _publications(data.get("publication", []), path)
    for i, entry in enumerate(data.get("edition", []), start=1):
        where = f"{path}, edition #{i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ManifestError(f'{where}: each [[edition]] needs a file = "name.pdf"')
        unknown = set(entry) - _ALLOWED
        if unknown:
            raise ManifestError(
                f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_ALLOWED)}"
            )
        if "number" in entry and not isinstance(entry["number"], int):
            raise ManifestError(f"{where}: number must be a whole number")
        if "date" in entry and not (isinstance(entry["date"], str) and _DATE.match(entry["date"])):
            raise ManifestError(f'{where}: date must be "YYYY", "YYYY-MM" or "YYYY-MM-DD"')
        _check_publication(entry, entries.publications, where)
        entries[Path(entry["file"]).as_posix()] = entry
    return entries


def _publications(tables: Any, path: Path) -> tuple[Publication, ...]:
    """The ``[[publication]]`` tables, checked: a name each, known keys, text values, an id
    that is a slug, no id or name twice.

    :raise ManifestError: naming the table and what is wrong.
    """
    if not isinstance(tables, list):
        raise ManifestError(f"{path}: publication must be [[publication]] tables")
    out: list[Publication] = []
    for i, table in enumerate(tables, start=1):
        where = f"{path}, publication #{i}"
        if not isinstance(table, dict) or not _text(table.get("name")):
            raise ManifestError(f'{where}: each [[publication]] needs a name = "..."')
        unknown = set(table) - _PUBLICATION_KEYS
        if unknown:
            raise ManifestError(
                f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_PUBLICATION_KEYS)}"
            )
        for key, value in table.items():
            if not _text(value):
                raise ManifestError(f"{where}: {key} must be text, not empty")
        name = " ".join(table["name"].split())
        id_ = table.get("id") or publication_id(name)
        if not SLUG.match(id_):
            raise ManifestError(
                f"{where}: id {id_!r} must be lower-case letters and digits joined by dashes "
                '("soc-bulletin")'
            )
        url = table.get("licence_url")
        if url is not None and not re.match(r"^https?://\S+$", url):
            raise ManifestError(f"{where}: licence_url must be an http:// or https:// address")
        for other in out:
            if other.id == id_ or other.name.casefold() == name.casefold():
                raise ManifestError(
                    f"{where}: publication {name!r} ({id_}) is described twice; "
                    "give each [[publication]] its own name and id"
                )
        out.append(
            Publication(
                id=id_,
                name=name,
                licence=table.get("licence"),
                licence_url=url,
                attribution=table.get("attribution"),
                publisher=table.get("publisher"),
            )
        )
    return tuple(out)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_publication(entry: dict[str, Any], known: tuple[Publication, ...], where: str) -> None:
    """An edition's ``publication``: text, naming one of the ``[[publication]]`` tables when
    the manifest has any.

    :raise ManifestError: if it does not.
    """
    if "publication" not in entry:
        return
    name = entry["publication"]
    if not _text(name):
        raise ManifestError(f'{where}: publication must be a name, e.g. publication = "..."')
    if known and find(name, known) is None:
        names = ", ".join(repr(p.name) for p in known)
        raise ManifestError(
            f"{where}: publication {name!r} names no [[publication]] of the manifest "
            f"(it describes {names}); correct it or add a [[publication]] for it"
        )


def edition_id(relative: str) -> str:
    """A stable id from the file's path in the corpus: lower case, dashes, no extension."""
    stem = re.sub(r"\.pdf$", "", relative, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "edition"


def describe_edition(
    relative: str,
    pdf: ExtractedPdf,
    front_matter: str,
    entry: Mapping[str, Any] | None,
    corpus_dir: Path = Path(),
) -> Edition:
    """Metadata for one edition: the manifest's entry wins, then the PDF, then the file name."""
    guessed = infer_from_pdf(pdf, front_matter)
    named = infer_from_filename(relative)
    entry = entry or {}

    def pick(key: str) -> Any:
        return entry.get(key) or guessed.get(key) or named.get(key)

    source = "manifest" if entry else ("pdf" if guessed else "filename")
    return Edition(
        id=edition_id(relative),
        title=pick("title") or "Untitled edition",
        number=pick("number"),
        date=pick("date"),
        publisher=pick("publisher"),
        file=relative,
        source=(corpus_dir / relative).as_posix(),
        licence=entry.get("licence"),
        origin=entry.get("source"),
        metadata_from=source,
        publication=entry.get("publication") or entry.get("title") or guessed.get("publication"),
    )


def apply_manifest(edition: Edition, entry: Mapping[str, Any] | None) -> Edition:
    """An edition described earlier, with what its manifest entry says now taking precedence."""
    if not entry:
        return edition
    return replace(
        edition,
        title=entry.get("title") or edition.title,
        number=entry.get("number", edition.number),
        date=entry.get("date") or edition.date,
        publisher=entry.get("publisher") or edition.publisher,
        licence=entry.get("licence") or edition.licence,
        origin=entry.get("source") or edition.origin,
        metadata_from="manifest",
        publication=entry.get("publication") or entry.get("title") or edition.publication,
    )


def infer_from_pdf(pdf: ExtractedPdf, front_matter: str) -> dict[str, Any]:
    """Title, number, date and publisher as the PDF states them, where it does; and its
    masthead, the publication it names."""
    first_page = pdf.pages[0].text if pdf.pages else ""
    info_title = pdf.info.get("Title", "")
    text = "\n".join([front_matter, first_page, info_title])
    found: dict[str, Any] = {}
    masthead = _masthead(pdf)
    if masthead:
        found["title"] = found["publication"] = masthead
    elif info_title:
        found["title"] = info_title
    statement = _cover_statement(pdf)
    number = find_number(statement) or find_number(text)
    if number is not None:
        found["number"] = number
    date = find_date(statement) or find_date(text) or _info_date(pdf.info.get("CreationDate", ""))
    if date:
        found["date"] = date
    if pdf.info.get("Author"):
        found["publisher"] = pdf.info["Author"]
    return found


def _cover_statement(pdf: ExtractedPdf) -> str:
    """The first short line of page 1 that states both an edition number and a month and
    year ("Issue 05 | December 2016", "Eighth edition, January 2018"): it wins over the
    ordinals and months of the text ("our third conference, in March 2015")."""
    if not pdf.pages:
        return ""
    for line in pdf.pages[0].lines:
        text = line.text
        if states_edition(text):
            return text
    return ""


def infer_from_filename(relative: str) -> dict[str, Any]:
    stem = Path(relative).stem
    found: dict[str, Any] = {"title": re.sub(r"[-_]+", " ", stem).strip().title()}
    dated = re.search(r"((?:19|20)\d\d)(?:[-_]?(0[1-9]|1[0-2]))?", stem)
    if dated:
        found["date"] = dated.group(1) + (f"-{dated.group(2)}" if dated.group(2) else "")
    number = re.search(r"(?:issue|edition|no|ed|n)?[-_ ]?0*(\d{1,3})$", stem, re.IGNORECASE)
    if number and not (dated and dated.end() == len(stem)):
        found["number"] = int(number.group(1))
    return found


def _masthead(pdf: ExtractedPdf) -> str:
    """The largest text in the top part of page 1, if it stands well above the body size."""
    if not pdf.pages or not pdf.pages[0].lines:
        return ""
    page = pdf.pages[0]
    top = [line for line in page.lines if line.top < page.height * 0.4 and not line.figure_share]
    if not top:
        return ""
    biggest = max(line.size for line in top)
    sizes = sorted(line.size for line in page.lines)
    if biggest < sizes[len(sizes) // 2] * 1.8:
        return ""
    text = " ".join(line.text for line in top if line.size == biggest)
    return _title_case(text) if is_all_caps(text) else text


def _title_case(text: str) -> str:
    """SOC LOCAL PARTNERSHIPS BULLETIN → SOC Local Partnerships Bulletin (short words kept)."""
    small = {"and", "of", "the", "for", "in", "on", "to", "a"}
    words = []
    for i, word in enumerate(text.split()):
        if len(word) <= 3 and word.isalpha() and word.lower() not in small:
            words.append(word)  # an acronym: SOC, NCA
        elif i and word.lower() in small:
            words.append(word.lower())
        else:
            words.append(word.capitalize())
    return " ".join(words)


def _info_date(value: str) -> str | None:
    match = re.match(r"^(?:D:)?((?:19|20)\d\d)(0[1-9]|1[0-2])?", value)
    if not match:
        return None
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
