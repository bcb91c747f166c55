"""The `evex` command: run the pipeline on a drop, export, evaluate, manage the database."""

from __future__ import annotations

import atexit
import functools
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from evex.preflight import SetupError
from evex.settings import get_settings
from evex.wording import counted



class _Command(typer.Typer):
    """The `evex` process (the console script and `python -m evex.cli`; tests' CliRunner does not come
    here): a command that says so (`_leave_quickly`) ends without the interpreter's teardown.

    After `evex run`, freeing every object of the modules Prefect, SQLAlchemy and pydantic loaded took
    about a tenth of an unchanged drop's re-run; the exit handlers (Prefect's queued log lines and
    events, logging's flush) still run, and a thread still working is still waited for.
    """

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as exc:
            if _QUICK_EXIT and isinstance(exc.code, int | None) and not _threads_at_work():
                _exit_now(exc.code or 0)
            raise


_QUICK_EXIT = False


def _leave_quickly() -> None:
    """This command holds nothing that needs the interpreter's teardown: no file of its own left open."""
    global _QUICK_EXIT
    _QUICK_EXIT = True


def _threads_at_work() -> bool:
    return any(thread.is_alive() and not thread.daemon and thread is not threading.main_thread()
               for thread in threading.enumerate())


def _exit_now(code: int) -> None:
    """Run the exit handlers, flush the standard streams, and end the process at once."""
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


app = _Command(help="evex: French news articles → a database of events.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")

SETUP_ERROR_EXIT = 2
WORKERS_LOG_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


def _print_version(wanted: bool) -> None:
    if wanted:
        from evex import __version__

        typer.echo(f"evex {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of a setup error (or EVEX_DEBUG=1).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print evex's version and exit.")
    ] = False,
) -> None:
    if debug:
        os.environ["EVEX_DEBUG"] = "1"
        get_settings.cache_clear()


def reports_setup_errors(command):
    """A setup error ends the command with its one line on stderr and exit status 2; the traceback only
    with --debug, since it says nothing the line does not."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SetupError as exc:
            if get_settings().debug:
                traceback.print_exc()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=SETUP_ERROR_EXIT) from None

    return wrapper

def _no_prefect_telemetry() -> None:
    """No telemetry from closed networks, and no notice about it between the progress bar's lines
    (Prefect's client prints one on a terminal unless DO_NOT_TRACK is set)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: EVEX_DATABASE_URL, else sqlite:///evex.db).", show_default=False),
]


def _use_database(url: str | None) -> str:
    """Make `--db` the setting every stage (and every Prefect task) reads; a database evex cannot use
    is a setup error."""
    from evex.preflight import check_database, normalized_url

    url = normalized_url(url or get_settings().database_url)
    if url != get_settings().database_url:
        os.environ["EVEX_DATABASE_URL"] = url
        get_settings.cache_clear()
    check_database(url)
    return url


def _existing_database(url: str | None) -> str:
    """`_use_database` for the commands that read: the database must be there already (never made here)."""
    from evex.preflight import check_database_exists

    url = _use_database(url)
    check_database_exists(url)
    return url


def _exit_on_sigterm(signum, _frame) -> None:
    raise SystemExit(128 + signum)


@app.command()
@reports_setup_errors
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="Article files or folders (default: seeds/).")] = None,
    db: DbOption = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Article date (YYYY-MM-DD) for articles that give none.")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print Prefect's log lines (they always go to Prefect).")
    ] = False,
) -> None:
    """Ingest, parse, extract and load a drop of articles, then print a summary."""
    from evex import db as database
    from evex import preflight, progress
    from evex.dates import is_iso_date

    if date and not is_iso_date(date):
        raise typer.BadParameter(f"{date!r} is not YYYY, YYYY-MM or YYYY-MM-DD", param_hint="--date")
    drop = [str(p) for p in (paths or [Path("seeds")])]
    preflight.check_drop([Path(p) for p in drop])
    url = _use_database(db)
    preflight.check_models(get_settings().stanza_resources_dir)
    _no_prefect_telemetry()
    from prefect.settings import PREFECT_API_URL

    from evex.prefect_server import run_api
    from flows.pipeline import configured_pipeline

    preflight.check_prefect_api(PREFECT_API_URL.value())
    database.upgrade(url)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # a stopped run stops what it started, as Ctrl+C does
    starting = "connecting to Prefect" if PREFECT_API_URL.value() else "starting Prefect's temporary server"
    with progress.progress_bar(starting, verbose), _quiet_workers(verbose), run_api(get_settings().prefect_startup_s):
        summary = configured_pipeline()(paths=drop, default_date=date or get_settings().default_doc_date)
    typer.echo(summary.text(database.masked(url)))
    for source, reason in summary.errors:
        typer.echo(f"failed: {source}: {reason}", err=True)
    _leave_quickly()
    if summary.failed and not (summary.new or summary.skipped):
        raise typer.Exit(code=1)


@contextmanager
def _quiet_workers(verbose: bool) -> Iterator[None]:
    """Without --verbose the parsing processes, which inherit this environment, print only what the
    bar lets through here (warnings and errors). The setting is this run's alone: a command run
    in-process must not leave it behind for the next one or for the processes it starts."""
    from evex.prefect_server import environment_variable

    if verbose or WORKERS_LOG_LEVEL in os.environ:
        yield
        return
    with environment_variable(WORKERS_LOG_LEVEL, "WARNING"):
        yield


@app.command()
@reports_setup_errors
def reextract(db: DbOption = None) -> None:
    """Extract events again from the stored parses (after a rule change); only sentences the rules now
    read dependencies in, and that were stored without, are parsed again."""
    from evex import db as database
    from evex.pipeline import reextract_stored

    url = _existing_database(db)
    database.upgrade(url)
    articles, events = reextract_stored(database.get_engine(url), get_settings())
    typer.echo(f"{counted(articles, 'article')} re-extracted, {counted(events, 'event report')}")


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    geojson = "geojson"


@app.command()
@reports_setup_errors
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Export the events: jsonl, every article's events in the gold format; csv and parquet, one row per
    event with its place and coordinates; geojson, the geocoded events as points."""
    from evex import export as exports
    from evex.db import get_engine

    engine = get_engine(_existing_database(db))
    if format is ExportFormat.parquet:
        if output is None:
            raise typer.BadParameter("Parquet is binary: give a file with -o", param_hint="-o")
        count = exports.write_parquet(engine, output)
    else:
        write = {ExportFormat.jsonl: exports.write_jsonl, ExportFormat.csv: exports.write_csv,
                 ExportFormat.geojson: exports.write_geojson}[format]
        if output is None:
            write(engine, sys.stdout)
            return
        with output.open("w", encoding="utf-8", newline="") as out:
            count = write(engine, out)
    unit = "article" if format is ExportFormat.jsonl else "event"
    typer.echo(f"{counted(count, unit)} written to {output}", err=True)


@app.command("map")
@reports_setup_errors
def map_(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="HTML file to write (default: events.html here; git ignores it).")
    ] = Path("events.html"),
    db: DbOption = None,
) -> None:
    """Write the geocoded events as a map in one HTML file that opens without internet."""
    from evex.db import get_engine
    from evex.map import render_map

    page, count = render_map(get_engine(_existing_database(db)))
    output.write_text(page, encoding="utf-8")
    typer.echo(f"{counted(count, 'event')} placed on {output.resolve()}", err=True)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Gold JSONL.")],
    predicted: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Predicted JSONL (evex export).")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Then the error counts and, per gold event, what the prediction missed.")
    ] = False,
    by_type: Annotated[bool, typer.Option("--by-type", help="Then one score table per event type.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print scores and error counts as JSON instead.")] = False,
) -> None:
    """Score predicted events against gold events (mentions, events, arguments, overall)."""
    import json

    from evex import evaluate as scoring

    gold_docs, pred_docs = scoring.load_jsonl(gold), scoring.load_jsonl(predicted)
    scores = scoring.score_docs(gold_docs, pred_docs)
    if as_json:
        report = {"scores": scores, "errors": scoring.error_breakdown(gold_docs, pred_docs)}
        if by_type:
            report["by_type"] = scoring.score_by_type(gold_docs, pred_docs)
        if explain:
            report["explanation"] = scoring.explain(gold_docs, pred_docs).splitlines()
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    sections = [scoring.format_scores(scores)]
    if by_type:
        by_type_scores = scoring.score_by_type(gold_docs, pred_docs)
        sections += [f"{event_type}:\n{scoring.format_scores(s)}" for event_type, s in by_type_scores.items()]
    if explain:
        sections += [
            scoring.format_breakdown(scoring.error_breakdown(gold_docs, pred_docs)),
            scoring.explain(gold_docs, pred_docs),
        ]
    typer.echo("\n\n".join(sections))


@db_app.command("upgrade")
@reports_setup_errors
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head", db: DbOption = None) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from evex import db as database

    url = _use_database(db)
    database.upgrade(url, revision)
    typer.echo(f"{database.masked(url)} at revision {database.current_revision(url)}")


@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})  # `-1` is a revision, not an option
@reports_setup_errors
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="A revision, `-N` (N steps back) or `base` (drops every table).")]
    = "-1",
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Drop every table without asking (downgrade to base).")]
    = False,
) -> None:
    """Revert migrations down to REVISION (default: one step back)."""
    from evex import db as database

    url = _existing_database(db)
    if database.downgrade_empties(url, revision) and not yes:
        question = f"This drops every table of {database.masked(url)}, with every event and article. Go on?"
        if not sys.stdin.isatty():
            raise SetupError(f"downgrading {database.masked(url)} to {revision} drops every table and row: "
                             "add --yes to do it")
        typer.confirm(question, abort=True)
    database.downgrade(url, revision)
    typer.echo(f"{database.masked(url)} at revision {database.current_revision(url) or 'base (no tables)'}")


@db_app.command("current")
@reports_setup_errors
def db_current(db: DbOption = None) -> None:
    """Print the database's migration revision, and whether it is the latest."""
    from evex import db as database

    url = _existing_database(db)
    current, head = database.current_revision(url), database.head_revision()
    state = "the latest" if current == head else f"the latest is {head}: run `evex db upgrade`"
    typer.echo(f"{database.masked(url)} at revision {current} ({state})")


@db_app.command("history")
def db_history() -> None:
    """List the migrations, oldest first."""
    from evex import db as database

    head = database.head_revision()
    for revision, doc in database.history():
        typer.echo(f"{revision}{' (head)' if revision == head else ''}  {doc}")


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
@reports_setup_errors
def query(
    sql: Annotated[str, typer.Argument(help="One SQL statement, e.g. \"SELECT * FROM event_overview\".")],
    db: DbOption = None,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Rows to print at most.")] = 1000,
    format: Annotated[QueryFormat, typer.Option("--format", help="table for reading; csv or json to pipe.")]
    = QueryFormat.table,
) -> None:
    """Run one read-only SQL statement and print the rows (the database refuses writes)."""
    from evex.query import QueryError, print_result, run_query

    try:
        result = run_query(_existing_database(db), sql, max_rows)
    except QueryError as exc:
        typer.echo(f"refused or failed: {exc}", err=True)
        raise typer.Exit(code=1) from None
    print_result(result, format.value, sys.stdout)
    suffix = f" (first {max_rows} shown)" if result.truncated else ""
    typer.echo(f"{counted(len(result.rows), 'row')}{suffix}", err=True)


@app.command()
@reports_setup_errors
def serve(db: DbOption = None) -> None:
    """Serve the inbox deployment: runs on a schedule (EVEX_SCHEDULE_*) and, unless EVEX_WATCH=false,
    as soon as files land in EVEX_INBOX_DIR."""
    _no_prefect_telemetry()
    from prefect.settings import PREFECT_API_URL

    from evex import db as database
    from evex import preflight
    from flows.serve import serve_inbox

    url = _use_database(db)
    preflight.check_prefect_api(PREFECT_API_URL.value())
    database.upgrade(url)
    settings = get_settings()
    if not PREFECT_API_URL.value():
        typer.echo("warning: PREFECT_API_URL is not set; a temporary Prefect server schedules no runs "
                   "(start `prefect server start` and point PREFECT_API_URL at it, see the README)", err=True)
    typer.echo(f"serving inbox {settings.inbox_dir} → {database.masked(url)}", err=True)
    serve_inbox(settings)


@app.command()
@reports_setup_errors
def browse(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to serve on (EVEX_BROWSE_HOST).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (EVEX_BROWSE_PORT, default 8001).")] = None,
    open_browser: Annotated[bool, typer.Option("--open", help="Open it in a web browser.")] = False,
) -> None:
    """Look at the events in Datasette (read-only): views, documented queries, facets, search, map, timeline."""
    import json
    import tempfile

    from datasette.cli import cli as datasette_cli

    from evex import browse as browsing
    from evex import preflight

    url = _use_database(db)
    parsed = preflight.database_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise SetupError("Datasette reads SQLite only: on Postgres, query the same views (event_overview, "
                         "event_participants_view, article_events) with `evex query` or psql")
    preflight.check_database_exists(url)
    database = Path(parsed.database).expanduser().resolve()
    from evex import db as database_module

    database_module.upgrade(url)  # the search index comes with migration 0004
    settings = get_settings()
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="evex-datasette-") as metadata_file:
        json.dump(browsing.metadata(database), metadata_file)
        metadata_file.flush()
        datasette_cli.main(browsing.datasette_arguments(database, Path(metadata_file.name), host or settings.browse_host,
                                                        settings.browse_port if port is None else port, open_browser),
                           prog_name="evex browse")


@app.command()
def watch() -> None:
    """Start a run of the served inbox deployment whenever a burst of new files has landed."""
    from flows.serve import watch_inbox

    settings = get_settings()
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    typer.echo(f"watching {settings.inbox_dir} (quiet time {settings.debounce_s}s)", err=True)
    watch_inbox(settings)


if __name__ == "__main__":
    app()
