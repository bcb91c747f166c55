"""Countries, cities and regions as general knowledge: names, variants, demonyms and capitals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from evex.extract.resources import fold, load


@dataclass(frozen=True)
class Place:
    name: str  # canonical French name
    kind: str  # GPE for a country, LOC for a region or a city
    country: str | None  # the country a city lies in, the country itself for a country
    region: bool = False  # a region or grouping of countries (Maghreb, Sahel), not a locality

    @property
    def is_country(self) -> bool:
        return self.kind == "GPE"

    @property
    def is_city(self) -> bool:
        return self.kind == "LOC" and self.country is not None


def demonym_forms(masculine: str) -> set[str]:
    """Feminine and plural forms of a masculine singular demonym (américain -> américaines)."""
    base = fold(masculine)
    if base.endswith("e"):
        singulars = {base}
    elif base.endswith("en"):
        singulars = {base, base + "ne"}
    elif base.endswith("c"):
        singulars = {base, base + "que", base[:-1] + "que"}  # grecque, turque
    else:
        singulars = {base, base + "e"}
    plurals = {s if s.endswith(("s", "x")) else s + "s" for s in singulars}
    return singulars | plurals


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # folded name -> place
    demonyms: dict[str, str]  # folded demonym form -> country
    capitals: dict[str, str]  # folded capital -> country
    longest: int  # most words in a place name, bounds the scan
    venues: dict[str, Place]  # folded venue name -> the city it stands in
    unions: frozenset[str]  # unions of states a demonym may name (`européen`): ORG parties, not countries

    def lookup(self, text: str) -> Place | None:
        return self.places.get(fold(text))

    def venue_city(self, text: str) -> Place | None:
        return self.venues.get(fold(text))

    def country_of_demonym(self, *forms: str) -> str | None:
        for form in forms:
            country = self.demonyms.get(fold(form))
            if country:
                return country
        return None

    def is_union(self, name: str) -> bool:
        return name in self.unions

    def capital_country(self, text: str) -> str | None:
        return self.capitals.get(fold(text))

    def scan(self, text: str) -> list[Place]:
        """Places named in a short string, longest match first (Maroc-Etats-Unis -> Maroc, États-Unis)."""
        tokens = fold(text).replace("'", "' ").split()
        found: list[Place] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                place = self.places.get(" ".join(tokens[i : i + size]).replace("' ", "'"))
                if place:
                    found.append(place)
                    i += size
                    break
            else:
                i += 1
        return found


@cache
def gazetteer() -> Gazetteer:
    data = load("gazetteer")
    places: dict[str, Place] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for entry in data["countries"]:
        country = entry["name"]
        for city in [entry["capital"], *entry.get("cities", [])]:
            places.setdefault(fold(city), Place(city, "LOC", country))
        capitals[fold(entry["capital"])] = country
        for variant in [country, *entry.get("variants", [])]:
            places[fold(variant)] = Place(country, "GPE", country)
        if "demonym" in entry:
            for form in demonym_forms(entry["demonym"]):
                demonyms.setdefault(form, country)
    for demonym, union in data["union_demonyms"].items():  # `la commissaire européenne`: the Union she serves
        for form in demonym_forms(demonym):
            demonyms.setdefault(form, union)
    for region in data["regions"]:
        places.setdefault(fold(region), Place(region, "LOC", None, region=True))
    for alias, city in data["city_aliases"].items():
        places[fold(alias)] = places[fold(city)]
    longest = max(len(key.replace("'", "' ").split()) for key in places)
    venues = {fold(venue): places[fold(city)] for venue, city in data["venues"].items()}
    unions = frozenset(data["union_demonyms"].values())
    return Gazetteer(places=places, demonyms=demonyms, capitals=capitals, longest=longest, venues=venues, unions=unions)
