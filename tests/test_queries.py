"""The documented SQL (docs/queries.sql) and the views of migration 0002, on SQLite and Postgres.

Each database gets the same small set of events loaded the way the flow loads them, and every
documented question must run through `evex query`'s read-only path and give the expected answer.
"""

from __future__ import annotations


import pytest
from sqlalchemy import inspect

from evex.browse import documented_queries
from evex.db import downgrade, get_engine, upgrade
from evex.frames import EventFrame, Mention, Participant
from evex.ingest import Article, article_hash
from evex.load import ProcessedArticle, load_batch
from evex.query import run_query

def article(doc_id: str, text: str, date: str, url: str | None, frames: list[EventFrame], error: str | None = None):
    ingested = Article(doc_id=doc_id, source=f"drop/{doc_id}.txt", sha256=article_hash(text), text=text,
                       doc_date=date, url=url)
    return ProcessedArticle(ingested, None if error else "# text = x\n", {"stanza": "1.15.0"}, frames, error)


def frame(local_id: str, type_: str, trigger: str, text: str, participants: list[tuple[str, str]], location: str,
          start: str, end: str | None = None, status: str = "occurred") -> EventFrame:
    at = text.index(trigger)
    return EventFrame(
        local_id=local_id, type=type_, mentions=[Mention(trigger, at, at + len(trigger), text, 0)],
        participants=[Participant(name, kind) for name, kind in participants],
        location=location, start=start, end=end, status=status,
    )


A = "Le dialogue conjoint s'est tenu à Washington. Un accord a été signé à Alger."
B = "Le dialogue de Washington a réuni les deux pays. Le président Macron visitera Alger en mars."
C = "Un atelier se tiendra à Oran du 15 au 17 janvier."
US, DZ = ("États-Unis", "GPE"), ("Algérie", "GPE")


def sample_batch() -> list[ProcessedArticle]:
    """Four articles: a meeting two of them report, an agreement, a planned visit and workshop, a failure."""
    return [
        article("a", A, "2023-12-07", "https://www.aps.dz/a", [
            frame("e1", "MEETING", "dialogue conjoint", A, [("Mounir Zahi", "PER"), DZ, US], "Washington",
                  "2023-12-04", "2023-12-06"),
            frame("e2", "AGREEMENT", "accord", A, [DZ, US], "Alger", "2023-12-05"),
        ]),
        article("b", B, "2023-12-08", "https://www.elwatan.com/b", [
            frame("e1", "MEETING", "dialogue", B, [DZ, US], "Washington", "2023-12-04", "2023-12-06"),
            frame("e2", "VISIT", "visitera", B, [("Emmanuel Macron", "PER"), DZ], "Alger", "2024-03", status="planned"),
        ]),
        article("c", C, "2024-01-10", None, [
            frame("e1", "WORKSHOP", "atelier", C, [DZ, ("Union européenne", "ORG")], "Oran", "2024-01-15",
                  "2024-01-17", status="planned"),
        ]),
        article("d", "Texte illisible.", "2024-01-11", None, [], error="Stanza failed: boom"),
    ]


@pytest.fixture
def loaded_url(migrated_url) -> str:
    load_batch(get_engine(migrated_url), None, sample_batch())
    return migrated_url


def rows(url: str, sql: str) -> list[tuple]:
    return run_query(url, sql).rows


# What each documented question answers on the sample (the first rows, or all of them).
EXPECTED = {
    "events_by_type": [("AGREEMENT", 1, 1), ("MEETING", 1, 2), ("VISIT", 1, 1), ("WORKSHOP", 1, 1)],
    "events_in_period": [("MEETING", "2023-12-04", "2023-12-06", "Washington"),
                         ("AGREEMENT", "2023-12-05", None, "Alger")],
    "meetings_with_participant": [("2023-12-04", "2023-12-06", "Washington", 2)],
    "most_frequent_participants": [("Algérie", "GPE", 4), ("États-Unis", "GPE", 2)],
    "events_by_location": [("Alger", 2, 0, 1), ("Oran", 1, 0, 0), ("Washington", 1, 1, 0)],
    "planned_events": [("WORKSHOP", "2024-01-15", "Oran", "Algérie, Union européenne", "drop/c.txt"),
                       ("VISIT", "2024-03", "Alger", "Emmanuel Macron, Algérie", "https://www.elwatan.com/b")],
    "participant_pairs": [(2,)],
    "events_per_month": [("2023-12", 2), ("2024-01", 1), ("2024-03", 1)],
    "articles_without_events": [("d", "2024-01-11", "failed", "Stanza failed: boom", "drop/d.txt")],
}


def test_the_file_documents_eight_to_ten_questions():
    queries = documented_queries()
    assert 8 <= len(queries) <= 10
    for name, (question, sql) in queries.items():
        assert question.endswith("?") and sql.upper().startswith(("SELECT", "WITH")), name
        assert ";" not in sql, f"{name}: one statement per block"


def test_every_documented_query_answers_its_question(loaded_url):
    for name, (_, sql) in documented_queries().items():
        result = rows(loaded_url, sql)
        assert result, f"{name} found nothing on the sample"
        if name == "events_reported_by_several_articles":
            assert [(r[2], r[4] == "new event", "same place Washington" in r[4]) for r in result] == [
                ("a", True, False), ("b", False, True)]
            continue
        if name == "participant_pairs":
            assert {result[0][0], result[0][1]} == {"Algérie", "États-Unis"} and (result[0][2],) == EXPECTED[name][0]
            continue
        expected = EXPECTED[name]
        # ids differ between databases only if loading does; leave them out of the comparison
        got = [row[1:] if name in ("events_in_period", "meetings_with_participant", "planned_events") else row
               for row in result]
        assert [tuple(row) for row in got[: len(expected)]] == expected, name


def test_event_overview_gives_one_line_per_event(loaded_url):
    meeting = rows(loaded_url, "SELECT * FROM event_overview WHERE type = 'MEETING'")
    assert meeting == [(meeting[0][0], "MEETING", "2023-12-04", "2023-12-06", "Washington", "occurred",
                        "Mounir Zahi, Algérie, États-Unis", 2, 2, "2023-12-07", "https://www.aps.dz/a",
                        "Washington", "US", pytest.approx(38.9, abs=0.1), pytest.approx(-77.0, abs=0.1), "city",
                        "USA", "DZA, USA", "040", "CONSULT", None)]
    assert rows(loaded_url, "SELECT COUNT(*) FROM event_overview")[0][0] == 4
    per_article = rows(loaded_url, "SELECT doc_id, local_id, type, first_trigger, n_mentions, country_alpha3, "
                                   "cameo_code, plover_type FROM article_events ORDER BY doc_id, local_id")
    assert per_article[:3] == [("a", "e1", "MEETING", "dialogue conjoint", 1, "USA", "040", "CONSULT"),
                               ("a", "e2", "AGREEMENT", "accord", 1, "DZA", "057", "SUPPORT"),
                               ("b", "e1", "MEETING", "dialogue", 1, "USA", "040", "CONSULT")]
    zahi = rows(loaded_url, "SELECT participant, kind, n_articles, participant_country_alpha3 "
                            "FROM event_participants_view WHERE event_type = 'MEETING' "
                            "AND participant IN ('Mounir Zahi', 'États-Unis') ORDER BY participant")
    assert zahi == [("Mounir Zahi", "PER", 1, None), ("États-Unis", "GPE", 2, "USA")]


def test_migration_0002_downgrades_and_upgrades_cleanly(loaded_url):
    views = {"event_overview", "event_participants_view", "article_events"}
    added = {"ix_events_last_day", "ix_events_type_first_day"}
    engine = get_engine(loaded_url)
    downgrade(loaded_url, "0001")
    assert not views & set(inspect(engine).get_view_names())
    assert not added & {index["name"] for index in inspect(engine).get_indexes("events")}
    upgrade(loaded_url)
    assert views <= set(inspect(engine).get_view_names())
    assert added <= {index["name"] for index in inspect(engine).get_indexes("events")}
    assert rows(loaded_url, "SELECT COUNT(*) FROM event_overview") == [(4,)]
