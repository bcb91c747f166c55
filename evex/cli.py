"""The `evex` command: run the pipeline on a drop, export, evaluate, manage the database."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from evex.settings import get_settings

app = typer.Typer(help="evex: French news articles → a database of events.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: EVEX_DATABASE_URL, else sqlite:///evex.db).", show_default=False),
]


def _use_database(url: str | None) -> str:
    """Make `--db` the setting every stage (and every Prefect task) reads."""
    if url:
        os.environ["EVEX_DATABASE_URL"] = url
        get_settings.cache_clear()
    return get_settings().database_url


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="Article files or folders (default: seeds/).")] = None,
    db: DbOption = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Article date (YYYY-MM-DD) for articles that give none.")
    ] = None,
) -> None:
    """Ingest, parse, extract and load a drop of articles, then print a summary."""
    from evex import db as database
    from evex import progress
    from evex.dates import is_iso_date
    from flows.pipeline import evex_pipeline

    if date and not is_iso_date(date):
        raise typer.BadParameter(f"{date!r} is not YYYY, YYYY-MM or YYYY-MM-DD", param_hint="--date")
    url = _use_database(db)
    database.upgrade(url)
    drop = [str(p) for p in (paths or [Path("seeds")])]
    with progress.progress_bar():
        summary = evex_pipeline(paths=drop, default_date=date or get_settings().default_doc_date)
    typer.echo(summary.text(database.masked(url)))
    for source, reason in summary.errors:
        typer.echo(f"failed: {source}: {reason}", err=True)
    if summary.failed and not (summary.new or summary.skipped):
        raise typer.Exit(code=1)


class ExportFormat(str, Enum):
    jsonl = "jsonl"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Export every stored article's events in the gold JSONL format."""
    from evex.db import get_engine
    from evex.export import write_jsonl

    engine = get_engine(_use_database(db))
    if output is None:
        write_jsonl(engine, sys.stdout)
        return
    with output.open("w", encoding="utf-8") as out:
        count = write_jsonl(engine, out)
    typer.echo(f"{count} articles written to {output}", err=True)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Gold JSONL.")],
    predicted: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Predicted JSONL (evex export).")],
) -> None:
    """Score predicted events against gold events (mentions, events, arguments, overall)."""
    from evex.evaluate import format_scores, score_files

    typer.echo(format_scores(score_files(gold, predicted)))


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head", db: DbOption = None) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from evex import db as database

    url = _use_database(db)
    database.upgrade(url, revision)
    typer.echo(f"{database.masked(url)} at revision {database.current_revision(url)}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "-1", db: DbOption = None) -> None:
    """Revert migrations down to REVISION (default: one step; `base` empties the database)."""
    from evex import db as database

    url = _use_database(db)
    database.downgrade(url, revision)
    typer.echo(f"{database.masked(url)} at revision {database.current_revision(url)}")


if __name__ == "__main__":
    app()
