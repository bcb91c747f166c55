"""The run's summary and its Prefect artifact table, from the rows the load returns."""

from __future__ import annotations

from evex.link import NEW_EVENT
from evex.summary import RunSummary

MANY = ["Algérie", "États-Unis", "Mounir Zahi", "Jennifer Zakriski", "Elizabeth Moore Aubin"]


def report(event: int, link: str, participants: list[str], trigger: str = "dialogue") -> dict:
    return {"article": "Dialogue militaire", "event": event, "type": "MEETING", "trigger": trigger,
            "participants": participants, "location": "Washington", "start": "2023-12-04", "end": "2023-12-06",
            "status": "occurred", "link": link}


def summary_of(*rows: dict) -> RunSummary:
    summary = RunSummary(run_id=1, files=2)
    summary.events.extend(rows)
    summary.events_by_type.update(row["type"] for row in rows)
    return summary


def test_events_line_counts_new_rows_and_reports_apart():
    two_reports_one_event = summary_of(report(1, NEW_EVENT, MANY), report(1, "same place; shared participants", MANY))
    assert two_reports_one_event.events_line() == "events: 1 new in the database (MEETING 1), from 2 article reports"
    about_stored = summary_of(report(7, "same place; shared participants", MANY))
    assert about_stored.events_line() == ("events: 0 new in the database, from 1 article report "
                                          "(1 about events already stored)")


def test_artifact_table_has_one_short_column_per_field_a_reader_scans():
    (row,) = summary_of(report(1, NEW_EVENT, MANY)).report_table(10)
    assert row == {"when": "2023-12-04–2023-12-06", "where": "Washington",
                   "who": "Algérie, États-Unis, Mounir Zahi +2 more", "what": "meeting (dialogue)",
                   "status": "occurred", "article": "Dialogue militaire"}
