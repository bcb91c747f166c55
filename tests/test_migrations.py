"""Alembic: one head, and upgrade → downgrade → upgrade on SQLite and Postgres matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import models
from evex import db


def test_single_head():
    heads = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


def test_the_head_read_from_the_scripts_is_alembics():
    assert db.scripted_head() == db.head_revision()


def test_at_head_only_once_migrated_to_the_head(database_url):
    assert not db.at_head(database_url)  # no tables
    db.upgrade(database_url)
    assert db.at_head(database_url)
    db.downgrade(database_url)
    assert not db.at_head(database_url)
    db.upgrade(database_url)  # not at the head: Alembic runs
    assert db.at_head(database_url) and db.current_revision(database_url) == db.head_revision()


def test_upgrade_downgrade_upgrade(database_url):
    db.upgrade(database_url)
    engine = db.get_engine(database_url)
    assert {"articles", "events", "event_mentions", "pipeline_runs"} <= set(inspect(engine).get_table_names())
    db.downgrade(database_url, "base")
    assert db.current_revision(database_url) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(database_url)
    assert db.current_revision(database_url) == ScriptDirectory.from_config(db.alembic_config(database_url)).get_current_head()


def test_migrations_match_the_models(migrated_url):
    with db.get_engine(migrated_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": db.in_models})
        differences = compare_metadata(context, models.Base.metadata)
    assert differences == []
