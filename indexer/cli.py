"""The ``bulletins`` command line: build the index, search it."""

from __future__ import annotations

import html
import json
import logging
import re
import sys
from pathlib import Path
from typing import NoReturn

import click

from indexer.config import (
    DEFAULT_CORPUS_DIR,
    DEFAULT_INDEX_DIR,
    ENV_CORPUS_DIR,
    ENV_INDEX_DIR,
    Settings,
)
from indexer.errors import BulletinsError, SearchQueryError
from indexer.index import ArticleIndex, SearchPage
from indexer.pipeline import BuildReport, FileOutcome, build_index

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE = 0, 1, 2
_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)

corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "Folder of edition PDFs (and editions.toml). "
        f"Default: ${ENV_CORPUS_DIR} or ./{DEFAULT_CORPUS_DIR}"
    ),
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"Index folder. Default: ${ENV_INDEX_DIR} or ./{DEFAULT_INDEX_DIR}",
)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-archive")
def cli() -> None:
    """Search the articles of newsletter-style PDF bulletins.

    \b
    Quick start (from the project folder, with the shipped corpus):
      bulletins index                  build the index from ./corpus
      bulletins search "county lines"  search it (builds the index first if needed)
    """


@cli.command("index")
@corpus_option
@index_option
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the summary.")
def index_command(corpus_dir: Path | None, index_dir: Path | None, quiet: bool) -> None:
    """Build the index from every PDF in the corpus folder.

    The new index is built beside the live one and swapped in at the end, so searches keep
    working meanwhile. A PDF that cannot be read is reported and skipped (its previously indexed
    articles are kept); the batch goes on.

    \b
    Exit status: 0 every file indexed; 1 some files failed (listed); 2 usage or input error.
    """
    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    report = _build(settings, quiet=quiet)
    sys.exit(EXIT_FAILED_FILES if report.failed else EXIT_OK)


def _build(settings: Settings, *, quiet: bool) -> BuildReport:
    def on_file(outcome: FileOutcome) -> None:
        if outcome.status == "ok" and not quiet:
            click.echo(
                f"  ok      {outcome.file}: {outcome.articles} articles ({outcome.seconds:.2f}s)",
                err=True,
            )
        elif outcome.status != "ok":
            click.echo(f"  FAILED  {outcome.file}: [{outcome.reason}] {outcome.message}", err=True)

    if not quiet:
        click.echo(f"Indexing {settings.corpus_dir} into {settings.index_dir}", err=True)
    try:
        report = build_index(settings, on_file)
    except BulletinsError as exc:
        _fail(str(exc))
    ok = len(report.outcomes) - len(report.failed)
    if not report.outcomes:
        _fail(f"no PDF files found in {settings.corpus_dir}")
    click.echo(
        f"Indexed {ok} of {len(report.outcomes)} files, {report.articles} articles, "
        f"in {report.seconds:.2f}s" + (f"; {len(report.failed)} failed" if report.failed else ""),
        err=True,
    )
    return report


@cli.command("search")
@click.argument("query")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Results per page.",
)
@click.option(
    "--page",
    "-p",
    type=click.IntRange(1, None),
    default=1,
    show_default=True,
    help="Page of results.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the HTTP API serves.")
@index_option
@corpus_option
def search_command(
    query: str,
    limit: int,
    page: int,
    as_json: bool,
    index_dir: Path | None,
    corpus_dir: Path | None,
) -> None:
    """Search the index for articles matching QUERY.

    \b
    Query syntax (Whoosh):
      county lines              both words (AND is the default)
      "county lines"            the exact phrase
      fraud OR scam             either word
      slavery NOT labour        exclude a word
      exploit*                  wildcard (exploit, exploitation, ...)
      title:guardian            one field: title, body, section, edition, year, date, page
      edition:7  year:2017      the 7th edition; editions of 2017
    An empty QUERY ("") lists every article, newest first.

    If there is no index yet, it is built from the corpus first.
    """
    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    index = _open_index(settings)
    try:
        results = index.search(query, page=page, per_page=limit)
    except SearchQueryError as exc:
        _fail(f"invalid query: {exc}")
    finally:
        index.close()
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_results(results)


def _open_index(settings: Settings) -> ArticleIndex:
    if not ArticleIndex.exists(settings.index_dir):
        if not settings.corpus_dir.is_dir():
            _fail(
                f"no index at {settings.index_dir} and no corpus at {settings.corpus_dir}; "
                "pass --index or --corpus"
            )
        click.echo(f"No index at {settings.index_dir} yet: building it (first run).", err=True)
        _build(settings, quiet=True)
    try:
        return ArticleIndex(settings.index_dir)
    except BulletinsError as exc:
        _fail(str(exc))


def _print_results(results: SearchPage) -> None:
    if not results.total:
        click.echo(f'No articles match "{results.query}".')
        return
    first = (results.page - 1) * results.per_page + 1
    last = first + len(results.results) - 1
    click.echo(f'{results.total} articles match "{results.query}" (showing {first}-{last})\n')
    for rank, hit in enumerate(results.results, start=first):
        edition = hit.edition
        where = [
            f"Edition {edition['number']}" if edition.get("number") else edition.get("title") or ""
        ]
        if edition.get("date"):
            where.append(str(edition["date"]))
        if hit.section:
            where.append(hit.section)
        pages = hit.pages
        where.append(f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}")
        click.echo(click.style(f"{rank}. {hit.title}", bold=True))
        click.echo("   " + " · ".join(w for w in where if w) + f" · score {hit.score:.2f}")
        click.echo("   " + _terminal_snippet(hit.snippet))
        click.echo(f"   {hit.source}#page={pages[0]}\n")


def _terminal_snippet(snippet: str) -> str:
    text = _MARK.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    return html.unescape(" ".join(text.split()))


def main() -> None:
    # pdfminer logs every recoverable oddity of a PDF as a warning; the outcome per file is ours.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    cli(prog_name="bulletins")
