"""The benchmark command at its small scale, so it never rots (the full run is by hand)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from bench.__main__ import main
from bench.synth import TextModel, editions_for, manuscript


def test_the_synthetic_archive_is_the_same_for_the_same_seed() -> None:
    first = [(e, a) for e, a in editions_for(120, seed=5)]
    again = [(e, a) for e, a in editions_for(120, seed=5)]
    other = [(e, a) for e, a in editions_for(120, seed=6)]
    assert first == again
    assert first != other
    assert sum(len(a) for _, a in first) == 120
    model = TextModel()
    assert manuscript(model, random.Random(3), 1) == manuscript(model, random.Random(3), 1)


@pytest.mark.slow  # about 40 s: the benchmark's every section at its small scale
def test_small_benchmark_prints_and_writes_every_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "benchmarks.md"
    assert main(["--scale", "small", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for section in ("ingest", "incremental", "index", "search", "http", "serving"):
        assert f"\n{section} " in printed, section
    assert "pdfminer.six alone" in printed
    assert "as served / tantivy" in printed  # the yardstick, per query class
    assert "first search after a publish" in printed and "after 3 publishes" in printed
    assert "best of 2 rounds" in printed  # each ingest figure is its best round
    assert "SQLite FTS5" in printed
    assert "bare Whoosh" in printed
    written = out.read_text(encoding="utf-8")
    assert "| section | measure | value | target | met |" in written
    assert "Machine:" in written and "Whoosh 2.7.4" in written
    assert "python -m bench --scale small" in written
    # every measure has a value; the HTTP run had no errors
    rows = [line.split(" | ") for line in written.splitlines() if line.startswith("| ")][2:]
    assert rows and all(row[2].strip() for row in rows)
    errors = [row for row in rows if "errors" in row[1]]
    assert errors and all(row[2].strip() == "0" for row in errors)
