"""The shape of the code: how deep functions nest their blocks, and which modules are light to
import. Both are read from the sources (or a fresh interpreter), so they hold for code no other
test runs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator

from tests.conftest import ROOT

MAX_DEPTH = 3
BLOCKS = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

# The functions of indexer/ and search_app/ that nest blocks deeper than MAX_DEPTH today, and how
# deep. None of them may grow and no other may join them; lower or drop an entry when its
# function gets shallower. The pipeline (indexer/pipeline/) has no exception, and may have none.
DEEPER_TODAY = {
    "indexer.extract:_lines": 4,
    "indexer.extract:_named_dests": 4,
    "indexer.extract:_outline": 4,
    "indexer.extract:file_identity": 4,
    "indexer.index._backend:ArticleIndex.close": 4,
    "indexer.index._entity:entity_view": 4,
    "indexer.index._sets:DocSets._postings": 5,
    "indexer.roles:_mark_bookmarked": 5,
    "indexer.structure:structure_types": 4,
    "indexer.tagging.gazetteer:Gazetteer.build": 4,
    "indexer.tagging.tagger:_filters": 4,
    "indexer.tagging.tagger:_themes": 4,
    "indexer.workers:_run": 5,
    "search_app.archive:Archive.index": 4,
}


def block_depth(node: ast.AST, level: int = 0) -> int:
    """How deep control blocks nest under ``node``: an ``elif`` is as deep as its ``if``, an
    ``except`` or ``case`` as its ``try`` or ``match``; a function or class defined inside is
    measured on its own."""
    deepest = level
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (*FUNCTIONS, ast.ClassDef)):
            continue
        elif_ = (
            isinstance(node, ast.If)
            and node.orelse == [child]
            and isinstance(child, ast.If)
            and child.col_offset == node.col_offset
        )
        inner = level + 1 if isinstance(child, BLOCKS) and not elif_ else level
        deepest = max(deepest, block_depth(child, inner))
    return deepest


def functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """Every function under ``node``, by qualified name (``Class.method``, ``outer.inner``)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, FUNCTIONS):
            yield prefix + child.name, child
            yield from functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from functions(child, f"{prefix}{child.name}.")
        else:
            yield from functions(child, prefix)


def depths() -> dict[str, int]:
    """The block depth of every function in indexer/ and search_app/, as ``module:function``."""
    found: dict[str, int] = {}
    for package in ("indexer", "search_app"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for name, function in functions(ast.parse(path.read_text(), str(path))):
                key = f"{module}:{name}"
                found[key] = max(found.get(key, 0), block_depth(function))
    return found


def test_the_depth_measure() -> None:
    """(The measure the two tests below rely on: what counts as a level, and what does not.)"""
    source = """
def f(items):
    for item in items:
        if item:
            pass
        elif not item:
            try:
                pass
            except ValueError:
                with open(item):
                    pass
        else:
            match item:
                case 1:
                    pass

    def inner():
        if 1:
            if 2:
                if 3:
                    if 4:
                        pass
"""
    found = dict(functions(ast.parse(source)))
    assert {name: block_depth(node) for name, node in found.items()} == {"f": 4, "f.inner": 4}


def test_pipeline_functions_nest_blocks_at_most_three_deep() -> None:
    """The pipeline is a row of small stages: no function in it nests blocks deeper than
    MAX_DEPTH (split it into functions that each do one thing)."""
    pipeline = {k: v for k, v in depths().items() if k.startswith("indexer.pipeline")}
    too_deep = {name: depth for name, depth in pipeline.items() if depth > MAX_DEPTH}
    assert too_deep == {}, f"nested more than {MAX_DEPTH} deep: {too_deep}"
    assert any(k.startswith("indexer.pipeline.") for k in pipeline), "indexer/pipeline/ is gone"


def test_no_function_nests_deeper_than_it_did() -> None:
    """A ratchet: outside the exceptions of today, no function nests blocks deeper than
    MAX_DEPTH, and no exception gets deeper."""
    assert not any(k.startswith("indexer.pipeline") for k in DEEPER_TODAY)
    grown = {
        name: f"{DEEPER_TODAY.get(name, MAX_DEPTH)} → {depth}"
        for name, depth in depths().items()
        if depth > DEEPER_TODAY.get(name, MAX_DEPTH)
    }
    assert grown == {}, f"blocks nested deeper than allowed (split the function): {grown}"


HEAVY = {"whoosh", "pdfminer", "numpy"}
LIGHT = (
    "indexer.models",
    "indexer.entity_types",
    "indexer.errors",
    "indexer.config",
    "indexer.editions",
    "indexer.tagging.gazetteer",
    "indexer.tagging.tagger",
    "indexer.pipeline.report",
    "indexer.results",
    "indexer.backend",
    "indexer.search_request",
    "indexer.outcomes",
)
# Imports the modules one after the other; after each, its file and the heavy libraries loaded.
PROBE = f"""
import importlib, sys
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    print(name, module.__file__, *sorted({{m.partition(".")[0] for m in sys.modules}} & {HEAVY!r}))
"""


def test_data_modules_import_without_whoosh_pdfminer_or_numpy() -> None:
    """What only describes data (the models, the entity types, the configuration, the report's
    types, the gazetteer and the tagger) is imported by the command line and the web app for
    its names: in a fresh interpreter, it loads none of the heavy libraries."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *LIGHT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        module, where, *loaded = line.split()
        assert where.startswith(str(ROOT)), where  # this tree's code, not an installed copy
        assert loaded == [], (
            f"importing {module} loads {', '.join(loaded)} "
            f"(see why: python -X importtime -c 'import {module}')"
        )
    assert len(result.stdout.splitlines()) == len(LIGHT)
