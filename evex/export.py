"""Export the event database in the JSONL format of the gold files (one line per article)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

import models
from evex.frames import EventFrame


def article_records(engine: Engine) -> Iterator[dict]:
    """One record per stored article, its events in order of first mention."""
    with Session(engine) as session:
        articles = session.scalars(
            select(models.Article).where(models.Article.status == "extracted").order_by(models.Article.doc_id, models.Article.id)
        )
        for article in articles:
            reports = session.scalars(
                select(models.EventReport)
                .where(models.EventReport.article_id == article.id)
                .options(
                    selectinload(models.EventReport.mentions),
                    selectinload(models.EventReport.participants).selectinload(models.EventParticipant.entity),
                )
                .order_by(models.EventReport.id)
            )
            yield {
                "doc_id": article.doc_id,
                "source": article.source,
                "doc_date": article.doc_date,
                "events": [_event_record(report) for report in reports],
            }


def _record(event, participants: list[tuple[str, str, str | None]], mentions: list[dict], **stored) -> dict:
    """One event in the gold format, from a stored report or an extracted frame (same field names)."""
    return {
        "event_id": event.local_id,
        "type": event.type,
        "participants": [{"name": name, "kind": kind, **({"title": title} if title else {})}
                         for name, kind, title in participants],
        "location": event.location,
        "start": event.start,
        "end": event.end,
        "status": event.status,
        **stored,
        "mentions": mentions,
    }


def _event_record(report: models.EventReport) -> dict:
    return _record(
        report,
        [(p.entity.name, p.entity.kind, p.title) for p in sorted(report.participants, key=lambda p: p.id)],
        [{"trigger": m.trigger, "sentence": m.sentence, "start": m.start_char, "end": m.end_char}
         for m in sorted(report.mentions, key=lambda m: m.start_char)],
        database_event_id=report.event_id,
    )


def write_jsonl(engine: Engine, out: TextIO) -> int:
    count = 0
    for record in article_records(engine):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def frame_record(frame: EventFrame) -> dict:
    """An extracted event in the export's format before it is stored (one entry per entity, as the
    load keeps them): what the quality benchmark scores without a database."""
    participants = {(p.name, p.kind): p for p in frame.participants}.values()
    return _record(
        frame,
        [(p.name, p.kind, p.title) for p in participants],
        [{"trigger": m.trigger, "sentence": m.sentence, "start": m.start, "end": m.end}
         for m in sorted(frame.mentions, key=lambda m: m.start)],
    )
