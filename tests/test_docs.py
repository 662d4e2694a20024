"""The operator's documentation names every exit status, outcome and skip reason the code has:
each list has one source in the code, and a test fails when the docs fall behind it."""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from indexer.cli import ExitStatus, cli
from indexer.corpus import SKIP_REASONS
from indexer.errors import ExtractionError
from indexer.outcomes import FILE_CHANGES, FILE_STATUSES, RUN_ERRORS
from indexer.pipeline import FAILURE_REASONS, FileOutcome
from search_app.errors import ERROR_CODES, ErrorCode
from tests.conftest import ROOT

REINDEXING = (ROOT / "docs" / "reindexing.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


# --- values the code gives, collected from its source --------------------------------------
# indexer/pipeline/ writes a file's status and change and a failed run's code as string
# literals (it is not to import indexer/outcomes.py yet), so its source is read here.


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strings(node: ast.expr | None) -> set[str]:
    """The strings an expression can be: a literal, either side of ``a if c else b``, or the
    default of ``mapping.get(key, default)``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get":
        return _strings(node.args[1]) if len(node.args) == 2 else set()
    return set()


def _calls(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                yield node


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _failure_reasons_given() -> set[str]:
    """Every reason a file's failure is given with anywhere in indexer/: ExtractionError's
    (its default too), JobFailure's, and a worker's ("failed", (reason, message)) answer."""
    given = {str(inspect.signature(ExtractionError).parameters["reason"].default)}
    for path in sorted((ROOT / "indexer").rglob("*.py")):
        tree = _tree(path)
        for call in _calls(tree, "ExtractionError"):
            given |= _strings(_argument(call, 1, "reason"))
        for call in _calls(tree, "JobFailure"):
            given |= _strings(_argument(call, 0, "reason"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and _strings(node.elts[0]) == {"failed"}
                and isinstance(node.elts[1], ast.Tuple)
            ):
                given |= _strings(node.elts[1].elts[0])
    return given


def test_every_failure_reason_the_code_gives_is_the_registry() -> None:
    """FAILURE_REASONS (documented above) is every reason raised, and nothing else."""
    assert _failure_reasons_given() == set(FAILURE_REASONS)


def _pipeline_values() -> tuple[set[str], set[str], set[str]]:
    """(file statuses, file changes, failed-run codes) as indexer/pipeline/ writes them."""
    statuses: set[str] = set()
    changes = {str(FileOutcome.__dataclass_fields__["change"].default)}
    codes: set[str] = set()
    trees = [_tree(path) for path in sorted((ROOT / "indexer" / "pipeline").glob("*.py"))]
    for call in (call for tree in trees for call in _calls(tree, "FileOutcome")):
        statuses |= _strings(_argument(call, 1, "status"))
        changes |= _strings(_argument(call, 99, "change"))
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == "change":
                changes |= _strings(node.value)
            if (
                isinstance(target, ast.Tuple)
                and isinstance(target.elts[0], ast.Name)
                and target.elts[0].id == "code"
                and isinstance(node.value, ast.Tuple)
            ):
                codes |= _strings(node.value.elts[0])
    return statuses, changes, codes


def test_outcomes_registry_is_what_the_pipeline_writes() -> None:
    statuses, changes, codes = _pipeline_values()
    assert statuses == set(FILE_STATUSES)
    assert changes == set(FILE_CHANGES)
    assert codes == set(RUN_ERRORS)


def test_every_file_status_change_and_run_error_is_documented() -> None:
    for field, values in (
        ("status", FILE_STATUSES),
        ("change", FILE_CHANGES),
        ("error.code", RUN_ERRORS),
    ):
        for value in values:
            assert f"| `{field}` | `{value}` |" in REINDEXING, (field, value)


def test_every_api_error_code_is_documented_with_its_status() -> None:
    for code, (status, _) in ERROR_CODES.items():
        assert f"| `{code}` | {status} |" in README, code
    assert set(ERROR_CODES) == set(ErrorCode)


def test_every_exit_status_of_the_command_line_comes_from_exit_status() -> None:
    """No command exits with a number of its own: each is an ExitStatus (documented above), or
    128 + a signal's number."""
    tree = _tree(ROOT / "indexer" / "cli.py")
    for name, position in (("exit", 0), ("_fail", 1)):
        for call in _calls(tree, name):
            status = _argument(call, position, "code")
            literal = isinstance(status, ast.Constant)
            assert not literal, f"indexer/cli.py:{call.lineno} exits with a bare number"


# --- the command line's --help ----------------------------------------------------------------


def _commands(command: click.Command, name: str) -> Iterator[tuple[str, click.Command]]:
    yield name, command
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            yield from _commands(sub, f"{name} {sub_name}")


def _is_sentence(text: str | None) -> bool:
    """Capitalised, at least three words, ending in a full stop (after any closing bracket)."""
    text = " ".join((text or "").split())
    return bool(re.match(r"[A-Z]", text)) and len(text.split()) >= 3 and text.endswith(".")


def test_every_option_of_every_command_has_a_help_sentence() -> None:
    problems = []
    for name, command in _commands(cli, "bulletins"):
        summary = (command.help or "").strip().split("\n\n")[0]
        if not _is_sentence(summary):
            problems.append(f"{name}: its help does not start with a sentence: {summary!r}")
        for param in command.get_params(click.Context(command, info_name=name)):
            if isinstance(param, click.Option) and not _is_sentence(param.help):
                problems.append(f"{name} {'/'.join(param.opts)}: help {param.help!r}")
            elif isinstance(param, click.Argument) and param.human_readable_name not in summary:
                problems.append(f"{name}: its help does not name {param.human_readable_name}")
        result = CliRunner().invoke(cli, [*name.split()[1:], "--help"])
        if result.exit_code != 0:
            problems.append(f"{name} --help: exit status {result.exit_code}")
    assert problems == []


# --- the README's command outputs -----------------------------------------------------------


def _readme_block(first_line: str) -> str:
    """The README's code block that starts with ``first_line``, without its fences."""
    start = README.index(f"```text\n{first_line}\n") + len("```text\n")
    return README[start : README.index("```", start)]


def _unclocked(text: str) -> str:
    """``text`` with the clock's and the stopwatch's numbers masked."""
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "YYYY-MM-DD HH:MM:SS", text)
    return re.sub(r"\b\d+\.\d\ds\b", "N.NNs", text)


def _shown_as_run(shown: str, real: str) -> None:
    """Every line the README shows is the real output's, in order; a line "…" stands for any
    number of lines left out."""
    chunks = re.split(r"^…\n", _unclocked(shown), flags=re.M)
    real, at = _unclocked(real), 0
    for chunk in chunks:
        found = real.find(chunk, at)
        assert found >= 0 and (at or found == 0), f"not in the real output:\n{chunk}\n{real}"
        at = found + len(chunk)
    assert chunks[-1] == "" or real[at:].strip() == "", f"more output than shown:\n{real[at:]}"


def test_readme_command_outputs_are_a_real_run(
    corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bulletins index`` (twice) and ``bulletins search`` in a folder holding the shipped
    corpus, with the default folders, print what the README shows."""
    monkeypatch.chdir(corpus_copy.parent)
    monkeypatch.delenv("BULLETINS_CORPUS", raising=False)
    monkeypatch.delenv("BULLETINS_INDEX", raising=False)
    runner = CliRunner()
    index = "".join(
        "$ bulletins index\n" + runner.invoke(cli, ["index", "--workers", "1"]).output
        for _ in range(2)
    )
    _shown_as_run(_readme_block("$ bulletins index"), index)
    question = "what has been done on county lines in Wales?"
    command = f'$ bulletins search "{question}" --limit 3'
    search = runner.invoke(cli, ["search", question, "--limit", "3"])
    assert search.exit_code == 0, search.output
    _shown_as_run(_readme_block(command), f"{command}\n{search.output}")
    as_json = runner.invoke(cli, ["search", "county lines", "--json"])
    assert as_json.exit_code == 0, as_json.output
    _json_shown_as_run(_readme_block_of("json", '{"query": "county lines"'), as_json.output)


def _readme_block_of(language: str, start_of_first_line: str) -> str:
    start = README.index(f"```{language}\n{start_of_first_line}") + len(f"```{language}\n")
    return README[start : README.index("```", start)]


def _json_shown_as_run(shown: str, real_text: str) -> None:
    """The README's JSON (laid out by hand, with "…" for what it leaves out): every key and
    plain value it shows is the real output's, and it shows every key of the object and of
    a result."""
    real = json.loads(real_text)
    pairs: set[tuple[str, str]] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                pairs.add((key, json.dumps(item, ensure_ascii=False)))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(real)
    plain = r'"([a-z_]+)": ("(?:[^"\\]|\\.)*"|-?[0-9.]+|null|true|false|\[\])'
    shown_pairs = set(re.findall(plain, shown))
    assert shown_pairs and shown_pairs <= pairs, shown_pairs - pairs
    shown_keys = set(re.findall(r'"([a-z_]+)":', shown))
    assert set(real) <= shown_keys and set(real["results"][0]) <= shown_keys
