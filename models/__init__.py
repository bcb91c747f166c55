"""The evex database schema: one set of SQLAlchemy 2.0 models for SQLite and Postgres.

An `Event` is one real-world occurrence; each article that reports it has an `EventReport`
(its own view of dates, place and status) with the `EventMention`s and `EventParticipant`s found
in that article. The same event reported by several articles is one `Event` with several reports.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ISO_DATE = String(10)  # YYYY, YYYY-MM or YYYY-MM-DD: the precision the text allows


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PipelineRun(Base):
    __tablename__ = "pipeline_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")
    sources: Mapped[list] = mapped_column(JSON, default=list)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_skipped: Mapped[int] = mapped_column(Integer, default=0)
    n_failed: Mapped[int] = mapped_column(Integer, default=0)
    n_events: Mapped[int] = mapped_column(Integer, default=0)
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    timings: Mapped[dict] = mapped_column(JSON, default=dict)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    doc_id: Mapped[str] = mapped_column(String(255), index=True)
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    doc_date: Mapped[str | None] = mapped_column(ISO_DATE, index=True)
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str] = mapped_column(String(16), default="utf-8")
    repeated_paragraphs: Mapped[int] = mapped_column(Integer, default=0)
    n_words: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="extracted")  # extracted | failed
    error: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    parse: Mapped[Parse | None] = relationship(back_populates="article", cascade="all, delete-orphan")


class Parse(Base):
    __tablename__ = "parses"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), unique=True)
    format: Mapped[str] = mapped_column(String(16), default="conllu")
    content: Mapped[str] = mapped_column(Text)
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    article: Mapped[Article] = relationship(back_populates="parse")


class IngestError(Base):
    """A file that could not become an article, seen once per (file content, reason)."""

    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Event(Base):
    """One real-world event, possibly reported by several articles."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    start: Mapped[str | None] = mapped_column(ISO_DATE, index=True)
    end: Mapped[str | None] = mapped_column(ISO_DATE)
    first_day: Mapped[dt.date | None] = mapped_column(Date, index=True)  # the span start/end may cover
    last_day: Mapped[dt.date | None] = mapped_column(Date, index=True)
    location: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(16))
    n_articles: Mapped[int] = mapped_column(Integer, default=1)
    n_sources: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    reports: Mapped[list[EventReport]] = relationship(back_populates="event")


class EventReport(Base):
    """One article's account of an event: its own dates, place, status and the rule that linked it."""

    __tablename__ = "event_reports"
    __table_args__ = (UniqueConstraint("article_id", "local_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    local_id: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    start: Mapped[str | None] = mapped_column(ISO_DATE)
    end: Mapped[str | None] = mapped_column(ISO_DATE)
    location: Mapped[str | None] = mapped_column(String(255))
    location_start: Mapped[int | None] = mapped_column(Integer)
    location_end: Mapped[int | None] = mapped_column(Integer)
    time_start: Mapped[int | None] = mapped_column(Integer)
    time_end: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    link_rule: Mapped[str] = mapped_column(Text, default="new event")

    event: Mapped[Event] = relationship(back_populates="reports")
    mentions: Mapped[list[EventMention]] = relationship(back_populates="report", cascade="all, delete-orphan")
    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class EventMention(Base):
    __tablename__ = "event_mentions"
    __table_args__ = (UniqueConstraint("article_id", "start_char", "end_char"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("event_reports.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(255))
    lemma: Mapped[str] = mapped_column(String(255), default="")
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    sentence_index: Mapped[int] = mapped_column(Integer)

    report: Mapped[EventReport] = relationship(back_populates="mentions")


class Entity(Base):
    """A participant by canonical name: a person, an organisation, a country or a place."""

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("name", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(8))


class EventParticipant(Base):
    __tablename__ = "event_participants"
    __table_args__ = (UniqueConstraint("report_id", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("event_reports.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(32))
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    evidence_sentence: Mapped[str | None] = mapped_column(Text)

    report: Mapped[EventReport] = relationship(back_populates="participants")
    entity: Mapped[Entity] = relationship()


class Place(Base):
    """A gazetteer entry an event or a participant was resolved to (evex/geocode.py)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # city:<GeoNames id>, country:<ISO>, region:<name>
    name: Mapped[str] = mapped_column(String(255))
    country_code: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str] = mapped_column(String(8))  # city | region | country


class EventPlace(Base):
    """Where an event happened: the place of the report that gave the event its location."""

    __tablename__ = "event_places"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)


class ReportPlace(Base):
    """Where one article says the event happened, resolved with the countries that article names."""

    __tablename__ = "report_places"

    report_id: Mapped[int] = mapped_column(ForeignKey("event_reports.id", ondelete="CASCADE"), primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)


class EntityPlace(Base):
    """The place a country (or place) participant is."""

    __tablename__ = "entity_places"

    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)


Index("ix_event_reports_event_article", EventReport.event_id, EventReport.article_id)
Index("ix_events_type_first_day", Event.type, Event.first_day)


class Country(Base):
    """The ISO 3166-1 alpha-3 code of a country a place names (places keep the alpha-2 code): the code
    GDELT's actors, ICEWS and POLECAT use (evex/codes.py)."""

    __tablename__ = "countries"

    alpha2: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)


class EventCode(Base):
    """An event's CAMEO code and PLOVER category (evex/codes.py, evex/data/codes.yaml); an event of a type
    no codebook covers (a workshop) has none."""

    __tablename__ = "event_codes"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    cameo_code: Mapped[str] = mapped_column(String(4), index=True)
    plover_type: Mapped[str] = mapped_column(String(16), index=True)
    plover_mode: Mapped[str | None] = mapped_column(String(16))
