"""Migrations with data in the tables: first revision → head → first revision → head keeps every row."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from evex import db
from evex.load import count_rows, load_batch, record_ingest_errors, start_run
from evex.query import run_query
from tests.test_faults import canonical
from tests.test_queries import sample_batch

VIEWS = {"event_overview", "event_participants_view", "article_events"}


def test_upgrade_and_downgrade_keep_the_data(database_url):
    first = ScriptDirectory.from_config(db.alembic_config(database_url)).get_base()
    db.upgrade(database_url, first)
    engine = db.get_engine(database_url)
    run_id = start_run(engine, "flow-run-1", ["drop"], {"stanza": "1.15.0"})
    load_batch(engine, run_id, sample_batch())
    record_ingest_errors(engine, run_id, [("drop/x.png", "binary content, not text", "h1")])
    rows, content = count_rows(engine), canonical(database_url)
    assert rows["events"] == 4 and rows["ingest_errors"] == 1

    db.upgrade(database_url)
    assert (count_rows(engine), canonical(database_url)) == (rows, content)
    assert run_query(database_url, "SELECT COUNT(*) FROM event_overview").rows == [(4,)]  # the views see the old rows

    db.downgrade(database_url, first)
    assert db.current_revision(database_url) == first
    assert not VIEWS & set(inspect(engine).get_view_names())
    assert (count_rows(engine), canonical(database_url)) == (rows, content)

    db.upgrade(database_url)
    assert (count_rows(engine), canonical(database_url)) == (rows, content)
