"""Migrations with data in the tables: every revision, one step at a time up and down, keeps every row.

No migration changes a table's columns yet (0002 adds views and two indexes on `events`), so the data
is loaded with today's models at the first revision; the walk goes through every revision there is, so
a later one that changes a table is crossed by this test as soon as it exists.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select

import models
from evex import db
from evex.load import load_batch, record_ingest_errors, start_run
from evex.query import run_query
from tests.test_queries import sample_batch

VIEWS = {"event_overview", "event_participants_view", "article_events"}
INDEXES_0002 = {"ix_events_last_day", "ix_events_type_first_day"}


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, every column (ids, run ids and timestamps too), sorted."""
    with engine.connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for table in models.Base.metadata.sorted_tables}


def test_every_revision_up_and_down_keeps_the_data(database_url):
    revisions = [script.revision for script in ScriptDirectory.from_config(db.alembic_config(database_url))
                 .walk_revisions("base", "heads")][::-1]  # oldest first
    db.upgrade(database_url, revisions[0])
    engine = db.get_engine(database_url)
    run_id = start_run(engine, "flow-run-1", ["drop"], {"stanza": "1.15.0"})
    load_batch(engine, run_id, sample_batch())
    record_ingest_errors(engine, run_id, [("drop/x.png", "binary content, not text", "h1")])
    rows = every_row(engine)
    assert len(rows["events"]) == 4 and len(rows["ingest_errors"]) == 1

    for revision in revisions[1:]:
        db.upgrade(database_url, revision)
        assert (db.current_revision(database_url), every_row(engine)) == (revision, rows)
    assert INDEXES_0002 <= {index["name"] for index in inspect(engine).get_indexes("events")}
    assert run_query(database_url, "SELECT COUNT(*) FROM event_overview").rows == [(4,)]  # the views see the old rows

    for revision in revisions[-2::-1]:
        db.downgrade(database_url, revision)
        assert (db.current_revision(database_url), every_row(engine)) == (revision, rows)
    assert not VIEWS & set(inspect(engine).get_view_names())
    assert not INDEXES_0002 & {index["name"] for index in inspect(engine).get_indexes("events")}

    db.upgrade(database_url)
    assert every_row(engine) == rows
