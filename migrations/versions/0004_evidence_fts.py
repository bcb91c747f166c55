"""full-text search over the evidence sentences (SQLite FTS5, kept in sync by triggers)

Revision ID: 0004_evidence_fts
Revises: 0002
Create Date: 2026-12-02 18:20:00

`evex browse` (Datasette) searches the sentences that mention an event. The index is an external
content FTS5 table over event_mentions, filled here from the rows already stored and kept in sync
by triggers, so the load does not know about it. Postgres: nothing (Datasette reads SQLite only).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_evidence_fts"
down_revision: str | None = "0003_places"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = "evidence_fts"

CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(sentence, trigger, content='event_mentions', content_rowid='id')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    f"""CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON event_mentions BEGIN
        INSERT INTO {FTS_TABLE}(rowid, sentence, trigger) VALUES (new.id, new.sentence, new.trigger);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON event_mentions BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, sentence, trigger) VALUES ('delete', old.id, old.sentence, old.trigger);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE ON event_mentions BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, sentence, trigger) VALUES ('delete', old.id, old.sentence, old.trigger);
        INSERT INTO {FTS_TABLE}(rowid, sentence, trigger) VALUES (new.id, new.sentence, new.trigger);
    END""",
]
DROP = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{what}" for what in ("update", "delete", "insert")] + [
    f"DROP TABLE IF EXISTS {FTS_TABLE}"
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in CREATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP:
            op.execute(statement)
