"""Publications: which publication an edition belongs to, by its name, and its stable id.

An edition names its publication (``Edition.publication``: the manifest's ``publication``,
else its title as the manifest or the PDF's masthead states it). The manifest's
``[[publication]]`` tables (``indexer.editions``) describe publications: an id, a licence,
an attribution. ``resolve`` finds the table an edition's name stands for (by name or id, in
any case, or a name whose slug is the id); a name no table describes is a publication of its
own, with no licence known.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from indexer.models import Publication

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def publication_id(name: str) -> str:
    """A stable id from a publication's name: "SOC Local Partnerships Bulletin" →
    "soc-local-partnerships-bulletin"; accents dropped ("Sécurité" → "securite"); a name
    with no Latin letter or digit gets a short hash of itself ("publication-3f2a9c1d")."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    ascii_name = folded.encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_name).strip("-")
    if slug:
        return slug
    digest = hashlib.blake2b(_key(name).encode(), digest_size=4).hexdigest()
    return f"publication-{digest}"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def find(name: str, publications: Iterable[Publication]) -> Publication | None:
    """The publication ``name`` stands for among ``publications`` (its name or id, any case,
    or a name whose id is the same); None if none."""
    known = list(publications)
    wanted = _key(name)
    for publication in known:
        if _key(publication.name) == wanted:
            return publication
    slug = publication_id(name)
    for publication in known:
        if publication.id in (wanted, slug):
            return publication
    return None


def resolve(name: str | None, publications: Iterable[Publication] = ()) -> Publication | None:
    """The publication an edition naming ``name`` belongs to: the one the manifest describes,
    else one of that name (its id the name's slug); None when it names none."""
    if not name or not name.strip():
        return None
    found = find(name, publications)
    if found is not None:
        return found
    name = " ".join(name.split())
    return Publication(id=publication_id(name), name=name)
