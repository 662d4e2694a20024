"""Which publication an edition names, and its id. The publications are FICTIONAL."""

from __future__ import annotations

from indexer.models import Publication
from indexer.publications import find, publication_id, resolve

GAZETTE = Publication("gazette", "Riverside Gazette", licence="CC BY 4.0")
NEWS = Publication("northshire-safety-newsletter", "Northshire Safety Newsletter")


def test_ids_are_slugs_of_the_name() -> None:
    assert publication_id("SOC Local Partnerships Bulletin") == "soc-local-partnerships-bulletin"
    assert publication_id("  Riverside  Gazette (fictional)! ") == "riverside-gazette-fictional"
    assert publication_id("§§").startswith("publication-")
    # accents dropped; names without a Latin letter kept apart by a hash of themselves
    assert publication_id("Sécurité Info") == "securite-info"
    assert publication_id("Полиция") != publication_id("Новости")


def test_a_name_finds_the_manifest_s_publication_by_name_or_id_in_any_case() -> None:
    known = (GAZETTE, NEWS)
    assert find("riverside   GAZETTE", known) is GAZETTE
    assert find("Gazette", known) is GAZETTE  # its id
    assert find("NORTHSHIRE SAFETY NEWSLETTER", known) is NEWS
    assert find("Northshire-Safety-Newsletter", known) is NEWS  # a name whose slug is its id
    assert find("Riverside Herald", known) is None


def test_a_name_no_table_describes_is_a_publication_of_its_own() -> None:
    assert resolve("Riverside Gazette", (GAZETTE,)) is GAZETTE
    herald = resolve(" Riverside  Herald ", (GAZETTE,))
    assert herald == Publication("riverside-herald", "Riverside Herald")
    assert resolve(None) is None and resolve("  ") is None
