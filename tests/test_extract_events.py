"""Whole extraction on hand-written parses: mentions with exact offsets, grouping, places, dates, status."""

from evex.extract import extract_events
from tests.extract_support import read_fixture


def events_of(name: str, doc_date: str | None = "2024-05-02"):
    doc, text = read_fixture(name)
    return extract_events(doc, text, doc_date), text


def summary(events):
    return [(e.type, [m.trigger for m in e.mentions], e.location, e.status) for e in events]


def test_mentions_carry_trigger_and_whole_sentence_sliced_from_the_text():
    events, text = events_of("visit_meeting.conllu")
    for event in events:
        for mention in event.mentions:
            assert text[mention.start : mention.end] == mention.trigger
            assert mention.trigger in mention.sentence and mention.sentence in text
            assert text.splitlines()[mention.sentence_index] == mention.sentence


def test_visit_and_meeting_inside_it_are_two_events_and_the_anaphor_joins_the_meeting():
    events, _ = events_of("visit_meeting.conllu")
    assert summary(events) == [
        ("VISIT", ["arrivé", "visite officielle"], "Rabat", "ongoing"),
        ("MEETING", ["s'est longuement entretenu", "rencontre"], "Rabat", "occurred"),
    ]
    assert [e.local_id for e in events] == ["e1", "e2"]


def test_arrival_dates_the_start_of_a_stay_and_the_meeting_inherits_that_day():
    events, _ = events_of("visit_meeting.conllu")  # 2024-05-02 is a Thursday: `jeudi` is that day
    visit, meeting = events
    assert (visit.start, visit.end) == ("2024-05-02", None)
    assert (meeting.start, meeting.end) == ("2024-05-02", "2024-05-02")
    assert visit.location_evidence is not None and visit.time_evidence is not None


def test_unknown_document_date_leaves_relative_dates_unresolved():
    events, _ = events_of("visit_meeting.conllu", doc_date=None)
    assert events[0].start is None


def test_indefinite_agreement_is_a_new_event_and_planned_status_comes_from_the_modal():
    events, _ = events_of("agreement.conllu")
    assert summary(events) == [
        ("AGREEMENT", ["protocole d'accord"], None, "planned"),
        ("AGREEMENT", ["conventions"], None, "occurred"),
    ]


def test_no_event_in_other_senses_negations_and_habits():
    events, _ = events_of("senses.conllu")  # but `Macky Sall est attendu à Paris`, an announced trip
    assert [(e.type, [m.trigger for m in e.mentions], e.status) for e in events] == [("VISIT", ["attendu"], "planned")]


def test_repeated_paragraph_mentions_join_the_event_of_the_first_copy():
    events, _ = events_of("attendance.conllu")
    meeting = events[0]
    assert [(m.trigger, m.sentence_index) for m in meeting.mentions] == [("rencontré", 0), ("rencontré", 2)]


def test_person_reported_taking_part_in_the_event_joins_it():
    events, _ = events_of("attendance.conllu")
    meeting = events[0]
    by_name = {p.name: p for p in meeting.participants}
    assert by_name["Claire Martin"].role == "attendance"
    assert {"Paul Durand", "France", "Ghana"} <= set(by_name)


def test_les_deux_pays_are_the_two_countries_the_article_names_most():
    events, _ = events_of("attendance.conllu")
    agreement = events[1]
    assert agreement.type == "AGREEMENT"
    assert sorted(p.name for p in agreement.participants) == ["France", "Ghana"]
