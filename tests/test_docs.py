"""The operator's documentation names every exit status, outcome and skip reason the code has:
each list has one source in the code, and a test fails when the docs fall behind it."""

from __future__ import annotations

import re

from click.testing import CliRunner

from indexer.cli import ExitStatus, cli
from indexer.corpus import SKIP_REASONS
from indexer.pipeline import FAILURE_REASONS
from tests.conftest import ROOT

REINDEXING = (ROOT / "docs" / "reindexing.md").read_text(encoding="utf-8")


def test_every_exit_status_is_documented_in_docs_and_help() -> None:
    help_text = CliRunner().invoke(cli, ["index", "--help"]).output
    for status in ExitStatus:
        assert re.search(rf"^\| {int(status)} \|", REINDEXING, re.M), status
        assert re.search(rf"^\s+{int(status)}\s+\w", help_text, re.M), status
    assert "128 + N" in REINDEXING and "128+N" in help_text


def test_every_outcome_and_skip_reason_is_documented() -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["index", "--help"]).output.split())
    for reason in FAILURE_REASONS:
        assert f"| `{reason}` |" in REINDEXING, reason
        assert reason in help_text, reason
    for reason in SKIP_REASONS:
        assert f"| `{reason}` |" in REINDEXING, reason
