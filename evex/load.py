"""Load: idempotent upserts of articles, parses and event frames, one transaction per batch.

Articles are keyed by the SHA-256 of their text, mentions by their offsets in that article, so a
batch loaded twice (a retry, an overlapping run) adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Dialect, Engine, Row, bindparam, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import models
from evex.db import among, in_lists, inserting, run_together
from evex.frames import EventFrame
from evex.ingest import Article
from evex.link import NEW_EVENT, EventIndex, EventSummary, KnownEvent, day_span

LOAD_LOCK = 0x65766578  # "evex": the Postgres advisory lock that serialises loads
# Core tables, not ORM classes: the ORM's bulk path sent rows one by one, and its columns build
# expressions several times slower
ARTICLES, EVENTS, REPORTS = models.Article.__table__, models.Event.__table__, models.EventReport.__table__
ENTITIES, PARTICIPANTS = models.Entity.__table__, models.EventParticipant.__table__
PARSES = models.Parse.__table__
LINKED_COLUMNS = (EVENTS.c.id, EVENTS.c.type, EVENTS.c.start, EVENTS.c.end, EVENTS.c.location, EVENTS.c.status)
# Postgres: the next :count values of the sequence that gives :table its ids. The sequence is looked up
# once per statement (a materialized CTE): in the select list it was looked up for every id, most of the
# statement's time, and looked up apart it cost a round trip
NEXT_IDS = text("WITH found AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS seq)"
                " SELECT nextval(found.seq) FROM found CROSS JOIN generate_series(1, :count)")
# The stored events whose days overlap one of the spans [type, first day, last day] of a JSON list;
# SQLite stores dates as ISO text, Postgres as dates
LINKABLE_SQLITE = text(
    'SELECT DISTINCT events.id, events.type, events.start, events."end", events.location, events.status'
    " FROM json_each(:spans) AS span JOIN events ON events.type = span.value ->> 0"
    " AND events.first_day <= (span.value ->> 2) AND events.last_day >= (span.value ->> 1) ORDER BY events.id"
)
LINKABLE_POSTGRES = text(
    'SELECT DISTINCT events.id, events.type, events.start, events."end", events.location, events.status'
    " FROM jsonb_array_elements(CAST(:spans AS jsonb)) AS span JOIN events ON events.type = span.value ->> 0"
    " AND events.first_day <= date(span.value ->> 2) AND events.last_day >= date(span.value ->> 1) ORDER BY events.id"
)


@dataclass
class ProcessedArticle:
    """An article with what the parse and extract stages made of it."""

    article: Article
    conllu: str | None = None
    model_versions: dict = field(default_factory=dict)
    frames: list[EventFrame] = field(default_factory=list)
    error: str | None = None  # why parsing or extraction failed


@dataclass
class LoadResult:
    n_articles: int = 0
    n_failed: int = 0
    n_events: int = 0
    events_by_type: dict[str, int] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)  # one row per stored report, for the run's summary


def _insert(session: Session, table):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _serialise_writers(session: Session) -> None:
    """Take the database's write lock before reading what the writes depend on.

    Event linking reads the events stored so far, then writes: two loads side by side (two runs
    on one inbox) could each miss the other's new event and store one real event twice. Postgres:
    a transaction-scoped advisory lock, released at commit or rollback (or when the process dies).
    SQLite: BEGIN IMMEDIATE takes its single write lock at once, so the reads happen under it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOAD_LOCK)))
    else:
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def known_hashes(engine: Engine, hashes: Iterable[str]) -> set[str]:
    """The article hashes already stored: those articles are skipped, never parsed again."""
    with Session(engine) as session:
        return _stored_hashes(session, hashes)


def _stored_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in in_lists(hashes):
        found.update(session.scalars(_hashes_query(session, chunk)))
    return found


def start_run(engine: Engine, flow_run_id: str | None, sources: list[str], model_versions: dict) -> int:
    """The run's row, its other columns at their defaults. A Core insert: the ORM's first use configures
    every mapper, which an unchanged drop's re-run otherwise never needs."""
    runs = models.PipelineRun.__table__
    with engine.begin() as connection:
        return connection.execute(insert(runs).values(flow_run_id=flow_run_id, sources=sources,
                                                      model_versions=model_versions).returning(runs.c.id)).scalar_one()


def finish_run(
    engine: Engine, run_id: int, *, status: str, counts: dict[str, int], timings: dict, model_versions: dict
) -> None:
    with Session(engine) as session, session.begin():
        run = session.get(models.PipelineRun, run_id)
        run.status = status
        run.finished_at = dt.datetime.now(dt.UTC)
        run.n_new, run.n_skipped = counts.get("new", 0), counts.get("skipped", 0)
        run.n_failed, run.n_events = counts.get("failed", 0), counts.get("events", 0)
        run.timings = timings
        run.model_versions = model_versions


def delete_run(engine: Engine, run_id: int) -> None:
    """A run that changed nothing leaves no row: re-running an unchanged drop changes no table."""
    with Session(engine) as session, session.begin():
        session.execute(models.PipelineRun.__table__.delete().where(models.PipelineRun.id == run_id))


def record_ingest_errors(engine: Engine, run_id: int | None, errors: list[tuple[str, str, str]]) -> int:
    """Store (source, reason, content fingerprint) once each; returns how many were new."""
    if not errors:
        return 0
    with Session(engine) as session, session.begin():
        rows = [
            {
                "fingerprint": hashlib.sha256(f"{source}\0{reason}\0{content}".encode()).hexdigest(),
                "source": source,
                "reason": reason,
                "run_id": run_id,
            }
            for source, reason, content in errors
        ]
        statement = _insert(session, models.IngestError).on_conflict_do_nothing(index_elements=["fingerprint"])
        result = session.execute(statement.returning(models.IngestError.id), rows)
        return len(result.all())


def load_batch(engine: Engine, run_id: int | None, batch: list[ProcessedArticle]) -> LoadResult:
    """Store a batch in one transaction, one load at a time: all of it or, on error, none of it.

    Every table gets one statement per batch (per-row round trips were most of the load time): rows
    take their ids beforehand (`_new_ids`) and go in by executemany, or COPY on Postgres; event
    linking reads the events it may link to in one query (`_store_frames`); places are linked from
    what the batch holds, not read back; the codes of the events the batch reports are computed from
    what is stored then (`link_codes`: a linked event's participants include earlier articles').
    On Postgres the statements that need no answer in between share one round trip (`run_together`,
    psycopg's pipeline mode): about a dozen round trips a batch instead of thirty-odd, each of which,
    on a busy machine, cost more than its statement.
    """
    from evex.codes import link_codes  # here, as in `replace_frames`: see `_store_frames`
    from evex.geocode import PlacedReport, store_places

    result = LoadResult()
    with Session(engine) as session, session.begin():
        stored = _insert_articles(session, run_id, batch)  # those stored meanwhile by another run are left out
        parsed = [(item, article_id) for item, article_id in stored if not item.error]
        result.n_failed = len(stored) - len(parsed)
        result.n_articles = len(parsed)
        reported = [(article_id, item.article, frame) for item, article_id in parsed for frame in item.frames]
        stored_frames = _store_frames(session, reported)
        placed = []
        for (_, article, frame), (report_id, event_id, rule) in zip(reported, stored_frames.reports, strict=True):
            result.n_events += 1
            result.events_by_type[frame.type] = result.events_by_type.get(frame.type, 0) + 1
            result.events.append(_report_row(article, frame, event_id, rule))
            placed.append(PlacedReport(report_id, event_id, frame.location, article.text))
        links = store_places(session.connection(), placed, stored_frames.places, stored_frames.new_events,
                             new_reports=True, link=False)
        link_codes(session.connection(), {event_id for _, event_id, _ in stored_frames.reports}, first=links)
    return result


def _report_row(article: Article, frame: EventFrame, event_id: int, link_rule: str) -> dict:
    return {
        "article": article.title or article.doc_id,
        "event": event_id,
        "type": frame.type,
        "trigger": frame.mentions[0].trigger if frame.mentions else "",
        "participants": [p.name for p in frame.participants],
        "location": frame.location or "",
        "start": frame.start or "",
        "end": frame.end or "",
        "status": frame.status,
        "link": link_rule,
    }


def _insert_articles(
    session: Session, run_id: int | None, batch: list[ProcessedArticle]
) -> list[tuple[ProcessedArticle, int]]:
    """Take the write lock (`_serialise_writers`), then insert the batch's new articles and their parses;
    (item, id) for each article this call stored.

    Those stored already (by an earlier or an overlapping run) are read first, under the lock, so none
    can be stored between that read and the insert. On Postgres the lock, that read and the ids (one
    per article of the batch: those of articles found stored are left unused, as a rollback leaves
    sequence values) go in one round trip, and the articles and parses in one more.
    """
    items = list({item.article.sha256: item for item in reversed(batch)}.values())[::-1]  # first of each text
    hashes = [item.article.sha256 for item in items]
    if session.get_bind().dialect.name == "postgresql":
        found = run_together(session.connection(), [
            (select(func.pg_advisory_xact_lock(LOAD_LOCK)), None),
            *((_hashes_query(session, chunk), None) for chunk in in_lists(hashes)),
            (NEXT_IDS, {"table": ARTICLES.name, "count": len(items)}),
        ])
        stored = {sha256 for rows in found[1:-1] for sha256, in rows}
        ids = sorted(article_id for article_id, in found[-1])
        items = [item for item in items if item.article.sha256 not in stored]
    else:
        _serialise_writers(session)
        stored = _stored_hashes(session, hashes)
        items = [item for item in items if item.article.sha256 not in stored]
        ids = _new_ids(session, ARTICLES, len(items))
    now = dt.datetime.now(dt.UTC)
    pairs = list(zip(items, ids, strict=False))  # Postgres: ids of the stored ones left over
    insert_rows_together(session, [
        (ARTICLES, [article_row(article_id, item, run_id, now) for item, article_id in pairs]),
        (PARSES, [parse_row(article_id, item, now) for item, article_id in pairs if not item.error]),
    ])
    return pairs


def _hashes_query(session: Session, hashes: list[str]):
    return select(ARTICLES.c.sha256).where(among(ARTICLES.c.sha256, hashes, session.get_bind().dialect))


def article_row(article_id: int, item: ProcessedArticle, run_id: int | None, now: dt.datetime) -> dict:
    """The `articles` row of an item, every column given (`insert_rows` applies no defaults)."""
    return {
        "id": article_id,
        "sha256": item.article.sha256,
        "doc_id": item.article.doc_id,
        "source": item.article.source,
        "title": item.article.title,
        "url": item.article.url,
        "doc_date": item.article.doc_date,
        "text": item.article.text,
        "encoding": item.article.encoding,
        "repeated_paragraphs": item.article.repeated_paragraphs,
        "n_words": item.article.n_words,
        "status": "failed" if item.error else "extracted",
        "error": item.error,
        "run_id": run_id,
        "created_at": now,
    }


def parse_row(article_id: int, item: ProcessedArticle, now: dt.datetime) -> dict:
    return {"article_id": article_id, "format": "conllu", "content": item.conllu,
            "model_versions": item.model_versions, "created_at": now}


def _entity_statements(session: Session, keys: set[tuple[str, str]]) -> list:
    """Insert the new (name, kind) entities in one statement (sorted: no deadlocks), then read all their ids
    (`_entity_ids`)."""
    if not keys:
        return []
    rows = [{"name": name, "kind": kind} for name, kind in sorted(keys)]
    return [inserting(session.get_bind().dialect, ENTITIES, rows, conflict=("name", "kind")),
            (select(ENTITIES.c.name, ENTITIES.c.kind, ENTITIES.c.id)
             .where(among(ENTITIES.c.name, {name for name, _ in keys}, session.get_bind().dialect)), None)]


def _entity_ids(found: list, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the (name, kind) entities, from what `_entity_statements` read."""
    return {(name, kind): entity_id for name, kind, entity_id in found if (name, kind) in keys}


@dataclass
class StoredFrames:
    """What `_store_frames` wrote that the load's place linking needs, so it reads nothing back."""

    reports: list[tuple[int, int, str]] = field(default_factory=list)  # (report, event, link rule) per frame
    new_events: dict[int, str | None] = field(default_factory=dict)  # the events created: their locations
    places: dict[int, str] = field(default_factory=dict)  # the country and place entities: names by id


def _store_frames(session: Session, reported: list[tuple[int, Article, EventFrame]],
                  former_events: FormerEvents | None = None) -> StoredFrames:
    """Store each (article id, article, frame) linked to the event it reports.

    Set-based: one query reads the stored events the batch's frames may link to and one their
    participants and articles; the rule then runs in memory, frame after frame in batch order, on
    those events and the ones the batch creates (`EventIndex`), so links are the same as storing
    one frame at a time. Then one statement per table writes events, reports, mentions and
    participants, and one updates the counts of the stored events the batch reported again.
    A new event that is one of `former_events` (re-extraction) takes its id back.

    The geocoder and the codes are imported by the load that needs them, not with this module: they bring
    the whole extractor (its rules and lexicons), which an unchanged drop's re-run never uses.
    """
    from evex.geocode import PLACE_KINDS

    if not reported:
        return StoredFrames()
    keys = {(p.name, p.kind) for _, _, frame in reported for p in frame.participants}
    entities = _entity_statements(session, keys)
    linkable = _linkable_statement(session, [frame for _, _, frame in reported])
    found = run_together(session.connection(), [*entities, *([linkable] if linkable else [])])
    entity_ids = _entity_ids(found[1], keys) if entities else {}
    index = EventIndex(_known_events(session, found[-1]) if linkable else [])
    links = [
        index.link(article_id, article.url, EventSummary(frame.type, frame.start, frame.end, frame.location,
                                                          {p.name for p in frame.participants}), frame.status)
        for article_id, article, frame in reported
    ]
    reported_again = {id(event): event for event, _ in links if event.id is not None}  # stored before
    if former_events:
        former_events.give_back_ids([frame for _, _, frame in reported], links)
    event_ids, report_ids = _new_ids_together(session, [(EVENTS, len(index.created)), (REPORTS, len(reported))])
    events = _event_rows(index.created, event_ids)
    _update_counts(session, reported_again.values())
    reports = [
        {"id": report_id, **_report_values(article_id, frame, event.id, rule)}
        for report_id, (article_id, _, frame), (event, rule) in zip(report_ids, reported, links, strict=True)
    ]
    mentions, participants = [], []
    for report_id, (article_id, _, frame) in zip(report_ids, reported, strict=True):
        mentions += _mention_rows(report_id, article_id, frame)
        participants += _participant_rows(report_id, frame, entity_ids)
    insert_rows(session, EVENTS, events, copy=False)
    insert_rows(session, REPORTS, reports)  # COPY on Postgres: a pipeline of executemany took longer
    insert_rows(session, models.EventMention.__table__, mentions)
    insert_rows(session, PARTICIPANTS, participants)
    return StoredFrames(
        [(report_id, event.id, rule) for report_id, (event, rule) in zip(report_ids, links, strict=True)],
        {event.id: event.location for event in index.created},
        {entity_id: name for (name, kind), entity_id in entity_ids.items() if kind in PLACE_KINDS},
    )


def _linkable_statement(session: Session, frames: list[EventFrame]) -> tuple | None:
    """The read of the stored events of the frames' types whose days overlap a frame's, oldest first (None
    where no frame has days); `_known_events` then adds what linking and counting need.

    The spans go in as one JSON parameter, so the statement's text is the same for every batch: built
    from one condition per span, it was compiled again each time (most of this read on Postgres).
    """
    spans_by_type: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for frame in frames:
        span = day_span(frame.start, frame.end)
        if span:
            spans_by_type.setdefault(frame.type, []).append(span)
    spans = [[event_type, first.isoformat(), last.isoformat()]
             for event_type, type_spans in spans_by_type.items() for first, last in _merged(type_spans)]
    if not spans:
        return None
    linkable = LINKABLE_POSTGRES if session.get_bind().dialect.name == "postgresql" else LINKABLE_SQLITE
    return linkable, {"spans": json.dumps(spans)}


def _reported_events(session: Session, event_ids: list[int]) -> list[KnownEvent]:
    """Those of the stored events `event_ids` that an article still reports."""
    found: list[Row] = []
    for chunk in in_lists(event_ids):
        found += session.execute(select(*LINKED_COLUMNS).where(among(EVENTS.c.id, chunk, session.get_bind().dialect)))
    return [event for event in _known_events(session, found) if event.reporters]


def _known_events(session: Session, rows: list) -> list[KnownEvent]:
    """Stored events as linking sees them, from rows of (id, type, start, end, location, status): with their
    participants' names and their reporting articles (read in one round trip: `run_together`)."""
    events = {row[0]: KnownEvent(*row[1:], id=row[0]) for row in rows}
    dialect = session.get_bind().dialect
    reads = []
    for chunk in in_lists(events):
        reads.append((select(REPORTS.c.event_id, ENTITIES.c.name)
                      .join(PARTICIPANTS, PARTICIPANTS.c.report_id == REPORTS.c.id)
                      .join(ENTITIES, ENTITIES.c.id == PARTICIPANTS.c.entity_id)
                      .where(among(REPORTS.c.event_id, chunk, dialect)), None))
        reads.append((select(REPORTS.c.event_id, ARTICLES.c.id, ARTICLES.c.url)
                      .join(ARTICLES, ARTICLES.c.id == REPORTS.c.article_id)
                      .where(among(REPORTS.c.event_id, chunk, dialect)), None))
    found = run_together(session.connection(), reads) if reads else []
    for names, reporters in zip(found[::2], found[1::2], strict=True):
        for event_id, name in names:
            events[event_id].participants.add(name)
        for event_id, article_id, url in reporters:
            events[event_id].reporters[article_id] = url
    return list(events.values())


def _merged(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The union of day spans as disjoint spans: an event overlaps one of them iff it overlaps a span."""
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _event_rows(created: list[KnownEvent], ids: list[int]) -> list[dict]:
    """The rows of the batch's new events in creation order (so ids keep the order linking tries them), with
    the `ids` taken for them (`_new_ids`, one per event); an event given back its former id keeps it."""
    rows = []
    now = dt.datetime.now(dt.UTC)
    for event in created:
        span = event.span
        rows.append({
            "type": event.type, "start": event.start, "end": event.end, "location": event.location,
            "status": event.status, "first_day": span[0] if span else None, "last_day": span[1] if span else None,
            "n_articles": len(event.reporters), "n_sources": event.n_sources, "created_at": now,
        })
    given_back = {event.id for event in created if event.id is not None}  # SQLite's next rowids may be among them
    new_ids = iter([i for i in ids if i not in given_back])
    for event, row in zip(created, rows, strict=True):
        event.id = row["id"] = event.id if event.id is not None else next(new_ids)
    return rows


def insert_rows(session: Session, table, rows: list[dict], *, copy: bool = True) -> None:
    """Rows that give a value to each column but maybe the id, handed to the driver as they are: on
    Postgres by COPY (one round trip, and the server's cheapest way in), elsewhere, or without `copy`,
    in one executemany. Column defaults are not applied.

    Through the driver, not SQLAlchemy: its per-row parameter handling cost more than the insert.
    `copy=False` is for large texts (articles, parses), which psycopg's COPY escapes more slowly
    than it binds them, and for events, a few rows a batch.
    """
    if not rows:
        return
    connection = session.connection()
    columns = tuple(rows[0])
    if connection.dialect.name == "postgresql" and copy:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name),
                                                                sql.SQL(", ").join(map(sql.Identifier, columns)))
        with connection.connection.cursor() as cursor, cursor.copy(statement) as stream:
            for row in rows:
                stream.write_row([row[column] for column in columns])
        return
    insert_rows_together(session, [(table, rows)])


def insert_rows_together(session: Session, tables: list[tuple[object, list[dict]]]) -> None:
    """`insert_rows(..., copy=False)` of several tables, in this order: one executemany each, all of them
    in one round trip on Postgres (one pipeline)."""
    connection = session.connection()
    batches = []
    for table, rows in tables:
        if not rows:
            continue
        columns = tuple(rows[0])
        statement, processors = _driver_insert(connection.dialect, table, columns)
        values = [[row[column] for column in columns] for row in rows]
        for i, process in processors:
            for row in values:
                row[i] = process(row[i])
        batches.append((statement, values))
    if not batches:
        return
    with closing(connection.connection.cursor()) as cursor:  # sqlite3's cursor is no context manager
        if connection.dialect.name == "postgresql":
            with connection.connection.driver_connection.pipeline():
                for statement, values in batches:
                    cursor.executemany(statement, values)
        else:
            for statement, values in batches:
                cursor.executemany(statement, values)


@cache
def _driver_insert(dialect: Dialect, table, columns: tuple[str, ...]) -> tuple[str, list[tuple[int, Callable]]]:
    """The INSERT of these columns in the driver's own parameter style, and the columns whose values
    the driver cannot take as they are (dates and JSON on SQLite, JSON on Postgres) with what
    SQLAlchemy would make of them."""
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                 f"VALUES ({', '.join([marker] * len(columns))})")
    processors = [(i, table.c[column].type.dialect_impl(dialect).bind_processor(dialect))
                  for i, column in enumerate(columns)]
    return statement, [(i, process) for i, process in processors if process]


def _new_ids(session: Session, table, count: int) -> list[int]:
    """The ids the next `count` rows of `table` get, taken before inserting them with their ids.

    Inserted with their ids, a batch's rows go in one executemany, where RETURNING them in order
    cost SQLite one statement per row. Postgres: the values of the table's sequence, as inserting
    would take them. SQLite: the next rowids after the largest, as SQLite would choose them; the
    write lock (`_serialise_writers`) keeps any other writer from taking them meanwhile.
    """
    if not count:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return sorted(session.scalars(NEXT_IDS, {"table": table.name, "count": count}))
    largest = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(largest + 1, largest + 1 + count))


def _new_ids_together(session: Session, counts: list[tuple[object, int]]) -> list[list[int]]:
    """`_new_ids` of several tables; on Postgres in one round trip."""
    if session.get_bind().dialect.name != "postgresql":
        return [_new_ids(session, table, count) for table, count in counts]
    found = run_together(session.connection(), [(NEXT_IDS, {"table": table.name, "count": count})
                                                for table, count in counts])
    return [sorted(new_id for new_id, in rows) for rows in found]


def _update_counts(session: Session, events: Iterable[KnownEvent]) -> None:
    """n_articles and n_sources of stored events from their reporters, in one statement."""
    rows = [{"event_id": event.id, "articles": len(event.reporters), "sources": event.n_sources} for event in events]
    if rows:
        session.execute(
            update(EVENTS).where(EVENTS.c.id == bindparam("event_id"))
            .values(n_articles=bindparam("articles"), n_sources=bindparam("sources")),
            rows,
        )


def _report_values(article_id: int, frame: EventFrame, event_id: int, link_rule: str) -> dict:
    location, time = frame.location_evidence, frame.time_evidence
    return {
        "event_id": event_id, "article_id": article_id, "local_id": frame.local_id, "type": frame.type,
        "start": frame.start, "end": frame.end, "location": frame.location,
        "location_start": location.start if location else None, "location_end": location.end if location else None,
        "time_start": time.start if time else None, "time_end": time.end if time else None,
        "status": frame.status, "link_rule": link_rule,
    }


def _mention_rows(report_id: int, article_id: int, frame: EventFrame) -> list[dict]:
    """The frame's mentions, each place in the text once."""
    rows: dict[tuple[int, int], dict] = {}
    for mention in frame.mentions:
        rows.setdefault((mention.start, mention.end), {
            "report_id": report_id, "article_id": article_id, "trigger": mention.trigger, "lemma": mention.lemma,
            "start_char": mention.start, "end_char": mention.end, "sentence": mention.sentence,
            "sentence_index": mention.sentence_index,
        })
    return list(rows.values())


def _participant_rows(report_id: int, frame: EventFrame, entity_ids: dict[tuple[str, str], int]) -> list[dict]:
    """The frame's participants, each entity once (its first mention's title, role and evidence)."""
    rows: dict[int, dict] = {}
    for participant in frame.participants:
        entity_id = entity_ids[(participant.name, participant.kind)]
        evidence = participant.evidence
        rows.setdefault(entity_id, {
            "report_id": report_id, "entity_id": entity_id, "title": participant.title, "role": participant.role,
            "evidence_start": evidence.start if evidence else None, "evidence_end": evidence.end if evidence else None,
            "evidence_sentence": evidence.sentence if evidence else None,
        })
    return list(rows.values())


@dataclass
class FormerEvents:
    """The events only one article reported, as re-extraction removes them: the same event found again
    (same type, from the same trigger, else the next of its type in the article's order) takes its id
    back, so ids that users, exports and links hold survive a re-extraction that finds the same events."""

    by_trigger: dict[tuple[str, int | None], int] = field(default_factory=dict)  # (type, trigger start) → id
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type → ids, in the article's order

    def give_back_ids(self, frames: list[EventFrame], links: list[tuple[KnownEvent, str]]) -> None:
        created = [(frame, event) for frame, (event, rule) in zip(frames, links, strict=True) if rule == NEW_EVENT]
        taken: set[int] = set()
        for frame, event in created:
            event_id = self.by_trigger.get((frame.type, _trigger_start(frame)))
            if event_id is not None and event_id not in taken:
                event.id = event_id
                taken.add(event_id)
        for frame, event in created:
            if event.id is None:
                free = [i for i in self.by_type.get(frame.type, []) if i not in taken]
                if free:
                    event.id = free[0]
                    taken.add(free[0])


def _trigger_start(frame: EventFrame) -> int | None:
    return min((m.start for m in frame.mentions), default=None)


def _article_reports(session: Session, article_id: int) -> list[Row]:
    """(event id, type, trigger start) of each of an article's reports, in the order they were stored."""
    return session.execute(
        select(REPORTS.c.event_id, REPORTS.c.type, func.min(models.EventMention.start_char))
        .outerjoin(models.EventMention, models.EventMention.report_id == REPORTS.c.id)
        .where(REPORTS.c.article_id == article_id)
        .group_by(REPORTS.c.id, REPORTS.c.event_id, REPORTS.c.type)
        .order_by(REPORTS.c.id)
    ).all()


def _former_events(reports: list[Row], event_ids: set[int]) -> FormerEvents:
    former = FormerEvents()
    for event_id, event_type, trigger_start in reports:
        if event_id in event_ids:
            former.by_trigger.setdefault((event_type, trigger_start), event_id)
            if event_id not in former.by_type.setdefault(event_type, []):
                former.by_type[event_type].append(event_id)
    return former


def replace_frames(engine: Engine, article_id: int, frames: list[EventFrame]) -> int:
    """Swap an article's event frames for new ones (re-extraction), in one transaction; an event found
    again keeps its id."""
    from evex.codes import link_codes
    from evex.geocode import link_places

    with Session(engine) as session, session.begin():
        _serialise_writers(session)
        article = session.get(models.Article, article_id)
        old_reports = _article_reports(session, article_id)
        old_events = list(dict.fromkeys(event_id for event_id, _, _ in old_reports))
        session.execute(models.EventReport.__table__.delete().where(models.EventReport.article_id == article_id))
        still_reported = _reported_events(session, old_events)
        _update_counts(session, still_reported)
        gone = set(old_events) - {event.id for event in still_reported}
        if gone:
            session.execute(models.Event.__table__.delete().where(models.Event.id.in_(gone)))
        ingested = Article(
            doc_id=article.doc_id, source=article.source, sha256=article.sha256, text=article.text,
            doc_date=article.doc_date, url=article.url,
        )
        stored = _store_frames(session, [(article_id, ingested, frame) for frame in frames],
                               _former_events(old_reports, gone))
        link_places(session.connection(), [article_id])
        link_codes(session.connection(), {event.id for event in still_reported}
                   | {event_id for _, event_id, _ in stored.reports})
        return len(frames)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table: what a re-run must leave unchanged."""
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in models.Base.metadata.sorted_tables
        }
