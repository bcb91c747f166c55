"""Partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as used for article dates and event times."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_iso_date(value: str) -> bool:
    """True for a valid `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also the date part of a timestamp)."""
    match = _ISO.match(value[:10] if len(value) > 10 and value[10] in "T " else value)
    if not match:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def date_range(value: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a partial date: `2023-12` → (2023-12-01, 2023-12-31)."""
    year, month, day = (int(g) if g else None for g in _ISO.match(value).groups())
    if day:
        one = dt.date(year, month, day)
        return one, one
    if month:
        first = dt.date(year, month, 1)
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        return first, next_month - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
