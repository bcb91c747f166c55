"""Export the event database: the gold files' JSONL (one line per article), or one row per event as
CSV, Parquet or GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, column, select, table
from sqlalchemy.orm import Session, selectinload

import models
from evex.frames import EventFrame


def article_records(engine: Engine) -> Iterator[dict]:
    """One record per stored article, its events in order of first mention, with their codes (CAMEO,
    PLOVER) and their country participants' ISO alpha-3 codes: fields the gold format leaves out and
    the evaluator ignores."""
    with Session(engine) as session:
        codes = _event_codes(session)
        alpha3 = _participant_alpha3(session)
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
                "events": [_event_record(report, codes, alpha3) for report in reports],
            }


def _record(event, participants: list[tuple[str, str, str | None, str | None]], mentions: list[dict],
            **stored) -> dict:
    """One event in the gold format, from a stored report or an extracted frame (same field names);
    participants as (name, kind, title, ISO alpha-3 code)."""
    return {
        "event_id": event.local_id,
        "type": event.type,
        "participants": [{"name": name, "kind": kind, **({"title": title} if title else {}),
                          **({"country_alpha3": country} if country else {})}
                         for name, kind, title, country in participants],
        "location": event.location,
        "start": event.start,
        "end": event.end,
        "status": event.status,
        **stored,
        "mentions": mentions,
    }


def _event_record(report: models.EventReport, codes: dict[int, tuple], alpha3: dict[int, str]) -> dict:
    cameo_code, plover_type, plover_mode = codes.get(report.event_id, (None, None, None))
    return _record(
        report,
        [(p.entity.name, p.entity.kind, p.title, alpha3.get(p.entity_id))
         for p in sorted(report.participants, key=lambda p: p.id)],
        [{"trigger": m.trigger, "sentence": m.sentence, "start": m.start_char, "end": m.end_char}
         for m in sorted(report.mentions, key=lambda m: m.start_char)],
        database_event_id=report.event_id,
        cameo_code=cameo_code, plover_type=plover_type, plover_mode=plover_mode,
    )


def _event_codes(session: Session) -> dict[int, tuple[str, str, str | None]]:
    """(CAMEO code, PLOVER category, PLOVER mode) by event id."""
    codes = models.EventCode
    return {event_id: (cameo, plover, mode) for event_id, cameo, plover, mode in
            session.execute(select(codes.event_id, codes.cameo_code, codes.plover_type, codes.plover_mode))}


def _participant_alpha3(session: Session) -> dict[int, str]:
    """The ISO alpha-3 code of each entity whose place is in a country, by entity id."""
    query = (select(models.EntityPlace.entity_id, models.Country.alpha3)
             .join(models.Place, models.Place.id == models.EntityPlace.place_id)
             .join(models.Country, models.Country.alpha2 == models.Place.country_code))
    return dict(session.execute(query).all())


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
        [(p.name, p.kind, p.title, None) for p in participants],
        [{"trigger": m.trigger, "sentence": m.sentence, "start": m.start, "end": m.end}
         for m in sorted(frame.mentions, key=lambda m: m.start)],
    )


# One row per event, like GDELT's event table: what `event_overview` shows (its articles count,
# participants, place with coordinates, dates, status, first source, and the codes other event data
# speaks: the place's and participants' ISO alpha-3 codes, CAMEO code, PLOVER category and mode).
EVENT_COLUMNS = ("event_id", "type", "start", "end", "location", "status", "participants", "n_articles", "n_sources",
                 "first_reported", "first_source", "place", "country_code", "latitude", "longitude",
                 "place_precision", "country_alpha3", "participant_countries", "cameo_code", "plover_type",
                 "plover_mode")


def event_rows(engine: Engine) -> list[dict]:
    """Every event as a row of `event_overview`, in the order events were stored."""
    overview = table("event_overview", *(column(name) for name in EVENT_COLUMNS))
    with engine.connect() as connection:
        result = connection.execute(select(*overview.columns).order_by(overview.c.event_id))
        return [dict(row._mapping) for row in result]


def write_csv(engine: Engine, out: TextIO) -> int:
    rows = event_rows(engine)
    writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


PARQUET_TYPES = {"event_id": "int64", "n_articles": "int64", "n_sources": "int64", "latitude": "float64",
                 "longitude": "float64"}  # the other columns are strings


def write_parquet(engine: Engine, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = event_rows(engine)
    schema = pa.schema([(column, getattr(pa, PARQUET_TYPES.get(column, "string"))()) for column in EVENT_COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return len(rows)


def event_features(engine: Engine) -> dict:
    """The geocoded events as a GeoJSON FeatureCollection (points; events without a place are left out)."""
    features = [
        {"type": "Feature", "id": row["event_id"],
         "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
         "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")}}
        for row in event_rows(engine) if row["latitude"] is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(engine: Engine, out: TextIO) -> int:
    collection = event_features(engine)
    json.dump(collection, out, ensure_ascii=False)
    out.write("\n")
    return len(collection["features"])
