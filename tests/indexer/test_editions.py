from pathlib import Path

import pytest

from indexer.editions import edition_id, infer_from_filename, load_manifest
from indexer.errors import ManifestError
from tests.conftest import CORPUS


def test_shipped_manifest_describes_the_edition() -> None:
    entry = load_manifest(CORPUS)["soc-local-partnerships-bulletin-07.pdf"]
    assert entry["number"] == 7 and entry["date"] == "2017-10"
    assert entry["licence"] == "Open Government Licence v3.0"


def test_every_shipped_pdf_has_a_manifest_entry() -> None:
    manifest = load_manifest(CORPUS)
    assert sorted(p.name for p in CORPUS.glob("*.pdf")) == sorted(manifest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[edition]\n", "not valid TOML"),
        ("[[edition]]\nnumber = 3\n", "needs a file"),
        ('[[edition]]\nfile = "a.pdf"\ncolour = "red"\n', "unknown keys"),
        ('[[edition]]\nfile = "a.pdf"\nnumber = "seven"\n', "whole number"),
        ('[[edition]]\nfile = "a.pdf"\ndate = "Oct 2017"\n', "YYYY-MM"),
    ],
)
def test_bad_manifests_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "editions.toml").write_text(text)
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)


def test_no_manifest_is_fine(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}


def test_ids_and_file_names() -> None:
    assert edition_id("2019/SOC Bulletin Issue 10.PDF") == "2019-soc-bulletin-issue-10"
    assert infer_from_filename("soc-bulletin-issue-10.pdf")["number"] == 10
    dated = infer_from_filename("newsletter_2019_04.pdf")
    assert dated["date"] == "2019-04" and "number" not in dated
