"""Cross-article linking: the rule that says two articles report the same real-world event.

Same type, overlapping dates (both known), and either the same place or shared named
participants. The rule returns its reason in words, stored with the link so it can be audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from evex.dates import date_range


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
    if not new_span or not known_span or new_span[0] > known_span[1] or known_span[0] > new_span[1]:
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


def _fmt(span: tuple[dt.date, dt.date]) -> str:
    return f"{span[0].isoformat()}..{span[1].isoformat()}"
