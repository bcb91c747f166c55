"""Migrations with data in the tables: every revision, one step at a time down and up, keeps every row.

The data is loaded at the head revision, the way the flow loads it (with its places); each step down
must keep every row of the tables that revision has, and each step up as well. Going up through
0003 geocodes the events stored before it, and must give back exactly the places the load stored;
going up through 0006 codes them (CAMEO, PLOVER, ISO alpha-3), and must give back exactly the codes
the load stored.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, select

import models
from evex import db
from evex.load import load_batch, record_ingest_errors, start_run
from evex.query import run_query
from tests.test_queries import article, frame, sample_batch

VIEWS = {"event_overview", "event_participants_view", "article_events"}
INDEXES_0002 = {"ix_events_last_day", "ix_events_type_first_day"}
PLACE_TABLES = {"places", "event_places", "report_places", "entity_places"}
CODE_TABLES = {"countries", "event_codes"}  # 0006

LEBANON = "Le Premier ministre libanais a reçu à Tripoli une délégation. La rencontre a eu lieu au nord du Liban."
LIBYA = "Une rencontre à Tripoli a réuni les dirigeants libyens et le représentant de l'ONU."
UNKNOWN = "Une rencontre a eu lieu à Pipriac entre les maires. Un accord avec le Sénégal a été signé."


def places_batch():
    """One name, two cities (Tripoli in Lebanon and in Libya, told apart by the article), a place no
    gazetteer knows, and a country participant of an event without a place."""
    return [
        article("lb", LEBANON, "2024-02-01", None, [frame("e1", "MEETING", "reçu", LEBANON, [("Liban", "GPE")],
                                                           "Tripoli", "2024-02-01")]),
        article("ly", LIBYA, "2024-02-02", None, [frame("e1", "MEETING", "rencontre", LIBYA, [("Libye", "GPE")],
                                                         "Tripoli", "2024-02-02")]),
        article("fr", UNKNOWN, "2024-02-03", None, [
            frame("e1", "MEETING", "rencontre", UNKNOWN, [], "Pipriac", "2024-02-03"),
            frame("e2", "AGREEMENT", "accord", UNKNOWN, [("Sénégal", "GPE")], None, "2024-02-03"),  # no place
        ]),
    ]


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table of the models the database has at its revision, every column, sorted
    (the search index of 0004 is left out: it holds no data of its own, only an index of event_mentions)."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in tables.tables.items() if name in models.Base.metadata.tables}


def rows_kept_at(engine: Engine, rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows of the tables the database has at its revision; only the place and code tables may be missing."""
    present = set(every_row(engine))
    assert set(rows) - present <= PLACE_TABLES | CODE_TABLES
    return {name: table for name, table in rows.items() if name in present}


def geocoded_events(url: str) -> list[tuple]:
    return run_query(url, "SELECT location, place, country_code, ROUND(latitude), ROUND(longitude), place_precision "
                          "FROM event_overview ORDER BY event_id").rows


def coded_events(url: str) -> list[tuple]:
    return run_query(url, "SELECT type, status, country_alpha3, participant_countries, cameo_code, plover_type, "
                          "plover_mode FROM event_overview ORDER BY event_id").rows


def test_every_revision_down_and_up_keeps_the_data(database_url):
    revisions = [script.revision for script in ScriptDirectory.from_config(db.alembic_config(database_url))
                 .walk_revisions("base", "heads")][::-1]  # oldest first
    db.upgrade(database_url)
    engine = db.get_engine(database_url)
    run_id = start_run(engine, "flow-run-1", ["drop"], {"stanza": "1.15.0"})
    load_batch(engine, run_id, sample_batch() + places_batch())
    record_ingest_errors(engine, run_id, [("drop/x.png", "binary content, not text", "h1")])
    rows = every_row(engine)
    assert len(rows["events"]) == 8 and len(rows["ingest_errors"]) == 1
    assert len(rows["event_places"]) == 6 and len(rows["entity_places"]) == 5  # Pipriac and no place: none
    geocoded = geocoded_events(database_url)
    assert geocoded == [
        ("Washington", "Washington", "US", 39, -77, "city"),
        ("Alger", "Alger", "DZ", 37, 3, "city"),
        ("Alger", "Alger", "DZ", 37, 3, "city"),
        ("Oran", "Oran", "DZ", 36, -1, "city"),
        ("Tripoli", "Tripoli", "LB", 34, 36, "city"),
        ("Tripoli", "Tripoli", "LY", 33, 13, "city"),
        ("Pipriac", None, None, None, None, None),
        (None, None, None, None, None, None),
    ]

    coded = coded_events(database_url)
    assert coded == [
        ("MEETING", "occurred", "USA", "DZA, USA", "040", "CONSULT", None),
        ("AGREEMENT", "occurred", "DZA", "DZA, USA", "057", "SUPPORT", None),
        ("VISIT", "planned", "DZA", "DZA", "036", "AGREE", None),
        ("WORKSHOP", "planned", "DZA", "DZA", None, None, None),
        ("MEETING", "occurred", "LBN", "LBN", "040", "CONSULT", None),
        ("MEETING", "occurred", "LBY", "LBY", "040", "CONSULT", None),
        ("MEETING", "occurred", None, None, "040", "CONSULT", None),
        ("AGREEMENT", "occurred", None, "SEN", "057", "SUPPORT", None),
    ]

    for revision in revisions[-2::-1]:
        db.downgrade(database_url, revision)
        assert (db.current_revision(database_url), every_row(engine)) == (revision, rows_kept_at(engine, rows))
    assert not (PLACE_TABLES | CODE_TABLES) & set(every_row(engine))
    assert not VIEWS & set(inspect(engine).get_view_names())
    assert not INDEXES_0002 & {index["name"] for index in inspect(engine).get_indexes("events")}

    for revision in revisions[1:-1]:
        db.upgrade(database_url, revision)  # 0003 geocodes what was stored without places
        assert (db.current_revision(database_url), every_row(engine)) == (revision, rows_kept_at(engine, rows))
    assert INDEXES_0002 <= {index["name"] for index in inspect(engine).get_indexes("events")}
    assert run_query(database_url, "SELECT COUNT(*) FROM event_overview").rows == [(8,)]  # the views see the old rows

    db.upgrade(database_url)  # 0006 codes what was stored without codes
    assert every_row(engine) == rows
    assert geocoded_events(database_url) == geocoded
    assert coded_events(database_url) == coded
    countries = sorted(run_query(database_url, "SELECT DISTINCT participant, participant_country_code, "
                                               "participant_country_alpha3 FROM event_participants_view").rows)
    assert countries == [("Algérie", "DZ", "DZA"), ("Emmanuel Macron", None, None), ("Liban", "LB", "LBN"),
                         ("Libye", "LY", "LBY"), ("Mounir Zahi", None, None), ("Sénégal", "SN", "SEN"),
                         ("Union européenne", None, None), ("États-Unis", "US", "USA")]
