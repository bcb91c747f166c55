"""Shared fixtures: real Stanza models, a real SQLite file and a real Postgres database, one Prefect server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.gold.jsonl"
POSTGRES_ADMIN_URL = os.environ.get("EVEX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

os.environ.setdefault("STANZA_RESOURCES_DIR", str(SHARED / "stanza_resources"))
# Torch on one thread in the tests' processes and those they start, as in evex's parsing workers: on a
# shared machine two threads wait on each other (tests/test_bench_geocode.py took 2.2 x as long, load 5).
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def stanza_dir() -> Path:
    folder = Path(os.environ["STANZA_RESOURCES_DIR"])
    assert (folder / "resources.json").is_file(), f"Stanza models not found in {folder}: set STANZA_RESOURCES_DIR"
    return folder


@pytest.fixture(scope="session")
def prefect_server():
    """One ephemeral Prefect server for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _create_postgres_database() -> tuple[str, callable]:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"evex_test_{uuid.uuid4().hex[:12]}"
    conninfo = dict(host=admin.host, port=admin.port or 5432, user=admin.username, dbname=admin.database)
    if admin.password:
        conninfo["password"] = admin.password
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        from evex.db import get_engine

        get_engine(str(admin.set(database=name))).dispose()
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return admin.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """An empty database of each kind: a temporary SQLite file, and a fresh Postgres database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'evex.db'}"
        yield url
        from evex.db import get_engine

        get_engine(url).dispose()
        return
    url, drop = _create_postgres_database()
    yield url
    drop()


@pytest.fixture
def migrated_url(database_url) -> str:
    from evex import db

    db.upgrade(database_url)
    return database_url


@pytest.fixture(scope="session")
def seeds_cli_run(tmp_path_factory, stanza_dir):
    """`evex run seeds/` as a newcomer types it (no PREFECT_API_URL: a temporary Prefect server), in a
    child process: its output, and the event database it filled."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("seeds_cli")
    url = f"sqlite:///{folder / 'evex.db'}"
    env = {**os.environ, "EVEX_DATABASE_URL": url, "STANZA_RESOURCES_DIR": str(stanza_dir), "COLUMNS": "120"}
    env.pop("PREFECT_API_URL", None)

    def evex_run(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "evex.cli", "run", *options, str(SEEDS)], env=env, cwd=folder,
                              capture_output=True, text=True, timeout=600)

    return evex_run(), url, evex_run
