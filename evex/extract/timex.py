"""French temporal expressions: find them in a sentence and normalise them to partial ISO dates.

Values are ISO strings at the precision the text allows (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`). Relative
expressions (`jeudi`, `hier`, `le 7 mars dernier`, `en janvier`) are resolved against the article's date
and, where the words leave a choice, the tense of the clause. The vocabulary lives in data/timex.yaml.

Matching runs on a folded copy of the text (lower case, no accents, `’` → `'`) with a map back to the
original offsets, so scraped text without accents matches and offsets stay those of the text passed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from evex.extract.resources import fold_with_offsets, load

_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+(?:'[^\W\d_]*)?)")
# How many years a `dernier`/`prochain` search may move: enough to reach the next 29 February.
_SEARCH_YEARS = 9


@dataclass(frozen=True)
class TimeExpression:
    start: int  # char offset of the expression in the text passed in
    end: int
    text: str  # the matched surface text
    value_start: str | None  # ISO, resolved
    value_end: str | None  # ISO; equal to value_start for a single day; None when unknown
    relative: bool  # True when resolution needed doc_date or tense


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day; comparable through the days it covers."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        dt.date(self.year, self.month or 1, self.day or 1)  # raises ValueError when out of the calendar

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        if self.day is not None:
            return self.first
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


def parse_iso(value: str) -> PartialDate:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` (or a timestamp's date part) as a PartialDate; ValueError otherwise."""
    if len(value) > 10 and value[10] in "T ":
        value = value[:10]
    match = _ISO.fullmatch(value)
    if not match:
        raise ValueError(f"not an ISO partial date: {value!r}")
    year, month, day = (int(group) if group else None for group in match.groups())
    return PartialDate(year, month, day)


# --- folding -------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Folded text with single spaces: the lookup key of a matched word or phrase."""
    return " ".join(fold_with_offsets(text)[0].split())


# --- vocabulary and patterns ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    deictic_days: dict[str, int]
    markers: dict[str, str]  # folded marker → "last", "next" or "current"
    units: dict[str, str]
    demonstratives: frozenset[str]
    ago_leads: dict[str, int]
    ago_units: dict[str, str]
    numbers: dict[str, int]
    quantifiers: frozenset[str]
    count_nouns: frozenset[str]
    year_followers: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    data = load("timex")
    markers = {_key(w): "last" for w in data["past_markers"]}
    markers |= {_key(w): "next" for w in data["future_markers"]}
    markers |= {_key(w): "current" for w in data["current_markers"]}
    return _Lexicon(
        months={_key(w): n for w, n in (data["months"] | data["month_abbreviations"]).items()},
        weekdays={_key(w): n for w, n in data["weekdays"].items()},
        deictic_days={_key(w): n for w, n in data["deictic_days"].items()},
        markers=markers,
        units={_key(w): unit for w, unit in data["relative_units"].items()},
        demonstratives=frozenset(_key(w) for w in data["demonstratives"]),
        ago_leads={_key(w): sign for w, sign in data["ago_leads"].items()},
        ago_units={_key(w): unit for w, unit in data["ago_units"].items()},
        numbers={_key(w): n for w, n in data["numbers"].items()},
        quantifiers=frozenset(_key(w) for w in data["quantifiers"]),
        count_nouns=frozenset(_key(w) for w in data["count_nouns"]),
        year_followers=frozenset(_key(w) for w in data["year_followers"]),
    )


def _alt(words: Iterable[str], name: str | None = None) -> str:
    """Regex alternation of folded words, longest first; a space matches any whitespace, a hyphen also a space."""
    keys = sorted({_key(w) for w in words}, key=len, reverse=True)
    body = "|".join(re.escape(k).replace(r"\ ", r"\s+").replace(r"\-", r"[\s-]\s*") for k in keys)
    return f"(?P<{name}>{body})" if name else f"(?:{body})"


def _lead(words: Iterable[str], name: str | None = None) -> str:
    """Alternation of words that precede another word: a space after them, none after an elision (`d'`)."""
    keys = sorted({_key(w) for w in words}, key=len, reverse=True)
    items = [re.escape(k).replace(r"\ ", r"\s+") + ("" if k.endswith("'") else r"\s+") for k in keys]
    body = "|".join(items)
    return f"(?P<{name}>{body})" if name else f"(?:{body})"


_Result = tuple[PartialDate | None, PartialDate | None, bool]
_Handler = Callable[[re.Match[str], "_Context"], _Result | None]  # None: the match is not a date


@dataclass(frozen=True)
class _Context:
    folded: str
    text: str
    starts: list[int]
    doc: PartialDate | None
    tense: str | None


@cache
def _rules() -> tuple[tuple[re.Pattern[str], _Handler], ...]:
    """The patterns, each with the function that turns its match into dates."""
    data = load("timex")
    lex = _lexicon()
    full_months = _alt(data["months"])
    abbreviations = sorted((_key(a) for a in data["month_abbreviations"]), key=len, reverse=True)
    any_month = "(?:" + "|".join([full_months] + [re.escape(a) + r"\.?" for a in abbreviations]) + ")"
    day = r"(?:1er|premier|[12][0-9]|3[01]|0?[1-9])(?![0-9])"
    year = r"(?:1[5-9]|20)[0-9]{2}(?![0-9])"  # 1500-2099: news cites treaties and tours of past centuries
    weekday = _alt(data["weekdays"])
    day_part = _alt(data["day_parts"])
    marker = _alt(lex.markers)
    period = _lead(data["period_leads"]) + "?" + _alt(data["period_words"]) + r"(?:\s*-\s*|\s+)"
    of = r"(?:de\s+|d')?"
    of_year = of + r"(?:l'annee\s+|l'an\s+)?"  # `au début de l'année 2024`

    days = (
        rf"(?<!\w){_lead(data['day_leads'])}?(?:{weekday}\s+)?(?P<d1>{day})"
        rf"(?:\s+(?:de\s+)?(?P<m1>{any_month})(?:\s+(?P<y1>{year}))?)?"
        rf"(?:(?:\s*,\s*(?:le\s+)?{day})*(?:\s+(?:au|jusqu'au|et\s+le|et)\s+|\s*-\s*)"
        rf"(?:{weekday}\s+)?(?P<d2>{day}))?"
        rf"\s+(?:de\s+)?(?P<m2>{any_month})(?!\w)(?:\s+(?P<y2>{year})|\s+(?P<mod>{marker}))?"
        rf"(?:\s+{day_part})?(?!\w)"
    )
    numeric = (
        r"(?<![\w/.-])(?:(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})"
        r"|(?P<iy>[0-9]{4})-(?P<im>[0-9]{2})-(?P<id>[0-9]{2}))(?![\w/-]|\.[0-9])"
    )
    months = (
        rf"(?<!\w)(?:{_lead(data['month_leads'], 'lead')}|(?P<per>{period}){of}|(?P<span>de\s+|d'|entre\s+))?"
        rf"(?P<m1>{full_months})(?:\s+(?P<y1>{year}))?"
        rf"(?:\s+(?:a|au|et|jusqu'a|jusqu'en)\s+(?:(?:au\s+)?mois\s+{of})?(?P<m2>{full_months})(?:\s+(?P<y2>{year}))?)?"
        rf"(?!\w)(?:\s+(?P<mod>{marker}))?(?!\w)"
    )
    season = _lead(data["season_leads"]) + _alt(data["seasons"]) + rf"\s+{of_year}"
    year_part = (
        r"(?:(?:au|le|du|au\s+cours\s+du)\s+)?" + _alt(data["ordinals"]) + r"\s+"
        + _alt(data["year_parts"]) + rf"\s+{of_year}"
    )
    years = (
        rf"(?<!\w)(?:{_lead(data['year_leads_strong'], 'strong')}|{_lead(data['year_leads_weak'], 'weak')}"
        rf"|(?P<per>{period}){of_year}|{season}|{year_part})"
        rf"(?P<y1>{year})(?:(?:\s*-\s*|\s+(?:a|au|et|jusqu'a|jusqu'en)\s+)(?P<y2>{year}))?(?!\w)"
    )
    units = (
        rf"(?<!\w)(?P<per>{period})?{_lead(data['unit_determiners'], 'det')}"
        rf"{_alt(data['relative_units'], 'unit')}(?P<ci>-ci|-la)?(?!\w)(?:\s+(?P<mod>{marker}))?(?!\w)"
    )
    weekdays = (
        rf"(?<!\w)(?:(?:le|ce)\s+)?{_alt(data['weekdays'], 'wd')}"
        rf"(?:\s+(?P<mod>{_alt(data['past_markers'] + data['future_markers'])}))?(?:\s+{day_part})?(?!\w)"
    )
    weekend = (
        rf"(?<!\w)(?:(?:le|ce|du|au|en)\s+)?{_alt(data['weekend_words'])}"
        rf"(?:\s+(?P<mod>{_alt(data['past_markers'] + data['future_markers'])}))?(?!\w)"
    )
    deictic = rf"(?<!\w){_alt(data['deictic_days'], 'word')}(?:\s+{day_part})?(?!\w)(?!-la(?!\w))"  # not `ce soir-là`
    numbers = _alt(data["numbers"])
    ago = (
        rf"(?<!\w){_alt(data['ago_leads'], 'lead')}\s+(?P<n>[0-9]{{1,3}}|{numbers})\s+"
        rf"{_alt(data['ago_units'], 'unit')}(?!\w)"
    )
    return tuple(
        (re.compile(pattern), handler)
        for pattern, handler in (
            (numeric, _on_numeric),
            (days, _on_days),
            (months, _on_months),
            (years, _on_years),
            (units, _on_units),
            (weekdays, _on_weekday),
            (weekend, _on_weekend),
            (deictic, _on_deictic),
            (ago, _on_ago),
        )
    )


# --- resolution ----------------------------------------------------------------------------------


def _mode(marker: str | None, tense: str | None) -> str:
    """Which occurrence of a yearless date is meant: a marker (`dernier`) wins over the tense."""
    if marker:
        return _lexicon().markers[_key(marker)]
    return {"past": "past", "future": "future"}.get(tense or "", "current")


def _fits(mode: str, start: PartialDate, end: PartialDate, doc: PartialDate) -> bool:
    if mode == "last":  # strictly before the article: `le 7 mars dernier`
        return end.last < doc.last
    if mode == "next":
        return start.first > doc.first
    if mode == "past":  # not after the article
        return start.first <= doc.last
    if mode == "future":
        return end.last >= doc.first
    return True


def _choose_year(
    make: Callable[[int], tuple[PartialDate, PartialDate]], doc: PartialDate | None, mode: str
) -> _Result:
    """Resolve a yearless date: the article's year, moved back or forward until the mode fits."""
    if doc is None:
        return None, None, True
    if mode == "current":
        return _nearest_year(make, doc)
    else:
        step = -1 if mode in ("last", "past") else 1
        years = range(doc.year, doc.year + step * _SEARCH_YEARS, step)
    for candidate in years:
        try:
            start, end = make(candidate)
        except ValueError:  # 29 February outside a leap year, or beyond year 9999
            continue
        if _fits(mode, start, end, doc):
            return start, end, True
    return None, None, True


def _nearest_year(make: Callable[[int], tuple[PartialDate, PartialDate]], doc: PartialDate) -> _Result:
    """No tense to choose by: the occurrence nearest the article (`le 15 novembre` in an article of
    February is last November's), the article's year when as near."""
    best: tuple[int, int, PartialDate, PartialDate] | None = None
    for rank, candidate in enumerate((doc.year, doc.year - 1, doc.year + 1)):
        try:
            start, end = make(candidate)
        except ValueError:
            continue
        if start.first <= doc.last and end.last >= doc.first:
            gap = 0
        else:
            gap = min(abs((start.first - doc.last).days), abs((doc.first - end.last).days))
        if best is None or (gap, rank) < best[:2]:
            best = (gap, rank, start, end)
    return (best[2], best[3], True) if best else (None, None, True)


def _span(
    first: tuple[int | None, int | None],
    last: tuple[int | None, int | None],
    year_first: int | None,
    year_last: int | None,
    marker: str | None,
    ctx: _Context,
) -> _Result | None:
    """Days or months from (month, day) pairs and the years the text gives, if any; None when impossible."""
    (month1, day1), (month2, day2) = first, last
    try:  # impossible in any year (`31 avril`): not a date
        dt.date(2000, month1, day1 or 1), dt.date(2000, month2, day2 or 1)
    except ValueError:
        return None
    wraps = (month1, day1 or 0) > (month2, day2 or 0)  # `du 28 décembre au 3 janvier`
    if year_first is None and year_last is None:
        def make(year: int) -> tuple[PartialDate, PartialDate]:
            return PartialDate(year - wraps, month1, day1), PartialDate(year, month2, day2)

        return _choose_year(make, ctx.doc, _mode(marker, ctx.tense))
    if year_last is None:
        year_last = year_first + wraps
    elif year_first is None:
        year_first = year_last - wraps
    try:
        start, end = PartialDate(year_first, month1, day1), PartialDate(year_last, month2, day2)
    except ValueError:  # `29 février 2023`
        return None
    return (start, end, False) if start.first <= end.first else None


def _day(text: str) -> int:
    return 1 if text in ("1er", "premier") else int(text)


def _month(text: str) -> int:
    return _lexicon().months[_key(text).rstrip(".")]


def _on_numeric(match: re.Match[str], ctx: _Context) -> _Result | None:
    if match["iy"]:
        year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    else:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    try:
        value = PartialDate(year, month, day)
    except ValueError:
        return None
    return value, value, False


def _on_days(match: re.Match[str], ctx: _Context) -> _Result | None:
    day1 = _day(match["d1"])
    day2 = _day(match["d2"]) if match["d2"] else day1
    month2 = _month(match["m2"])
    if match["m1"]:
        if not match["d2"]:
            return None
        month1 = _month(match["m1"])
    else:  # `du 30 au 2 décembre` starts in the month before
        month1 = month2 if day1 <= day2 else (month2 - 2) % 12 + 1
    year1 = int(match["y1"]) if match["y1"] else None
    year2 = int(match["y2"]) if match["y2"] else None
    return _span((month1, day1), (month2, day2), year1, year2, match["mod"], ctx)


def _on_months(match: re.Match[str], ctx: _Context) -> _Result | None:
    month1 = _month(match["m1"])
    month2 = _month(match["m2"]) if match["m2"] else month1
    year1 = int(match["y1"]) if match["y1"] else None
    year2 = int(match["y2"]) if match["y2"] else None
    if match["span"] and not (match["m2"] or year1):  # `de mars` alone: a planet as likely as a month
        return None
    if not (match["lead"] or match["per"] or match["span"] or year1 or year2 or match["mod"]):
        return None  # a bare month name (`Mars`) is not taken
    marker = None if year1 or year2 else match["mod"]
    return _span((month1, None), (month2, None), year1, year2, marker, ctx)


def _next_word(ctx: _Context, end: int) -> tuple[str, bool] | None:
    """The word after a match, folded, and whether it starts with a capital in the original text."""
    found = _NEXT_WORD.match(ctx.folded, end)
    if not found:
        return None
    return found[1], ctx.text[ctx.starts[found.start(1)]].isupper()


def _on_years(match: re.Match[str], ctx: _Context) -> _Result | None:
    lex = _lexicon()
    following = _next_word(ctx, match.end())
    if following and following[0] in lex.count_nouns:  # `depuis 2000 ans`, `en 2000 euros`
        return None
    if match["weak"]:
        before = " ".join(ctx.folded[max(0, match.start() - 12) : match.start()].split()[-2:])
        if any(before == q or before.endswith(" " + q) for q in lex.quantifiers):  # `plus de 2000`
            return None
        if _key(match["weak"]) == "entre" and not match["y2"]:
            return None
        if following:
            word, capital = following
            if not capital and "'" not in word and word not in lex.year_followers:  # `de 2000 touristes`
                return None
    start = PartialDate(int(match["y1"]))
    end = PartialDate(int(match["y2"])) if match["y2"] else start
    return (start, end, False) if start.year <= end.year else None


def _from_date(date: dt.date) -> PartialDate:
    return PartialDate(date.year, date.month, date.day)


def _shift_month(date: PartialDate, months: int) -> PartialDate:
    index = date.year * 12 + (date.month or 1) - 1 + months
    return PartialDate(index // 12, index % 12 + 1)


def _on_units(match: re.Match[str], ctx: _Context) -> _Result | None:
    lex = _lexicon()
    if match["ci"] == "-la":  # `cette année-là` is some past year, not the article's
        return None
    if match["mod"]:
        offset = {"last": -1, "next": 1, "current": 0}[lex.markers[_key(match["mod"])]]
    elif match["ci"] or match["per"] or _key(match["det"]) in lex.demonstratives:
        offset = 0
    else:  # `l'année` alone
        return None
    unit, doc = lex.units[_key(match["unit"])], ctx.doc
    if unit == "year" and doc is not None:
        value = PartialDate(doc.year + offset)
        return value, value, True
    if unit == "month" and doc is not None and doc.month is not None:
        value = _shift_month(doc, offset)
        return value, value, True
    if unit == "week" and doc is not None and doc.day is not None:
        monday = doc.first - dt.timedelta(days=doc.first.weekday() - 7 * offset)
        sunday = monday + dt.timedelta(days=6)
        return _from_date(monday), _from_date(sunday), True
    return None, None, True


def _on_weekday(match: re.Match[str], ctx: _Context) -> _Result | None:
    """The latest such weekday on or before the article (past, the default) or the next on or after (future);
    in an article known only to the month, that month (GUIDELINES 4, the month hedge)."""
    doc = ctx.doc
    if doc is not None and doc.day is None and doc.month is not None:
        return doc, doc, True
    if doc is None or doc.day is None:
        return None, None, True
    mode = _mode(match["mod"], ctx.tense)
    behind = (doc.first.weekday() - _lexicon().weekdays[_key(match["wd"])]) % 7
    delta = {"last": -(behind or 7), "next": (-behind) % 7 or 7, "future": (-behind) % 7}.get(mode, -behind)
    value = _from_date(doc.first + dt.timedelta(days=delta))
    return value, value, True


def _on_weekend(match: re.Match[str], ctx: _Context) -> _Result | None:
    """`ce week-end`: the Saturday and Sunday just past (past tense, `dernier`, `depuis`) or coming (else,
    `prochain`: the one after the article's own weekend); in an article known only to the month,
    that month (the month hedge)."""
    doc = ctx.doc
    if doc is not None and doc.day is None and doc.month is not None:
        return doc, doc, True
    if doc is None or doc.day is None:
        return None, None, True
    mode, weekday = _mode(match["mod"], ctx.tense), doc.first.weekday()
    if re.search(r"\bdepuis\s+$", ctx.folded[max(0, match.start() - 8) : match.start()]):
        mode = "past"  # `séjourne depuis le week-end`: begun, so the one just past
    saturday = 5
    if mode in ("past", "last"):
        delta = -((weekday - saturday) % 7) - (7 if mode == "last" and weekday >= saturday else 0)
    elif mode == "next":
        delta = (saturday - weekday) % 7 or 7
    else:
        delta = -1 if weekday == saturday + 1 else (saturday - weekday) % 7
    first = doc.first + dt.timedelta(days=delta)
    return _from_date(first), _from_date(first + dt.timedelta(days=1)), True


def _on_deictic(match: re.Match[str], ctx: _Context) -> _Result | None:
    if re.search(r"(?:\bde\s+|\bd')$", ctx.folded[max(0, match.start() - 4) : match.start()]):
        return None  # `la France d'aujourd'hui`, `les alliés d'hier`: figurative
    doc = ctx.doc
    if doc is not None and doc.day is None and doc.month is not None:
        return doc, doc, True  # `hier` in an article known only to the month: that month (the month hedge)
    if doc is None or doc.day is None:
        return None, None, True
    value = _from_date(doc.first + dt.timedelta(days=_lexicon().deictic_days[_key(match["word"])]))
    return value, value, True


def _on_ago(match: re.Match[str], ctx: _Context) -> _Result | None:
    """`il y a trois ans`, `dans deux jours`: the article's date moved by the amount."""
    lex = _lexicon()
    count = int(match["n"]) if match["n"].isdigit() else lex.numbers[_key(match["n"])]
    amount = count * lex.ago_leads[_key(match["lead"])]
    unit, doc = lex.ago_units[_key(match["unit"])], ctx.doc
    if unit == "year" and doc is not None:
        value = PartialDate(doc.year + amount)
    elif unit == "month" and doc is not None and doc.month is not None:
        value = _shift_month(doc, amount)
    elif unit in ("day", "week") and doc is not None and doc.day is not None:
        value = _from_date(doc.first + dt.timedelta(days=amount * (7 if unit == "week" else 1)))
    else:
        return None, None, True
    return value, value, True


# --- public API ----------------------------------------------------------------------------------


def find_time_expressions(text: str, doc_date: str | None, tense: str | None = None) -> list[TimeExpression]:
    """All temporal expressions in `text`, left to right, non-overlapping (the longest match wins).

    tense ('past', 'future', 'present' or None) picks the occurrence of a weekday or a yearless date;
    a weekday with no tense is taken in the past. An expression that needs doc_date (or a full-day
    doc_date) it lacks is still returned, with None values.
    """
    folded, starts, ends = fold_with_offsets(text)
    ctx = _Context(folded, text, starts, parse_iso(doc_date) if doc_date else None, tense)
    candidates: list[tuple[int, int, int, _Result]] = []
    for rank, (pattern, handler) in enumerate(_rules()):
        position = 0
        while match := pattern.search(folded, position):
            position = match.start() + 1  # a rejected match must not hide one starting inside it
            try:
                result = handler(match, ctx)
            except (ValueError, OverflowError):  # arithmetic past the ends of the calendar
                result = None, None, True
            if result is not None:
                candidates.append((match.start(), match.end(), rank, result))
    chosen: list[tuple[int, int, _Result]] = []
    for start, end, _, result in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, result))
    expressions = []
    for start, end, (value_start, value_end, relative) in sorted(chosen, key=lambda c: c[0]):
        first, stop = starts[start], ends[end - 1]
        expressions.append(
            TimeExpression(
                start=first,
                end=stop,
                text=text[first:stop],
                value_start=value_start.iso() if value_start else None,
                value_end=value_end.iso() if value_end else None,
                relative=relative,
            )
        )
    return expressions


def normalise(expression: str, doc_date: str | None, tense: str | None = None) -> tuple[str | None, str | None]:
    """(start, end) of the first temporal expression in `expression`; (None, None) when there is none."""
    found = find_time_expressions(expression, doc_date, tense)
    return (found[0].value_start, found[0].value_end) if found else (None, None)
