"""`evex query` is read-only because the database refuses writes, not because of a keyword filter."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evex.cli import app
from evex.db import get_engine
from evex.load import count_rows, load_batch
from evex.query import QueryError, run_query
from evex.settings import get_settings
from tests.test_queries import sample_batch

WRITES = [
    "INSERT INTO entities (name, kind) VALUES ('Intrus', 'PER')",
    "DROP TABLE events",
    "DROP VIEW event_overview",
    "SELECT 1; DELETE FROM events",
    "WITH x AS (DELETE FROM events RETURNING *) SELECT * FROM x",
    "UPDATE events SET location = 'Nulle part'",
    "CREATE TABLE notes (x INTEGER)",
]
DIALECT_WRITES = {
    "sqlite": ["ATTACH DATABASE 'other.db' AS other", "PRAGMA query_only=OFF"],
    # a chain that would leave the read-only transaction, switch the session back to writes and delete
    "postgresql": ["COMMIT; SET default_transaction_read_only = off; DELETE FROM events",
                   "SELECT set_config('default_transaction_read_only', 'off', false), nextval('events_id_seq')"],
}


@pytest.fixture
def loaded_url(migrated_url) -> str:
    load_batch(get_engine(migrated_url), None, sample_batch())
    return migrated_url


def snapshot(url: str) -> tuple[dict, list]:
    engine = get_engine(url)
    with engine.connect() as connection:
        events = connection.exec_driver_sql('SELECT id, type, start, "end", location FROM events ORDER BY id').all()
    return count_rows(engine), events


def test_writes_of_every_kind_are_refused_and_nothing_changes(loaded_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a successful ATTACH would create its file
    before = snapshot(loaded_url)
    dialect = get_engine(loaded_url).dialect.name
    for sql in WRITES + DIALECT_WRITES[dialect]:
        with pytest.raises(QueryError):
            run_query(loaded_url, sql)
    assert snapshot(loaded_url) == before
    assert run_query(loaded_url, "SELECT COUNT(*) FROM event_overview").rows == [(4,)]
    assert not (tmp_path / "other.db").exists()


def test_reads_work_and_a_trailing_semicolon_is_fine(loaded_url):
    result = run_query(loaded_url, "SELECT type, location FROM events WHERE location = 'Washington';")
    assert (result.columns, result.rows, result.truncated) == (["type", "location"], [("MEETING", "Washington")], False)
    limited = run_query(loaded_url, "SELECT id FROM events ORDER BY id", max_rows=2)
    assert len(limited.rows) == 2 and limited.truncated


@pytest.fixture
def database_env(loaded_url, monkeypatch):
    """EVEX_DATABASE_URL at the test database for the CLI, and the settings read afresh on both sides."""
    monkeypatch.setenv("EVEX_DATABASE_URL", loaded_url)
    get_settings.cache_clear()
    yield loaded_url
    get_settings.cache_clear()


def test_cli_prints_a_table_and_fails_on_a_write(database_env):
    loaded_url = database_env
    runner = CliRunner()
    shown = runner.invoke(app, ["query", "SELECT participant FROM event_participants_view "
                                         "WHERE participant = 'Mounir Zahi'"])
    assert shown.exit_code == 0, shown.output
    assert "participant" in shown.output and "Mounir Zahi" in shown.output
    before = snapshot(loaded_url)
    refused = runner.invoke(app, ["query", "DELETE FROM events"])
    assert refused.exit_code == 1 and "refused" in refused.output
    assert snapshot(loaded_url) == before
