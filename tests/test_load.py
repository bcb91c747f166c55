"""Load into real databases (a SQLite file and a fresh Postgres database): idempotent, transactional, linked."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from evex.db import get_engine
from evex.frames import EventFrame, Mention, Participant, Span
from evex.ingest import Article, article_hash
from evex.load import ProcessedArticle, count_rows, known_hashes, load_batch, record_ingest_errors

SENTENCE = "Le dialogue conjoint s'est tenu à Washington du 4 au 6 décembre."


def processed(doc_id: str, text: str = SENTENCE, *, status: str = "occurred", error: str | None = None):
    article = Article(doc_id=doc_id, source=f"drop/{doc_id}.txt", sha256=article_hash(text), text=text, doc_date="2023-12-07")
    frame = EventFrame(
        local_id="e1",
        type="MEETING",
        mentions=[Mention("dialogue conjoint", 3, 20, text, 0, "dialogue")],
        participants=[
            Participant("Mounir Zahi", "PER", title="général-major", role="nsubj", evidence=Span(0, 10, text)),
            Participant("Algérie", "GPE"),
            Participant("États-Unis", "GPE"),
        ],
        location="Washington",
        location_evidence=Span(34, 44, text),
        start="2023-12-04",
        end="2023-12-06",
        status=status,
    )
    return ProcessedArticle(article, "# text = x\n", {"stanza": "1.15.0"}, [] if error else [frame], error)


def test_batch_is_stored_with_its_arguments_and_evidence(migrated_url):
    engine = get_engine(migrated_url)
    result = load_batch(engine, None, [processed("a")])
    assert (result.n_articles, result.n_events, result.events_by_type) == (1, 1, {"MEETING": 1})
    with Session(engine) as session:
        report = session.scalars(select(models.EventReport)).one()
        assert (report.type, report.location, report.start, report.end, report.status) == (
            "MEETING", "Washington", "2023-12-04", "2023-12-06", "occurred")
        assert report.mentions[0].trigger == "dialogue conjoint" and report.mentions[0].sentence == SENTENCE
        zahi = next(p for p in report.participants if p.entity.name == "Mounir Zahi")
        assert (zahi.title, zahi.entity.kind, zahi.evidence_start) == ("général-major", "PER", 0)
        assert session.get(models.Parse, 1).model_versions == {"stanza": "1.15.0"}


def test_loading_the_same_batch_twice_adds_nothing(migrated_url):
    engine = get_engine(migrated_url)
    load_batch(engine, None, [processed("a"), processed("b", SENTENCE + " Fin.")])
    before = count_rows(engine)
    again = load_batch(engine, None, [processed("a"), processed("b", SENTENCE + " Fin.")])
    assert again.n_articles == 0 and count_rows(engine) == before
    assert known_hashes(engine, [article_hash(SENTENCE), "f" * 64]) == {article_hash(SENTENCE)}


def test_two_articles_reporting_one_event_share_one_event_row(migrated_url):
    engine = get_engine(migrated_url)
    load_batch(engine, None, [processed("a"), processed("b", SENTENCE + " Autre source.", status="ongoing")])
    with Session(engine) as session:
        event = session.scalars(select(models.Event)).one()
        assert event.n_articles == 2
        rules = sorted(r.link_rule for r in event.reports)
        assert rules[0] == "new event" and "same place Washington" in rules[1]
        assert sorted(r.status for r in event.reports) == ["occurred", "ongoing"]


def test_failed_article_is_recorded_without_events(migrated_url):
    engine = get_engine(migrated_url)
    result = load_batch(engine, None, [processed("bad", error="Stanza failed: boom")])
    assert (result.n_articles, result.n_failed) == (0, 1)
    with Session(engine) as session:
        article = session.scalars(select(models.Article)).one()
        assert (article.status, article.error) == ("failed", "Stanza failed: boom")


def test_a_failing_batch_leaves_nothing_half_written(migrated_url):
    engine = get_engine(migrated_url)
    broken = processed("b", SENTENCE + " Deux.")
    broken.frames[0].mentions[0] = Mention(None, 0, 1, "x", 0)  # NOT NULL violation mid-batch
    with pytest.raises(Exception):
        load_batch(engine, None, [processed("a"), broken])
    assert count_rows(engine)["articles"] == 0 and count_rows(engine)["events"] == 0


def test_ingest_errors_are_recorded_once(migrated_url):
    engine = get_engine(migrated_url)
    errors = [("drop/x.png", "binary content, not text", "h1")]
    assert record_ingest_errors(engine, None, errors) == 1
    assert record_ingest_errors(engine, None, errors) == 0
    assert count_rows(engine)["ingest_errors"] == 1


def test_re_extracting_an_article_links_it_again_and_keeps_the_counts(migrated_url):
    from evex.load import replace_frames
    from tests.test_faults import canonical

    engine = get_engine(migrated_url)
    first, second = processed("a"), processed("b", SENTENCE + " Autre source.")
    load_batch(engine, None, [first, second])
    before = canonical(migrated_url)
    with Session(engine) as session:
        first_id = session.scalar(select(models.Article.id).where(models.Article.doc_id == "a"))
    assert replace_frames(engine, first_id, first.frames) == 1  # "a" created the event "b" links to
    after = canonical(migrated_url)
    for table in ("articles", "parses", "events", "entities"):  # reports (and what they hold) name their rule
        assert after[table] == before[table]
    assert count_rows(engine) == {table: len(rows) for table, rows in before.items()} | {"pipeline_runs": 0}
    with Session(engine) as session:
        event = session.scalars(select(models.Event)).one()
        assert (event.n_articles, len(event.reports)) == (2, 2)
        assert all(r.link_rule.startswith("same type MEETING") for r in event.reports if r.article_id == first_id)


def test_ids_a_load_takes_are_the_databases_own(migrated_url):
    """A load gives its rows their ids itself (one executemany per table): a row inserted afterwards
    the ordinary way, by the database's own sequence or rowid, must get the next one, never a taken one."""
    engine = get_engine(migrated_url)
    load_batch(engine, None, [processed("a"), processed("b", SENTENCE + " Fin.")])
    with Session(engine) as session, session.begin():
        article = models.Article(sha256="f" * 64, doc_id="c", source="drop/c.txt", text="c")
        event = models.Event(type="MEETING", status="occurred")
        session.add_all([article, event])
        session.flush()
        report = models.EventReport(event_id=event.id, article_id=article.id, local_id="e1", type="MEETING",
                                    status="occurred")
        session.add(report)
        session.flush()
        assert (article.id, event.id, report.id) == (3, 2, 3)


def test_the_places_a_load_links_from_its_batch_are_those_read_back_from_the_tables(migrated_url):
    """load_batch links places from what the batch holds; link_places reads them back from the tables
    (as migration 0003 does). Across batches that report a stored event again and reuse stored country
    entities, both must give the same links."""
    from evex.geocode import link_places
    from tests.test_migrations_data import PLACE_TABLES, every_row, places_batch
    from tests.test_queries import sample_batch

    engine = get_engine(migrated_url)
    first, second = sample_batch(), places_batch()
    for batch in (first[:1], first[1:] + second[:1], second[1:]):  # article b reports a's meeting again
        load_batch(engine, None, batch)
    loaded = {name: rows for name, rows in every_row(engine).items() if name in PLACE_TABLES}
    assert len(loaded["report_places"]) == 7  # Pipriac, and the agreement without a location: none
    assert len(loaded["event_places"]) == 6 and len(loaded["entity_places"]) == 5
    with engine.begin() as connection:
        link_places(connection)
    assert {name: rows for name, rows in every_row(engine).items() if name in PLACE_TABLES} == loaded


def test_more_hashes_than_one_sql_list_holds_are_all_looked_up(migrated_url):
    """Hashes are asked for in slices of SQL_LIST_CHUNK (`in_lists`): every slice, the short last one
    too, answers, with a hash given twice and one never stored among them."""
    from evex.db import SQL_LIST_CHUNK

    engine = get_engine(migrated_url)
    batch = [processed(f"d{i}", f"{SENTENCE} Numéro {i}.") for i in range(2 * SQL_LIST_CHUNK + 1)]
    for item in batch:
        item.frames = []
    load_batch(engine, None, batch)
    hashes = [item.article.sha256 for item in batch]
    assert known_hashes(engine, [*hashes, *hashes[:3], "f" * 64]) == set(hashes)


def _event_of_each_report(engine) -> dict[tuple[str, str], tuple[int, str]]:
    with Session(engine) as session:
        rows = session.execute(select(models.Article.doc_id, models.EventReport.local_id, models.EventReport.event_id,
                                      models.EventReport.type).join(models.Article))
        return {(doc_id, local_id): (event_id, event_type) for doc_id, local_id, event_id, event_type in rows}


def test_re_extracting_keeps_the_ids_of_the_events_found_again(migrated_url):
    """Event ids that users, exports and links hold survive a re-extraction that finds the same events
    (it renumbered every event: 1-17 became 2-32); an event no longer found goes, a new one gets a new id."""
    from dataclasses import replace

    from evex.load import replace_frames

    engine = get_engine(migrated_url)
    alone = processed("a", SENTENCE + " Ailleurs.")
    alone.frames[0] = replace(alone.frames[0], location="Oran", start="2024-01-04", end="2024-01-06")
    alone.frames.append(replace(alone.frames[0], local_id="e2", type="VISIT",
                                mentions=[Mention("tenu", 28, 32, SENTENCE, 0, "tenir")]))
    load_batch(engine, None, [processed("shared"), alone, processed("b", SENTENCE + " Autre source.")])
    before = _event_of_each_report(engine)
    assert len({event_id for event_id, _ in before.values()}) == 3  # a's two events, and the one b and shared share
    with Session(engine) as session:
        ids = dict(session.execute(select(models.Article.doc_id, models.Article.id)).all())
    for doc_id, item in (("a", alone), ("shared", processed("shared")), ("b", processed("b", SENTENCE + " x"))):
        replace_frames(engine, ids[doc_id], item.frames)
    assert _event_of_each_report(engine) == before
    replace_frames(engine, ids["a"], [alone.frames[1]])  # the meeting is no longer found
    assert _event_of_each_report(engine) == {key: value for key, value in before.items() if key != ("a", "e1")}
    replace_frames(engine, ids["a"], alone.frames[::-1])  # found again, after the visit, which keeps its id
    after = _event_of_each_report(engine)
    assert after[("a", "e2")] == before[("a", "e2")] and after[("shared", "e1")] == before[("shared", "e1")]
    assert len({event_id for event_id, _ in after.values()}) == 3
