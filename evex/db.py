"""Database access: engines for SQLite and Postgres, and Alembic migrations run from code."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import (ColumnElement, Connection, Dialect, Engine, Executable, Float, any_, bindparam, cast, create_engine,
                        event, func, literal, select, text)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQL_LIST_CHUNK = 500  # values per IN (...) list, well under SQLite's and Postgres's parameter limits


def masked(url: str) -> str:
    """The URL with its password hidden, for logs and the Prefect UI."""
    return make_url(url).render_as_string(hide_password=True)


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL and process; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def in_lists(values: Iterable) -> list[list]:
    """The distinct values, sorted, in slices small enough for one `among` on every database."""
    ordered = sorted(set(values))
    return [ordered[i : i + SQL_LIST_CHUNK] for i in range(0, len(ordered), SQL_LIST_CHUNK)]


def among(column: ColumnElement, values, dialect: Dialect) -> ColumnElement[bool]:
    """`column IN values`; on Postgres `= ANY` of one array parameter, whose text does not grow with the
    values: psycopg parses a query's text again at each execution once it is long (it caches short ones)."""
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def run_together(connection: Connection,
                 statements: Sequence[tuple[Executable, dict | list[dict] | None]]) -> list[list]:
    """Execute the statements in order and return each one's rows ([] for one that returns none); a list
    of parameter sets is an executemany (an empty list: the statement is skipped).

    On Postgres all of them go in one round trip (psycopg's pipeline mode): a load sent thirty small
    statements one after another, and on a busy machine each wait for the server cost more than the
    statement. The server still runs them one after the other, so each sees what the earlier ones
    wrote. Elsewhere (SQLite: no server) one by one, as `connection.execute` would.
    """
    if connection.dialect.name != "postgresql":
        out = []
        for statement, parameters in statements:
            if parameters == []:
                out.append([])
                continue
            result = connection.execute(statement, parameters)
            out.append(result.all() if result.returns_rows else [])
        return out
    driver = connection.connection.driver_connection
    cursors, sent = [], []
    try:
        with driver.pipeline():
            for statement, parameters in statements:
                many = isinstance(parameters, list)
                if many and not parameters:
                    cursors.append(None)
                    continue
                compiled, extracted = _compiled(statement, connection.dialect,
                                                tuple(parameters[0] if many else parameters or {}), many)
                cursor = driver.cursor()
                sent.append((compiled.string, parameters))
                if many:
                    cursor.executemany(compiled.string, [compiled.construct_params(row, extracted_parameters=extracted)
                                                         for row in parameters])
                else:
                    cursor.execute(compiled.string, compiled.construct_params(parameters or {},
                                                                              extracted_parameters=extracted))
                cursors.append(cursor)
        return [cursor.fetchall() if cursor is not None and cursor.description else [] for cursor in cursors]
    except connection.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy raises it: retried if transient
        raise DBAPIError.instance(*(sent[-1] if sent else ("", None)), exc, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect) from exc
    finally:
        for cursor in cursors:
            if cursor is not None:
                cursor.close()


def inserting(dialect: Dialect, table, rows: list[dict],
              conflict: Sequence[str] = ()) -> tuple[Executable, dict | list[dict]]:
    """The insert of `rows` (each with the same columns) into `table` as `run_together` takes it, doing
    nothing for a row that conflicts on the `conflict` columns when given.

    On Postgres one statement whose columns go in as arrays (`unnest`): an executemany handed the driver
    and the server each row on its own, which cost more than inserting it. Elsewhere an executemany.
    """
    if dialect.name != "postgresql" or not rows:
        from sqlalchemy.dialects import postgresql, sqlite

        statement = (postgresql if dialect.name == "postgresql" else sqlite).insert(table)
        return (statement.on_conflict_do_nothing(index_elements=list(conflict)) if conflict else statement), rows
    from sqlalchemy.dialects.postgresql import ARRAY, insert

    columns = list(rows[0])
    arrays = select(*(func.unnest(cast(bindparam(f"c{i}"), ARRAY(table.c[column].type)))
                      for i, column in enumerate(columns)))  # unnest side by side: one row per index
    statement = insert(table).from_select(columns, arrays)
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement, {f"c{i}": _array(table.c[column], [row[column] for row in rows])
                       for i, column in enumerate(columns)}


def _array(column, values: list) -> list:
    """The values of one column as one array: a float column's integers (a country's 28 degrees) as floats,
    since the driver dumps no list of mixed types."""
    if isinstance(column.type, Float):
        return [value if value is None else float(value) for value in values]
    return values


_COMPILED: dict[tuple, object] = {}  # `_compiled`'s cache
_COMPILED_MOST = 500


def _compiled(statement: Executable, dialect: Dialect, keys: tuple[str, ...], many: bool):
    """The statement compiled for `dialect`, and the values of its embedded parameters (`among`'s arrays) to
    give `construct_params`: compiled once per process for every statement of the same shape, as
    SQLAlchemy's own execute does (per engine, there)."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=many), None
    key = (type(dialect), dialect.server_version_info, cache_key.key, keys, many)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) >= _COMPILED_MOST:
            _COMPILED.clear()
        compiled = _COMPILED[key] = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=many,
                                                      cache_key=cache_key)
    return compiled, cache_key.bindparams


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


SEARCH_INDEX_PREFIX = "evidence_fts"  # migration 0004's FTS5 table and its shadow tables


def in_models(name: str | None, type_: str, _parent_names) -> bool:
    """Alembic's include_name: the search index is SQLite's own (FTS5), not a table of the models."""
    return not (type_ == "table" and name and name.startswith(SEARCH_INDEX_PREFIX))


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


MIGRATION_LOCK_ID = 0x65766578  # Postgres advisory lock key of evex's migrations ("evex")


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """One migrating process at a time per database, so that runs started together do not each create
    the tables (`table entities already exists`): the others wait, then find the database at head.
    Postgres: a session advisory lock; SQLite: an exclusive flock on the database's folder (no file
    left behind; SQLite's own locks are fcntl locks, which flock does not touch)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with get_engine(url).connect() as connection:
            connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_ID)))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_ID)))
                connection.commit()
        return
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        yield
        return
    import fcntl
    import os

    folder = Path(parsed.database).expanduser().resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database to `revision`. One already at the head is left as it is without Alembic, whose
    import and run were a tenth of an unchanged drop's re-run (`at_head`)."""
    if revision == "head" and at_head(url):
        return
    from alembic import command

    with migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "-1") -> None:
    from alembic import command

    with migration_lock(url):
        command.downgrade(alembic_config(url), revision)


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]+)['"]|None)\s*$""", re.MULTILINE)


def at_head(url: str) -> bool:
    """Whether the database's Alembic revision is the migrations' head, read without Alembic: its
    `alembic_version` row against the head read from the scripts' `revision` lines (`scripted_head`).
    A revision is stored when its migration commits, so a database read at the head is migrated; any
    doubt (no table, no single head) answers False and `upgrade` runs Alembic."""
    head = scripted_head()
    if head is None:
        return False
    try:
        with get_engine(url).connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table yet
        return False
    return stored == [head]


@cache
def scripted_head() -> str | None:
    """The head revision of migrations/versions as the scripts' `revision` and `down_revision` lines give
    it (the one no script names as its down revision); None unless exactly one."""
    revisions, downs = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if not found.get("revision"):
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            downs.add(found["down_revision"])
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def migration_scripts():
    """Alembic's scripts of evex's migrations."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def history() -> list[tuple[str, str]]:
    """(revision, what it does) for each migration, oldest first."""
    return [(script.revision, script.doc.strip().splitlines()[0] if script.doc else "")
            for script in reversed(list(migration_scripts().walk_revisions()))]


def head_revision() -> str:
    return migration_scripts().get_current_head()


def downgrade_empties(url: str, revision: str) -> bool:
    """Whether downgrading to REVISION (`base`, or `-N` steps back) drops every table, and so every row."""
    if revision == "base":
        return True
    steps = revision.removeprefix("-")
    if revision.startswith("-") and steps.isdigit():
        current = current_revision(url)
        applied = len(list(migration_scripts().iterate_revisions(current, "base"))) if current else 0
        return int(steps) >= applied
    return False


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
