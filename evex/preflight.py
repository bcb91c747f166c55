"""Setup checks before a command starts: each problem of the set-up (not of an article) becomes one
line that says what is wrong and what to do, instead of a traceback from deep inside a driver.

The CLI prints the line and exits with status 2 (`--debug` or EVEX_DEBUG=1: with the traceback).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from evex import db, parse

SUPPORTED_DATABASES = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB"
_SCHEMES = {  # what users write (the forms hosting services hand out included) → the driver evex installs
    "sqlite": "sqlite", "sqlite+pysqlite": "sqlite+pysqlite",
    "postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg", "postgresql+psycopg": "postgresql+psycopg",
}
MAKE_ONE = "make one with `evex run FOLDER` (or `evex db upgrade`), or give --db or EVEX_DATABASE_URL"


class SetupError(Exception):
    """Something about the set-up that stops every run: the message is the one line to print."""


def check_drop(paths: list[Path]) -> None:
    """The drop exists and holds at least one article file: a run that could read nothing stops here,
    before Prefect starts."""
    from evex.ingest import ARTICLE_SUFFIXES, SIDECAR_SUFFIX, discover

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SetupError(f"no such file or folder: {', '.join(missing)} (give article files or folders that exist)")
    if not discover(paths):
        raise SetupError(f"no article file in {', '.join(map(str, paths))}: evex reads "
                         f"{', '.join(ARTICLE_SUFFIXES)} files ({SIDECAR_SUFFIX} files are sidecars, hidden files "
                         "are skipped)")


def database_url(url: str) -> URL:
    """The parsed URL, with the driver evex uses, when evex can store into it (SQLite, or Postgres through
    psycopg 3: `postgres://` and `postgresql://` mean psycopg here)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SetupError(f"not a database URL: {url!r} (use {SUPPORTED_DATABASES})") from None
    if parsed.drivername not in _SCHEMES:
        raise SetupError(
            f"unsupported database {db.masked(url)}: evex stores into SQLite or Postgres (use {SUPPORTED_DATABASES})"
        )
    return parsed.set(drivername=_SCHEMES[parsed.drivername])


def normalized_url(url: str) -> str:
    """The URL as SQLAlchemy loads it (`postgres://…` → `postgresql+psycopg://…`), password kept."""
    return database_url(url).render_as_string(hide_password=False)


def check_database(url: str) -> None:
    """The URL is supported, a SQLite file's folder exists and takes files, a Postgres server answers
    (a SQLite file is not opened here: `evex query` opens it read-only)."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_folder(parsed)
        return
    try:
        with db.get_engine(url).connect():
            pass
    except OperationalError as exc:
        raise SetupError(_connection_refusal(parsed, exc)) from exc


def _check_sqlite_folder(parsed: URL) -> None:
    if not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database).expanduser()
    if path.is_dir():
        raise SetupError(f"{path} is a folder, not a database file: give --db a file, "
                         f"e.g. sqlite:///{path / 'evex.db'}")
    folder = path.parent.resolve()
    if not folder.is_dir():
        raise SetupError(f"database folder {folder} does not exist (create it, or give --db a path in an existing one)")
    try:  # what SQLite will do: create the file and its -wal and -shm files beside it
        with tempfile.TemporaryFile(dir=folder):
            pass
        if path.exists():
            path.open("r+b").close()
    except OSError as exc:
        raise SetupError(
            f"database folder {folder} is not writable ({exc.strerror}): give --db a path in a folder you can write"
        ) from None


def check_database_exists(url: str) -> None:
    """For the commands that read: the database is there and has evex's tables (they never make one)."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise SetupError(f"an in-memory SQLite database holds no events: {MAKE_ONE}")
        path = Path(parsed.database).expanduser().resolve()
        if not path.is_file():
            raise SetupError(f"no event database at {path}: {MAKE_ONE}")
    if not _has_evex_tables(url):
        raise SetupError(f"{db.masked(url)} holds no evex tables: make them with `evex db upgrade` "
                         "(or `evex run FOLDER`), or give --db or EVEX_DATABASE_URL")


def _has_evex_tables(url: str) -> bool:
    """Whether Alembic has migrated the database (read without writing: SQLite opened read-only)."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3
        from contextlib import closing

        path = Path(parsed.database).expanduser().resolve()
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
            try:
                return connection.execute("SELECT count(*) FROM alembic_version").fetchone()[0] > 0
            except sqlite3.DatabaseError:  # no such table, or not a database at all
                return False
    return db.current_revision(url) is not None


def _connection_refusal(parsed: URL, exc: OperationalError) -> str:
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "password authentication failed" in message or "no password supplied" in message:
        return (f"Postgres at {where} refused the password of user {parsed.username!r}: "
                "check the user and password in EVEX_DATABASE_URL or --db")
    if "Connection refused" in message:
        return (f"Postgres at {where} refused the connection: is the server running, on that host and port? "
                "(check EVEX_DATABASE_URL or --db)")
    if "does not exist" in message and "database" in message:
        return f"Postgres at {where} has no database {parsed.database!r}: create it (createdb) or fix the URL"
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc.orig).__name__
    return f"cannot open the database {parsed.render_as_string(hide_password=True)}: {first_line}"


def check_models(configured: Path | None) -> Path:
    """The Stanza models folder, with a model file for every processor evex runs."""
    try:
        folder = parse.resources_dir(configured)
    except parse.ParseError as exc:
        raise SetupError(str(exc)) from None
    for processor in dict.fromkeys(parse.REQUIRED_MODELS + parse.available_processors(folder)):
        if not any((folder / parse.LANG / processor).glob("*.pt")):
            raise SetupError(
                f"Stanza models in {folder} are incomplete: no {processor} model in {folder / parse.LANG / processor} "
                "(copy the whole models folder again)"
            )
    return folder


def check_prefect_api(api_url: str | None) -> None:
    """The Prefect server PREFECT_API_URL names answers; unset, the run starts a temporary one."""
    if not api_url:
        return
    import httpx

    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=10)
    except httpx.HTTPError as exc:
        raise SetupError(
            f"Prefect API at {api_url} is unreachable ({type(exc).__name__}): start it (`prefect server start`), "
            "or unset PREFECT_API_URL to have evex start a temporary server for the run"
        ) from None
