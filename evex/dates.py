"""Partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as used for article dates and event times."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
# Abbreviations printed in archive date lines (`janv.`, `Sept.`, `Jan`), French and English, folded.
MONTH_ABBREVIATIONS = {
    "janv": 1, "jan": 1, "fevr": 2, "fev": 2, "feb": 2, "mar": 3, "avr": 4, "apr": 4, "jun": 6, "juil": 7,
    "jul": 7, "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = frozenset(
    "lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam dim "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
)


def fold(text: str) -> str:
    """Lowercase without accents: scrapers write `Février`, `fevrier` and `FÉVRIER` alike."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(ch))


# Every month name a date line may use, folded, with its number.
MONTH_NUMBERS = {
    fold(name): number for table in (MONTHS, ENGLISH_MONTHS, MONTH_ABBREVIATIONS) for name, number in table.items()
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
