"""The ``bulletins`` command line: build the index, search it."""

from __future__ import annotations

import enum
import html
import json
import logging
import re
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from indexer.config import (
    DEFAULT_CORPUS_DIR,
    DEFAULT_INDEX_DIR,
    ENV_CORPUS_DIR,
    ENV_INDEX_DIR,
    IndexingSettings,
    SearchSettings,
    ServeSettings,
    Settings,
)
from indexer.entity_types import CHIP_TYPES, IDS
from indexer.errors import BrokerError, BulletinsError, SearchQueryError, StorageError
from indexer.index import SORTS, ArticleIndex, IndexLockedError
from indexer.ocr import INSTALL_HINT, missing_tools
from indexer.pipeline import (
    FAILURE_REASONS,
    BuildOptions,
    BuildReport,
    FileOutcome,
    build_index,
    index_status,
)
from indexer.processes import (
    Stopped,
    defer_stops,
    end_by_signal,
    stop_on_signals,
    stop_requested,
)
from indexer.results import SearchPage
from indexer.search_request import Options, SearchRequest
from indexer.search_request import run as run_search
from indexer.tagging.evaluate import evaluate
from indexer.tagging.gazetteer import Gazetteer
from indexer.tagging.query import searching_with
from indexer.textnorm import (
    MESSAGE_CHARS,
    TITLE_CHARS,
    display_text,
    escape_text,
    safe_json,
    safe_text,
)
from indexer.workers import Limits, default_workers


class ExitStatus(enum.IntEnum):
    """What ``bulletins index`` (and the other commands) exit with: the one list, from which
    the ``--help`` text is made and against which docs/reindexing.md is tested. A run stopped
    by a signal exits with 128 + the signal's number, as a shell reports it."""

    OK = 0
    FAILED_FILES = 1
    USAGE = 2
    LOCKED = 3
    STORAGE = 4
    BROKER = 5


EXIT_DESCRIPTIONS = {
    ExitStatus.OK: "every file is indexed (ok or repaired)",
    ExitStatus.FAILED_FILES: "some files failed (listed, and in the --report file)",
    ExitStatus.USAGE: "usage or input error (missing corpus folder, no PDFs, bad editions.toml)",
    ExitStatus.LOCKED: "another indexing job is running on this index (nothing was changed)",
    ExitStatus.STORAGE: "the index folder cannot be written (disk full, file-size limit, "
    "read-only); the live index was left as it was",
    ExitStatus.BROKER: "the broker (--broker) cannot be reached, or was lost during the run; "
    "the live index was left as it was",
}
EXIT_STOPPED = "128+N: stopped by signal N (130 Ctrl+C, 129 SIGHUP, 143 SIGTERM); nothing published"
_NOTHING_PUBLISHED = "nothing was published, the live index is as it was"
EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_LOCKED, EXIT_STORAGE, EXIT_BROKER = ExitStatus
FILTER_TYPES = IDS
_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)

corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "The folder of edition PDFs, sub-folders included, and their editions.toml "
        f"(default: ${ENV_CORPUS_DIR}, else ./{DEFAULT_CORPUS_DIR})."
    ),
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"The index folder (default: ${ENV_INDEX_DIR}, else ./{DEFAULT_INDEX_DIR}).",
)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Commands(click.Group):
    """The commands; bad input that one did not expect (a damaged index, say) is still one
    line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BulletinsError as exc:
            _fail(str(exc))
        except KeyboardInterrupt as exc:  # a stop outside a build: not click's "Aborted!"
            end_by_signal(exc.signum if isinstance(exc, Stopped) else signal.SIGINT)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:  # (while the command line is read)
            end_by_signal(exc.signum if isinstance(exc, Stopped) else signal.SIGINT)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-archive")
def cli() -> None:
    """Search the articles of newsletter-style PDF bulletins.

    \b
    Quick start (from the project folder, with the shipped corpus):
      bulletins serve                  the search site on http://127.0.0.1:8000
      bulletins index                  build (or refresh) the index from ./corpus
      bulletins search "county lines"  search from the terminal
    The first serve or search builds the index if there is none.
    """


def _index_help() -> str:
    statuses = "\n".join(f"  {int(code):<3} {text}" for code, text in EXIT_DESCRIPTIONS.items())
    outcomes = ", ".join(["ok", "repaired", *FAILURE_REASONS])
    return f"""Bring the index up to date with the PDFs in the corpus folder.

    \b
    Incremental: new and changed PDFs are read, removed ones dropped, unchanged ones skipped
    (--full reads everything again). PDFs are read in parallel worker processes, each under a
    time and a memory limit. The updated index is published atomically: searches, and a
    running `bulletins serve`, see the old index until the new one is complete. A PDF that
    cannot be read is reported with its reason and keeps what was indexed for it before; the
    batch goes on. Only one indexing job runs at a time. SIGTERM, SIGHUP and Ctrl+C stop the
    run cleanly (workers stopped, nothing published, the lock released).

    \b
    Outcomes: {outcomes}.

    \b
    Exit status:
{statuses}
      {EXIT_STOPPED}
    """


@cli.command("index", help=_index_help())
@corpus_option
@index_option
@click.option("--full", is_flag=True, help="Read every PDF again, even unchanged ones.")
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="How many PDFs are read at once, each in its own process. Default: the number of cores.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, None),
    default=IndexingSettings.job_seconds,
    show_default=True,
    help="Seconds one PDF may take before it is stopped (outcome: timeout).",
)
@click.option(
    "--memory",
    type=click.IntRange(0, None),
    default=IndexingSettings.job_memory_mb,
    show_default=True,
    help="MiB one PDF may use before it is stopped (outcome: out-of-memory); 0: no limit.",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the run's report as JSON to this file.",
)
@click.option(
    "--ocr",
    is_flag=True,
    help="Read scanned pages (no text layer) and garbled text with Tesseract "
    "(Debian: apt-get install tesseract-ocr poppler-utils).",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Also read PDFs that links in the corpus folder point to outside it, and folders "
    "reached through links (each once). Default: such links are listed as skipped.",
)
@click.option(
    "--broker",
    envvar="BULLETINS_BROKER",
    default=None,
    metavar="URL",
    help="Read the PDFs on a cluster: the Celery broker (redis://HOST:PORT/N) that "
    "`bulletins worker` processes take jobs from ($BULLETINS_BROKER). Splitting, tagging and "
    "writing the index stay in this process (see docs/deployment.md).",
)
@click.option(
    "--worker-wait",
    type=click.FloatRange(1, None),
    default=IndexingSettings.worker_wait_seconds,
    show_default=True,
    metavar="SECONDS",
    help="With --broker: stop (exit status 5, nothing published) when no worker has "
    "answered for this long.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress: only failures and the summary.")
def index_command(
    corpus_dir: Path | None,
    index_dir: Path | None,
    full: bool,
    workers: int | None,
    timeout: float,
    memory: int,
    report_file: Path | None,
    ocr: bool,
    follow_symlinks: bool,
    broker: str | None,
    worker_wait: float,
    quiet: bool,
) -> None:
    settings = Settings.from_env(
        corpus_dir=corpus_dir,
        index_dir=index_dir,
        indexing=IndexingSettings(
            job_seconds=timeout, job_memory_mb=memory, worker_wait_seconds=worker_wait
        ),
    )
    options = BuildOptions(
        full=full,
        workers=workers or default_workers(),
        limits=Limits(settings.indexing.job_seconds, settings.indexing.job_memory_mb),
        ocr=ocr,
        follow_symlinks=follow_symlinks,
        broker=broker or None,
        worker_wait=settings.indexing.worker_wait_seconds,
    )
    if ocr and missing_tools():
        click.echo(
            f"warning: --ocr needs {', '.join(missing_tools())}, which are not installed "
            f"({INSTALL_HINT}); scanned PDFs will be reported as no-text-layer.",
            err=True,
        )
    report = _build(settings, quiet=quiet, options=options, report_file=report_file)
    sys.exit(EXIT_FAILED_FILES if report.failed else EXIT_OK)


def _build(
    settings: Settings,
    *,
    quiet: bool,
    options: BuildOptions | None = None,
    report_file: Path | None = None,
) -> BuildReport:
    """Run ``build_index`` and report it; SIGTERM, SIGHUP and Ctrl+C stop it cleanly (one line,
    128 + the signal's number), but once it has published, the run is reported to the end and
    a stop only noted."""
    with stop_on_signals():
        report = _run_build(settings, quiet=quiet, options=options)
        defer_stops()  # the run is over (and perhaps published): report it all
        _report(settings, report, report_file)
    late = stop_requested()
    if late is not None:
        name = signal.Signals(late).name
        when = "while the new index was being published" if report.published else "at the end"
        click.echo(f"note: {name} arrived {when}; the run finished first", err=True)
    return report


def _run_build(settings: Settings, *, quiet: bool, options: BuildOptions | None) -> BuildReport:
    progress = _Progress(quiet=quiet)
    if not quiet:
        progress.log(f"Indexing {settings.corpus_dir} into {settings.index_dir}")
    try:
        with progress:
            return build_index(
                settings, progress.file_done, options=options, on_start=progress.start
            )
    except Stopped as exc:
        _fail(f"stopped by {exc}; {_NOTHING_PUBLISHED}", exc.exit_status)
    except KeyboardInterrupt:
        _fail(f"stopped; {_NOTHING_PUBLISHED}", 128 + signal.SIGINT)
    except IndexLockedError as exc:
        _fail(str(exc), EXIT_LOCKED)
    except StorageError as exc:
        _fail(str(exc), EXIT_STORAGE)
    except BrokerError as exc:
        _fail(f"{exc}; {_NOTHING_PUBLISHED}", EXIT_BROKER)
    except BulletinsError as exc:
        _fail(str(exc))


def _report(settings: Settings, report: BuildReport, report_file: Path | None) -> None:
    """The end of a run on standard error, and the report file if one was asked for."""
    if report.entity_changes:
        click.echo(f"Entities changed in {len(report.entity_changes)} articles:", err=True)
        for change in report.entity_changes:
            marks = [f"+{t}:{label}" for t, _, label in change.added]
            marks += [f"-{t}:{label}" for t, _, label in change.removed]
            title = display_text(change.title, TITLE_CHARS)
            click.echo(
                f"  {title} [{change.article_id}]: {display_text(' '.join(marks))}", err=True
            )
    for skipped in report.skipped:
        click.echo(
            f"  SKIPPED {_file_line(skipped.file, skipped.reason, skipped.message)}", err=True
        )
    for outcome in report.failed:
        click.echo(
            f"  FAILED  {_file_line(outcome.file, outcome.reason, outcome.message)}", err=True
        )
    for outcome in report.duplicates:
        click.echo(f"  COPY    {escape_text(outcome.file)}: {outcome.message}", err=True)
    counts = report.counts()
    summary = ", ".join(
        f"{counts[k]} {k}" for k in counts if k not in ("skipped", "duplicates") or counts[k]
    )
    state = "index updated" if report.published else "index unchanged"
    click.echo(
        f"Done in {report.seconds:.2f}s: {summary}; {report.articles} articles from "
        f"{report.editions} edition{'' if report.editions == 1 else 's'} ({state}).",
        err=True,
    )
    if report_file is not None:
        try:
            report_file.write_text(
                json.dumps(
                    {"corpus": str(settings.corpus_dir), **report.to_json()},
                    ensure_ascii=False,
                    indent=2,
                ),
                encoding="utf-8",
            )
        except OSError as exc:
            _fail(f"cannot write the report to {report_file}: {exc.strerror}")


class _Progress:
    """A progress bar on a terminal; timestamped lines otherwise (cron, CI); nothing if quiet.
    Failures are always printed."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self._bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None

    def log(self, message: str) -> None:
        if self.tty:
            click.echo(message, err=True)
        else:
            click.echo(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", err=True)

    def start(self, total: int) -> None:
        if self.tty and not self.quiet and total:
            self._bar = click.progressbar(
                length=total, label="Indexing", file=sys.stderr, show_pos=True, show_eta=True
            )
            self._bar.render_progress()

    def file_done(self, outcome: FileOutcome) -> None:
        if self._bar is not None:
            self._bar.update(1, escape_text(outcome.file))
            return
        if self.quiet:
            return
        if outcome.status == "failed":
            line = f"FAILED  {_file_line(outcome.file, outcome.reason, outcome.message)}"
        elif not outcome.extracted:
            line = f"same    {escape_text(outcome.file)}: {outcome.articles} articles"
        else:
            line = (
                f"{outcome.status:<7} {escape_text(outcome.file)}: {outcome.articles} articles "
                f"({outcome.change}, {outcome.seconds:.2f}s)"
            )
        self.log(line)


@cli.command("status")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the status as JSON (what /api/status answers)."
)
@index_option
def status_command(as_json: bool, index_dir: Path | None) -> None:
    """Show the index: editions, articles, the last indexing run and the files that failed."""
    settings = Settings.from_env(index_dir=index_dir)
    status = index_status(settings.index_dir)
    if as_json:
        click.echo(json.dumps(safe_json(status), ensure_ascii=False, indent=2))
        return
    if status.get("problem"):
        click.echo(f"Problem:   {status['problem']}")
    if not status["exists"]:
        click.echo(f"No index at {settings.index_dir} yet. Build one with: bulletins index")
        return
    click.echo(f"Index:     {settings.index_dir}")
    click.echo(f"Serving:   {status['generation']}")
    click.echo(f"Editions:  {status['editions']}")
    click.echo(f"Articles:  {status['articles']}")
    for item in status.get("publications") or []:
        name = display_text(str(item["name"]), TITLE_CHARS)
        editions = f"{item['editions']} edition{'' if item['editions'] == 1 else 's'}"
        licence = f"; {display_text(str(item['licence']), TITLE_CHARS)}" if item["licence"] else ""
        click.echo(
            f"Publication: {name} [{item['id']}]: {editions}, {item['articles']} articles{licence}"
        )
    _print_last_run(status.get("last_run") or {})
    failed = status["failed"]
    click.echo(f"Failed:    {len(failed)} file{'s' if len(failed) != 1 else ''}")
    for item in failed:
        click.echo(f"  {_file_line(item['file'], item['reason'], item['message'])}")
    for item in status["duplicates"]:
        copy, primary = escape_text(item["file"]), escape_text(str(item["of"]))
        same = item["same"]
        click.echo(f"Copy:      {copy}: the same {same} as {primary}, indexed under that file")
    recurring = status.get("boilerplate") or []
    if recurring:
        click.echo(
            f"Boilerplate: {len(recurring)} paragraph{'s' if len(recurring) != 1 else ''} recur "
            "in 3 or more editions of a publication, left out of search (docs/boilerplate.md)"
        )
    for item in recurring:
        text = display_text(str(item["text"]), TITLE_CHARS)
        click.echo(f"  {item['editions']:3} editions  {item['publication'] or '-'}: {text}")


def _print_last_run(run: dict[str, Any]) -> None:
    """The last run's line of ``bulletins status``, from a ``last-run.json`` that may have been
    written by another version, or damaged: what is missing is left out."""
    finished = display_text(str(run.get("finished") or "?"))
    error = run.get("error")
    counts = run.get("counts")
    if isinstance(error, dict):
        message = display_text(str(error.get("message", "")), MESSAGE_CHARS)
        click.echo(f"Last run:  {finished}: ended without publishing: {message}")
    elif isinstance(counts, dict):
        seconds = run.get("seconds")
        took = f" ({seconds:.2f}s)" if isinstance(seconds, int | float) else ""
        listed = ", ".join(f"{v} {k}" for k, v in counts.items())
        click.echo(f"Last run:  {finished}{took}: {display_text(listed)}")
    skipped = run.get("skipped")
    for item in skipped if isinstance(skipped, list) else []:
        if isinstance(item, dict):
            line = _file_line(str(item.get("file")), item.get("reason"), item.get("message"))
            click.echo(f"  skipped {line}")


def _entity_options(func: Any) -> Any:
    for type_ in reversed(FILTER_TYPES):
        func = click.option(
            f"--{type_}",
            f"filter_{type_}",
            multiple=True,
            metavar="NAME",
            help=f"Only articles tagged with this {type_}: id, name, alias or acronym. Repeatable.",
        )(func)
    return func


@cli.command("search")
@click.argument("query", default="")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="How many results to show per page.",
)
@click.option(
    "--page",
    "-p",
    type=click.IntRange(1, SearchSettings.max_page),
    default=1,
    show_default=True,
    help="Which page of results to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the HTTP API serves.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Order of results (an empty query is always newest first).",
)
@click.option(
    "--from", "date_from", metavar="YYYY[-MM]", help="Only editions of this month or year on."
)
@click.option(
    "--to", "date_to", metavar="YYYY[-MM]", help="Only editions up to this month or year."
)
@click.option(
    "--publication",
    "publications",
    multiple=True,
    metavar="ID",
    help="Only articles of this publication, by its id or name (as `bulletins status` lists "
    "them). Repeatable.",
)
@click.option(
    "--edition",
    "editions",
    multiple=True,
    metavar="ID",
    help="Only articles of this edition, by its id (as /api/editions lists them). Repeatable.",
)
@click.option(
    "--year", "years", multiple=True, metavar="YYYY", help="Only editions of this year. Repeatable."
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    help="Only articles of this section, as printed (any case). Repeatable.",
)
@_entity_options
@index_option
@corpus_option
def search_command(
    query: str,
    limit: int,
    page: int,
    as_json: bool,
    sort: str,
    date_from: str | None,
    date_to: str | None,
    publications: tuple[str, ...],
    editions: tuple[str, ...],
    years: tuple[str, ...],
    sections: tuple[str, ...],
    index_dir: Path | None,
    corpus_dir: Path | None,
    **filter_values: tuple[str, ...],
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
    An empty QUERY ("") lists every article, newest first. A question mark, an
    apostrophe or a colon that names no field is read as plain words, and a line
    before the results says how the query was read.

    \b
    Filters: --agency HMRC --region "North East" --operation slate --theme fraud
      several values of one filter: any of them; different filters: all of them.
      A region includes the places inside it. Names, aliases and acronyms all work.
      --publication ID --edition ID --year 2017 --section "WHAT'S NEW"
      --from 2017-01 --to 2018-12

    If there is no index yet, it is built from the corpus first.
    """
    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    args: dict[str, Sequence[Any]] = {
        "q": [query],
        "page": [page],
        "per_page": [limit],
        "sort": [sort],
        "from": [date_from or ""],
        "to": [date_to or ""],
        "publication": publications,
        "edition": editions,
        "year": years,
        "section": sections,
        **{name.removeprefix("filter_"): values for name, values in filter_values.items()},
    }
    gazetteer = Gazetteer.load()  # (its names are recognised, never "corrected")
    index = _open_index(settings, gazetteer)
    try:  # the request the web app and the API read from a URL, read and run the same way
        request = SearchRequest.from_args(Options(args), settings.search)
        resolved, results = run_search(
            request, index, lambda: gazetteer, facet_limit=settings.search.facet_limit
        )
    except SearchQueryError as exc:
        _fail(f"invalid query: {exc}")
    except BulletinsError as exc:  # a filter value that names nothing
        _fail(str(exc))
    finally:
        index.close()
    if as_json:
        click.echo(json.dumps(safe_json(results.to_json()), ensure_ascii=False, indent=2))
    else:
        _print_results(results, resolved.filter_map)


@cli.command("entities")
@click.option(
    "--type", "type_", type=click.Choice(FILTER_TYPES), help="List the entities of this type only."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the counts as JSON (what /api/entities answers)."
)
@index_option
@corpus_option
def entities_command(
    type_: str | None, as_json: bool, index_dir: Path | None, corpus_dir: Path | None
) -> None:
    """List the entities the articles mention, with how many articles each is in."""
    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    index = _open_index(settings)
    try:
        counts = index.entity_counts()
    finally:
        index.close()
    if type_:
        counts = {type_: counts.get(type_, [])}
    if as_json:
        click.echo(json.dumps(safe_json(counts), ensure_ascii=False, indent=2))
        return
    for name, items in counts.items():
        click.echo(click.style(f"{name} ({len(items)})", bold=True))
        for item in items:
            label = display_text(str(item["label"]), TITLE_CHARS)
            click.echo(f"  {item['count']:4}  {label}  [{item['id']}]")


@cli.command("worker")
@click.option(
    "--broker",
    envvar="BULLETINS_BROKER",
    required=True,
    metavar="URL",
    help="The Celery broker to take jobs from (redis://HOST:PORT/N; $BULLETINS_BROKER).",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=None,
    help="How many PDFs this worker reads at once. Default: the number of cores.",
)
@click.option("--name", default=None, help="The worker's name in Celery (default: its host).")
def worker_command(broker: str, concurrency: int | None, name: str | None) -> None:
    """Read PDFs for `bulletins index --broker` runs, on this machine, until stopped.

    \b
    The machine must see the corpus folder at the path the coordinator gives
    (shared storage). Each PDF is read in a process of its own under the run's
    time and memory limits; a job this worker was reading when it was killed
    goes to another worker. Stop with Ctrl+C or SIGTERM (it finishes its jobs).
    """
    from indexer.cluster import run_worker

    try:
        run_worker(broker, concurrency or default_workers(), name)
    except BrokerError as exc:
        _fail(str(exc), EXIT_BROKER)


@cli.command("replicate")
@click.argument("source", type=click.Path(path_type=Path, file_okay=False))
@index_option
def replicate_command(source: Path, index_dir: Path | None) -> None:
    """Make this index a copy of SOURCE's: a web replica without the shared folder.

    \b
    SOURCE is an index folder this machine can read (a mount of the
    coordinator's, or a folder rsync keeps filled: docs/deployment.md). The
    generation SOURCE serves is copied beside this index's and published as
    the indexer publishes, so `bulletins serve` on this index picks it up
    within a request, never half-copied. Nothing is copied when this index
    serves it already. Run it from a timer after each reindex.
    """
    from indexer.index import IndexLockedError, replicate

    settings = Settings.from_env(index_dir=index_dir)
    try:
        done = replicate(source, settings.index_dir)
    except IndexLockedError as exc:
        _fail(str(exc), EXIT_LOCKED)
    except OSError as exc:
        _fail(f"cannot copy {source} to {settings.index_dir}: {exc}", EXIT_STORAGE)
    if not done.copied:
        click.echo(f"{settings.index_dir} serves {done.generation} already, as {source} does")
        return
    was = f" (it served {done.before})" if done.before else ""
    click.echo(f"{settings.index_dir} now serves {done.generation}, copied from {source}{was}")


@cli.command("serve")
@click.option(
    "--host",
    default=ServeSettings.host,
    show_default=True,
    help="The address to listen on (0.0.0.0: every IPv4 interface; :: every IPv6 one).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=ServeSettings.port,
    show_default=True,
    help="The TCP port to listen on.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=ServeSettings.threads,
    show_default=True,
    help="Requests each process answers at once, one thread each.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=ServeSettings.processes,
    show_default=True,
    help="Server processes sharing the port (each with --threads threads): one is served by "
    "waitress, more by gunicorn (a master that replaces a worker that dies; Unix only). "
    "Searching is CPU-bound Python: on a machine with N cores, N processes answer about N "
    "times as many requests per second as one.",
)
@click.option(
    "--trusted-host",
    "trusted_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name the site is reached by (repeatable); requests naming another are refused. "
    "Default: localhost and 127.0.0.1 when --host is a loopback address, else any.",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(10, 100_000),
    default=ServeSettings.connection_limit,
    show_default=True,
    help="Open connections each process accepts at once; idle ones (browsers keep them open) "
    "do not hold a thread. Past the limit, new connections wait.",
)
@click.option(
    "--channel-timeout",
    type=click.IntRange(1, 3600),
    default=ServeSettings.channel_timeout,
    show_default=True,
    help="Seconds a connection may stay idle (or trickle a request) before it is closed.",
)
@click.option(
    "--page-cache-mb",
    type=click.IntRange(0, 65_536),
    default=ServeSettings.page_cache_mb,
    show_default=True,
    help="MiB of drawn page images (for /editions/ID/pages/N) each process keeps, about "
    "150 KB a page; the least recently shown go first. 0 draws every page each time.",
)
@index_option
@corpus_option
def serve_command(
    host: str,
    port: int,
    threads: int,
    processes: int,
    trusted_hosts: tuple[str, ...],
    connection_limit: int,
    channel_timeout: int,
    page_cache_mb: int,
    index_dir: Path | None,
    corpus_dir: Path | None,
) -> None:
    """Run the search site and JSON API with a production WSGI server (waitress).

    \b
    Pages:  /  search · /articles/ID · /editions/ID/pages/N · /entities · /editions
            /feed.atom · /export.csv · /export.json
    API:    /api/search · /api/articles/ID · /api/entities · /api/openapi.json
    If there is no index yet, it is built from the corpus first. A rebuilt index
    (bulletins index) is picked up without a restart. Stop with Ctrl+C or SIGTERM
    (it finishes the requests under way; a SIGHUP ignored by nohup stays ignored).
    """
    settings = Settings.from_env(
        corpus_dir=corpus_dir,
        index_dir=index_dir,
        serve=ServeSettings(
            host=host,
            port=port,
            threads=threads,
            processes=processes,
            trusted_hosts=trusted_hosts,
            connection_limit=connection_limit,
            channel_timeout=channel_timeout,
            page_cache_mb=page_cache_mb,
        ),
    )
    _open_index(settings).close()
    from search_app.serving import serve

    serve(settings)


@cli.command("evaluate")
@click.option(
    "--annotation",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("tests/data/annotations/soc-07.toml"),
    show_default=True,
    help="Hand annotation of one edition (format: tests/data/annotations/README.md).",
)
@click.option(
    "--pdf",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("corpus/soc-local-partnerships-bulletin-07.pdf"),
    show_default=True,
    help="The PDF of that edition, to tag and score.",
)
@click.option(
    "--min-precision",
    type=float,
    default=0.95,
    show_default=True,
    help="The share of its tags that every entity type must get right to pass.",
)
@click.option(
    "--min-recall",
    type=float,
    default=0.90,
    show_default=True,
    help="The share of the annotated entities that every type must find to pass.",
)
@click.option(
    "--errors",
    "show_errors",
    is_flag=True,
    help="List every miss and wrong tag (with --segmentation: each PDF's problems).",
)
@click.option(
    "--segmentation",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Score article splitting instead: every NAME.pdf in this folder with a "
    "NAME.truth.json beside it (the layout zoo, `python -m tools.zoo FOLDER`, writes both).",
)
@click.option(
    "--max-missed",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="With --segmentation: articles a PDF may miss and still pass.",
)
@click.option(
    "--floor",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --segmentation: a JSON file of the fewest articles each PDF must recover "
    "(a PDF it does not name must miss at most --max-missed).",
)
@click.option(
    "--write-floor",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --segmentation: write what each PDF recovers now as a floor file.",
)
@click.option(
    "--relevance",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Score ranking instead: each question of this relevance set (format: "
    "indexer/relevance.py; the shipped one is tests/data/relevance.toml) searched in the index "
    "(built from the corpus on first run), its article in the top 3 or not.",
)
@click.option(
    "--min-top3",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="With --relevance: the share of the questions whose article must be in the top 3.",
)
@index_option
@corpus_option
def evaluate_command(
    annotation: Path,
    pdf: Path,
    min_precision: float,
    min_recall: float,
    show_errors: bool,
    segmentation: Path | None,
    max_missed: int,
    floor: Path | None,
    write_floor: Path | None,
    relevance: Path | None,
    min_top3: float,
    corpus_dir: Path | None,
    index_dir: Path | None,
) -> None:
    """Score the entity tagger against a hand annotation (precision and recall per type), or
    with --segmentation the article splitting of a folder of PDFs against their truth files
    (per PDF: articles recovered with the right title and body, split, merged, invented,
    right section, and the edition number and date read from the cover), or with --relevance
    the ranking against a relevance set (per group of questions: how many have their article
    in the top 3, precision at 3, mean reciprocal rank, how many found nothing).

    Exit status 0 when every type (every PDF, the questions) meets the minimums, 1 when one
    does not, 2 on bad input.
    """
    if segmentation is not None:
        _evaluate_segmentation(segmentation, max_missed, show_errors, floor, write_floor)
        return
    if relevance is not None:
        settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
        _evaluate_relevance(settings, relevance, show_errors, min_top3)
        return
    try:
        result = evaluate(pdf, annotation, Gazetteer.load())
    except BulletinsError as exc:
        _fail(str(exc))
    click.echo(result.table())
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if show_errors:
        for type_, score in result.scores.items():
            for miss in score.misses:
                click.echo(f"  missed  {type_:12} {miss}")
            for extra in score.extras:
                click.echo(f"  wrong   {type_:12} {extra}")
    ok = result.passes(min_precision, min_recall)
    click.echo(f"{'PASS' if ok else 'FAIL'}: precision >= {min_precision}, recall >= {min_recall}")
    sys.exit(EXIT_OK if ok else EXIT_FAILED_FILES)


def _evaluate_relevance(
    settings: Settings, relevance_set: Path, show_errors: bool, min_top3: float
) -> None:
    from indexer import relevance

    try:
        cases = relevance.load_cases(relevance_set)
    except BulletinsError as exc:
        _fail(str(exc))
    index = _open_index(settings, Gazetteer.load())
    try:

        def search(text: str, count: int) -> tuple[list[str], int]:
            page = index.search(text, per_page=count)
            return [hit.title for hit in page.results], page.total

        outcomes = relevance.measure(cases, search)
    finally:
        index.close()
    click.echo(relevance.table(outcomes))
    if show_errors:
        for line in relevance.misses(outcomes):
            click.echo(f"  {display_text(line)}")
    share = relevance.rows(outcomes)[-1].top3 / len(outcomes)
    ok = share >= min_top3
    verdict = "PASS" if ok else "FAIL"
    click.echo(f"{verdict}: {share:.3f} have their article in the top 3 (minimum {min_top3})")
    sys.exit(EXIT_OK if ok else EXIT_FAILED_FILES)


def _evaluate_segmentation(
    folder: Path, max_missed: int, show_errors: bool, floor: Path | None, write_floor: Path | None
) -> None:
    from indexer import segmentation

    try:
        minimums = segmentation.load_floor(floor) if floor else {}
        results = segmentation.evaluate_folder(folder)
    except BulletinsError as exc:
        _fail(str(exc))
    click.echo(segmentation.table(results))
    if show_errors:
        for result in results:
            for line in segmentation.problems(result):
                click.echo(f"  {safe_text(line)}")
    if write_floor is not None:
        text = json.dumps(segmentation.floor_of(results), indent=1, sort_keys=True) + "\n"
        try:
            write_floor.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {write_floor}: {exc.strerror or exc}")
    failing = segmentation.below(results, max_missed, minimums)
    rule = "its floor" if floor else f"at most {max_missed} missed"
    if failing:
        click.echo(f"FAIL ({rule}): {', '.join(failing)}")
    else:
        click.echo(f"PASS: every PDF recovers {rule}")
    sys.exit(EXIT_FAILED_FILES if failing else EXIT_OK)


def _open_index(settings: Settings, gazetteer: Gazetteer | None = None) -> ArticleIndex:
    if not ArticleIndex.exists(settings.index_dir):
        if not settings.corpus_dir.is_dir():
            _fail(
                f"no index at {settings.index_dir} and no corpus at {settings.corpus_dir}; "
                "pass --index or --corpus"
            )
        click.echo(f"No index at {settings.index_dir} yet: building it (first run).", err=True)
        _build(settings, quiet=True)
    try:
        return ArticleIndex(settings.index_dir, **(searching_with(gazetteer) if gazetteer else {}))
    except BulletinsError as exc:
        _fail(str(exc))


def _print_results(results: SearchPage, filters: Mapping[str, Sequence[str]]) -> None:
    how_searched = results.how_searched()
    if how_searched:
        click.echo(display_text(how_searched))
    if results.did_you_mean:
        click.echo(f'Did you mean "{display_text(results.did_you_mean)}"?')
    if not results.total:
        click.echo(f'No articles match "{display_text(results.query)}".')
        return
    first = (results.page - 1) * results.per_page + 1
    last = first + len(results.results) - 1
    query = display_text(results.query)
    click.echo(f'{results.total} articles match "{query}" (showing {first}-{last})\n')
    for rank, hit in enumerate(results.results, start=first):
        where = [display_text(str(hit.edition.get("label") or ""), TITLE_CHARS)]
        if hit.section:
            where.append(display_text(hit.section, TITLE_CHARS))
        pages = hit.pages
        where.append(f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}")
        click.echo(click.style(f"{rank}. {display_text(hit.title, TITLE_CHARS)}", bold=True))
        if results.query.strip():
            where.append(f"score {hit.score:.2f}")
        click.echo("   " + " · ".join(w for w in where if w))
        click.echo("   " + _terminal_snippet(hit.snippet))
        tagged = [
            f"{kind}: {display_text(', '.join(e['label'] for e in hit.entities[kind][:6]))}"
            for kind in CHIP_TYPES
            if hit.entities.get(kind)
        ]
        if tagged:
            click.echo(click.style("   " + " | ".join(tagged), dim=True))
        click.echo(f"   {escape_text(hit.source)}#page={hit.page}\n")
    offered = [r for r in results.recognised if r.id not in filters.get(r.type, ())]
    if offered:
        offers = ", ".join(
            f"--{r.type} {r.id} ({display_text(r.label, TITLE_CHARS)})" for r in offered
        )
        click.echo(f"Names recognised; narrow to articles filed under them with: {offers}")


def _terminal_snippet(snippet: str) -> str:
    """The snippet's words for a terminal, its matches in bold: the HTML entities read, then
    controls and invisible characters removed, before the highlighting's own codes are added."""
    parts = _MARK.split(" ".join(snippet.split()))  # even: plain text, odd: a match
    shown = [safe_text(html.unescape(part)) for part in parts]
    return "".join(
        click.style(text, bold=True, fg="yellow") if number % 2 else text
        for number, text in enumerate(shown)
    )


def _file_line(file: str, reason: str | None, message: str | None) -> str:
    """``file: [reason] message`` on one line, safe for a terminal and a log: the file name
    escaped (a newline or escape code in it shows as \\n, \\x1b), the message cleaned."""
    return f"{escape_text(file)}: [{reason}] {display_text(message or '', MESSAGE_CHARS)}"


def main() -> None:
    # pdfminer logs every recoverable oddity of a PDF as a warning; the outcome per file is ours.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    cli(prog_name="bulletins")


if __name__ == "__main__":
    main()
