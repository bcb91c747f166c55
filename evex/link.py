"""Cross-article linking: the rule that says two articles report the same real-world event.

Same type, overlapping dates (both known), and either the same place or shared named
participants. The rule returns its reason in words, stored with the link so it can be audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlparse

from evex.dates import date_range

NEW_EVENT = "new event"  # the link rule of a report that created its event


@dataclass(frozen=True)
class EventSummary:
    type: str
    start: str | None
    end: str | None
    location: str | None
    participants: frozenset[str] | set[str]


def day_span(start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day an event may cover, from its partial ISO dates."""
    if not start:
        return None
    first, last = date_range(start)
    if end:
        last = max(last, date_range(end)[1])
    return first, last


def link_reason(new: EventSummary, known: EventSummary) -> str | None:
    """Why `new` is the same event as `known`, or None when it is not."""
    if new.type != known.type:
        return None
    new_span, known_span = day_span(new.start, new.end), day_span(known.start, known.end)
    if not new_span or not _overlap(new_span, known_span):
        return None
    if new.location and known.location and new.location != known.location:
        return None
    shared = sorted(new.participants & known.participants)
    same_place = bool(new.location) and new.location == known.location
    if len(shared) < (1 if same_place else 2):
        return None
    parts = [f"same type {new.type}", f"dates overlap ({_fmt(new_span)} ~ {_fmt(known_span)})"]
    if same_place:
        parts.append(f"same place {new.location}")
    if shared:
        parts.append("shared participants: " + ", ".join(shared))
    return "; ".join(parts)


def _overlap(first: tuple[dt.date, dt.date], second: tuple[dt.date, dt.date] | None) -> bool:
    return second is not None and first[0] <= second[1] and second[0] <= first[1]


def _fmt(span: tuple[dt.date, dt.date]) -> str:
    return f"{span[0].isoformat()}..{span[1].isoformat()}"


@dataclass(eq=False)  # each object is one event, whatever its fields
class KnownEvent:
    """An event a load may link to: stored before the load (`id` set) or created by it (`id` None until stored).

    `participants` are the names of every report's participants so far, as the rule compares them;
    `reporters` the URL (or None) of each article that reports it, by article id: they give its counts.
    """

    type: str
    start: str | None
    end: str | None
    location: str | None
    status: str
    participants: set[str] = field(default_factory=set)
    reporters: dict[int, str | None] = field(default_factory=dict)
    id: int | None = None

    @cached_property  # read for every frame a load tries against the event; its dates never change
    def span(self) -> tuple[dt.date, dt.date] | None:
        return day_span(self.start, self.end)

    @property
    def n_sources(self) -> int:
        """Distinct sites among the reporting articles; an article without a URL counts as its own source."""
        return len({urlparse(url).hostname if url else f"article:{aid}" for aid, url in self.reporters.items()})

    def summary(self) -> EventSummary:
        return EventSummary(self.type, self.start, self.end, self.location, self.participants)

    def reported_by(self, article_id: int, url: str | None, participants: set[str]) -> None:
        self.reporters[article_id] = url
        self.participants |= participants


class EventIndex:
    """The events a load links to, per type in the order the rule tries them (oldest first), grown as
    the load creates events, so that frame after frame links exactly as if each were stored alone."""

    def __init__(self, stored: list[KnownEvent]) -> None:
        self._by_type: dict[str, list[KnownEvent]] = {}
        self.created: list[KnownEvent] = []
        for event in stored:
            self._by_type.setdefault(event.type, []).append(event)

    def link(self, article_id: int, url: str | None, new: EventSummary, status: str) -> tuple[KnownEvent, str]:
        """The event `new` reports and why: the first known one the rule accepts, else a new one.

        An article never links to an event it already reports (two of its own frames stay apart).
        """
        span = day_span(new.start, new.end)
        for known in self._by_type.get(new.type, []) if span else []:
            if article_id in known.reporters or not _overlap(span, known.span):
                continue  # the rule would refuse days that do not overlap: not asked, it parses the dates again
            reason = link_reason(new, known.summary())
            if reason:
                known.reported_by(article_id, url, set(new.participants))
                return known, reason
        event = KnownEvent(new.type, new.start, new.end, new.location, status)
        event.reported_by(article_id, url, set(new.participants))
        self.created.append(event)
        if span:
            self._by_type.setdefault(new.type, []).append(event)
        return event, NEW_EVENT
