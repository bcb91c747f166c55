"""views for users (event_overview, event_participants_view, article_events) and date indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:30:00

The views are the documented way to query the database by hand (docs/queries.sql). Their SQL is
the same on both databases except for joining participant names into one string: `string_agg`
on Postgres, `group_concat` on SQLite (which keeps the order of its sorted subquery).

0001 already indexes the common filters: events.type, events.start, events.first_day,
events.location, entities.name and event_participants.entity_id. Added here: events.last_day
(the other half of a date-range overlap test) and (type, first_day) for "events of a type in a
period", the filter the documented questions use most.

A later migration that rebuilds one of the viewed tables (SQLite batch mode copies and renames it)
must drop these views first and create them again after.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Participant names of an event, each once, in the order they were first stored.
_NAMES = """
    SELECT en.name AS name, MIN(p.id) AS first_seen
    FROM event_reports AS r
    JOIN event_participants AS p ON p.report_id = r.id
    JOIN entities AS en ON en.id = p.entity_id
    WHERE r.event_id = e.id
    GROUP BY en.name"""

PARTICIPANTS = {
    "postgresql": f"(SELECT string_agg(x.name, ', ' ORDER BY x.first_seen) FROM ({_NAMES}) AS x)",
    "sqlite": f"(SELECT group_concat(x.name, ', ') FROM ({_NAMES}\n    ORDER BY first_seen) AS x)",
}

EVENT_OVERVIEW = """
CREATE VIEW event_overview AS
SELECT
    e.id AS event_id,
    e.type,
    e.start,
    e."end",
    e.location,
    e.status,
    {participants} AS participants,
    e.n_articles,
    e.n_sources,
    (SELECT MIN(a.doc_date)
     FROM event_reports AS r JOIN articles AS a ON a.id = r.article_id
     WHERE r.event_id = e.id) AS first_reported,
    (SELECT COALESCE(a.url, a.source)
     FROM event_reports AS r JOIN articles AS a ON a.id = r.article_id
     WHERE r.event_id = e.id
     ORDER BY COALESCE(a.doc_date, '9999'), a.id
     LIMIT 1) AS first_source
FROM events AS e
"""

EVENT_PARTICIPANTS_VIEW = """
CREATE VIEW event_participants_view AS
SELECT
    r.event_id,
    e.type AS event_type,
    e.start,
    e."end",
    e.location,
    en.id AS entity_id,
    en.name AS participant,
    en.kind,
    MAX(p.title) AS title,
    COUNT(DISTINCT r.article_id) AS n_articles
FROM event_participants AS p
JOIN event_reports AS r ON r.id = p.report_id
JOIN events AS e ON e.id = r.event_id
JOIN entities AS en ON en.id = p.entity_id
GROUP BY r.event_id, e.type, e.start, e."end", e.location, en.id, en.name, en.kind
"""

ARTICLE_EVENTS = """
CREATE VIEW article_events AS
SELECT
    a.id AS article_id,
    a.doc_id,
    a.doc_date,
    a.title,
    COALESCE(a.url, a.source) AS source,
    r.event_id,
    r.local_id,
    r.type,
    r.start,
    r."end",
    r.location,
    r.status,
    r.link_rule,
    (SELECT m.trigger FROM event_mentions AS m WHERE m.report_id = r.id
     ORDER BY m.start_char LIMIT 1) AS first_trigger,
    (SELECT COUNT(*) FROM event_mentions AS m WHERE m.report_id = r.id) AS n_mentions
FROM event_reports AS r
JOIN articles AS a ON a.id = r.article_id
"""

VIEWS = ("event_overview", "event_participants_view", "article_events")


def upgrade() -> None:
    op.create_index("ix_events_last_day", "events", ["last_day"], unique=False)
    op.create_index("ix_events_type_first_day", "events", ["type", "first_day"], unique=False)
    op.execute(EVENT_OVERVIEW.format(participants=PARTICIPANTS[op.get_bind().dialect.name]))
    op.execute(EVENT_PARTICIPANTS_VIEW)
    op.execute(ARTICLE_EVENTS)


def downgrade() -> None:
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_index("ix_events_type_first_day", table_name="events")
    op.drop_index("ix_events_last_day", table_name="events")
