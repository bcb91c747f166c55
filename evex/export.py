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


def _event_record(report: models.EventReport) -> dict:
    return {
        "event_id": report.local_id,
        "type": report.type,
        "participants": [
            {"name": p.entity.name, "kind": p.entity.kind, **({"title": p.title} if p.title else {})}
            for p in sorted(report.participants, key=lambda p: p.id)
        ],
        "location": report.location,
        "start": report.start,
        "end": report.end,
        "status": report.status,
        "database_event_id": report.event_id,
        "mentions": [
            {"trigger": m.trigger, "sentence": m.sentence, "start": m.start_char, "end": m.end_char}
            for m in sorted(report.mentions, key=lambda m: m.start_char)
        ],
    }


def write_jsonl(engine: Engine, out: TextIO) -> int:
    count = 0
    for record in article_records(engine):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def frame_record(frame: EventFrame) -> dict:
    """An extracted event in the export's format before it is stored (one entry per entity, as the
    load keeps them): what the quality benchmark scores without a database."""
    participants = list({(p.name, p.kind): p for p in frame.participants}.values())
    return {
        "event_id": frame.local_id,
        "type": frame.type,
        "participants": [{"name": p.name, "kind": p.kind, **({"title": p.title} if p.title else {})}
                         for p in participants],
        "location": frame.location,
        "start": frame.start,
        "end": frame.end,
        "status": frame.status,
        "mentions": [{"trigger": m.trigger, "sentence": m.sentence, "start": m.start, "end": m.end}
                     for m in sorted(frame.mentions, key=lambda m: m.start)],
    }
