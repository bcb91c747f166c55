"""Codes other event data speaks: a CAMEO code and a PLOVER category per event, ISO 3166-1 alpha-3 per country.

With them evex's events join GDELT, ICEWS and PETRARCH (CAMEO codes, alpha-3 countries) and POLECAT
(PLOVER). The rules are data (`evex/data/codes.yaml`, checked when loaded); the alpha-3 codes come
from countryinfo, the country data the geocoder already uses. Codes are computed from what the
database holds (an event's type, status, triggers, place and its participants' places), so the load,
`evex reextract` and migration 0006 give the same codes; linking again replaces an event's codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection, delete, select

import models
from evex.db import among, in_lists, inserting, run_together
from evex.extract.resources import fold_word
from evex.frames import EVENT_TYPES, STATUSES

CODEBOOK_FILE = Path(__file__).resolve().parent / "data" / "codes.yaml"
CONDITIONS = ("negotiation", "third_location")  # what a rule's `when` may test (see codes.yaml)
_CAMEO_CODE = re.compile(r"^\d{3,4}$")  # CAMEO event codes: three digits, or four for a sub-code


class CodebookError(ValueError):
    """codes.yaml says something the codebooks do not allow; the message names the file and the entry."""


@dataclass(frozen=True)
class CameoCode:
    code: str  # e.g. "042"
    name: str  # the CAMEO codebook's name for it
    plover: str  # its PLOVER category, e.g. CONSULT
    mode: str | None = None  # its PLOVER mode, e.g. visit


@dataclass(frozen=True)
class Rule:
    """The code of one event type and status, and its refinements (condition, code), tried in order."""

    code: str
    when: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Codebook:
    cameo: dict[str, CameoCode]
    rules: dict[tuple[str, str], Rule | None]  # (event type, status) -> rule; None: no code
    negotiation_words: frozenset[str]  # folded singular trigger words

    def code(self, event_type: str, status: str, *, negotiation: bool = False,
             third_location: bool = False) -> CameoCode | None:
        """The CAMEO code of an event, or None for a type no codebook covers (a workshop)."""
        rule = self.rules[(event_type, status)]
        if rule is None:
            return None
        holds = {"negotiation": negotiation, "third_location": third_location}
        return self.cameo[next((code for condition, code in rule.when if holds[condition]), rule.code)]

    def is_negotiation(self, words: Iterable[str]) -> bool:
        """Whether one of a trigger's words (as written or as its lexicon lemma) is a word of negotiation."""
        return any(fold_word(word) in self.negotiation_words for text in words for word in text.split())


def read_codebook(path: Path = CODEBOOK_FILE) -> Codebook:
    """codes.yaml, checked: every code a CAMEO code with a PLOVER category and mode that PLOVER defines,
    every event type and status given a rule, every rule naming known codes and conditions."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)

    def fail(reason: str):
        raise CodebookError(f"{path}: {reason}")

    plover = data.get("plover") or fail("no `plover` categories")
    cameo: dict[str, CameoCode] = {}
    for code, entry in (data.get("cameo") or fail("no `cameo` codes")).items():
        if not isinstance(code, str) or not _CAMEO_CODE.match(code):
            fail(f"cameo: {code!r} is not a CAMEO event code (3 or 4 digits, quoted)")
        if entry.get("plover") not in plover:
            fail(f"cameo {code}: PLOVER category {entry.get('plover')!r} is not one of {sorted(plover)}")
        if entry.get("mode") is not None and entry["mode"] not in plover[entry["plover"]]:
            fail(f"cameo {code}: {entry['mode']!r} is no mode of PLOVER {entry['plover']}")
        if not entry.get("name"):
            fail(f"cameo {code}: no name")
        cameo[code] = CameoCode(code, entry["name"], entry["plover"], entry.get("mode"))
    events = data.get("events") or fail("no `events` rules")
    rules: dict[tuple[str, str], Rule | None] = {}
    for event_type in EVENT_TYPES:
        for status in STATUSES:
            if status not in (events.get(event_type) or {}):
                fail(f"events: no rule for {event_type} {status} (null for none)")
            raw = events[event_type][status]
            when = raw.get("when", []) if isinstance(raw, dict) else []
            if raw is not None and (not isinstance(raw, dict) or any(len(pair) != 2 for pair in when)):
                fail(f"events {event_type} {status}: not {{code: ..., when: [[condition, code], ...]}}")
            rules[(event_type, status)] = raw and Rule(raw.get("code"), tuple(map(tuple, when)))
    unknown_types = set(events) - set(EVENT_TYPES)
    if unknown_types:
        fail(f"events: {sorted(unknown_types)} are no evex event types {EVENT_TYPES}")
    for (event_type, status), rule in rules.items():
        for condition, code in ((None, rule.code), *rule.when) if rule else ():
            if code not in cameo:
                fail(f"events {event_type} {status}: code {code!r} is not listed under `cameo`")
            if condition is not None and condition not in CONDITIONS:
                fail(f"events {event_type} {status}: condition {condition!r} is not one of {CONDITIONS}")
    words = data.get("negotiation_triggers") or fail("no `negotiation_triggers`")
    return Codebook(cameo, rules, frozenset(fold_word(word) for word in words))


@cache
def codebook() -> Codebook:
    return read_codebook()


@cache
def _alpha3_codes() -> dict[str, str]:
    from countryinfo import all_countries

    codes = (country.iso() for country in all_countries())
    return {iso["alpha2"]: iso["alpha3"] for iso in codes if iso.get("alpha2") and iso.get("alpha3")}


def alpha3(alpha2: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (DZ -> DZA); None for one ISO gives none (XK)."""
    return _alpha3_codes().get(alpha2) if alpha2 else None


def is_third_location(place_country: str | None, participant_countries: set[str]) -> bool:
    """CAMEO 044: the event's place is in a country, two or more country participants meet there, and it
    is the home of none of them. With one country known, the other side's home is unknown: no."""
    return place_country is not None and len(participant_countries) >= 2 and place_country not in participant_countries


def link_codes(connection: Connection, event_ids: Iterable[int] | None = None, first: list = ()) -> None:
    """Compute and store the codes of these events (every event's when None) and the alpha-3 codes of
    the countries the places name. An event's codes are replaced, so linking again changes nothing.

    Two round trips (`run_together`): every read, then every write; the statements `first` (which return
    no rows) go ahead of the reads, in the first."""
    chunks = in_lists(event_ids) if event_ids is not None else [None]
    reads = [*first, (_missing_countries(), None)]
    for chunk in chunks:
        reads += [(query, None) for query in _code_queries(connection, chunk)]
    found = run_together(connection, reads)[len(first):]
    table, countries = models.EventCode.__table__, models.Country.__table__
    missing = sorted(code for code, in found[0])
    writes = [inserting(connection.dialect, countries,
                        [{"alpha2": code, "alpha3": alpha3(code)} for code in missing if alpha3(code)])]
    for i, chunk in enumerate(chunks):
        rows = [{"event_id": event_id, "cameo_code": code.code, "plover_type": code.plover, "plover_mode": code.mode}
                for event_id, code in _codes_of(*found[1 + 4 * i : 5 + 4 * i]) if code]
        writes += [(_of_events(delete(table), table.c.event_id, chunk, connection), None),
                   inserting(connection.dialect, table, rows)]
    run_together(connection, writes)


def _of_events(query, column, event_ids: list[int] | None, connection: Connection):
    """`query` restricted to rows whose `column` is one of `event_ids` (None: every event's)."""
    return query if event_ids is None else query.where(among(column, event_ids, connection.dialect))


def _event_codes(connection: Connection, event_ids: list[int] | None) -> list[tuple[int, CameoCode | None]]:
    """(event id, its CAMEO code) from what the database holds: the event's type and status, its reports'
    triggers, its place's country and its participants' places' countries."""
    return _codes_of(*run_together(connection, [(query, None) for query in _code_queries(connection, event_ids)]))


def _code_queries(connection: Connection, event_ids: list[int] | None) -> list:
    """What the codes of these events (every event's when None) are computed from (`_codes_of`)."""
    events, reports, mentions = models.Event.__table__, models.EventReport.__table__, models.EventMention.__table__
    participants, entity_places = models.EventParticipant.__table__, models.EntityPlace.__table__
    places, event_places = models.Place.__table__, models.EventPlace.__table__
    kinds = select(events.c.id, events.c.type, events.c.status)
    words = select(reports.c.event_id, mentions.c.trigger, mentions.c.lemma).join(
        mentions, mentions.c.report_id == reports.c.id)
    place_country = select(event_places.c.event_id, places.c.country_code).join(
        places, places.c.id == event_places.c.place_id)
    countries = (select(reports.c.event_id, places.c.country_code)
                 .join(participants, participants.c.report_id == reports.c.id)
                 .join(entity_places, entity_places.c.entity_id == participants.c.entity_id)
                 .join(places, places.c.id == entity_places.c.place_id)
                 .where(places.c.country_code.is_not(None)))
    return [_of_events(kinds, events.c.id, event_ids, connection),
            _of_events(words, reports.c.event_id, event_ids, connection),
            _of_events(place_country, event_places.c.event_id, event_ids, connection),
            _of_events(countries, reports.c.event_id, event_ids, connection)]


def _codes_of(kinds: list, words_found: list, place_found: list, countries_found: list
              ) -> list[tuple[int, CameoCode | None]]:
    """The codes from the rows of `_code_queries`: each event's type and status, its triggers' words, its
    place's country, its participants' places' countries."""
    words: dict[int, list[str]] = {}
    for event_id, trigger, lemma in words_found:
        words.setdefault(event_id, []).extend((trigger, lemma or ""))
    place_country = dict(place_found)
    countries: dict[int, set[str]] = {}
    for event_id, country in countries_found:
        countries.setdefault(event_id, set()).add(country)
    book = codebook()
    return [(event_id, book.code(event_type, status, negotiation=book.is_negotiation(words.get(event_id, ())),
                                 third_location=is_third_location(place_country.get(event_id),
                                                                  countries.get(event_id, set()))))
            for event_id, event_type, status in sorted(kinds)]


def _missing_countries():
    """The country codes places name that `countries` does not hold yet."""
    places, countries = models.Place.__table__, models.Country.__table__
    return (select(places.c.country_code).distinct()
            .outerjoin(countries, countries.c.alpha2 == places.c.country_code)
            .where(places.c.country_code.is_not(None), countries.c.alpha2.is_(None)))
