"""Load: idempotent upserts of articles, parses and event frames, one transaction per batch.

Articles are keyed by the SHA-256 of their text, mentions by their offsets in that article, so a
batch loaded twice (a retry, an overlapping run) adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import models
from evex.frames import EventFrame
from evex.ingest import Article
from evex.link import EventSummary, day_span, link_reason

LOAD_LOCK = 0x65766578  # "evex": the Postgres advisory lock that serialises loads


@dataclass
class ProcessedArticle:
    """An article with what the parse and extract stages made of it."""

    article: Article
    conllu: str | None = None
    model_versions: dict = field(default_factory=dict)
    frames: list[EventFrame] = field(default_factory=list)
    error: str | None = None  # why parsing or extraction failed


NEW_EVENT = "new event"  # the link rule of a report that created its event


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
    wanted = list(set(hashes))
    found: set[str] = set()
    with Session(engine) as session:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            found.update(session.scalars(select(models.Article.sha256).where(models.Article.sha256.in_(chunk))))
    return found


def start_run(engine: Engine, flow_run_id: str | None, sources: list[str], model_versions: dict) -> int:
    with Session(engine) as session, session.begin():
        run = models.PipelineRun(flow_run_id=flow_run_id, sources=sources, model_versions=model_versions)
        session.add(run)
        session.flush()
        return run.id


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

    Articles, parses and entities go in with one multi-row statement each (per-row round trips
    were most of the load time); only event linking, which depends on the events stored before
    it, runs frame by frame.
    """
    result = LoadResult()
    with Session(engine) as session, session.begin():
        _serialise_writers(session)
        stored = _insert_articles(session, run_id, batch)  # those stored meanwhile by another run are left out
        parsed = [(item, article_id) for item, article_id in stored if not item.error]
        result.n_failed = len(stored) - len(parsed)
        result.n_articles = len(parsed)
        if parsed:
            session.execute(
                insert(models.Parse),
                [{"article_id": article_id, "content": item.conllu, "model_versions": item.model_versions}
                 for item, article_id in parsed],
            )
        entity_ids = _entity_ids(session, {(p.name, p.kind) for item, _ in parsed for f in item.frames
                                           for p in f.participants})
        for item, article_id in parsed:
            for frame in item.frames:
                report = store_frame(session, article_id, item.article, frame, entity_ids)
                result.n_events += 1
                result.events_by_type[frame.type] = result.events_by_type.get(frame.type, 0) + 1
                result.events.append(_report_row(item.article, frame, report))
    return result


def _report_row(article: Article, frame: EventFrame, report: models.EventReport) -> dict:
    return {
        "article": article.title or article.doc_id,
        "event": report.event_id,
        "type": frame.type,
        "trigger": frame.mentions[0].trigger if frame.mentions else "",
        "participants": [p.name for p in frame.participants],
        "location": frame.location or "",
        "start": frame.start or "",
        "end": frame.end or "",
        "status": frame.status,
        "link": report.link_rule,
    }


def _insert_articles(
    session: Session, run_id: int | None, batch: list[ProcessedArticle]
) -> list[tuple[ProcessedArticle, int]]:
    """Insert the batch's articles in one statement; (item, id) for each one this call stored."""
    items = list({item.article.sha256: item for item in reversed(batch)}.values())[::-1]  # first of each text
    if not items:
        return []
    rows = [
        {
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
        }
        for item in items
    ]
    statement = _insert(session, models.Article).on_conflict_do_nothing(index_elements=["sha256"])
    ids = dict(session.execute(statement.returning(models.Article.sha256, models.Article.id), rows).all())
    return [(item, ids[item.article.sha256]) for item in items if item.article.sha256 in ids]


def _entity_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the (name, kind) entities, inserting the new ones in one statement (sorted: no deadlocks)."""
    if not keys:
        return {}
    rows = [{"name": name, "kind": kind} for name, kind in sorted(keys)]
    session.execute(_insert(session, models.Entity).on_conflict_do_nothing(index_elements=["name", "kind"]), rows)
    found = session.execute(
        select(models.Entity.name, models.Entity.kind, models.Entity.id).where(
            models.Entity.name.in_({name for name, _ in keys})
        )
    )
    return {(name, kind): entity_id for name, kind, entity_id in found if (name, kind) in keys}


def store_frame(
    session: Session, article_id: int, article: Article, frame: EventFrame,
    known_entities: dict[tuple[str, str], int] | None = None,
) -> models.EventReport:
    """Store one article's event frame, linked to the event it reports (an existing one or a new one).

    `known_entities` maps (name, kind) to the ids `load_batch` already resolved for the whole batch.
    """
    known = known_entities or {}
    entity_ids = [known.get((p.name, p.kind)) or _entity_id(session, p.name, p.kind) for p in frame.participants]
    event, rule = _find_or_create_event(session, article_id, frame)
    report = models.EventReport(
        event_id=event.id,
        article_id=article_id,
        local_id=frame.local_id,
        type=frame.type,
        start=frame.start,
        end=frame.end,
        location=frame.location,
        location_start=frame.location_evidence.start if frame.location_evidence else None,
        location_end=frame.location_evidence.end if frame.location_evidence else None,
        time_start=frame.time_evidence.start if frame.time_evidence else None,
        time_end=frame.time_evidence.end if frame.time_evidence else None,
        status=frame.status,
        link_rule=rule,
    )
    session.add(report)
    seen_mentions: set[tuple[int, int]] = set()
    for mention in frame.mentions:
        if (mention.start, mention.end) in seen_mentions:
            continue
        seen_mentions.add((mention.start, mention.end))
        report.mentions.append(
            models.EventMention(
                article_id=article_id,
                trigger=mention.trigger,
                lemma=mention.lemma,
                start_char=mention.start,
                end_char=mention.end,
                sentence=mention.sentence,
                sentence_index=mention.sentence_index,
            )
        )
    for participant, entity_id in _unique_by_entity(frame, entity_ids):
        evidence = participant.evidence
        report.participants.append(
            models.EventParticipant(
                entity_id=entity_id,
                title=participant.title,
                role=participant.role,
                evidence_start=evidence.start if evidence else None,
                evidence_end=evidence.end if evidence else None,
                evidence_sentence=evidence.sentence if evidence else None,
            )
        )
    session.flush()
    _refresh_counts(session, event)
    return report


def _unique_by_entity(frame: EventFrame, entity_ids: list[int]):
    seen: set[int] = set()
    for participant, entity_id in zip(frame.participants, entity_ids, strict=True):
        if entity_id not in seen:
            seen.add(entity_id)
            yield participant, entity_id


def _entity_id(session: Session, name: str, kind: str) -> int:
    statement = _insert(session, models.Entity).values(name=name, kind=kind).on_conflict_do_nothing(
        index_elements=["name", "kind"]
    )
    session.execute(statement)
    return session.scalar(select(models.Entity.id).where(models.Entity.name == name, models.Entity.kind == kind))


def _find_or_create_event(session: Session, article_id: int, frame: EventFrame) -> tuple[models.Event, str]:
    """Link to an event another article reported (explainable rule), else create a new one."""
    summary = EventSummary(frame.type, frame.start, frame.end, frame.location, {p.name for p in frame.participants})
    span = day_span(frame.start, frame.end)
    if span:
        for event in _candidates(session, article_id, frame.type, span):
            reason = link_reason(summary, _summary_of(session, event))
            if reason:
                return event, reason
    event = models.Event(
        type=frame.type,
        start=frame.start,
        end=frame.end,
        first_day=span[0] if span else None,
        last_day=span[1] if span else None,
        location=frame.location,
        status=frame.status,
    )
    session.add(event)
    session.flush()
    return event, NEW_EVENT


def _candidates(
    session: Session, article_id: int, event_type: str, span: tuple[dt.date, dt.date]
) -> list[models.Event]:
    """Events of the same type whose days overlap `span`, reported by other articles."""
    reported_here = select(models.EventReport.event_id).where(models.EventReport.article_id == article_id)
    statement = (
        select(models.Event)
        .where(
            models.Event.type == event_type,
            models.Event.first_day <= span[1],
            models.Event.last_day >= span[0],
            models.Event.id.not_in(reported_here),
        )
        .order_by(models.Event.id)
    )
    return list(session.scalars(statement))


def _summary_of(session: Session, event: models.Event) -> EventSummary:
    names = session.scalars(
        select(models.Entity.name)
        .join(models.EventParticipant, models.EventParticipant.entity_id == models.Entity.id)
        .join(models.EventReport, models.EventReport.id == models.EventParticipant.report_id)
        .where(models.EventReport.event_id == event.id)
    )
    return EventSummary(event.type, event.start, event.end, event.location, set(names))


def _refresh_counts(session: Session, event: models.Event) -> None:
    rows = session.execute(
        select(models.Article.id, models.Article.url)
        .join(models.EventReport, models.EventReport.article_id == models.Article.id)
        .where(models.EventReport.event_id == event.id)
        .distinct()
    ).all()
    event.n_articles = len(rows)
    event.n_sources = len({urlparse(url).hostname if url else f"article:{aid}" for aid, url in rows})


def replace_frames(engine: Engine, article_id: int, frames: list[EventFrame]) -> int:
    """Swap an article's event frames for new ones (re-extraction), in one transaction."""
    with Session(engine) as session, session.begin():
        _serialise_writers(session)
        article = session.get(models.Article, article_id)
        old_events = set(
            session.scalars(select(models.EventReport.event_id).where(models.EventReport.article_id == article_id))
        )
        session.execute(models.EventReport.__table__.delete().where(models.EventReport.article_id == article_id))
        for event in session.scalars(select(models.Event).where(models.Event.id.in_(old_events))):
            if session.scalar(select(func.count()).where(models.EventReport.event_id == event.id)):
                _refresh_counts(session, event)
            else:
                session.delete(event)
        session.flush()
        ingested = Article(
            doc_id=article.doc_id, source=article.source, sha256=article.sha256, text=article.text,
            doc_date=article.doc_date, url=article.url,
        )
        for frame in frames:
            store_frame(session, article_id, ingested, frame)
        return len(frames)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table: what a re-run must leave unchanged."""
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in models.Base.metadata.sorted_tables
        }
