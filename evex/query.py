"""`evex query`: one SQL statement, run read-only, the database itself refusing any change.

A keyword filter is easy to get round (a writable CTE, a second statement after `;`, a function
with side effects), so nothing here inspects the SQL. The database enforces it instead:

- SQLite: the file is opened with `mode=ro` (no write can reach it), `PRAGMA query_only` is on, and
  an authorizer lets SQLite prepare only reads (so no `ATTACH`, which would create a file, nor
  `PRAGMA`); Python's driver runs exactly one statement per call.
- Postgres: the session starts with `default_transaction_read_only=on`, the transaction is `READ
  ONLY`, and the statement is sent as a prepared statement, which the server refuses when it holds
  more than one command (so no `COMMIT; SET ...; DELETE ...` chain). The transaction is rolled back.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

MAX_ROWS = 10_000
STATEMENT_TIMEOUT_MS = 60_000


class QueryError(Exception):
    """The database refused or failed the statement; the message is the database's reason."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False


def run_query(url: str, sql: str, max_rows: int = MAX_ROWS) -> QueryResult:
    """Run one read-only statement against the event database and fetch up to `max_rows` rows."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite(url, sql, max_rows)
    if backend == "postgresql":
        return _postgres(url, sql, max_rows)
    raise QueryError(f"unsupported database {backend!r}")


_SQLITE_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}


def _only_reads(action: int, *_args) -> int:
    return sqlite3.SQLITE_OK if action in _SQLITE_READS else sqlite3.SQLITE_DENY


def _sqlite(url: str, sql: str, max_rows: int) -> QueryResult:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise QueryError("an in-memory SQLite database holds no events")
    path = Path(database).expanduser().resolve()
    if not path.is_file():
        raise QueryError(f"no such database file: {path}")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        connection.execute("PRAGMA query_only=ON")
        connection.set_authorizer(_only_reads)
        cursor = connection.execute(sql)
        return _fetch(cursor, max_rows)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        raise QueryError(str(exc)) from None
    finally:
        connection.rollback()
        connection.close()


def _postgres(url: str, sql: str, max_rows: int) -> QueryResult:
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    options = f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS}"
    try:
        with psycopg.connect(conninfo, options=options, autocommit=False) as connection:
            connection.read_only = True  # BEGIN READ ONLY
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql, prepare=True)
                    return _fetch(cursor, max_rows)
            finally:
                connection.rollback()
    except psycopg.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None


def _fetch(cursor, max_rows: int) -> QueryResult:
    if cursor.description is None:  # a statement without rows (e.g. `SHOW`-like or an empty read)
        return QueryResult([], [])
    columns = [column[0] for column in cursor.description]
    rows = [tuple(row) for row in cursor.fetchmany(max_rows + 1)]
    return QueryResult(columns, rows[:max_rows], truncated=len(rows) > max_rows)


def print_result(result: QueryResult, format: str, out: TextIO) -> None:
    """`table` for a person (rich), `csv` with a header row or `json` (a list of objects) for a pipe."""
    if format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    elif format == "json":
        rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
        out.write(json.dumps(rows, ensure_ascii=False, default=str) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*result.columns, show_lines=False)
        for row in result.rows:
            table.add_row(*("" if value is None else str(value) for value in row))
        Console(file=out).print(table)
